"""Every learning objective of a chapter is assessed by a graded item, and each rubric says which.

Each rubric in ``autograder/rubrics/`` ends with a table "chapter N objective | graded item(s)"
under the heading "# Instructor notes: learning objectives and the items that exercise them".
These tests read that table, the chapter's own list of objectives (the "Learning objectives"
section of ``book/chapters/NN_*.md``) and the nbgrader metadata of the assignment's source
notebook, and fail when

- an objective of the chapter has no graded item in the map;
- the map names a grade_id that the assignment does not have, or that is not graded with
  points above 0;
- the map's objectives are not the chapter's objectives, word for word and in order.

They also check that every hand-graded item has level descriptors (1 / ½ / 0 per criterion)
whose points add up to the item's points, and a model answer for instructors.

Whether an item *really* assesses its objective is a judgement: the map says so in words
("partly: …"), and an objective that no item assesses is written as "**none yet**" with what is
missing. Those rows are listed in KNOWN_GAPS, so the suite records them as expected failures
(strict: once a graded item is added and mapped, the test passes and the entry must go).
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from civicspace.grading import notebooks as grading

ROOT = Path(__file__).resolve().parents[1]
RUBRICS = ROOT / "autograder" / "rubrics"
NOTES = ROOT / "autograder" / "teaching_notes"
CHAPTERS = sorted((ROOT / "book" / "chapters").glob("[0-9][0-9]_*.md"))
MAP_HEADING = "# Instructor notes: learning objectives and the items that exercise them"
GRADE_REF = re.compile(r"`((?:correct|written|figure)_[a-z0-9_]+)`")
NONE_YET = "**none yet**"

#: (assignment, objective number from 1): objectives that no graded item assesses yet, with
#: what is missing (open work, tracked in the issue on assessing every objective). For these
#: the map must say "none yet"; adding a graded item and mapping it makes the test fail until
#: the entry is deleted here, and a new objective without an item fails at once.
KNOWN_GAPS = {}


def assignment_for(chapter: Path) -> str:
    """``book/chapters/01_foundations.md`` -> ``ch01_foundations``."""
    return f"ch{chapter.stem}"


def normalise(text: str) -> str:
    """Objective text without Markdown emphasis, spacing or the closing punctuation of a list item."""
    text = " ".join(text.replace("**", "").split())
    return re.sub(r"(;| and|\.)+$", "", text).strip().lower()


def chapter_objectives(chapter: Path) -> list[str]:
    """The bullet items of the chapter's "## Learning objectives" section, one string each."""
    lines = chapter.read_text(encoding="utf-8").splitlines()
    assert "## Learning objectives" in lines, f"{chapter.name}: no '## Learning objectives' section"
    items: list[str] = []
    started = False
    for line in lines[lines.index("## Learning objectives") + 1 :]:
        if line.startswith("- "):
            started = True
            items.append(line[2:])
        elif started and line.startswith("  ") and line.strip():
            items[-1] += " " + line.strip()
        elif started:
            break
    assert items, f"{chapter.name}: the 'Learning objectives' section lists no objectives"
    return [normalise(i) for i in items]


def split_row(line: str) -> list[str]:
    """Cells of a Markdown table row (no cell in these tables contains a pipe)."""
    return [c.strip() for c in line.strip().strip("|").split("|")]


def objective_map(assignment: str) -> list[tuple[str, str]]:
    """The (objective, graded items) rows of the rubric's objective map."""
    path = RUBRICS / f"{assignment}.md"
    assert path.is_file(), f"no rubric for {assignment}: {path.relative_to(ROOT)}"
    text = path.read_text(encoding="utf-8")
    assert MAP_HEADING in text, f"{path.name}: no section '{MAP_HEADING}'"
    lines = text.split(MAP_HEADING, 1)[1].splitlines()
    table = [
        l
        for l in lines[: next((i for i, l in enumerate(lines) if l.startswith("Autograded points")), len(lines))]
        if l.startswith("|")
    ]
    assert len(table) >= 3, f"{path.name}: the objective map is not a table with at least one row"
    header = split_row(table[0])
    assert header[1:] == ["graded item(s)"] and "objective" in header[0], (
        f"{path.name}: the map's header should be '| chapter N objective | graded item(s) |', got {header}"
    )
    rows = [split_row(l) for l in table[2:]]
    for row in rows:
        assert len(row) == 2, f"{path.name}: a map row must have two cells: {row}"
    return [(r[0], r[1]) for r in rows]


