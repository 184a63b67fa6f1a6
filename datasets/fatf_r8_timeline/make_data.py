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

Output: ``country`` is computed from ``iso3`` with civicspace.data.countries.country_name
(empty for FATF rows); ``year`` is the year of ``date``; rows are sorted by date and
event id. Every cell is checked against the schema in resource.json (types, required values,
allowed values, patterns, ranges, unique ids); this script adds the rules that compare
columns or rows. Any problem in the source stops the script with a message naming the file,
the row (spreadsheet numbering: the header is row 1) and the column.

Run from the repository root:  python datasets/fatf_r8_timeline/make_data.py
The committed CSV is a frozen snapshot: rebuild it deliberately, in its own commit.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

from civicspace.data import curation
from civicspace.data.countries import country_name, is_known
from civicspace.data.curation import SourceError

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "fatf_r8_timeline_source.csv"
OUTPUT = "fatf_r8_timeline.csv"
RESOURCE = curation.load_resource(HERE / "resource.json")
#: Columns this script computes (every other column of the schema is in the source table).
DERIVED = ("year", "country")
EVENT_TYPES = {"FATF": ["standard", "guidance", "review"], "national": ["law", "enforcement", "outcome"]}
#: Linked dataset -> (its source file, id column, date column).
LINKS = {
    "restrictive_laws": ("restrictive_laws_source.csv", "event_id", "date_adopted"),
    "case_timelines": ("case_timelines_source.csv", "event_id", "date"),
}


def linked_rows(datasets: Path = HERE.parent) -> dict[str, dict[str, dict[str, str]]]:
    """The rows of the linked datasets' source tables, by dataset and id."""
    out: dict[str, dict[str, dict[str, str]]] = {}
    for name, (filename, id_col, _date_col) in LINKS.items():
        with open(datasets / name / filename, encoding="utf-8", newline="") as fh:
            out[name] = {r[id_col]: r for r in csv.DictReader(fh)}
    return out


def read_source(path: Path | str = SOURCE, datasets: Path = HERE.parent) -> list[dict[str, str]]:
    """Read and check the source table; return its rows (raises SourceError listing every problem)."""
    table = curation.read_source(path, RESOURCE, derived=DERIVED)
    links = linked_rows(datasets)
    for line, row in table:
        bad = table.bad
        if row["event_id"] and row["date"] and f"-{row['date'][:4]}-" not in f"-{row['event_id']}-":
            bad(line, "event_id", f"value {row['event_id']!r} does not contain the year of its date ({row['date'][:4]})")
        track = row["track"]
        if track in EVENT_TYPES and row["event_type"] and row["event_type"] not in EVENT_TYPES[track]:
            bad(
                line,
                "event_type",
                f"value {row['event_type']!r} is not allowed on track {track!r} (allowed: {EVENT_TYPES[track]})",
            )
        if track == "FATF":
            for column in ("iso3", "linked_dataset", "linked_id"):
                if row[column]:
                    bad(line, column, "must be empty on a FATF row")
        elif track == "national":
            if not row["iso3"]:
                bad(line, "iso3", "value is missing but required on a national row")
            elif not is_known(row["iso3"]):
                bad(
                    line,
                    "iso3",
                    f"value {row['iso3']!r} is not a known ISO 3166-1 alpha-3 code (civicspace.data.countries.is_known)",
                )
            dataset, link = row["linked_dataset"], row["linked_id"]
            if dataset not in LINKS:
                bad(line, "linked_dataset", f"value {dataset!r} is not one of {list(LINKS)} (national rows come from them)")
            elif link not in links[dataset]:
                bad(line, "linked_id", f"value {link!r} is not an event_id of {dataset}")
            else:
                other = links[dataset][link]
                if row["date"] and other[LINKS[dataset][2]] != row["date"]:
                    bad(line, "date", f"value {row['date']!r} differs from {other[LINKS[dataset][2]]!r} in {dataset} ({link})")
                if other["source_url"] != row["source_url"]:
                    bad(line, "source_url", f"cite the same source as {dataset} ({link}): {other['source_url']}")
                if other["iso3"] != row["iso3"]:
                    bad(line, "iso3", f"value {row['iso3']!r} differs from {other['iso3']!r} in {dataset} ({link})")
    return table.checked()


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
    return out


def main(out_dir: Path = HERE) -> None:
    try:
        rows = tidy(read_source(SOURCE))
        curation.write_checked(out_dir / OUTPUT, rows, RESOURCE)
    except SourceError as err:
        raise SystemExit(str(err)) from None
    n_fatf = sum(r["track"] == "FATF" for r in rows)
    print(f"wrote {len(rows)} rows ({n_fatf} FATF, {len(rows) - n_fatf} national) to {out_dir / OUTPUT}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE)
