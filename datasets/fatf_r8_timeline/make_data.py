"""Build the tidy timeline of FATF Recommendation 8 and of AML/CFT measures used against NGOs.

Reads fatf_r8_timeline_source.csv (kept by hand in this folder: one row per dated
event, each with the source that was checked), checks it strictly and writes
fatf_r8_timeline.csv next to this script (or into the folder given as the first
argument).

Two tracks of events:

- ``FATF``: the standard on non-profit organisations (Special Recommendation VIII of
  2001, Recommendation 8 from 2012, its revisions of 2016 and 2023), the FATF's
  best-practices papers and its review of the unintended consequences of its
  Standards; ``event_type`` is ``standard``, ``guidance`` or ``review``;
- ``national``: AML/CFT measures used against NGOs, copied from two other course
  datasets: the ``AML-CFT measure`` rows of ``restrictive_laws`` (``event_type``
  ``law``) and the Amnesty International India events of ``case_timelines``
  (``enforcement``, and ``outcome`` for the halt of its work). Each such row names
  its origin in ``linked_dataset`` / ``linked_id``; the script checks that the linked
  row exists, has the same date, and cites the same ``source_url``.

Output: ``country`` is computed from ``iso3`` with civicspace.countries.country_name
(empty for FATF rows); ``year`` is the year of ``date``; rows are sorted by date and
event id. Any problem in the source stops the script with a message naming the file,
the row (spreadsheet numbering: the header is row 1) and the column.

Run from the repository root:  python datasets/fatf_r8_timeline/make_data.py
The committed CSV is a frozen snapshot: rebuild it deliberately, in its own commit.
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

from civicspace.countries import country_name, is_known
from civicspace.curation import URL_RE, SourceError, date_problem, write_csv

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "fatf_r8_timeline_source.csv"
OUTPUT = "fatf_r8_timeline.csv"

SOURCE_COLUMNS = [
    "event_id", "date", "track", "event_type", "iso3", "actor", "title", "event",
    "linked_dataset", "linked_id", "source_url", "source_note",
]
REQUIRED = ["event_id", "date", "track", "event_type", "actor", "title", "event", "source_url", "source_note"]
EVENT_TYPES = {"FATF": ["standard", "guidance", "review"], "national": ["law", "enforcement", "outcome"]}
#: Linked dataset -> (its source file, id column, date column).
LINKS = {
    "restrictive_laws": ("restrictive_laws_source.csv", "event_id", "date_adopted"),
    "case_timelines": ("case_timelines_source.csv", "event_id", "date"),
}

ID_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")

OUTPUT_COLUMNS = [
    "event_id", "date", "year", "track", "event_type", "iso3", "country", "actor", "title", "event",
    "linked_dataset", "linked_id", "source_url", "source_note",
]


def linked_rows(datasets: Path = HERE.parent) -> dict[str, dict[str, dict[str, str]]]:
    """The rows of the linked datasets' source tables, by dataset and id."""
    out: dict[str, dict[str, dict[str, str]]] = {}
    for name, (filename, id_col, _date_col) in LINKS.items():
        with open(datasets / name / filename, encoding="utf-8", newline="") as fh:
            out[name] = {r[id_col]: r for r in csv.DictReader(fh)}
    return out


