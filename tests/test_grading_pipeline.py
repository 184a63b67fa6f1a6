"""The instructor's grading pipeline against hostile submissions (containment).

One batch, graded by `civicspace.grading.pipeline.grade` with the sandbox on: three
honest controls (solution, blank, partly correct) and twenty-two hostile
submissions. Each hostile one is the full solution with an attack placed in its
last coded answer (`LAST_ANSWER`, worth `LAST` of the autograded points) or in its file. For every
case: the exact score the honest part earns, a log line saying what happened, the
batch completes, the controls' grades are what they are when graded alone, and the
gradebook and the other students' files are intact. Attacks on how the tests run
(in-kernel tricks, links, capture of test source) are in test_integrity.py.
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT, env_with_bin

from civicspace.grading import notebooks as grading
from civicspace.grading import pipeline, runner, sandbox

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("grading")]

A = "ch01_foundations"
NB = f"{A}.ipynb"
LIMITS = sandbox.Limits(cell_timeout=8, notebook_timeout=240, cpu_seconds=60, memory_mb=1024, max_processes=64)
#: Every coded answer of exercise 1 and its autograded points, read from the instructor notebook.
_SOURCE_A = nbformat.read(ROOT / "exercises" / A / NB, as_version=4)
ALL_A = {grading.nbgrader_meta(c)["grade_id"] for c in _SOURCE_A.cells if grading.is_answer(c) and c.cell_type == "code"}
TOTAL_A = float(sum(grading.nbgrader_meta(c)["points"] for c in _SOURCE_A.cells if grading.is_autograder_test(c)))
_CODED = [c for c in _SOURCE_A.cells if grading.is_answer(c) and c.cell_type == "code"]
FIRST_ANSWER = grading.nbgrader_meta(_CODED[0])["grade_id"]
#: The last coded answer, where every attack sits, its code as the solution has it, and its test.
LAST_ANSWER = grading.nbgrader_meta(_CODED[-1])["grade_id"]
SOLVED_LAST = "\n".join(
    l for l in _CODED[-1].source.splitlines() if l.strip() not in (grading.BEGIN_SOLUTION, grading.END_SOLUTION)
)
_LAST_TEST = _SOURCE_A.cells[_SOURCE_A.cells.index(_CODED[-1]) + 1]
assert grading.is_autograder_test(_LAST_TEST), "exercise 1's last coded answer should be followed by its test cell"
LAST_TEST = grading.nbgrader_meta(_LAST_TEST)["grade_id"]
LAST = float(grading.nbgrader_meta(_LAST_TEST)["points"])


def _replace_answer(nb, grade_id: str, code: str):
    for cell in nb.cells:
        if grading.nbgrader_meta(cell).get("grade_id") == grade_id:
            cell.source = code
            return nb
    raise KeyError(grade_id)


def hostile_cases(course: Path) -> dict[str, tuple]:
    """name -> (how to make the file, its exact autograded score out of TOTAL_A, patterns its log line must match).

    Every attack sits in the last answer (LAST points) of an otherwise correct
    submission, or in the file itself: a contained attack scores exactly what the
    honest part of the submission earns."""
    secret = course.parent / "exercises" / A / NB
    other = course / "submitted" / "control_solution" / A / NB
    gradebook = course / "gradebook.db"

    def in_last(code):
        return ("last", code)

    return {
        "infinite_loop": (in_last("while True:\n    pass"), TOTAL_A - LAST, ["CellTimeoutError"]),
        "sleep_past_limit": (in_last("import time\ntime.sleep(10_000)"), TOTAL_A - LAST, ["CellTimeoutError"]),
        "memory_bomb": (
            in_last("blocks = []\nwhile True:\n    blocks.append(bytearray(50 * 1024 * 1024))"),
            TOTAL_A - LAST,
            ["memory"],
        ),
        "fork_bomb": (
            in_last("import os\nwhile True:\n    os.fork()"),
            TOTAL_A - LAST,
            ["BlockingIOError|died|per-cell time limit"],
        ),
        "network_call": (
            in_last("import urllib.request\nurllib.request.urlopen('http://93.184.216.34', timeout=5)\n" + SOLVED_LAST),
            TOTAL_A - LAST,
            ["network"],
        ),
        "read_instructor_source": (
            in_last(f"import json\nsrc = json.load(open({str(secret)!r}))\nexec(''.join(src['cells'][13]['source']))"),
            TOTAL_A - LAST,
            ["FileNotFoundError"],
        ),
        "read_hidden_tests_gradebook": (
            in_last(
                f"import sqlite3\nprint(sqlite3.connect({str(gradebook)!r}, uri=False).execute('select * from source_cell').fetchall())\n"
                + SOLVED_LAST
            ),
            TOTAL_A - LAST,
            ["OperationalError|FileNotFoundError"],
        ),
        "read_other_student": (
            in_last(f"print(open({str(other)!r}).read()[:100])\n" + SOLVED_LAST),
            TOTAL_A - LAST,
            ["FileNotFoundError"],
        ),
        "write_other_student": (
            in_last(f"open({str(other)!r}, 'w').write('{{}}')\n" + SOLVED_LAST),
            TOTAL_A - LAST,
            ["FileNotFoundError|PermissionError|OSError"],
        ),
        "write_gradebook": (
            in_last(f"open({str(gradebook)!r}, 'w').write('pwned')\n" + SOLVED_LAST),
            TOTAL_A - LAST,
            ["FileNotFoundError|PermissionError|OSError"],
        ),
        "delete_gradebook": (
            in_last(f"import os\nos.remove({str(gradebook)!r})\n" + SOLVED_LAST),
            TOTAL_A - LAST,
            ["FileNotFoundError|PermissionError|OSError"],
        ),
        "edit_locked_test": ("edit_test", TOTAL_A - LAST, ["NameError"]),
        "delete_locked_test": ("delete_test", TOTAL_A - LAST, [f"test cell {LAST_TEST} is missing"]),
        "delete_answer_cell": ("delete_answer", TOTAL_A - LAST, ["NameError"]),
        "corrupt_json": ("corrupt", 0, ["not a valid notebook"]),
        "wrong_file_name": ("wrong_name", 0, ["wrong notebook file name"]),
        "empty_notebook": ("empty", 0, ["no graded cells"]),
        "huge_output": (in_last("print('x' * 100_000_000)\n" + SOLVED_LAST), TOTAL_A, ["^huge_output: graded .*: ok$"]),
        "kernel_kills_itself": (
            in_last("import os, signal\nos.kill(os.getpid(), signal.SIGKILL)"),
            TOTAL_A - LAST,
            ["DeadKernelError"],
        ),
        "monkeypatch_test_helpers": (
            in_last(
                "cs.ch01.parties_in_year = lambda *a, **k: None\ncs.data.load_treaty_ratification = lambda: treaties\n"
                + SOLVED_LAST
            ),
            TOTAL_A - LAST,
            ["FLAGGED FOR REVIEW: .*civicspace"],
        ),
        "suppress_tracebacks_wrong_answer": ("suppress_tb", 0, ["FLAGGED FOR REVIEW: replaces the shell's method"]),
        "odd_unicode_and_long_lines": (
            in_last("# " + "\u202e\u200b\U0001f600 ünïcødé " * 20000 + "\nlabel = 'مرحبا 你好 \\u0000 \\x00'\n" + SOLVED_LAST),
            TOTAL_A,
            ["^odd_unicode_and_long_lines: graded .*: ok$"],
        ),
    }


def build_submission(kind, release, source, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    solved = grading.fill_answers(release, source, ALL_A)
    if isinstance(kind, tuple):
        _replace_answer(solved, LAST_ANSWER, kind[1])
        nbformat.write(solved, folder / NB)
        return
    if kind == "edit_test":
        _replace_answer(solved, LAST_ANSWER, "pass  # no answer")
        first_test = next(c for c in solved.cells if grading.nbgrader_meta(c).get("grade_id") == LAST_TEST)
        first_test.source = "pass  # all good"
        nbformat.write(solved, folder / NB)
    elif kind == "delete_test":
        solved.cells = [c for c in solved.cells if grading.nbgrader_meta(c).get("grade_id") != LAST_TEST]
        nbformat.write(solved, folder / NB)
    elif kind == "delete_answer":
        solved.cells = [c for c in solved.cells if grading.nbgrader_meta(c).get("grade_id") != LAST_ANSWER]
        nbformat.write(solved, folder / NB)
    elif kind == "corrupt":
        (folder / NB).write_text('{"cells": [ this is not JSON', encoding="utf-8")
    elif kind == "wrong_name":
        nbformat.write(solved, folder / "my_homework.ipynb")
    elif kind == "empty":
        nbformat.write(nbformat.v4.new_notebook(), folder / NB)
    elif kind == "suppress_tb":
        _replace_answer(
            solved,
            FIRST_ANSWER,
            "ip = get_ipython()\nip.showtraceback = lambda *a, **k: None\nip._showtraceback = lambda *a, **k: None",
        )
        nbformat.write(solved, folder / NB)
    else:
        raise ValueError(kind)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def released_course(work: Path):
    """A course folder in ``work`` with the course's configuration and exercise 1 released;
    returns (course folder, instructor notebook, student notebook)."""
    course = work / "autograder"
    course.mkdir()
    shutil.copyfile(ROOT / "autograder" / "nbgrader_config.py", course / "nbgrader_config.py")
    shutil.copytree(ROOT / "exercises" / A, work / "exercises" / A)
    runner.nbgrader(course, "generate_assignment", A, "--force", "--log-level=WARN", env=env_with_bin())
    source = nbformat.read(work / "exercises" / A / NB, as_version=4)
    release = nbformat.read(course / "release" / A / NB, as_version=4)
    return course, source, release


@pytest.fixture(scope="module")
def graded_batch(tmp_path_factory):
    course, source, release = released_course(tmp_path_factory.mktemp("course"))
    controls = {
        "control_solution": grading.fill_answers(release, source, ALL_A),
        "control_blank": release,
        "control_partial": grading.fill_answers(release, source, {"q1_answer"}),
    }
    for student, nb in controls.items():
        (course / "submitted" / student / A).mkdir(parents=True)
        nbformat.write(nb, course / "submitted" / student / A / NB)
    cases = hostile_cases(course)
    for name, (kind, _, _) in cases.items():
        build_submission(kind, release, source, course / "submitted" / name / A)
    before = {p: _digest(p) for p in (course / "submitted").rglob("*") if p.is_file()}
    report = pipeline.grade(A, course, workers=2, limits=LIMITS, use_sandbox=True, progress=False)
    return {"course": course, "report": report, "cases": cases, "before": before, "controls": list(controls)}


def _scores(batch):
    return pipeline.scores(batch["course"], A)


def test_the_batch_completes_with_every_student_graded_or_explained(graded_batch):
    results = {r.student: r for r in graded_batch["report"].results}
    expected = set(graded_batch["cases"]) | set(graded_batch["controls"])
    assert set(results) == expected
    assert set(_scores(graded_batch)) == expected, "every submission has a gradebook entry"


def test_controls_score_as_when_graded_alone(graded_batch):
    s = _scores(graded_batch)
    assert s["control_solution"] == (TOTAL_A, TOTAL_A)
    assert s["control_blank"] == (0.0, TOTAL_A)
    assert s["control_partial"] == (2.0, TOTAL_A)


@pytest.mark.parametrize("case", sorted(hostile_cases(Path("/x/autograder"))))
def test_hostile_submission_is_contained(graded_batch, case):
    kind, expected, words = graded_batch["cases"][case]
    score, max_score = _scores(graded_batch)[case]
    result = next(r for r in graded_batch["report"].results if r.student == case)
    assert max_score == TOTAL_A
    assert score == expected, f"{case}: scored {score}, expected {expected}; log: {result.log_line()}"
    import re

    line = result.log_line()
    for pattern in words:
        assert re.search(pattern, line), f"{case}: the log does not say what happened: {line}"


def test_huge_output_is_capped_in_what_is_kept(graded_batch):
    kept = graded_batch["course"] / "autograded" / "huge_output" / A / NB
    assert kept.exists() and kept.stat().st_size < 1_000_000, "a 100 MB print must not reach the autograded notebook"


def test_no_student_process_outlives_the_batch(graded_batch):
    """Fork-bomb children and sleepers are gone once grading returns (their command lines
    name the batch's scratch folder, which holds every kernel's connection file)."""
    left = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if f"civicspace-grade-{A}-" in cmdline:
            left.append(f"{proc.name}: {cmdline[:200]}")
    assert not left, "processes outlived the batch:\n" + "\n".join(left)


def test_no_submission_changed_another_students_files(graded_batch):
    for path, digest in graded_batch["before"].items():
        assert path.exists() and _digest(path) == digest, f"{path} was changed during grading"


def test_gradebook_is_intact(graded_batch):
    db = graded_batch["course"] / "gradebook.db"
    with sqlite3.connect(db) as con:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        students = {r[0] for r in con.execute("select id from student")}
    assert students == set(graded_batch["cases"]) | set(graded_batch["controls"])


def test_feedback_has_no_hidden_test_source(graded_batch):
    course = graded_batch["course"]
    secrets = grading.secret_lines(nbformat.read(course.parent / "exercises" / A / NB, as_version=4))
    hidden = [s for s in secrets if s.startswith(("assert", "_expected", "_fresh", "for _", "_got", "_rows", "_counts"))]
    assert hidden
    feedback = list((course / "feedback").rglob("*.html"))
    assert len(feedback) >= 3
    failing = (course / "feedback" / "control_partial" / A / f"{A}.html").read_text(encoding="utf-8")
    assert "hidden tests were run here" in failing
    for page in feedback:
        text = page.read_text(encoding="utf-8")
        import html

        leaked = [s for s in hidden if s in text or html.escape(s) in text]
        assert leaked == [], f"{page}: hidden test source in feedback: {leaked[:2]}"


def test_instructor_outputs(graded_batch):
    report = graded_batch["report"]
    assert report.grades_csv.exists() and "control_solution" in report.grades_csv.read_text()
    import csv

    items = list(csv.DictReader(report.items_csv.open()))
    source = nbformat.read(graded_batch["course"].parent / "exercises" / A / NB, as_version=4)
    assert [i["item"] for i in items] == [
        grading.nbgrader_meta(c)["grade_id"] for c in source.cells if grading.is_autograder_test(c)
    ]
    assert all(0 <= float(i["share_passing"]) <= 1 for i in items)
    html_report = report.items_html.read_text(encoding="utf-8")
    assert "Item analysis" in html_report and (report.items_html.parent / "plotly.min.js").exists()
    assert "cdn.plot.ly" not in html_report
    log = report.log.read_text(encoding="utf-8")
    assert all(name in log for name in graded_batch["cases"])
    first = log.splitlines()[0]
    assert first == report.limits and first.startswith("limits: bubblewrap sandbox")
    expected = {
        "cgroup2": "memory 1024 MB and 64 processes per kernel (cgroup v2)",
        "cgroup1": "memory 1024 MB and 64 processes per kernel (cgroup v1)",
        "rlimit": "memory 1024 MB of address space per process (rlimit fallback",
    }[sandbox.limits_backend()]
    assert expected in first
