"""Chapter 4 (NGOs inside authoritarian regimes): helpers, figures and the live widget.

Most tests use small hand-made tables whose answers can be worked out by hand;
the last ones check the functions against the real V-Dem and NGO-law panels.
"""

import pandas as pd
import pytest

import civicspace as cs
from civicspace.chapters import ch04_authoritarian as au
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


def merge(vdem, barriers):
    """The inner join exercise 4 asks for, in plain pandas (the package has no function for it)."""
    return vdem.merge(barriers.drop(columns=["country"]), on=["iso3", "year"], how="inner")


# --------------------------------------------------------------------------- tables


def test_label_regimes_maps_codes_and_keeps_missing(vdem):
    out = au.label_regimes(vdem)
    assert out["regime"].tolist()[:4] == ["closed autocracy", "closed autocracy", "electoral autocracy", "liberal democracy"]
    assert pd.isna(out["regime"].iloc[4])
    assert list(out["regime"].cat.categories) == au.REGIME_ORDER and out["regime"].cat.ordered
    assert "regime" not in vdem.columns  # the input is not changed


def test_no_public_function_answers_exercise_4():
    # Merging, means by regime, barrier shares, the correlation and the consulting autocracies
    # are what exercise 4 asks for: none of them may be one public call away.
    for name in [
        "merge_panels",
        "mean_by_regime",
        "barrier_share_by_year",
        "barrier_share_by_regime",
        "barrier_repression_correlation",
        "consulting_autocracies",
        "scatter_rows",
        "covered_rows",
    ]:
        assert not hasattr(au, name), name
    assert set(au.chapter_facts(pd.DataFrame({"year": [2023], "v2x_regime": [0], "v2csreprss": [0.0], "v2cscnsult": [0.0]}))) == {
        "latest_year",
        "n_closed_2023",
        "n_electoral_aut_2023",
        "n_electoral_dem_2023",
        "n_liberal_2023",
        "n_countries_2023",
        "n_autocracies_2023",
        "corr_repression_consultation_2023",
    }


def test_covered_flag_and_bad_columns():
    assert au._covered_flag("ch_funding") == "ch_covered"
    assert au._covered_flag("cw_ngo_politics") == "cw_covered"
    with pytest.raises(ValueError, match="not a barrier column"):
        au._covered_flag("v2csreprss")


def test_barrier_share_counts_only_coded_rows(vdem, barriers):
    merged = merge(vdem, barriers)
    closed = au._barrier_share_in_regime(merged, "ch_funding", 0).set_index("year")
    # 2000: closed autocracies AAA (funding 1) and BBB (0); 2001: only AAA (2).
    assert closed.loc[2000, "n"] == 2 and closed.loc[2000, "n_barrier"] == 1
    assert closed.loc[2000, "share"] == pytest.approx(0.5)
    assert closed.loc[2001, "n"] == 1 and closed.loc[2001, "share"] == pytest.approx(1.0)
    # 2000: the only electoral autocracy, CCC, is not coded by Chaudhry: no row at all.
    assert 2000 not in set(au._barrier_share_in_regime(merged, "ch_funding", 1)["year"])


def test_barrier_share_would_differ_if_missing_were_zero(vdem, barriers):
    merged = merge(vdem, barriers)
    filled = merged.assign(ch_covered=True, ch_funding=merged["ch_funding"].fillna(0))
    assert au._barrier_share_in_regime(filled, "ch_funding", 1).set_index("year").loc[2000, "n"] == 1
    # the other source: only CCC is coded by DCJW, and it has a barrier in both years
    cw = au._barrier_share_in_regime(merged, "cw_funding", 1).set_index("year")
    assert cw["n"].tolist() == [1, 1] and cw["share"].tolist() == [1.0, 1.0]


def test_barrier_share_by_regime(vdem, barriers):
    merged = merge(vdem, barriers)
    out = au._barrier_share_by_regime(merged, "ch_funding")
    liberal = out[out["regime"] == "liberal democracy"].set_index("year")
    assert liberal.loc[2000, "share"] == 1.0 and 2001 not in liberal.index  # DDD is an electoral democracy in 2001
    democracy_2001 = out[(out["regime"] == "electoral democracy") & (out["year"] == 2001)]
    assert democracy_2001["share"].item() == 0.0
    assert set(out["regime"]) <= set(au.REGIME_ORDER)


def test_scatter_rows(vdem):
    rows = au._scatter_rows(vdem, 2001)
    assert rows["iso3"].tolist() == ["AAA", "BBB", "CCC", "DDD"]  # EEE has no repression value in 2001
    assert rows.loc[rows["iso3"] == "BBB", "x"].item() == pytest.approx(0.3)


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
    merged = merge(vdem, barriers)
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


def test_real_funding_figure_matches_plain_pandas(real):
    vdem, barriers = real
    merged = merge(vdem, barriers)
    fig = au.barrier_share_figure(merged, ["ch_funding"])
    closed = fig.data[0]
    assert closed.name == "closed autocracy" and min(closed.x) == 1990 and max(closed.x) == 2013
    coded = merged[merged["ch_covered"].astype(bool) & (merged["v2x_regime"] == 0)]
    direct = (coded["ch_funding"] > 0).groupby(coded["year"]).mean().astype(float)
    assert list(closed.y) == pytest.approx((100 * direct).round(1).tolist())


def test_real_facts_match_direct_computation(real):
    vdem, barriers = real
    facts = au.chapter_facts(vdem)
    y = vdem[vdem["year"] == 2023]
    assert facts["n_closed_2023"] == (y["v2x_regime"] == 0).sum()
    assert facts["n_autocracies_2023"] == y["v2x_regime"].isin([0, 1]).sum()
    assert -1 <= facts["corr_repression_consultation_2023"] <= 1


def test_real_book_figures_stay_light(real):
    vdem, barriers = real
    fig = au.repression_consultation_by_year(vdem)
    assert [f.name for f in fig.frames][0] == "1990" and fig.frames[-1].name == "2023"
    assert len(fig.to_json()) < 150_000
    assert len(au.barrier_share_figure(merge(vdem, barriers)).to_json()) < 60_000
