"""case_timelines: the ladder order (or an explained exception) in every case, and make_data.py's strict check."""

from __future__ import annotations

import csv
import importlib.util
from pathlib import Path

import pandas as pd
import pytest

from civicspace import data
from civicspace.data.countries import country_name, is_known

ROOT = Path(__file__).resolve().parents[2]
FOLDER = ROOT / "datasets" / "case_timelines"
LADDER = ["administrative pressure", "informational isolation", "legal stigma", "criminal liability"]
CHAPTER_CASE = "amnesty-russia"


@pytest.fixture(scope="module")
def events() -> pd.DataFrame:
    return data.load("case_timelines")


@pytest.fixture(scope="module")
def script():
    spec = importlib.util.spec_from_file_location("make_data_case_timelines", FOLDER / "make_data.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_size_and_cases(events):
    assert 20 <= len(events) <= 40
    assert events["event_id"].is_unique
    cases = set(events["case_id"].astype(str))
    assert CHAPTER_CASE in cases and len(cases) >= 3, "the chapter's case and at least two comparison cases"
    # One organisation and one country per case.
    assert (events.groupby("case_id", observed=True)[["organisation", "iso3"]].nunique() == 1).all().all()


def test_stages_follow_the_ladder_or_explain_the_exception(events):
    """Within a case, in date order, a step down the ladder needs a sequence_note; no other event has one."""
    assert list(events["stage"].cat.categories) == LADDER
    assert (events["stage_rank"] == events["stage"].astype(str).map({s: i + 1 for i, s in enumerate(LADDER)})).all()
    for case, group in events.groupby("case_id", observed=True):
        highest = 0
        for row in group.sort_values(["date", "stage_rank"]).itertuples():
            out_of_order = row.stage_rank < highest
            has_note = isinstance(row.sequence_note, str) and row.sequence_note.strip() != ""
            assert has_note == out_of_order, (case, row.event_id, row.stage, highest)
            highest = max(highest, row.stage_rank)


def test_the_chapter_case_reaches_legal_stigma_then_criminal_liability(events):
    """Amnesty International in Russia: 'undesirable' in May 2025, with criminal exposure from the same day."""
    ai = events[events["case_id"] == CHAPTER_CASE]
    stigma = ai[ai["stage"] == "legal stigma"]
    assert len(stigma) >= 1 and stigma["date"].str.startswith("2025-05").any()
    assert stigma["legal_basis"].str.contains("129-FZ").all()
    criminal = ai[ai["stage"] == "criminal liability"]
    assert len(criminal) >= 1 and (criminal["date"].min() >= stigma["date"].min())
    assert criminal["legal_basis"].str.contains("284.1").all()
    # Every rung of the ladder is documented for the chapter's case.
    assert set(ai["stage"].astype(str)) == set(LADDER)


def test_dates_codes_and_sources(events):
    assert events["date"].str.match(r"^\d{4}(-\d{2}(-\d{2})?)?$").all()
    assert (events["date"].str[:4].astype(int) == events["year"]).all()
    assert all(is_known(c) for c in events["iso3"])
    assert (events["country"] == events["iso3"].map(country_name)).all()
    assert events["source_url"].str.match(r"^https?://\S+$").all()
    assert events["source_note"].notna().all() and events["event"].notna().all()


def test_rows_are_sorted_by_case_date_and_stage(events):
    keys = list(zip(events["case_id"].astype(str), events["date"], events["stage_rank"], events["event_id"]))
    assert keys == sorted(keys)


# --------------------------------------------------------------------------- corrupted source rows


def _records():
    with open(FOLDER / "case_timelines_source.csv", encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def _write(tmp_path: Path, records) -> Path:
    path = tmp_path / "case_timelines_source.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(records)
    return path


def _rejects(script, path: Path, row: int, column: str) -> None:
    with pytest.raises(script.SourceError) as err:
        script.read_source(path)
    assert any(p.startswith(f"{path}, row {row}, column '{column}':") for p in err.value.problems), err.value.problems


def test_the_committed_source_passes_the_check(script):
    assert len(script.read_source(script.SOURCE)) >= 20


@pytest.mark.parametrize(
    "column, value",
    [
        ("stage", "harassment"),
        ("date", "2022-02-30"),
        ("date", "8 April 2022"),
        ("iso3", "SUN"),
        ("source_url", "ftp://example.org/file"),
        ("source_url", ""),
        ("event", ""),
    ],
)
def test_a_corrupted_row_is_rejected_naming_file_row_and_column(script, tmp_path, column, value):
    records = _records()
    k = len(records) // 2
    records[k][records[0].index(column)] = value
    _rejects(script, _write(tmp_path, records), k + 1, column)


def test_an_unexplained_step_down_the_ladder_is_rejected(script, tmp_path):
    records = _records()
    note = records[0].index("sequence_note")
    k = next(i for i in range(1, len(records)) if records[i][note])
    records[k][note] = ""
    _rejects(script, _write(tmp_path, records), k + 1, "sequence_note")


def test_a_note_on_an_in_order_event_is_rejected(script, tmp_path):
    records = _records()
    note = records[0].index("sequence_note")
    k = next(i for i in range(1, len(records)) if not records[i][note])
    records[k][note] = "comes out of order"
    _rejects(script, _write(tmp_path, records), k + 1, "sequence_note")


def test_a_case_with_two_countries_is_rejected(script, tmp_path):
    records = _records()
    case, iso3 = records[0].index("case_id"), records[0].index("iso3")
    first = records[1][case]
    k = max(i for i in range(1, len(records)) if records[i][case] == first)
    records[k][iso3] = "UKR" if records[k][iso3] != "UKR" else "BLR"
    _rejects(script, _write(tmp_path, records), k + 1, "iso3")
