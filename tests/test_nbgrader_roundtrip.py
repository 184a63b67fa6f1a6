"""Every assignment in exercises/ survives nbgrader's round trip and leaks nothing.

generate_assignment → the instructor solution autogrades to full marks, the
unmodified student version to zero, a partly correct submission strictly in
between; the student version holds no solution code and no hidden-test text.

The same submissions are graded again by the course's pipeline (sandboxed, tests in
their own kernel): every honest submission gets exactly stock nbgrader's score on
every item, and a "lazy" submission that answers only with calls of the course
package (tests/lazy_answers/<assignment>.py) scores 0 on every autograded item.
"""

from __future__ import annotations

import ast
import re
import runpy
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest
from conftest import BIN, ROOT, env_with_bin

from civicspace.grading import merge, pipeline, sandbox
from civicspace.grading import notebooks as grading

pytestmark = pytest.mark.slow

ASSIGNMENTS = sorted(p.name for p in (ROOT / "exercises").iterdir() if p.is_dir() and list(p.glob("*.ipynb")))


def source_notebooks(assignment: str) -> list[Path]:
    return sorted((ROOT / "exercises" / assignment).glob("*.ipynb"))


LAZY = ROOT / "tests" / "lazy_answers"


def lazy_answers(assignment: str) -> dict[str, str]:
    path = LAZY / f"{assignment}.py"
    assert path.exists(), f"{path}: every assignment needs a lazy submission (answers made only of package calls)"
    return runpy.run_path(str(path))["ANSWERS"]


def item_scores(course: Path, assignment: str) -> dict[str, dict[str, float | None]]:
    """student -> {notebook/test cell: autograded score} from a course's gradebook (test cells only:
    a code cell graded by hand, such as a capstone figure, is not an autograded item)."""
    from nbgrader.api import Gradebook

    out: dict[str, dict[str, float | None]] = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for sub in gb.assignment_submissions(assignment):
            out[sub.student.id] = {
                f"{nb.notebook.name}/{g.cell.name}": g.auto_score
                for nb in sub.notebooks
                for g in nb.grades
                if g.cell.cell_type == "code" and not merge._is_solution(gb, g.cell.name, nb.notebook.name, assignment)
            }
    return out


def nbgrader(course: Path, *args: str) -> subprocess.CompletedProcess:
    out = subprocess.run(
        [str(BIN / "nbgrader"), *args], cwd=course, env=env_with_bin(), capture_output=True, text=True, timeout=600
    )
    assert out.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{out.stdout[-3000:]}\n{out.stderr[-3000:]}"
    return out


