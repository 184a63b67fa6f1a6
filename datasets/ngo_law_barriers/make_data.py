"""Build the NGO-law barrier panel from the Chaudhry/Heiss and Christensen & Weinstein codings.

Reads, from ../shared/data/ngo_laws/ (or $CIVICSPACE_SHARED/data/ngo_laws/):

- chaudhry_heiss_panel_1990_2013.csv: Chaudhry's NGO-law items and indices, as
  assembled by Chaudhry & Heiss (andrewheiss/cautioning-canary), 162 countries,
  1990-2013, with many non-barrier covariates that this script leaves out;
- dcjw_ngo_barriers_1981_2015.csv: Christensen & Weinstein's (DCJW) coding of 98
  countries, made into a yearly panel 1981-2015 by A. Heiss (andrewheiss/ngo-barriers);
- dcjw_questions.csv: the question key (q_1a ... q_4c) of both codings.

and writes, next to this script (or into the folder given as first argument):

- ngo_law_barriers.csv: one row per iso3 and year covered by at least one of the two
  sources; the items of each source side by side with the prefixes ``ch_`` (Chaudhry)
  and ``cw_`` (Christensen & Weinstein), and the flags ``ch_covered``/``cw_covered``.

Run from the repository root:  python datasets/ngo_law_barriers/make_data.py
The committed CSV is a frozen snapshot: rebuild it deliberately, in its own commit.
``make test`` checks that this script reproduces it exactly.
"""

from __future__ import annotations

import csv
import os
import sys
from fractions import Fraction
from pathlib import Path
from typing import NoReturn

from civicspace.data.countries import country_name, is_known, iso3_from_iso2

HERE = Path(__file__).resolve().parent
SHARED = Path(os.environ.get("CIVICSPACE_SHARED", HERE.parents[2] / "shared")) / "data" / "ngo_laws"

CHAUDHRY_FILE = "chaudhry_heiss_panel_1990_2013.csv"
DCJW_FILE = "dcjw_ngo_barriers_1981_2015.csv"
QUESTIONS_FILE = "dcjw_questions.csv"

ZERO_ONE = {Fraction(0), Fraction(1)}
HALVES = {Fraction(0), Fraction(1, 2), Fraction(1)}
ZERO_TWO = {Fraction(0), Fraction(1), Fraction(2)}
MINUS_ONE_ONE = {Fraction(-1), Fraction(0), Fraction(1)}

# The question key as this script expects to find it in dcjw_questions.csv:
# question -> (column name in both raw files, barrier family, left out of the indices?)
QUESTIONS = {
    "q_1a": ("const_assoc", "association", True),
    "q_1b": ("political_parties", "association", True),
    "q_2a": ("ngo_register", "entry", True),
    "q_2b": ("ngo_register_burden", "entry", False),
    "q_2c": ("ngo_register_appeal", "entry", False),
    "q_2d": ("ngo_barrier_foreign_funds", "entry", False),
    "q_3a": ("ngo_disclose_funds", "funding", True),
    "q_3b": ("ngo_foreign_fund_approval", "funding", False),
    "q_3c": ("ngo_foreign_fund_channel", "funding", False),
    "q_3d": ("ngo_foreign_fund_restrict", "funding", False),
    "q_3e": ("ngo_foreign_fund_prohibit", "funding", False),
    "q_3f": ("ngo_type_foreign_fund_prohibit", "funding", False),
    "q_4a": ("ngo_politics", "advocacy", False),
    "q_4b": ("ngo_politics_intimidation", "advocacy", True),
    "q_4c": ("ngo_politics_foreign_fund", "advocacy", False),
}

# Chaudhry items kept: raw column -> (output column, allowed values). The panel's
# authors reversed q2c (1 = appeal NOT allowed), rescaled the 0-2 items q3e, q3f,
# q4a to 0/0.5/1 and set the -1 of q2d and q4c to 0 (see README.md); the panel has
# no column for q1a, q1b and q4b. q2c is renamed so that its name says its direction.
CH_ITEMS = {
    "ngo_register": ("ch_ngo_register", ZERO_ONE),
    "ngo_register_burden": ("ch_ngo_register_burden", ZERO_ONE),
    "ngo_register_appeal": ("ch_ngo_register_no_appeal", ZERO_ONE),
    "ngo_barrier_foreign_funds": ("ch_ngo_barrier_foreign_funds", ZERO_ONE),
    "ngo_disclose_funds": ("ch_ngo_disclose_funds", ZERO_ONE),
    "ngo_foreign_fund_approval": ("ch_ngo_foreign_fund_approval", ZERO_ONE),
    "ngo_foreign_fund_channel": ("ch_ngo_foreign_fund_channel", ZERO_ONE),
    "ngo_foreign_fund_restrict": ("ch_ngo_foreign_fund_restrict", ZERO_ONE),
    "ngo_foreign_fund_prohibit": ("ch_ngo_foreign_fund_prohibit", HALVES),
    "ngo_type_foreign_fund_prohibit": ("ch_ngo_type_foreign_fund_prohibit", HALVES),
    "ngo_politics": ("ch_ngo_politics", HALVES),
    "ngo_politics_foreign_fund": ("ch_ngo_politics_foreign_fund", ZERO_ONE),
}
CH_INDICES = {"entry": "ch_entry", "funding": "ch_funding", "advocacy": "ch_advocacy", "barriers_total": "ch_barriers_total"}

