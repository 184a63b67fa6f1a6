"""Build the civic-space panel: V-Dem v14 civil-society and democracy indices, 1970-2023.

Reads ../shared/data/vdem/vdem_v14_civil_society_1970_2023.csv (one row per V-Dem
country-year, as extracted from the `vdemlite` R package) and writes, next to
this script (or into the folder given as the first argument):

- civic_space_panel.csv: one row per country and year (iso3, country, year and
  the 14 V-Dem variables under their V-Dem names).

Values are copied as the raw file gives them (three decimals), never re-rounded.
Run from the repository root:  python datasets/civic_space_panel/make_data.py
The committed CSV is a frozen snapshot: rebuild it deliberately, in its own commit.
``make test`` checks that this script reproduces it exactly.
"""

from __future__ import annotations

import csv
import os
import re
import sys
from pathlib import Path

from civicspace.data.countries import NON_ISO, country_name, is_known

HERE = Path(__file__).resolve().parent
SHARED = Path(os.environ.get("CIVICSPACE_SHARED", HERE.parents[2] / "shared")) / "data" / "vdem"
RAW = SHARED / "vdem_v14_civil_society_1970_2023.csv"
OUT_NAME = "civic_space_panel.csv"

ID_COLUMNS = ["country_name", "country_text_id", "country_id", "year"]

# The V-Dem variables, in the raw file's order, with the range each must lie in.
# None: V-Dem measurement-model estimate on an unbounded latent (interval) scale.
INDEX = (0.0, 1.0)
VARIABLES: dict[str, tuple[float, float] | None] = {
    "v2xcs_ccsi": INDEX,
    "v2cseeorgs": None,
    "v2csreprss": None,
    "v2x_cspart": INDEX,
    "v2cscnsult": None,
    "v2csprtcpt": None,
    "v2csgender": None,
    "v2csrlgrep": None,
    "v2x_frassoc_thick": INDEX,
    "v2x_polyarchy": INDEX,
    "v2x_libdem": INDEX,
    "v2x_regime": (0, 3),  # Regimes of the World, an integer 0-3
    "v2x_civlib": INDEX,
    "v2x_freexp_altinf": INDEX,
}
INTEGER_VARIABLES = {"v2x_regime"}
YEARS = (1970, 2023)

# V-Dem's country_text_id is the course's iso3 code for every unit in v14, so no
# code is remapped. A remapping, should a later file need one, goes here as
# {V-Dem code: course code} and is documented in README.md.
CODE_FIXES: dict[str, str] = {}

# Units whose V-Dem code is not an ISO 3166-1 code (all listed in
# civicspace.data.countries.NON_ISO), with the name V-Dem gives them. Checked against
# every raw row, so a code that V-Dem reuses for another unit stops the build.
NON_ISO_UNITS = {
    "XKX": "Kosovo",
    "SML": "Somaliland",
    "ZZB": "Zanzibar",
    "PSG": "Palestine/Gaza",
    "DDR": "German Democratic Republic",
    "YMD": "South Yemen",
    "VDR": "Republic of Vietnam",
}

# ISO codes whose V-Dem name differs from the course's name (country_name(iso3)).
# Checked too: every other code must carry exactly the course's name.
VDEM_NAMES = {
    "CIV": "Ivory Coast",
    "COD": "Democratic Republic of the Congo",
    "COG": "Republic of the Congo",
    "CPV": "Cape Verde",
    "GMB": "The Gambia",
    "MMR": "Burma/Myanmar",
    "PSE": "Palestine/West Bank",  # V-Dem's unit is the West Bank; Gaza is PSG from 2007
    "USA": "United States of America",
}

_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
_INTEGER = re.compile(r"^\d+$")


def fail(where: str, message: str) -> None:
    raise SystemExit(f"{where}: {message}")


