"""Chapter 10 (IGO on-site monitoring: the ILO in Uzbekistan): the series functions, the trust game, figures, widget.

Most tests use a small hand-made table or hand-worked rounds of the game; the last
ones check the functions against the real ILO table.
"""

import pandas as pd
import pytest

import civicspace as cs
from civicspace.chapters import ch10_ilo_uzbekistan as mo
from civicspace.plotting import OKABE_ITO


def _table(rows):
    """A table like the ILO dataset, with its column types."""
    types = {
        "harvest_year": "Int64",
        "published": "string",
        "estimated_pickers": "Int64",
        "forced_labour_share_pct": "Float64",
        "forced_labour_estimate": "Int64",
        "note": "string",
    }
    return pd.DataFrame(rows, columns=list(types)).astype(types)


@pytest.fixture
def table():
    # Shares: 2010 20, 2011 15 (-5), 2012 none, 2013 12, 2014 4 (-8), 2016 3 (gap: no 2015 row).
    # Listed out of order on purpose.
    return _table(
        [
            [2014, "2015", 900, 4.0, 36, "about 4% (Rounded)"],
            [2010, "2011", 1000, 20.0, 200, "as published"],
            [2011, "2012", 1000, 15.0, None, "a SECONDARY source"],
            [2012, "2013", None, None, None, "nothing seen"],
            [2013, "2014-02", 1000, 12.0, 120, "approximate figure"],
            [2016, "2017", None, 3.0, None, None],
        ]
    )


# --------------------------------------------------------------------------- the series


def test_harvest_series_sorts_and_keeps_gaps(table):
    series = mo.harvest_series(table)
    assert series["harvest_year"].tolist() == [2010, 2011, 2012, 2013, 2014, 2016]
    assert series["forced_labour_share_pct"].isna().tolist() == [False, False, True, False, False, False]
    assert series["note"].isna().sum() == table["note"].isna().sum()  # notes kept as they are
    assert list(table["harvest_year"]) != series["harvest_year"].tolist()  # the input is not sorted in place


def test_facts_give_the_fall_in_the_number_in_per_cent(table):
    facts = mo.chapter_facts(table)
    # Numbers known for 2010 (200), 2013 (120) and 2014 (36): only 2013-2014 are consecutive, a 70% fall.
    assert facts["estimate_change_2014"] == 70 and facts["n_estimate_pairs"] == 1
    assert "estimate_change_2011" not in facts
    assert (facts["first_share_year"], facts["last_share_year"]) == (2010, 2016)


def test_series_table_shows_dashes_for_missing_figures(table):
    shown = mo.series_table(table)
    assert shown.index.tolist() == ["2010", "2011", "2012", "2013", "2014", "2016"]
    row = shown.loc["2012"]
    assert row["Share in forced labour"] == "–" and row["Number in forced labour"] == "–"
    assert shown.loc["2010", "Share in forced labour"] == "20%"
    assert list(shown.columns) == ["Published", "Pickers", "Share in forced labour", "Number in forced labour"]


def test_series_figure_has_share_and_number_views(table):
    fig = mo.ilo_series_figure(table)
    share_bars, share_missing, number_bars, number_missing = fig.data
    assert list(share_bars.x) == [2010, 2011, 2013, 2014, 2016]
    assert list(share_missing.x) == [2012]
    assert list(number_bars.y) == [200.0, 120.0, 36.0]
    assert [t.visible for t in fig.data] == [True, True, False, False]
    buttons = fig.layout.updatemenus[0].buttons
    assert [b.args[0]["visible"] for b in buttons] == [[True, True, False, False], [False, False, True, True]]
    assert share_bars.marker.color == OKABE_ITO[0]
    assert "not a consistent series" in fig.layout.meta["alt"]
    assert "2015<br>(no ILO<br>report)" in list(fig.layout.xaxis.ticktext)


# --------------------------------------------------------------------------- the game

#: Every parameter of the hand-worked games, so that they do not depend on mo.DEFAULTS.
HAND = {
    "cooperation_payoff": 2.0,
    "exposure_cost": 1.0,
    "cooptation_cost": 5.0,
    "learning_rate": 0.5,
    "initial_trust": 0.2,
    "reform_cost": 1.0,
}


