"""Every assignment in exercises/ survives nbgrader's round trip and leaks nothing.

generate_assignment → the instructor solution autogrades to full marks, the
unmodified student version to zero, a partly correct submission strictly in
between; the student version holds no solution code and no hidden-test text.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest

from civicspace import grading
from conftest import BIN, ROOT, env_with_bin

pytestmark = pytest.mark.slow

ASSIGNMENTS = sorted(p.name for p in (ROOT / "exercises").iterdir() if p.is_dir() and list(p.glob("*.ipynb")))


def source_notebooks(assignment: str) -> list[Path]:
    return sorted((ROOT / "exercises" / assignment).glob("*.ipynb"))


def nbgrader(course: Path, *args: str) -> subprocess.CompletedProcess:
    out = subprocess.run(
        [str(BIN / "nbgrader"), *args], cwd=course, env=env_with_bin(), capture_output=True, text=True, timeout=600
    )
    assert out.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{out.stdout[-3000:]}\n{out.stderr[-3000:]}"
    return out


@pytest.fixture(scope="module", params=ASSIGNMENTS)
def graded(request, tmp_path_factory):
    """Generate the assignment in a scratch course and autograde three submissions."""
    assignment = request.param
    work = tmp_path_factory.mktemp(assignment)
    course = work / "autograder"
    course.mkdir()
    shutil.copyfile(ROOT / "autograder" / "nbgrader_config.py", course / "nbgrader_config.py")
    shutil.copytree(ROOT / "exercises" / assignment, work / "exercises" / assignment)
    nbgrader(course, "generate_assignment", assignment, "--force")

    release = course / "release" / assignment
    submissions = {"solution": {}, "blank": {}, "partial": {}}
    for src_path in source_notebooks(assignment):
        source = nbformat.read(src_path, as_version=4)
        released = nbformat.read(release / src_path.name, as_version=4)
        answers = [grading.nbgrader_meta(c)["grade_id"] for c in source.cells if grading.is_answer(c) and c.cell_type == "code"]
        submissions["solution"][src_path.name] = source
        submissions["blank"][src_path.name] = released
        # Partly correct: only the first coded answer is filled in.
        submissions["partial"][src_path.name] = grading.fill_answers(released, source, set(answers[:1]))
    for student, notebooks in submissions.items():
        folder = course / "submitted" / student / assignment
        folder.mkdir(parents=True)
        for name, nb in notebooks.items():
            nbformat.write(nb, folder / name)
    nbgrader(course, "autograde", assignment, "--force")

    from nbgrader.api import Gradebook

    scores = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for student in submissions:
            sub = gb.find_submission(assignment, student)
            scores[student] = (sub.code_score, sub.max_code_score)
    return {"assignment": assignment, "course": course, "release": release, "scores": scores}


def test_solution_scores_full_marks(graded):
    score, max_score = graded["scores"]["solution"]
    assert max_score > 0 and score == max_score, graded["scores"]


def test_unmodified_student_version_scores_zero(graded):
    assert graded["scores"]["blank"][0] == 0, graded["scores"]


def test_partial_submission_scores_strictly_between(graded):
    score, max_score = graded["scores"]["partial"]
    assert 0 < score < max_score, graded["scores"]


def test_student_version_holds_no_solution_or_hidden_test(graded):
    released_text = "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in graded["release"].rglob("*") if p.is_file())
    for marker in (grading.BEGIN_SOLUTION, grading.BEGIN_HIDDEN, grading.END_HIDDEN):
        assert marker not in released_text
    for src_path in source_notebooks(graded["assignment"]):
        secrets = grading.secret_lines(nbformat.read(src_path, as_version=4))
        assert secrets, f"{src_path.name}: no solution lines found: is the assignment marked up?"
        leaked = [s for s in secrets if s in released_text]
        assert leaked == [], f"leaked into the student version: {leaked}"


def test_no_rubric_or_instructor_file_is_released(graded):
    released = {p.name for p in graded["release"].rglob("*") if p.is_file()}
    assert released == {p.name for p in source_notebooks(graded["assignment"])}, released


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_instructor_notebooks_follow_the_course_rules(assignment):
    problems = []
    for src_path in source_notebooks(assignment):
        problems += grading.lint_source(src_path, rubrics_dir=ROOT / "autograder" / "rubrics")
        nb = nbformat.read(src_path, as_version=4)
        tests = [c for c in nb.cells if grading.is_autograder_test(c)]
        manual = [c for c in nb.cells if grading.is_manual(c)]
        assert len(tests) >= 3, f"{src_path.name}: at least three autograded parts"
        assert manual, f"{src_path.name}: at least one hand-graded written answer"
        # Cell ids are readable words, not random hashes.
        for c in nb.cells:
            assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", c.get("id", "")), f"unreadable cell id {c.get('id')!r}"
    assert problems == []

