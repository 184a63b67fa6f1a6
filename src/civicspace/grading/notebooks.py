"""Helpers for the course's nbgrader assignments (exercises/<assignment>/<notebook>.ipynb).

- :func:`lint_source` checks an instructor notebook against the course's rules
  (readable grade ids, a docstring atop each test cell, visible and hidden tests
  in every autograded part, a rubric for every hand-graded answer, no outputs).
- :func:`secret_lines` lists the solution and hidden-test lines that must never
  reach students; tests scan released files and the built book for them.
- :func:`fill_answers` makes a submission from a released notebook with some
  answers taken from the instructor version (for round-trip tests).
"""

from __future__ import annotations

import re
from copy import deepcopy
from pathlib import Path

import nbformat

BEGIN_SOLUTION, END_SOLUTION = "### BEGIN SOLUTION", "### END SOLUTION"
BEGIN_HIDDEN, END_HIDDEN = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
GRADE_ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
#: Lines shorter than this are too generic to count as leaked (e.g. ".astype(int)", which
#: chapters use too); longer solution or hidden-test lines must appear nowhere students look.
MIN_SECRET_LEN = 20


def nbgrader_meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def is_autograder_test(cell) -> bool:
    m = nbgrader_meta(cell)
    return cell["cell_type"] == "code" and m.get("grade") and not m.get("solution")


def is_answer(cell) -> bool:
    return bool(nbgrader_meta(cell).get("solution"))


def is_manual(cell) -> bool:
    m = nbgrader_meta(cell)
    return bool(m.get("grade") and m.get("solution"))


def _between(source: str, begin: str, end: str) -> list[str]:
    lines, inside = [], False
    for line in source.splitlines():
        stripped = line.strip()
        if stripped.startswith(begin):
            inside = True
        elif stripped.startswith(end):
            inside = False
        elif inside:
            lines.append(line)
    return lines


def secret_lines(nb) -> list[str]:
    """Solution and hidden-test lines (stripped, long enough to be specific) of an instructor notebook."""
    secrets: list[str] = []
    for cell in nb.cells:
        src = cell.source
        chunks = _between(src, BEGIN_SOLUTION, END_SOLUTION) + _between(src, BEGIN_HIDDEN, END_HIDDEN)
        if is_manual(cell) and cell["cell_type"] == "markdown" and BEGIN_SOLUTION not in src:
            chunks += src.splitlines()  # a hand-graded markdown answer is all solution
        secrets += [l.strip() for l in chunks if len(l.strip()) >= MIN_SECRET_LEN and l.strip() != "YOUR ANSWER HERE"]
    return secrets


def lint_source(path: Path | str, rubrics_dir: Path | str | None = None) -> list[str]:
    """Problems with an instructor notebook, as readable messages (empty list: all good)."""
    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    problems: list[str] = []
    seen: set[str] = set()
    for i, cell in enumerate(nb.cells):
        where = f"{path.name}, cell {i} (id {cell.get('id', '?')})"
        if cell["cell_type"] == "code" and (cell.get("outputs") or cell.get("execution_count")):
            problems.append(f"{where}: has outputs; clear them before committing")
        m = nbgrader_meta(cell)
        if not m:
            continue
        gid = m.get("grade_id", "")
        if gid in seen:
            problems.append(f"{where}: duplicate grade_id {gid!r}")
        seen.add(gid)
        if (m.get("grade") or m.get("solution")) and not GRADE_ID_RE.match(gid):
            problems.append(f"{where}: grade_id {gid!r} is not readable (use lower_snake_case, e.g. correct_squares)")
        if gid.startswith("cell-"):
            problems.append(f"{where}: grade_id {gid!r} is an nbgrader hash id; name it after what it checks")
        if is_autograder_test(cell):
            src = cell.source.lstrip()
            first = src.splitlines()[0] if src else ""
            if not (first.startswith('"""') and first.rstrip().endswith('"""') and len(first) > 6):
                problems.append(f"{where}: a test cell must open with a one-line docstring saying what it checks")
            visible = src.split(BEGIN_HIDDEN)[0]
            if "assert" not in visible:
                problems.append(f"{where}: no visible test (an assert before {BEGIN_HIDDEN!r})")
            if BEGIN_HIDDEN not in src or END_HIDDEN not in src:
                problems.append(f"{where}: no hidden tests ({BEGIN_HIDDEN} ... {END_HIDDEN})")
            if not m.get("points"):
                problems.append(f"{where}: test cell has no points")
        if is_answer(cell) and cell["cell_type"] == "code" and BEGIN_SOLUTION not in cell.source:
            problems.append(f"{where}: answer cell has no {BEGIN_SOLUTION} region")
        if is_manual(cell):
            if rubrics_dir is None:
                continue
            rubric = Path(rubrics_dir) / f"{path.parent.name}.md"
            if not rubric.exists() or f"`{gid}`" not in rubric.read_text(encoding="utf-8"):
                problems.append(f"{where}: hand-graded answer {gid!r} has no rubric in {rubric}")
    if not any(is_autograder_test(c) for c in nb.cells):
        problems.append(f"{path.name}: no autograded test cells")
    return problems


def fill_answers(release_nb, source_nb, grade_ids: set[str]):
    """Copy of the released notebook with the answers ``grade_ids`` taken from the instructor version.

    The solution markers are removed, as a student who wrote the same code would have.
    """
    by_id = {nbgrader_meta(c).get("grade_id"): c for c in source_nb.cells if nbgrader_meta(c)}
    out = deepcopy(release_nb)
    for cell in out.cells:
        gid = nbgrader_meta(cell).get("grade_id")
        if gid in grade_ids and is_answer(cell):
            lines = [l for l in by_id[gid].source.splitlines() if l.strip() not in (BEGIN_SOLUTION, END_SOLUTION)]
            cell.source = "\n".join(lines)
    return out
