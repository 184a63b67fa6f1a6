"""Autograde a batch of submissions with one nbgrader process in one scratch course.

Each student's kernel runs in its own sandbox; a batch that runs past its time budget is
stopped and the students it had not finished are graded again one at a time.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import nbformat

from civicspace.grading import execute as gradeexec
from civicspace.grading import sandbox
from civicspace.grading.config import SCRATCH_CONFIG, course_directory
from civicspace.grading.intake import STUDENT_ID, SubmissionResult, check_submission
from civicspace.grading.merge import copy_gradebook
from civicspace.grading.runner import NBGRADER, nbgrader_env


class Progress:
    """A one-line text progress bar on stderr."""

    def __init__(self, total: int, enabled: bool = True):
        self.total, self.done, self.enabled = total, 0, enabled
        self.lock = threading.Lock()

    def step(self, label: str) -> None:
        with self.lock:
            self.done += 1
            if self.enabled:
                width = 30
                filled = int(width * self.done / max(self.total, 1))
                sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} {label[:40]:40s}")
                if self.done == self.total:
                    sys.stderr.write("\n")
                sys.stderr.flush()


def _scratch_course(
    course: Path, assignment: str, students: dict[str, dict[str, bytes]], scratch: Path, limits: sandbox.Limits
) -> None:
    """A scratch course with a copy of the gradebook's records for these students and their usable files (as checked)."""
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    coursedir = course_directory(course)
    copy_gradebook(coursedir.db_url, f"sqlite:///{scratch / 'gradebook.db'}", coursedir.course_id, assignment, list(students))
    for student, files in students.items():
        folder = scratch / "submitted" / student / assignment
        folder.mkdir(parents=True)
        for name, data in files.items():
            (folder / name).write_bytes(data)
    (scratch / "runtime").mkdir()
    (scratch / "nbgrader_config.py").write_text(
        SCRATCH_CONFIG.format(course=str(course), scratch=str(scratch), cell_timeout=limits.cell_timeout)
    )


def _graded_students(scratch: Path, assignment: str) -> set[str]:
    """Students whose autograded notebooks exist (nbgrader removes them when grading fails;
    the gradebook entry alone does not say it finished: nbgrader creates it first)."""
    folder = scratch / "autograded"
    return {p.parent.name for p in folder.glob(f"*/{assignment}") if any(p.glob("*.ipynb"))} if folder.exists() else set()


def _usable_submissions(
    course: Path, assignment: str, students: list[str], expected: list[str], results: dict[str, SubmissionResult]
) -> dict[str, dict[str, bytes]]:
    """The checked notebook files of each student whose submission can be graded; the others
    are marked "not graded" in ``results``, with the reason."""
    usable: dict[str, dict[str, bytes]] = {}
    for student in students:
        res = results[student]
        if not STUDENT_ID.match(student):
            res.status, res.messages = "not graded", ["student folder name has characters nbgrader cannot use"]
            continue
        notebooks = check_submission(course / "submitted" / student / assignment, expected, res)
        if notebooks:
            usable[student] = notebooks
        else:
            res.status = "not graded"
    return usable


def _scratch_environment(scratch: Path, limits: sandbox.Limits, batch: str, use_sandbox: bool) -> tuple[dict[str, str], bool]:
    """Environment variables for nbgrader in a scratch course (and the sandboxed kernel spec it
    uses), and whether the kernels run in cgroups."""
    extra = {
        "JUPYTER_RUNTIME_DIR": str(scratch / "runtime"),
        "JUPYTER_CONFIG_DIR": str(scratch / "jupyter-config"),
        "JUPYTER_DATA_DIR": str(scratch / "jupyter-data"),
        "IPYTHONDIR": str(scratch / "ipython"),
        # jupyter_client writes the kernel's connection file with mkstemp(): it must
        # land in the runtime folder the sandbox can see, not in the host's /tmp.
        "TMPDIR": str(scratch / "runtime"),
    }
    use_cgroups = use_sandbox and sandbox.cgroups_available()
    if use_sandbox:
        sandbox.write_kernelspec(scratch / "jupyter", sandbox.kernel_argv(scratch / "runtime", limits, batch, use_cgroups))
        extra["JUPYTER_PATH"] = str(scratch / "jupyter")
    return extra, use_cgroups


