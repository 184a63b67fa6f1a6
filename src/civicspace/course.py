"""Set up the course on your own computer and open it in JupyterLab: ``civicspace-course``.

Installed with the course package (``pip install`` of the student wheel), the command

    civicspace-course                      # the course folder is civicspace-course/ in your home folder
    civicspace-course --dir D:\\Studies\\civic  # or a folder you choose
    python -m civicspace.course            # the same, if the command is not on your PATH

1. makes the course folder (or reuses it) and copies into it the chapters
   (``chapters/*.ipynb``), the glossary and the exercises
   (``exercises/<assignment>/<notebook>.ipynb``); a file that is already there is
   **never overwritten**: your work stays as it is, and the command lists what it kept;
2. makes this environment's JupyterLab work with no network (maps from the course's own
   world map, no news or update checks: :mod:`civicspace.jupyter_offline`);
3. starts JupyterLab in the course folder (``--no-launch``: only steps 1 and 2); options
   after ``--`` go to JupyterLab (``civicspace-course -- --port 8899``).

The data is not copied: notebooks load it from the installed package
(``civicspace.data.load_...()``).
"""

from __future__ import annotations

import argparse
import importlib.util
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from civicspace.paths import COURSE_FILES_DIR

#: The default course folder, in the student's home folder.
DEFAULT_FOLDER = "civicspace-course"

#: What is copied from the installed course files into the course folder.
COPIED = ("chapters", "exercises", "glossary.md")


class CourseError(RuntimeError):
    """The course cannot be set up (the message says why)."""


def course_files() -> Path:
    """The course files installed with the package (``civicspace/coursefiles``)."""
    path = Path(__file__).resolve().parent / COURSE_FILES_DIR
    if not (path / "chapters").is_dir():
        raise CourseError(
            f"{path}: no course files here. This command sets up the course from the installed "
            "student package (pip install civicspace_student-<version>-py3-none-any.whl); "
            "in a clone of the course's repository, open JupyterLab in the repository instead."
        )
    return path


@dataclass
class Copied:
    folder: Path
    copied: list[Path] = field(default_factory=list)  # relative to folder
    kept: list[Path] = field(default_factory=list)  # already there: left as they were


def copy_course(folder: Path, source: Path | None = None) -> Copied:
    """Copy the chapters, glossary and exercises into ``folder`` without overwriting any file."""
    source = Path(source) if source is not None else course_files()
    folder = Path(folder).expanduser()
    if folder.exists() and not folder.is_dir():
        raise CourseError(f"{folder}: exists and is not a folder; choose another with --dir")
    folder.mkdir(parents=True, exist_ok=True)
    result = Copied(folder.resolve())
    for name in COPIED:
        src = source / name
        files = sorted(p for p in src.rglob("*") if p.is_file()) if src.is_dir() else [src]
        for path in files:
            rel = path.relative_to(source)
            dst = folder / rel
            if dst.exists():
                result.kept.append(rel)
                continue
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, dst)
            result.copied.append(rel)
    return result


def make_offline() -> str | None:
    """Set up this environment's JupyterLab to need no network; return a warning or None."""
    if importlib.util.find_spec("civicspace.jupyter_offline") is None:
        return "this package has no civicspace.jupyter_offline: maps may need the internet"
    out = subprocess.run([sys.executable, "-m", "civicspace.jupyter_offline", "install"], capture_output=True, text=True)
    if out.returncode != 0:
        return f"could not set up JupyterLab for offline use (maps may need the internet):\n{out.stderr.strip()}"
    return None


def lab_command() -> list[str]:
    """JupyterLab of this environment (works when the environment is not activated)."""
    return [sys.executable, "-m", "jupyterlab"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="civicspace-course",
        description="Copy the course's chapters and exercises into a folder (never overwriting your files) "
        "and open it in JupyterLab.",
    )
    parser.add_argument(
        "--dir",
        type=Path,
        default=None,
        help=f"the course folder (default: {DEFAULT_FOLDER} in your home folder, {Path.home() / DEFAULT_FOLDER})",
    )
    parser.add_argument(
        "--no-launch", "--no-browser", dest="launch", action="store_false", help="set up the folder only; do not start JupyterLab"
    )
    parser.add_argument(
        "lab_options", nargs="*", metavar="-- JUPYTERLAB-OPTIONS", help="options for JupyterLab, after --, e.g. -- --port 8899"
    )
    args = parser.parse_args(argv)
    folder = args.dir if args.dir is not None else Path.home() / DEFAULT_FOLDER
    try:
        result = copy_course(folder)
    except (CourseError, OSError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    print(f"course folder: {result.folder}")
    print(f"copied {len(result.copied)} file(s)")
    if result.kept:
        print(f"kept {len(result.kept)} file(s) already there (your work is not overwritten):")
        for rel in result.kept:
            print(f"  {rel.as_posix()}")
        print("To get a fresh copy of one of them, rename yours and run this command again.")
    warning = make_offline()
    if warning:
        print(f"warning: {warning}", file=sys.stderr)
    command = lab_command() + args.lab_options
    if not args.launch:
        print(f"to open the course: {' '.join(command)}  (in {result.folder})")
        return 0
    print("starting JupyterLab (stop it with Ctrl+C in this window)", flush=True)
    try:
        return subprocess.call(command, cwd=result.folder)
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
