"""Build the tidy table of Universal Periodic Review recommendations 2008-2014.

Reads ../shared/data/upr/upr_recommendations_<year>.csv (one file per year,
2008-2014, one row per recommendation and recommending state, compiled by
Rochelle Terman from the UPR working-group reports of the UN Human Rights
Council; see PROVENANCE.md) and writes, next to this script:

- upr_recommendations.csv: one row per raw row (39,191), with ISO codes for the
  state under review and the recommending state, the recommendation text, the
  response as given and a cleaned response, and four keyword flags.

The raw files are not clean UTF-8 CSV. Each problem is handled by an explicit,
documented rule below (see README.md), and anything the rules do not cover stops
the script with a message naming the file, the row and the column:

- encodings: bytes >= 0x80 are decoded with a per-file table (BYTE_MAP); the
  files are Mac Roman text, some of it mis-converted once or twice more;
- line endings: old Mac ``\\r``, ``\\r\\n`` and ``\\n`` all end a record;
- quoting: one record with a stray ``;`` after its closing quote (RAW_FIXES);
- one blank record (BLANK_RECORDS), two garbled words (TEXT_FIXES), one
  recommending state read from the wrong place (FROM_FIXES).

Country names are mapped to ISO 3166-1 alpha-3 codes by the hand-kept table
country_names.csv in this folder (raw name -> iso3, with a note for every name
that needs one); every raw name must be in it, and every entry must be used.

Run from the repository root:  python datasets/upr_recommendations/make_data.py [OUT_DIR]
The committed CSV is a frozen snapshot: rebuild it deliberately, in its own
commit. ``make test`` checks that this script reproduces it exactly.
"""

from __future__ import annotations

import csv
import io
import os
import re
import sys
from collections import Counter
from pathlib import Path

from civicspace.data.countries import country_name, is_known

HERE = Path(__file__).resolve().parent
SHARED = Path(os.environ.get("CIVICSPACE_SHARED", HERE.parents[2] / "shared")) / "data" / "upr"
NAMES_TABLE = HERE / "country_names.csv"
OUTPUT = "upr_recommendations.csv"

YEARS = range(2008, 2015)
RAW_HEADER = ["text", "to", "decision", "From", "year", "notes"]

# --------------------------------------------------------------------------- encoding
# Bytes >= 0x80 in each raw file and the character each one stands for. The files
# were saved as Mac Roman; those of 2008 and 2012-2014 were then read once more as
# Windows-1252 and re-saved as Mac Roman (so that the apostrophe ’, Mac Roman 0xD5,
# became "Õ", 0xCD), and 2010 mixes text mis-converted once (0xCD) and twice (0xEA).
# Each entry was checked against its context in the file (README.md lists examples).
# A byte not listed here stops the script, naming file, row and column.
_MAC_ROMAN = {
    0xD5: "’",
    0xD4: "‘",
    0xD3: "”",
    0xD0: "–",
    0xD1: "—",
    0x99: "ô",
    0x97: "ó",
    0x96: "ñ",
    0xA1: "°",
    0x88: "à",
    0x8E: "é",
    0x8F: "è",
    0x87: "á",
    0x9A: "ö",
    0x92: "í",
    0x90: "ê",
    0x8B: "ã",
    0xE3: "„",
}
_ONCE = {
    0xCD: "’",
    0xEE: "”",
    0xEF: "‘",
    0xAA: "ô",
    0xF6: "à",
    0x84: "—",
    0xD5: "í",
    0xC1: "°",
    0xE0: "á",
    0x8B: "„",
    0xD1: "ó",
    0xCF: "ú",
    0x8D: "ç",
    0x8F: "è",
}  # 0x8D, 0x8F passed through unchanged
BYTE_MAP: dict[int, dict[int, str]] = {
    2008: {b: _ONCE[b] for b in (0xCD, 0xEE, 0xAA)},
    2009: {b: _MAC_ROMAN[b] for b in (0xD5, 0xD3, 0x99, 0xD0, 0x97, 0x96, 0xA1, 0x88)},
    2010: {
        0xCD: "’",
        0xF1: "“",
        0xEE: "”",  # mis-converted once (Õ, Ò, Ó)
        0xEA: "’",
        0x95: "‘",
        0x94: "”",
        0xBB: "ô",
        0x9A: "à",  # mis-converted twice (Í, ï, î, ª, ö)
    },
    2011: {
        **{
            b: _MAC_ROMAN[b]
            for b in (0xD5, 0xD4, 0xD3, 0xD0, 0xD1, 0x99, 0x96, 0x88, 0x8E, 0x8F, 0x87, 0x9A, 0x92, 0x90, 0x8B, 0xE3)
        },
        0xE5: "",  # a stray "Â" after the final full stop of one recommendation (row 5518): dropped
    },
    2012: {b: _ONCE[b] for b in (0xCD, 0xEE, 0xEF, 0xAA, 0xF6, 0xD5, 0xC1, 0xE0, 0x8B, 0x8D)},
    2013: {b: _ONCE[b] for b in (0xCD, 0xEE, 0xEF, 0xAA, 0xF6, 0x84, 0xD5, 0xC1, 0xE0, 0x8F)},
    2014: {
        **{b: _ONCE[b] for b in (0xCD, 0xEE, 0xEF, 0xAA, 0xF6, 0x84, 0xD5, 0xE0, 0xD1, 0xCF, 0x8D)},
        0x88: "à",  # in one state's comment (notes), left in plain Mac Roman
    },
}
_UNMAPPED = 0xF700  # bytes missing from BYTE_MAP decode to U+F7xx, then are reported

