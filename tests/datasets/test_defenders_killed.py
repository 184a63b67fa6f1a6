"""defenders_killed: one consistent row per year, and make_data.py's strict check of the source table."""

from __future__ import annotations

import csv
import importlib.util
from pathlib import Path

import pandas as pd
import pytest

from civicspace import data

ROOT = Path(__file__).resolve().parents[2]
FOLDER = ROOT / "datasets" / "defenders_killed"


@pytest.fixture(scope="module")
def killed() -> pd.DataFrame:
    return data.load("defenders_killed")


@pytest.fixture(scope="module")
def script():
    spec = importlib.util.spec_from_file_location("make_data_defenders_killed", FOLDER / "make_data.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_one_row_per_year_without_gaps(killed):
    years = list(killed["year"])
    assert years == sorted(set(years)), "years must be unique and sorted"
    assert years == list(range(years[0], years[-1] + 1)), "a year is missing from the series"


def test_counts_are_consistent(killed):
    assert (killed["killed"] >= 1).all()
    assert (killed["countries"] >= 1).all()
    assert (killed["countries"] <= killed["killed"]).all()
    share = killed["share_land_environment_indigenous"].dropna()
    assert share.between(0, 100).all()


def test_each_figure_comes_from_its_own_years_report(killed):
    # The title names the year counted ("... in 2016", "Global Analysis 2023/24").
    for row in killed.itertuples():
        assert str(row.year) in row.report_title, (row.year, row.report_title)
    published = killed[killed["published"].notna()]
    assert published["published"].str.match(r"^\d{4}(-\d{2}(-\d{2})?)?$").all()
    # A report on year Y is published after Y has begun, in practice the following year.
    assert (published["published"].str[:4].astype(int) > published["year"]).all()


def test_every_row_has_an_http_source_and_a_note(killed):
    assert killed["source_url"].str.match(r"^https?://\S+$").all()
    assert killed["note"].notna().all()


# --------------------------------------------------------------------------- corrupted source rows


def _corrupt(tmp_path: Path, column: str, value: str, k: int | None = None) -> tuple[Path, int]:
    with open(FOLDER / "defenders_killed_source.csv", encoding="utf-8", newline="") as fh:
        records = list(csv.reader(fh))
    k = len(records) // 2 if k is None else k
    records[k][records[0].index(column)] = value
    path = tmp_path / "defenders_killed_source.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\r\n").writerows(records)
    return path, k + 1


def test_the_committed_source_passes_the_check(script):
    assert len(script.read_source(script.SOURCE)) >= 1


@pytest.mark.parametrize(
    "column, value",
    [
        ("killed", "three hundred"),
        ("killed", "0"),
        ("countries", "100000"),  # more countries than people killed
        ("share_land_environment_indigenous", "140"),
        ("published", "2001-05"),  # before the year it reports on
        ("published", "2020-13"),
        ("source_url", "frontlinedefenders.org"),
        ("source_url", ""),
        ("year", "1999"),
    ],
)
def test_a_corrupted_row_is_rejected_naming_file_row_and_column(script, tmp_path, column, value):
    path, row = _corrupt(tmp_path, column, value)
    with pytest.raises(script.SourceError) as err:
        script.read_source(path)
    assert any(p.startswith(f"{path}, row {row}, column '{column}':") for p in err.value.problems), err.value.problems


def test_a_repeated_year_is_rejected(script, tmp_path):
    with open(FOLDER / "defenders_killed_source.csv", encoding="utf-8", newline="") as fh:
        first_year = list(csv.reader(fh))[1][0]
    path, row = _corrupt(tmp_path, "year", first_year, k=3)
    with pytest.raises(script.SourceError, match=rf"row {row}, column 'year': duplicate year"):
        script.read_source(path)
