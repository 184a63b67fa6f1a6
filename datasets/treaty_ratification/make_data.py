"""Build the tidy treaty-ratification tables from the raw OHCHR status snapshot.

Reads ../shared/data/treaties/hr_status_*.csv (one file per treaty, one row per
UN member state, as compiled by world-politics-datalab from the UN Treaty
Collection in August 2022) and writes, next to this script:

- treaty_ratification.csv: one row per state and treaty (iso3, iso2, country,
  treaty, status, year);
- treaties.csv: the 18 treaties (code, title, year adopted).

Run from the repository root:  python datasets/treaty_ratification/make_data.py
The committed CSVs are a frozen snapshot: rebuild them deliberately, in their own
commit. ``make test`` checks that this script reproduces them exactly.
"""

from __future__ import annotations

import csv
import os
import sys
from pathlib import Path

import pycountry

from civicspace.data.countries import country_name

HERE = Path(__file__).resolve().parent
SHARED = Path(os.environ.get("CIVICSPACE_SHARED", HERE.parents[2] / "shared")) / "data" / "treaties"

# Raw file stem -> (course code, official title, year the UN General Assembly adopted it).
# Years as listed in OHCHR's table "The core international human rights instruments
# and their monitoring bodies" (https://www.ohchr.org/en/core-international-human-rights-instruments-and-their-monitoring-bodies).
TREATIES = {
    "icerd": ("ICERD", "International Convention on the Elimination of All Forms of Racial Discrimination", 1965),
    "iccpr": ("ICCPR", "International Covenant on Civil and Political Rights", 1966),
    "iccpr_op1": ("ICCPR-OP1", "Optional Protocol to the International Covenant on Civil and Political Rights", 1966),
    "iccpr_op2": (
        "ICCPR-OP2",
        "Second Optional Protocol to the International Covenant on Civil and Political Rights, aiming at the abolition of the death penalty",
        1989,
    ),
    "icescr": ("ICESCR", "International Covenant on Economic, Social and Cultural Rights", 1966),
    "icescr_op": ("ICESCR-OP", "Optional Protocol to the International Covenant on Economic, Social and Cultural Rights", 2008),
    "cedaw": ("CEDAW", "Convention on the Elimination of All Forms of Discrimination against Women", 1979),
    "op_cedaw": (
        "OP-CEDAW",
        "Optional Protocol to the Convention on the Elimination of All Forms of Discrimination against Women",
        1999,
    ),
    "cat": ("CAT", "Convention against Torture and Other Cruel, Inhuman or Degrading Treatment or Punishment", 1984),
    "opcat": (
        "OP-CAT",
        "Optional Protocol to the Convention against Torture and Other Cruel, Inhuman or Degrading Treatment or Punishment",
        2002,
    ),
    "crc": ("CRC", "Convention on the Rights of the Child", 1989),
    "op_crc_ac": (
        "OP-CRC-AC",
        "Optional Protocol to the Convention on the Rights of the Child on the involvement of children in armed conflict",
        2000,
    ),
    "op_crc_sc": (
        "OP-CRC-SC",
        "Optional Protocol to the Convention on the Rights of the Child on the sale of children, child prostitution and child pornography",
        2000,
    ),
    "op_crc_ic": (
        "OP-CRC-IC",
        "Optional Protocol to the Convention on the Rights of the Child on a communications procedure",
        2011,
    ),
    "icmw": (
        "ICMW",
        "International Convention on the Protection of the Rights of All Migrant Workers and Members of Their Families",
        1990,
    ),
    "crpd": ("CRPD", "Convention on the Rights of Persons with Disabilities", 2006),
    "op_crpd": ("OP-CRPD", "Optional Protocol to the Convention on the Rights of Persons with Disabilities", 2006),
    "cped": ("CPED", "International Convention for the Protection of All Persons from Enforced Disappearance", 2006),
}

# Codes in the raw files that are not current ISO 3166-1 alpha-2 codes, checked by the member name.
ISO2_FIXES = {
    ("TP", "East Timor"): "TL",  # TP was withdrawn in 2002; Timor-Leste is TL
    ("S", "South Sudan"): "SS",  # truncated in hr_status_op_crc_ic.csv
}

