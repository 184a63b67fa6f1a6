"""restrictive_laws: the facts the course relies on, and make_data.py's strict check of the source table."""

from __future__ import annotations

import csv
import importlib.util
from pathlib import Path

import pandas as pd
import pytest

from civicspace import data
from civicspace.data.countries import country_name, is_known

ROOT = Path(__file__).resolve().parents[2]
FOLDER = ROOT / "datasets" / "restrictive_laws"
TARGET_COLUMNS = {
    "stigma": "target_stigma",
    "administrative burden": "target_admin_burden",
    "criminalisation": "target_criminalisation",
}


def _script():
    spec = importlib.util.spec_from_file_location("make_data_restrictive_laws", FOLDER / "make_data.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def laws() -> pd.DataFrame:
    return data.load("restrictive_laws")


@pytest.fixture(scope="module")
def script():
    return _script()


def _before(later: str, earlier: str) -> bool:
    """Partial ISO dates compared at the precision they share."""
    n = min(len(later), len(earlier))
    return later[:n] < earlier[:n]


def test_at_least_40_events_in_25_countries(laws):
    assert len(laws) >= 40
    assert laws["iso3"].nunique() >= 25
    assert laws["event_id"].is_unique


def test_every_row_has_an_http_source(laws):
    assert laws["source_url"].notna().all()
    assert laws["source_url"].str.match(r"^https?://\S+$").all()
    assert laws["source_note"].notna().all()


def test_codes_are_known_and_named_by_the_course_rule(laws):
    assert all(is_known(c) for c in laws["iso3"])
    assert (laws["country"] == laws["iso3"].map(country_name)).all()
    # The id starts with the country code and the year adopted.
    assert (laws["event_id"].str[:3] == laws["iso3"].str.lower()).all()
    assert (laws["event_id"].str[4:8].astype(int) == laws["year_adopted"]).all()


def test_dates_are_iso_and_in_order(laws):
    pattern = r"^\d{4}(-\d{2}(-\d{2})?)?$"
    assert laws["date_adopted"].str.match(pattern).all()
    assert (laws["date_adopted"].str[:4].astype(int) == laws["year_adopted"]).all()
    assert laws["year_adopted"].between(2012, 2025).all()
    for column in ("date_in_force", "fate_date"):
        dated = laws[laws[column].notna()]
        assert dated[column].str.match(pattern).all()
        late = [r.event_id for r in dated.itertuples() if _before(getattr(r, column), r.date_adopted)]
        assert not late, f"{column} before date_adopted: {late}"


def test_target_columns_agree_with_the_list(laws):
    for row in laws.itertuples():
        listed = row.targets.split(";") if isinstance(row.targets, str) else []
        for target, column in TARGET_COLUMNS.items():
            assert bool(getattr(row, column)) == (target in listed), (row.event_id, column)
    # Every restrictive measure pursues at least one target; only a documented
    # liberalising measure (fate_note says so) may have none.
    none = laws[~laws[list(TARGET_COLUMNS.values())].any(axis=1)]
    assert none["fate_note"].str.contains("LIBERALISING").all(), list(none["event_id"])


def test_fates_that_are_events_have_dates(laws):
    needs_date = laws["fate"].isin(["amended", "repealed", "suspended"])
    assert laws.loc[needs_date, "fate_date"].notna().all()
    assert laws.loc[~needs_date, "fate_date"].isna().all()


def test_the_tidy_table_holds_every_source_row(script, laws):
    rows = script.read_source(script.SOURCE)
    assert sorted(r["event_id"] for r in rows) == sorted(laws["event_id"])
    # Sorted by date adopted, then country code and id.
    keys = list(zip(laws["date_adopted"], laws["iso3"], laws["event_id"]))
    assert keys == sorted(keys)


# --------------------------------------------------------------------------- corrupted source rows


def _corrupt(tmp_path: Path, edit) -> tuple[Path, int]:
    """Copy the source table into tmp_path, apply ``edit(records)``; return the path and edited row number."""
    with open(FOLDER / "restrictive_laws_source.csv", encoding="utf-8", newline="") as fh:
        records = list(csv.reader(fh))
    index = edit(records)  # index into records; the header is records[0] = row 1
    path = tmp_path / "restrictive_laws_source.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\r\n").writerows(records)
    return path, index + 1


def _set(column: str, value: str, pick=lambda header, records: len(records) // 2):
    def edit(records):
        header = records[0]
        k = pick(header, records)
        records[k][header.index(column)] = value
        return k

    return edit


def _first_with(column: str):
    return lambda header, records: next(k for k in range(1, len(records)) if records[k][header.index(column)])


CORRUPTIONS = {
    "type outside the enum": ("type", _set("type", "NGO law")),
    "unknown country code": ("iso3", _set("iso3", "XYZ")),
    "impossible date": ("date_adopted", _set("date_adopted", "2019-02-30")),
    "in force before adoption": ("date_in_force", _set("date_in_force", "2011-01-01", _first_with("date_in_force"))),
    "fate before adoption": ("fate_date", _set("fate_date", "2011-12", _first_with("fate_date"))),
    "source without http": ("source_url", _set("source_url", "www.example.org/law")),
    "missing source": ("source_url", _set("source_url", "")),
    "target outside the list": ("targets", _set("targets", "stigma;surveillance")),
    "targets out of order": ("targets", _set("targets", "criminalisation;stigma")),
    "fate outside the enum": ("fate", _set("fate", "abolished")),
}


def test_the_committed_source_passes_the_check(script):
    assert script.read_source(script.SOURCE)


@pytest.mark.parametrize("name", sorted(CORRUPTIONS))
def test_a_corrupted_row_is_rejected_naming_file_row_and_column(script, tmp_path, name):
    column, edit = CORRUPTIONS[name]
    path, row = _corrupt(tmp_path, edit)
    with pytest.raises(script.SourceError) as err:
        script.read_source(path)
    assert any(p.startswith(f"{path}, row {row}, column '{column}':") for p in err.value.problems), err.value.problems


def test_a_duplicated_row_is_rejected(script, tmp_path):
    def duplicate_last(records):
        records.append(list(records[-1]))
        return len(records) - 1

    path, row = _corrupt(tmp_path, duplicate_last)
    with pytest.raises(script.SourceError) as err:
        script.read_source(path)
    assert f"{path}, row {row}, column 'event_id': duplicate" in str(err.value)


def test_documented_corrections_are_applied(laws):
    """Codebook definitions: a law is stigmatising only if it labels NGOs; an entity law is flagged as such."""
    rows = laws.set_index("event_id")
    # Act XLIX of 2021 replaced the 2017 label with State Audit Office audits: a burden, not a label.
    assert not bool(rows.loc["hun-2021-lex-ngo-2021", "target_stigma"])
    assert bool(rows.loc["hun-2021-lex-ngo-2021", "target_admin_burden"])
    # Slovakia's 2025 amendment dropped the draft's label: not a foreign-agent law.
    assert rows.loc["svk-2025-ngo-amendment", "type"] != "foreign agent"
    assert not bool(rows.loc["svk-2025-ngo-amendment", "target_stigma"])
    # The Republika Srpska law is coded BIH, and its note says that it is an entity law.
    assert rows.loc["bih-2025-rs-ngo-register", "iso3"] == "BIH"
    assert "Republika Srpska" in rows.loc["bih-2025-rs-ngo-register", "fate_note"]
