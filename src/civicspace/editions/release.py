"""Make the student versions of the assignments with nbgrader, outside the course folder.

Used by the book build (download links), by Binder's postBuild (students open the
student versions; the instructor sources are removed from the image) and by the
tests. nbgrader runs in a scratch course folder, so nothing here touches
``autograder/`` or its gradebook.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from civicspace import paths
from civicspace.paths import repo_root

assignments = paths.assignments  # the names of the assignments in exercises/


def _source_hash(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(folder)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _env() -> dict[str, str]:
    # nbgrader shells out to alembic: this interpreter's bin/ must be on PATH.
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return env


def release(assignment: str, out_dir: Path, root: Path | None = None) -> Path:
    """Write the student version of ``assignment`` to ``out_dir/<assignment>/``; return that folder.

    Skips the work when the source has not changed since the last release there.
    """
    root = root or repo_root()
    source = root / "exercises" / assignment
    if not source.is_dir():
        raise FileNotFoundError(f"{source}: no such assignment (see exercises/)")
    target = Path(out_dir) / assignment
    stamp = Path(out_dir) / f".{assignment}.source-sha256"
    fingerprint = _source_hash(source)
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    with _locked(Path(out_dir) / f".{assignment}.lock"):
        if target.is_dir() and stamp.exists() and stamp.read_text().strip() == fingerprint:
            return target
        _generate(assignment, source, target, root)
        stamp.write_text(fingerprint + "\n")
    return target


@contextlib.contextmanager
def _locked(path: Path):
    """Hold an exclusive lock on ``path`` (where fcntl exists): two builds sharing a folder of
    student versions (the tests' edition, wheel and Binder builds) release each assignment once."""
    try:
        import fcntl
    except ImportError:  # Windows: no lock
        yield
        return
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _generate(assignment: str, source: Path, target: Path, root: Path) -> None:
    """nbgrader generate_assignment in a scratch course; its student version copied to ``target``."""
    with tempfile.TemporaryDirectory(prefix="civicspace-release-") as tmp:
        course = Path(tmp) / "autograder"
        course.mkdir()
        shutil.copyfile(root / "autograder" / "nbgrader_config.py", course / "nbgrader_config.py")
        shutil.copytree(source, Path(tmp) / "exercises" / assignment)
        out = subprocess.run(
            [sys.executable, "-m", "nbgrader", "generate_assignment", assignment, "--force", "--log-level=WARN"],
            cwd=course,
            env=_env(),
            capture_output=True,
            text=True,
        )
        if out.returncode != 0:
            raise RuntimeError(f"nbgrader generate_assignment {assignment} failed:\n{out.stdout}\n{out.stderr}")
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(course / "release" / assignment, target)


def release_all(out_dir: Path, root: Path | None = None) -> list[Path]:
    """Student versions of every assignment, in ``out_dir``."""
    return [release(a, out_dir, root) for a in assignments(root)]
