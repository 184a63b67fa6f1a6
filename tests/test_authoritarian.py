"""Chapter 4 (NGOs inside authoritarian regimes): pure functions, figures and the live widget.

Most tests use small hand-made tables whose answers can be worked out by hand;
the last ones check the functions against the real V-Dem and NGO-law panels.
"""

import math

import pandas as pd
import pytest

import civicspace as cs
from civicspace import authoritarian as au
from civicspace.plotting import OKABE_ITO


@pytest.fixture
def vdem():
    # Five countries in 2000 and 2001. EEE has no regime code in 2000.
    return pd.DataFrame(
        {
            "iso3": ["AAA", "BBB", "CCC", "DDD", "EEE"] * 2,
            "country": ["A", "B", "C", "D", "E"] * 2,
            "year": pd.array([2000] * 5 + [2001] * 5, dtype="Int64"),
            "v2x_regime": pd.array([0, 0, 1, 3, None, 0, 1, 1, 2, 3], dtype="Int64"),
            "v2csreprss": pd.array([-2.0, -1.0, 0.5, 3.0, 1.0, -1.5, 0.0, 1.0, 2.0, None], dtype="Float64"),
            "v2cscnsult": pd.array([0.2, -1.0, 0.4, 2.0, 0.0, -0.5, 0.3, 0.0, 1.0, 2.5], dtype="Float64"),
        }
    )


@pytest.fixture
def barriers():
    # AAA and BBB are coded by Chaudhry in both years; CCC only by DCJW (ch_ columns empty);
    # DDD by Chaudhry with a barrier; EEE is not in the barrier panel at all.
    na = pd.NA
    return pd.DataFrame(
        {
            "iso3": ["AAA", "BBB", "CCC", "DDD", "AAA", "BBB", "CCC", "DDD"],
            "country": ["A (barrier name)"] * 8,
            "year": pd.array([2000] * 4 + [2001] * 4, dtype="Int64"),
            "ch_covered": pd.array([True, True, False, True] * 2, dtype="boolean"),
            "cw_covered": pd.array([False, False, True, False] * 2, dtype="boolean"),
            "ch_funding": pd.array([1.0, 0.0, na, 0.5, 2.0, 0.0, na, 0.0], dtype="Float64"),
            "ch_barriers_total": pd.array([1.0, 0.0, na, 3.0, 2.0, 1.0, na, 0.0], dtype="Float64"),
            "cw_funding": pd.array([na, na, 1.0, na, na, na, 1.0, na], dtype="Float64"),
        }
    )


# --------------------------------------------------------------------------- tables


def test_label_regimes_maps_codes_and_keeps_missing(vdem):
    out = au.label_regimes(vdem)
    assert out["regime"].tolist()[:4] == ["closed autocracy", "closed autocracy", "electoral autocracy", "liberal democracy"]
    assert pd.isna(out["regime"].iloc[4])
    assert list(out["regime"].cat.categories) == au.REGIME_ORDER and out["regime"].cat.ordered
    assert "regime" not in vdem.columns  # the input is not changed


def test_merge_panels_is_an_inner_join_with_one_country_column(vdem, barriers):
    merged = au.merge_panels(vdem, barriers)
    assert len(merged) == 8  # EEE is not in the barrier panel
    assert set(zip(merged["iso3"], merged["year"])) == set(zip(barriers["iso3"], barriers["year"]))
    assert "country" in merged.columns and "country_x" not in merged.columns
    assert merged.loc[merged["iso3"] == "AAA", "country"].tolist() == ["A", "A"]  # V-Dem's name is kept


def test_mean_by_regime_in_one_year(vdem):
    out = au.mean_by_regime(vdem, "v2csreprss", 2000)
    assert out["regime"].tolist() == au.REGIME_ORDER
    means = dict(zip(out["regime"], out["mean"]))
    assert means["closed autocracy"] == pytest.approx(-1.5)
    assert means["electoral autocracy"] == pytest.approx(0.5)
    assert math.isnan(means["electoral democracy"])  # no electoral democracy in 2000
    assert means["liberal democracy"] == pytest.approx(3.0)
    assert out["n"].tolist() == [2, 1, 0, 1]  # EEE (no regime code) is left out


def test_mean_by_regime_over_all_years_skips_missing_values(vdem):
    out = au.mean_by_regime(vdem, "v2csreprss").set_index("regime")
    assert out.loc["closed autocracy", "mean"] == pytest.approx((-2.0 - 1.0 - 1.5) / 3)
    assert out.loc["liberal democracy", "n"] == 1  # EEE 2001 has no value
    with pytest.raises(ValueError, match="no column 'v2nothing'"):
        au.mean_by_regime(vdem, "v2nothing")


