"""Chapter 5: pure functions, figures and the live widget of civicspace.laws."""

import pandas as pd
import pytest

import civicspace as cs
from civicspace import laws as L
from civicspace.plotting import OKABE_ITO


def _law(event_id, iso3, country, date, type_, stigma=False, admin=True, crim=False, title=None):
    return {
        "event_id": event_id, "iso3": iso3, "country": country, "title": title or f"Law {event_id}",
        "type": type_, "date_adopted": date, "year_adopted": int(date[:4]),
        "target_stigma": stigma, "target_admin_burden": admin, "target_criminalisation": crim,
    }


@pytest.fixture
def toy():
    """Five laws in three countries, plus one liberalising law with no target."""
    return pd.DataFrame([
        _law("aaa-2012-x", "AAA", "Aland", "2012-07-20", "foreign agent", stigma=True, crim=True),
        _law("aaa-2015-y", "AAA", "Aland", "2015-05", "undesirable organisation", stigma=True, crim=True),
        _law("bbb-2014-z", "BBB", "Bland", "2014-02-03", "registration"),
        _law("bbb-2016-w", "BBB", "Bland", "2016-01-30", "foreign funding", stigma=True),
        _law("ccc-2016-v", "CCC", "Cland", "2016-09", "registration"),
        _law("ddd-2013-lib", "DDD", "Dland", "2013-03-01", "other", admin=False),
    ])


@pytest.fixture
def toy_panel():
    rows = []
    for iso3, base, step in [("AAA", 1.0, -0.2), ("BBB", 0.0, 0.1), ("CCC", 0.5, 0.0), ("DDD", 2.0, 0.0)]:
        for year in range(2005, 2024):
            rows.append({"iso3": iso3, "year": year, "v2csreprss": base + step * (year - 2005)})
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def laws():
    return cs.data.load_restrictive_laws()


@pytest.fixture(scope="module")
def barriers():
    return cs.data.load_ngo_law_barriers()


@pytest.fixture(scope="module")
def panel():
    return cs.data.load_civic_space_panel()


# ------------------------------------------------------------ pure functions


def test_restrictive_drops_rows_without_a_target(toy, laws):
    assert list(L.restrictive(toy)["event_id"]) == list(toy["event_id"][:5])
    assert len(L.restrictive(laws)) == len(laws) - 1  # Ethiopia 2019 is the one liberalising row
    assert "eth-2019-cso-proclamation" not in set(L.restrictive(laws)["event_id"])


def test_laws_by_year_counts_the_year_itself_and_filters_types(toy):
    assert list(L.laws_by_year(toy, 2014)["event_id"]) == ["aaa-2012-x", "bbb-2014-z"]
    assert list(L.laws_by_year(toy, 2016, ["registration"])["event_id"]) == ["bbb-2014-z", "ccc-2016-v"]
    assert L.laws_by_year(toy, 2011).empty
    with pytest.raises(ValueError):
        L.laws_by_year(toy, 2016, ["no such type"])


def test_countries_by_year_colours_by_the_most_recent_law(toy):
    rows = L.countries_by_year(toy, 2016).set_index("iso3")
    assert list(rows.index) == ["AAA", "BBB", "CCC"]
    assert rows.loc["AAA", "latest_type"] == "undesirable organisation"
    assert rows.loc["BBB", "latest_type"] == "foreign funding"
    assert rows.loc["AAA", "n_laws"] == 2 and rows.loc["AAA", "first_year"] == 2012
    assert rows.loc["BBB", "titles"].splitlines() == ["2014-02-03: Law bbb-2014-z", "2016-01-30: Law bbb-2016-w"]
    only_reg = L.countries_by_year(toy, 2016, ["registration"])
    assert list(only_reg["iso3"]) == ["BBB", "CCC"]
    assert set(only_reg["latest_type"]) == {"registration"}
    assert list(L.countries_by_year(toy, 2011).columns) == list(rows.reset_index().columns)


def test_cumulative_by_type(toy):
    table = L.cumulative_by_type(toy, 2012, 2016)
    assert len(table) == len(L.TYPE_ORDER) * 5
    reg = table[table["type"] == "registration"].set_index("year")["laws"]
    assert reg.tolist() == [0, 0, 1, 1, 2]
    assert table[table["type"] == "other"]["laws"].max() == 0  # the liberalising law is left out
    # A law adopted before `first` is counted from the first year on.
    later = L.cumulative_by_type(toy, 2013, 2014)
    assert later[later["type"] == "foreign agent"]["laws"].tolist() == [1, 1]


