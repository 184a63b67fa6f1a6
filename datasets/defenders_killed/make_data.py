"""Build the tidy table of human rights defenders killed per year (Front Line Defenders counts).

Reads defenders_killed_source.csv (kept by hand in this folder: one row per calendar
year of killings, with the figure from that year's own Front Line Defenders report and
the page that was checked), checks it strictly and writes defenders_killed.csv next to
this script (or into the folder given as the first argument), sorted by year.

Every cell is checked against the schema in resource.json (types, required values,
ranges, patterns, the unique year); this script adds the rules that compare two
columns. Any problem in the source stops the script with a message naming the file,
the row (spreadsheet numbering: the header is row 1) and the column.

Run from the repository root:  python datasets/defenders_killed/make_data.py
The committed CSV is a frozen snapshot: rebuild it deliberately, in its own commit.
"""

from __future__ import annotations

import sys
from pathlib import Path

from civicspace.data import curation
from civicspace.data.curation import SourceError

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "defenders_killed_source.csv"
OUTPUT = "defenders_killed.csv"
RESOURCE = curation.load_resource(HERE / "resource.json")


def read_source(path: Path | str = SOURCE) -> list[dict[str, str]]:
    """Read and check the source table; return its rows (raises SourceError listing every problem)."""
    table = curation.read_source(path, RESOURCE)
    for line, row in table:
        if row["countries"] and row["killed"] and int(row["countries"]) > int(row["killed"]):
            table.bad(line, "countries", f"value {row['countries']!r} is more than the number killed ({row['killed']})")
        if row["published"] and row["year"] and int(row["published"][:4]) < int(row["year"]):
            table.bad(line, "published", f"value {row['published']!r} is before the year it reports on ({row['year']})")
    return table.checked()


def main(out_dir: Path = HERE) -> None:
    try:
        rows = sorted(read_source(SOURCE), key=lambda r: int(r["year"]))
        curation.write_checked(out_dir / OUTPUT, rows, RESOURCE)
    except SourceError as err:
        raise SystemExit(str(err)) from None
    print(f"wrote {len(rows)} rows to {out_dir / OUTPUT}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE)
