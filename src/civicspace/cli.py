"""Command line of the course.

- ``civicspace student-release OUT``: the student versions of all assignments.
- ``civicspace student-edition [OUT]``: the student edition, a git repository (default
  ``_build/student``; see civicspace.editions.student_edition), committed after a scan for instructor-only material.
- ``civicspace grade ASSIGNMENT [--course autograder] [--workers 2] [--no-sandbox]``:
  the sandboxed, parallel grading pipeline (see civicspace.grading.pipeline).
- ``civicspace feedback ASSIGNMENT``: feedback without hidden tests, grades CSV and
  item analysis again (after grading written answers in formgrader).
- ``civicspace lms-export {canvas,moodle} [--mapping autograder/lms.toml]``: a grade file
  that Canvas or Moodle imports (see civicspace.grading.lms).
- ``civicspace student-wheel [OUT]``: the course as one wheel for students' own computers
  (default ``_build/student-wheel``; see civicspace.editions.student_wheel).
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="civicspace", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    rel = sub.add_parser("student-release", help="write the student versions of all assignments to OUT")
    rel.add_argument("out", type=Path)
    ed = sub.add_parser(
        "student-edition", help="make or update the student edition (a git repository) in OUT, default _build/student"
    )
    ed.add_argument("out", type=Path, nargs="?", default=None)
    ed.add_argument("--message", "-m", default=None, help="commit message")
    ed.add_argument("--cache", type=Path, default=None, help="keep nbgrader's student versions here between runs")
    gr = sub.add_parser("grade", help="generate, autograde (sandboxed), give feedback, export and analyse an assignment")
    gr.add_argument("assignment")
    gr.add_argument("--course", type=Path, default=None, help="nbgrader course folder (default: autograder/)")
    gr.add_argument("--workers", type=int, default=None, help="batches graded at once (default: one per core)")
    gr.add_argument("--no-sandbox", action="store_true", help="run student code without the sandbox (trusted submissions only)")
    gr.add_argument(
        "--cell-timeout",
        type=int,
        default=None,
        help="seconds per cell (default: c.Execute.timeout of the course's nbgrader_config.py, else 60)",
    )
    gr.add_argument("--memory-mb", type=int, default=2048)
    fb = sub.add_parser("feedback", help="feedback (hidden tests removed), grades CSV and item analysis, e.g. after hand grading")
    fb.add_argument("assignment")
    fb.add_argument("--course", type=Path, default=None)
    lx = sub.add_parser("lms-export", help="a grade file Canvas or Moodle imports, from the gradebook and a mapping file")
    lx.add_argument("platform", choices=["canvas", "moodle"])
    lx.add_argument("--course", type=Path, default=None, help="nbgrader course folder (default: autograder/)")
    lx.add_argument("--mapping", type=Path, default=None, help="mapping file (default: <course>/lms.toml)")
    lx.add_argument("--assignment", action="append", default=None, help="only this assignment (repeatable; default: all mapped)")
    lx.add_argument("--out", type=Path, default=None, help="output CSV (default: <course>/reports/<platform>_grades.csv)")
    lx.add_argument(
        "--allow-ungraded", action="store_true", help="leave cells empty where hand grading is unfinished, instead of stopping"
    )
    sw = sub.add_parser(
        "student-wheel", help="the student wheel (pip install, then civicspace-course) in OUT, default _build/student-wheel"
    )
    sw.add_argument("out", type=Path, nargs="?", default=None)
    sw.add_argument("--cache", type=Path, default=None, help="keep nbgrader's student versions here between runs")
    sw.add_argument("--requirements", type=Path, default=None, help="also write the wheel's pinned dependencies to this file")
    return parser


def _student_release(args) -> int:
    from civicspace.editions import release

    for folder in release.release_all(args.out):
        print(f"student version: {folder}")
    return 0


def _student_edition(args) -> int:
    from civicspace.editions import student_edition as edition
    from civicspace.paths import repo_root

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
    return 0


def _grade(args) -> int:
    from civicspace.grading import batch, config, pipeline, sandbox
    from civicspace.paths import repo_root

    course = args.course or repo_root() / "autograder"
    try:
        config.course_directory(course)
        limits = config.course_limits(course, cell_timeout=args.cell_timeout, memory_mb=args.memory_mb)
    except ValueError as err:  # the course's nbgrader_config.py cannot be used (the message names it)
        print(f"error: {err}", file=sys.stderr)
        return 1
    workers = args.workers or batch.default_workers()
    print(sandbox.describe_limits(limits, not args.no_sandbox), flush=True)
    report = pipeline.grade(args.assignment, course, workers, limits, use_sandbox=not args.no_sandbox)
    for res in report.results:
        print(res.log_line())
    print(f"\ngraded {len(report.results)} submission(s) in {report.seconds:.0f} s ({report.timings})")
    print(f"grades:        {report.grades_csv}")
    print(f"item analysis: {report.items_csv} and {report.items_html}")
    print(f"log:           {report.log}")
    print(f"feedback:      {(report.grades_csv.parent.parent / 'feedback')}")
    return 0


def _feedback(args) -> int:
    from civicspace.grading import feedback
    from civicspace.paths import repo_root

    try:
        paths = feedback.feedback_and_reports(args.course or repo_root() / "autograder", args.assignment)
    except ValueError as err:  # the course's nbgrader_config.py cannot be used (the message names it)
        print(f"error: {err}", file=sys.stderr)
        return 1
    for path in paths:
        print(path)
    return 0


def _lms_export(args) -> int:
    from civicspace.grading import lms
    from civicspace.paths import repo_root

    try:
        result = lms.export(
            args.course or repo_root() / "autograder",
            args.platform,
            args.mapping,
            args.out,
            args.assignment,
            allow_ungraded=args.allow_ungraded,
        )
    except (lms.MappingError, ValueError) as err:
        print(f"error: nothing written: {err}", file=sys.stderr)
        return 1
    for note in result.notes:
        print(f"note: {note}")
    print(
        f"{result.platform} grade file: {result.path} ({result.students} students, "
        f"{len(result.assignments)} assignment(s): {', '.join(result.assignments)})"
    )
    return 0


def _student_wheel(args) -> int:
    from civicspace.editions import student_edition as edition
    from civicspace.editions import student_wheel as studentkit
    from civicspace.paths import repo_root

    try:
        result = studentkit.build(args.out or repo_root() / "_build" / "student-wheel", cache=args.cache)
    except (edition.LeakError, studentkit.StudentKitError) as err:
        print(f"error: no wheel written: {err}", file=sys.stderr)
        return 1
    if args.requirements:
        print(f"dependencies: {studentkit.requirements_file(args.requirements)}")
    print(f"student wheel ({len(result.requirements)} pinned dependencies, scan clean): {result.wheel}")
    return 0


#: Each command: the function that runs it and the instructor-only subpackage it needs.
COMMANDS = {
    "student-release": (_student_release, "editions"),
    "student-edition": (_student_edition, "editions"),
    "student-wheel": (_student_wheel, "editions"),
    "grade": (_grade, "grading"),
    "feedback": (_feedback, "grading"),
    "lms-export": (_lms_export, "grading"),
}


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    run, needs = COMMANDS[args.command]
    if importlib.util.find_spec(f"civicspace.{needs}") is None:
        print(
            f"error: `civicspace {args.command}` is for instructors: it needs the instructor repository "
            "(this is the student edition, which has no grading or release code)",
            file=sys.stderr,
        )
        return 2
    return run(args)


if __name__ == "__main__":
    raise SystemExit(main())
