"""Checks on a submission before any of its code runs: one regular file per expected notebook,
of a sane size, valid JSON, and a student id the pipeline accepts."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from civicspace.grading import notebooks as grading

# --------------------------------------------------------------------------- results


@dataclass
class SubmissionResult:
    student: str
    status: str = "graded"  # graded | not graded | timed out
    messages: list[str] = field(default_factory=list)
    seconds: float = 0.0
    scratch: Path | None = None
    flags: dict[str, list[str]] = field(default_factory=dict)  # notebook -> why it was flagged for review

    def log_line(self) -> str:
        notes = "; ".join(self.messages) or "ok"
        return f"{self.student}: {self.status} in {self.seconds:.1f} s: {notes}"


# --------------------------------------------------------------------------- checks before running code

#: Largest notebook file accepted (bytes).
MAX_NOTEBOOK_BYTES = 50 * 1024 * 1024


def read_regular_file(path: Path, limit: int = MAX_NOTEBOOK_BYTES) -> bytes:
    """The bytes of ``path`` if it is a regular file with one name; ``ValueError`` saying why not.

    A symlink (to the instructor's solution, another student's work...), a hard link
    to a file elsewhere, a device or a FIFO is refused; the file is opened without
    following links and checked on the open descriptor, so it cannot be swapped
    between the check and the read.
    """
    import stat

    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as exc:
        if os.path.islink(path):
            raise ValueError("is a symbolic link, not a file") from None
        raise ValueError(f"cannot be opened ({exc.strerror})") from None
    info = os.fstat(fd)  # on the raw descriptor: os.fdopen refuses a folder with its own error
    problem = None
    if not stat.S_ISREG(info.st_mode):
        problem = "is not a regular file (a device, FIFO, socket or folder)"
    elif info.st_nlink != 1:
        problem = f"is a hard link ({info.st_nlink} names for one file)"
    elif info.st_size > limit:
        problem = f"is larger than {_size(limit)}"
    if problem:
        os.close(fd)
        raise ValueError(problem)
    with os.fdopen(fd, "rb") as fh:
        return fh.read(limit + 1)[:limit]


def _size(n: int) -> str:
    """``n`` bytes for a message: in MB from 1 MB up, in bytes below."""
    return f"{n // (1024 * 1024)} MB" if n >= 1024 * 1024 else f"{n} bytes"


def check_submission(folder: Path, expected: list[str], result: SubmissionResult) -> dict[str, bytes]:
    """The notebooks of a submission that can be graded (name -> bytes); problems go into ``result.messages``.

    Only the expected notebooks (and nbgrader's ``timestamp.txt`` and
    ``submission_secret.txt``) are handed to the grader; other files beside them are
    listed in the log and never reach a kernel. ``submission_secret.txt`` is written by
    ``nbgrader submit`` (the exchange): ``nbgrader release_feedback`` needs it in the
    feedback folder to name the feedback only that student can fetch.
    """
    if folder.is_symlink() or folder.parent.is_symlink() or not folder.is_dir():
        result.messages.append("submission folder is a link or not a folder; scored 0, flagged for review")
        result.flags["(folder)"] = ["the submission folder is a link"]
        return {}
    entries = sorted(p.name for p in folder.iterdir())
    nbgrader_files = ("timestamp.txt", "submission_secret.txt")
    extra = [n for n in entries if n not in expected and n not in nbgrader_files]
    if extra:
        shown = ", ".join(extra[:10]) + (f" and {len(extra) - 10} more" if len(extra) > 10 else "")
        result.messages.append(f"extra files not given to the grader: {shown}")
    usable: dict[str, bytes] = {}
    for name in expected:
        path = folder / name
        if not os.path.lexists(path):
            others = [p for p in entries if p.endswith(".ipynb") and p not in expected]
            hint = f" (found {', '.join(others)}: wrong notebook file name?)" if others else ""
            result.messages.append(f"{name}: missing{hint}; scored 0")
            continue
        try:
            data = read_regular_file(path)
        except ValueError as exc:
            result.messages.append(f"{name}: {exc}; scored 0, flagged for review")
            result.flags[name] = [f"the notebook file {exc}"]
            continue
        try:
            nb = nbformat.reads(data.decode("utf-8"), as_version=4)
            nbformat.validate(nb)
        except Exception as exc:  # corrupt JSON or not a notebook
            result.messages.append(f"{name}: not a valid notebook ({type(exc).__name__}: {str(exc)[:120]}); scored 0")
            continue
        if not any(grading.nbgrader_meta(c) for c in nb.cells):
            result.messages.append(f"{name}: no graded cells left (empty or rebuilt notebook); scored 0")
            continue
        usable[name] = data
    for name in nbgrader_files:
        if usable and name in entries:
            try:
                usable[name] = read_regular_file(folder / name, limit=1024)
            except ValueError as exc:
                result.messages.append(f"{name} {exc}: ignored")
    return usable


STUDENT_ID = re.compile(r"^[A-Za-z0-9_.@+-]{1,128}$")