def graded_cells(assignment: str) -> dict[str, dict]:
    """grade_id -> nbgrader metadata of every cell of the source notebook(s) that has a grade_id."""
    found: dict[str, dict] = {}
    for nb_path in sorted((ROOT / "exercises" / assignment).glob("*.ipynb")):
        nb = nbformat.read(nb_path, as_version=4)
        for cell in nb.cells:
            meta = grading.nbgrader_meta(cell)
            if meta.get("grade_id"):
                found[meta["grade_id"]] = {**meta, "cell_type": cell["cell_type"]}
    assert found, f"exercises/{assignment}: no notebook with nbgrader cells"
    return found


ALL_MAPPED = [assignment_for(c) for c in CHAPTERS] + ["capstone_country_brief"]


def test_chapters_and_rubrics_found():
    assert CHAPTERS, "no chapters in book/chapters"
    for chapter in CHAPTERS:
        assert (RUBRICS / f"{assignment_for(chapter)}.md").is_file(), f"no rubric for {chapter.name}"


def test_the_parsers_see_a_real_map():
    """Guard against a parser that finds nothing and so lets everything pass."""
    rows = objective_map("ch01_foundations")
    objectives = chapter_objectives(ROOT / "book" / "chapters" / "01_foundations.md")
    assert len(rows) == len(objectives) >= 3
    assert objectives[3].startswith("apply the three conditions of the limitation clause")
    assert "correct_parties_to_both" in GRADE_REF.findall(rows[-1][1])


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_map_lists_exactly_the_chapters_objectives(chapter):
    assignment = assignment_for(chapter)
    stated = chapter_objectives(chapter)
    mapped = [normalise(objective) for objective, _ in objective_map(assignment)]
    missing = [o for o in stated if o not in mapped]
    extra = [o for o in mapped if o not in stated]
    assert not missing and not extra, (
        f"autograder/rubrics/{assignment}.md: the objective map must list the objectives of "
        f"{chapter.relative_to(ROOT)} word for word.\n  in the chapter, not in the map: {missing}\n"
        f"  in the map, not in the chapter: {extra}"
    )
    assert mapped == stated, f"{assignment}: list the objectives in the chapter's order"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_teaching_notes_list_as_many_outcomes_as_the_chapter(chapter):
    """The instructor notes restate the objectives ("Learning outcomes", numbered)."""
    text = (NOTES / f"ch{chapter.name}").read_text(encoding="utf-8")
    section = re.split(r"^## ", text.split("## Learning outcomes", 1)[1], flags=re.M)[0]
    numbered = re.findall(r"^\d+\. ", section, flags=re.M)
    assert len(numbered) == len(chapter_objectives(chapter)), (
        f"teaching notes ch{chapter.name}: {len(numbered)} outcomes, the chapter states {len(chapter_objectives(chapter))}"
    )


def _objective_params():
    for chapter in CHAPTERS:
        assignment = assignment_for(chapter)
        for number, _ in enumerate(chapter_objectives(chapter), start=1):
            yield pytest.param(chapter, number, id=f"{assignment}-objective{number}")


