"""Chapter 3: the pure functions, figures and widget of civicspace.chapters.ch03_democracy.

Most tests use a small hand-made panel whose answers can be worked out by hand;
the last ones check the functions against the real V-Dem table.
"""

import pandas as pd
import pytest

import civicspace as cs
from civicspace import plotting
from civicspace.chapters import ch03_democracy as dem


def _panel(rows):
    cols = [
        "iso3",
        "country",
        "year",
        "v2x_polyarchy",
        "v2x_libdem",
        "v2x_regime",
        "v2xcs_ccsi",
        "v2csreprss",
        "v2x_frassoc_thick",
    ]
    df = pd.DataFrame(rows, columns=cols)
    df["iso3"] = df["iso3"].astype("string")
    df["country"] = df["country"].astype("string")
    df["year"] = df["year"].astype("Int64")
    df["v2x_regime"] = df["v2x_regime"].astype("Int64")
    for c in cols[3:]:
        if c != "v2x_regime":
            df[c] = df[c].astype("Float64")
    return df


@pytest.fixture
def tiny():
    # AAA: a liberal democracy that erodes into an electoral autocracy (peak in 2013);
    # BBB: a stable liberal democracy; CCC: an autocracy that democratises (libdem missing in 2012).
    return _panel(
        [
            ("AAA", "Aland", 2012, 0.80, 0.70, 3, 0.9, 2.0, 0.9),
            ("AAA", "Aland", 2013, 0.82, 0.75, 3, 0.9, 2.0, 0.9),
            ("AAA", "Aland", 2018, 0.60, 0.40, 2, 0.7, 1.0, 0.7),
            ("AAA", "Aland", 2023, 0.45, 0.25, 1, 0.5, -0.5, 0.5),
            ("BBB", "Bland", 2012, 0.90, 0.85, 3, 0.95, 3.0, 0.95),
            ("BBB", "Bland", 2013, 0.90, 0.85, 3, 0.95, 3.0, 0.95),
            ("BBB", "Bland", 2018, 0.91, 0.86, 3, 0.95, 3.0, 0.95),
            ("BBB", "Bland", 2023, 0.91, 0.86, 3, 0.95, 3.0, 0.95),
            ("CCC", "Cland", 2012, 0.20, None, 0, 0.2, -2.0, 0.2),
            ("CCC", "Cland", 2013, 0.25, 0.10, 1, 0.3, -1.5, 0.3),
            ("CCC", "Cland", 2018, 0.60, 0.45, 2, 0.6, 1.0, 0.6),
            ("CCC", "Cland", 2023, 0.70, 0.55, 2, 0.7, 1.5, 0.7),
        ]
    )


@pytest.fixture(scope="module")
def vdem():
    return cs.data.load_civic_space_panel()


# --------------------------------------------------------------------------- tables


def test_with_gap_is_electoral_minus_liberal_and_keeps_missing(tiny):
    out = dem.with_gap(tiny)
    assert "gap" not in tiny.columns, "the input is not modified"
    aaa = out[out["iso3"] == "AAA"].set_index("year")["gap"]
    assert aaa[2013] == pytest.approx(0.07) and aaa[2023] == pytest.approx(0.20)
    assert pd.isna(out[(out["iso3"] == "CCC") & (out["year"] == 2012)]["gap"].iloc[0])


def test_country_series_keeps_the_requested_order_and_years(tiny):
    s = dem.country_series(tiny, ["CCC", "AAA"], "v2x_libdem", first=2013, last=2018)
    assert s["iso3"].tolist() == ["CCC", "CCC", "AAA", "AAA"]
    assert s["year"].tolist() == [2013, 2018, 2013, 2018]
    assert s["value"].tolist() == pytest.approx([0.10, 0.45, 0.75, 0.40])
    gap = dem.country_series(tiny, ["AAA"], "gap")
    assert gap["value"].tolist() == pytest.approx([0.10, 0.07, 0.20, 0.20])


def test_unknown_country_or_index_is_a_clear_error(tiny):
    with pytest.raises(ValueError, match="unknown country code 'ZZZ'"):
        dem.peak_year(tiny, "ZZZ")
    with pytest.raises(ValueError, match="unknown index 'v2x_nothing'"):
        dem.country_series(tiny, ["AAA"], "v2x_nothing")


