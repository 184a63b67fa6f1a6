"""ilo_uzbekistan_monitoring: figures that agree with each other, and make_data.py's strict check of the source."""

from __future__ import annotations

import csv
import importlib.util
from pathlib import Path

import pandas as pd
import pytest

from civicspace import data
from civicspace.data.countries import country_name

ROOT = Path(__file__).resolve().parents[2]
FOLDER = ROOT / "datasets" / "ilo_uzbekistan_monitoring"


@pytest.fixture(scope="module")
def ilo() -> pd.DataFrame:
    return data.load("ilo_uzbekistan_monitoring")


@pytest.fixture(scope="module")
def script():
    spec = importlib.util.spec_from_file_location("make_data_ilo_uzbekistan_monitoring", FOLDER / "make_data.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_one_row_per_harvest_in_uzbekistan(ilo):
    assert ilo["harvest_year"].is_unique and ilo["harvest_year"].is_monotonic_increasing
    assert (ilo["iso3"] == "UZB").all()
    assert (ilo["country"] == ilo["iso3"].map(country_name)).all()


def test_reports_are_dated_after_the_harvest_began(ilo):
    assert ilo["published"].str.match(r"^\d{4}(-\d{2}(-\d{2})?)?$").all()
    assert (ilo["published"].str[:4].astype(int) >= ilo["harvest_year"]).all()


def test_figures_are_within_bounds(ilo):
    assert ilo["forced_labour_share_pct"].dropna().between(0, 100).all()
    both = ilo.dropna(subset=["forced_labour_estimate", "estimated_pickers"])
    assert (both["forced_labour_estimate"] <= both["estimated_pickers"]).all()


def test_share_number_and_pickers_agree_where_all_three_are_given(ilo):
    """Published independently (some secondary), the three figures must still roughly agree."""
    full = ilo.dropna(subset=["forced_labour_estimate", "estimated_pickers", "forced_labour_share_pct"])
    implied = 100 * full["forced_labour_estimate"] / full["estimated_pickers"]
    gap = (implied - full["forced_labour_share_pct"]).abs()
    assert (gap < 1.0).all(), full.assign(implied=implied)[["harvest_year", "forced_labour_share_pct"]].assign(implied=implied)


def test_every_row_has_an_http_source_or_says_why_not_and_a_note(ilo):
    urls = ilo["source_url"].dropna()
    assert urls.str.match(r"^https?://\S+$").all()
    # An empty source_url (no original page could be opened) must be explained in the note.
    for note in ilo.loc[ilo["source_url"].isna(), "note"]:
        assert "source_url is empty" in note
    assert ilo["note"].notna().all() and ilo["monitoring_scope"].notna().all()


# --------------------------------------------------------------------------- corrupted source rows


def _corrupt(tmp_path: Path, column: str, value: str, pick=None) -> tuple[Path, int]:
    with open(FOLDER / "ilo_uzbekistan_monitoring_source.csv", encoding="utf-8", newline="") as fh:
        records = list(csv.reader(fh))
    header = records[0]
    k = pick(header, records) if pick else len(records) // 2
    records[k][header.index(column)] = value
    path = tmp_path / "ilo_uzbekistan_monitoring_source.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(records)
    return path, k + 1


def _with_pickers(header, records):
    return next(k for k in range(1, len(records)) if records[k][header.index("estimated_pickers")])


def test_the_committed_source_passes_the_check(script):
    assert len(script.read_source(script.SOURCE)) >= 1


@pytest.mark.parametrize(
    "column, value, pick",
    [
        ("forced_labour_share_pct", "150", None),
        ("forced_labour_share_pct", "about 5", None),
        ("forced_labour_estimate", "999999999", _with_pickers),  # more than the pickers
        ("published", "2005", None),  # before the harvest
        ("published", "", None),
        ("harvest_year", "2030", None),
        ("source_url", "ilo.org/report.pdf", None),
    ],
)
def test_a_corrupted_row_is_rejected_naming_file_row_and_column(script, tmp_path, column, value, pick):
    path, row = _corrupt(tmp_path, column, value, pick)
    with pytest.raises(script.SourceError) as err:
        script.read_source(path)
    assert any(p.startswith(f"{path}, row {row}, column '{column}':") for p in err.value.problems), err.value.problems
