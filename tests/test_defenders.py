"""Chapter 9 (Protecting human rights defenders): pure functions, figures and the live widget.

Most tests use a small hand-made restrictions table and killing counts whose answers
can be worked out by hand; the last ones check the functions against the real data.
"""

import math

import pandas as pd
import plotly.graph_objects as go
import pytest

import civicspace as cs
from civicspace.chapters import ch09_defenders as dfd
from civicspace.plotting import OKABE_ITO


def _restrictions(rows):
    """rows: (iso3, country, year, {item: level}, pts_s, pts_a); every other item is 0."""
    records = []
    for iso3, country, year, levels, pts_s, pts_a in rows:
        rec = {"iso3": iso3, "country": country, "year": year}
        rec.update({item: 0 for item in dfd.ITEMS})
        rec.update(levels)
        rec.update({"pts_a": pts_a, "pts_h": None, "pts_s": pts_s})
        records.append(rec)
    df = pd.DataFrame(records)
    for c in ["year", *dfd.ITEMS, "pts_a", "pts_h", "pts_s"]:
        df[c] = df[c].astype("Int64")
    for c in ["iso3", "country"]:
        df[c] = df[c].astype("string")
    return df


@pytest.fixture
def table():
    # AAA: no restriction in 2000 (PTS 1), arrests and harassment in 2001 (PTS 4).
    # BBB: activities restricted both years (PTS 3, then 5), surveillance frequent in 2001.
    # CCC: 2000 only (PTS 2), arrest cell missing, nothing else.
    # DDD: 2001 only, no PTS score at all, killings coded.
    NA = pd.NA
    return _restrictions(
        [
            ("AAA", "Aland", 2000, {}, 1, 1),
            ("AAA", "Aland", 2001, {"arrest": 2, "harass_amount": 1}, 4, 3),
            ("BBB", "Bora", 2000, {"activities_restrict": 1}, 3, NA),
            ("BBB", "Bora", 2001, {"activities_restrict": 1, "surveil": 2, "funding_int": 1}, 5, 4),
            ("CCC", "Cora", 2000, {"arrest": NA}, 2, 2),
            ("DDD", "Dora", 2001, {"killing": 1}, NA, NA),
        ]
    )


@pytest.fixture
def killed():
    return pd.DataFrame(
        {
            "year": pd.array([2018, 2016, 2017], dtype="Int64"),
            "killed": pd.array([150, 100, 120], dtype="Int64"),
            "countries": pd.array([12, 10, 11], dtype="Int64"),
            "share_land_environment_indigenous": pd.array([50, 40, pd.NA], dtype="Int64"),
            "report_title": pd.array(["Report 2018", "Report 2016", "Report 2017"], dtype="string"),
            "publisher": pd.array(["FLD", "FLD", "FLD"], dtype="string"),
        }
    )


# --------------------------------------------------------------------------- tables


def test_present_single_item_keeps_missing_and_any_counts_missing_as_absent(table):
    arrest = dfd.present(table, "arrest")
    assert arrest.tolist()[:2] == [False, True]
    assert pd.isna(arrest.iloc[4])
    assert dfd.present(table, dfd.ANY).tolist() == [False, True, True, True, False, True]
    with pytest.raises(ValueError):
        dfd.present(table, "bribery")


def test_any_and_score_need_all_twelve_items(table):
    subset = table[["iso3", "year", "harass_amount", "arrest", "killing"]]
    with pytest.raises(ValueError, match="all twelve"):
        dfd.present(subset, dfd.ANY)
    with pytest.raises(ValueError, match="all twelve"):
        dfd.restriction_score(subset)


def test_restriction_score_sums_levels(table):
    assert dfd.restriction_score(table).tolist() == [0, 3, 1, 4, 0, 1]


