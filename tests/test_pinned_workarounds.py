"""Workarounds written against exact versions are re-checked when those versions change.

civicspace.kernelfix replaces jupyter_client's AsyncZMQSocketChannel.get_msg;
civicspace.grading.runner hides an optional import from nbgrader's start-up;
civicspace.grading.execute subclasses nbgrader's Execute preprocessor and drives nbclient.
When the lock moves any of these packages, this test fails: read the new versions'
code for the behaviour each workaround relies on, run the grading and kernel tests,
then update the versions below.
"""

from __future__ import annotations

import re
from importlib.metadata import version

from conftest import ROOT

CHECKED = {"jupyter_client": "8.10.0", "nbgrader": "0.9.6"}


def _locked() -> dict[str, str]:
    lock = (ROOT / "binder" / "requirements.txt").read_text(encoding="utf-8")
    return {m.group(1).lower().replace("_", "-"): m.group(2) for m in re.finditer(r"^([A-Za-z0-9_.-]+)==(\S+)$", lock, re.M)}


def test_the_workarounds_were_checked_against_the_locked_versions():
    locked = _locked()
    assert locked["jupyter-client"] == CHECKED["jupyter_client"], (
        "jupyter_client changed in the lock: re-check civicspace.kernelfix against its AsyncZMQSocketChannel.get_msg"
    )
    assert locked["nbgrader"] == CHECKED["nbgrader"], (
        "nbgrader changed in the lock: re-check civicspace.grading.runner and civicspace.grading.execute (Execute subclass)"
    )


def test_the_environment_runs_the_locked_versions():
    locked = _locked()
    for name in ("jupyter-client", "nbgrader", "nbclient", "pytest", "pytest-xdist"):
        assert version(name) == locked[name], f"{name} {version(name)} is installed, the lock says {locked[name]}: run make env"
