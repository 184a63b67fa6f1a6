"""Shared checks for the curated datasets' ``make_data.py`` scripts.

The hand-kept ``<name>_source.csv`` tables use ISO 8601 dates at year, month or
day precision and carry a source URL per row. Each script reads its table with
:func:`read_source`, which checks every cell against the dataset's Table Schema
(the ``resource.json`` in its folder: types, required, enum, pattern, minimum,
maximum, unique); the script adds only the rules a schema cannot say (a value
compared with another column or another row). Every problem is reported by file,
row and column in one :class:`SourceError`; :func:`write_checked` writes the tidy
table only if it passes the same schema.
"""

from __future__ import annotations

import csv
import json
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

DATE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
#: The schemas' pattern for a partial ISO date; a value that matches it must also be a real day.
DATE_PATTERN = DATE_RE.pattern
URL_RE = re.compile(r"^https?://[^\s\"<>]+$")


class SourceError(ValueError):
    """The source table breaks a rule; the message names the file, row and column of each problem."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


def date_problem(value: str) -> str | None:
    """Why ``value`` is not an ISO date with year, year-month or day precision (None if it is)."""
    if not DATE_RE.match(value):
        return f"value {value!r} is not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)"
    parts = [int(p) for p in value.split("-")]
    try:
        date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except ValueError:
        return f"value {value!r} is not a valid calendar date"
    return None


def load_resource(path: Path | str, name: str | None = None) -> dict[str, Any]:
    """The Table Schema resource ``name`` from a dataset's ``resource.json`` (default: the folder's name)."""
    path = Path(path)
    name = name or path.parent.name
    with open(path, encoding="utf-8") as fh:
        descriptor = json.load(fh)
    for resource in descriptor if isinstance(descriptor, list) else [descriptor]:
        if resource.get("name") == name:
            return resource
    raise SourceError([f"{path}: no resource named {name!r}"])


def schema_columns(resource: dict[str, Any]) -> list[str]:
    """The tidy table's columns, in the schema's order."""
    return [f["name"] for f in resource["schema"]["fields"]]


@dataclass
class SourceTable:
    """A read source table: its rows (strings, as in the file), their spreadsheet row numbers,
    and the problems found so far. A script adds its own rules with :meth:`bad`, then calls
    :meth:`checked`."""

    path: Path
    rows: list[dict[str, str]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def __iter__(self) -> Iterator[tuple[int, dict[str, str]]]:
        return iter(zip(self.lines, self.rows))

    def bad(self, line: int, column: str, message: str) -> None:
        self.problems.append(f"{self.path}, row {line}, column '{column}': {message}")

    def checked(self) -> list[dict[str, str]]:
        """The rows, or a :class:`SourceError` listing every problem."""
        if self.problems:
            raise SourceError(self.problems)
        return self.rows


def _read_rows(path: Path) -> list[list[str]]:
    try:
        with open(path, encoding="utf-8", newline="") as fh:
            reader = csv.reader(fh, strict=True)
            try:
                return list(reader)
            except csv.Error as exc:
                raise SourceError([f"{path}, row {reader.line_num}: broken CSV quoting: {exc}"]) from None
    except FileNotFoundError:
        raise SourceError([f"{path}: file not found"]) from None
    except UnicodeDecodeError as exc:
        raise SourceError([f"{path}: not valid UTF-8 (byte {exc.start}): {exc.reason}"]) from None


def cell_problem(raw: str, spec: dict[str, Any]) -> str | None:
    """Why a non-empty cell breaks its Table Schema field ``spec`` (None if it does not)."""
    from civicspace.data import _check_constraints, _parse_cell

    value, problem = _parse_cell(raw, spec)
    if problem is None:
        problem = _check_constraints(value, raw, spec)
    if problem is None and spec.get("constraints", {}).get("pattern") == DATE_PATTERN:
        problem = date_problem(raw)
    return problem


def read_source(
    path: Path | str, resource: dict[str, Any], derived: Iterable[str] = (), optional: Iterable[str] = ()
) -> SourceTable:
    """Read a hand-kept source table and check every cell against ``resource``'s schema.

    The source has the schema's columns except ``derived`` ones (computed by the script),
    in any order; ``optional`` columns may be empty in the source even where the tidy table
    requires them (the script fills them in). A cell that breaks its field is reported and
    blanked, so that the script's own rules do not trip over it.
    """
    path = Path(path)
    derived, optional = set(derived), set(optional)
    fields = {f["name"]: f for f in resource["schema"]["fields"] if f["name"] not in derived}
    table = SourceTable(path)
    records = _read_rows(path)
    header = records[0] if records else []
    missing = [c for c in fields if c not in header]
    extra = [c for c in header if c not in fields]
    if missing or extra or len(set(header)) != len(header):
        raise SourceError(
            [(f"{path}, row 1 (header): expected the columns {list(fields)} (any order); missing {missing}, unexpected {extra}")]
        )
    first_seen: dict[tuple[str, str], int] = {}
    for line, cells in enumerate(records[1:], start=2):
        if len(cells) != len(header):
            table.problems.append(f"{path}, row {line}: has {len(cells)} cells, the header has {len(header)}")
            continue
        row = dict(zip(header, cells))
        for column, spec in fields.items():
            raw = row[column]
            if raw != raw.strip():
                table.bad(line, column, "value has leading or trailing spaces")
            if not raw.strip():
                if spec.get("constraints", {}).get("required") and column not in optional:
                    table.bad(line, column, "value is missing but required")
                continue
            problem = cell_problem(raw, spec)
            if problem:
                table.bad(line, column, problem)
                row[column] = ""
                continue
            if spec.get("constraints", {}).get("unique"):
                seen = first_seen.setdefault((column, raw), line)
                if seen != line:
                    table.bad(line, column, f"duplicate {column} {raw!r} (first at row {seen})")
        table.rows.append(row)
        table.lines.append(line)
    return table


def write_checked(path: Path, rows: list[dict[str, str]], resource: dict[str, Any]) -> None:
    """Write the tidy ``rows`` in the schema's column order, only if the result passes the schema.

    The table is written to a temporary file next to ``path`` and checked with
    :func:`civicspace.data.read_csv_checked`; on a problem the old file is left as it was
    and the error names the row and column.
    """
    from civicspace.data import DatasetError, read_csv_checked

    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    try:
        write_csv(Path(tmp), rows, schema_columns(resource))
        try:
            read_csv_checked(tmp, resource["schema"])
        except DatasetError as err:
            raise SourceError([f"{path} (not written), {p}" for p in err.problems]) from None
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write_csv(path: Path, rows: list[dict[str, str]], columns: list[str]) -> None:
    """Write ``rows`` as UTF-8 CSV with ``\\n`` line endings (the committed extracts' format)."""
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def apply_corrections(
    rows: list[dict[str, str]], corrections: dict[str, dict[str, tuple[str, str]]], key: str = "event_id"
) -> list[dict[str, str]]:
    """Apply documented corrections to checked source rows, in place; return the rows.

    ``corrections`` maps a row's ``key`` to ``{column: (value in the source, corrected value)}``.
    Stops with a :class:`SourceError` if a row is gone or a source value is no longer the one
    the correction was written against, so a correction is reviewed when its source changes.
    """
    by_id = {row[key]: row for row in rows}
    problems = []
    for row_id, changes in corrections.items():
        if row_id not in by_id:
            problems.append(f"correction for {row_id!r}: no such row in the source table")
            continue
        for column, (expected, corrected) in changes.items():
            if by_id[row_id][column] != expected:
                problems.append(
                    f"correction for {row_id!r}, column {column!r}: the source value has changed; review the correction"
                )
                continue
            by_id[row_id][column] = corrected
    if problems:
        raise SourceError(problems)
    return rows
