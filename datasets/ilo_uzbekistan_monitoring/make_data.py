"""Build the tidy table of ILO monitoring of child and forced labour in Uzbekistan's cotton harvest.

Reads ilo_uzbekistan_monitoring_source.csv (kept by hand in this folder: one row per
cotton harvest for which an ILO monitoring report was found, with the figures as
published and the page that was checked), checks it strictly and writes
ilo_uzbekistan_monitoring.csv next to this script (or into the folder given as the
first argument), sorted by harvest year, with ``iso3``/``country`` columns added
(civicspace.countries.country_name) so that the table joins the course's other tables.

Any problem in the source stops the script with a message naming the file, the row
(spreadsheet numbering: the header is row 1) and the column.

Run from the repository root:  python datasets/ilo_uzbekistan_monitoring/make_data.py
The committed CSV is a frozen snapshot: rebuild it deliberately, in its own commit.
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

from civicspace.countries import country_name
from civicspace.curation import URL_RE, SourceError, date_problem, write_csv

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "ilo_uzbekistan_monitoring_source.csv"
OUTPUT = "ilo_uzbekistan_monitoring.csv"
ISO3 = "UZB"

COLUMNS = [
    "harvest_year", "report_title", "published", "estimated_pickers", "forced_labour_share_pct",
    "forced_labour_estimate", "child_labour_finding", "monitoring_scope", "source_url", "note",
]
REQUIRED = ["harvest_year", "published", "monitoring_scope", "source_url", "note"]
OUTPUT_COLUMNS = ["harvest_year", "iso3", "country", *COLUMNS[1:]]
FIRST_YEAR, LAST_YEAR = 2013, 2021

INT_RE = re.compile(r"^\d+$")
NUMBER_RE = re.compile(r"^\d+(\.\d+)?$")


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
        for column in ("harvest_year", "estimated_pickers", "forced_labour_estimate"):
            if row[column] and not INT_RE.match(row[column]):
                bad(i, column, f"value {row[column]!r} is not a whole number")
                row[column] = ""
        if row["forced_labour_share_pct"] and not NUMBER_RE.match(row["forced_labour_share_pct"]):
            bad(i, "forced_labour_share_pct", f"value {row['forced_labour_share_pct']!r} is not a number")
            row["forced_labour_share_pct"] = ""
        if row["harvest_year"]:
            year = int(row["harvest_year"])
            if not FIRST_YEAR <= year <= LAST_YEAR:
                bad(i, "harvest_year", f"value {year} is outside the table's period {FIRST_YEAR}-{LAST_YEAR}")
            seen = first_seen.setdefault(row["harvest_year"], i)
            if seen != i:
                bad(i, "harvest_year", f"duplicate harvest year {year} (first at row {seen})")
        if row["forced_labour_share_pct"] and float(row["forced_labour_share_pct"]) > 100:
            bad(i, "forced_labour_share_pct", f"value {row['forced_labour_share_pct']!r} is above 100 (per cent)")
        if row["estimated_pickers"] and int(row["estimated_pickers"]) < 1:
            bad(i, "estimated_pickers", f"value {row['estimated_pickers']!r} must be at least 1")
        if row["forced_labour_estimate"] and row["estimated_pickers"]:
            if int(row["forced_labour_estimate"]) > int(row["estimated_pickers"]):
                bad(i, "forced_labour_estimate", f"value {row['forced_labour_estimate']!r} exceeds estimated_pickers ({row['estimated_pickers']})")
        if row["published"]:
            problem = date_problem(row["published"])
            if problem:
                bad(i, "published", problem)
            elif row["harvest_year"] and int(row["published"][:4]) < int(row["harvest_year"]):
                bad(i, "published", f"value {row['published']!r} is before the harvest it reports on ({row['harvest_year']})")
        if row["source_url"] and not URL_RE.match(row["source_url"]):
            bad(i, "source_url", f"value {row['source_url']!r} is not an http(s) address")
        rows.append(row)

    if problems:
        raise SourceError(problems)
    return rows


def tidy(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    out = [{"harvest_year": r["harvest_year"], "iso3": ISO3, "country": country_name(ISO3), **{c: r[c] for c in COLUMNS[1:]}} for r in rows]
    out.sort(key=lambda r: int(r["harvest_year"]))
    return out


def write(path: Path, rows: list[dict[str, str]]) -> None:
    write_csv(path, rows, OUTPUT_COLUMNS)


def main(out_dir: Path = HERE) -> None:
    try:
        rows = tidy(read_source(SOURCE))
    except SourceError as err:
        raise SystemExit(str(err)) from None
    write(out_dir / OUTPUT, rows)
    print(f"wrote {len(rows)} rows to {out_dir / OUTPUT}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE)
