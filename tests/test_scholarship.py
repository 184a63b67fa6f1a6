"""Scholarly hygiene of the book: no production notes, no mirror sites, readings in every chapter.

Fast checks over the text files under ``book/`` (Markdown, BibTeX, YAML):

1. Student text never talks about how the course was made: no "seed slides/material",
   no "the slides", no "course's brief", no "the course could not find/see" and no
   "seed" at all. ``book/AUTHORING.md`` is for maintainers and is not checked.
2. No bibliography field or link points at Wikipedia or at a document-mirror site
   (Scribd, Docslib, Studylib and the like): cite the primary document or the original
   outlet instead.
3. Every chapter ends with "## Core reading" (2-3 items) and "## Further reading"
   (3-6 items), each item a ``{cite}`` of a bibliography entry, and every key cited
   anywhere in the book exists in some ``book/bib/*.bib``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
CHAPTERS = sorted((BOOK / "chapters").glob("[0-9][0-9]_*.md"))
MAINTAINER_ONLY = {BOOK / "AUTHORING.md"}


def book_files(*suffixes: str) -> list[Path]:
    return sorted(p for p in BOOK.rglob("*") if p.is_file() and p.suffix in suffixes and "_build" not in p.parts)


TEXT_FILES = book_files(".md", ".bib", ".yml", ".yaml")
STUDENT_FILES = [p for p in TEXT_FILES if p not in MAINTAINER_ONLY]

# 1. Production notes ---------------------------------------------------------------
PRODUCTION_NOTES = {
    "seed (slides, material, article, text ...)": re.compile(
        r"\bseed(s|ed|ing)?\b(\s+(slides?|material|articles?|texts?))?", re.I
    ),
    "the slides": re.compile(r"\bthe\s+slides\b|\bslides'", re.I),
    "the course's brief": re.compile(r"\bcourse'?s\s+brief\b", re.I),
    "the course could not find/see": re.compile(
        r"\b(the\s+course|this\s+course|we)\s+could\s+not\s+(find|see|verify|confirm)\b", re.I
    ),
    "could not see": re.compile(r"\bcould\s+not\s+see\b", re.I),
}


def _line_of(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


@pytest.mark.parametrize("path", STUDENT_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_production_notes_in_student_text(path):
    text = path.read_text(encoding="utf-8")
    found = [
        f"{path.relative_to(ROOT)}:{_line_of(text, m.start())}: {label!r} in {m.group(0)!r}"
        for label, rx in PRODUCTION_NOTES.items()
        for m in rx.finditer(text)
    ]
    assert not found, "production notes in student text (say what the sources say instead):\n" + "\n".join(found)


# 2. Wikipedia and mirror sites ------------------------------------------------------
MIRROR_HOSTS = [
    r"wikipedia\.org",
    r"wikiwand\.com",
    r"scribd\.com",
    r"docslib\.org",
    r"studylib\.[a-z]+",
    r"studylibsv\.com",
    r"studylibfr\.com",
    r"vdocuments?\.[a-z]+",
    r"fdocuments\.[a-z]+",
    r"pdfslide\.[a-z]+",
    r"readkong\.com",
    r"lawsdocbox\.com",
    r"pdffox\.com",
    r"dokumen\.pub",
    r"documents\.pub",
    r"yumpu\.com",
    r"silo\.tips",
    r"doczz\.net",
    r"kipdf\.com",
    r"pdfcoffee\.com",
    r"1library\.net",
    r"paperzz\.com",
    r"pdfdrive\.[a-z]+",
    r"documents\.mx",
    r"idoc\.pub",
]
MIRROR_RX = re.compile(r"(?<![\w.-])(?:[\w-]+\.)*(?:" + "|".join(MIRROR_HOSTS) + r")\b", re.I)


@pytest.mark.parametrize("path", TEXT_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_wikipedia_or_mirror_sites(path):
    text = path.read_text(encoding="utf-8")
    found = [f"{path.relative_to(ROOT)}:{_line_of(text, m.start())}: {m.group(0)}" for m in MIRROR_RX.finditer(text)]
    assert not found, "cite the primary document or the original outlet, not Wikipedia or a mirror:\n" + "\n".join(found)


def test_mirror_pattern_catches_the_usual_suspects():
    for url in [
        "https://en.wikipedia.org/wiki/X",
        "https://ru.scribd.com/document/1",
        "https://docslib.org/doc/1",
        "https://studylib.net/doc/1",
        "https://ws.studylib.ru/doc/1",
        "https://vdocument.in/x",
        "https://vdocuments.mx/x",
    ]:
        assert MIRROR_RX.search(url), url
    for url in ["https://www.ohchr.org/x", "https://undocs.org/A/RES/57/209", "https://www.amnesty.org/en/x"]:
        assert not MIRROR_RX.search(url), url


# 3. Readings and bibliography keys --------------------------------------------------
CITE_RX = re.compile(r"\{cite(?::[a-z]+)?\}`([^`]+)`")
BIB_KEY_RX = re.compile(r"^@\w+\s*\{\s*([^,\s]+)\s*,", re.M)


def bib_keys() -> set[str]:
    keys: set[str] = set()
    for bib in sorted((BOOK / "bib").glob("*.bib")):
        keys.update(BIB_KEY_RX.findall(bib.read_text(encoding="utf-8")))
    return keys


def cited_keys(text: str) -> list[str]:
    return [k.strip() for group in CITE_RX.findall(text) for k in group.split(",") if k.strip()]


def section(text: str, title: str) -> str | None:
    """The body of the level-2 section `title` (up to the next level-1/2 heading), or None."""
    m = re.search(rf"^## {re.escape(title)}[ \t]*\n(.*?)(?=^#{{1,2}} |\Z)", text, re.M | re.S)
    return m.group(1) if m else None


def reading_items(body: str) -> list[str]:
    """List items of a reading section, continuation lines joined."""
    items: list[str] = []
    for line in body.splitlines():
        if re.match(r"^[-*] ", line):
            items.append(line[2:].strip())
        elif items and line.startswith(("  ", "\t")) and line.strip():
            items[-1] += " " + line.strip()
    return items


def test_there_are_chapters():
    assert CHAPTERS, "no chapters found under book/chapters"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
@pytest.mark.parametrize("title, low, high", [("Core reading", 2, 3), ("Further reading", 3, 6)])
def test_chapter_has_readings(path, title, low, high):
    text = path.read_text(encoding="utf-8")
    body = section(text, title)
    assert body is not None, f"{path.name} has no '## {title}' section"
    items = reading_items(body)
    assert low <= len(items) <= high, f"{path.name}: '## {title}' has {len(items)} items, expected {low}-{high}"
    keys = bib_keys()
    for item in items:
        cites = cited_keys(item)
        assert cites, f"{path.name}: a '{title}' item has no {{cite}}: {item[:80]!r}"
        missing = [k for k in cites if k not in keys]
        assert not missing, f"{path.name}: '{title}' cites keys missing from book/bib: {missing}"
        rest = CITE_RX.sub("", item).strip(" :;,.–-")
        assert len(rest.split()) >= 4, f"{path.name}: a '{title}' item needs a sentence on why to read it: {item[:80]!r}"


def test_every_cited_key_is_in_the_bibliography():
    keys = bib_keys()
    missing = [
        f"{p.relative_to(ROOT)}: {k}"
        for p in book_files(".md")
        if p not in MAINTAINER_ONLY  # AUTHORING.md shows {cite}`key` as an example
        for k in cited_keys(p.read_text(encoding="utf-8"))
        if k not in keys
    ]
    assert not missing, "cited keys missing from book/bib/*.bib:\n" + "\n".join(missing)


def test_bibliography_keys_are_unique():
    seen: dict[str, str] = {}
    dupes = []
    for bib in sorted((BOOK / "bib").glob("*.bib")):
        for k in BIB_KEY_RX.findall(bib.read_text(encoding="utf-8")):
            if k in seen:
                dupes.append(f"{k} in {seen[k]} and {bib.name}")
            seen.setdefault(k, bib.name)
    assert not dupes, "duplicate bibliography keys:\n" + "\n".join(dupes)
