"""Build the tidy table of dated escalation events against NGOs from the hand-kept source table.

Reads case_timelines_source.csv (kept by hand in this folder: one row per dated event
in a case such as "Amnesty International in Russia", each placed on the course's
four-stage ladder and carrying the source that was checked), checks it strictly and
writes case_timelines.csv next to this script (or into the folder given as the first
argument):

- the documented corrections in ``CORRECTIONS`` are applied (see the README);
- ``country`` is recomputed from ``iso3`` with civicspace.data.countries.country_name;
- ``stage_rank`` (1-4) is the position of ``stage`` on the ladder
  administrative pressure -> informational isolation -> legal stigma -> criminal liability;
- ``year`` is the year of ``date``;
- rows are sorted by case, date, stage rank and event id.

The ladder rule: within a case, in date order (same-day events in ladder order), an
event whose stage is lower than a stage the case has already reached is an exception
and must explain itself in ``sequence_note``; an event that keeps to the ladder must
leave ``sequence_note`` empty.

Every cell is checked against the schema in resource.json (types, required values,
allowed values, patterns, ranges, unique ids); this script adds the rules that compare
columns or rows. Any problem in the source stops the script with a message naming the file, the row
(spreadsheet numbering: the header is row 1) and the column.

Run from the repository root:  python datasets/case_timelines/make_data.py
The committed CSV is a frozen snapshot: rebuild it deliberately, in its own commit.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from civicspace.data import curation
from civicspace.data.countries import country_name, is_known
from civicspace.data.curation import SourceError, apply_corrections

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "case_timelines_source.csv"
OUTPUT = "case_timelines.csv"
RESOURCE = curation.load_resource(HERE / "resource.json")
#: Columns this script computes; ``country`` may be left empty in the source (it is recomputed).
DERIVED = ("year", "stage_rank")
OPTIONAL = ("country",)
STAGES = ["administrative pressure", "informational isolation", "legal stigma", "criminal liability"]
RANK = {stage: i for i, stage in enumerate(STAGES, start=1)}

# Documented corrections applied on top of the hand-kept source table (see README, "Corrections").
# Each entry: event_id -> {column: (value expected in the source, corrected value)}; the expected
# value is checked, so that a later edit of the source row cannot be silently overwritten.
CORRECTIONS: dict[str, dict[str, tuple[str, str]]] = {
    # The Reuters report was checked through a third-party syndication (Townhall); cite the
    # original outlet RFE/RL, which reports the same visit, instead.
    "amnesty-russia-2013-inspection": {
        "source_url": (
            "https://townhall.com/news/world/2013/03/25/russian-prosecutors-search-amnestys-moscow-offices-n1548184",
            "https://rferl.org/a/russia-ngos-searches/24937990.html",
        ),
        "source_note": (
            "Reuters (25 Mar 2013, stored copy on Townhall): prosecutors searched Amnesty's Moscow offices on Monday; the prosecutors' and tax officials gave no reason; 41 NGOs had been searched so far. RIA Novosti (25 Mar 2013): the Justice Ministry said the checks verified compliance with the organisations' stated aims and Russian law. Amnesty International UK press release of the same day. No specific legal provision was named, so legal_basis is empty.",
            "RFE/RL (25 Mar 2013): Amnesty's Russia director said three people from the Moscow prosecutor's office and one from the tax office came to the office on Monday 25 March and presented a list of documents they wanted copies of; hundreds of NGOs were reportedly searched in the past week. Reuters (25 Mar 2013, by Sonia Elks): the officials gave no reason; 41 NGOs had been searched so far. RIA Novosti (25 Mar 2013): the Justice Ministry said the checks verified compliance with the organisations' stated aims and Russian law. No specific legal provision was named, so legal_basis is empty.",
        ),
    },
}

CASE_ID_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def ladder_exceptions(rows: list[dict[str, str]]) -> set[int]:
    """Indices (into ``rows``) of events whose stage is below a stage their case reached earlier.

    Events are taken in date order, same-day events in ladder order. A partial date
    ("2013-03") sorts before the days of its month, so it counts as the earlier event.
    """
    out: set[int] = set()
    highest: dict[str, int] = {}
    order = sorted(range(len(rows)), key=lambda k: (rows[k]["case_id"], rows[k]["date"], RANK[rows[k]["stage"]]))
    for k in order:
        case, rank = rows[k]["case_id"], RANK[rows[k]["stage"]]
        if rank < highest.get(case, 0):
            out.add(k)
        highest[case] = max(highest.get(case, 0), rank)
    return out


def read_source(path: Path | str = SOURCE) -> list[dict[str, str]]:
    """Read and check the source table; return its rows (raises SourceError listing every problem)."""
    table = curation.read_source(path, RESOURCE, derived=DERIVED, optional=OPTIONAL)
    bad, rows, line_of = table.bad, table.rows, table.lines
    first_seen: dict[tuple[str, ...], int] = {}
    case_facts: dict[str, tuple[str, str, int]] = {}
    for i, row in table:
        if row["event_id"] and row["case_id"] and row["date"]:
            expected = f"{row['case_id']}-{row['date'][:4]}-"
            if not (row["event_id"].startswith(expected) and CASE_ID_RE.match(row["event_id"])):
                bad(i, "event_id", f"value {row['event_id']!r} does not have the form {expected}<words-with-hyphens>")
        if row["iso3"] and not is_known(row["iso3"]):
            bad(i, "iso3", f"value {row['iso3']!r} is not a known ISO 3166-1 alpha-3 code (civicspace.data.countries.is_known)")
        if row["case_id"] and row["organisation"] and row["iso3"]:
            facts = case_facts.setdefault(row["case_id"], (row["organisation"], row["iso3"], i))
            if row["organisation"] != facts[0]:
                bad(
                    i,
                    "organisation",
                    f"value {row['organisation']!r} differs from {facts[0]!r} given for case {row['case_id']!r} at row {facts[2]}",
                )
            if row["iso3"] != facts[1]:
                bad(
                    i,
                    "iso3",
                    f"value {row['iso3']!r} differs from {facts[1]!r} given for case {row['case_id']!r} at row {facts[2]}",
                )
        key = (row["case_id"], row["date"], row["event"].casefold())
        if all(key):
            seen = first_seen.setdefault(key, i)
            if seen != i:
                bad(i, "event", f"duplicate event (first at row {seen})")

    # The ladder rule, checked only on rows whose case, date and stage are usable.
    usable = [k for k, r in enumerate(rows) if r["case_id"] and r["date"] and r["stage"]]
    exceptions = {usable[k] for k in ladder_exceptions([rows[k] for k in usable])}
    for k in usable:
        row, i = rows[k], line_of[k]
        if k in exceptions and not row["sequence_note"]:
            bad(
                i,
                "sequence_note",
                f"stage {row['stage']!r} comes after a higher stage in case {row['case_id']!r}: explain the exception here",
            )
        if k not in exceptions and row["sequence_note"]:
            bad(i, "sequence_note", "only an event that breaks the ladder order takes a note here (this one keeps to it)")

    return table.checked()


def tidy(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    rows = apply_corrections([dict(row) for row in rows], CORRECTIONS)
    out = []
    for row in rows:
        out.append(
            {
                "case_id": row["case_id"],
                "event_id": row["event_id"],
                "organisation": row["organisation"],
                "iso3": row["iso3"],
                "country": country_name(row["iso3"]),
                "date": row["date"],
                "year": row["date"][:4],
                "stage": row["stage"],
                "stage_rank": str(RANK[row["stage"]]),
                "actor": row["actor"],
                "event": row["event"],
                "legal_basis": row["legal_basis"],
                "sequence_note": row["sequence_note"],
                "source_url": row["source_url"],
                "source_note": row["source_note"],
            }
        )
    out.sort(key=lambda r: (r["case_id"], r["date"], int(r["stage_rank"]), r["event_id"]))
    return out


def main(out_dir: Path = HERE) -> None:
    try:
        rows = tidy(read_source(SOURCE))
        curation.write_checked(out_dir / OUTPUT, rows, RESOURCE)
    except SourceError as err:
        raise SystemExit(str(err)) from None
    print(f"wrote {len(rows)} rows ({len({r['case_id'] for r in rows})} cases) to {out_dir / OUTPUT}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE)