def test_target_counts(toy, laws):
    table = L.target_counts(toy)
    assert list(table.index) == ["foreign agent", "undesirable organisation", "foreign funding", "registration"]
    assert table.loc["registration"].tolist() == [2, 0, 2, 0]
    assert table.loc["foreign agent", "criminalisation"] == 1
    real = L.target_counts(laws)
    assert real["laws"].sum() == len(L.restrictive(laws))
    assert real["stigma"].sum() == int(laws["target_stigma"].sum())


def test_funding_barrier_share_counts_coded_rows_only():
    barriers = pd.DataFrame({
        "year": [2000, 2000, 2000, 2001, 2001],
        "cw_covered": [True, True, False, True, True],
        "cw_funding": [0.0, 1.5, None, 2.0, 0.5],
        "ch_covered": [True, False, False, False, True],
        "ch_funding": [1.0, None, None, None, 0.0],
    })
    cw = L.funding_barrier_share(barriers, "cw")
    assert cw["coded"].tolist() == [2, 2] and cw["with_barrier"].tolist() == [1, 2]
    assert cw["share"].tolist() == [0.5, 1.0]
    ch = L.funding_barrier_share(barriers, "ch")
    assert ch["coded"].tolist() == [1, 1] and ch["share"].tolist() == [1.0, 0.0]
    with pytest.raises(ValueError):
        L.funding_barrier_share(barriers, "xx")


def test_funding_barrier_share_real_data(barriers):
    share = L.funding_barrier_share(barriers, "cw")
    covered = barriers[barriers["cw_covered"]]
    row = share[share["year"] == 2010].iloc[0]
    sub = covered[covered["year"] == 2010]
    assert row["coded"] == len(sub)
    assert row["with_barrier"] == int((sub["cw_funding"] > 0).sum())


def test_first_laws_and_repression_before_after(toy, toy_panel):
    first = L.first_laws(toy)
    assert first["iso3"].tolist() == ["AAA", "BBB", "CCC"]
    assert first.set_index("iso3").loc["BBB", "year_adopted"] == 2014
    out = L.repression_before_after(toy, toy_panel, window=5).set_index("iso3")
    # AAA: first law 2012, before = mean over 2007–2011, after = mean over 2013–2017.
    assert out.loc["AAA", "before"] == pytest.approx(1.0 - 0.2 * 4)
    assert out.loc["AAA", "after"] == pytest.approx(1.0 - 0.2 * 10)
    assert out.loc["AAA", "change"] == pytest.approx(-1.2)
    assert out.loc["BBB", "change"] == pytest.approx(0.6)
    assert out.loc["CCC", "change"] == pytest.approx(0.0)
    assert "DDD" not in out.index  # liberalising law only
    assert list(L.repression_before_after(toy, toy_panel)["iso3"]) == ["AAA", "CCC", "BBB"]  # sorted by change
    # Laws after the end of the panel have no "after" years and are dropped.
    late = toy.copy()
    late.loc[late["iso3"] == "CCC", ["date_adopted", "year_adopted"]] = ["2025-01", 2025]
    assert "CCC" not in set(L.repression_before_after(late, toy_panel)["iso3"])
    short = L.repression_before_after(toy, toy_panel, window=2).set_index("iso3")
    assert short.loc["AAA", "n_after"] == 2


def test_repression_before_after_real_data(laws, panel):
    out = L.repression_before_after(laws, panel)
    rus = out.set_index("iso3").loc["RUS"]
    assert rus["year_adopted"] == 2012
    vals = panel[panel["iso3"] == "RUS"].set_index("year")["v2csreprss"]
    assert rus["before"] == pytest.approx(vals.loc[2007:2011].mean())
    assert rus["after"] == pytest.approx(vals.loc[2013:2017].mean())
    assert out["year_adopted"].max() <= int(panel["year"].max()) - 1


