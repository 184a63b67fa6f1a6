"""hrd_restrictions: what a user relies on, checked against the raw Bakke et al. and PTS files."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from civicspace import data

ROOT = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("CIVICSPACE_SHARED", ROOT.parent / "shared"))
RAW = SHARED / "data" / "repression"

ITEMS = [
    "ACTIVITIES_RESTRICT",
    "VISIT_RESTRICT",
    "TRAVEL_RESTRICT",
    "FUNDING_INT",
    "FUNDING_DOM",
    "VISAS_DIFFICULTIES",
    "VISAS_DENIED",
    "HARASS_AMOUNT",
    "ARREST",
    "SURVEIL",
    "KILLING",
    "COOPT",
]


@pytest.fixture(scope="module")
def raw():
    if not RAW.exists():
        message = f"{RAW} is missing: the raw data must sit beside the repository (../shared)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    bakke = pd.read_csv(RAW / "bakke_state_restrictions_civil_society_1994_2014.csv", keep_default_na=False, na_values=["NA"])
    pts = pd.read_csv(RAW / "political_terror_scale_1976_2023.csv", keep_default_na=False, na_values=["NA"])
    return bakke, pts


@pytest.fixture(scope="module")
def table():
    return data.load("hrd_restrictions")


@pytest.fixture(scope="module")
def pts_existing(raw):
    """PTS rows of entities that existed that year (not 77 for all three sources), with a COW code."""
    _, pts = raw
    gone = (pts[["NA_Status_A", "NA_Status_H", "NA_Status_S"]] == 77).all(axis=1)
    keep = ~gone & pts["COW_Code_N"].notna() & pts["Year"].between(1993, 2014)
    return pts[keep].astype({"COW_Code_N": int})


def test_every_raw_country_year_appears_once(raw, table):
    bakke, _ = raw
    assert len(table) == len(bakke)
    assert not table.duplicated(["iso3", "year"]).any()
    keys = bakke[["cowcode", "YEAR"]].rename(columns={"YEAR": "year"})
    merged = keys.merge(table, on=["cowcode", "year"], how="outer", validate="one_to_one", indicator=True)
    assert (merged["_merge"] == "both").all()


def test_items_equal_the_raw_values(raw, table):
    bakke, _ = raw
    merged = bakke.rename(columns={"YEAR": "year"}).merge(table, on=["cowcode", "year"], validate="one_to_one")
    for item in ITEMS:
        expected = merged[item].where(merged[item] != 99)  # 99 (Zanzibar's harassment) is a missing code
        got = merged[item.lower()].astype("Float64")
        assert (expected.isna() == got.isna()).all(), item
        assert (expected[expected.notna()] == got[expected.notna()]).all(), item
    assert table[[i.lower() for i in ITEMS]].max().max() <= 2, "items are 0/1 or 0-2 levels, not counts"


def test_spot_check_egypt_2013(raw, table):
    bakke, pts = raw
    row = table[(table["iso3"] == "EGY") & (table["year"] == 2013)].iloc[0]
    src = bakke[(bakke["cowcode"] == 651) & (bakke["YEAR"] == 2013)].iloc[0]
    p = pts[(pts["COW_Code_N"] == 651) & (pts["Year"] == 2013)].iloc[0]
    assert row["funding_int"] == src["FUNDING_INT"] and row["arrest"] == src["ARREST"]
    for col, raw_col in (("pts_a", "PTS_A"), ("pts_h", "PTS_H"), ("pts_s", "PTS_S")):
        assert (pd.isna(row[col]) and pd.isna(p[raw_col])) or row[col] == p[raw_col], col
    assert pd.notna(row["pts_s"])


def test_pts_joined_on_the_same_year(table, pts_existing):
    pts = pts_existing.rename(columns={"COW_Code_N": "cowcode", "Year": "year"})
    merged = table.merge(pts, on=["cowcode", "year"], how="inner", validate="one_to_one")
    assert len(merged) > 3000
    for s in "ASH":
        got, expected = merged[f"pts_{s.lower()}"].astype("Float64"), merged[f"PTS_{s}"]
        assert (got.isna() == expected.isna()).all(), s
        assert (got[expected.notna()] == expected[expected.notna()]).all(), s
        # The check can tell a lag from the right year: last year's score differs often.
        lagged = pts.assign(year=pts["year"] + 1)
        shifted = table.merge(lagged, on=["cowcode", "year"], how="inner")
        both = shifted[f"pts_{s.lower()}"].notna() & shifted[f"PTS_{s}"].notna()
        if s != "H":
            assert (shifted.loc[both, f"pts_{s.lower()}"] != shifted.loc[both, f"PTS_{s}"]).sum() > 100


def test_serbia_after_2006_uses_the_pts_serbia_row(raw, table):
    _, pts = raw
    serbia = pts[(pts["Country"] == "Serbia") & pts["Year"].between(2007, 2014)].set_index("Year")
    rows = table[(table["iso3"] == "SRB") & (table["year"] >= 2007)].set_index("year")
    assert len(rows) == 8
    assert (rows["pts_s"].astype(float).values == serbia.loc[rows.index, "PTS_S"].values).all()


def test_pts_empty_exactly_where_not_coded(table):
    for s in "ahs":
        status = table[f"pts_{s}_na_status"].astype("string")
        coded = status == "0"
        assert (table[f"pts_{s}"].notna() == coded.fillna(False)).all(), s
    zanzibar = table[table["iso3"] == "ZZB"]
    assert len(zanzibar) == 3 and zanzibar[["pts_a", "pts_h", "pts_s", "pts_s_na_status"]].isna().all().all()


def test_cow_codes_map_to_the_pts_world_bank_code(table, pts_existing):
    fixes = {"ADO": "AND", "ZAR": "COD", "ROM": "ROU", "TMP": "TLS", "WBG": "PSE", "KSV": "XKX", "YUG": "SRB"}
    wb = (
        pts_existing.dropna(subset=["WordBank_Code_A"])
        .drop_duplicates("COW_Code_N")
        .set_index("COW_Code_N")["WordBank_Code_A"]
        .replace(fixes)
    )
    mapped = table["cowcode"].map(wb)
    known = mapped.notna()
    assert (table.loc[known, "iso3"] == mapped[known]).all()
    assert set(table.loc[~known, "iso3"]) == {"ZZB"}  # Zanzibar: the only COW code absent from the PTS


def test_codes_and_names_follow_the_course_rule(table):
    from civicspace.data.countries import country_name, is_known

    assert table["iso3"].map(is_known).all()
    assert (table["country"] == table["iso3"].map(country_name)).all()
    assert table["iso3"].nunique() == table["cowcode"].nunique()
    # A subset without donor countries (PROVENANCE.md): none of the big donors is in it.
    assert not table["iso3"].isin(["USA", "DEU", "JPN", "GBR", "FRA", "SWE", "NOR"]).any()