# One xdist group per assignment: all tests of an assignment run on the worker that made
# its (costly) fixture, instead of each worker grading the same assignment again.
@pytest.fixture(
    scope="module", params=[pytest.param(a, id=a, marks=pytest.mark.xdist_group(f"roundtrip_{a}")) for a in ASSIGNMENTS]
)
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
    submissions = {"solution": {}, "blank": {}, "partial": {}, "lazy": {}}
    lazy = lazy_answers(assignment)
    for src_path in source_notebooks(assignment):
        source = nbformat.read(src_path, as_version=4)
        released = nbformat.read(release / src_path.name, as_version=4)
        answers = [grading.nbgrader_meta(c)["grade_id"] for c in source.cells if grading.is_answer(c) and c.cell_type == "code"]
        submissions["solution"][src_path.name] = source
        submissions["blank"][src_path.name] = released
        # Partly correct: only the first coded answer is filled in.
        submissions["partial"][src_path.name] = grading.fill_answers(released, source, set(answers[:1]))
        lazy_nb = nbformat.from_dict(released)
        for cell in lazy_nb.cells:
            gid = grading.nbgrader_meta(cell).get("grade_id")
            if gid in lazy and grading.is_answer(cell):
                cell.source = lazy[gid]
        submissions["lazy"][src_path.name] = lazy_nb
    for student, notebooks in submissions.items():
        folder = course / "submitted" / student / assignment
        folder.mkdir(parents=True)
        for name, nb in notebooks.items():
            nbformat.write(nb, folder / name)
    # The pipeline grades the same submissions in a copy of the course.
    piped = work / "pipeline" / "autograder"
    piped.mkdir(parents=True)
    shutil.copyfile(course / "nbgrader_config.py", piped / "nbgrader_config.py")
    shutil.copytree(course / "submitted", piped / "submitted")
    shutil.copytree(work / "exercises", piped.parent / "exercises")
    # Stock nbgrader and the pipeline grade their own copies at the same time (each mostly
    # waits on kernels starting); both must finish, and nbgrader without an error.
    stock_log = work / "stock-autograde.log"
    with open(stock_log, "w", encoding="utf-8") as log:
        stock = subprocess.Popen(
            [str(BIN / "nbgrader"), "autograde", assignment, "--force"],
            cwd=course,
            env=env_with_bin(),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            pipeline.grade(assignment, piped, workers=2, limits=sandbox.Limits(cell_timeout=60), use_sandbox=True, progress=False)
        finally:
            stock.wait(timeout=600)
    assert stock.returncode == 0, (
        f"nbgrader autograde {assignment} --force failed:\n{stock_log.read_text(errors='replace')[-6000:]}"
    )

    from nbgrader.api import Gradebook

    scores, needs_manual = {}, {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for student in submissions:
            sub = gb.find_submission(assignment, student)
            scores[student] = (sub.code_score, sub.max_code_score)
            needs_manual[student] = sub.needs_manual_grade
    return {
        "assignment": assignment,
        "course": course,
        "release": release,
        "scores": scores,
        "stock_items": item_scores(course, assignment),
        "pipeline_items": item_scores(piped, assignment),
        "lazy": lazy,
        "pipeline_log": (piped / "reports" / f"{assignment}_grading.log").read_text(),
        "needs_manual": needs_manual,
    }


#: Assignments graded by hand only, by design (the capstone). Every other assignment has
#: at least three autograded parts.
MANUAL_ONLY = {"capstone_country_brief"}


def test_solution_scores_full_marks(graded):
    score, max_score = graded["scores"]["solution"]
    if graded["assignment"] in MANUAL_ONLY:
        # Nothing is autograded: every task waits for the grader, whatever the submission.
        assert score == 0 and graded["stock_items"]["solution"] == {}, graded["scores"]
        assert graded["needs_manual"]["solution"], "the capstone's tasks must be marked for manual grading"
        return
    assert max_score > 0 and score == max_score, graded["scores"]


def test_unmodified_student_version_scores_zero(graded):
    assert graded["scores"]["blank"][0] == 0, graded["scores"]


def test_partial_submission_scores_strictly_between(graded):
    score, max_score = graded["scores"]["partial"]
    if graded["assignment"] in MANUAL_ONLY:
        assert score == 0 and graded["needs_manual"]["partial"], graded["scores"]
        return
    assert 0 < score < max_score, graded["scores"]


def test_student_version_holds_no_solution_or_hidden_test(graded):
    released_text = "\n".join(
        p.read_text(encoding="utf-8", errors="replace") for p in graded["release"].rglob("*") if p.is_file()
    )
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
        if assignment in MANUAL_ONLY:
            assert tests == [], f"{src_path.name}: graded by hand only"
            problems = [p for p in problems if not p.endswith("no autograded test cells")]
        else:
            assert len(tests) >= 3, f"{src_path.name}: at least three autograded parts"
        assert manual, f"{src_path.name}: at least one hand-graded written answer"
        # Cell ids are readable words, not random hashes.
        for c in nb.cells:
            assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", c.get("id", "")), f"unreadable cell id {c.get('id')!r}"
    assert problems == []


@pytest.mark.parametrize("student", ["solution", "blank", "partial"])
def test_pipeline_gives_honest_submissions_stock_nbgraders_score_on_every_item(graded, student):
    stock, piped = graded["stock_items"][student], graded["pipeline_items"][student]
    assert piped == stock, f"{student}: pipeline {piped} vs stock nbgrader {stock}\n{graded['pipeline_log']}"


def test_lazy_submission_scores_zero_on_every_autograded_item(graded):
    """Answers made only of calls of the course package earn nothing, in the pipeline and in stock nbgrader."""
    for where in ("pipeline_items", "stock_items"):
        tests = graded[where]["lazy"]
        if graded["assignment"] in MANUAL_ONLY:
            assert tests == {}, f"{where}: {tests}"  # nothing autograded to earn
            continue
        assert tests and all(v == 0 for v in tests.values()), f"{where}: {tests}"


def test_lazy_submission_answers_every_autograded_answer_cell(graded):
    for src_path in source_notebooks(graded["assignment"]):
        source = nbformat.read(src_path, as_version=4)
        coded = {
            grading.nbgrader_meta(c)["grade_id"]
            for c in source.cells
            if grading.is_answer(c) and c.cell_type == "code" and not grading.is_manual(c)
        }
        assert coded <= set(graded["lazy"]), f"no lazy answer for {sorted(coded - set(graded['lazy']))}"


def _package_aliases(setup_sources: list[str]) -> tuple[set[str], set[str]]:
    """Names bound to the civicspace package, and names bound to its modules other than data."""
    package, modules = {"civicspace"}, set()
    for source in setup_sources:
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name == "civicspace":
                        package.add(alias.asname or alias.name)
                    elif alias.name.startswith("civicspace.") and alias.name != "civicspace.data":
                        modules.add(alias.asname or alias.name.split(".")[0])
            elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("civicspace"):
                for alias in node.names:
                    if not (node.module == "civicspace" and alias.name == "data") and node.module != "civicspace.data":
                        modules.add(alias.asname or alias.name)
    return package, modules


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_tests_use_the_student_package_only_through_civicspace_data(assignment):
    """Expected answers come from inline reference code, never from a function students can call."""
    for src_path in source_notebooks(assignment):
        nb = nbformat.read(src_path, as_version=4)
        setup = [
            c.source for c in nb.cells if c.cell_type == "code" and not grading.is_answer(c) and not grading.is_autograder_test(c)
        ]
        package, modules = _package_aliases(setup)
        for cell in nb.cells:
            if not grading.is_autograder_test(cell):
                continue
            gid = grading.nbgrader_meta(cell)["grade_id"]
            _, own_modules = _package_aliases([cell.source])
            assert not own_modules, f"{gid}: imports {own_modules} from the course package"
            assert "import civicspace." not in cell.source.replace("import civicspace.data", "")
            for node in ast.walk(ast.parse(cell.source)):
                if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in package:
                    assert node.attr == "data", f"{gid}: uses {node.value.id}.{node.attr}"
                if isinstance(node, ast.Name) and node.id in modules:
                    pytest.fail(f"{gid}: uses {node.id}, a course module other than civicspace.data")
                if (
                    isinstance(node, ast.Constant)
                    and isinstance(node.value, str)
                    and re.search(r"civicspace\.(?!data\b)\w", node.value)
                ):
                    pytest.fail(f"{gid}: names a course module in a string: {node.value[:60]}")