# DCJW items as answered (not reversed, not rescaled): raw column -> allowed values.
CW_ITEMS = {
    "const_assoc": ZERO_ONE,
    "political_parties": ZERO_ONE,
    "ngo_register": ZERO_ONE,
    "ngo_register_burden": ZERO_ONE,
    "ngo_register_appeal": ZERO_ONE,
    "ngo_barrier_foreign_funds": MINUS_ONE_ONE,
    "ngo_disclose_funds": ZERO_ONE,
    "ngo_foreign_fund_approval": ZERO_ONE,
    "ngo_foreign_fund_channel": ZERO_ONE,
    "ngo_foreign_fund_restrict": ZERO_ONE,
    "ngo_foreign_fund_prohibit": ZERO_TWO,
    "ngo_type_foreign_fund_prohibit": ZERO_TWO,
    "ngo_politics": ZERO_TWO,
    "ngo_politics_intimidation": ZERO_ONE,
    "ngo_politics_foreign_fund": MINUS_ONE_ONE,
}
CW_INDICES = ("entry", "funding", "advocacy", "barriers_total")

# Codes in the raw files that are not ISO 3166-1 (checked with the country name).
ISO3_FIXES = {
    (CHAUDHRY_FILE, "XKK", "Kosovo"): "XKX",  # Chaudhry/Heiss's own code for Kosovo
    (DCJW_FILE, "KXX", "Kosovo"): "XKX",  # Heiss's custom code in the DCJW panel
}

# States in the DCJW file that did not exist in 1981. Heiss's DCJW panel gives every
# country all years 1981-2015, filling the years before a state existed with the
# (back-dated) coding of its later laws; those rows are dropped here. The first years
# are those of the Gleditsch & Ward state list used by the Chaudhry/Heiss panel; the
# script checks them against the first year of each state in that panel.
STATE_SINCE = {
    "ARM": 1991,
    "AZE": 1991,
    "BLR": 1991,
    "GEO": 1991,
    "KAZ": 1991,
    "KGZ": 1991,
    "LVA": 1991,
    "TJK": 1991,
    "TKM": 1991,
    "UKR": 1991,
    "UZB": 1991,
    "BIH": 1992,
    "ERI": 1993,
    "TLS": 2002,
    "MNE": 2006,
    "XKX": 2008,
}

# Same iso3, different COW codes in the two files (checked, see README.md).
# Chaudhry/Heiss code Serbia 345 (as Yugoslavia, following Gleditsch & Ward) and Yemen
# 678 (the GW code); DCJW use 340 (Serbia after 2006) and 679 (COW's unified Yemen).
COW_DIFFERENCES = {"SRB": (345, 340), "YEM": (678, 679)}

CH_YEARS = (1990, 2013)
CW_YEARS = (1981, 2015)


class RawError(SystemExit):
    pass


def fail(path: Path, row: int, column: str | None, message: str) -> NoReturn:
    where = f"{path}, row {row}" + (f", column {column!r}" if column else "")
    raise RawError(f"{where}: {message}")


def read_csv(path: Path, required: list[str]) -> list[dict[str, str]]:
    if not path.exists():
        raise RawError(f"{path}: not found (set CIVICSPACE_SHARED to the folder holding data/ngo_laws)")
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


def number(path: Path, i: int, column: str, raw: str, allowed: set[Fraction] | None = None) -> Fraction:
    try:
        value = Fraction(raw.strip())
    except (ValueError, ZeroDivisionError):
        fail(path, i, column, f"value {raw!r} is not a number")
    if allowed is not None and value not in allowed:
        shown = ", ".join(fmt(v) for v in sorted(allowed))
        fail(path, i, column, f"unexpected value {raw!r} (expected one of {shown})")
    return value


def integer(path: Path, i: int, column: str, raw: str, lo: int, hi: int) -> int:
    try:
        value = int(raw)
    except ValueError:
        fail(path, i, column, f"value {raw!r} is not an integer")
    if not lo <= value <= hi:
        fail(path, i, column, f"value {value} is outside {lo}-{hi}")
    return value


def fmt(value: Fraction | None) -> str:
    """0 -> '0', 1/2 -> '0.5', 9/2 -> '4.5'; None -> '' (missing)."""
    if value is None:
        return ""
    if value.denominator == 1:
        return str(value.numerator)
    return str(float(value))


