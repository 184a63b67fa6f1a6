"""Build the table of state restrictions on human-rights NGOs, with the Political Terror Scale.

Reads, from ../shared/data/repression/ (or $CIVICSPACE_SHARED/data/repression/):

- bakke_state_restrictions_civil_society_1994_2014.csv: Bakke, Mitchell & Smidt's
  coding of restrictions on human-rights NGOs, 1994-2014, as subset by J. Barker
  (jlbarker/ps239t-final-project: 12 variables, donor countries removed); its first,
  unnamed column is a row number; countries are identified by COW codes;
- political_terror_scale_1976_2023.csv: the Political Terror Scale (PTS_A, PTS_H,
  PTS_S, 1-5; "NA" with a reason code in NA_Status_A/H/S),

and writes, next to this script (or into the folder given as first argument):

- hrd_restrictions.csv: one row per country (iso3) and year of the Bakke data, with
  the PTS scores of the same country and the same year (empty where not coded).

COW codes are mapped to ISO 3166-1 alpha-3 with the PTS file's own COW_Code_N ->
WordBank_Code_A pairs; the few World Bank codes that are not ISO codes and the one
COW code absent from the PTS file are listed below and in README.md.

Run from the repository root:  python datasets/hrd_restrictions/make_data.py
The committed CSV is a frozen snapshot: rebuild it deliberately, in its own commit.
``make test`` checks that this script reproduces it exactly.
"""

from __future__ import annotations

import csv
import os
import sys
from pathlib import Path
from typing import NoReturn

import pycountry

from civicspace.data.countries import country_name, is_known

HERE = Path(__file__).resolve().parent
SHARED = Path(os.environ.get("CIVICSPACE_SHARED", HERE.parents[2] / "shared")) / "data" / "repression"

BAKKE_FILE = "bakke_state_restrictions_civil_society_1994_2014.csv"
PTS_FILE = "political_terror_scale_1976_2023.csv"

# Bakke items: raw column -> (output column, allowed coded values). "NA" and the
# code 99 are missing values (see README.md); anything else stops the script.
ITEMS = {
    "ACTIVITIES_RESTRICT": ("activities_restrict", {"0", "1", "2"}),
    "VISIT_RESTRICT": ("visit_restrict", {"0", "1"}),
    "TRAVEL_RESTRICT": ("travel_restrict", {"0", "1", "2"}),
    "FUNDING_INT": ("funding_int", {"0", "1"}),
    "FUNDING_DOM": ("funding_dom", {"0", "1"}),
    "VISAS_DIFFICULTIES": ("visas_difficulties", {"0", "1"}),
    "VISAS_DENIED": ("visas_denied", {"0", "1"}),
    "HARASS_AMOUNT": ("harass_amount", {"0", "1", "2"}),
    "ARREST": ("arrest", {"0", "1", "2"}),
    "SURVEIL": ("surveil", {"0", "1", "2"}),
    "KILLING": ("killing", {"0", "1", "2"}),
    "COOPT": ("coopt", {"0", "1"}),
}
MISSING = {"NA", "99"}

# World Bank codes in the PTS file that are not ISO 3166-1 alpha-3 codes.
WB_TO_ISO3 = {
    "ADO": "AND",  # Andorra
    "ZAR": "COD",  # DR Congo (old World Bank code)
    "KSV": "XKX",  # Kosovo (no ISO code; civicspace.data.countries.NON_ISO)
    "ROM": "ROU",  # Romania (old World Bank code)
    "TMP": "TLS",  # Timor-Leste (old World Bank code)
    "WBG": "PSE",  # West Bank and Gaza
    "YUG": "SRB",  # Yugoslavia / Serbia and Montenegro: COW 345 is Serbia in the Bakke data
}
# COW codes of the Bakke data that the PTS file does not have.
COW_NOT_IN_PTS = {511: "ZZB"}  # Zanzibar (COW 511), coded separately by Bakke et al. 2011-2013

