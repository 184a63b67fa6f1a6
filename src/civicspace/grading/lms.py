"""Grade files for learning platforms: Canvas and Moodle gradebook CSVs from the nbgrader gradebook.

``civicspace lms-export canvas`` (or ``moodle``) writes one CSV with one row per student
of the roster and one column per assignment, in the form the platform imports:

- **Canvas** (the gradebook's *Import*): the columns ``Student``, ``ID``, ``SIS User ID``,
  ``SIS Login ID``, ``Section`` that Canvas's own gradebook export has, then one column per
  assignment headed as Canvas heads it, ``Assignment name (assignment ID)``;
- **Moodle** (*Import* > *CSV file*): one column identifying the user (``Email address``,
  ``Username`` or ``ID number``, the user fields Moodle's import maps to), the student's
  name, and one column per grade item; Moodle's import form then maps the identifier
  ("Map from" / "Map to") and each column to its grade item.

What goes where is set once, in a mapping file (default ``autograder/lms.toml``)::

    roster = "lms_roster.csv"          # one row per student, relative to this file

    [canvas.assignments]               # nbgrader assignment = Canvas column
    ch01_foundations = "Exercise 1: Foundations (48213)"

    [moodle]
    identifier = "email"               # email | username | idnumber

    [moodle.assignments]               # nbgrader assignment = Moodle grade item
    ch01_foundations = "Exercise 1: Foundations"

and the roster CSV has the columns ``nbgrader_id`` (the student folder name) and
whichever of ``name``, ``canvas_id``, ``sis_user_id``, ``sis_login_id``, ``section``,
``email``, ``username``, ``idnumber`` the platform needs.

No grade is lost silently: a student with a grade in the gradebook but no row in the
roster, a grade whose hand-graded part is still to be done, a mapping that names an
assignment the gradebook does not have, or a roster row without the identifier the
platform needs, is an error naming the file and row; a roster student with no
submission gets an empty cell, and every empty cell is listed.
The score is nbgrader's: the points of every autograded and hand-graded cell, less the
late penalty (never below 0), as in ``nbgrader export``.
"""

from __future__ import annotations

import csv
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

#: The first columns of a Canvas gradebook CSV, as Canvas's export writes them (Canvas matches
#: students on them when it imports the file).
CANVAS_HEADER = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
#: Canvas heads an assignment's column "Name (ID)", with the assignment's Canvas ID.
CANVAS_COLUMN = re.compile(r"^\S.* \((\d+)\)$")
#: Moodle's grade import maps users by one of these user fields ("Map to": useremail, username,
#: useridnumber); the column's header names the field (the import form lets you pick any column).
MOODLE_IDENTIFIERS = {"email": "Email address", "username": "Username", "idnumber": "ID number"}
ROSTER_COLUMNS = ("nbgrader_id", "name", "canvas_id", "sis_user_id", "sis_login_id", "section", "email", "username", "idnumber")
PLATFORMS = ("canvas", "moodle")


class MappingError(ValueError):
    """A mapping file, roster or gradebook that cannot give a complete grade file (the message says where)."""


@dataclass
class Mapping:
    path: Path
    roster_path: Path
    students: dict[str, dict[str, str]]  # nbgrader id -> roster row
    rows: dict[str, int]  # nbgrader id -> line of the roster
    assignments: dict[str, str]  # nbgrader assignment -> platform column
    identifier: str = ""  # moodle only


@dataclass
class ExportResult:
    path: Path
    platform: str
    assignments: list[str]
    students: int
    notes: list[str] = field(default_factory=list)


def default_mapping(course: Path) -> Path:
    return Path(course) / "lms.toml"


