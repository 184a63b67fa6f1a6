"""ngo_law_barriers: what a user relies on, checked against the raw Chaudhry/Heiss and DCJW files."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from civicspace import data

ROOT = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("CIVICSPACE_SHARED", ROOT.parent / "shared"))
RAW = SHARED / "data" / "ngo_laws"

# Raw column -> output column, as documented in datasets/ngo_law_barriers/README.md.
CH = {
    "ngo_register": "ch_ngo_register",
    "ngo_register_burden": "ch_ngo_register_burden",
    "ngo_register_appeal": "ch_ngo_register_no_appeal",
    "ngo_barrier_foreign_funds": "ch_ngo_barrier_foreign_funds",
    "ngo_disclose_funds": "ch_ngo_disclose_funds",
    "ngo_foreign_fund_approval": "ch_ngo_foreign_fund_approval",
    "ngo_foreign_fund_channel": "ch_ngo_foreign_fund_channel",
    "ngo_foreign_fund_restrict": "ch_ngo_foreign_fund_restrict",
    "ngo_foreign_fund_prohibit": "ch_ngo_foreign_fund_prohibit",
    "ngo_type_foreign_fund_prohibit": "ch_ngo_type_foreign_fund_prohibit",
    "ngo_politics": "ch_ngo_politics",
    "ngo_politics_foreign_fund": "ch_ngo_politics_foreign_fund",
    "entry": "ch_entry",
    "funding": "ch_funding",
    "advocacy": "ch_advocacy",
    "barriers_total": "ch_barriers_total",
}
CW_RAW = [
    "const_assoc",
    "political_parties",
    "ngo_register",
    "ngo_register_burden",
    "ngo_register_appeal",
    "ngo_barrier_foreign_funds",
    "ngo_disclose_funds",
    "ngo_foreign_fund_approval",
    "ngo_foreign_fund_channel",
    "ngo_foreign_fund_restrict",
    "ngo_foreign_fund_prohibit",
    "ngo_type_foreign_fund_prohibit",
    "ngo_politics",
    "ngo_politics_intimidation",
    "ngo_politics_foreign_fund",
    "entry",
    "funding",
    "advocacy",
    "barriers_total",
]
CW = {c: f"cw_{c}" for c in CW_RAW}
KOSOVO = {"XKK": "XKX", "KXX": "XKX"}


@pytest.fixture(scope="module")
def raw():
    if not RAW.exists():
        message = f"{RAW} is missing: the raw data must sit beside the repository (../shared)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    ch = pd.read_csv(RAW / "chaudhry_heiss_panel_1990_2013.csv", keep_default_na=False, na_values=["NA"])
    cw = pd.read_csv(RAW / "dcjw_ngo_barriers_1981_2015.csv")
    for df in (ch, cw):
        df["iso3"] = df["iso3"].replace(KOSOVO)
    return ch, cw


@pytest.fixture(scope="module")
def table():
    return data.load("ngo_law_barriers")


def _first_state_year(ch: pd.DataFrame) -> pd.Series:
    """First year of each state in the Chaudhry/Heiss panel (Gleditsch & Ward list), 1990 = no constraint."""
    return ch.groupby("iso3")["year"].min()


def test_one_row_per_country_year(table):
    assert not table.duplicated(["iso3", "year"]).any()
    assert (table["ch_covered"] | table["cw_covered"]).all(), "a row that no source covers"


def test_every_covered_chaudhry_row_appears_once_with_its_values(raw, table):
    ch, _ = raw
    covered = ch[ch["laws"]]
    assert len(covered) > 3000
    merged = covered.merge(table, on=["iso3", "year"], how="left", validate="one_to_one", indicator=True)
    assert (merged["_merge"] == "both").all(), "Chaudhry rows missing from the table"
    assert merged["ch_covered"].all()
    for raw_col, col in CH.items():
        assert (merged[raw_col].astype(float) == merged[col].astype(float)).all(), f"{col} differs from the raw {raw_col}"
    # Rows outside Chaudhry's own coverage indicator are not Chaudhry rows.
    outside = ch.loc[~ch["laws"], ["iso3", "year"]].merge(table, on=["iso3", "year"])
    assert not outside["ch_covered"].any()
    assert table["ch_covered"].sum() == len(covered)


def test_every_dcjw_row_of_an_existing_state_appears_once_with_its_values(raw, table):
    ch, cw = raw
    since = _first_state_year(ch)
    first = cw["iso3"].map(since).fillna(1990)
    real = cw[(first <= 1990) | (cw["year"] >= first)]
    backfilled = cw.drop(real.index)
    assert len(backfilled) > 0 and len(real) > 3000
    merged = real.merge(table, on=["iso3", "year"], how="left", validate="one_to_one")
    assert merged["cw_covered"].all(), "DCJW rows missing from the table"
    for raw_col, col in CW.items():
        assert (merged[raw_col].astype(float) == merged[col].astype(float)).all(), f"{col} differs from the raw {raw_col}"
    # Years before a state existed (e.g. Uzbekistan 1981) are not presented as DCJW observations.
    dropped = backfilled[["iso3", "year"]].merge(table, on=["iso3", "year"])
    assert not dropped["cw_covered"].any()
    assert table["cw_covered"].sum() == len(real)


def test_spot_check_russia_2012(raw, table):
    """Russia's 2012 'foreign agents' law year: each source's value equals its raw value."""
    ch, cw = raw
    row = table[(table["iso3"] == "RUS") & (table["year"] == 2012)].iloc[0]
    raw_ch = ch[(ch["iso3"] == "RUS") & (ch["year"] == 2012)].iloc[0]
    raw_cw = cw[(cw["iso3"] == "RUS") & (cw["year"] == 2012)].iloc[0]
    assert row["ch_covered"] and row["cw_covered"]
    assert row["ch_ngo_politics_foreign_fund"] == raw_ch["ngo_politics_foreign_fund"]
    assert row["ch_barriers_total"] == raw_ch["barriers_total"]
    assert row["cw_ngo_foreign_fund_approval"] == raw_cw["ngo_foreign_fund_approval"]
    assert row["cw_barriers_total"] == raw_cw["barriers_total"]


def test_flags_say_which_columns_are_filled(table):
    ch_cols = [c for c in table.columns if c.startswith("ch_") and c != "ch_covered"]
    cw_cols = [c for c in table.columns if c.startswith("cw_") and c != "cw_covered"]
    assert len(ch_cols) == 16 and len(cw_cols) == 19
    assert (table[ch_cols].notna().all(axis=1) == table["ch_covered"]).all()
    assert (table[ch_cols].isna().all(axis=1) == ~table["ch_covered"]).all()
    assert (table[cw_cols].notna().all(axis=1) == table["cw_covered"]).all()
    assert (table[cw_cols].isna().all(axis=1) == ~table["cw_covered"]).all()
    # Coverage years as documented.
    assert table.loc[table["ch_covered"], "year"].between(1990, 2013).all()
    assert table.loc[table["cw_covered"], "year"].between(1981, 2015).all()


def test_no_rows_before_a_state_existed(table):
    for iso3, start in {"UZB": 1991, "TLS": 2002, "MNE": 2006, "XKX": 2008}.items():
        assert table.loc[table["iso3"] == iso3, "year"].min() == start, iso3


def test_appeal_columns_run_in_opposite_directions(table):
    both = table[table["ch_covered"] & table["cw_covered"]]
    # Chaudhry's 1 means "no appeal"; DCJW's 1 means "appeal allowed": never both 1.
    assert not ((both["ch_ngo_register_no_appeal"] == 1) & (both["cw_ngo_register_appeal"] == 1)).any()
    assert ((both["ch_ngo_register_no_appeal"] == 1) & (both["cw_ngo_register_appeal"] == 0)).sum() > 100


def test_indices_are_the_documented_sums(table):
    ch = table[table["ch_covered"]]
    assert (
        ch["ch_entry"] == ch["ch_ngo_register_burden"] + ch["ch_ngo_register_no_appeal"] + ch["ch_ngo_barrier_foreign_funds"]
    ).all()
    assert (ch["ch_barriers_total"] == ch["ch_entry"] + ch["ch_funding"] + ch["ch_advocacy"]).all()
    cw = table[table["cw_covered"]]
    assert (
        cw["cw_entry"] == cw["cw_ngo_register_burden"] + (1 - cw["cw_ngo_register_appeal"]) + cw["cw_ngo_barrier_foreign_funds"]
    ).all()
    assert (cw["cw_advocacy"] == cw["cw_ngo_politics"] / 2 + cw["cw_ngo_politics_foreign_fund"]).all()


def test_codes_are_iso_or_documented_non_iso(table):
    from civicspace.data.countries import NON_ISO, country_name, is_known

    assert table["iso3"].map(is_known).all()
    assert set(table["iso3"]) & set(NON_ISO) == {"XKX"}
    assert not table["iso3"].isin(["XKK", "KXX"]).any()
    assert (table["country"] == table["iso3"].map(country_name)).all()


def test_no_non_barrier_covariates(table):
    banned = ("gdp", "population", "pts", "latent", "v2", "armed", "un_", "pred_group", "laws", "_std")
    assert not [c for c in table.columns if any(b in c.lower() for b in banned)]
