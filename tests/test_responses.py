"""Chapter 8 (How NGOs respond): the response planner, its tables, figures and live widget.

Most tests use hand-made scenarios and tables whose answers can be worked out from
the rules by hand; the last ones check the functions against the real case data.
"""

import pandas as pd
import pytest

import civicspace as cs
from civicspace.chapters import ch08_responses as rs
from civicspace.plotting import OKABE_ITO


def ids(df):
    return df["strategy_id"].tolist()


# --------------------------------------------------------------------------- catalogue and scenarios


def test_catalogue_is_complete_and_consistent():
    cat = rs.STRATEGIES
    assert cat["strategy_id"].is_unique
    assert set(cat["level"]) == set(rs.LEVELS)
    assert set(cat["purpose"]) == set(rs.PURPOSES)
    assert cat["source"].str.len().gt(3).all() and cat["rationale"].str.len().gt(20).all()
    assert set(rs.PURPOSE_COLOURS.values()) <= set(OKABE_ITO)


def test_normalise_scenario_accepts_names_and_defaults():
    s = rs.normalise_scenario({"restriction": "registration", "stage": "legal stigma"})
    assert s == {"restriction": "registration", "stage": 3, "actor": "domestic", "staff_in_country": True}
    assert rs.make_scenario("foreign agent", 2, "international", False)["staff_in_country"] is False


@pytest.mark.parametrize(
    "bad",
    [
        {"stage": 1},
        {"restriction": "tax law"},
        {"restriction": "registration", "stage": 5},
        {"restriction": "registration", "stage": "arrest"},
        {"restriction": "registration", "stage": True},
        {"restriction": "registration", "actor": "donor"},
    ],
)
def test_normalise_scenario_rejects_bad_input(bad):
    with pytest.raises(ValueError):
        rs.normalise_scenario(bad)


def test_applies_rejects_unknown_strategy():
    with pytest.raises(KeyError):
        rs.applies("prayer", {"restriction": "registration"})


# --------------------------------------------------------------------------- plan


def test_plan_early_registration_law():
    p = rs.plan({"restriction": "registration", "stage": 1})
    assert list(p.columns) == ["strategy_id", "strategy", "level", "purpose", "rationale"]
    assert ids(p) == [
        "legal_analysis",
        "strategic_litigation",
        "rights_poverty",
        "international_agenda",
        "secure_records",
        "compliance_readiness",
        "education",
        "partnerships",
    ]
    assert "support" not in set(p["purpose"])  # nobody is yet labelled or prosecuted


def test_plan_is_sorted_policy_first_then_by_purpose():
    p = rs.plan(rs.make_scenario("foreign agent", 2, "international"))
    levels = p["level"].map(rs.LEVELS.index).tolist()
    assert levels == sorted(levels)
    for level in rs.LEVELS:
        purposes = p.loc[p["level"] == level, "purpose"].map(rs.PURPOSES.index).tolist()
        assert purposes == sorted(purposes)


def test_plan_rationale_cites_its_source():
    p = rs.plan({"restriction": "AML-CFT measure"})
    row = p.set_index("strategy_id").loc["fatf_standards"]
    assert row["rationale"].endswith("(Global NPO Coalition on FATF (2016)).")
    assert "fatf_standards" not in ids(rs.plan({"restriction": "foreign funding"}))


def test_plan_criminal_stage_without_staff():
    p = rs.plan(rs.make_scenario("undesirable organisation", 4, "international", False))
    got = set(ids(p))
    assert {"urgent_appeals", "continuity_abroad", "government_liaison", "independent_channels"} <= got
    # nothing that needs people on the ground
    assert not got & {"compliance_readiness", "education", "defender_assistance", "strategic_litigation"}
    assert "legal_analysis" not in got  # too late to amend a draft


def test_plan_changes_with_staff_and_actor():
    home = set(ids(rs.plan(rs.make_scenario("foreign agent", 3, "domestic", True))))
    away = set(ids(rs.plan(rs.make_scenario("foreign agent", 3, "domestic", False))))
    assert home - away == {"compliance_readiness", "defender_assistance"}
    dom = set(ids(rs.plan(rs.make_scenario("registration", 1, "domestic"))))
    intl = set(ids(rs.plan(rs.make_scenario("registration", 1, "international"))))
    assert intl - dom == {"government_liaison"}


def test_purposes_of():
    assert rs.purposes_of({"restriction": "registration"}) == {
        "resist": True,
        "preserve": True,
        "support": False,
        "connect": True,
    }
    assert rs.purposes_of({"restriction": "undesirable organisation"})["support"] is True


# --------------------------------------------------------------------------- tables


@pytest.fixture
def laws():
    return pd.DataFrame(
        {
            "event_id": ["aaa-2015-reg", "bbb-2016-fa", "ccc-2017-crim", "ddd-2018-fund"],
            "iso3": ["AAA", "BBB", "CCC", "DDD"],
            "type": pd.Categorical(["registration", "foreign agent", "registration", "foreign funding"]),
            "target_stigma": pd.array([False, True, False, False], dtype="boolean"),
            "target_admin_burden": pd.array([True, True, True, True], dtype="boolean"),
            "target_criminalisation": pd.array([False, False, True, False], dtype="boolean"),
        }
    )


