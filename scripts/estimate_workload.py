"""Estimate student time per chapter and per exercise from the chapter and exercise files.

    .venv/bin/python scripts/estimate_workload.py

Prints a Markdown table with one row per chapter (``book/chapters/NN_*.md``), its
exercise (``exercises/chNN_*/``), and the capstone (``exercises/capstone_*/``). The
figures are estimates made by counting, not measurements of students; the rules are
the constants below, and the course outline (``book/outline.md``) states them.

- Chapter: words of text outside code cells (the answers to "Check your understanding"
  included) at READING_WPM, plus CODE_CELL_MIN per code cell other than the first
  (the hidden preamble), for reading the code or studying the figure it draws, plus
  QUESTION_MIN per "Check your understanding" question.
- Exercise: words of the notebook's instructions at READING_WPM, plus NOTEBOOK_MIN per
  notebook (open, restart and run all, validate), CODED_ANSWER_MIN per autograded answer
  cell, WRITING_WPM for the upper word limit of each written answer, and FIGURE_MIN per
  hand-graded code cell (the capstone's figures).

Core and further readings are not counted: their length is not in the repository.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from civicspace.grading import notebooks as grading  # noqa: E402

READING_WPM = 200  # careful reading of academic text
CODE_CELL_MIN = 2  # per code cell of a chapter (read the code or study its figure)
QUESTION_MIN = 3  # per "Check your understanding" question (think, then open the answer)
NOTEBOOK_MIN = 10  # per exercise notebook: open it, restart and run all, validate, submit
CODED_ANSWER_MIN = 15  # per autograded answer cell, for a student new to pandas
WRITING_WPM = 10  # planning, drafting and revising a short written answer
FIGURE_MIN = 45  # per hand-graded code cell that makes a figure (capstone)

FENCE = re.compile(r"^(`{3,}|:{3,})")
ROLE = re.compile(r"\{[a-z:-]+\}`[^`]*`")  # {cite}`key`, {term}`...`, {glue:text}`...`
WORD_RANGE = re.compile(r"(\d[\d,]*)\s*[–-]\s*(\d[\d,]*)\s+words")


def _strip_front_matter(text: str) -> str:
    if text.startswith("---\n"):
        end = text.find("\n---\n", 4)
        if end != -1:
            return text[end + 5 :]
    return text


def chapter_counts(path: Path) -> dict:
    """Words outside code cells, code cells (excluding the preamble) and self-check questions."""
    lines = _strip_front_matter(path.read_text(encoding="utf-8")).splitlines()
    words, code_cells, questions = 0, 0, 0
    in_code = None  # the fence that opened the current code cell
    title = ""
    for line in lines:
        stripped = line.strip()
        if in_code:
            if stripped == in_code:
                in_code = None
            continue
        m = FENCE.match(stripped)
        if m and stripped[len(m.group(1)) :].startswith("{code-cell}"):
            in_code, code_cells = m.group(1), code_cells + 1
            continue
        if m and "{dropdown}" in stripped:
            questions += 1
        if m or stripped.startswith((":tags:", ":label:", ":class:", "+++")):
            continue  # directive syntax, not text
        if not title and stripped.startswith("# "):
            title = stripped[2:].strip()
        words += len(ROLE.sub("ref", stripped).replace("#", " ").split())
    return {"title": title, "words": words, "code_cells": max(code_cells - 1, 0), "questions": questions}


def chapter_minutes(c: dict) -> float:
    return c["words"] / READING_WPM + CODE_CELL_MIN * c["code_cells"] + QUESTION_MIN * c["questions"]


def exercise_counts(folder: Path) -> dict:
    """Instruction words, autograded answers, written answers (upper word limits) and figure cells."""
    out = {"name": folder.name, "words": 0, "coded": 0, "written": [], "figures": 0, "notebooks": 0}
    for path in sorted(folder.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        out["notebooks"] += 1
        for cell in nb.cells:
            if grading.is_manual(cell):
                if cell.cell_type == "code":
                    out["figures"] += 1
                continue
            if grading.is_answer(cell):
                out["coded"] += cell.cell_type == "code"
                continue
            if cell.cell_type != "markdown":
                continue
            out["words"] += len(cell.source.split())
        # A written answer's length is given in the question above it ("In 150–250 words").
        for i, cell in enumerate(nb.cells):
            if grading.is_manual(cell) and cell.cell_type == "markdown":
                asked = "\n".join(c.source for c in nb.cells[max(0, i - 2) : i] if c.cell_type == "markdown")
                ranges = WORD_RANGE.findall(asked)
                out["written"].append(int(ranges[-1][1].replace(",", "")) if ranges else 300)
    return out


def exercise_minutes(e: dict) -> float:
    return (
        e["words"] / READING_WPM
        + NOTEBOOK_MIN * e["notebooks"]
        + CODED_ANSWER_MIN * e["coded"]
        + sum(e["written"]) / WRITING_WPM
        + FIGURE_MIN * e["figures"]
    )


def _round5(minutes: float) -> int:
    return int(5 * round(minutes / 5))


def rows(root: Path = ROOT) -> list[dict]:
    """One dict per chapter, with its exercise (if any)."""
    out = []
    for path in sorted((root / "book" / "chapters").glob("[0-9][0-9]_*.md")):
        number = path.name[:2]
        c = chapter_counts(path)
        folders = sorted(p for p in (root / "exercises").glob(f"ch{number}_*") if any(p.glob("*.ipynb")))
        e = exercise_counts(folders[0]) if folders else None
        out.append({"number": int(number), "chapter": c, "exercise": e})
    return out


def capstones(root: Path = ROOT) -> list[dict]:
    return [exercise_counts(p) for p in sorted((root / "exercises").glob("capstone_*")) if any(p.glob("*.ipynb"))]


def table(root: Path = ROOT) -> str:
    head = (
        "| ch. | words | code cells | questions | reading (min) | exercise | coded answers "
        "| written answers (max words) | exercise (min) | total (h) |"
    )
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    sum_read = sum_ex = 0
    for r in rows(root):
        c, e = r["chapter"], r["exercise"]
        read = _round5(chapter_minutes(c))
        ex = _round5(exercise_minutes(e)) if e else 0
        sum_read, sum_ex = sum_read + read, sum_ex + ex
        written = " + ".join(str(w) for w in e["written"]) if e else "–"
        lines.append(
            f"| {r['number']} | {c['words']:,} | {c['code_cells']} | {c['questions']} | {read} "
            f"| {e['name'] if e else '–'} | {e['coded'] if e else '–'} | {written} | {ex} | {(read + ex) / 60:.1f} |"
        )
    for e in capstones(root):
        ex = _round5(exercise_minutes(e))
        sum_ex += ex
        written = " + ".join(f"{w:,}" for w in e["written"])
        lines.append(f"| capstone | – | – | – | – | {e['name']} | {e['figures']} figures | {written} | {ex} | {ex / 60:.1f} |")
    lines.append(f"| total | | | | {sum_read} | | | | {sum_ex} | {(sum_read + sum_ex) / 60:.1f} |")
    return "\n".join(lines)


def main() -> None:
    print(table())
    print()
    print(
        f"Estimates, not measurements: text read at {READING_WPM} words a minute; {CODE_CELL_MIN} min per "
        f"chapter code cell; {QUESTION_MIN} min per self-check question; per exercise {NOTEBOOK_MIN} min per "
        f"notebook, {CODED_ANSWER_MIN} min per autograded answer, written answers at {WRITING_WPM} words a "
        f"minute (upper limit), {FIGURE_MIN} min per figure cell. Minutes rounded to 5; core readings not included."
    )


if __name__ == "__main__":
    main()