# Bakke's country names that pycountry does not recognise, and the ISO code each
# name must map to (a check on the COW mapping, not a second mapping).
NAME_ALIASES = {
    "Bosnia-Herzegovina": "BIH",
    "Brunei": "BRN",
    "Cape Verde": "CPV",
    "Congo, Democratic Republic of": "COD",
    "Cote d'lvoire": "CIV",  # sic, lower-case L
    "Kosovo": "XKX",
    "Macedonia": "MKD",
    "Micronesia": "FSM",
    "Russia": "RUS",
    "Surinam": "SUR",
    "Swaziland": "SWZ",
    "Turkey": "TUR",
    "Zanzibar": "ZZB",
}

YEARS = (1994, 2014)
PTS_STATUS = {"0", "66", "77", "88", "99"}
PTS_SOURCES = ("A", "H", "S")


class RawError(SystemExit):
    pass


def fail(path: Path, row: int, column: str | None, message: str) -> NoReturn:
    where = f"{path}, row {row}" + (f", column {column!r}" if column else "")
    raise RawError(f"{where}: {message}")


def read_csv(path: Path, required: list[str]) -> list[dict[str, str]]:
    if not path.exists():
        raise RawError(f"{path}: not found (set CIVICSPACE_SHARED to the folder holding data/repression)")
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        header = reader.fieldnames or []
        missing = [c for c in required if c not in header]
        if missing:
            fail(path, 1, None, f"missing column(s) {', '.join(map(repr, missing))}")
        rows = list(reader)
    for i, row in enumerate(rows, start=2):
        if None in row or any(v is None for v in row.values()):
            fail(path, i, None, "wrong number of cells")
    return rows


def integer(path: Path, i: int, column: str, raw: str, lo: int, hi: int) -> int:
    try:
        value = int(raw)
    except ValueError:
        fail(path, i, column, f"value {raw!r} is not an integer")
    if not lo <= value <= hi:
        fail(path, i, column, f"value {value} is outside {lo}-{hi}")
    return value


def read_pts() -> tuple[dict[int, str], dict[tuple[int, int], list[dict]], dict[tuple[str, int], list[dict]]]:
    """COW -> ISO3 map, and the PTS rows of entities that existed, by (COW, year) and by (ISO3, year)."""
    path = SHARED / PTS_FILE
    cols = (
        ["Country", "Year", "COW_Code_N", "WordBank_Code_A"]
        + [f"PTS_{s}" for s in PTS_SOURCES]
        + [f"NA_Status_{s}" for s in PTS_SOURCES]
    )
    cow_to_iso3: dict[int, str] = {}
    by_cow: dict[tuple[int, int], list[dict]] = {}
    by_iso3: dict[tuple[str, int], list[dict]] = {}
    for i, row in enumerate(read_csv(path, cols), start=2):
        year = integer(path, i, "Year", row["Year"], 1976, 2023)
        record = {"_row": i, "Country": row["Country"]}
        for s in PTS_SOURCES:
            score, status = row[f"PTS_{s}"], row[f"NA_Status_{s}"]
            if status not in PTS_STATUS:
                fail(path, i, f"NA_Status_{s}", f"unexpected reason code {status!r}")
            if score != "NA":
                integer(path, i, f"PTS_{s}", score, 1, 5)
            record[f"pts_{s.lower()}"] = "" if score == "NA" else score
            record[f"pts_{s.lower()}_na_status"] = status
        # Status 77 for all three sources: the entity did not exist that year (e.g.
        # the Soviet Union after 1991); such rows are never joined.
        exists = any(row[f"NA_Status_{s}"] != "77" for s in PTS_SOURCES)
        wb = row["WordBank_Code_A"]
        iso3 = WB_TO_ISO3.get(wb, wb) if wb != "NA" else None
        if iso3 is not None and not is_known(iso3):
            fail(path, i, "WordBank_Code_A", f"{wb!r} is not an ISO 3166-1 code; add it to WB_TO_ISO3")
        if row["COW_Code_N"] != "NA":
            cow = integer(path, i, "COW_Code_N", row["COW_Code_N"], 2, 999)
            if iso3 is not None and cow_to_iso3.setdefault(cow, iso3) != iso3:
                fail(path, i, "WordBank_Code_A", f"COW {cow} is {cow_to_iso3[cow]} elsewhere in the file, here {iso3}")
            if exists:
                by_cow.setdefault((cow, year), []).append(record)
        if iso3 is not None and exists:
            by_iso3.setdefault((iso3, year), []).append(record)
    return cow_to_iso3, by_cow, by_iso3