def test_peak_year_takes_the_earliest_maximum(tiny):
    assert dem.peak_year(tiny, "AAA") == 2013
    assert dem.peak_year(tiny, "BBB") == 2018  # 0.86 in 2018 and 2023: the earliest
    assert dem.peak_year(tiny, "CCC", "v2x_polyarchy") == 2023
    assert dem.peak_year(tiny, "AAA", "gap") == 2018  # 0.20 in 2018 and 2023


def test_no_public_change_tables():
    # Exercise 3 asks students to build the 2013-2023 change table and its ten largest declines with pandas.
    assert not hasattr(dem, "change_between") and not hasattr(dem, "largest_declines")


def test_regime_label_and_counts(tiny):
    labels = dem.regime_label(pd.Series([0, 3, None, 1], dtype="Int64"))
    assert labels.tolist()[:2] == ["closed autocracy", "liberal democracy"] and labels.iloc[3] == "electoral autocracy"
    assert pd.isna(labels.iloc[2])
    counts = dem.regime_counts(tiny)
    assert list(counts.columns) == ["closed autocracy", "electoral autocracy", "electoral democracy", "liberal democracy"]
    assert counts.index.tolist() == [2012, 2013, 2018, 2023]
    assert counts.loc[2012].tolist() == [1, 0, 0, 2]
    assert counts.loc[2023].tolist() == [0, 1, 1, 1]
    assert counts.to_numpy().sum() == 12
    # A year in which some regime types do not occur still has all four columns, in order.
    one_year = dem.regime_counts(tiny[tiny["year"] == 2012])
    assert list(one_year.columns) == list(counts.columns) and one_year.loc[2012].tolist() == [1, 0, 0, 2]


def test_lost_democracies_and_first_year_as(tiny):
    assert dem.lost_democracies(tiny, 2013, 2023) == ["AAA"]
    assert dem.lost_democracies(tiny, 2013, 2018) == []  # AAA is still an electoral democracy in 2018
    assert dem.first_year_as(tiny, "AAA", 1) == 2023
    assert dem.first_year_as(tiny, "CCC", 2) == 2018
    assert dem.first_year_as(tiny, "BBB", 0) is None
    assert dem.first_year_as(tiny, "CCC", 1, after=2014) is None


def test_reference_democracy_is_always_liberal_and_highest(tiny):
    assert dem.reference_democracy(tiny) == "BBB"
    both = tiny.copy()
    both.loc[both["iso3"] == "AAA", "v2x_regime"] = 3  # now AAA is always liberal too, but lower in 2023
    assert dem.reference_democracy(both) == "BBB"
    both.loc[(both["iso3"] == "AAA") & (both["year"] == 2023), "v2x_libdem"] = 0.86  # a tie: first iso3
    assert dem.reference_democracy(both) == "AAA"
    no_reference = tiny[tiny["iso3"] != "BBB"]
    with pytest.raises(ValueError, match="no country is a liberal democracy in every year"):
        dem.reference_democracy(no_reference)


# --------------------------------------------------------------------------- figures


def test_comparison_figure_draws_one_line_per_country_with_its_values(tiny):
    fig = dem.comparison_figure(tiny, ["AAA", "BBB"], "v2x_libdem", 2012, 2023, reference="BBB")
    assert [t.name for t in fig.data] == ["Aland", "Bland (reference)"]
    assert list(fig.data[0].y) == pytest.approx([0.70, 0.75, 0.40, 0.25])
    assert fig.data[1].line.color == plotting.OKABE_ITO[7] and fig.data[1].line.dash == "dash"
    assert fig.data[0].line.color in plotting.OKABE_ITO
    assert fig.layout.meta["alt"].startswith("Line chart of the Liberal democracy index from 2012 to 2023")
    assert list(fig.layout.yaxis.range) == [0, 1]
    missing = dem.comparison_figure(tiny, ["CCC"], "v2x_libdem", 2012, 2023)
    assert missing.data[0].y[0] is None  # a missing value is a break, not a zero


def test_comparison_figure_with_no_country_says_so(tiny):
    fig = dem.comparison_figure(tiny, [], "v2x_polyarchy")
    assert len(fig.data) == 0 and "choose at least one country" in fig.layout.title.text
    assert fig.layout.meta["alt"]


