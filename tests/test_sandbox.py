"""Clean-up after a grading batch: no process that names the batch's folder survives it."""

from __future__ import annotations

import signal
import subprocess
import sys

from civicspace import sandbox

SLEEP = "import time; time.sleep(60)"


def test_kill_leftovers_kills_only_processes_naming_the_folder(tmp_path):
    batch, other = tmp_path / "b1", tmp_path / "b10"  # one name a prefix of the other
    batch.mkdir()
    inside = subprocess.Popen([sys.executable, "-c", SLEEP, str(batch / "runtime" / "kernel.json")])
    outside = subprocess.Popen([sys.executable, "-c", SLEEP, str(other / "runtime" / "kernel.json")])
    try:
        assert sandbox.kill_leftovers(batch) == 1
        assert inside.wait(timeout=10) == -signal.SIGKILL
        assert outside.poll() is None, "a process of another folder was killed"
        assert sandbox.kill_leftovers(batch) == 0
    finally:
        for p in (inside, outside):
            p.kill()
            p.wait()


def test_the_limits_line_says_what_is_in_force_and_what_is_missing(monkeypatch):
    from civicspace import sandbox

    limits = sandbox.Limits(cell_timeout=7, memory_mb=512, max_processes=32)
    monkeypatch.setattr(sandbox, "cgroups_available", lambda: True)
    line = sandbox.describe_limits(limits)
    assert line.startswith("limits: bubblewrap sandbox") and "7 s per cell" in line
    assert "memory 512 MB and 32 processes per kernel (cgroup v1)" in line and "MISSING" not in line
    monkeypatch.setattr(sandbox, "cgroups_available", lambda: False)
    line = sandbox.describe_limits(limits)
    assert "MISSING: memory and process limits" in line and "512 MB" not in line
    assert sandbox.describe_limits(limits, use_sandbox=False).startswith("limits: NO SANDBOX")