@pytest.mark.parametrize(("chapter", "number"), list(_objective_params()))
def test_every_objective_has_a_graded_item(chapter, number):
    assignment = assignment_for(chapter)
    objective = chapter_objectives(chapter)[number - 1]
    items = dict((normalise(o), i) for o, i in objective_map(assignment)).get(objective)
    assert items is not None, f"{assignment}: objective {number} is not in the map (see the test above)"
    named = GRADE_REF.findall(items)
    if (assignment, number) in KNOWN_GAPS:
        assert NONE_YET in items and not named, (
            f"autograder/rubrics/{assignment}.md: objective {number} now names {named}: "
            "delete its entry from KNOWN_GAPS in this test"
        )
        return
    assert named and NONE_YET not in items, (
        f"autograder/rubrics/{assignment}.md: objective {number} ('{objective[:70]}…') has no graded item: {items}"
    )


@pytest.mark.parametrize("assignment", ALL_MAPPED)
def test_map_names_only_graded_items_that_exist(assignment):
    cells = graded_cells(assignment)
    problems = []
    for _objective, items in objective_map(assignment):
        for gid in GRADE_REF.findall(items):
            meta = cells.get(gid)
            if meta is None:
                problems.append(f"{gid}: no cell with this grade_id in exercises/{assignment}/")
            elif not meta.get("grade") or not (meta.get("points") or 0) > 0:
                problems.append(f"{gid}: not graded (grade={meta.get('grade')}, points={meta.get('points')})")
    assert not problems, f"autograder/rubrics/{assignment}.md, objective map: " + "; ".join(problems)


@pytest.mark.parametrize("assignment", ALL_MAPPED)
def test_every_graded_item_appears_in_the_map(assignment):
    """An item that assesses nothing the chapter states is either mis-mapped or off-topic."""
    graded = {gid for gid, m in graded_cells(assignment).items() if m.get("grade") and (m.get("points") or 0) > 0}
    mapped = {gid for _, items in objective_map(assignment) for gid in GRADE_REF.findall(items)}
    assert graded <= mapped, f"autograder/rubrics/{assignment}.md: graded items missing from the map: {sorted(graded - mapped)}"


def item_section(text: str, gid: str) -> str:
    """The part of a rubric about one item: its '## …' section if the rubric has several."""
    body = text.split(MAP_HEADING, 1)[0]
    parts = re.split(r"^(?=## )", body, flags=re.M)
    mine = [p for p in parts[1:] if f"`{gid}`" in p.splitlines()[0]]
    return "".join(mine) if mine else body


def level_tables(section: str) -> list[list[list[str]]]:
    tables, current = [], []
    for line in section.splitlines() + [""]:
        if line.startswith("|"):
            if not re.fullmatch(r"\|[\s|:-]+\|", line.strip()):  # skip the |---| separator
                current.append(split_row(line))
        elif current:
            tables.append(current)
            current = []
    return [t for t in tables if any("½" in cell for cell in t[0])]


HAND_GRADED = [
    (assignment, gid)
    for assignment in ALL_MAPPED
    for gid, meta in graded_cells(assignment).items()
    if meta.get("grade") and meta.get("solution")
]


@pytest.mark.parametrize(("assignment", "gid"), HAND_GRADED, ids=[f"{a}-{g}" for a, g in HAND_GRADED])
def test_hand_graded_item_has_levels_that_add_up(assignment, gid):
    text = (RUBRICS / f"{assignment}.md").read_text(encoding="utf-8")
    section = item_section(text, gid)
    tables = level_tables(section)
    assert tables, f"autograder/rubrics/{assignment}.md: `{gid}` has no table of levels (a header with 1 / ½ / 0)"
    points = graded_cells(assignment)[gid]["points"]
    for table in tables:
        assert len(table[0]) >= 4, f"{assignment}, `{gid}`: a criterion column and three levels"
        weights = []
        for row in table[1:]:
            assert len(row) == len(table[0]) and all(len(c) > 15 for c in row[1:]), (
                f"{assignment}, `{gid}`: every level of '{row[0][:40]}' needs a descriptor"
            )
            weight = re.search(r"\((\d+)\)\s*$", row[0])
            weights.append(int(weight.group(1)) if weight else 1)
        assert sum(weights) == points, (
            f"{assignment}, `{gid}`: the criteria are worth {sum(weights)} points, the notebook gives {points}"
        )


