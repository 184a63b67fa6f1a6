"""Build the Freedom House E2 table: freedom for NGOs, Freedom in the World editions 2013-2024.

Reads ../shared/data/freedom_house/fiw_all_data_2013_2024.csv (one row per country
or territory and edition, with every sub-score) and writes, next to this script
(or into the folder given as the first argument):

- freedom_house_e2.csv: one row per country (territories excluded) and edition:
  iso3, country, edition, data_year (= edition - 1), status, e1, e2, e3, e, pr, cl,
  total.

Run from the repository root:  python datasets/freedom_house_e2/make_data.py
The committed CSV is a frozen snapshot: rebuild it deliberately, in its own commit.
``make test`` checks that this script reproduces it exactly.
"""

from __future__ import annotations

import csv
import os
import re
import sys
from pathlib import Path

import pycountry

from civicspace.data.countries import country_name, is_known

HERE = Path(__file__).resolve().parent
SHARED = Path(os.environ.get("CIVICSPACE_SHARED", HERE.parents[2] / "shared")) / "data" / "freedom_house"
RAW = SHARED / "fiw_all_data_2013_2024.csv"
OUT_NAME = "freedom_house_e2.csv"

EDITIONS = (2013, 2024)
STATUSES = ("F", "PF", "NF")

# Raw column -> (our column, minimum, maximum). PR can fall below 0: Freedom House
# deducts up to 4 points for additional discretionary question B (forced change of
# ethnic composition), so PR runs from -4 to 40 and the total from -4 to 100.
SCORES = {
    "E1": ("e1", 0, 4),
    "E2": ("e2", 0, 4),
    "E3": ("e3", 0, 4),
    "E": ("e", 0, 12),
    "PR": ("pr", -4, 40),
    "CL": ("cl", 0, 60),
    "Total": ("total", -4, 100),
}
REQUIRED = ["Country/Territory", "C/T", "Edition", "Status", *SCORES]

# Freedom House country names that are not an ISO 3166 name pycountry looks up exactly.
NAME_TO_ISO3 = {
    "Brunei": "BRN",
    "Congo (Brazzaville)": "COG",
    "Congo (Kinshasa)": "COD",
    "Cote d'Ivoire": "CIV",
    "Kosovo": "XKX",  # no ISO code; the course's non-ISO code
    "Micronesia": "FSM",
    "Russia": "RUS",
    "St. Kitts and Nevis": "KNA",
    "St. Lucia": "LCA",
    "St. Vincent and the Grenadines": "VCT",
    "The Gambia": "GMB",
    "Turkey": "TUR",
}

_INT = re.compile(r"^-?\d+$")


def fail(where: str, message: str) -> None:
    raise SystemExit(f"{where}: {message}")


def iso3_of(name: str, where: str) -> str:
    code = NAME_TO_ISO3.get(name)
    if code is None:
        try:
            code = pycountry.countries.lookup(name).alpha_3
        except LookupError:
            fail(f"{where}, column 'Country/Territory'", f"no ISO code for country {name!r}; add it to NAME_TO_ISO3")
    if not is_known(code):
        fail(f"{where}, column 'Country/Territory'", f"code {code!r} for {name!r} is not known to civicspace.data.countries")
    return code


def score(raw: dict[str, str], column: str, where: str) -> int:
    value = raw[column].strip()
    _name, low, high = SCORES[column]
    if not _INT.match(value):
        fail(f"{where}, column {column!r}", f"value {value!r} is not an integer score")
    if not low <= int(value) <= high:
        fail(f"{where}, column {column!r}", f"value {value!r} is outside {low}-{high}")
    return int(value)


def build() -> list[dict]:
    if not RAW.exists():
        raise SystemExit(f"{RAW}: not found (set CIVICSPACE_SHARED to the folder holding data/freedom_house)")
    with open(RAW, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
        if missing:
            fail(f"{RAW}, row 1 (header)", f"missing column(s) {missing}")
        raw_rows = list(reader)

    rows: list[dict] = []
    seen: dict[tuple[str, int], int] = {}
    iso3_of_name: dict[str, str] = {}
    for i, raw in enumerate(raw_rows, start=2):
        where = f"{RAW}, row {i}"
        if None in raw or any(v is None for v in raw.values()):
            fail(where, "wrong number of cells")
        kind = raw["C/T"].strip()
        if kind not in ("c", "t"):
            fail(f"{where}, column 'C/T'", f"value {kind!r} is neither 'c' (country) nor 't' (territory)")
        edition_text = raw["Edition"].strip()
        if not _INT.match(edition_text) or not EDITIONS[0] <= int(edition_text) <= EDITIONS[1]:
            fail(f"{where}, column 'Edition'", f"value {edition_text!r} is not an edition year {EDITIONS[0]}-{EDITIONS[1]}")
        status = raw["Status"].strip()
        if status not in STATUSES:
            fail(f"{where}, column 'Status'", f"value {status!r} is not one of {STATUSES}")
        scores = {col: score(raw, col, where) for col in SCORES}
        if scores["E1"] + scores["E2"] + scores["E3"] != scores["E"]:
            fail(f"{where}, column 'E'", f"E = {scores['E']} is not E1 + E2 + E3")
        if scores["PR"] + scores["CL"] != scores["Total"]:
            fail(f"{where}, column 'Total'", f"Total = {scores['Total']} is not PR + CL")
        if kind == "t":
            continue  # territories are left out (see README.md)
        name = raw["Country/Territory"].strip()
        iso3 = iso3_of(name, where)
        if iso3_of_name.setdefault(iso3, name) != name:
            fail(f"{where}, column 'Country/Territory'", f"{name!r} and {iso3_of_name[iso3]!r} both map to {iso3}")
        edition = int(edition_text)
        if (iso3, edition) in seen:
            fail(where, f"{iso3} edition {edition} already at row {seen[(iso3, edition)]}")
        seen[(iso3, edition)] = i
        rows.append(
            {
                "iso3": iso3,
                "country": country_name(iso3),
                "edition": edition,
                # Each edition covers the calendar year before it (FIW 2024: 1 January-31 December 2023).
                "data_year": edition - 1,
                "status": status,
                **{SCORES[col][0]: value for col, value in scores.items()},
            }
        )
    rows.sort(key=lambda r: (r["iso3"], r["edition"]))
    return rows


def write(path: Path, rows: list[dict]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main(out_dir: Path = HERE) -> None:
    rows = build()
    write(out_dir / OUT_NAME, rows)
    print(f"wrote {len(rows)} rows to {out_dir / OUT_NAME}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE)
