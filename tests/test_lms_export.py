"""Grade files for Canvas and Moodle (civicspace.grading.lms, ``civicspace lms-export``).

A small gradebook is made with nbgrader's own API (two assignments, four students,
a late penalty, a hand-graded answer); the files are checked against the headers the
platforms document: Canvas's gradebook CSV starts with Student, ID, SIS User ID,
SIS Login ID, Section and heads each assignment "Name (ID)"; Moodle's CSV import maps
one user-identifying column (email, username or ID number) and one column per grade item.
"""

from __future__ import annotations

import csv
import os
import shutil
from datetime import datetime
from pathlib import Path

import pytest
from conftest import BIN, ROOT

from civicspace import cli
from civicspace.grading import config, lms

A1, A2 = "ch01_foundations", "ch02_what_ngos_do"


def _read(path: Path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """A course whose gradebook holds: ana 8/10 on A1 (+3.5 of 4 by hand), ben 10/10 on A1 but
    submitted late under a 'zero' penalty, chloé 6/10 on A2 only; dev has no submission."""
    path = os.environ.get("PATH", "")
    os.environ["PATH"] = f"{BIN}{os.pathsep}{path}"  # nbgrader runs alembic when it makes a gradebook
    try:
        return _make_course(tmp_path_factory.mktemp("lms") / "autograder")
    finally:
        os.environ["PATH"] = path


@pytest.fixture
def course(template, tmp_path):
    """A copy of the template course for one test (its gradebook is the copy's own gradebook.db)."""
    copy = tmp_path / "autograder"
    shutil.copytree(template, copy)
    return copy


def _make_course(course: Path) -> Path:
    course.mkdir()
    shutil.copyfile(ROOT / "autograder" / "nbgrader_config.py", course / "nbgrader_config.py")
    with config.open_gradebook(course) as gb:
        for name in (A1, A2):
            gb.add_assignment(name, duedate=datetime(2026, 3, 1))
            gb.add_notebook(name, name)
            gb.add_grade_cell("correct_a", name, name, max_score=6, cell_type="code")
            gb.add_grade_cell("correct_b", name, name, max_score=4, cell_type="code")
            gb.add_grade_cell("written", name, name, max_score=4, cell_type="markdown")
            gb.add_solution_cell("written", name, name)
        for student in ("ana", "ben", "chloé"):
            gb.add_student(student)

        def submit(assignment, student, a, b, manual=None, late_penalty=None):
            gb.add_submission(assignment, student)
            for cell, score in (("correct_a", a), ("correct_b", b)):
                grade = gb.find_grade(cell, assignment, assignment, student)
                grade.auto_score, grade.needs_manual_grade = score, False
            written = gb.find_grade("written", assignment, assignment, student)
            written.manual_score = manual
            written.needs_manual_grade = manual is None
            gb.find_submission_notebook(assignment, assignment, student).late_submission_penalty = late_penalty
            gb.db.commit()

        submit(A1, "ana", 6, 2, manual=3.5)
        submit(A1, "ben", 6, 4, manual=4, late_penalty=14)
        submit(A2, "chloé", 6, 0, manual=0)
    (course / "lms_roster.csv").write_text(
        "nbgrader_id,name,canvas_id,sis_user_id,sis_login_id,section,email,username,idnumber\n"
        'ana,"Achebe, Ana",1001,S-1,ana@uni.example,Seminar A,ana@uni.example,ana,9001\n'
        'ben,"Bauer, Ben",1002,S-2,ben@uni.example,Seminar A,ben@uni.example,ben,9002\n'
        'chloé,"Chen, Chloé",1003,S-3,chloe@uni.example,Seminar B,chloe@uni.example,chloe,9003\n'
        'dev,"Dev, Devi",1004,S-4,dev@uni.example,Seminar B,dev@uni.example,dev,9004\n',
        encoding="utf-8",
    )
    (course / "lms.toml").write_text(
        'roster = "lms_roster.csv"\n\n'
        f'[canvas.assignments]\n{A1} = "Exercise 1: Foundations (48213)"\n{A2} = "Exercise 2: What NGOs do (48214)"\n\n'
        f'[moodle]\nidentifier = "email"\n\n[moodle.assignments]\n{A1} = "Exercise 1: Foundations"\n{A2} = "Exercise 2"\n',
        encoding="utf-8",
    )
    return course


def test_canvas_file_has_canvas_headers_and_the_gradebook_scores(course):
    result = lms.export(course, "canvas")
    rows = _read(result.path)
    assert rows[0] == [
        "Student",
        "ID",
        "SIS User ID",
        "SIS Login ID",
        "Section",
        "Exercise 1: Foundations (48213)",
        "Exercise 2: What NGOs do (48214)",
    ]
    body = {r[0]: r for r in rows[1:]}
    assert body["Achebe, Ana"] == ["Achebe, Ana", "1001", "S-1", "ana@uni.example", "Seminar A", "11.5", ""]
    assert body["Bauer, Ben"][5:] == ["0", ""]  # 14 points, all taken by the late penalty
    assert body["Chen, Chloé"][5:] == ["", "6"]
    assert body["Dev, Devi"][5:] == ["", ""]
    assert len(rows) == 5
    # every empty cell is reported, with the roster row
    assert any("dev (roster row 5), ch01_foundations: no submission" in n for n in result.notes)
    assert sum("no submission" in n for n in result.notes) == 5


def test_moodle_file_identifies_users_by_the_chosen_field(course):
    result = lms.export(course, "moodle", assignments=[A1])
    rows = _read(result.path)
    assert rows[0] == ["Email address", "Full name", "Exercise 1: Foundations"]
    assert rows[1:] == [
        ["ana@uni.example", "Achebe, Ana", "11.5"],
        ["ben@uni.example", "Bauer, Ben", "0"],
        ["chloe@uni.example", "Chen, Chloé", ""],
        ["dev@uni.example", "Dev, Devi", ""],
    ]
    mapping = (course / "lms.toml").read_text().replace('identifier = "email"', 'identifier = "idnumber"')
    (course / "lms.toml").write_text(mapping)
    rows = _read(lms.export(course, "moodle", assignments=[A1]).path)
    assert rows[0][0] == "ID number" and rows[1][0] == "9001"


def test_a_student_missing_from_the_roster_is_an_error(course):
    roster = course / "lms_roster.csv"
    roster.write_text(
        "\n".join(l for l in roster.read_text(encoding="utf-8").splitlines() if not l.startswith("ben,")) + "\n", encoding="utf-8"
    )
    with pytest.raises(lms.MappingError) as err:
        lms.export(course, "canvas")
    assert str(roster.resolve()) in str(err.value) and "ben" in str(err.value)
    assert not (course / "reports" / "canvas_grades.csv").exists()


def test_unfinished_hand_grading_stops_the_export_unless_allowed(course):
    with config.open_gradebook(course) as gb:
        written = gb.find_grade("written", A1, A1, "ana")
        written.manual_score, written.needs_manual_grade = None, True
        gb.db.commit()
    with pytest.raises(lms.MappingError, match=r"hand grading is not finished for ana \(ch01_foundations\)"):
        lms.export(course, "canvas")
    result = lms.export(course, "canvas", allow_ungraded=True)
    body = {r[0]: r for r in _read(result.path)[1:]}
    assert body["Achebe, Ana"][5] == ""
    assert any(n.startswith("ana (roster row 2), ch01_foundations: hand grading not finished") for n in result.notes)


@pytest.mark.parametrize(
    "edit, words",
    [
        (("S-1", ""), ["row 2", "neither canvas_id nor sis_user_id"]),
        (("1002", "1001"), ["row 3", "canvas_id '1001' is already on row 2"]),
        (("1003", "10x3"), ["row 4", "not a Canvas user ID"]),
        (("nbgrader_id,", "student,"), ["row 1", "unknown column", "'student'"]),
        (('ben,"Bauer, Ben"', 'ana,"Bauer, Ben"'), ["row 3", "'ana' is already on row 2"]),
    ],
)
def test_bad_roster_rows_are_errors_naming_file_and_row(course, edit, words):
    roster = course / "lms_roster.csv"
    text = roster.read_text(encoding="utf-8")
    if edit[0] == "S-1":  # no canvas_id and no SIS user ID on row 2
        text = text.replace(",1001,S-1,", ",,,")
    else:
        text = text.replace(*edit, 1)
    roster.write_text(text, encoding="utf-8")
    with pytest.raises(lms.MappingError) as err:
        lms.export(course, "canvas")
    assert str(roster.resolve()) in str(err.value)
    for w in words:
        assert w in str(err.value)


@pytest.mark.parametrize(
    "old, new, words",
    [
        ('"Exercise 1: Foundations (48213)"', '"Exercise 1: Foundations"', "'Assignment name (ID)'"),
        ('"Exercise 2: What NGOs do (48214)"', '"Exercise 1: Foundations (48213)"', "used twice"),
        (
            f'{A2} = "Exercise 2: What NGOs do (48214)"',
            'ch99_unknown = "Exercise 9 (1)"',
            "'ch99_unknown' of the mapping file is not in the gradebook",
        ),
        ('roster = "lms_roster.csv"', 'roster = "elsewhere.csv"', "does not exist"),
        ("[canvas.assignments]", "[canvas.assignment]", "no [canvas.assignments] table"),
    ],
)
def test_bad_mapping_is_an_error_naming_the_file(course, old, new, words):
    mapping = course / "lms.toml"
    mapping.write_text(mapping.read_text().replace(old, new))
    with pytest.raises(lms.MappingError) as err:
        lms.export(course, "canvas")
    assert words in str(err.value)
    assert "lms.toml" in str(err.value) or "elsewhere.csv" in str(err.value) or "gradebook" in str(err.value)


def test_moodle_identifier_must_be_one_moodle_maps_to(course):
    mapping = course / "lms.toml"
    mapping.write_text(mapping.read_text().replace('identifier = "email"', 'identifier = "firstname"'))
    with pytest.raises(
        lms.MappingError, match=r"lms.toml: \[moodle\] identifier = 'firstname': use one of email, username, idnumber"
    ):
        lms.export(course, "moodle")


def test_command_line(course, capsys, tmp_path):
    out = tmp_path / "to_canvas.csv"
    assert cli.main(["lms-export", "canvas", "--course", str(course), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert f"canvas grade file: {out}" in printed and "note: dev (roster row 5)" in printed
    assert _read(out)[0][0] == "Student"
    (course / "lms.toml").write_text("roster = 3\n")
    assert cli.main(["lms-export", "moodle", "--course", str(course), "--out", str(tmp_path / "m.csv")]) == 1
    assert "error: nothing written" in capsys.readouterr().err and not (tmp_path / "m.csv").exists()
