"""The grading pipeline with a PostgreSQL gradebook (``c.CourseDirectory.db_url``).

The test starts its own throwaway PostgreSQL cluster (Debian's ``postgresql``
package, which ``.ci/run`` installs): a temporary data folder, a Unix socket in a
temporary folder and no TCP listener (``listen_addresses = ''``), stopped and removed
at the end. It grades a class into that gradebook, enters a hand-graded score as
formgrader would, re-grades after late submissions, and starts two grading runs at
once on different assignments: scores, late penalties and the hand-graded score
must all be as expected, and the gradebook consistent.

If the PostgreSQL programs are missing the test fails, saying what to install;
it is skipped only on a developer's machine that is neither root nor CI (no
``postgres`` user to run the server as, and nothing to install it with).
"""

from __future__ import annotations

import csv
import glob
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT, env_with_bin

from civicspace.grading import config, pipeline, runner, sandbox
from civicspace.grading import notebooks as grading

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("grading")]

A, B = "ch01_foundations", "ch00_jupyter_pandas"
ALL = {"q1_answer", "q2_answer", "q3_answer", "q4_answer"}  # every coded answer of B
#: Every coded answer of exercise 1 and its autograded points, read from the instructor notebook.
_SOURCE_A = nbformat.read(ROOT / "exercises" / A / f"{A}.ipynb", as_version=4)
ALL_A = {grading.nbgrader_meta(c)["grade_id"] for c in _SOURCE_A.cells if grading.is_answer(c) and c.cell_type == "code"}
TOTAL_A = float(sum(grading.nbgrader_meta(c)["points"] for c in _SOURCE_A.cells if grading.is_autograder_test(c)))
LIMITS = sandbox.Limits(cell_timeout=30, notebook_timeout=300)
DUE = datetime(2026, 3, 1, 12, 0)
MANUAL_CELL = "written_ratification_vs_practice"  # A's hand-graded written answer (4 points)


def _postgres_bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if found:
        return Path(found[-1]).parent
    message = (
        "PostgreSQL's programs (initdb, pg_ctl) are not in /usr/lib/postgresql/*/bin: "
        "install the Debian package `postgresql` (apt-get install postgresql; .ci/run does this)"
    )
    if os.geteuid() != 0 and not os.environ.get("CI"):
        pytest.skip(message + " [skipped: not root and not CI]")
    pytest.fail(message, pytrace=False)