def test_share_any_by_year(table):
    share = dfd.share_any_by_year(table)
    assert share.index.tolist() == [2000, 2001]
    assert share[2000] == pytest.approx(1 / 3)  # only BBB of AAA, BBB, CCC
    assert share[2001] == pytest.approx(1.0)


def test_share_by_year_leaves_missing_cells_out(table):
    share = dfd.share_by_year(table, "arrest")
    assert share[2000] == pytest.approx(0.0)  # AAA and BBB; CCC's missing cell is left out
    assert share[2001] == pytest.approx(1 / 3)


def test_share_by_pts_counts_and_shares(table):
    out = dfd.share_by_pts(table, dfd.ANY, "pts_s")
    assert out.index.tolist() == [1, 2, 3, 4, 5]
    assert out["n"].tolist() == [1, 1, 1, 1, 1]  # DDD has no PTS score
    assert out["share"].tolist() == [0.0, 0.0, 1.0, 1.0, 1.0]
    amnesty = dfd.share_by_pts(table, "arrest", "pts_a")
    assert amnesty.loc[3, "share"] == 1.0 and amnesty.loc[3, "n"] == 1
    assert amnesty.loc[2, "n"] == 0 and math.isnan(amnesty.loc[2, "share"])  # CCC's arrest cell is missing
    assert amnesty.loc[5, "n"] == 0
    with pytest.raises(ValueError):
        dfd.share_by_pts(table, "arrest", "pts_x")


def test_share_table_has_any_then_the_items(table):
    tab = dfd.share_table(table)
    assert list(tab.columns) == [dfd.ANY, *dfd.ITEMS]
    assert tab.loc[5, "surveil"] == 1.0 and tab.loc[4, "surveil"] == 0.0


def test_country_profile(table):
    prof = dfd.country_profile(table, "BBB")
    assert prof.index.tolist() == [2000, 2001]
    assert prof["score"].tolist() == [1, 4]
    assert prof["pts_s"].tolist() == [3, 5]
    with pytest.raises(ValueError):
        dfd.country_profile(table, "ZZZ")


def test_country_names_and_most_restrictive(table):
    assert list(dfd.country_names(table)) == ["AAA", "BBB", "CCC", "DDD"]
    assert dfd.most_restrictive(table, 2) == ["AAA", "BBB"]  # means 1.5 and 2.5, sorted by name


def test_chapter_facts_on_small_tables(table, killed):
    facts = dfd.chapter_facts(table, killed.assign(share_land_environment_indigenous=pd.array([77, 40, pd.NA], dtype="Int64")))
    assert facts["n_rows"] == 6 and facts["n_countries"] == 4
    assert facts["pct_any_first"] == 33 and facts["pct_any_last"] == 100
    assert facts["killed_total"] == 370 and facts["killed_max_year"] == 2018
    assert facts["killed_first"] == 100 and facts["killed_last"] == 150 and facts["killed_max"] == 150
    assert "mean_pts_with_arrest" not in facts  # computed in the chapter itself
    assert facts["land_share_2018"] == 77


# --------------------------------------------------------------------------- figures


def _alt(fig):
    return fig.layout.meta["alt"]


def test_pts_share_figure(table):
    fig = dfd.pts_share_figure(table, "surveil", "pts_s")
    assert isinstance(fig, go.Figure) and len(fig.data) == 1
    assert list(fig.data[0].y) == [0.0, 0.0, 0.0, 0.0, 100.0]
    assert fig.data[0].marker.color == OKABE_ITO[0]
    assert "Surveillance" in _alt(fig)


def test_pts_share_menu_figure_has_one_button_per_choice(table):
    fig = dfd.pts_share_menu_figure(table)
    assert len(fig.data) == 2  # State Department and Amnesty
    assert {t.marker.color for t in fig.data} <= set(OKABE_ITO)
    assert fig.data[0].marker.pattern.shape != fig.data[1].marker.pattern.shape  # apart without colour
    buttons = fig.layout.updatemenus[0].buttons
    assert len(buttons) == 1 + len(dfd.ITEMS)
    assert buttons[0].label == dfd.ANY_LABEL
    surveil = next(b for b in buttons if b.label == dfd.ITEMS["surveil"])
    assert surveil.args[0]["y"][0] == [0.0, 0.0, 0.0, 0.0, 100.0]
    assert "menu" in _alt(fig)