# Exact byte strings replaced before the CSV is parsed: (old, new, expected count).
RAW_FIXES: dict[int, list[tuple[bytes, bytes, int]]] = {
    # A stray ";" after the closing quote of a quoted text field (Denmark 2011, 106.133).
    2011: [(b'(The Netherlands).";,denmark,', b'(The Netherlands).;",denmark,', 1)],
}

# Garbled words repaired after decoding: (old, new, expected count).
TEXT_FIXES: dict[int, list[tuple[str, str, int]]] = {
    # A Windows-1252 apostrophe (0x92, which Mac Roman reads as "í") in Tajikistan's comment.
    2011: [("Tajikistaní", "Tajikistan’", 1)],
    # The "é" of Hissène Habré was lost ("_") in the source.
    2013: [("Habr_", "Habré", 2)],
}

# Records (spreadsheet numbering: header = row 1) that are blank in the raw file.
BLANK_RECORDS: dict[int, set[int]] = {2011: {5557}}

# Recommending state read from the wrong place by the source's parser:
# (year, source row) -> (raw From value, the state the recommendation's text names).
FROM_FIXES: dict[tuple[int, int], tuple[str, str]] = {
    (2011, 5536): ("moratorium", "Portugal"),  # "... with a view to its abolition (Portugal);"
}

# --------------------------------------------------------------------------- responses
# The source's `decision` (assigned from the heading of each block of recommendations
# in the working-group report) -> cleaned response. See README.md for the reasons.
RESPONSES = {
    "support": "supported",  # "... enjoy the support of <State>"
    "implemented": "supported",  # "... enjoy the support of <State>, which considers that they are already implemented or in the process of implementation"
    "implement": "supported",  # same heading, spelt "implement" for Nicaragua 2010
    "reject": "noted",  # "did not enjoy the support of" / "cannot be accepted": recorded as noted (HRC resolution 5/1, annex, para. 32)
    "noted": "noted",  # "... have been / were noted by <State>"
    "consider": "pending",  # "will be examined by <State>, which will provide responses in due time" / listed without a response
    "unknown": "unclear",  # a heading the source could not classify (Finland 2008, Sudan and South Sudan 2011)
}
RESPONSE_LEVELS = ["supported", "noted", "pending", "unclear"]

# --------------------------------------------------------------------------- keyword flags
# Case-insensitive regular expressions applied to the whitespace-normalised `text`.
# Each is tested on positive and negative examples in tests/datasets/test_upr_recommendations.py.
CIVIL_SOCIETY_RE = r"\bcivil[\s-]+societ(?:y|ies)\b"
DEFENDERS_RE = (
    r"\brights?[\s-]+defenders?\b"  # human rights defender(s), women's rights defenders, labour rights defenders
    r"|\bdefenders?\s+of\s+(?:[\w’'-]+\s+){0,3}?rights\b"  # defenders of (human / women's / economic and social) rights
    r"|\bHRDs?\b|\bHR\s+defenders?\b"
)
NGOS_RE = r"\bI?NGOs?\b|\bnon[\s-]*governmental\s+(?:[\w’'-]+\s+){0,3}?organi[sz]ations?"
ASSOCIATION_RE = (
    r"\bfreedoms?\s+of\s+(?:[\w’'-]+,?\s+){0,5}?association\b"  # freedom of (expression, assembly and) association
    r"|\brights?\s+(?:to|of|related\s+to)\s+(?:[\w’'-]+,?\s+){0,5}?associat(?:e|ion)\b"  # right to (freely) associate, right of association
    r"|\b(?:assembly|expression|opinion),?\s+(?:and\s+(?:of\s+)?)?association\b"  # "... assembly and association"
    r"|\bfreely\s+associate\b"
    r"|\blaws?\s+on\s+association\b"  # "a law on association"
    r"|\bassociations\b"  # associations as organisations: "Law on Public Associations", "women's associations"
)
FLAGS = {
    "mentions_civil_society": CIVIL_SOCIETY_RE,
    "mentions_defenders": DEFENDERS_RE,
    "mentions_ngos": NGOS_RE,
    "mentions_association": ASSOCIATION_RE,
}
FLAG_PATTERNS = {name: re.compile(rx, re.IGNORECASE) for name, rx in FLAGS.items()}