EXEMPLAR_EXEMPT = {"capstone_country_brief": "a 2,500–3,500-word brief; the rubric's level descriptors stand in"}


WITH_EXEMPLAR = [(a, g) for a, g in HAND_GRADED if a not in EXEMPLAR_EXEMPT]


@pytest.mark.parametrize(("assignment", "gid"), WITH_EXEMPLAR, ids=[f"{a}-{g}" for a, g in WITH_EXEMPLAR])
def test_hand_graded_item_has_an_exemplar_of_the_asked_length(assignment, gid):
    section = item_section((RUBRICS / f"{assignment}.md").read_text(encoding="utf-8"), gid)
    match = re.search(r"^Exemplar[^\n]*?(\d+) words[^\n]*?\):\s*(.*?)(?=^Feedback comment|\Z)", section, flags=re.M | re.S)
    assert match, f"autograder/rubrics/{assignment}.md: `{gid}` has no 'Exemplar (… N words …):' answer"
    stated = int(match.group(1))
    body = re.sub(r"^> ?", "", match.group(2), flags=re.M).strip().strip('"')
    counted = len(re.findall(r"\S+", body))
    assert abs(counted - stated) <= 3, f"{assignment}, `{gid}`: exemplar says {stated} words, has {counted}"
    asked = re.findall(r"(\d+)[–-](\d+) words", section)
    assert asked, f"{assignment}, `{gid}`: the rubric does not state the asked length"
    low, high = map(int, asked[0])
    assert low <= counted <= high, f"{assignment}, `{gid}`: exemplar of {counted} words, the question asks {low}–{high}"


# The "pandas you need" box of each exercise links the sections of chapter 0 that teach
# what the exercise needs. The link is relative to the notebook, which sits at
# exercises/<assignment>/<assignment>.ipynb both here and in the student edition, so it
# opens chapter 0 in Jupyter; its anchor is the id the built book gives that section.

CHAPTER0 = ROOT / "book" / "chapters" / "00_jupyter_pandas.md"
BOX_ID = "pandas-you-need"
EXERCISES = sorted(p for p in (ROOT / "exercises").glob("ch[0-9][0-9]_*/ch[0-9][0-9]_*.ipynb") if not p.name.startswith("ch00"))


def section_anchor(title: str) -> str:
    """The id Sphinx gives a section: lower case, runs of other characters as one hyphen."""
    return re.sub(r"[^a-z0-9]+", "-", title.replace("`", "").lower()).strip("-")


def test_section_anchor_matches_the_books_ids():
    assert section_anchor("Groups: `groupby` and `crosstab`") == "groups-groupby-and-crosstab"
    assert section_anchor("Combining two tables with `merge`") == "combining-two-tables-with-merge"


@pytest.mark.parametrize("path", EXERCISES, ids=lambda p: p.stem)
def test_pandas_box_follows_the_title_and_links_chapter0_sections(path):
    nb = nbformat.read(path, as_version=4)
    box = nb.cells[1]
    where = f"{path.relative_to(ROOT)}, cell 1"
    assert box.get("id") == BOX_ID and box["cell_type"] == "markdown", (
        f"{where}: the 'Pandas you need' markdown cell (id {BOX_ID!r}) should follow the title cell"
    )
    assert not grading.nbgrader_meta(box), f"{where}: the box is plain markdown, not an nbgrader cell"
    assert box.source.startswith("**Pandas you need.**"), where
    anchors = {section_anchor(t) for t in re.findall(r"^## (.+?)\s*$", CHAPTER0.read_text(encoding="utf-8"), flags=re.M)}
    links = re.findall(r"\]\(([^)#]+)#([^)]+)\)", box.source)
    assert links, f"{where}: no link to a section of chapter 0"
    for target, anchor in links:
        assert (path.parent / target).resolve() == CHAPTER0.resolve(), f"{where}: {target} is not chapter 0"
        assert anchor in anchors, f"{where}: chapter 0 has no section #{anchor}; sections: {sorted(anchors)}"