def test_covered_flag_and_bad_columns():
    assert au.covered_flag("ch_funding") == "ch_covered"
    assert au.covered_flag("cw_ngo_politics") == "cw_covered"
    with pytest.raises(ValueError, match="not a barrier column"):
        au.covered_flag("v2csreprss")


def test_barrier_share_counts_only_coded_rows(vdem, barriers):
    merged = au.merge_panels(vdem, barriers)
    out = au.barrier_share_by_year(merged, "ch_funding").set_index("year")
    # 2000: autocracies AAA (closed, funding 1), BBB (closed, 0), CCC (electoral, not coded by Chaudhry).
    assert out.loc[2000, "n"] == 2 and out.loc[2000, "n_barrier"] == 1
    assert out.loc[2000, "share"] == pytest.approx(0.5)
    # 2001: AAA (closed, 2), BBB (electoral, 0), CCC (electoral, not coded); DDD is a democracy.
    assert out.loc[2001, "n"] == 2 and out.loc[2001, "share"] == pytest.approx(0.5)


def test_barrier_share_would_differ_if_missing_were_zero(vdem, barriers):
    merged = au.merge_panels(vdem, barriers)
    filled = merged.assign(ch_covered=True, ch_funding=merged["ch_funding"].fillna(0))
    assert au.barrier_share_by_year(filled, "ch_funding").set_index("year").loc[2000, "n"] == 3
    # the other source: only CCC is coded by DCJW, and it has a barrier in both years
    cw = au.barrier_share_by_year(merged, "cw_funding").set_index("year")
    assert cw["n"].tolist() == [1, 1] and cw["share"].tolist() == [1.0, 1.0]


def test_barrier_share_by_regime(vdem, barriers):
    merged = au.merge_panels(vdem, barriers)
    out = au.barrier_share_by_regime(merged, "ch_funding")
    liberal = out[out["regime"] == "liberal democracy"].set_index("year")
    assert liberal.loc[2000, "share"] == 1.0 and 2001 not in liberal.index  # DDD is an electoral democracy in 2001
    democracy_2001 = out[(out["regime"] == "electoral democracy") & (out["year"] == 2001)]
    assert democracy_2001["share"].item() == 0.0
    assert set(out["regime"]) <= set(au.REGIME_ORDER)


def test_barrier_repression_correlation(vdem, barriers):
    merged = au.merge_panels(vdem, barriers)
    coded = merged[merged["ch_covered"].astype(bool)]
    expected = coded["ch_barriers_total"].astype(float).corr(coded["v2csreprss"].astype(float))
    assert au.barrier_repression_correlation(merged) == pytest.approx(expected)
    assert isinstance(au.barrier_repression_correlation(merged), float)
    with pytest.raises(ValueError, match="fewer than three"):
        au.barrier_repression_correlation(merged.head(2))


def test_scatter_rows_and_consulting_autocracies(vdem):
    rows = au.scatter_rows(vdem, 2001)
    assert rows["iso3"].tolist() == ["AAA", "BBB", "CCC", "DDD"]  # EEE has no repression value in 2001
    assert rows.loc[rows["iso3"] == "BBB", "x"].item() == pytest.approx(0.3)
    assert au.consulting_autocracies(vdem, 2001) == ["BBB"]  # CCC's 0.0 is not above 0
    assert au.consulting_autocracies(vdem, 2000) == ["AAA", "CCC"]
    assert au.consulting_autocracies(vdem, 2000, threshold=0.3) == ["CCC"]


# --------------------------------------------------------------------------- figures


def test_scatter_has_four_regime_traces_in_fixed_order(vdem):
    fig = au.repression_consultation_scatter(vdem, 2000)
    assert [t.name for t in fig.data] == au.REGIME_ORDER
    assert list(fig.data[0].x) == [0.2, -1.0] and list(fig.data[0].y) == [-2.0, -1.0]
    assert list(fig.data[2].x) == []  # no electoral democracy in 2000: an empty trace
    assert fig.data[0].marker.color == au.REGIME_COLOURS["closed autocracy"] in OKABE_ITO
    assert len({t.marker.symbol for t in fig.data}) == 4  # shapes, not only colours
    assert fig.layout.meta["alt"].startswith("Scatter plot of 4 countries in 2000")
    assert "2000" in fig.layout.title.text


def test_scatter_uses_the_chosen_indicators(vdem):
    fig = au.repression_consultation_scatter(vdem, 2000, x="v2csreprss", y="v2cscnsult")
    assert list(fig.data[0].x) == [-2.0, -1.0]
    assert fig.layout.xaxis.title.text == au.INDICATORS["v2csreprss"]