def course_code(raw_code: str, vdem_name: str, where: str) -> str:
    code = CODE_FIXES.get(raw_code, raw_code)
    if not is_known(code):
        fail(
            f"{where}, column 'country_text_id'",
            f"code {raw_code!r} ({vdem_name}) is neither ISO 3166-1 alpha-3 nor in civicspace.data.countries.NON_ISO; "
            "add a documented mapping to CODE_FIXES in make_data.py",
        )
    if code in NON_ISO:
        expected = NON_ISO_UNITS.get(code)
        if expected is None:
            fail(f"{where}, column 'country_text_id'", f"non-ISO code {code!r} ({vdem_name}) is not documented in NON_ISO_UNITS")
    else:
        expected = VDEM_NAMES.get(code, country_name(code))
    if vdem_name != expected:
        fail(
            f"{where}, column 'country_name'",
            f"V-Dem names code {raw_code!r} {vdem_name!r}, expected {expected!r}: check that the code still means the same unit",
        )
    return code


def check_value(value: str, name: str, where: str) -> str:
    if value == "":
        return value  # missing in V-Dem: kept as an empty cell
    pattern = _INTEGER if name in INTEGER_VARIABLES else _NUMBER
    if not pattern.match(value):
        fail(f"{where}, column {name!r}", f"value {value!r} is not {'an integer' if name in INTEGER_VARIABLES else 'a number'}")
    bounds = VARIABLES[name]
    if bounds is not None and not bounds[0] <= float(value) <= bounds[1]:
        fail(f"{where}, column {name!r}", f"value {value!r} is outside {bounds[0]}-{bounds[1]}")
    return value


def build() -> list[dict[str, str]]:
    if not RAW.exists():
        raise SystemExit(f"{RAW}: not found (set CIVICSPACE_SHARED to the folder holding data/vdem)")
    with open(RAW, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        expected_header = ID_COLUMNS + list(VARIABLES)
        if reader.fieldnames != expected_header:
            fail(f"{RAW}, row 1 (header)", f"columns are {reader.fieldnames}, expected {expected_header}")
        raw_rows = list(reader)

    rows: list[dict[str, str]] = []
    seen: dict[tuple[str, int], int] = {}
    unit_of_code: dict[str, tuple[str, str]] = {}
    for i, raw in enumerate(raw_rows, start=2):
        where = f"{RAW}, row {i}"
        if None in raw or any(v is None for v in raw.values()):
            fail(where, "wrong number of cells")
        name, raw_code, vdem_id, year_text = (raw[c].strip() for c in ID_COLUMNS)
        if not _INTEGER.match(year_text) or not YEARS[0] <= int(year_text) <= YEARS[1]:
            fail(f"{where}, column 'year'", f"value {year_text!r} is not a year in {YEARS[0]}-{YEARS[1]}")
        if not _INTEGER.match(vdem_id):
            fail(f"{where}, column 'country_id'", f"value {vdem_id!r} is not an integer")
        # One code, one V-Dem unit (country_id and name) throughout the file.
        unit = unit_of_code.setdefault(raw_code, (vdem_id, name))
        if unit != (vdem_id, name):
            fail(f"{where}, column 'country_text_id'", f"code {raw_code!r} is used for {unit} and for {(vdem_id, name)}")
        code = course_code(raw_code, name, where)
        year = int(year_text)
        if (code, year) in seen:
            fail(
                f"{where}, columns 'country_text_id', 'year'",
                f"{code} {year} already at row {seen[(code, year)]}: two V-Dem units map to one iso3; "
                "keep them apart with a documented non-ISO code",
            )
        seen[(code, year)] = i
        row = {"iso3": code, "country": country_name(code), "year": year_text}
        for var in VARIABLES:
            row[var] = check_value(raw[var].strip(), var, where)
        rows.append(row)
    rows.sort(key=lambda r: (r["iso3"], int(r["year"])))
    return rows


def write(path: Path, rows: list[dict[str, str]]) -> None:
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
