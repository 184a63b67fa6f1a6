"""Shared checks for the curated datasets' ``make_data.py`` scripts.

The hand-kept ``<name>_source.csv`` tables use ISO 8601 dates at year, month or
day precision and carry a source URL per row; each script checks its table with
these helpers and reports every problem by file, row and column in one
:class:`SourceError`.
"""

from __future__ import annotations

import csv
import re
from datetime import date
from pathlib import Path

DATE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
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


def write_csv(path: Path, rows: list[dict[str, str]], columns: list[str]) -> None:
    """Write ``rows`` as UTF-8 CSV with ``\\n`` line endings (the committed extracts' format)."""
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def apply_corrections(rows: list[dict[str, str]], corrections: dict[str, dict[str, tuple[str, str]]],
                      key: str = "event_id") -> list[dict[str, str]]:
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
                problems.append(f"correction for {row_id!r}, column {column!r}: the source value has changed; "
                                "review the correction")
                continue
            by_id[row_id][column] = corrected
    if problems:
        raise SourceError(problems)
    return rows
