"""fatf_r8_timeline: the R8 milestones, the links to restrictive_laws and case_timelines, and make_data.py's strict check."""

from __future__ import annotations

import csv
import importlib.util
from pathlib import Path

import pandas as pd
import pytest

from civicspace import data
from civicspace.data.countries import country_name, is_known

ROOT = Path(__file__).resolve().parents[2]
FOLDER = ROOT / "datasets" / "fatf_r8_timeline"


@pytest.fixture(scope="module")
def events() -> pd.DataFrame:
    return data.load("fatf_r8_timeline")


@pytest.fixture(scope="module")
def script():
    spec = importlib.util.spec_from_file_location("make_data_fatf_r8_timeline", FOLDER / "make_data.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_size_tracks_and_types(events):
    assert 15 <= len(events) <= 40
    assert events["event_id"].is_unique
    assert set(events["track"].astype(str)) == {"FATF", "national"}
    fatf = events[events["track"] == "FATF"]
    national = events[events["track"] == "national"]
    assert set(fatf["event_type"].astype(str)) <= {"standard", "guidance", "review"}
    assert set(national["event_type"].astype(str)) <= {"law", "enforcement", "outcome"}
    assert fatf["iso3"].isna().all() and fatf["linked_dataset"].isna().all()
    assert national["iso3"].notna().all() and national["linked_id"].notna().all()


def test_the_r8_milestones_are_dated_as_verified(events):
    """SR VIII Oct 2001; R8 16 Feb 2012; revision June 2016; synopsis 27 Oct 2021; 2023 approval and publication."""
    dates = dict(zip(events["event_id"], events["date"]))
    assert dates["fatf-2001-special-recommendations"].startswith("2001-10")
    assert dates["fatf-2012-recommendation-8"] == "2012-02-16"
    assert dates["fatf-2016-recommendation-8-revision"] == "2016-06"
    assert dates["fatf-2021-high-level-synopsis"] == "2021-10-27"
    assert dates["fatf-2023-revision-approved"] == "2023-10"
    assert dates["fatf-2023-recommendation-8-published"] == "2023-11-16"
    standards = events[(events["track"] == "FATF") & (events["event_type"] == "standard")]
    assert list(standards["year"]) == [2001, 2012, 2016, 2023, 2023]


def test_national_rows_match_their_linked_datasets(events):
    """Same date, country and source as the row they are copied from; every AML-CFT law is included."""
    laws = data.load_restrictive_laws().set_index("event_id")
    cases = data.load_case_timelines().set_index("event_id")
    national = events[events["track"] == "national"]
    for row in national.itertuples():
        other = laws if row.linked_dataset == "restrictive_laws" else cases
        linked = other.loc[row.linked_id]
        assert row.date == (linked["date_adopted"] if row.linked_dataset == "restrictive_laws" else linked["date"])
        assert row.source_url == linked["source_url"] and row.iso3 == linked["iso3"]
    aml = set(laws.index[laws["type"] == "AML-CFT measure"])
    assert aml == set(national.loc[national["event_type"] == "law", "linked_id"])
    assert {"amnesty-india-2018-ed-search", "amnesty-india-2020-halt"} <= set(national["linked_id"])


def test_dates_codes_sources_and_order(events):
    assert events["date"].str.match(r"^\d{4}(-\d{2}(-\d{2})?)?$").all()
    assert (events["date"].str[:4].astype(int) == events["year"]).all()
    national = events[events["track"] == "national"]
    assert all(is_known(c) for c in national["iso3"])
    assert (national["country"] == national["iso3"].map(country_name)).all()
    assert events["source_url"].str.match(r"^https?://\S+$").all()
    keys = list(zip(events["date"], events["event_id"]))
    assert keys == sorted(keys)


# --------------------------------------------------------------------------- corrupted source rows


def _records():
    with open(FOLDER / "fatf_r8_timeline_source.csv", encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def _write(tmp_path: Path, records) -> Path:
    path = tmp_path / "fatf_r8_timeline_source.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(records)
    return path


def _rejects(script, path: Path, row: int, column: str) -> None:
    with pytest.raises(script.SourceError) as err:
        script.read_source(path, datasets=ROOT / "datasets")
    assert any(p.startswith(f"{path}, row {row}, column '{column}':") for p in err.value.problems), err.value.problems


def _first(records, track: str) -> int:
    col = records[0].index("track")
    return next(i for i in range(1, len(records)) if records[i][col] == track)


def test_the_committed_source_passes_the_check(script):
    assert len(script.read_source(script.SOURCE)) >= 15


@pytest.mark.parametrize(
    "track, column, value",
    [
        ("FATF", "date", "2016-02-30"),
        ("FATF", "date", "June 2016"),
        ("FATF", "track", "UN"),
        ("FATF", "event_type", "law"),
        ("FATF", "iso3", "FRA"),
        ("FATF", "source_url", "ftp://example.org/file"),
        ("FATF", "source_url", ""),
        ("national", "iso3", "SUN"),
        ("national", "linked_id", "no-such-event"),
        ("national", "linked_dataset", "v_dem"),
        ("national", "date", "2001-01-01"),
        ("national", "source_url", "https://example.org/another-source"),
        ("national", "event_type", "standard"),
    ],
)
def test_a_corrupted_row_is_rejected_naming_file_row_and_column(script, tmp_path, track, column, value):
    records = _records()
    k = _first(records, track)
    records[k][records[0].index(column)] = value
    _rejects(script, _write(tmp_path, records), k + 1, column)


def test_a_duplicate_id_is_rejected(script, tmp_path):
    records = _records()
    records.append(list(records[1]))
    _rejects(script, _write(tmp_path, records), len(records), "event_id")
