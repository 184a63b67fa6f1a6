"""Load the course's datasets as pandas DataFrames, checked against their schemas.

Every dataset lives in ``datasets/<name>/<name>.csv`` and is described by one
resource in ``datasets/datapackage.json`` (a Frictionless Data Package). The
loaders here read that schema, check every cell against it and return a
DataFrame with the documented dtypes. A file that breaks its schema raises
:class:`DatasetError` naming the file, the row and the column, and the file is
left untouched.

Notebooks call the named loaders (``load_treaty_ratification()``), never a path.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from civicspace.paths import datapackage_path, datasets_dir

#: How many problems one error message lists before it summarises the rest.
MAX_REPORTED_ERRORS = 20


class DatasetError(ValueError):
    """A dataset file does not match its schema (the message names file, row and column)."""

    def __init__(self, path: Path | str, problems: list[str]):
        self.path = str(path)
        self.problems = list(problems)
        shown = self.problems[:MAX_REPORTED_ERRORS]
        more = len(self.problems) - len(shown)
        lines = [f"{self.path}: {p}" for p in shown]
        if more > 0:
            lines.append(f"{self.path}: ... and {more} more problem(s)")
        super().__init__("\n".join(lines))


# --------------------------------------------------------------------------- schema


@lru_cache(maxsize=4)
def _read_datapackage(path: str) -> dict[str, Any]:
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def datapackage(path: Path | None = None) -> dict[str, Any]:
    """Return the parsed ``datasets/datapackage.json``."""
    return _read_datapackage(str(path or datapackage_path()))


def resource(name: str) -> dict[str, Any]:
    """Return the Data Package resource (schema, sources, licences) named ``name``."""
    for res in datapackage()["resources"]:
        if res["name"] == name:
            return res
    known = ", ".join(r["name"] for r in datapackage()["resources"])
    raise KeyError(f"no dataset named {name!r} in {datapackage_path()} (known: {known})")


def dataset_names() -> list[str]:
    """Names of every dataset in the data package, in the order it lists them."""
    return [r["name"] for r in datapackage()["resources"]]


def require_columns(df: pd.DataFrame, columns: Iterable[str]) -> None:
    """Raise ``KeyError`` naming the columns of ``columns`` that ``df`` lacks."""
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise KeyError(f"the table has no column(s) {missing}")


# --------------------------------------------------------------------------- cell checks

_INT_RE = re.compile(r"^[+-]?\d+$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _parse_cell(value: str, field: dict[str, Any]) -> tuple[Any, str | None]:
    """Return (parsed value, problem or None) for one non-missing cell."""
    ftype = field.get("type", "string")
    if ftype == "integer" or ftype == "year":
        if not _INT_RE.match(value):
            return None, f"value {value!r} is not an integer"
        return int(value), None
    if ftype == "number":
        try:
            return float(value), None
        except ValueError:
            return None, f"value {value!r} is not a number"
    if ftype == "boolean":
        true = field.get("trueValues", ["true", "True", "TRUE", "1"])
        false = field.get("falseValues", ["false", "False", "FALSE", "0"])
        if value in true:
            return True, None
        if value in false:
            return False, None
        return None, f"value {value!r} is not a boolean ({'/'.join(true + false)})"
    if ftype == "date":
        if not _DATE_RE.match(value):
            return None, f"value {value!r} is not a date (YYYY-MM-DD)"
        try:
            return pd.Timestamp(value), None
        except ValueError:
            return None, f"value {value!r} is not a valid date"
    return value, None


def _check_constraints(value: Any, raw: str, field: dict[str, Any]) -> str | None:
    cons = field.get("constraints", {})
    if "enum" in cons and raw not in [str(v) for v in cons["enum"]]:
        allowed = ", ".join(repr(str(v)) for v in cons["enum"])
        return f"value {raw!r} is not one of the allowed values ({allowed})"
    if "minimum" in cons and value < cons["minimum"]:
        return f"value {raw!r} is below the minimum {cons['minimum']}"
    if "maximum" in cons and value > cons["maximum"]:
        return f"value {raw!r} is above the maximum {cons['maximum']}"
    if "pattern" in cons and not re.fullmatch(cons["pattern"], raw):
        return f"value {raw!r} does not match the pattern {cons['pattern']!r}"
    if "maxLength" in cons and len(raw) > cons["maxLength"]:
        return f"value is longer than {cons['maxLength']} characters"
    return None


_DTYPES = {
    "integer": "Int64",
    "year": "Int64",
    "number": "Float64",
    "boolean": "boolean",
    "string": "string",
}


# --------------------------------------------------------------------------- reading


def read_csv_checked(path: Path | str, schema: dict[str, Any]) -> pd.DataFrame:
    """Read ``path`` and check it against a Table Schema; return a typed DataFrame.

    Rows are numbered as in a spreadsheet: the header is row 1, so the first data
    row is row 2. Raises :class:`DatasetError` listing every problem found.
    """
    path = Path(path)
    fields = schema["fields"]
    names = [f["name"] for f in fields]
    missing_values = set(schema.get("missingValues", [""]))
    problems: list[str] = []

    if not path.exists():
        raise DatasetError(path, ["file not found"])
    rows: list[list[str]] = []
    try:
        with open(path, encoding="utf-8", newline="") as fh:
            reader = csv.reader(fh, strict=True)
            try:
                for row in reader:
                    rows.append(row)
            except csv.Error as exc:
                # The reader stopped inside a record; the record began on the next row.
                raise DatasetError(
                    path,
                    [f"row {len(rows) + 1} (line {reader.line_num}): broken CSV quoting: {exc}"],
                ) from None
    except UnicodeDecodeError as exc:
        raise DatasetError(path, [f"not valid UTF-8 (byte {exc.start}): {exc.reason}"]) from None

    if not rows:
        raise DatasetError(path, ["file is empty (expected a header row)"])
    header = rows[0]
    missing_cols = [n for n in names if n not in header]
    extra_cols = [h for h in header if h not in names]
    if missing_cols:
        problems.append(f"row 1 (header): missing column(s) {', '.join(map(repr, missing_cols))}")
    if extra_cols:
        problems.append(f"row 1 (header): unexpected column(s) {', '.join(map(repr, extra_cols))}")
    if problems:
        raise DatasetError(path, problems)
    if header != names:
        problems.append(f"row 1 (header): columns are in the order {header}, the schema says {names}")
        raise DatasetError(path, problems)

    columns: dict[str, list[Any]] = {n: [] for n in names}
    for i, row in enumerate(rows[1:], start=2):
        if len(row) != len(names):
            problems.append(f"row {i}: has {len(row)} cells, the header has {len(names)} (check the quoting)")
            continue
        for field, raw in zip(fields, row):
            name = field["name"]
            if raw in missing_values:
                if field.get("constraints", {}).get("required"):
                    problems.append(f"row {i}, column {name!r}: value is missing but required")
                columns[name].append(None)
                continue
            value, problem = _parse_cell(raw, field)
            if problem is None:
                problem = _check_constraints(value, raw, field)
            if problem:
                problems.append(f"row {i}, column {name!r}: {problem}")
            columns[name].append(value)

    pk = schema.get("primaryKey")
    if pk and not problems:
        pk = [pk] if isinstance(pk, str) else pk
        seen: dict[tuple, int] = {}
        for i, key in enumerate(zip(*(columns[k] for k in pk)), start=2):
            if key in seen:
                problems.append(f"row {i}, column(s) {', '.join(map(repr, pk))}: duplicate key {key} (first at row {seen[key]})")
            else:
                seen[key] = i
    if problems:
        raise DatasetError(path, problems)

    frame = pd.DataFrame(columns)
    for field in fields:
        name = field["name"]
        enum = field.get("constraints", {}).get("enum")
        if field.get("type") == "date":
            frame[name] = pd.to_datetime(frame[name])
        elif enum and field.get("type", "string") == "string":
            frame[name] = pd.Categorical(frame[name], categories=enum)
        else:
            frame[name] = frame[name].astype(_DTYPES.get(field.get("type", "string"), "object"))
    return frame


def resource_path(name: str) -> Path:
    """Path of the CSV file of dataset ``name``."""
    return datasets_dir() / resource(name)["path"]


def load(name: str) -> pd.DataFrame:
    """Load dataset ``name`` from ``datasets/`` with the dtypes its schema documents."""
    res = resource(name)
    return read_csv_checked(datasets_dir() / res["path"], res["schema"])


# --------------------------------------------------------------------------- named loaders


def load_treaty_ratification() -> pd.DataFrame:
    """Ratification status of 18 core UN human-rights treaties for 192 UN member states.

    One row per state and treaty (snapshot of August 2022). Columns: ``iso3``,
    ``iso2``, ``country``, ``treaty`` (short code such as ``"ICCPR"``),
    ``status`` (``party`` / ``signatory`` / ``no action``) and ``year`` (year of
    ratification or accession, missing unless ``status == "party"``).
    """
    return load("treaty_ratification")


def load_treaties() -> pd.DataFrame:
    """The 18 treaties themselves: code, full title, year adopted by the UN General Assembly."""
    return load("treaties")


def load_civic_space_panel() -> pd.DataFrame:
    """V-Dem v14 civil-society and democracy indices for 182 V-Dem countries, 1970–2023.

    One row per ``iso3`` and ``year``; columns keep V-Dem's own names (e.g.
    ``v2xcs_ccsi``, the core civil society index, 0–1; ``v2x_regime`` 0–3 = closed
    autocracy … liberal democracy).
    """
    return load("civic_space_panel")


def load_civicus_monitor_2021() -> pd.DataFrame:
    """CIVICUS Monitor civic-space ratings on one date, 19 March 2021 (``rating`` closed … open, ``rating_code`` 1–5)."""
    return load("civicus_monitor_2021")


def load_freedom_house_e2() -> pd.DataFrame:
    """Freedom House *Freedom in the World* E2 (freedom for NGOs, 0–4) and related scores, editions 2013–2024.

    One row per country and edition; ``data_year`` is the calendar year an edition covers (edition − 1).
    """
    return load("freedom_house_e2")


def load_ngo_law_barriers() -> pd.DataFrame:
    """Legal barriers to NGOs 1981–2015, one row per ``iso3`` and ``year``.

    Chaudhry's coding (``ch_`` columns, 1990–2013) and Christensen & Weinstein's
    (``cw_``, 1981–2015) side by side; ``ch_covered`` / ``cw_covered`` say which
    source codes the row (its columns are empty otherwise, never 0).
    """
    return load("ngo_law_barriers")


def load_hrd_restrictions() -> pd.DataFrame:
    """State restrictions on human-rights NGOs and defenders 1994–2014 (Bakke, Mitchell & Smidt).

    One row per ``iso3`` and ``year`` with the same year's Political Terror Scale
    scores ``pts_a`` / ``pts_h`` / ``pts_s`` (empty where not coded).
    """
    return load("hrd_restrictions")


def load_upr_recommendations() -> pd.DataFrame:
    """Universal Periodic Review recommendations 2008–2014 (Terman & Voeten 2018).

    State under review, recommending state, text, raw and cleaned response
    (supported / noted / pending / unclear) and keyword flags for civil society,
    defenders, NGOs and association.
    """
    return load("upr_recommendations")


def load_monitoring_reports_simulated() -> pd.DataFrame:
    """SIMULATED weekly incident counts (6 fictional regions, 5 incident types, 2021–2023) with election spikes."""
    return load("monitoring_reports_simulated")


def load_monitoring_reports_simulated_events() -> pd.DataFrame:
    """Ground truth for the SIMULATED incident counts: the simulated elections and their spike windows."""
    return load("monitoring_reports_simulated_events")


def load_restrictive_laws() -> pd.DataFrame:
    """Curated events: laws and measures against NGOs adopted 2012–2025, each with its type, targets, fate and source."""
    return load("restrictive_laws")


def load_defenders_killed() -> pd.DataFrame:
    """Front Line Defenders' yearly counts of human-rights defenders killed worldwide, from 2016, each with its report."""
    return load("defenders_killed")


def load_ilo_uzbekistan_monitoring() -> pd.DataFrame:
    """ILO third-party monitoring of Uzbekistan's cotton harvest, one row per harvest, figures as published."""
    return load("ilo_uzbekistan_monitoring")


def load_case_timelines() -> pd.DataFrame:
    """Dated events of escalation cases (Amnesty International in Russia and comparisons), each with its stage and source."""
    return load("case_timelines")


def load_fatf_r8_timeline() -> pd.DataFrame:
    """Curated timeline of FATF Recommendation 8 on non-profit organisations (2001–2023) and AML/CFT measures used against NGOs (2018–2025), each with its track, type and source."""
    return load("fatf_r8_timeline")
