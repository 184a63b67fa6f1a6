"""Build the tidy table of restrictive NGO laws from the hand-kept source table.

Reads restrictive_laws_source.csv (kept by hand in this folder: one row per law,
decree or policy affecting NGOs, 2012-2025, each with the source that was checked),
checks it strictly and writes restrictive_laws.csv next to this script (or into the
folder given as the first argument):

- the documented corrections in ``CORRECTIONS`` are applied (see the README);
- ``country`` is recomputed from ``iso3`` with civicspace.data.countries.country_name;
- ``targets`` (a ';'-separated list) is split into three boolean columns;
- ``year_adopted`` is the year of ``date_adopted``;
- rows are sorted by date adopted, country code and event id.

Every cell is checked against the schema in resource.json (types, required values,
allowed values, patterns, ranges, unique ids); this script adds the rules that compare
columns or rows. Any problem in the source stops the script with a message naming the file, the row
(spreadsheet numbering: the header is row 1) and the column.

Run from the repository root:  python datasets/restrictive_laws/make_data.py
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
SOURCE = HERE / "restrictive_laws_source.csv"
OUTPUT = "restrictive_laws.csv"
RESOURCE = curation.load_resource(HERE / "resource.json")
#: Columns this script computes; ``country`` may be left empty in the source (it is recomputed).
DERIVED = ("year_adopted", "target_stigma", "target_admin_burden", "target_criminalisation")
OPTIONAL = ("country",)
# The three targets of the course's model, in their fixed order, and their boolean columns.
TARGETS = {
    "stigma": "target_stigma",
    "administrative burden": "target_admin_burden",
    "criminalisation": "target_criminalisation",
}
# A later fate other than "in force" is an event, so it needs its date.
FATES_WITH_DATE = {"amended", "repealed", "suspended"}
_YEAR = next(f for f in RESOURCE["schema"]["fields"] if f["name"] == "year_adopted")["constraints"]
FIRST_YEAR, LAST_YEAR = _YEAR["minimum"], _YEAR["maximum"]

# Documented corrections applied on top of the hand-kept source table (see README, "Corrections").
# Each entry: event_id -> {column: (value expected in the source, corrected value)}. The expected
# value is checked, so that a later edit of the source row cannot be silently overwritten.
CORRECTIONS: dict[str, dict[str, tuple[str, str]]] = {
    # Act XLIX of 2021 creates no register and no label: it subjects associations and foundations
    # with a balance-sheet total of at least HUF 20 million to State Audit Office audits with public
    # reports (Hungarian Helsinki Committee information note). The codebook codes `stigma` only for
    # a law that labels NGOs or their allies, so the row pursues an administrative burden only.
    "hun-2021-lex-ngo-2021": {
        "targets": ("stigma;administrative burden", "administrative burden"),
    },
    # The Republika Srpska law is an entity law: it does not apply in the rest of Bosnia and
    # Herzegovina, although the row (and so the course map) carries the state's code BIH.
    "bih-2025-rs-ngo-register": {
        "fate_note": (
            "An earlier draft was adopted in draft form in Sept 2023 and withdrawn on 28 May 2024. "
            "Registration and half-yearly financial reports for foreign-funded NPOs, a ban on 'political "
            "activity' and possible bans on operation. Later status (e.g. any state-level Constitutional "
            "Court review) not verified.",
            "Adopted by the National Assembly of Republika Srpska, one of the two entities of Bosnia and "
            "Herzegovina; it applies in that entity only, but the row carries the state's code BIH, so maps "
            "shade the whole country. An earlier draft was adopted in draft form in Sept 2023 and withdrawn "
            "on 28 May 2024. Registration and half-yearly financial reports for foreign-funded NPOs, a ban "
            "on 'political activity' and possible bans on operation. Later status (e.g. any state-level "
            "Constitutional Court review) not verified.",
        ),
    },
    # Egypt Law 70 of 2017: the Official Gazette issue that carries it is dated 24 May 2017, but the
    # law was published (made public) only on Monday 29 May 2017 (LoC Global Legal Monitor; JURIST).
    "egy-2017-law-70": {
        "date_note": (
            "Passed by the House of Representatives in Nov 2016. date_adopted = signed by the President on "
            "24 May 2017 per LoC GLM, which cites the Official Gazette issue No. 20 (duplicate) dated 24 May "
            "2017 and gives effect from 25 May 2017. JURIST, Enterprise and Egypt Independent (29-30 May "
            "2017) instead report signature and publication on Monday 29 May and effect the next day. "
            "Because the in-force date conflicts, it is left empty (rechecked).",
            "Passed by the House of Representatives in Nov 2016. date_adopted = signed by the President on "
            "24 May 2017 (LoC GLM; the Official Gazette said so when it published the law). The sources "
            "disagree on publication and entry into force: the Gazette issue No. 20 (duplicate) is dated "
            "24 May 2017 and LoC GLM gives effect from 25 May 2017, but the law was published on Monday "
            "29 May 2017 and took effect the next day according to JURIST (29 May 2017), Enterprise and "
            "Egypt Independent. date_in_force is therefore left empty.",
        ),
    },
}

EVENT_ID_RE = re.compile(r"^([a-z]{3})-(\d{4})-[a-z0-9]+(-[a-z0-9]+)*$")


def is_before(later: str, earlier: str) -> bool:
    """True if partial ISO date ``later`` is certainly earlier than ``earlier``.

    Dates are compared at the precision they share: "2019-08" is not before "2019-08-19".
    """
    n = min(len(later), len(earlier))
    return later[:n] < earlier[:n]


def read_source(path: Path | str = SOURCE) -> list[dict[str, str]]:
    """Read and check the source table; return its rows (raises SourceError listing every problem)."""
    table = curation.read_source(path, RESOURCE, derived=DERIVED, optional=OPTIONAL)
    bad = table.bad
    first_seen: dict[tuple[str, str], int] = {}
    for i, row in table:
        m = EVENT_ID_RE.match(row["event_id"])
        if m and m.group(1) != row["iso3"].lower():
            bad(i, "event_id", f"value {row['event_id']!r} does not start with the row's iso3 {row['iso3']!r}")
        elif m and row["date_adopted"] and row["date_adopted"][:4] != m.group(2):
            bad(i, "event_id", f"value {row['event_id']!r} does not carry the year of date_adopted {row['date_adopted']!r}")

        if row["iso3"] and not is_known(row["iso3"]):
            bad(i, "iso3", f"value {row['iso3']!r} is not a known ISO 3166-1 alpha-3 code (civicspace.data.countries.is_known)")

        adopted = row["date_adopted"]
        if adopted and not FIRST_YEAR <= int(adopted[:4]) <= LAST_YEAR:
            bad(i, "date_adopted", f"value {adopted!r} is outside the table's period {FIRST_YEAR}-{LAST_YEAR}")
        if adopted and row["date_in_force"] and is_before(row["date_in_force"], adopted):
            bad(i, "date_in_force", f"value {row['date_in_force']!r} is before date_adopted {adopted!r}")
        if adopted and row["fate_date"] and is_before(row["fate_date"], adopted):
            bad(i, "fate_date", f"value {row['fate_date']!r} is before date_adopted {adopted!r}")

        if row["targets"]:
            items = row["targets"].split(";")
            if items != [t for t in TARGETS if t in items]:
                bad(i, "targets", f"value {row['targets']!r} repeats a target or breaks the fixed order {list(TARGETS)}")

        if row["fate"] in FATES_WITH_DATE and not row["fate_date"]:
            bad(i, "fate_date", f"value is missing but required when fate is {row['fate']!r}")
        if row["fate_date"] and row["fate"] not in FATES_WITH_DATE:
            bad(i, "fate_date", f"a date is given but fate is {row['fate']!r}, not one of {sorted(FATES_WITH_DATE)}")

        key = (row["iso3"], row["title"].casefold())
        if all(key):
            seen = first_seen.setdefault(key, i)
            if seen != i:
                bad(i, "title", f"duplicate title (first at row {seen})")
    return table.checked()


def tidy(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    rows = apply_corrections([dict(row) for row in rows], CORRECTIONS)
    out = []
    for row in rows:
        targets = row["targets"].split(";") if row["targets"] else []
        tidy_row = {
            "event_id": row["event_id"],
            "iso3": row["iso3"],
            "country": country_name(row["iso3"]),
            "title": row["title"],
            "number": row["number"],
            "type": row["type"],
            "date_adopted": row["date_adopted"],
            "year_adopted": row["date_adopted"][:4],
            "date_in_force": row["date_in_force"],
            "date_note": row["date_note"],
        }
        for target, column in TARGETS.items():
            tidy_row[column] = "true" if target in targets else "false"
        tidy_row.update(
            targets=row["targets"],
            fate=row["fate"],
            fate_date=row["fate_date"],
            fate_note=row["fate_note"],
            source_url=row["source_url"],
            source_note=row["source_note"],
        )
        out.append(tidy_row)
    out.sort(key=lambda r: (r["date_adopted"], r["iso3"], r["event_id"]))
    return out


def main(out_dir: Path = HERE) -> None:
    try:
        rows = tidy(read_source(SOURCE))
        curation.write_checked(out_dir / OUTPUT, rows, RESOURCE)
    except SourceError as err:
        raise SystemExit(str(err)) from None
    print(f"wrote {len(rows)} rows ({len({r['iso3'] for r in rows})} countries) to {out_dir / OUTPUT}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE)