# Raw rows that contradict themselves, and how this script resolves them (see README.md).
STATUS_FIXES = {
    # Status says "state party" but the party flag is 0 and no year is given;
    # the flags (party 0, signatory 0) are taken as the truth: not a party.
    ("op_cedaw", "ZW"): "no action",
    # Coding errors, not contradictions: the raw files code these states as parties
    # since 1976 with the note "Signature tied to the UK's", i.e. they carry over the
    # United Kingdom's 1976 extension of the Covenants to its then dependent
    # territories. The UN Treaty Collection status lists do not include either state
    # as a party to these Covenants (neither has signed, ratified, acceded or
    # succeeded); Solomon Islands is a party to the ICESCR by succession (1982),
    # which the raw file already has right. Corrected to "no action" (see README.md).
    ("iccpr", "TV"): "no action",
    ("icescr", "TV"): "no action",
    ("iccpr", "SB"): "no action",
    # The same carry-over, coded with contradictory flags (party 1 and no action 1):
    # Brunei Darussalam is not a party to ICERD (at its first universal periodic review,
    # 2010 in datasets/upr_recommendations, six states recommended that it ratify or
    # accede to ICERD; Malay Mail, 22 Nov 2018, counts it among the states that have not
    # joined). Corrected to "no action".
    ("icerd", "BN"): "no action",
}

# Rows that are not UN member states: dropped (see README.md). The same file
# has no row for Gabon, whose OP-CRC-IC status is therefore absent from the extract.
NOT_MEMBERS = {("op_crc_ic", "MS")}  # Montserrat, a UK overseas territory

STATUS = {"state party": "party", "signatory state": "signatory", "no action": "no action"}


def country_of(iso2: str, member: str, where: str):
    iso2 = ISO2_FIXES.get((iso2, member), iso2)
    country = pycountry.countries.get(alpha_2=iso2)
    if country is None:
        raise SystemExit(f"{where}, column 'iso2': unknown ISO 3166 alpha-2 code {iso2!r}")
    return country


def read_raw(stem: str) -> list[dict[str, str]]:
    path = SHARED / f"hr_status_{stem}.csv"
    if not path.exists():
        raise SystemExit(f"{path}: not found (set CIVICSPACE_SHARED to the folder holding data/treaties)")
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for i, row in enumerate(rows, start=2):
        row["_where"] = where = f"{path}, row {i}"
        fix = STATUS_FIXES.get((stem, row["iso2"]))
        if fix is not None:
            row["status"] = {v: k for k, v in STATUS.items()}[fix]
            if fix != "party":
                row["year ratification or accession"] = ""
        if row["status"] not in STATUS:
            raise SystemExit(f"{where}, column 'status': unexpected value {row['status']!r}")
        year = row["year ratification or accession"].strip()
        if (row["status"] == "state party") != bool(year):
            raise SystemExit(f"{where}: a state party needs a year and only a party has one")
    return [r for r in rows if (stem, r["iso2"]) not in NOT_MEMBERS]


def build() -> tuple[list[dict], list[dict]]:
    ratification: list[dict] = []
    order = {code: i for i, (code, _t, _y) in enumerate(TREATIES.values())}
    for stem, (code, _title, _year) in TREATIES.items():
        for row in read_raw(stem):
            # iso2 is read as text: Namibia's code "NA" is not a missing value.
            country = country_of(row["iso2"].strip(), row["member"].strip(), row["_where"])
            ratification.append(
                {
                    "iso3": country.alpha_3,
                    "iso2": country.alpha_2,
                    "country": country_name(country.alpha_3),
                    "treaty": code,
                    "status": STATUS[row["status"]],
                    "year": row["year ratification or accession"].strip(),
                }
            )
    ratification.sort(key=lambda r: (r["iso3"], order[r["treaty"]]))
    treaties = [{"treaty": code, "title": title, "adopted_year": year} for code, title, year in TREATIES.values()]
    return ratification, treaties


def write(path: Path, rows: list[dict]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main(out_dir: Path = HERE) -> None:
    ratification, treaties = build()
    write(out_dir / "treaty_ratification.csv", ratification)
    write(out_dir / "treaties.csv", treaties)
    print(f"wrote {len(ratification)} rows to {out_dir / 'treaty_ratification.csv'}")
    print(f"wrote {len(treaties)} rows to {out_dir / 'treaties.csv'}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE)
