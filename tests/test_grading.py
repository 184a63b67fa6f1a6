"""Unit tests of civicspace.grading.notebooks on small hand-made notebooks."""

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from civicspace.grading import notebooks as grading


def meta(gid, **kw):
    return {"nbgrader": {"grade_id": gid, "schema_version": 3, "grade": False, "solution": False, "locked": False, **kw}}


def notebook(test_source):
    return new_notebook(
        cells=[
            new_code_cell(
                "### BEGIN SOLUTION\nanswer = compute_the_answer()\n### END SOLUTION", metadata=meta("q1_answer", solution=True)
            ),
            new_code_cell(test_source, metadata=meta("correct_answer", grade=True, locked=True, points=1)),
            new_markdown_cell("YOUR ANSWER HERE", metadata=meta("written_q2", grade=True, solution=True, points=2)),
        ]
    )


GOOD_TEST = '"""Checks the answer."""\nassert answer > 0\n### BEGIN HIDDEN TESTS\nassert answer == secret_expected_value()\n### END HIDDEN TESTS'


def test_secret_lines_cover_solutions_and_hidden_tests():
    secrets = grading.secret_lines(notebook(GOOD_TEST))
    assert "answer = compute_the_answer()" in secrets
    assert "assert answer == secret_expected_value()" in secrets
    assert "assert answer > 0" not in secrets  # visible tests are not secret


def test_lint_accepts_a_good_notebook(tmp_path):
    path = tmp_path / "a1" / "a1.ipynb"
    path.parent.mkdir()
    nbformat.write(notebook(GOOD_TEST), path)
    rubrics = tmp_path / "rubrics"
    rubrics.mkdir()
    (rubrics / "a1.md").write_text("rubric for `written_q2`")
    assert grading.lint_source(path, rubrics) == []


def test_lint_names_each_problem(tmp_path):
    path = tmp_path / "a1" / "a1.ipynb"
    path.parent.mkdir()
    nb = notebook("assert answer > 0")  # no docstring, no hidden tests
    nb.cells[0].metadata["nbgrader"]["grade_id"] = "cell-bc7e6d59f6a48ff4"
    nbformat.write(nb, path)
    problems = "\n".join(grading.lint_source(path, tmp_path))
    assert "one-line docstring" in problems
    assert "no hidden tests" in problems
    assert "nbgrader hash id" in problems
    assert "no rubric" in problems


def test_fill_answers_copies_solution_without_markers():
    source = notebook(GOOD_TEST)
    release = notebook(GOOD_TEST)
    release.cells[0].source = "# YOUR CODE HERE\nraise NotImplementedError()"
    filled = grading.fill_answers(release, source, {"q1_answer"})
    assert filled.cells[0].source == "answer = compute_the_answer()"
    assert release.cells[0].source.startswith("# YOUR CODE HERE"), "the input is not modified"
