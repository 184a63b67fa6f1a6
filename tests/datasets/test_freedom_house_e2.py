"""freedom_house_e2: the E2 table agrees with Freedom House's raw file, edition by edition."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from civicspace import data
from civicspace.data.countries import country_name, is_known

ROOT = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("CIVICSPACE_SHARED", ROOT.parent / "shared"))
RAW = SHARED / "data" / "freedom_house" / "fiw_all_data_2013_2024.csv"
SCORES = {"E1": "e1", "E2": "e2", "E3": "e3", "E": "e", "PR": "pr", "CL": "cl", "Total": "total"}


@pytest.fixture(scope="module")
def fh() -> pd.DataFrame:
    return data.load("freedom_house_e2")


@pytest.fixture(scope="module")
def raw_countries() -> pd.DataFrame:
    if not RAW.exists():
        message = f"{RAW} is missing: the raw data must sit beside the repository (../shared)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    raw = pd.read_csv(RAW, dtype=str, keep_default_na=False)
    return raw[raw["C/T"] == "c"].copy()


def test_one_row_per_raw_country_row(fh, raw_countries):
    assert len(fh) == len(raw_countries)
    assert fh.groupby("edition").size().to_dict() == raw_countries.groupby(raw_countries["Edition"].astype(int)).size().to_dict()


def test_iso3_edition_is_unique_and_every_code_known(fh):
    assert not fh.duplicated(["iso3", "edition"]).any()
    assert all(is_known(c) for c in fh["iso3"].unique())
    assert (fh["country"] == fh["iso3"].map(country_name)).all()
    # The same countries in every edition (territories are not mixed in).
    per_edition = fh.groupby("edition")["iso3"].apply(frozenset)
    assert per_edition.nunique() == 1


def test_data_year_is_the_year_before_the_edition(fh):
    assert (fh["data_year"] == fh["edition"] - 1).all()


def test_scores_lie_in_documented_ranges(fh):
    assert fh["e2"].between(0, 4).all() and fh["e1"].between(0, 4).all() and fh["e3"].between(0, 4).all()
    assert (fh["e"] == fh["e1"] + fh["e2"] + fh["e3"]).all()
    assert (fh["total"] == fh["pr"] + fh["cl"]).all()
    assert fh["cl"].between(0, 60).all() and fh["pr"].between(-4, 40).all()
    assert set(fh["status"].astype(str)) <= {"F", "PF", "NF"}


def test_scores_and_status_equal_the_raw_file_per_edition(fh, raw_countries):
    """Without relying on the name-to-code mapping: each edition's multiset of score rows is the raw one."""
    cols = ["Status", *SCORES]
    for edition, raw_ed in raw_countries.groupby(raw_countries["Edition"].astype(int)):
        ours = fh[fh["edition"] == edition]
        raw_rows = sorted(tuple([r["Status"], *(int(r[c]) for c in SCORES)]) for _, r in raw_ed[cols].iterrows())
        our_rows = sorted(tuple([str(r["status"]), *(int(r[c]) for c in SCORES.values())]) for _, r in ours.iterrows())
        assert our_rows == raw_rows, f"edition {edition}"


@pytest.mark.parametrize(
    "fh_name, iso3",
    [("Russia", "RUS"), ("Turkey", "TUR"), ("Congo (Kinshasa)", "COD"), ("Kosovo", "XKX"), ("Hungary", "HUN")],
)
def test_spot_check_country_matches_raw(fh, raw_countries, fh_name, iso3):
    raw_rows = raw_countries[raw_countries["Country/Territory"] == fh_name]
    assert len(raw_rows) == fh["edition"].nunique(), f"{fh_name}: expected one raw row per edition"
    ours = fh[fh["iso3"] == iso3].set_index("edition")
    for _, r in raw_rows.iterrows():
        row = ours.loc[int(r["Edition"])]
        assert row["e2"] == int(r["E2"]) and row["total"] == int(r["Total"]) and str(row["status"]) == r["Status"]


def test_territories_are_excluded(fh):
    raw = pd.read_csv(RAW, dtype=str, keep_default_na=False) if RAW.exists() else None
    if raw is None:
        pytest.skip(f"{RAW} is missing")
    territories = set(raw.loc[raw["C/T"] == "t", "Country/Territory"])
    assert territories, "the raw file lists territories"
    # Hong Kong and Puerto Rico have ISO codes but are territories in Freedom House's file.
    assert not {"HKG", "PRI", "ESH"} & set(fh["iso3"])


def test_e2_question_is_quoted_with_its_source():
    field = {f["name"]: f for f in data.resource("freedom_house_e2")["schema"]["fields"]}["e2"]
    assert "nongovernmental organizations" in field["description"]
    readme = (ROOT / "datasets" / "freedom_house_e2" / "README.md").read_text(encoding="utf-8")
    assert "> E2. Is there freedom for nongovernmental organizations" in readme
    assert "freedom-world-research-methodology" in readme
