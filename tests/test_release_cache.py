"""nbgrader's student versions kept in a folder (``release.release``): made once, reused while
the assignment's source is unchanged, and made once when two builds share the folder at once."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from civicspace.editions import release

ASSIGNMENT = "ch00_jupyter_pandas"


def _fake_generate(calls: list[str], seconds: float = 0.0):
    def generate(assignment, source, target, root):
        calls.append(assignment)
        time.sleep(seconds)
        target.mkdir(parents=True, exist_ok=True)
        (target / f"{assignment}.ipynb").write_text(str(len(calls)), encoding="utf-8")

    return generate


def test_a_release_is_reused_until_the_source_changes(tmp_path, monkeypatch):
    calls: list[str] = []
    monkeypatch.setattr(release, "_generate", _fake_generate(calls))
    root = tmp_path / "course"
    source = root / "exercises" / ASSIGNMENT
    source.mkdir(parents=True)
    (source / f"{ASSIGNMENT}.ipynb").write_text("first", encoding="utf-8")
    out = tmp_path / "cache"
    assert release.release(ASSIGNMENT, out, root) == out / ASSIGNMENT
    release.release(ASSIGNMENT, out, root)
    assert calls == [ASSIGNMENT]
    (source / f"{ASSIGNMENT}.ipynb").write_text("changed", encoding="utf-8")
    release.release(ASSIGNMENT, out, root)
    assert calls == [ASSIGNMENT, ASSIGNMENT]


def test_two_builds_sharing_the_folder_release_once(tmp_path, monkeypatch):
    calls: list[str] = []
    monkeypatch.setattr(release, "_generate", _fake_generate(calls, seconds=0.5))
    out = tmp_path / "cache"
    results: list[Path] = []
    threads = [threading.Thread(target=lambda: results.append(release.release(ASSIGNMENT, out))) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [out / ASSIGNMENT, out / ASSIGNMENT]
    assert calls == [ASSIGNMENT], "the second build waited for the first and reused its release"
    assert (out / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_text(encoding="utf-8") == "1"