def test_scatter_by_year_has_a_frame_per_year_and_a_slider(vdem):
    fig = au.repression_consultation_by_year(vdem, years=[2000, 2001])
    assert [f.name for f in fig.frames] == ["2000", "2001"]
    assert [s["label"] for s in fig.layout.sliders[0].steps] == ["2000", "2001"]
    frame_2001 = fig.frames[1]
    assert len(frame_2001.data) == 4
    assert list(frame_2001.data[1].x) == [0.3, 0.0]  # BBB and CCC were electoral autocracies in 2001
    assert frame_2001.data[1].text == ("B", "C")
    assert "slider" in fig.layout.meta["alt"]
    with pytest.raises(ValueError):
        au.repression_consultation_by_year(vdem, years=[])


def test_barrier_figure_has_a_menu_that_switches_barriers(vdem, barriers):
    merged = au.merge_panels(vdem, barriers)
    fig = au.barrier_share_figure(merged, ["ch_funding", "cw_funding"])
    assert len(fig.data) == 8 and [t.visible for t in fig.data] == [True] * 4 + [False] * 4
    buttons = fig.layout.updatemenus[0].buttons
    assert buttons[1].args[0]["visible"] == [False] * 4 + [True] * 4
    closed = fig.data[0]
    assert list(closed.x) == [2000, 2001] and list(closed.y) == [50.0, 100.0]
    assert fig.layout.meta["alt"].startswith("Line chart")


# --------------------------------------------------------------------------- widget


def test_widget_redraws_on_each_control(vdem):
    w = au.repression_explorer(vdem, year=2000)
    assert w.current_figure.layout.title.text.endswith("2000")
    w.year.value = 2001
    assert w.current_figure.layout.title.text.endswith("2001")
    assert list(w.current_figure.data[1].x) == [0.3, 0.0]
    w.x.value = "v2csreprss"
    assert list(w.current_figure.data[1].x) == [0.0, 1.0]
    w.y.value = "v2cscnsult"
    assert w.current_figure.layout.yaxis.title.text == au.INDICATORS["v2cscnsult"]
    assert [label for label, _ in w.x.options] == [au.INDICATORS["v2csreprss"], au.INDICATORS["v2cscnsult"]]


# --------------------------------------------------------------------------- real data


@pytest.fixture(scope="module")
def real():
    return cs.data.load_civic_space_panel(), cs.data.load_ngo_law_barriers()


def test_real_merge_and_means(real):
    vdem, barriers = real
    merged = au.merge_panels(vdem, barriers)
    assert len(merged) == len(vdem.merge(barriers.drop(columns="country"), on=["iso3", "year"]))
    means = au.mean_by_regime(vdem, "v2csreprss", 2023)
    assert means["mean"].is_monotonic_increasing  # less repression the more democratic the regime
    assert means["n"].sum() == vdem[(vdem["year"] == 2023)]["v2x_regime"].notna().sum()


def test_real_funding_share_and_correlation(real):
    vdem, barriers = real
    merged = au.merge_panels(vdem, barriers)
    shares = au.barrier_share_by_year(merged, "ch_funding")
    assert shares["year"].min() == 1990 and shares["year"].max() == 2013
    coded = merged[merged["ch_covered"].astype(bool) & merged["v2x_regime"].isin([0, 1])]
    direct = (coded["ch_funding"] > 0).groupby(coded["year"]).mean().astype(float)
    assert shares.set_index("year")["share"].tolist() == pytest.approx(direct.tolist())
    r = au.barrier_repression_correlation(merged)
    assert -1 < r < 0  # more barriers go with more repression (lower v2csreprss)


def test_real_facts_match_direct_computation(real):
    vdem, barriers = real
    facts = au.chapter_facts(vdem, barriers)
    y = vdem[vdem["year"] == 2023]
    assert facts["n_closed_2023"] == (y["v2x_regime"] == 0).sum()
    assert facts["n_autocracies_2023"] == y["v2x_regime"].isin([0, 1]).sum()
    assert facts["n_consulting_autocracies_2023"] == len(au.consulting_autocracies(vdem, 2023))
    assert "CHN" in au.consulting_autocracies(vdem, 2023)  # China: repressive, yet consults some CSOs
    assert facts["funding_share_last"] > facts["funding_share_first"]
    assert facts["ch_first_year"] == 1990 and facts["ch_last_year"] == 2013


def test_real_book_figures_stay_light(real):
    vdem, barriers = real
    fig = au.repression_consultation_by_year(vdem)
    assert [f.name for f in fig.frames][0] == "1990" and fig.frames[-1].name == "2023"
    assert len(fig.to_json()) < 150_000
    assert len(au.barrier_share_figure(au.merge_panels(vdem, barriers)).to_json()) < 60_000
