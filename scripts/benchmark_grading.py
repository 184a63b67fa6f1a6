"""Benchmark the grading pipeline against stock nbgrader (a script that prints figures).

    .venv/bin/python scripts/benchmark_grading.py [N] [ASSIGNMENT] [WORKERS] [ROUNDS]

Makes N realistic submissions of an assignment (a third correct, a third partly
correct, a third blank, built from the instructor solution) and grades them
twice in one run, each in its own scratch course:

- stock: ``nbgrader autograde`` (serial, no sandbox), as most courses run it;
- pipeline: ``civicspace.grading.pipeline`` (bubblewrap sandbox on, parallel workers).

It does this ROUNDS times (default 3: start-up times vary from run to run on a
shared machine) and prints, for each round, both autograding times (generate,
feedback and export are reported separately), the speed-up and whether every
student's autograded score is identical; then the median and range of the
speed-up. Goal (issue 7): at least 1.8x on 2 cores with identical scores.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from civicspace.grading import batch, pipeline, runner  # noqa: E402
from civicspace.grading import notebooks as grading  # noqa: E402


def make_course(base: Path, assignment: str, n: int) -> Path:
    course = base / "autograder"
    course.mkdir(parents=True)
    shutil.copyfile(ROOT / "autograder" / "nbgrader_config.py", course / "nbgrader_config.py")
    shutil.copytree(ROOT / "exercises" / assignment, base / "exercises" / assignment)
    runner.nbgrader(course, "generate_assignment", assignment, "--force", "--log-level=WARN")
    for src_path in sorted((base / "exercises" / assignment).glob("*.ipynb")):
        source = nbformat.read(src_path, as_version=4)
        release = nbformat.read(course / "release" / assignment / src_path.name, as_version=4)
        answers = [grading.nbgrader_meta(c)["grade_id"] for c in source.cells if grading.is_answer(c) and c.cell_type == "code"]
        for i in range(n):
            kind = i % 3
            if kind == 0:
                nb = grading.fill_answers(release, source, set(answers))
            elif kind == 1:
                nb = grading.fill_answers(release, source, set(answers[: 1 + i % max(1, len(answers) - 1)]))
            else:
                nb = release
            folder = course / "submitted" / f"student{i:03d}" / assignment
            folder.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, folder / src_path.name)
    return course


def one_round(assignment: str, n: int, workers: int) -> tuple[float, float, bool, dict, object]:
    """Grade the same N submissions with stock nbgrader and with the pipeline."""
    with tempfile.TemporaryDirectory(prefix="civicspace-bench-grading-") as tmp:
        stock_course = make_course(Path(tmp) / "stock", assignment, n)
        ours_course = make_course(Path(tmp) / "ours", assignment, n)

        start = time.perf_counter()
        # Stock nbgrader, as installed (not the pipeline's runner).
        subprocess.run(
            [sys.executable, "-m", "nbgrader", "autograde", assignment, "--force", "--log-level=WARN"],
            cwd=stock_course,
            check=True,
            capture_output=True,
        )
        stock = time.perf_counter() - start
        stock_scores = pipeline.scores(stock_course, assignment)

        report = pipeline.grade(assignment, ours_course, workers=workers, progress=False)
        ours = report.timings["autograde"] + report.timings["merge"]
        ours_scores = pipeline.scores(ours_course, assignment)
    differ = {
        s: (stock_scores.get(s), ours_scores.get(s))
        for s in sorted(set(stock_scores) | set(ours_scores))
        if stock_scores.get(s) != ours_scores.get(s)
    }
    return stock, ours, not differ, differ, report


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 12
    assignment = sys.argv[2] if len(sys.argv) > 2 else "ch01_foundations"
    workers = int(sys.argv[3]) if len(sys.argv) > 3 else batch.default_workers()
    rounds = int(sys.argv[4]) if len(sys.argv) > 4 else 3
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    print(f"submissions                 {n} ({assignment}; correct, partial and blank in turn)")
    print(f"cores                       {os.cpu_count()}; pipeline workers {workers}; rounds {rounds}")
    ratios, all_same = [], True
    for r in range(1, rounds + 1):
        stock, ours, same, differ, report = one_round(assignment, n, workers)
        ratios.append(stock / ours)
        all_same &= same
        print(
            f"round {r}: stock nbgrader autograde {stock:6.1f} s (serial, no sandbox) | "
            f"pipeline autograde + merge {ours:6.1f} s (sandboxed) | speed-up {stock / ours:4.2f} x | "
            f"scores {'identical' if same else 'DIFFERENT'} | whole pipeline {report.seconds:5.1f} s"
        )
        for student, (a, b) in differ.items():
            print(f"  {student}: stock {a} vs pipeline {b}")
    print(
        f"speed-up                    median {statistics.median(ratios):.2f} x, range {min(ratios):.2f}-{max(ratios):.2f} x  (goal >= 1.8)"
    )
    print(f"identical scores            {'yes, in every round' if all_same else 'NO'}")
    if not all_same:
        sys.exit(1)


if __name__ == "__main__":
    main()