def load_mapping(path: Path | str, platform: str) -> Mapping:
    """Read and check the mapping file and its roster for ``platform``; ``MappingError`` naming file and row."""
    path = Path(path)
    if platform not in PLATFORMS:
        raise MappingError(f"unknown platform {platform!r}: use one of {', '.join(PLATFORMS)}")
    if not path.is_file():
        raise MappingError(f"{path}: no mapping file (see the instructor guide, 'Grades for Canvas and Moodle')")
    try:
        config = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise MappingError(f"{path}: not valid TOML: {exc}") from None
    section = config.get(platform)
    if not isinstance(section, dict) or not isinstance(section.get("assignments"), dict) or not section["assignments"]:
        raise MappingError(f"{path}: no [{platform}.assignments] table mapping nbgrader assignments to {platform} columns")
    assignments: dict[str, str] = {}
    for name, column in section["assignments"].items():
        if not isinstance(column, str) or not column.strip():
            raise MappingError(f"{path}: [{platform}.assignments] {name}: the column name must be a non-empty string")
        if platform == "canvas" and not CANVAS_COLUMN.match(column):
            raise MappingError(
                f"{path}: [canvas.assignments] {name} = {column!r}: a Canvas column is headed "
                "'Assignment name (ID)', as in Canvas's own gradebook export, e.g. 'Exercise 1 (48213)'"
            )
        if column in assignments.values() or column in CANVAS_HEADER:
            raise MappingError(f"{path}: [{platform}.assignments] {name}: column {column!r} is used twice")
        assignments[name] = column
    identifier = ""
    if platform == "moodle":
        identifier = section.get("identifier", "")
        if identifier not in MOODLE_IDENTIFIERS:
            raise MappingError(
                f"{path}: [moodle] identifier = {identifier!r}: use one of {', '.join(MOODLE_IDENTIFIERS)} "
                "(the user field Moodle's import maps to)"
            )
    if not isinstance(config.get("roster"), str):
        raise MappingError(f'{path}: no roster = "<file>.csv" (the roster mapping nbgrader ids to {platform} users)')
    roster_path = (path.parent / config["roster"]).resolve()
    students, rows = _read_roster(roster_path, platform, identifier)
    return Mapping(path, roster_path, students, rows, assignments, identifier)


