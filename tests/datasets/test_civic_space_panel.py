"""civic_space_panel: the V-Dem v14 extract agrees with the raw V-Dem file, row for row."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pandas as pd
import pytest

from civicspace import data
from civicspace.data.countries import NON_ISO, country_name, is_known

ROOT = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("CIVICSPACE_SHARED", ROOT.parent / "shared"))
RAW = SHARED / "data" / "vdem" / "vdem_v14_civil_society_1970_2023.csv"
CODEBOOK = SHARED / "data" / "vdem" / "vdem_codebook_civil_society.csv"
ID_COLUMNS = ["country_name", "country_text_id", "country_id", "year"]


@pytest.fixture(scope="module")
def panel() -> pd.DataFrame:
    return data.load("civic_space_panel")


@pytest.fixture(scope="module")
def raw() -> pd.DataFrame:
    if not RAW.exists():
        message = f"{RAW} is missing: the raw data must sit beside the repository (../shared)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return pd.read_csv(RAW, dtype=str, keep_default_na=False)


def _fields() -> dict[str, dict]:
    return {f["name"]: f for f in data.resource("civic_space_panel")["schema"]["fields"]}


def test_every_raw_variable_is_kept_under_its_vdem_name(panel, raw):
    variables = [c for c in raw.columns if c not in ID_COLUMNS]
    assert variables, "the raw file has no variable columns"
    assert list(panel.columns) == ["iso3", "country", "year", *variables]


def test_same_country_years_as_the_raw_file(panel, raw):
    assert len(panel) == len(raw)
    raw_keys = set(zip(raw["country_text_id"], raw["year"].astype(int)))
    assert set(zip(panel["iso3"], panel["year"])) == raw_keys
    assert panel["iso3"].nunique() == raw["country_text_id"].nunique()


def test_iso3_year_is_unique(panel):
    assert not panel.duplicated(["iso3", "year"]).any()


def test_every_code_is_known_and_named_by_the_course_rule(panel):
    codes = panel["iso3"].unique()
    assert all(is_known(c) for c in codes), [c for c in codes if not is_known(c)]
    assert (panel["country"] == panel["iso3"].map(country_name)).all()


def test_every_non_iso_code_is_documented_in_the_codebook(panel):
    readme = (ROOT / "datasets" / "civic_space_panel" / "README.md").read_text(encoding="utf-8")
    non_iso = sorted(set(panel["iso3"]) & set(NON_ISO))
    assert non_iso, "V-Dem v14 has non-ISO units (Kosovo, Somaliland, ...); none found"
    for code in non_iso:
        assert f"| `{code}` |" in readme, f"{code} is not in the README's table of non-ISO codes"


def test_values_equal_the_raw_values(panel, raw):
    """Every cell, not a sample: the extract copies V-Dem's values without rounding."""
    variables = [c for c in raw.columns if c not in ID_COLUMNS]
    merged = panel.merge(
        raw.assign(year=raw["year"].astype(int)),
        left_on=["iso3", "year"],
        right_on=["country_text_id", "year"],
        suffixes=("", "_raw"),
        validate="one_to_one",
    )
    assert len(merged) == len(raw)
    for var in variables:
        expected = pd.to_numeric(merged[f"{var}_raw"].replace("", None)).astype("Float64")
        got = merged[var].astype("Float64")
        assert (got.isna() == expected.isna()).all(), f"{var}: missing cells differ from the raw file"
        both = got.notna()
        assert (got[both] == expected[both]).all(), f"{var}: values differ from the raw file"


def test_spot_check_russia_2023_core_civil_society_index(panel, raw):
    row = raw[(raw["country_text_id"] == "RUS") & (raw["year"] == "2023")]
    assert len(row) == 1
    got = panel.loc[(panel["iso3"] == "RUS") & (panel["year"] == 2023), "v2xcs_ccsi"]
    assert got.tolist() == [float(row["v2xcs_ccsi"].iloc[0])]


def test_values_lie_in_documented_ranges(panel):
    fields = _fields()
    for name, field in fields.items():
        cons = field.get("constraints", {})
        col = panel[name].dropna()
        if "minimum" in cons:
            assert (col >= cons["minimum"]).all(), name
        if "maximum" in cons:
            assert (col <= cons["maximum"]).all(), name
    # The v2x_ indices are 0-1; v2x_regime is the 0-3 classification.
    for name in fields:
        if name.startswith("v2x") and name != "v2x_regime":
            assert fields[name]["constraints"] == {"minimum": 0, "maximum": 1}, name
    assert set(panel["v2x_regime"].dropna().unique()) == {0, 1, 2, 3}


def test_regime_is_an_integer_column_with_its_labels_documented(panel):
    field = _fields()["v2x_regime"]
    assert field["type"] == "integer"
    assert str(panel["v2x_regime"].dtype) == "Int64"
    for label in ("closed autocracy", "electoral autocracy", "electoral democracy", "liberal democracy"):
        assert label in field["description"]


def test_each_variable_description_uses_the_vdem_codebook():
    """Every variable has a description; those in V-Dem's codebook extract quote its name and question."""
    if not CODEBOOK.exists():
        pytest.skip(f"{CODEBOOK} is missing")
    with open(CODEBOOK, encoding="utf-8", newline="") as fh:
        codebook = {r["tag"]: r for r in csv.DictReader(fh)}
    fields = _fields()
    for name, field in fields.items():
        assert field.get("description"), f"{name} has no description"
        if name in codebook:
            entry = codebook[name]
            assert entry["name"].strip().lower() in field["description"].lower(), name
            # The question, up to its first '?' (whitespace normalised), appears verbatim.
            question = " ".join(entry["question"].split("?")[0].split())
            assert question.lower() in " ".join(field["description"].split()).lower(), name


def test_missing_values_are_only_where_vdem_has_none(panel):
    """Only the democracy indices have gaps; the civil-society columns are complete."""
    for name in ("v2xcs_ccsi", "v2cseeorgs", "v2csreprss", "v2csprtcpt", "v2x_frassoc_thick", "v2x_civlib"):
        assert panel[name].notna().all(), name
