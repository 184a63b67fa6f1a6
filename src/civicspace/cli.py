"""Command line of the course.

- ``civicspace student-release OUT``: the student versions of all assignments.
- ``civicspace student-edition [OUT]``: the student edition, a git repository (default
  ``_build/student``; see civicspace.edition), committed after a scan for instructor-only material.
- ``civicspace grade ASSIGNMENT [--course autograder] [--workers 2] [--no-sandbox]``:
  the sandboxed, parallel grading pipeline (see civicspace.autograde).
- ``civicspace feedback ASSIGNMENT``: feedback without hidden tests, grades CSV and
  item analysis again (after grading written answers in formgrader).
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="civicspace", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    rel = sub.add_parser("student-release", help="write the student versions of all assignments to OUT")
    rel.add_argument("out", type=Path)
    ed = sub.add_parser("student-edition", help="make or update the student edition (a git repository) in OUT, default _build/student")
    ed.add_argument("out", type=Path, nargs="?", default=None)
    ed.add_argument("--message", "-m", default=None, help="commit message")
    ed.add_argument("--cache", type=Path, default=None, help="keep nbgrader's student versions here between runs")
    gr = sub.add_parser("grade", help="generate, autograde (sandboxed), give feedback, export and analyse an assignment")
    gr.add_argument("assignment")
    gr.add_argument("--course", type=Path, default=None, help="nbgrader course folder (default: autograder/)")
    gr.add_argument("--workers", type=int, default=None, help="batches graded at once (default: one per core)")
    gr.add_argument("--no-sandbox", action="store_true", help="run student code without the sandbox (trusted submissions only)")
    gr.add_argument("--cell-timeout", type=int, default=60)
    gr.add_argument("--memory-mb", type=int, default=2048)
    fb = sub.add_parser("feedback", help="feedback (hidden tests removed), grades CSV and item analysis, e.g. after hand grading")
    fb.add_argument("assignment")
    fb.add_argument("--course", type=Path, default=None)
    args = parser.parse_args(argv)
    instructor_only = {"student-release": "release", "student-edition": "edition", "grade": "autograde", "feedback": "autograde"}
    if importlib.util.find_spec(f"civicspace.{instructor_only[args.command]}") is None:
        print(f"error: `civicspace {args.command}` is for instructors: it needs the instructor repository "
              "(this is the student edition, which has no grading or release code)", file=sys.stderr)
        return 2
    if args.command == "student-release":
        from . import release

        for folder in release.release_all(args.out):
            print(f"student version: {folder}")
    if args.command == "student-edition":
        from . import edition
        from .paths import repo_root

        try:
            result = edition.build(args.out or repo_root() / "_build" / "student", message=args.message, cache=args.cache)
        except edition.LeakError as err:
            print(f"error: nothing committed: {err}", file=sys.stderr)
            return 1
        for note in result.notes:
            print(note)
        if result.commit:
            print(f"student edition committed ({result.commit[:12]}) after a clean scan: {result.path}")
        else:
            print(f"student edition unchanged (scan clean): {result.path}")
    if args.command == "grade":
        from . import autograde, sandbox

        limits = sandbox.Limits(cell_timeout=args.cell_timeout, memory_mb=args.memory_mb)
        workers = args.workers or autograde.default_workers()
        print(sandbox.describe_limits(limits, not args.no_sandbox), flush=True)
        report = autograde.grade(args.assignment, args.course, workers, limits, use_sandbox=not args.no_sandbox)
        for res in report.results:
            print(res.log_line())
        print(f"\ngraded {len(report.results)} submission(s) in {report.seconds:.0f} s ({report.timings})")
        print(f"grades:        {report.grades_csv}")
        print(f"item analysis: {report.items_csv} and {report.items_html}")
        print(f"log:           {report.log}")
        print(f"feedback:      {(report.grades_csv.parent.parent / 'feedback')}")
    if args.command == "feedback":
        from . import autograde
        from .paths import repo_root

        for path in autograde.feedback_and_reports(args.course or repo_root() / "autograder", args.assignment):
            print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
