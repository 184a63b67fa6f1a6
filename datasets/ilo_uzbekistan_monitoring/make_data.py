"""Build the tidy table of ILO monitoring of child and forced labour in Uzbekistan's cotton harvest.

Reads ilo_uzbekistan_monitoring_source.csv (kept by hand in this folder: one row per
cotton harvest for which an ILO monitoring report was found, with the figures as
published and the page that was checked), checks it strictly and writes
ilo_uzbekistan_monitoring.csv next to this script (or into the folder given as the
first argument), sorted by harvest year, with ``iso3``/``country`` columns added
(civicspace.data.countries.country_name) so that the table joins the course's other tables.

Every cell is checked against the schema in resource.json (types, required values,
allowed values, patterns, ranges, unique ids); this script adds the rules that compare
columns or rows. Any problem in the source stops the script with a message naming the file, the row
(spreadsheet numbering: the header is row 1) and the column.

Run from the repository root:  python datasets/ilo_uzbekistan_monitoring/make_data.py
The committed CSV is a frozen snapshot: rebuild it deliberately, in its own commit.
"""

from __future__ import annotations

import sys
from pathlib import Path

from civicspace.data import curation
from civicspace.data.countries import country_name
from civicspace.data.curation import SourceError

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "ilo_uzbekistan_monitoring_source.csv"
OUTPUT = "ilo_uzbekistan_monitoring.csv"
RESOURCE = curation.load_resource(HERE / "resource.json")
ISO3 = "UZB"
#: Columns this script computes (every other column of the schema is in the source table).
DERIVED = ("iso3", "country")


def read_source(path: Path | str = SOURCE) -> list[dict[str, str]]:
    """Read and check the source table; return its rows (raises SourceError listing every problem)."""
    table = curation.read_source(path, RESOURCE, derived=DERIVED)
    for line, row in table:
        estimate, pickers = row["forced_labour_estimate"], row["estimated_pickers"]
        if estimate and pickers and int(estimate) > int(pickers):
            table.bad(line, "forced_labour_estimate", f"value {estimate!r} exceeds estimated_pickers ({pickers})")
        if row["published"] and row["harvest_year"] and int(row["published"][:4]) < int(row["harvest_year"]):
            table.bad(
                line, "published", f"value {row['published']!r} is before the harvest it reports on ({row['harvest_year']})"
            )
    return table.checked()


def tidy(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    out = [{**row, "iso3": ISO3, "country": country_name(ISO3)} for row in rows]
    out.sort(key=lambda r: int(r["harvest_year"]))
    return out


def main(out_dir: Path = HERE) -> None:
    try:
        rows = tidy(read_source(SOURCE))
        curation.write_checked(out_dir / OUTPUT, rows, RESOURCE)
    except SourceError as err:
        raise SystemExit(str(err)) from None
    print(f"wrote {len(rows)} rows to {out_dir / OUTPUT}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE)