def iso3_of_name(name: str) -> str | None:
    if name in NAME_ALIASES:
        return NAME_ALIASES[name]
    try:
        return pycountry.countries.lookup(name).alpha_3
    except LookupError:
        return None


COLUMNS = [
    "iso3",
    "country",
    "year",
    "cowcode",
    *[c for c, _ in ITEMS.values()],
    "pts_a",
    "pts_h",
    "pts_s",
    "pts_a_na_status",
    "pts_h_na_status",
    "pts_s_na_status",
]


def build() -> list[dict[str, str]]:
    cow_to_iso3, pts_by_cow, pts_by_iso3 = read_pts()
    path = SHARED / BAKKE_FILE
    rows = read_csv(path, ["", "cowcode", "COUNTRY", "YEAR", *ITEMS])
    out: list[dict[str, str]] = []
    seen: dict[tuple[str, int], int] = {}
    for i, row in enumerate(rows, start=2):
        integer(path, i, "", row[""], 1, len(rows))  # the unnamed row-number column: dropped
        cow = integer(path, i, "cowcode", row["cowcode"], 2, 999)
        year = integer(path, i, "YEAR", row["YEAR"], *YEARS)
        if cow in cow_to_iso3:
            iso3 = cow_to_iso3[cow]
        elif cow in COW_NOT_IN_PTS:
            iso3 = COW_NOT_IN_PTS[cow]
        else:
            fail(path, i, "cowcode", f"COW code {cow} ({row['COUNTRY']}) is not in {PTS_FILE}; add it to COW_NOT_IN_PTS")
        if iso3_of_name(row["COUNTRY"]) != iso3:
            fail(path, i, "COUNTRY", f"{row['COUNTRY']!r} does not look like {iso3} (COW {cow}); check the mapping")
        if (iso3, year) in seen:
            fail(path, i, "YEAR", f"duplicate country-year {iso3} {year} (first at row {seen[(iso3, year)]})")
        seen[(iso3, year)] = i
        record = {"iso3": iso3, "country": country_name(iso3), "year": str(year), "cowcode": str(cow)}
        for raw_col, (col, allowed) in ITEMS.items():
            value = row[raw_col].strip()
            if value in MISSING:
                record[col] = ""
            elif value in allowed:
                record[col] = value
            else:
                fail(path, i, raw_col, f"unexpected value {value!r} (expected {', '.join(sorted(allowed))} or NA)")
        # PTS of the same entity and the same year: by COW code, else (COW code absent
        # from the PTS row, e.g. Serbia from 2007) by ISO code.
        matches = pts_by_cow.get((cow, year)) or pts_by_iso3.get((iso3, year)) or []
        if len(matches) > 1:
            names = ", ".join(f"{m['Country']} (row {m['_row']})" for m in matches)
            fail(path, i, "cowcode", f"{iso3} {year} matches several PTS entities: {names}")
        pts = matches[0] if matches else {}
        for s in PTS_SOURCES:
            record[f"pts_{s.lower()}"] = pts.get(f"pts_{s.lower()}", "")
        for s in PTS_SOURCES:
            record[f"pts_{s.lower()}_na_status"] = pts.get(f"pts_{s.lower()}_na_status", "")
        out.append(record)
    out.sort(key=lambda r: (r["iso3"], int(r["year"])))
    return out


def write(path: Path, rows: list[dict[str, str]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main(out_dir: Path = HERE) -> None:
    rows = build()
    out_dir.mkdir(parents=True, exist_ok=True)
    write(out_dir / "hrd_restrictions.csv", rows)
    no_pts = sum(not r["pts_a_na_status"] for r in rows)
    print(f"wrote {len(rows)} rows to {out_dir / 'hrd_restrictions.csv'} ({no_pts} without any PTS entity)")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE)
