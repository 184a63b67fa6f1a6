"""civicus_monitor_2021: the ratings agree with the raw CIVICUS snapshot of 19 March 2021."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from civicspace import data
from civicspace.data.countries import country_name, is_known

ROOT = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("CIVICSPACE_SHARED", ROOT.parent / "shared"))
RAW = SHARED / "data" / "civicus" / "civicus_2021-03-19.csv"
ORDER = ["closed", "repressed", "obstructed", "narrowed", "open"]


@pytest.fixture(scope="module")
def ratings() -> pd.DataFrame:
    return data.load("civicus_monitor_2021")


@pytest.fixture(scope="module")
def raw() -> pd.DataFrame:
    if not RAW.exists():
        message = f"{RAW} is missing: the raw data must sit beside the repository (../shared)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return pd.read_csv(RAW, dtype=str, keep_default_na=False)


def test_one_row_per_raw_row_and_country(ratings, raw):
    assert len(ratings) == len(raw)
    assert ratings["iso3"].is_unique
    assert set(ratings["url"]) == set(raw["civicus_url"])


def test_every_code_is_known_and_named_by_the_course_rule(ratings):
    assert all(is_known(c) for c in ratings["iso3"]), [c for c in ratings["iso3"] if not is_known(c)]
    assert (ratings["country"] == ratings["iso3"].map(country_name)).all()


def test_ratings_equal_the_raw_ratings_country_by_country(ratings, raw):
    """Joined on the country page (the raw file's own key), every rating and code agrees."""
    merged = ratings.merge(raw.rename(columns={"iso3": "raw_iso3"}), left_on="url", right_on="civicus_url", validate="one_to_one")
    assert len(merged) == len(raw)
    rated = merged["civicus_code"] != "None"
    assert (merged.loc[rated, "rating"].astype(str) == merged.loc[rated, "civicus_rating"].str.lower()).all()
    assert (merged.loc[rated, "rating_code"] == merged.loc[rated, "civicus_code"].astype(int)).all()
    # Unrated in the source -> empty here, never a guessed rating.
    assert merged.loc[~rated, "rating"].isna().all() and merged.loc[~rated, "rating_code"].isna().all()
    # Only the two documented non-ISO raw codes are changed; every other code is kept.
    changed = merged.loc[merged["iso3"] != merged["raw_iso3"], "raw_iso3"]
    assert set(changed) == {"SVT", "kosovo"}
    assert not any(is_known(c) for c in changed)


def test_rating_counts_equal_the_raw_counts(ratings, raw):
    raw_counts = raw.loc[raw["civicus_code"] != "None", "civicus_rating"].str.lower().value_counts()
    ours = ratings["rating"].astype(str)[ratings["rating"].notna()].value_counts()
    assert ours.sort_index().to_dict() == raw_counts.sort_index().to_dict()


def test_rating_and_code_follow_the_documented_order(ratings):
    field = {f["name"]: f for f in data.resource("civicus_monitor_2021")["schema"]["fields"]}
    assert field["rating"]["constraints"]["enum"] == ORDER
    assert list(ratings["rating"].cat.categories) == ORDER
    rated = ratings[ratings["rating"].notna()]
    assert (rated["rating_code"] == rated["rating"].astype(str).map({r: i + 1 for i, r in enumerate(ORDER)})).all()


def test_known_code_fixes(ratings, raw):
    """The two non-ISO raw codes are corrected, each checked by its country page."""
    by_url = ratings.set_index("url")["iso3"]
    for code, iso3 in (("SVT", "VCT"), ("kosovo", "XKX")):
        urls = raw.loc[raw["iso3"] == code, "civicus_url"]
        assert len(urls) == 1, f"raw code {code} not found once"
        assert by_url[urls.iloc[0]] == iso3


def test_single_date_is_stated(ratings):
    res = data.resource("civicus_monitor_2021")
    for key in ("title", "coverage"):
        assert "19 March 2021" in res[key], key
        assert "single date" in res[key].lower(), key