def test_country_profile_figure_and_menu(table):
    fig = dfd.country_profile_figure(table, "BBB")
    assert [t.type for t in fig.data] == ["bar", "scatter", "scatter"]
    assert list(fig.data[0].y) == [1, 4]
    assert list(fig.data[2].y) == [None, 4]  # BBB has no Amnesty score in 2000
    assert fig.data[1].yaxis == "y2"
    assert "Bora" in _alt(fig)
    item = dfd.country_profile_figure(table, "AAA", "arrest")
    assert list(item.data[0].y) == [0, 2]
    menu = dfd.country_menu_figure(table, ["AAA", "BBB"])
    buttons = menu.layout.updatemenus[0].buttons
    assert [b.label for b in buttons] == ["Aland", "Bora"]
    assert buttons[1].args[0]["y"][0] == [1, 4]


def test_killed_figure_says_documented_minimum(killed):
    fig = dfd.killed_figure(killed)
    assert list(fig.data[0].x) == [2016, 2017, 2018]
    assert list(fig.data[0].y) == [100, 120, 150]
    assert "documented minimum" in _alt(fig)
    assert "minimums" in fig.layout.title.subtitle.text


def test_explorer_figure(table):
    fig = dfd.explorer_figure(table, "arrest", "AAA", "pts_s")
    assert len(fig.data) == 3
    assert list(fig.data[0].y)[3] == 100.0  # PTS 4: AAA 2001 has arrests
    assert list(fig.data[1].y) == [0, 2]
    assert "Aland" in _alt(fig)
    with pytest.raises(ValueError):
        dfd.explorer_figure(table, "arrest", "ZZZ")


# --------------------------------------------------------------------------- widget


def test_widget_redraws_on_every_control(table):
    w = dfd.restrictions_explorer(table, iso3="AAA")
    assert w.current_figure is not None
    assert list(w.current_figure.data[1].y) == [0, 3]  # restriction score
    w.item.value = "arrest"
    assert list(w.current_figure.data[1].y) == [0, 2]
    w.country.value = "BBB"
    assert list(w.current_figure.data[1].y) == [0, 0]
    w.pts.value = "pts_a"
    assert "Amnesty" in w.current_figure.layout.title.subtitle.text
    assert list(w.current_figure.data[2].y) == [None, 4]


# --------------------------------------------------------------------------- real data


@pytest.fixture(scope="module")
def real():
    return cs.data.load_hrd_restrictions(), cs.data.load_defenders_killed()


def test_real_data_shares_rise_with_terror(real):
    restr, _ = real
    share = dfd.share_by_pts(restr, dfd.ANY, "pts_s")["share"]
    assert share[1] < share[2] < share[3] < share[4]
    assert dfd.share_by_pts(restr, dfd.ANY, "pts_s")["n"].sum() == restr["pts_s"].notna().sum()
    assert len(dfd.share_any_by_year(restr)) == 21


def test_real_data_facts_and_figures(real):
    restr, killed = real
    facts = dfd.chapter_facts(restr, killed)
    assert facts["n_countries"] == 155 and facts["n_rows"] == 3111
    assert facts["killed_first_year"] == 2016 and facts["killed_first"] == int(killed["killed"].iloc[0])
    assert facts["killed_total"] == int(killed["killed"].sum())
    for fig in [dfd.pts_share_menu_figure(restr), dfd.country_menu_figure(restr), dfd.killed_figure(killed)]:
        assert fig.layout.meta["alt"]
        assert len(fig.to_json()) < 60_000  # aggregated, not raw tables
