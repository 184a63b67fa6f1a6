"""The course can be adopted for a term: an outline with a schedule, workload and outcome map, and a capstone.

Fast checks on files only (no book build, no kernel): the outline is the first page after
the intro and maps every chapter; the capstone page is in the book after chapter 11, with
its starter notebook and an instructor-side rubric with level descriptors; the workload
script prints one row per chapter.
"""

from __future__ import annotations

import re
import subprocess
import sys

import nbformat
import yaml
from conftest import ROOT, chapter_docs

from civicspace.grading import notebooks as grading

OUTLINE = ROOT / "book" / "outline.md"
CAPSTONE = ROOT / "book" / "capstone.md"
RUBRIC = ROOT / "autograder" / "rubrics" / "capstone_country_brief.md"
STARTER = ROOT / "exercises" / "capstone_country_brief" / "capstone_country_brief.ipynb"


def toc_files() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    assert toc["root"] == "book/intro"
    return [c["file"] for part in toc["parts"] for c in part["chapters"]]


def chapter_numbers() -> list[int]:
    return [int(re.match(r"book/chapters/(\d\d)_", doc).group(1)) for doc in chapter_docs()]


def md_tables(text: str) -> list[list[list[str]]]:
    """Every Markdown table of ``text``, as rows of stripped cells (separator rows dropped)."""
    tables, current = [], []
    for line in text.splitlines() + [""]:
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if not all(re.fullmatch(r":?-+:?", c) for c in cells):
                current.append(cells)
        elif current:
            tables.append(current)
            current = []
    return tables


def test_outline_is_the_first_page_after_the_intro():
    assert OUTLINE.exists()
    assert OUTLINE.read_text(encoding="utf-8").startswith("# Course outline\n")
    assert toc_files()[0] == "book/outline"


def test_outline_maps_every_chapter_to_the_course_outcomes():
    text = OUTLINE.read_text(encoding="utf-8")
    maps = [t for t in md_tables(text) if t[0][0] == "outcome"]
    assert len(maps) == 1, "one outcome-by-chapter table"
    header, rows = maps[0][0], maps[0][1:]
    assert len(rows) >= 6
    for n in chapter_numbers():
        assert str(n) in header, f"chapter {n} has no column in the outcome map"
        column = header.index(str(n))
        assert any(row[column] == "✓" for row in rows), f"chapter {n} develops no outcome in the map"
    for doc in chapter_docs():
        assert f"{{doc}}`{doc.removeprefix('book/')}`" in text, f"the outline does not link {doc}"


def test_outline_has_a_12_week_and_a_6_week_schedule():
    tables = [t for t in md_tables(OUTLINE.read_text(encoding="utf-8")) if t[0][0] == "week"]
    weeks = [[row[0] for row in t[1:]] for t in tables]
    assert [str(w) for w in range(1, 13)] in weeks, "a table with weeks 1-12"
    assert [str(w) for w in range(1, 7)] in weeks, "a table with weeks 1-6"
    twelve = tables[weeks.index([str(w) for w in range(1, 13)])]
    for column in ("reading", "seminar (90 min)", "capstone"):
        assert column in twelve[0]
    assert any(c.startswith("exercise") for c in twelve[0])
    readings = " ".join(row[1] for row in twelve[1:])
    for n in range(1, 12):
        assert f"chapter {n}" in readings, f"chapter {n} is not in the 12-week schedule"


def test_outline_states_estimates_weights_late_work_and_integrity():
    text = OUTLINE.read_text(encoding="utf-8")
    assert "200 words a minute" in text and "estimate" in text
    assert "scripts/estimate_workload.py" in text
    assert "the Python on-ramp in the student guide" in text
    weights = [t for t in md_tables(text) if t[0][:2] == ["component", "suggested weight"]]
    assert weights, "an assessment-weight table"
    assert sum(int(row[1].rstrip("%")) for row in weights[0][1:]) == 100
    assert "timestamp.txt" in text and "flagged for review" in text