def test_explorer_figure_menu_switches_the_visible_index(tiny):
    fig = dem.comparison_explorer_figure(tiny, ["AAA", "CCC"], ["v2x_libdem", "gap", "v2csreprss"], 2012, 2023)
    assert len(fig.data) == 2 * 3
    assert [t.visible for t in fig.data] == [True, True, False, False, False, False]
    buttons = fig.layout.updatemenus[0].buttons
    assert [b.label for b in buttons] == [dem.INDEX_LABELS[i] for i in ["v2x_libdem", "gap", "v2csreprss"]]
    assert buttons[1].args[0]["visible"] == [False, False, True, True, False, False]
    assert list(buttons[2].args[1]["yaxis.range"]) == [-4, 4]
    # The gap lines carry the gap values.
    assert list(fig.data[2].y) == pytest.approx([0.10, 0.07, 0.20, 0.20])
    assert "menu" in fig.layout.meta["alt"]


def test_regimes_figure_stacks_the_yearly_counts(tiny):
    fig = dem.regimes_figure(tiny)
    counts = dem.regime_counts(tiny)
    assert [t.name for t in fig.data] == ["Closed autocracy", "Electoral autocracy", "Electoral democracy", "Liberal democracy"]
    assert list(fig.data[3].y) == counts["liberal democracy"].tolist()
    assert all(t.stackgroup == "regimes" for t in fig.data)
    assert all(t.fillcolor in plotting.OKABE_ITO for t in fig.data)
    assert "in 2023: 0 closed autocracy, 1 electoral autocracy" in fig.layout.meta["alt"]


# --------------------------------------------------------------------------- widget


def test_widget_redraws_on_each_control(tiny):
    w = dem.democracy_explorer(tiny, iso3s=["AAA"], index="v2x_libdem")
    assert [t.name for t in w.current_figure.data] == ["Aland"]
    w.countries.value = ("AAA", "BBB")
    assert [t.name for t in w.current_figure.data] == ["Aland", "Bland (reference)"]
    w.index.value = "v2x_polyarchy"
    assert w.current_figure.layout.title.text.startswith("Electoral democracy index")
    w.years.value = (2013, 2018)
    assert list(w.current_figure.data[0].x) == [2013, 2018]
    w.countries.value = ()
    assert len(w.current_figure.data) == 0


# --------------------------------------------------------------------------- the real data


def test_functions_agree_with_plain_pandas_on_the_real_panel(vdem):
    hun = vdem[vdem["iso3"] == "HUN"]
    assert dem.peak_year(vdem, "HUN") == int(hun.loc[hun["v2x_libdem"].idxmax(), "year"])
    counts = dem.regime_counts(vdem)
    assert counts.index.min() == 1970 and counts.index.max() == 2023
    assert int(counts.loc[2023].sum()) == int(vdem.loc[vdem["year"] == 2023, "v2x_regime"].notna().sum())
    lost = dem.lost_democracies(vdem)
    assert "HUN" in lost and "DNK" not in lost
    assert dem.reference_democracy(vdem) in set(vdem["iso3"].astype(str))


def test_facts_and_figures_on_the_real_panel(vdem):
    facts = dem.democracy_facts(vdem)
    assert facts["n_units"] == vdem["iso3"].nunique()
    assert facts["first_year"] == 1970 and facts["last_year"] == 2023
    assert (
        facts["n_liberal_last"] + facts["n_electoral_dem_last"] + facts["n_electoral_aut_last"] + facts["n_closed_aut_last"]
        == facts["n_classified_last"]
    )
    assert facts["hun_first_electoral_autocracy"] > facts["hun_peak_year"]
    assert facts["hun_gap_last"] == pytest.approx(facts["hun_polyarchy_last"] - facts["hun_libdem_last"], abs=1e-9)
    fig = dem.comparison_explorer_figure(vdem)
    assert len(fig.data) == (len(dem.ILLUSTRATIVE) + 1) * len(dem.INDEX_LABELS)
    assert len(fig.to_json()) < 150_000, "keep the page light: aggregate before plotting"
    assert dem.regimes_figure(vdem).layout.meta["alt"].startswith("Stacked area chart")