def _game_by_hand(rounds: int, **changes):
    """The game of ``rounds`` rounds with the parameters of HAND, save ``changes``."""
    assert set(changes) <= set(HAND)
    return mo.simulate_trust(rounds=rounds, **{**HAND, **changes})


def test_partnership_round_by_hand():
    sim = _game_by_hand(2)
    # Round 1: stake 0.4, monitor would expose (5 >= 0.4), 0.4 + 1 >= 1 -> cooperate.
    first = sim.iloc[0]
    assert (first["government"], first["monitor"], first["outcome"]) == ("cooperate", "engage quietly", "partnership")
    assert first["trust_end"] == pytest.approx(0.2 + 0.5 * 0.8)
    assert first["government_payoff"] == pytest.approx(0.4 - 1.0)
    assert first["monitor_payoff"] == pytest.approx(0.4)
    # Round 2: trust 0.6, stake 1.2.
    assert sim["trust_start"].iloc[1] == pytest.approx(0.6)
    assert sim["government_cumulative"].iloc[1] == pytest.approx(-0.6 + 0.2)
    assert list(sim.columns) == mo.SIM_COLUMNS


def test_exposure_makes_trust_fall():
    sim = _game_by_hand(3, exposure_cost=0.1, initial_trust=0.4)
    assert sim["outcome"].tolist() == ["exposed"] * 3
    assert sim["trust_end"].tolist() == pytest.approx([0.2, 0.1, 0.05])
    assert sim["government_payoff"].tolist() == pytest.approx([-0.1] * 3)
    assert sim["monitor_cumulative"].iloc[-1] == 0


def test_co_opted_rounds_raise_trust_at_half_rate():
    sim = _game_by_hand(2, cooperation_payoff=1.0, exposure_cost=5.0, cooptation_cost=0.1, learning_rate=0.4, initial_trust=0.5)
    # Stake 0.5 > 0.1: monitor stays quiet; 0.5 < 1: government conceals.
    assert sim["outcome"].tolist() == ["co-opted", "co-opted"]
    assert sim["monitor"].tolist() == ["engage quietly", "engage quietly"]
    assert sim["trust_end"].iloc[0] == pytest.approx(0.5 + 0.2 * 0.5)
    assert sim["monitor_payoff"].iloc[0] == pytest.approx(0.5 - 0.1)
    assert sim["cooptation_cost_total"].tolist() == pytest.approx([0.1, 0.2])


def test_defaults_and_threshold_of_exposure_cost():
    assert mo.final_trust(mo.simulate_trust()) > 0.9
    assert mo.final_trust(mo.simulate_trust(exposure_cost=0.6)) < 0.01
    assert mo.final_trust(mo.simulate_trust(exposure_cost=0.7)) > 0.5
    s = mo.simulation_summary(mo.simulate_trust(exposure_cost=0.6))
    assert s["exposed_rounds"] == mo.DEFAULTS["rounds"] and s["first_partnership_round"] is None


@pytest.mark.parametrize(
    "bad",
    [
        {"rounds": 0},
        {"rounds": 2.5},
        {"learning_rate": 1.5},
        {"initial_trust": -0.1},
        {"exposure_cost": -1},
        {"cooptation_cost": float("nan")},
    ],
)
def test_simulation_rejects_bad_parameters(bad):
    with pytest.raises(ValueError):
        mo.simulate_trust(**bad)


def test_trust_grid_is_long_and_labelled():
    grid = mo.trust_grid([0.2, 1.0], [0.5], rounds=3)
    assert len(grid) == 2 * 1 * 3
    assert list(grid.columns[:2]) == ["exposure_cost", "cooptation_cost"]
    low = grid[grid["exposure_cost"] == 0.2]
    assert set(low["outcome"]) == {"exposed"}