COLUMNS = [
    "rec_id",
    "year",
    "source_row",
    "sur_iso3",
    "sur_country",
    "rec_iso3",
    "rec_country",
    "rec_raw",
    "text",
    "response_raw",
    "response",
    *FLAGS,
    "notes",
]


class SourceError(SystemExit):
    """A raw file holds something the rules above do not cover."""


def normalise(s: str) -> str:
    """Collapse every run of whitespace (spaces, tabs, line breaks) to one space and strip."""
    return " ".join(s.split())


def flags(text: str) -> dict[str, bool]:
    return {name: bool(rx.search(text)) for name, rx in FLAG_PATTERNS.items()}


def raw_path(year: int) -> Path:
    return SHARED / f"upr_recommendations_{year}.csv"


def decode(year: int, raw: bytes, path: Path) -> str:
    for old, new, count in RAW_FIXES.get(year, []):
        if raw.count(old) != count:
            raise SourceError(f"{path}: expected {count} occurrence(s) of {old!r} to fix, found {raw.count(old)}")
        raw = raw.replace(old, new)
    table = {b: _UNMAPPED + b for b in range(0x80, 0x100)}
    table.update(BYTE_MAP[year])
    text = raw.decode("latin-1").translate(table)
    for old, new, count in TEXT_FIXES.get(year, []):
        if text.count(old) != count:
            raise SourceError(f"{path}: expected {count} occurrence(s) of {old!r} to fix, found {text.count(old)}")
        text = text.replace(old, new)
    return text


def read_raw(year: int) -> list[dict]:
    """Parse one raw file; return its recommendations with their source row numbers."""
    path = raw_path(year)
    if not path.exists():
        raise SourceError(f"{path}: not found (set CIVICSPACE_SHARED to the folder holding data/upr)")
    text = decode(year, path.read_bytes(), path)
    # newline="" keeps line breaks inside quoted fields; "\r", "\r\n" and "\n" all end a record.
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records: list[list[str]] = []
    try:
        for record in reader:
            records.append(record)
    except csv.Error as exc:
        raise SourceError(f"{path}, row {len(records) + 1} (physical line {reader.line_num}): broken CSV: {exc}") from None
    if not records or records[0] != RAW_HEADER:
        raise SourceError(f"{path}, row 1: header is {records[:1]}, expected {RAW_HEADER}")
    out = []
    blanks = set()
    for row_no, record in enumerate(records[1:], start=2):
        where = f"{path}, row {row_no}"
        if not any(cell.strip() for cell in record):
            blanks.add(row_no)
            continue
        if len(record) == 5:  # 2009 has no trailing empty `notes` cell
            record = record + [""]
        if len(record) != 6:
            raise SourceError(f"{where}: has {len(record)} cells, expected 5 or 6 (check the quoting)")
        for col, cell in zip(RAW_HEADER, record):
            bad = [ch for ch in cell if _UNMAPPED + 0x80 <= ord(ch) <= _UNMAPPED + 0xFF]
            if bad:
                raise SourceError(f"{where}, column {col!r}: byte 0x{ord(bad[0]) - _UNMAPPED:02X} is not in BYTE_MAP[{year}]")
        fields = dict(zip(RAW_HEADER, record))
        if fields["year"].strip() != str(year):
            raise SourceError(f"{where}, column 'year': {fields['year']!r} in the file for {year}")
        if fields["decision"] not in RESPONSES:
            raise SourceError(f"{where}, column 'decision': unexpected value {fields['decision']!r} (known: {sorted(RESPONSES)})")
        for col in ("text", "to", "From"):
            if not normalise(fields[col]):
                raise SourceError(f"{where}, column {col!r}: empty")
        fields["_row"] = row_no
        fields["_where"] = where
        out.append(fields)
    if blanks != BLANK_RECORDS.get(year, set()):
        raise SourceError(f"{path}: blank rows {sorted(blanks)}, expected {sorted(BLANK_RECORDS.get(year, set()))}")
    return out


