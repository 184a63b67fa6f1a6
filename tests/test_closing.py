"""Chapter 12 (closing): one country through three datasets.

The first tests use small hand-made tables whose figures can be checked by hand; the
last ones build the chapter's figures and live explorer on the real data.
"""

import pandas as pd
import plotly.graph_objects as go
import pytest

import civicspace as cs
from civicspace.chapters import ch12_closing as closing


@pytest.fixture
def panel():
    rows = []
    for iso3, country, base in [("AAA", "Alphaland", 0.9), ("BBB", "Betaland", 0.5)]:
        for year in range(2010, 2016):
            value = base - (0.1 * (year - 2010) if iso3 == "BBB" else 0.0)
            rows.append(
                {
                    "iso3": iso3,
                    "country": country,
                    "year": year,
                    "v2xcs_ccsi": round(value, 3),
                    "v2x_frassoc_thick": 0.8,
                    "v2x_freexp_altinf": 0.7,
                    "v2x_libdem": None if (iso3, year) == ("BBB", 2012) else 0.4,
                }
            )
    df = pd.DataFrame(rows)
    df["year"] = df["year"].astype("Int64")
    for col in closing.INDICES:
        df[col] = df[col].astype("Float64")
    return df


@pytest.fixture
def civicus():
    df = pd.DataFrame(
        {
            "iso3": ["AAA", "BBB", "GRL"],
            "country": ["Alphaland", "Betaland", "Greenland"],
            "rating": ["open", "repressed", None],
            "rating_code": [5, 2, None],
        }
    )
    df["rating"] = pd.Categorical(
        df["rating"], categories=["closed", "repressed", "obstructed", "narrowed", "open"], ordered=True
    )
    return df


@pytest.fixture
def laws():
    df = pd.DataFrame(
        {
            "iso3": ["BBB", "BBB", "CCC"],
            "year_adopted": [2014, 2012, 2013],
            "date_adopted": ["2014-05-01", "2012-07-20", "2013-01-01"],
            "type": ["foreign funding", "foreign agent", "registration"],
            "title": ["Law B2", "Law B1", "Law C"],
        }
    )
    df["year_adopted"] = df["year_adopted"].astype("Int64")
    df["type"] = df["type"].astype("category")
    return df


def test_country_series_keeps_the_years_and_the_indices(panel):
    out = closing.country_series(panel, "BBB", 2011, 2013)
    assert list(out.columns) == ["year", *closing.INDICES]
    assert out["year"].tolist() == [2011, 2012, 2013]
    assert out["v2xcs_ccsi"].astype(float).tolist() == pytest.approx([0.4, 0.3, 0.2])
    assert pd.isna(out.loc[out["year"] == 2012, "v2x_libdem"].iloc[0])


def test_unknown_country_is_refused(panel, civicus, laws):
    with pytest.raises(ValueError, match="ZZZ"):
        closing.country_series(panel, "ZZZ")
    with pytest.raises(ValueError, match="ZZZ"):
        closing.profile_figure(panel, civicus, laws, "ZZZ")


def test_civicus_rating_is_none_when_unrated_or_absent(civicus):
    assert closing.civicus_rating(civicus, "BBB") == "repressed"
    assert closing.civicus_rating(civicus, "GRL") is None
    assert closing.civicus_rating(civicus, "ZZZ") is None


def test_country_laws_are_the_countrys_own_in_date_order(laws):
    out = closing.country_laws(laws, "BBB")
    assert out["title"].tolist() == ["Law B1", "Law B2"]
    assert closing.country_laws(laws, "AAA").empty


def test_profile_figure_draws_indices_laws_and_rating(panel, civicus, laws):
    fig = closing.profile_figure(panel, civicus, laws, "BBB", 2010, 2015)
    assert isinstance(fig, go.Figure)
    assert len(fig.data) == len(closing.INDICES) + 1
    core = fig.data[0]
    assert list(core.x) == list(range(2010, 2016))
    assert list(core.y) == pytest.approx([0.5, 0.4, 0.3, 0.2, 0.1, 0.0])
    assert fig.data[3].y[2] is None  # the missing liberal democracy value is a gap, not a zero
    markers = fig.data[-1]
    assert list(markers.x) == [2012, 2014]
    assert "Law B1" in markers.text[0] and "foreign agent" in markers.text[0]
    assert "repressed" in fig.layout.title.text and "Betaland" in fig.layout.title.text
    alt = fig.layout.meta["alt"]
    assert "Betaland" in alt and "2 laws" in alt and "repressed" in alt


def test_profile_figure_leaves_out_laws_before_the_first_year_but_shows_later_ones(panel, civicus, laws):
    fig = closing.profile_figure(panel, civicus, laws, "BBB", 2013, 2015)
    assert list(fig.data[-1].x) == [2014]
    fig = closing.profile_figure(panel, civicus, laws, "BBB", 2010, 2013)
    assert list(fig.data[-1].x) == [2012, 2014]  # a law after the last V-Dem year is still shown ...
    assert fig.layout.xaxis.range[1] >= 2014  # ... and the axis reaches it
    fig = closing.profile_figure(panel, civicus, laws, "AAA", 2010, 2015)
    assert list(fig.data[-1].x) == []
    assert "no law" in fig.layout.meta["alt"]
    assert "open" in fig.layout.title.text


def test_explorer_figure_menu_switches_whole_countries(panel, civicus, laws):
    fig = closing.explorer_figure(panel, civicus, laws, ["AAA", "BBB"], 2010, 2015)
    per = len(closing.INDICES) + 1
    assert len(fig.data) == 2 * per
    assert [t.visible for t in fig.data] == [True] * per + [False] * per
    buttons = fig.layout.updatemenus[0].buttons
    assert [b.label for b in buttons] == ["Alphaland", "Betaland"]
    assert buttons[1].args[0]["visible"] == [False] * per + [True] * per
    assert "Betaland" in buttons[1].args[1]["title.text"]
    assert "2 countries" in fig.layout.meta["alt"]
    with pytest.raises(ValueError):
        closing.explorer_figure(panel, civicus, laws, [])


def test_explorer_figure_on_the_real_data_offers_every_country_with_a_law():
    panel = cs.data.load_civic_space_panel()
    civicus = cs.data.load_civicus_monitor_2021()
    laws = cs.data.load_restrictive_laws()
    fig = closing.explorer_figure(panel, civicus, laws)
    labels = [b.label for b in fig.layout.updatemenus[0].buttons]
    assert len(labels) == len(set(laws["iso3"]) | set(closing.FEATURED))
    assert labels[0] == "Russia"
    russia = closing.profile_figure(panel, civicus, laws, "RUS")
    assert "repressed" in russia.layout.title.text  # Russia was rated repressed on 19 March 2021 ...
    assert len(russia.data[-1].x) == int((laws["iso3"] == "RUS").sum())  # ... and has laws in the curated list
    assert fig.layout.meta["alt"].startswith("Line chart")


def test_live_explorer_redraws_on_a_new_choice():
    panel = cs.data.load_civic_space_panel()
    civicus = cs.data.load_civicus_monitor_2021()
    laws = cs.data.load_restrictive_laws()
    w = closing.country_explorer(panel, civicus, laws, "HUN")
    assert "Hungary" in w.current_figure.layout.title.text
    w.country.value = "GEO"
    assert "Georgia" in w.current_figure.layout.title.text
    w.first.value = 2010
    assert w.current_figure.data[0].x[0] == 2010