def _stage(law):
    """The stage a law's targets imply, as the chapter reads them: 4 if it criminalises, 3 if it stigmatises, else 1."""
    return 4 if law["target_criminalisation"] else 3 if law["target_stigma"] else 1


def test_planner_on_law_rows(laws):
    plans = {law["event_id"]: rs.plan({"restriction": str(law["type"]), "stage": _stage(law)}) for _, law in laws.iterrows()}
    assert len(plans["aaa-2015-reg"]) == 8
    assert set(plans["aaa-2015-reg"]["purpose"]) == {"resist", "preserve", "connect"}
    assert (plans["ccc-2017-crim"]["purpose"] == "support").sum() == 2  # defenders and urgent appeals
    assert "support" not in set(plans["ddd-2018-fund"]["purpose"])


# --------------------------------------------------------------------------- figures


def test_heatmap_marks_recommended_cells_with_purpose():
    scenarios = {"early": rs.make_scenario("registration"), "late": rs.make_scenario("foreign agent", 4)}
    fig = rs.strategy_heatmap(scenarios)
    heat = fig.data[0]
    assert list(heat.x) == ["early", "late"]
    assert len(heat.z) == len(rs.STRATEGIES)
    row = rs.STRATEGIES["strategy_id"].tolist().index("urgent_appeals")
    assert list(heat.z[row]) == [0, rs.PURPOSES.index("support") + 1]
    assert list(heat.text[row]) == ["", "S"]
    assert fig.layout.meta["alt"].startswith("Heatmap")
    with pytest.raises(ValueError):
        rs.strategy_heatmap({})


def test_plan_table_and_menu():
    s = rs.make_scenario("AML-CFT measure")
    fig = rs.plan_table(s)
    assert list(fig.data[0].cells.values[0]) == rs.plan(s)["strategy"].tolist()
    assert fig.layout.meta["alt"].startswith("Table")


def test_book_planner_shows_each_scenarios_plan_under_its_own_choice():
    from test_interactives import read_table_choice

    scenarios = {"a": rs.make_scenario("AML-CFT measure"), "b": rs.make_scenario("foreign agent", 4)}
    shown = read_table_choice(rs.planner_with_menu(scenarios)._repr_html_())
    assert [(c["label"], c["checked"]) for c in shown["choices"]] == [("a", True), ("b", False)]
    assert shown["scripts"] == 0, "the book's table needs no JavaScript (and no plotly.js table trace)"
    for (name, scenario), table in zip(scenarios.items(), shown["tables"]):
        p = rs.plan(scenario)
        assert table["header"] == ["Strategy", "Level", "Purpose", "Rationale (source)"]
        assert [[text for text, _ in row] for row in table["rows"]] == p[
            ["strategy", "level", "purpose", "rationale"]
        ].values.tolist()
        assert [row[2][1] for row in table["rows"]] == [rs.PURPOSE_TINTS[x] for x in p["purpose"]]
        assert table["caption"].startswith(f"{name}: {rs.describe(scenario)}")
    # The plans differ, so the choice matters.
    assert shown["tables"][0]["rows"] != shown["tables"][1]["rows"]
    with pytest.raises(ValueError, match="no scenarios"):
        rs.planner_with_menu({})


# --------------------------------------------------------------------------- widget


def test_widget_redraws_on_each_control():
    w = rs.response_planner("registration", 1)
    assert ids(w.current_plan) == ids(rs.plan({"restriction": "registration"}))
    w.stage.value = 4
    assert "urgent_appeals" in ids(w.current_plan)
    w.staff.value = False
    assert "defender_assistance" not in ids(w.current_plan)
    w.restriction.value = "AML-CFT measure"
    assert "fatf_standards" in ids(w.current_plan)
    w.actor.value = "international"
    assert w.scenario == rs.make_scenario("AML-CFT measure", 4, "international", False)
    assert list(w.current_figure.data[0].cells.values[0]) == w.current_plan["strategy"].tolist()


# --------------------------------------------------------------------------- real data


@pytest.fixture(scope="module")
def real():
    return cs.data.load_restrictive_laws(), cs.data.load_case_timelines()


def test_real_laws_all_planned(real):
    """Every law of the table is a valid scenario; support strategies come exactly with stigma or criminal penalties."""
    laws, _ = real
    assert set(laws["type"].astype(str)) <= set(rs.RESTRICTIONS)
    for _, law in laws.iterrows():
        purposes = set(rs.plan({"restriction": str(law["type"]), "stage": _stage(law)})["purpose"])
        assert {"preserve", "connect"} <= purposes
        assert ("support" in purposes) == bool(law["target_stigma"] or law["target_criminalisation"])


def test_real_cases_are_planned(real):
    """The planning assumptions cover the four cases of the timelines, and each gives a valid scenario."""
    _, timelines = real
    assert sorted(rs.CASES["case_id"]) == sorted(timelines["case_id"].astype(str).unique())
    for _, c in rs.CASES.iterrows():
        for stage in (1, 4):
            plan = rs.plan(
                {
                    "restriction": c["restriction"],
                    "stage": stage,
                    "actor": c["actor"],
                    "staff_in_country": bool(c["staff_in_country"]),
                }
            )
            assert {"international_agenda", "partnerships", "secure_records"} <= set(plan["strategy_id"])


def test_book_figures_stay_light():
    assert len(rs.strategy_heatmap().to_json()) < 60_000
    assert len(rs.planner_with_menu()._repr_html_()) < 60_000