def read_names() -> dict[str, str]:
    """country_names.csv: raw name (whitespace-normalised) -> ISO3 code, or '' (with a note) for none."""
    names: dict[str, str] = {}
    with open(NAMES_TABLE, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if reader.fieldnames != ["raw_name", "iso3", "note"]:
            raise SourceError(f"{NAMES_TABLE}, row 1: columns {reader.fieldnames}, expected ['raw_name', 'iso3', 'note']")
        for row_no, row in enumerate(reader, start=2):
            where = f"{NAMES_TABLE}, row {row_no}"
            name, iso3 = row["raw_name"], row["iso3"]
            if name != normalise(name) or not name:
                raise SourceError(f"{where}, column 'raw_name': {name!r} is empty or not whitespace-normalised")
            if name in names:
                raise SourceError(f"{where}, column 'raw_name': {name!r} is listed twice")
            if iso3 and not (re.fullmatch(r"[A-Z]{3}", iso3) and is_known(iso3)):
                raise SourceError(
                    f"{where}, column 'iso3': {iso3!r} is not ISO 3166-1 alpha-3 nor in civicspace.data.countries.NON_ISO"
                )
            if not iso3 and not row["note"].strip():
                raise SourceError(f"{where}: a name without a code needs a note saying why")
            names[name] = iso3
    return names


def build() -> tuple[list[dict], dict[str, Counter]]:
    names = read_names()
    raw_rows = [r | {"_year": year} for year in YEARS for r in read_raw(year)]

    # Every raw name must be in the table, and every entry in the table must be used.
    seen: dict[str, str] = {}
    for r in raw_rows:
        fix = FROM_FIXES.get((r["_year"], r["_row"]))
        if fix is not None:
            if normalise(r["From"]) != fix[0]:
                raise SourceError(f"{r['_where']}, column 'From': expected {fix[0]!r} to fix, found {r['From']!r}")
            r["_from"] = fix[1]
        else:
            r["_from"] = normalise(r["From"])
        r["_to"] = normalise(r["to"])
        seen.setdefault(r["_to"], f"{r['_where']}, column 'to'")
        seen.setdefault(r["_from"], f"{r['_where']}, column 'From'")
    unmapped = sorted(n for n in seen if n not in names)
    if unmapped:
        lines = "\n".join(f"  {n!r} (first at {seen[n]})" for n in unmapped)
        raise SourceError(f"{NAMES_TABLE}: {len(unmapped)} raw name(s) not in the table; add them:\n{lines}")
    unused = sorted(set(names) - set(seen))
    if unused:
        raise SourceError(f"{NAMES_TABLE}: entries not used by any raw row (remove them): {unused}")

    stats: dict[str, Counter] = {"decision": Counter(), "no_rec_code": Counter()}
    rows = []
    running: Counter = Counter()
    for r in raw_rows:
        year = r["_year"]
        running[year] += 1
        sur = names[r["_to"]]
        if not sur:
            raise SourceError(f"{r['_where']}, column 'to': the state under review {r['_to']!r} has no code")
        rec = names[r["_from"]]
        if not rec:
            stats["no_rec_code"][r["_from"]] += 1
        text = normalise(r["text"])
        stats["decision"][(r["decision"], RESPONSES[r["decision"]])] += 1
        rows.append(
            {
                "rec_id": f"{year}-{running[year]:04d}",
                "year": year,
                "source_row": r["_row"],
                "sur_iso3": sur,
                "sur_country": country_name(sur),
                "rec_iso3": rec,
                "rec_country": country_name(rec) if rec else "",
                "rec_raw": normalise(r["From"]),
                "text": text,
                "response_raw": r["decision"],
                "response": RESPONSES[r["decision"]],
                **{k: "true" if v else "false" for k, v in flags(text).items()},
                "notes": normalise(r["notes"]),
            }
        )
    rows.sort(key=lambda row: row["rec_id"])
    return rows, stats


def write(path: Path, rows: list[dict]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main(out_dir: Path = HERE) -> None:
    rows, stats = build()
    write(out_dir / OUTPUT, rows)
    print(f"wrote {len(rows)} rows to {out_dir / OUTPUT}")
    for year in YEARS:
        print(f"  {year}: {sum(1 for r in rows if r['year'] == year)} rows")
    print("decision -> response:")
    for (raw, clean), n in sorted(stats["decision"].items()):
        print(f"  {raw:12} -> {clean:10} {n:6}")
    print("recommending state without a code:", dict(stats["no_rec_code"]))
    for name in FLAGS:
        print(f"  {name}: {sum(1 for r in rows if r[name] == 'true')} rows")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE)