def test_chapter_facts(laws, barriers, panel):
    facts = L.chapter_facts(laws, barriers, panel)
    assert facts["n_table"] == len(laws) and facts["n_laws"] == len(laws) - 1
    assert facts["n_admin"] + 0 <= facts["n_laws"]
    assert facts["n_all_three"] == int(L.restrictive(laws)[list(L.TARGETS)].astype(bool).all(axis=1).sum())
    assert facts["rep_n"] == len(L.repression_before_after(laws, panel))
    assert 0 <= facts["cw_last_share"] <= 100


# ------------------------------------------------------------ figures


def test_diffusion_map(toy, laws):
    fig = L.diffusion_map(toy, 2016)
    assert list(fig.data[0].locations) == ["AAA", "BBB", "CCC"]
    assert list(fig.data[0].z) == [L.TYPE_ORDER.index(t) for t in ["undesirable organisation", "foreign funding", "registration"]]
    assert "Law bbb-2016-w" in fig.data[0].text[1]
    assert fig.layout.title.text == "Restrictive NGO laws (all types): 3 countries by the end of 2016"
    assert fig.layout.meta["alt"].startswith("World map")
    colours = {c for _, c in fig.data[0].colorscale}
    assert colours <= set(OKABE_ITO)
    assert list(fig.data[0].colorbar.ticktext) == L.TYPE_ORDER
    assert L.diffusion_map(laws, 2012).data[0].locations == ("DZA", "RUS")


def test_diffusion_map_by_year_has_one_frame_per_year(laws):
    fig = L.diffusion_map_by_year(laws, years=range(2012, 2017))
    assert [f.name for f in fig.frames] == [str(y) for y in range(2012, 2017)]
    assert [s["label"] for s in fig.layout.sliders[0].steps] == [str(y) for y in range(2012, 2017)]
    expected = L.countries_by_year(laws, 2014)["iso3"].tolist()
    assert list(fig.frames[2].data[0].locations) == expected
    assert fig.layout.meta["alt"].startswith("World map with a year slider")
    full = L.diffusion_map_by_year(laws)
    assert len(full.to_json()) < 200_000  # keeps the page light


def test_cumulative_timeline(toy, laws):
    fig = L.cumulative_timeline(toy, 2012, 2016)
    names = [t.name for t in fig.data]
    assert names == ["foreign agent", "undesirable organisation", "foreign funding", "registration"]
    assert list(fig.data[3].y) == [0, 0, 1, 1, 2]
    assert all(t.line.color in OKABE_ITO for t in fig.data)
    real = L.cumulative_timeline(laws)
    assert sum(t.y[-1] for t in real.data) == len(L.restrictive(laws))
    assert "Stacked area chart" in real.layout.meta["alt"]


def test_repression_change_figure(toy, toy_panel):
    change = L.repression_before_after(toy, toy_panel)
    fig = L.repression_change_figure(change)
    assert [t.name for t in fig.data[1:]] == ["5 years before", "up to 5 years after"]
    assert list(fig.data[1].y) == ["Bland (2014)", "Cland (2016)", "Aland (2012)"]  # rising first
    assert list(fig.data[2].x) == pytest.approx([1.2, 0.5, -1.0])
    assert "fell (more repression) in 1 of them" in fig.layout.meta["alt"]


# ------------------------------------------------------------ widget


def test_widget_redraws_on_each_control(laws):
    w = L.law_diffusion_explorer(laws)
    n_all = len(L.countries_by_year(laws, 2025))
    assert w.current_figure.layout.title.text.endswith(f": {n_all} countries by the end of 2025")
    w.year.value = 2015
    n_2015 = len(L.countries_by_year(laws, 2015))
    assert w.current_figure.layout.title.text == (
        f"Restrictive NGO laws (all types): {n_2015} countries by the end of 2015"
    )
    w.law_type.value = "foreign agent"
    assert w.selected_types() == ["foreign agent"]
    assert list(w.current_figure.data[0].locations) == ["RUS"]
    assert w.current_figure.layout.title.text == "Restrictive NGO laws (foreign agent): 1 country by the end of 2015"
    w.year.value = 2025
    fa = L.countries_by_year(laws, 2025, ["foreign agent"])
    assert list(w.current_figure.data[0].locations) == fa["iso3"].tolist()
    assert w.law_type.options[0] == "all types" and "other" in w.law_type.options