@pytest.fixture(scope="module")
def postgres():
    """A throwaway PostgreSQL server on a Unix socket only; yields its ``db_url`` for a new database."""
    bindir = _postgres_bin()
    as_root = os.geteuid() == 0
    folder = Path(tempfile.mkdtemp(prefix="civicspace-pg-"))
    data, sock = folder / "data", folder / "sock"
    sock.mkdir()
    run_as: list[str] = []
    if as_root:  # the server refuses to run as root: run it as Debian's `postgres` system user
        try:
            user = pwd.getpwnam("postgres")
        except KeyError:
            pytest.fail("no `postgres` system user: install the Debian package `postgresql`", pytrace=False)
        for path in (folder, sock):
            os.chown(path, user.pw_uid, user.pw_gid)
        run_as = ["runuser", "-u", "postgres", "--"]

    def pg(*cmd: str, timeout: float = 120) -> subprocess.CompletedProcess:
        out = subprocess.run([*run_as, *cmd], capture_output=True, text=True, timeout=timeout, cwd="/")
        if out.returncode != 0:
            log = (folder / "server.log").read_text(errors="replace")[-2000:] if (folder / "server.log").exists() else ""
            pytest.fail(f"{' '.join(cmd)} failed:\n{out.stdout[-2000:]}\n{out.stderr[-2000:]}\n{log}", pytrace=False)
        return out

    pg(str(bindir / "initdb"), "-D", str(data), "--auth=trust", "--username=grader", "--encoding=UTF8", "--no-sync")
    options = f"-c listen_addresses='' -k {sock} -c fsync=off -c max_connections=60"
    pg(str(bindir / "pg_ctl"), "-D", str(data), "-l", str(folder / "server.log"), "-o", options, "-w", "start")
    try:
        pg(str(bindir / "createdb"), "-h", str(sock), "-U", "grader", "civicspace")
        yield f"postgresql+psycopg2://grader@/civicspace?host={sock}"
    finally:
        subprocess.run(
            [*run_as, str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
            capture_output=True,
            timeout=120,
            cwd="/",
        )
        shutil.rmtree(folder, ignore_errors=True)


def _submit(course: Path, assignment: str, student: str, nb, stamp: str | None = None) -> None:
    folder = course / "submitted" / student / assignment
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    nbformat.write(nb, folder / f"{assignment}.ipynb")
    if stamp:
        (folder / "timestamp.txt").write_text(stamp)


def _versions(course: Path, assignment: str):
    source = nbformat.read(course.parent / "exercises" / assignment / f"{assignment}.ipynb", as_version=4)
    release = nbformat.read(course / "release" / assignment / f"{assignment}.ipynb", as_version=4)
    return release, source


def _grades(course: Path) -> dict[tuple[str, str], tuple[float, float, float, float | None]]:
    """(assignment, student) -> (autograded score, late penalty, total score, manual score of A's written answer)."""
    out = {}
    with config.open_gradebook(course) as gb:
        for assignment in (A, B):
            for sub in gb.assignment_submissions(assignment):
                manual = None
                if assignment == A:
                    manual = gb.find_grade(MANUAL_CELL, A, A, sub.student.id).manual_score
                out[(assignment, sub.student.id)] = (sub.code_score, sub.late_submission_penalty, sub.score, manual)
    return out


@pytest.fixture(scope="module")
def graded(postgres, tmp_path_factory):
    work = tmp_path_factory.mktemp("pgcourse")
    course = work / "autograder"
    course.mkdir()
    course_config = (ROOT / "autograder" / "nbgrader_config.py").read_text(encoding="utf-8")
    (course / "nbgrader_config.py").write_text(
        course_config + f'\nc.CourseDirectory.db_url = "{postgres}"\nc.LateSubmissionPlugin.penalty_method = "zero"\n',
        encoding="utf-8",
    )
    for assignment in (A, B):
        shutil.copytree(ROOT / "exercises" / assignment, work / "exercises" / assignment)
    stages = {}

    # 1. A class graded into the PostgreSQL gradebook.
    runner.nbgrader(course, "generate_assignment", A, "--force", "--log-level=WARN", env=env_with_bin())
    with config.open_gradebook(course) as gb:
        gb.update_or_create_assignment(A, duedate=DUE)
    release, source = _versions(course, A)
    _submit(course, A, "full", grading.fill_answers(release, source, ALL_A), "2026-02-28 10:00:00")
    _submit(course, A, "partial", grading.fill_answers(release, source, {"q1_answer"}), "2026-02-28 11:00:00")
    _submit(course, A, "blank", release, "2026-02-28 12:00:00")
    stages["first"] = pipeline.grade(A, course, workers=2, limits=LIMITS, progress=False)
    stages["first_grades"] = _grades(course)
    stages["first_csv"] = stages["first"].grades_csv.read_text(encoding="utf-8")

    # 2. A hand-graded score, entered as formgrader enters it.
    with config.open_gradebook(course) as gb:
        grade = gb.find_grade(MANUAL_CELL, A, A, "full")
        grade.manual_score = 3.5
        gb.find_comment(MANUAL_CELL, A, A, "full").manual_comment = "Clear distinction between the two."
        gb.db.commit()

    # 3. Late submissions: one student resubmits after the due date, one submits late for the first time.
    _submit(course, A, "partial", grading.fill_answers(release, source, ALL_A), "2026-03-02 09:00:00")
    _submit(course, A, "latecomer", grading.fill_answers(release, source, {"q1_answer", "q2_answer"}), "2026-03-03 09:00:00")
    stages["regrade"] = pipeline.grade(A, course, workers=2, limits=LIMITS, progress=False)
    stages["regrade_grades"] = _grades(course)

    # 4. Two grading runs started at once, on different assignments, by two commands. Both
    #    include a student the gradebook does not know yet, so both create that record at once.
    runner.nbgrader(course, "generate_assignment", B, "--force", "--log-level=WARN", env=env_with_bin())
    release_b, source_b = _versions(course, B)
    for student, answers in {"full": ALL, "partial": {"q1_answer"}, "blank": set(), "newcomer": ALL}.items():
        _submit(course, B, student, grading.fill_answers(release_b, source_b, answers))
    _submit(course, A, "newcomer", grading.fill_answers(release, source, ALL_A), "2026-02-27 09:00:00")
    command = [sys.executable, "-m", "civicspace.cli", "grade", "--course", str(course), "--workers", "1", "--cell-timeout", "30"]
    runs = {
        a: subprocess.Popen(
            [*command[:4], a, *command[4:]], env=env_with_bin(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        for a in (A, B)
    }
    stages["concurrent"] = {a: (p.wait(timeout=1500), p.stdout.read()) for a, p in runs.items()}
    stages["concurrent_grades"] = _grades(course)
    return {"course": course, "stages": stages, "db_url": postgres}


def test_the_class_is_graded_into_postgresql(graded):
    course = graded["course"]
    assert config.db_url(course) == graded["db_url"]
    assert not (course / "gradebook.db").exists(), "nothing may fall back to a SQLite file in the course folder"
    assert {r.student: r.status for r in graded["stages"]["first"].results} == {
        "full": "graded",
        "partial": "graded",
        "blank": "graded",
    }
    g = graded["stages"]["first_grades"]
    assert g[(A, "full")] == (TOTAL_A, 0.0, TOTAL_A, None)
    assert g[(A, "partial")] == (2.0, 0.0, 2.0, None)
    assert g[(A, "blank")] == (0.0, 0.0, 0.0, None)
    rows = {
        (r["assignment"], r["student_id"]): float(r["score"]) for r in csv.DictReader(graded["stages"]["first_csv"].splitlines())
    }
    assert rows[(A, "full")] == TOTAL_A and rows[(A, "partial")] == 2.0


def test_regrading_late_submissions_keeps_the_hand_graded_score(graded):
    g = graded["stages"]["regrade_grades"]
    # the hand-graded written answer is still there, and counts in the total
    assert g[(A, "full")] == (TOTAL_A, 0.0, TOTAL_A + 3.5, 3.5)
    # the resubmission after the due date is graded again (every answer now right), and
    # penalised as the course's LateSubmissionPlugin says ("zero")
    assert g[(A, "partial")] == (TOTAL_A, TOTAL_A, TOTAL_A, None)
    assert g[(A, "latecomer")] == (5.0, 5.0, 5.0, None)
    assert g[(A, "blank")] == (0.0, 0.0, 0.0, None)
    with config.open_gradebook(graded["course"]) as gb:
        assert gb.find_submission(A, "partial").timestamp == datetime(2026, 3, 2, 9, 0)
        assert gb.find_comment(MANUAL_CELL, A, A, "full").manual_comment == "Clear distinction between the two."


def test_two_runs_at_once_leave_a_consistent_gradebook(graded):
    for assignment, (code, output) in graded["stages"]["concurrent"].items():
        assert code == 0, f"grading {assignment} failed:\n{output[-3000:]}"
        assert "not merged" not in output and "not graded" not in output, output[-3000:]
    g = graded["stages"]["concurrent_grades"]
    before = graded["stages"]["regrade_grades"]
    for student in ("full", "partial", "blank", "latecomer"):
        assert g[(A, student)] == before[(A, student)], f"{student}'s grades for {A} changed"
    assert g[(A, "newcomer")] == (TOTAL_A, 0.0, TOTAL_A, None)
    assert g[(B, "full")][:3] == (4.0, 0.0, 4.0)
    assert g[(B, "partial")][:3] == (1.0, 0.0, 1.0)
    assert g[(B, "blank")][:3] == (0.0, 0.0, 0.0)
    assert g[(B, "newcomer")][:3] == (4.0, 0.0, 4.0)


def test_gradebook_rows_are_unique_and_complete(graded):
    """One student record per student, one submission per student and assignment, one grade per
    test cell of each submitted notebook; both assignments belong to the course's course_id.
    (nbgrader's own GetGrades step, run by generate_feedback, also records a "default_course".)"""
    from sqlalchemy import create_engine, text

    engine = create_engine(graded["db_url"])
    try:
        with engine.connect() as con:
            students = [r[0] for r in con.execute(text("select id from student order by id"))]
            subs = con.execute(
                text(
                    "select a.name, s.student_id, count(*) from submitted_assignment s join assignment a on a.id = s.assignment_id "
                    "group by a.name, s.student_id"
                )
            ).fetchall()
            grades_per_nb = con.execute(
                text(
                    "select n.name, count(g.id) from grade g join submitted_notebook sn on sn.id = g.notebook_id "
                    "join notebook n on n.id = sn.notebook_id group by sn.id, n.name"
                )
            ).fetchall()
            courses = dict(con.execute(text("select name, course_id from assignment")).fetchall())
    finally:
        engine.dispose()
    assert students == ["blank", "full", "latecomer", "newcomer", "partial"]
    assert sorted((a, s) for a, s, _ in subs) == sorted(
        [(A, s) for s in ("blank", "full", "latecomer", "newcomer", "partial")]
        + [(B, s) for s in ("blank", "full", "newcomer", "partial")]
    )
    assert all(n == 1 for _, _, n in subs)
    graded_cells_a = sum(1 for c in _SOURCE_A.cells if grading.nbgrader_meta(c).get("grade"))  # tests and the written answer
    assert (
        sorted(tuple(r) for r in grades_per_nb) == [(B, 5)] * 4 + [(A, graded_cells_a)] * 5
    )  # B: four tests, one written answer
    assert courses == {A: "civicspace", B: "civicspace"}