def read_source(path: Path | str = SOURCE, datasets: Path = HERE.parent) -> list[dict[str, str]]:
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
    if not table or table[0] != SOURCE_COLUMNS:
        raise SourceError([f"{path}, row 1 (header): expected the columns {SOURCE_COLUMNS}, found {table[0] if table else []}"])

    links = linked_rows(datasets)
    rows: list[dict[str, str]] = []
    first_seen: dict[tuple[str, str], int] = {}
    for i, cells in enumerate(table[1:], start=2):
        if len(cells) != len(SOURCE_COLUMNS):
            problems.append(f"{path}, row {i}: has {len(cells)} cells, the header has {len(SOURCE_COLUMNS)}")
            continue
        row = dict(zip(SOURCE_COLUMNS, cells))
        for column, value in row.items():
            if value != value.strip():
                bad(i, column, "value has leading or trailing spaces")
        for column in REQUIRED:
            if not row[column].strip():
                bad(i, column, "value is missing but required")

        if row["date"]:
            problem = date_problem(row["date"])
            if problem:
                bad(i, "date", problem)
                row["date"] = ""
        if row["event_id"]:
            if not ID_RE.match(row["event_id"]):
                bad(i, "event_id", f"value {row['event_id']!r} is not lower-case words joined by hyphens")
            elif row["date"] and f"-{row['date'][:4]}-" not in f"-{row['event_id']}-":
                bad(i, "event_id", f"value {row['event_id']!r} does not contain the year of its date ({row['date'][:4]})")
            seen = first_seen.setdefault(("event_id", row["event_id"]), i)
            if seen != i:
                bad(i, "event_id", f"duplicate event_id (first at row {seen})")

        track = row["track"]
        if track and track not in EVENT_TYPES:
            bad(i, "track", f"value {track!r} is not one of the allowed values {list(EVENT_TYPES)}")
        elif track and row["event_type"] and row["event_type"] not in EVENT_TYPES[track]:
            bad(i, "event_type", f"value {row['event_type']!r} is not allowed on track {track!r} (allowed: {EVENT_TYPES[track]})")

        if track == "FATF":
            for column in ("iso3", "linked_dataset", "linked_id"):
                if row[column]:
                    bad(i, column, "must be empty on a FATF row")
        elif track == "national":
            if not row["iso3"]:
                bad(i, "iso3", "value is missing but required on a national row")
            elif not is_known(row["iso3"]):
                bad(i, "iso3", f"value {row['iso3']!r} is not a known ISO 3166-1 alpha-3 code (civicspace.countries.is_known)")
            dataset, link = row["linked_dataset"], row["linked_id"]
            if dataset not in LINKS:
                bad(i, "linked_dataset", f"value {dataset!r} is not one of {list(LINKS)} (national rows come from them)")
            elif link not in links[dataset]:
                bad(i, "linked_id", f"value {link!r} is not an event_id of {dataset}")
            else:
                other = links[dataset][link]
                if row["date"] and other[LINKS[dataset][2]] != row["date"]:
                    bad(i, "date", f"value {row['date']!r} differs from {other[LINKS[dataset][2]]!r} in {dataset} ({link})")
                if other["source_url"] != row["source_url"]:
                    bad(i, "source_url", f"cite the same source as {dataset} ({link}): {other['source_url']}")
                if other["iso3"] != row["iso3"]:
                    bad(i, "iso3", f"value {row['iso3']!r} differs from {other['iso3']!r} in {dataset} ({link})")

        if row["source_url"] and not URL_RE.match(row["source_url"]):
            bad(i, "source_url", f"value {row['source_url']!r} is not an http(s) address")
        rows.append(row)

    if problems:
        raise SourceError(problems)
    return rows


def tidy(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    out = []
    for row in rows:
        out.append(
            {
                "event_id": row["event_id"],
                "date": row["date"],
                "year": row["date"][:4],
                "track": row["track"],
                "event_type": row["event_type"],
                "iso3": row["iso3"],
                "country": country_name(row["iso3"]) if row["iso3"] else "",
                "actor": row["actor"],
                "title": row["title"],
                "event": row["event"],
                "linked_dataset": row["linked_dataset"],
                "linked_id": row["linked_id"],
                "source_url": row["source_url"],
                "source_note": row["source_note"],
            }
        )
    out.sort(key=lambda r: (r["date"], r["event_id"]))
    assert list(out[0]) == OUTPUT_COLUMNS
    return out


def write(path: Path, rows: list[dict[str, str]]) -> None:
    write_csv(path, rows, OUTPUT_COLUMNS)


def main(out_dir: Path = HERE) -> None:
    try:
        rows = tidy(read_source(SOURCE))
    except SourceError as err:
        raise SystemExit(str(err)) from None
    write(out_dir / OUTPUT, rows)
    n_fatf = sum(r["track"] == "FATF" for r in rows)
    print(f"wrote {len(rows)} rows ({n_fatf} FATF, {len(rows) - n_fatf} national) to {out_dir / OUTPUT}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE)