def test_trust_figure_marks_outcomes_and_payoffs():
    sim = mo.simulate_trust(rounds=5, exposure_cost=0.1)
    fig = mo.trust_figure(sim)
    names = [t.name for t in fig.data]
    assert names[0] == "trust (end of round)" and list(fig.data[0].x) == [0, 1, 2, 3, 4, 5]
    exposed = fig.data[1 + list(mo.OUTCOMES).index("exposed")]
    assert list(exposed.x) == [1, 2, 3, 4, 5]
    assert "running payoff" in names[-1]
    assert "5-round" in fig.layout.meta["alt"] and "not an estimate" in fig.layout.title.text


def test_slider_figure_combines_menu_and_sliders():
    costs, coopts = (0.2, 1.0), (0.2, 1.2, 2.0)
    fig = mo.trust_slider_figure(costs, coopts, rounds=4)
    n_paths = len(costs) * len(coopts)
    assert len(fig.data) == n_paths + len(mo.OUTCOMES)
    assert len(fig.layout.sliders) == len(coopts) and len(fig.layout.updatemenus[0].buttons) == len(coopts)
    # Defaults: co-optation 1.2 (index 1), exposure 1.0 (index 1): trace 1 * 2 + 1 = 3.
    assert [i for i, t in enumerate(fig.data[:n_paths]) if t.visible] == [3]
    assert [s.visible for s in fig.layout.sliders] == [False, True, False]
    button = fig.layout.updatemenus[0].buttons[2]
    assert button.args[1]["sliders[2].visible"] is True and button.args[1]["sliders[1].visible"] is False
    assert button.args[0]["visible"][:n_paths] == [t == 2 * 2 + 1 for t in range(n_paths)]
    step = fig.layout.sliders[0].steps[0]
    assert step.args[0]["visible"][:n_paths] == [True] + [False] * (n_paths - 1)
    expected = mo.simulate_trust(rounds=4, exposure_cost=0.2, cooptation_cost=0.2)
    assert list(fig.data[0].y)[1:] == pytest.approx(expected["trust_end"].round(3).tolist())
    assert "stylised" in fig.layout.annotations[0].text.lower()


# --------------------------------------------------------------------------- widget


def test_widget_reruns_on_each_slider():
    w = mo.trust_simulator(rounds=10)
    assert len(w.current_table) == 10
    assert mo.final_trust(w.current_table) > 0.9
    w.controls["exposure_cost"].value = 0.2
    assert set(w.current_table["outcome"]) == {"exposed"}
    w.controls["cooptation_cost"].value = 0.1
    assert "co-opted" in set(w.current_table["outcome"])
    w.controls["rounds"].value = 7
    assert len(w.current_table) == 7 and len(w.current_figure.data[0].x) == 8
    assert w.params()["rounds"] == 7 and isinstance(w.params()["rounds"], int)
    assert "Final trust" in w.summary.value


# --------------------------------------------------------------------------- real data


@pytest.fixture(scope="module")
def real():
    return cs.data.load_ilo_uzbekistan_monitoring()


def test_real_series_is_what_the_codebook_says(real):
    series = mo.harvest_series(real)
    assert series["harvest_year"].tolist() == [2013, 2015, 2016, 2017, 2018, 2019, 2020, 2021]  # no 2014
    assert series.loc[series["forced_labour_share_pct"].notna(), "harvest_year"].tolist() == [2017, 2018, 2019, 2020, 2021]


def test_real_facts(real):
    facts = mo.chapter_facts(real)
    assert facts["n_harvests"] == len(real) == 8
    assert (facts["first_share_year"], facts["first_share"]) == (2017, 13.0)
    assert (facts["last_share_year"], facts["last_share"]) == (2021, 1.0)
    assert facts["estimate_2017"] == "336,000"
    assert facts["estimate_change_2019"] == 40  # "40% fewer" than 2018, as the ILO said
    # Computed in the chapter itself, not by the package (they are exercise answers).
    assert not {"n_with_share", "largest_fall_to", "n_caveat"} & set(facts)


def test_real_book_figures_stay_light(real):
    assert len(mo.ilo_series_figure(real).to_json()) < 30_000
    assert len(mo.trust_slider_figure().to_json()) < 120_000