def iso3_of(path: Path, i: int, code: str, name: str) -> str:
    iso3 = ISO3_FIXES.get((path.name, code, name), code)
    if not is_known(iso3):
        fail(path, i, "iso3", f"unknown country code {code!r} ({name}); add it to ISO3_FIXES")
    return iso3


def check_questions() -> None:
    path = SHARED / QUESTIONS_FILE
    rows = read_csv(path, ["question", "barrier", "question_clean", "ignore_in_index"])
    seen = {}
    for i, row in enumerate(rows, start=2):
        q = row["question"]
        if q not in QUESTIONS:
            fail(path, i, "question", f"unexpected question {q!r}")
        column, barrier, ignore = QUESTIONS[q]
        got = (row["question_clean"], row["barrier"], row["ignore_in_index"])
        if got != (column, barrier, "TRUE" if ignore else "FALSE"):
            fail(path, i, "question_clean", f"{q} is {got}, this script expects {(column, barrier, ignore)}")
        seen[q] = i
    if set(seen) != set(QUESTIONS):
        fail(path, len(rows) + 1, "question", f"questions missing: {sorted(set(QUESTIONS) - set(seen))}")


def read_chaudhry() -> tuple[dict[tuple[str, int], dict], dict[str, int], dict[str, int]]:
    """Rows covered by Chaudhry's coding; each state's first year; COW codes."""
    path = SHARED / CHAUDHRY_FILE
    required = ["year", "cowcode", "country", "iso2", "iso3", "laws", *CH_ITEMS, *CH_INDICES]
    covered: dict[tuple[str, int], dict] = {}
    first_year: dict[str, int] = {}
    cow: dict[str, int] = {}
    seen: dict[tuple[str, int], int] = {}
    for i, row in enumerate(read_csv(path, required), start=2):
        iso3 = iso3_of(path, i, row["iso3"], row["country"])
        if iso3 not in ("XKX",) and iso3_from_iso2(row["iso2"]) != iso3:
            fail(path, i, "iso2", f"{row['iso2']!r} does not belong to {row['iso3']!r}")
        year = integer(path, i, "year", row["year"], *CH_YEARS)
        if (iso3, year) in seen:
            fail(path, i, "iso3", f"duplicate country-year {iso3} {year} (first at row {seen[(iso3, year)]})")
        seen[(iso3, year)] = i
        first_year[iso3] = min(year, first_year.get(iso3, year))
        code = integer(path, i, "cowcode", row["cowcode"], 2, 999)
        if cow.setdefault(iso3, code) != code:
            fail(path, i, "cowcode", f"{iso3} has two COW codes ({cow[iso3]}, {code})")
        if row["laws"] not in ("TRUE", "FALSE"):
            fail(path, i, "laws", f"value {row['laws']!r} is not TRUE/FALSE")
        if row["laws"] == "FALSE":
            # Outside Chaudhry's coverage by the panel's own indicator: items are
            # NA, except Czechia 1990-1992 (see README.md); not carried over.
            continue
        out: dict[str, Fraction] = {}
        for raw_col, (out_col, allowed) in CH_ITEMS.items():
            if row[raw_col] == "NA":
                fail(path, i, raw_col, "missing although the row is inside Chaudhry's coverage (laws = TRUE)")
            out[out_col] = number(path, i, raw_col, row[raw_col], allowed)
        expected = {
            "entry": out["ch_ngo_register_burden"] + out["ch_ngo_register_no_appeal"] + out["ch_ngo_barrier_foreign_funds"],
            "funding": sum(
                out[c]
                for c in (
                    "ch_ngo_foreign_fund_approval",
                    "ch_ngo_foreign_fund_channel",
                    "ch_ngo_foreign_fund_restrict",
                    "ch_ngo_foreign_fund_prohibit",
                    "ch_ngo_type_foreign_fund_prohibit",
                )
            ),
            "advocacy": out["ch_ngo_politics"] + out["ch_ngo_politics_foreign_fund"],
        }
        expected["barriers_total"] = expected["entry"] + expected["funding"] + expected["advocacy"]
        for raw_col, out_col in CH_INDICES.items():
            value = number(path, i, raw_col, row[raw_col])
            if value != expected[raw_col]:
                fail(path, i, raw_col, f"index {fmt(value)} is not the sum of its items ({fmt(expected[raw_col])})")
            out[out_col] = value
        covered[(iso3, year)] = out
    return covered, first_year, cow


