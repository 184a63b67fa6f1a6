"""Chapter 5: pure functions, figures and the live widget of civicspace.chapters.ch05_foreign_agent_laws."""

import pandas as pd
import pytest

import civicspace as cs
from civicspace.chapters import ch05_foreign_agent_laws as L
from civicspace.plotting import OKABE_ITO


def _law(event_id, iso3, country, date, type_, stigma=False, admin=True, crim=False, title=None):
    return {
        "event_id": event_id,
        "iso3": iso3,
        "country": country,
        "title": title or f"Law {event_id}",
        "type": type_,
        "date_adopted": date,
        "year_adopted": int(date[:4]),
        "target_stigma": stigma,
        "target_admin_burden": admin,
        "target_criminalisation": crim,
    }


@pytest.fixture
def toy():
    """Five laws in three countries, plus one liberalising law with no target."""
    return pd.DataFrame(
        [
            _law("aaa-2012-x", "AAA", "Aland", "2012-07-20", "foreign agent", stigma=True, crim=True),
            _law("aaa-2015-y", "AAA", "Aland", "2015-05", "undesirable organisation", stigma=True, crim=True),
            _law("bbb-2014-z", "BBB", "Bland", "2014-02-03", "registration"),
            _law("bbb-2016-w", "BBB", "Bland", "2016-01-30", "foreign funding", stigma=True),
            _law("ccc-2016-v", "CCC", "Cland", "2016-09", "registration"),
            _law("ddd-2013-lib", "DDD", "Dland", "2013-03-01", "other", admin=False),
        ]
    )


@pytest.fixture(scope="module")
def laws():
    return cs.data.load_restrictive_laws()


# ------------------------------------------------------------ the table and the map's rows


def test_the_table_holds_one_liberalising_row(laws):
    """Every row but Ethiopia 2019 pursues at least one target (the maps and charts leave that row out)."""
    targeted = laws[list(L.TARGETS)].fillna(False).astype(bool).any(axis=1)
    assert list(laws.loc[~targeted, "event_id"]) == ["eth-2019-cso-proclamation"]


def test_countries_by_year_colours_by_the_most_recent_law(toy):
    rows = L._countries_by_year(toy, 2016).set_index("iso3")
    assert list(rows.index) == ["AAA", "BBB", "CCC"]
    assert rows.loc["AAA", "latest_type"] == "undesirable organisation"
    assert rows.loc["BBB", "latest_type"] == "foreign funding"
    assert rows.loc["AAA", "n_laws"] == 2 and rows.loc["AAA", "first_year"] == 2012
    assert rows.loc["BBB", "titles"].splitlines() == ["2014-02-03: Law bbb-2014-z", "2016-01-30: Law bbb-2016-w"]
    assert list(L._countries_by_year(toy, 2014)["iso3"]) == ["AAA", "BBB"]  # the year itself counts
    assert "DDD" not in set(L._countries_by_year(toy, 2016)["iso3"])  # the liberalising law is left out
    only_reg = L._countries_by_year(toy, 2016, ["registration"])
    assert list(only_reg["iso3"]) == ["BBB", "CCC"]
    assert set(only_reg["latest_type"]) == {"registration"}
    assert list(L._countries_by_year(toy, 2011).columns) == list(rows.reset_index().columns)
    with pytest.raises(ValueError):
        L._countries_by_year(toy, 2016, ["no such type"])


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
    expected = L._countries_by_year(laws, 2014)["iso3"].tolist()
    assert list(fig.frames[2].data[0].locations) == expected
    assert fig.layout.meta["alt"].startswith("World map with a year slider")
    full = L.diffusion_map_by_year(laws)
    assert len(full.to_json()) < 200_000  # keeps the page light


def test_cumulative_timeline(toy, laws):
    fig = L.cumulative_timeline(toy, 2012, 2016)
    names = [t.name for t in fig.data]
    assert names == ["foreign agent", "undesirable organisation", "foreign funding", "registration"]
    assert list(fig.data[3].y) == [0, 0, 1, 1, 2]
    later = L.cumulative_timeline(toy, 2013, 2014)
    assert list(later.data[0].y) == [1, 1]  # a law adopted before the first year counts from it on
    assert all(t.line.color in OKABE_ITO for t in fig.data)
    real = L.cumulative_timeline(laws)
    targeted = laws[list(L.TARGETS)].fillna(False).astype(bool).any(axis=1)
    assert sum(t.y[-1] for t in real.data) == int(targeted.sum())
    assert "Stacked area chart" in real.layout.meta["alt"]


def test_repression_change_figure():
    change = pd.DataFrame(
        {
            "iso3": ["AAA", "CCC", "BBB"],
            "country": ["Aland", "Cland", "Bland"],
            "year_adopted": [2012, 2016, 2014],
            "before": [0.2, 0.5, 0.6],
            "after": [-1.0, 0.5, 1.2],
        }
    )
    change["change"] = change["after"] - change["before"]
    fig = L.repression_change_figure(change)
    assert [t.name for t in fig.data[1:]] == ["5 years before", "up to 5 years after"]
    assert list(fig.data[1].y) == ["Bland (2014)", "Cland (2016)", "Aland (2012)"]  # rising first
    assert list(fig.data[2].x) == pytest.approx([1.2, 0.5, -1.0])
    assert "fell (more repression) in 1 of them" in fig.layout.meta["alt"]


# ------------------------------------------------------------ widget


def test_widget_redraws_on_each_control(laws):
    w = L.law_diffusion_explorer(laws)
    n_all = len(L._countries_by_year(laws, 2025))
    assert w.current_figure.layout.title.text.endswith(f": {n_all} countries by the end of 2025")
    w.year.value = 2015
    n_2015 = len(L._countries_by_year(laws, 2015))
    assert w.current_figure.layout.title.text == (f"Restrictive NGO laws (all types): {n_2015} countries by the end of 2015")
    w.law_type.value = "foreign agent"
    assert w.selected_types() == ["foreign agent"]
    assert list(w.current_figure.data[0].locations) == ["RUS"]
    assert w.current_figure.layout.title.text == "Restrictive NGO laws (foreign agent): 1 country by the end of 2015"
    w.year.value = 2025
    fa = L._countries_by_year(laws, 2025, ["foreign agent"])
    assert list(w.current_figure.data[0].locations) == fa["iso3"].tolist()
    assert w.law_type.options[0] == "all types" and "other" in w.law_type.options
