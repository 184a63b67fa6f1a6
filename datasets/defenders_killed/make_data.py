"""Build the tidy table of human rights defenders killed per year (Front Line Defenders counts).

Reads defenders_killed_source.csv (kept by hand in this folder: one row per calendar
year of killings, with the figure from that year's own Front Line Defenders report and
the page that was checked), checks it strictly and writes defenders_killed.csv next to
this script (or into the folder given as the first argument), sorted by year.

Any problem in the source stops the script with a message naming the file, the row
(spreadsheet numbering: the header is row 1) and the column.

Run from the repository root:  python datasets/defenders_killed/make_data.py
The committed CSV is a frozen snapshot: rebuild it deliberately, in its own commit.
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

from civicspace.curation import URL_RE, SourceError, date_problem, write_csv

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "defenders_killed_source.csv"
OUTPUT = "defenders_killed.csv"

COLUMNS = [
    "year", "killed", "countries", "share_land_environment_indigenous", "report_title",
    "publisher", "published", "source_url", "note",
]
REQUIRED = ["year", "killed", "countries", "report_title", "publisher", "source_url", "note"]
FIRST_YEAR, LAST_YEAR = 2016, 2024

INT_RE = re.compile(r"^\d+$")


def read_source(path: Path | str = SOURCE) -> list[dict[str, str]]:
    """Read and check the source table; return its rows (raises SourceError listing every problem)."""
    path = Path(path)
    problems: list[str] = []

    def bad(row: int, column: str, message: str) -> None:
        problems.append(f"{path}, row {row}, column '{column}': {message}")

    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh, strict=True)
        try:
            table = list(reader)
        except csv.Error as exc:
            raise SourceError([f"{path}, row {reader.line_num}: broken CSV quoting: {exc}"]) from None
    if not table or table[0] != COLUMNS:
        raise SourceError([f"{path}, row 1 (header): expected the columns {COLUMNS}, found {table[0] if table else []}"])

    rows: list[dict[str, str]] = []
    first_seen: dict[str, int] = {}
    for i, cells in enumerate(table[1:], start=2):
        if len(cells) != len(COLUMNS):
            problems.append(f"{path}, row {i}: has {len(cells)} cells, the header has {len(COLUMNS)}")
            continue
        row = dict(zip(COLUMNS, cells))
        for column, value in row.items():
            if value != value.strip():
                bad(i, column, "value has leading or trailing spaces")
        for column in REQUIRED:
            if not row[column].strip():
                bad(i, column, "value is missing but required")
        for column in ("year", "killed", "countries", "share_land_environment_indigenous"):
            if row[column] and not INT_RE.match(row[column]):
                bad(i, column, f"value {row[column]!r} is not a whole number")
                row[column] = ""
        if row["year"]:
            year = int(row["year"])
            if not FIRST_YEAR <= year <= LAST_YEAR:
                bad(i, "year", f"value {year} is outside the table's period {FIRST_YEAR}-{LAST_YEAR}")
            seen = first_seen.setdefault(row["year"], i)
            if seen != i:
                bad(i, "year", f"duplicate year {year} (first at row {seen})")
        if row["killed"] and int(row["killed"]) < 1:
            bad(i, "killed", f"value {row['killed']!r} must be at least 1")
        if row["countries"] and row["killed"]:
            if not 1 <= int(row["countries"]) <= int(row["killed"]):
                bad(i, "countries", f"value {row['countries']!r} must be between 1 and the number killed ({row['killed']})")
        if row["share_land_environment_indigenous"] and int(row["share_land_environment_indigenous"]) > 100:
            bad(i, "share_land_environment_indigenous", f"value {row['share_land_environment_indigenous']!r} is above 100 (per cent)")
        if row["published"]:
            problem = date_problem(row["published"])
            if problem:
                bad(i, "published", problem)
            elif row["year"] and int(row["published"][:4]) < int(row["year"]):
                bad(i, "published", f"value {row['published']!r} is before the year it reports on ({row['year']})")
        if row["source_url"] and not URL_RE.match(row["source_url"]):
            bad(i, "source_url", f"value {row['source_url']!r} is not an http(s) address")
        rows.append(row)

    if problems:
        raise SourceError(problems)
    return rows


def write(path: Path, rows: list[dict[str, str]]) -> None:
    write_csv(path, rows, COLUMNS)


def main(out_dir: Path = HERE) -> None:
    try:
        rows = read_source(SOURCE)
    except SourceError as err:
        raise SystemExit(str(err)) from None
    rows.sort(key=lambda r: int(r["year"]))
    write(out_dir / OUTPUT, rows)
    print(f"wrote {len(rows)} rows to {out_dir / OUTPUT}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE)