def read_dcjw(ch_first_year: dict[str, int], ch_cow: dict[str, int]) -> dict[tuple[str, int], dict]:
    path = SHARED / DCJW_FILE
    required = ["country_name", "iso3", "cowcode", "year", *CW_ITEMS, *CW_INDICES]
    covered: dict[tuple[str, int], dict] = {}
    seen: dict[tuple[str, int], int] = {}
    for i, row in enumerate(read_csv(path, required), start=2):
        iso3 = iso3_of(path, i, row["iso3"], row["country_name"])
        year = integer(path, i, "year", row["year"], *CW_YEARS)
        if (iso3, year) in seen:
            fail(path, i, "iso3", f"duplicate country-year {iso3} {year} (first at row {seen[(iso3, year)]})")
        seen[(iso3, year)] = i
        code = integer(path, i, "cowcode", row["cowcode"], 2, 999)
        if iso3 in ch_cow and ch_cow[iso3] != code and COW_DIFFERENCES.get(iso3) != (ch_cow[iso3], code):
            fail(path, i, "cowcode", f"{iso3} is COW {code} here but {ch_cow[iso3]} in {CHAUDHRY_FILE}")
        first = ch_first_year.get(iso3, CH_YEARS[0])
        if first > CH_YEARS[0] and STATE_SINCE.get(iso3) != first:
            fail(path, i, "iso3", f"{iso3} enters the Chaudhry panel in {first}; STATE_SINCE says {STATE_SINCE.get(iso3)}")
        if iso3 in STATE_SINCE and STATE_SINCE[iso3] != first:
            fail(path, i, "iso3", f"STATE_SINCE[{iso3!r}] = {STATE_SINCE[iso3]}, the Chaudhry panel starts in {first}")
        items = {c: number(path, i, c, row[c], allowed) for c, allowed in CW_ITEMS.items()}
        # Heiss's indices: q_2c reversed, 0-2 items halved, q_1a/q_1b/q_2a/q_3a/q_4b left out,
        # each family floored at 0.
        expected = {
            "entry": max(
                Fraction(0),
                items["ngo_register_burden"] + (1 - items["ngo_register_appeal"]) + items["ngo_barrier_foreign_funds"],
            ),
            "funding": max(
                Fraction(0),
                items["ngo_foreign_fund_approval"]
                + items["ngo_foreign_fund_channel"]
                + items["ngo_foreign_fund_restrict"]
                + items["ngo_foreign_fund_prohibit"] / 2
                + items["ngo_type_foreign_fund_prohibit"] / 2,
            ),
            "advocacy": max(Fraction(0), items["ngo_politics"] / 2 + items["ngo_politics_foreign_fund"]),
        }
        expected["barriers_total"] = expected["entry"] + expected["funding"] + expected["advocacy"]
        out = {f"cw_{c}": v for c, v in items.items()}
        for col in CW_INDICES:
            value = number(path, i, col, row[col])
            if value != expected[col]:
                fail(path, i, col, f"index {fmt(value)} is not the documented sum of its items ({fmt(expected[col])})")
            out[f"cw_{col}"] = value
        if year < STATE_SINCE.get(iso3, CW_YEARS[0]):
            continue  # before the state existed: a back-filled row, not an observation
        covered[(iso3, year)] = out
    return covered


CH_COLUMNS = [c for c, _ in CH_ITEMS.values()] + list(CH_INDICES.values())
CW_COLUMNS = [f"cw_{c}" for c in CW_ITEMS] + [f"cw_{c}" for c in CW_INDICES]
COLUMNS = ["iso3", "country", "year", "ch_covered", "cw_covered", *CH_COLUMNS, *CW_COLUMNS]


def build() -> list[dict[str, str]]:
    check_questions()
    ch, ch_first_year, ch_cow = read_chaudhry()
    cw = read_dcjw(ch_first_year, ch_cow)
    rows = []
    for iso3, year in sorted(set(ch) | set(cw)):
        row = {
            "iso3": iso3,
            "country": country_name(iso3),
            "year": str(year),
            "ch_covered": "true" if (iso3, year) in ch else "false",
            "cw_covered": "true" if (iso3, year) in cw else "false",
        }
        for col in CH_COLUMNS:
            row[col] = fmt(ch.get((iso3, year), {}).get(col))
        for col in CW_COLUMNS:
            row[col] = fmt(cw.get((iso3, year), {}).get(col))
        rows.append(row)
    return rows


def write(path: Path, rows: list[dict[str, str]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main(out_dir: Path = HERE) -> None:
    rows = build()
    out_dir.mkdir(parents=True, exist_ok=True)
    write(out_dir / "ngo_law_barriers.csv", rows)
    n_ch = sum(r["ch_covered"] == "true" for r in rows)
    n_cw = sum(r["cw_covered"] == "true" for r in rows)
    print(
        f"wrote {len(rows)} rows to {out_dir / 'ngo_law_barriers.csv'} "
        f"(Chaudhry {n_ch}, Christensen & Weinstein {n_cw}, both {n_ch + n_cw - len(rows)})"
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE)
