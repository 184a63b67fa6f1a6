"""Instructor-only teaching notes: one page per chapter, the required sections, never in the book."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTES = ROOT / "autograder" / "teaching_notes"
CHAPTERS = sorted((ROOT / "book" / "chapters").glob("[0-9][0-9]_*.md"))
SECTIONS = [
    "Learning outcomes",
    "Seminar plan (90 minutes)",
    "Discussion questions",
    "Common difficulties in the exercise",
    "Using the interactive in class",
]


def note_for(chapter: Path) -> Path:
    """``book/chapters/01_foundations.md`` -> ``autograder/teaching_notes/ch01_foundations.md``."""
    return NOTES / f"ch{chapter.name}"


def sections(text: str) -> dict[str, str]:
    """The level-2 sections of a page, by heading."""
    parts = re.split(r"^## +(.+?) *$", text, flags=re.M)
    return {parts[i].strip(): parts[i + 1] for i in range(1, len(parts) - 1, 2)}


def test_chapters_found():
    assert CHAPTERS, "no chapters found in book/chapters"


def test_readme_exists():
    readme = (NOTES / "README.md").read_text(encoding="utf-8")
    assert "student" in readme.lower() and "autograder" in readme


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_note_exists_with_sections(chapter):
    note = note_for(chapter)
    assert note.is_file(), f"missing teaching notes for {chapter.name}: {note.relative_to(ROOT)}"
    found = sections(note.read_text(encoding="utf-8"))
    for name in SECTIONS:
        assert name in found, f"{note.name}: missing section '## {name}'"
        assert found[name].strip(), f"{note.name}: section '{name}' is empty"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_five_to_eight_discussion_questions(chapter):
    body = sections(note_for(chapter).read_text(encoding="utf-8"))["Discussion questions"]
    numbers = [int(n) for n in re.findall(r"^(\d+)\. ", body, flags=re.M)]
    assert 5 <= len(numbers) <= 8, f"{chapter.name}: {len(numbers)} discussion questions, expected 5-8"
    assert numbers == list(range(1, len(numbers) + 1)), "number the questions 1, 2, 3, ..."


def test_no_orphan_notes():
    """Every page (other than the README) belongs to a chapter of the book."""
    expected = {note_for(c).name for c in CHAPTERS}
    pages = {p.name for p in NOTES.glob("*.md")} - {"README.md"}
    assert pages <= expected, f"notes without a chapter: {sorted(pages - expected)}"


def test_book_never_includes_teaching_notes():
    offenders = []
    for path in [ROOT / "_toc.yml", *sorted((ROOT / "book").rglob("*"))]:
        if not path.is_file() or "_build" in path.parts:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        # Naming the folder as text (the instructor guide says where the notes are) is fine;
        # a toc entry, an include or a link would put them in the book.
        for line in text.splitlines():
            if ("teaching_notes" in line or "teaching-notes" in line) and (
                path.name == "_toc.yml" or re.search(r"\{(include|literalinclude|doc)\}|\]\(|toctree|file:", line)
            ):
                offenders.append(f"{path.relative_to(ROOT)}: {line.strip()[:80]}")
    assert not offenders, f"these lines would put the instructor-only teaching notes in the book: {offenders}"


def test_autograder_excluded_from_book():
    config = (ROOT / "_config.yml").read_text(encoding="utf-8")
    block = config.split("exclude_patterns:", 1)[1].split("\n\n", 1)[0]
    assert re.search(r"^\s*-\s*\"?autograder\"?\s*$", block, flags=re.M), "_config.yml must exclude autograder/"