def _run_autograde(
    scratch: Path, assignment: str, extra: dict[str, str], budget: float, progress: Progress | None
) -> tuple[list[str], bool]:
    """Run ``nbgrader autograde`` in ``scratch`` for at most ``budget`` seconds (then kill its
    process group); return its log lines and whether it ran out of time. The progress bar
    moves on each time nbgrader starts the next student."""
    proc = subprocess.Popen(
        [*NBGRADER, "autograde", assignment, "--force"],
        cwd=scratch,
        env=nbgrader_env(extra),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    log_lines: list[str] = []
    started: list[str] = []

    def reader():
        for line in proc.stdout:
            log_lines.append(line)
            m = re.search(r"Autograding .*/autograded/([^/]+)/", line)
            if m and m.group(1) not in started:
                if started and progress:
                    progress.step(started[-1])
                started.append(m.group(1))

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    timed_out = False
    try:
        proc.wait(timeout=budget)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        timed_out = True
    thread.join(timeout=10)
    return log_lines, timed_out


def autograde_batch(
    course: Path,
    assignment: str,
    students: list[str],
    expected: list[str],
    work: Path,
    limits: sandbox.Limits,
    batch: str,
    use_sandbox: bool = True,
    progress: Progress | None = None,
) -> list[SubmissionResult]:
    """Autograde several students' submissions with one nbgrader process in one scratch course.

    nbgrader's start-up is paid once per batch; each student's kernel still runs in
    its own sandbox (and cgroup), seeing only its own notebook folder. A batch that
    runs past its time budget is stopped, and the students it had not finished
    are graded again one at a time.
    """
    results = {s: SubmissionResult(s) for s in students}
    start = time.perf_counter()
    usable = _usable_submissions(course, assignment, students, expected, results)
    if usable:
        scratch = work / batch
        _scratch_course(course, assignment, usable, scratch, limits)
        extra, use_cgroups = _scratch_environment(scratch, limits, batch, use_sandbox)
        budget = limits.notebook_timeout * len(usable)
        log_lines, timed_out = _run_autograde(scratch, assignment, extra, budget, progress)
        if use_cgroups:
            for student in usable:
                if sandbox.memory_exceeded(batch, student):
                    results[student].messages.append(f"hit the memory limit ({limits.memory_mb} MB): its kernel was killed")
            sandbox.remove_cgroups(batch)
        if sandbox.kill_leftovers(scratch):
            log_lines.append(f"civicspace: killed processes left over by the batch in {scratch}\n")
        (scratch / "autograde.log").write_text("".join(log_lines))
        unfinished = _record_outcomes(scratch, assignment, usable, results)
        if timed_out and len(usable) > 1:
            # Grade the unfinished ones again, alone, each with its own time budget.
            for i, student in enumerate(unfinished):
                retry = autograde_batch(course, assignment, [student], expected, work, limits, f"{batch}r{i}", use_sandbox)
                results[student] = retry[0]
                results[student].messages.insert(0, "batch ran out of time; graded again alone")
            unfinished = []
        for student in unfinished:
            res = results[student]
            if timed_out:
                res.status = "timed out"
                res.messages.append(f"stopped after {budget} s (time limit for the submission); scored 0")
            else:
                res.status = "not graded"
                res.messages.append(
                    f"nbgrader could not grade it (kernel died or notebook unusable); scored 0; log: {scratch / 'autograde.log'}"
                )
    elapsed = time.perf_counter() - start
    for res in results.values():
        res.seconds = res.seconds or elapsed / max(1, len(students))
    return [results[s] for s in students]


def _record_outcomes(
    scratch: Path, assignment: str, usable: dict[str, dict[str, bytes]], results: dict[str, SubmissionResult]
) -> list[str]:
    """Note, per graded student, what nbgrader's outputs say (errors explained, flags for
    review); return the students nbgrader did not finish."""
    done = _graded_students(scratch, assignment)
    for student in usable:
        res = results[student]
        res.scratch = scratch
        if student in done:
            res.messages += _explain(scratch / "autograded" / student / assignment)
        for notebook, reasons in gradeexec.read_flags(scratch, student).items():
            res.flags[f"{notebook}.ipynb"] = reasons
            res.messages.append(
                f"{notebook}.ipynb: FLAGGED FOR REVIEW: {'; '.join(reasons)}; the tests after that point scored 0"
            )
    return [s for s in usable if s not in done]


KNOWN_ERRORS = {
    "DeadKernelError": "the kernel died (killed itself, or a resource limit killed it)",
    "CellTimeoutError": "a cell ran past the per-cell time limit",
    "MemoryError": "ran out of memory",
    "URLError": "tried to reach the network (blocked)",
    "ConnectionRefusedError": "tried to reach the network (blocked)",
    "gaierror": "tried to reach the network (blocked)",
    "PermissionError": "tried to write outside its folder (blocked)",
    "FileNotFoundError": "tried to open a file it cannot see (e.g. another student's work or the instructor's files)",
    "NotImplementedError": "left an answer stub",
    "StudentCodeError": "a function of the submission failed or did not return when a test called it",
    gradeexec.FLAG_ENAME: "not run: flagged for review",
}


def _explain(folder: Path) -> list[str]:
    """Short notes on what went wrong in the autograded notebooks (error names per cell)."""
    notes: list[str] = []
    for nb_path in sorted(folder.glob("*.ipynb")):
        try:
            nb = nbformat.read(nb_path, as_version=4)
        except Exception:
            continue
        seen = {}
        for cell in nb.cells:
            for out in cell.get("outputs", []):
                if out.get("output_type") == "error":
                    seen.setdefault(out.get("ename", "Error"), 0)
                    seen[out.get("ename", "Error")] += 1
        for ename, count in sorted(seen.items()):
            why = KNOWN_ERRORS.get(ename)
            notes.append(f"{nb_path.name}: {count} cell(s) raised {ename}" + (f" ({why})" if why else ""))
    return notes


def default_workers() -> int:
    """One batch per core (measured: a third batch on 2 cores gains nothing, the work is CPU-bound)."""
    return os.cpu_count() or 1