def _read_roster(path: Path, platform: str, identifier: str) -> tuple[dict[str, dict[str, str]], dict[str, int]]:
    if not path.is_file():
        raise MappingError(f"{path}: the roster named in the mapping file does not exist")
    with open(path, newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        header = reader.fieldnames or []
        unknown = [c for c in header if c not in ROSTER_COLUMNS]
        if unknown:
            raise MappingError(
                f"{path}, row 1: unknown column(s) {', '.join(map(repr, unknown))}; "
                f"the roster's columns are {', '.join(ROSTER_COLUMNS)}"
            )
        if "nbgrader_id" not in header:
            raise MappingError(f"{path}, row 1: no nbgrader_id column (the student's folder name in submitted/)")
        students: dict[str, dict[str, str]] = {}
        lines: dict[str, int] = {}
        seen: dict[tuple[str, str], int] = {}
        for line, raw in enumerate(reader, start=2):
            if None in raw:
                raise MappingError(f"{path}, row {line}: more fields than the header has columns")
            row = {k: (v or "").strip() for k, v in raw.items()}
            sid = row["nbgrader_id"]
            if not sid:
                raise MappingError(f"{path}, row {line}: empty nbgrader_id")
            if sid in students:
                raise MappingError(f"{path}, row {line}: nbgrader_id {sid!r} is already on row {lines[sid]}")
            if platform == "canvas":
                if not (row.get("canvas_id") or row.get("sis_user_id")):
                    raise MappingError(
                        f"{path}, row {line}: student {sid!r} has neither canvas_id nor sis_user_id "
                        "(Canvas's import matches students on them)"
                    )
                if row.get("canvas_id") and not row["canvas_id"].isdigit():
                    raise MappingError(f"{path}, row {line}: canvas_id {row['canvas_id']!r} is not a Canvas user ID (digits)")
                keys = ("canvas_id", "sis_user_id", "sis_login_id")
            else:
                if not row.get(identifier):
                    raise MappingError(
                        f"{path}, row {line}: student {sid!r} has no {identifier} (the mapping file's [moodle] identifier)"
                    )
                keys = (identifier,)
            for key in keys:
                value = row.get(key, "")
                if value:
                    if (key, value) in seen:
                        raise MappingError(f"{path}, row {line}: {key} {value!r} is already on row {seen[(key, value)]}")
                    seen[(key, value)] = line
            students[sid] = row
            lines[sid] = line
    if not students:
        raise MappingError(f"{path}: the roster has no students")
    return students, lines


def gradebook_scores(course: Path, assignments: list[str]) -> dict[str, dict[str, tuple[float, bool]]]:
    """assignment -> student -> (score less late penalty, hand grading still to do), from the course gradebook."""
    from nbgrader.api import MissingEntry
    from sqlalchemy.engine import make_url

    from civicspace.grading.config import db_url, open_gradebook

    where = make_url(db_url(course)).render_as_string(hide_password=True)
    out: dict[str, dict[str, tuple[float, bool]]] = {}
    with open_gradebook(course) as gb:
        for name in assignments:
            try:
                gb.find_assignment(name)
            except MissingEntry:
                raise MappingError(f"assignment {name!r} of the mapping file is not in the gradebook ({where})") from None
            out[name] = {
                sub.student.id: (max(0.0, sub.score - (sub.late_submission_penalty or 0.0)), bool(sub.needs_manual_grade))
                for sub in gb.assignment_submissions(name)
            }
    return out


def _points(value: float) -> str:
    return f"{round(value, 2):g}"


def export(
    course: Path | str,
    platform: str,
    mapping_path: Path | str | None = None,
    out: Path | str | None = None,
    assignments: list[str] | None = None,
    allow_ungraded: bool = False,
) -> ExportResult:
    """Write the grade file for ``platform``; raise :class:`MappingError` rather than leave out a grade."""
    course = Path(course)
    mapping = load_mapping(mapping_path or default_mapping(course), platform)
    names = list(assignments or mapping.assignments)
    missing = [a for a in names if a not in mapping.assignments]
    if missing:
        raise MappingError(f"{mapping.path}: no [{platform}.assignments] entry for {', '.join(missing)}")
    scores = gradebook_scores(course, names)
    unmapped = sorted({s for a in names for s in scores[a] if s not in mapping.students})
    if unmapped:
        raise MappingError(
            f"{mapping.roster_path}: no row for {len(unmapped)} student(s) with grades in the gradebook: "
            f"{', '.join(unmapped)}; add them (nbgrader_id = their folder name) so no grade is left out"
        )
    ungraded = sorted((a, s) for a in names for s, (_, todo) in scores[a].items() if todo)
    if ungraded and not allow_ungraded:
        shown = "; ".join(f"{s} ({a})" for a, s in ungraded)
        raise MappingError(
            f"hand grading is not finished for {shown}: grade them in formgrader, "
            "or pass --allow-ungraded to leave those cells empty"
        )
    notes: list[str] = []
    for a, s in ungraded:
        notes.append(f"{s} (roster row {mapping.rows[s]}), {a}: hand grading not finished; cell left empty")
    for a in names:
        for s in mapping.students:
            if s not in scores[a]:
                notes.append(f"{s} (roster row {mapping.rows[s]}), {a}: no submission in the gradebook; cell left empty")
    columns = [mapping.assignments[a] for a in names]
    if platform == "canvas":
        header = [*CANVAS_HEADER, *columns]
    else:
        header = [MOODLE_IDENTIFIERS[mapping.identifier], "Full name", *columns]
    path = Path(out) if out else course / "reports" / f"{platform}_grades.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\r\n")
        writer.writerow(header)
        for sid, row in mapping.students.items():
            cells = []
            for a in names:
                score, todo = scores[a].get(sid, (None, False))
                cells.append("" if score is None or todo else _points(score))
            if platform == "canvas":
                ident = [
                    row.get("name") or sid,
                    row.get("canvas_id", ""),
                    row.get("sis_user_id", ""),
                    row.get("sis_login_id", ""),
                    row.get("section", ""),
                ]
            else:
                ident = [row[mapping.identifier], row.get("name", "")]
            writer.writerow([*ident, *cells])
    return ExportResult(path, platform, names, len(mapping.students), notes)
