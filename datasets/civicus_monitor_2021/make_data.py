"""Build the CIVICUS Monitor civic-space ratings of 19 March 2021 (one date, not a series).

Reads ../shared/data/civicus/civicus_2021-03-19.csv (one row per country rated by
the CIVICUS Monitor on 19 March 2021: code, rating, country page) and writes, next
to this script (or into the folder given as the first argument):

- civicus_monitor_2021.csv: iso3, country, rating (lower-case, closed ... open),
  rating_code (1 closed ... 5 open), url.

Run from the repository root:  python datasets/civicus_monitor_2021/make_data.py
The committed CSV is a frozen snapshot: rebuild it deliberately, in its own commit.
``make test`` checks that this script reproduces it exactly.
"""

from __future__ import annotations

import csv
import os
import sys
from pathlib import Path

from civicspace.data.countries import country_name, is_known

HERE = Path(__file__).resolve().parent
SHARED = Path(os.environ.get("CIVICSPACE_SHARED", HERE.parents[2] / "shared")) / "data" / "civicus"
RAW = SHARED / "civicus_2021-03-19.csv"
OUT_NAME = "civicus_monitor_2021.csv"

HEADER = ["iso3", "civicus_code", "civicus_rating", "civicus_url"]
URL_PREFIX = "https://monitor.civicus.org/country/"

# CIVICUS's five ratings, from most to least restricted: code -> (raw label, our label).
RATINGS = {
    "1": ("Closed", "closed"),
    "2": ("Repressed", "repressed"),
    "3": ("Obstructed", "obstructed"),
    "4": ("Narrowed", "narrowed"),
    "5": ("Open", "open"),
}

# Raw codes that are not ISO 3166-1 alpha-3, checked by the country page they link to.
ISO3_FIXES = {
    ("SVT", "st-vincent-and-grenadines"): "VCT",  # Saint Vincent and the Grenadines
    ("kosovo", "kosovo"): "XKX",  # Kosovo: no ISO code; the course's non-ISO code
}

# Countries with a page but no rating in the raw file (code "None", empty rating):
# kept, with rating and rating_code empty (see README.md).
UNRATED = {"GRL"}  # Greenland


def fail(where: str, message: str) -> None:
    raise SystemExit(f"{where}: {message}")


def build() -> list[dict[str, str]]:
    if not RAW.exists():
        raise SystemExit(f"{RAW}: not found (set CIVICSPACE_SHARED to the folder holding data/civicus)")
    with open(RAW, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if reader.fieldnames != HEADER:
            fail(f"{RAW}, row 1 (header)", f"columns are {reader.fieldnames}, expected {HEADER}")
        raw_rows = list(reader)

    rows: list[dict[str, str]] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(raw_rows, start=2):
        where = f"{RAW}, row {i}"
        if None in raw or any(v is None for v in raw.values()):
            fail(where, "wrong number of cells")
        code, rating_code, label, url = (raw[c].strip() for c in HEADER)
        if not (url.startswith(URL_PREFIX) and url.endswith("/") and len(url) > len(URL_PREFIX) + 1):
            fail(f"{where}, column 'civicus_url'", f"value {url!r} is not a CIVICUS Monitor country page ({URL_PREFIX}<slug>/)")
        slug = url[len(URL_PREFIX) : -1]
        iso3 = ISO3_FIXES.get((code, slug), code)
        if not is_known(iso3):
            fail(f"{where}, column 'iso3'", f"unknown country code {code!r} (page {slug!r}); add a documented fix to ISO3_FIXES")
        if iso3 in seen:
            fail(f"{where}, column 'iso3'", f"{iso3} already at row {seen[iso3]}")
        seen[iso3] = i
        if iso3 in UNRATED:
            if (rating_code, label) != ("None", ""):
                fail(
                    f"{where}, column 'civicus_code'",
                    f"{iso3} was unrated in the raw file, now {rating_code!r} {label!r}: update UNRATED",
                )
            rating, rating_code = "", ""
        else:
            if rating_code not in RATINGS:
                fail(f"{where}, column 'civicus_code'", f"value {rating_code!r} is not a rating code 1-5")
            raw_label, rating = RATINGS[rating_code]
            if label != raw_label:
                fail(f"{where}, column 'civicus_rating'", f"value {label!r} does not match code {rating_code} ({raw_label})")
        rows.append({"iso3": iso3, "country": country_name(iso3), "rating": rating, "rating_code": rating_code, "url": url})
    rows.sort(key=lambda r: r["iso3"])
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