def test_workload_script_prints_one_row_per_chapter():
    out = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "estimate_workload.py")], capture_output=True, text=True, timeout=120, check=True
    ).stdout
    rows = [line for line in out.splitlines() if re.match(r"\| \d+ \|", line)]
    files = sorted((ROOT / "book" / "chapters").glob("[0-9][0-9]_*.md"))
    assert [int(r.split("|")[1]) for r in rows] == [int(p.name[:2]) for p in files]
    assert any(line.startswith("| capstone |") for line in out.splitlines())
    assert "Estimates" in out


def test_capstone_page_is_in_the_book_after_chapter_11():
    files = toc_files()
    assert "book/capstone" in files
    last = max(i for i, f in enumerate(files) if f.startswith("book/chapters/11_"))
    assert files.index("book/capstone") > last
    text = CAPSTONE.read_text(encoding="utf-8")
    assert "2,500–3,500 words" in text and "```{exercise} capstone_country_brief" in text


def test_capstone_rubric_has_level_descriptors_and_an_objective_map():
    text = RUBRIC.read_text(encoding="utf-8")
    tables = md_tables(text)
    levelled = [t for t in tables if t[0][1:] == ["1: fully met", "½: partly met", "0: not met"]]
    assert len(levelled) == 2, "level descriptors for the figures and for the brief"
    for table in levelled:
        for row in table[1:]:
            assert re.search(r"\((\d+)\)\s*$", row[0]), f"criterion without a weight: {row[0]}"
            assert all(len(cell) > 20 for cell in row[1:]), f"a level without a descriptor: {row[0]}"
    brief = sum(int(re.search(r"\((\d+)\)\s*$", row[0]).group(1)) for row in levelled[1][1:])
    figure = sum(int(re.search(r"\((\d+)\)\s*$", row[0]).group(1)) for row in levelled[0][1:])
    nb = nbformat.read(STARTER, as_version=4)
    points = {grading.nbgrader_meta(c)["grade_id"]: grading.nbgrader_meta(c)["points"] for c in nb.cells if grading.is_manual(c)}
    assert points == {"figure_civic_space_trend": figure, "figure_second_source": figure, "written_country_brief": brief}
    assert "# Instructor notes: learning objectives and the items that exercise them" in text
    objective_map = [t for t in tables if t[0][1] == "graded item(s)"]
    assert objective_map and all("`" in row[1] for row in objective_map[0][1:])


def test_capstone_starter_notebook_follows_the_course_conventions():
    problems = grading.lint_source(STARTER, ROOT / "autograder" / "rubrics")
    assert problems == [f"{STARTER.name}: no autograded test cells"], problems  # graded by hand only
    nb = nbformat.read(STARTER, as_version=4)
    for cell in nb.cells:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", cell.get("id", "")), cell.get("id")
    setup = nb.cells[1]
    assert grading.nbgrader_meta(setup)["locked"] and "cs.data.load_" in setup.source
    country = [c for c in nb.cells if re.search(r'^COUNTRY = "[A-Z]{3}"$', c.source, re.M)]
    assert len(country) == 1 and not grading.nbgrader_meta(country[0]), "one editable COUNTRY cell"
    for name in (
        "civic_space_panel",
        "civicus_monitor_2021",
        "freedom_house_e2",
        "restrictive_laws",
        "treaty_ratification",
        "upr_recommendations",
        "hrd_restrictions",
    ):
        assert f"cs.data.load_{name}()" in setup.source


def test_no_rubric_line_is_shown_to_students():
    """The rubric stays instructor-side: none of its lines appears in a page or notebook students get."""
    rubric = {line.strip() for line in RUBRIC.read_text(encoding="utf-8").splitlines() if len(line.strip()) >= 40}
    nb = nbformat.read(STARTER, as_version=4)
    shown = "\n".join([OUTLINE.read_text(encoding="utf-8"), CAPSTONE.read_text(encoding="utf-8")] + [c.source for c in nb.cells])
    assert [line for line in rubric if line in shown] == []
