"""The instructor's grading pipeline: sandboxed, parallel autograding with nbgrader.

``civicspace grade <assignment>`` (``make grade ASSIGNMENT=...``) runs nbgrader's
own steps over the course folder ``autograder/``:

1. ``generate_assignment`` (the student version and the gradebook's record of it);
2. checks each submission's files (:mod:`~civicspace.grading.intake`) before any code runs;
3. **autogrades each submission in its own scratch course** (:mod:`~civicspace.grading.batch`),
   in parallel: a SQLite copy of the gradebook's records for the assignment and its
   students, the one submission, and the course's own ``nbgrader_config.py`` with only
   what the sandbox needs on top (:mod:`~civicspace.grading.config`), so that the kernel
   runs inside the bubblewrap sandbox of :mod:`civicspace.grading.sandbox`. nbgrader
   (trusted) runs outside the sandbox; the student's code runs inside it;
4. **merges** the scratch gradebooks into the course gradebook, one writer per run
   (:mod:`~civicspace.grading.merge`; the course configuration's ``CourseDirectory.db_url``:
   the SQLite file ``gradebook.db`` by default, or a shared database such as PostgreSQL);
5. ``generate_feedback`` with hidden tests and tracebacks removed, and ``export`` of
   nbgrader's grades CSV (:mod:`~civicspace.grading.feedback`);
6. an **item analysis** per test (:mod:`~civicspace.grading.items`);
7. a log saying, per submission, what happened.
"""

from __future__ import annotations

import os
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from civicspace.grading import sandbox
from civicspace.grading.batch import Progress, autograde_batch
from civicspace.grading.config import course_directory, course_limits, open_gradebook
from civicspace.grading.feedback import feedback_and_reports
from civicspace.grading.intake import SubmissionResult
from civicspace.grading.merge import merge_into_gradebook
from civicspace.grading.runner import nbgrader
from civicspace.paths import repo_root

# --------------------------------------------------------------------------- the whole pipeline


@dataclass
class GradingReport:
    assignment: str
    results: list[SubmissionResult]
    grades_csv: Path
    items_csv: Path
    items_html: Path
    log: Path
    seconds: float
    timings: dict[str, float] = field(default_factory=dict)
    limits: str = ""  # which limits were in force (also the log's first line)


def grade(
    assignment: str,
    course: Path | None = None,
    workers: int = 2,
    limits: sandbox.Limits | None = None,
    use_sandbox: bool = True,
    progress: bool = True,
) -> GradingReport:
    """Generate, autograde (sandboxed, parallel), give feedback, export and analyse ``assignment``.

    ``limits``: the sandbox's limits; by default :func:`course_limits` (the per-cell time
    limit is the course configuration's ``c.Execute.timeout``).
    """
    start = time.perf_counter()
    course = Path(course or repo_root() / "autograder").resolve()
    course_directory(course)  # fail early, naming the file, on a configuration the pipeline cannot use
    limits = limits or course_limits(course)
    if use_sandbox:
        sandbox.bwrap()  # fail early with an install hint
    timings: dict[str, float] = {}
    mark = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal mark
        now = time.perf_counter()
        timings[name] = round(now - mark, 2)
        mark = now

    nbgrader(course, "generate_assignment", assignment, "--force", "--log-level=WARN")
    lap("generate")
    expected = sorted(p.name for p in (course / "release" / assignment).glob("*.ipynb"))
    submitted = course / "submitted"
    students = sorted(p.parent.name for p in submitted.glob(f"*/{assignment}") if p.is_dir()) if submitted.exists() else []
    reports = course / "reports"
    reports.mkdir(exist_ok=True)
    bar = Progress(len(students), enabled=progress)
    results: list[SubmissionResult] = []
    with tempfile.TemporaryDirectory(prefix=f"civicspace-grade-{assignment}-") as tmp:
        work = Path(tmp)
        batches = [students[i :: max(1, workers)] for i in range(max(1, workers))]
        batches = [b for b in batches if b]
        run_id = f"{os.getpid()}-{int(time.time())}"
        with ThreadPoolExecutor(max_workers=max(1, len(batches))) as pool:
            futures = {
                pool.submit(autograde_batch, course, assignment, b, expected, work, limits, f"{run_id}-b{i}", use_sandbox, bar): b
                for i, b in enumerate(batches)
            }
            for fut in as_completed(futures):
                try:
                    results += fut.result()
                except Exception as exc:  # the batch goes on whatever one submission does
                    results += [
                        SubmissionResult(s, "not graded", [f"grading error: {type(exc).__name__}: {exc}"]) for s in futures[fut]
                    ]
        bar.done = bar.total - 1
        bar.step("done")
        lap("autograde")
        # One writer: merge the scratch gradebooks one after the other.
        merge_into_gradebook(course, assignment, sorted(results, key=lambda r: r.student), expected)
    results.sort(key=lambda r: r.student)
    lap("merge")
    grades_csv, items_csv, items_html = feedback_and_reports(course, assignment)
    lap("feedback, export, item analysis")
    log = reports / f"{assignment}_grading.log"
    limits_line = sandbox.describe_limits(limits, use_sandbox)
    log.write_text("\n".join([limits_line] + [r.log_line() for r in results]) + "\n", encoding="utf-8")
    return GradingReport(
        assignment, results, grades_csv, items_csv, items_html, log, time.perf_counter() - start, timings, limits_line
    )


def scores(course: Path, assignment: str) -> dict[str, tuple[float, float]]:
    """(autograded score, max autograded score) per student, from the course gradebook."""
    with open_gradebook(course) as gb:
        return {s.student.id: (s.code_score, s.max_code_score) for s in gb.assignment_submissions(assignment)}
