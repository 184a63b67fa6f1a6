"""Chapter 7 (Escalation: Amnesty International in Russia): pure functions, figures and the live widget.

Most tests use a small hand-made timeline whose answers can be worked out by hand;
the last ones check the functions against the real case timelines and laws.
"""

import math

import pandas as pd
import pytest

import civicspace as cs
from civicspace import escalation as es
from civicspace.plotting import OKABE_ITO


def _timeline(rows):
    cols = ["case_id", "event_id", "organisation", "country", "date", "stage", "legal_basis", "sequence_note", "event"]
    df = pd.DataFrame(rows, columns=cols)
    df["stage_rank"] = pd.array([es.STAGE_RANK[s] for s in df["stage"]], dtype="Int64")
    df["stage"] = pd.Categorical(df["stage"], categories=es.STAGES)
    for c in ["legal_basis", "sequence_note", "event_id", "date"]:
        df[c] = df[c].astype("string")
    return df


@pytest.fixture
def timeline():
    # Case "aaa": climbs 1 -> 2 -> 1 (step down) -> 3, 4 on the same day (listed 4 first to test ordering).
    # Case "bbb": starts at 4 (criminal), then 1 (step down), month-only first date for "ccc".
    # Case "ccc": 1 (month only) -> 3 after 31 + 30 days; no stage 2 or 4.
    A, I, S, C = es.STAGES
    return _timeline(
        [
            ["aaa", "aaa-2010-x", "Org A", "R", "2010-01-01", A, None, None, "inspection"],
            ["aaa", "aaa-2010-y", "Org A", "R", "2010-03-01", I, None, None, "site blocked"],
            ["aaa", "aaa-2010-z", "Org A", "R", "2010-04-01", A, "Law 1", "closure after block", "closed"],
            ["aaa", "aaa-2011-c", "Org A", "R", "2011-01-10", C, "Art. 9", None, "exposure"],
            ["aaa", "aaa-2011-s", "Org A", "R", "2011-01-10", S, "Law 2", None, "label"],
            ["bbb", "bbb-2012-c", "Org B", "I", "2012-05-05", C, "Code s. 1", None, "criminal case"],
            ["bbb", "bbb-2012-f", "Org B", "I", "2012-06-05", A, "  ", "freeze after case", "freeze"],
            ["ccc", "ccc-2013-i", "Org C", "R", "2013-01", A, None, None, "inspection"],
            ["ccc", "ccc-2013-s", "Org C", "R", "2013-03-03", S, "Law 2", None, "label"],
        ]
    )


# --------------------------------------------------------------------------- tables


def test_event_dates_reads_partial_dates_as_first_day():
    out = es.event_dates(pd.Series(["2013-03", "2014-07-21", "2015"], dtype="string"))
    assert out.tolist() == [pd.Timestamp("2013-03-01"), pd.Timestamp("2014-07-21"), pd.Timestamp("2015-01-01")]


def test_ordered_events_puts_same_day_events_in_ladder_order(timeline):
    rows = es.ordered_events(timeline, "aaa")
    assert rows["event_id"].tolist() == ["aaa-2010-x", "aaa-2010-y", "aaa-2010-z", "aaa-2011-s", "aaa-2011-c"]
    assert rows["when"].iloc[0] == pd.Timestamp("2010-01-01")
    assert "when" not in timeline.columns  # the input is not changed
    assert len(es.ordered_events(timeline)) == len(timeline)


def test_stage_counts_has_all_four_stages_in_order(timeline):
    counts = es.stage_counts(timeline)
    assert list(counts.columns) == es.STAGES
    assert counts.loc["aaa"].tolist() == [2, 1, 1, 1]
    assert counts.loc["bbb"].tolist() == [1, 0, 0, 1]
    assert counts.loc["ccc"].tolist() == [1, 0, 1, 0]
    assert counts.values.sum() == len(timeline)


def test_first_dates_and_days_between_stages(timeline):
    firsts = es.first_dates(timeline)
    assert firsts.loc["aaa", "legal stigma"] == pd.Timestamp("2011-01-10")
    assert pd.isna(firsts.loc["bbb", "legal stigma"])
    days = es.days_between_stages(timeline)
    assert days["aaa"] == (pd.Timestamp("2011-01-10") - pd.Timestamp("2010-01-01")).days
    assert days["ccc"] == 31 + 28 + 2  # 1 Jan (month-only date) to 3 Mar 2013
    assert math.isnan(days["bbb"])
    # a later stage first: negative days
    assert es.days_between_stages(timeline, "administrative pressure", "criminal liability")["bbb"] == -31
    with pytest.raises(ValueError):
        es.days_between_stages(timeline, "closure", "legal stigma")


def test_steps_down_finds_events_below_the_highest_stage_reached(timeline):
    assert es.steps_down(timeline) == ["aaa-2010-z", "bbb-2012-f"]
    marked = es.mark_steps_down(timeline).set_index("event_id")
    assert marked.loc["aaa-2011-c", "highest_before"] == 3  # the label comes first on the same day
    assert not marked.loc["aaa-2011-c", "step_down"]
    assert marked.loc["aaa-2010-x", "highest_before"] == 0


def test_steps_down_match_the_sequence_notes(timeline):
    noted = timeline.loc[timeline["sequence_note"].notna(), "event_id"].tolist()
    assert sorted(es.steps_down(timeline)) == sorted(noted)


def test_legal_basis_share_ignores_blank_cells(timeline):
    share = es.legal_basis_share(timeline)
    assert share["aaa"] == pytest.approx(3 / 5)
    assert share["bbb"] == pytest.approx(1 / 2)  # "  " is not a named basis
    assert share["ccc"] == pytest.approx(1 / 2)


def test_case_summary(timeline):
    summary = es.case_summary(timeline)
    assert summary.loc["aaa", "events"] == 5
    assert summary.loc["aaa", "highest_stage"] == "criminal liability"
    assert summary.loc["ccc", "highest_stage"] == "legal stigma"
    assert summary.loc["aaa", "steps_down"] == 1 and summary.loc["ccc", "steps_down"] == 0
    assert summary.loc["ccc", "first"] == pd.Timestamp("2013-01-01")


def test_law_milestones_reads_the_russian_laws():
    laws = pd.DataFrame(
        {
            "iso3": ["RUS", "RUS", "HUN"],
            "number": pd.array(["129-FZ", "121-FZ", "121-FZ"], dtype="string"),
            "title": ["Undesirable law", "Foreign agents law", "Other"],
            "date_adopted": ["2015-05-23", "2012-07-20", "2017-06-13"],
        }
    )
    out = es.law_milestones(laws, ["121-FZ", "129-FZ"])
    assert out["number"].tolist() == ["121-FZ", "129-FZ"]
    assert out["adopted"].tolist() == [pd.Timestamp("2012-07-20"), pd.Timestamp("2015-05-23")]
    assert out["title"].tolist() == ["Foreign agents law", "Undesirable law"]
    with pytest.raises(ValueError):
        es.law_milestones(laws, ["255-FZ"])


def test_chapter_facts_on_the_small_timeline(timeline):
    facts = es.chapter_facts(timeline)
    assert facts["n_events"] == 9 and facts["n_cases"] == 3
    assert facts["n_steps_down"] == 2
    assert facts["days_to_stigma_ccc"] == 61
    assert "days_to_stigma_bbb" not in facts  # no stigma stage: nothing to quote


# --------------------------------------------------------------------------- figures


def test_ladder_figure_one_case(timeline):
    fig = es.ladder_figure(timeline, "aaa")
    assert len(fig.data) == 1
    trace = fig.data[0]
    assert list(trace.y) == [1, 2, 1, 3, 4]
    assert list(trace.x)[0] == "2010-01-01"
    assert trace.line.shape == "hv"
    assert trace.line.color in OKABE_ITO or trace.line.color == OKABE_ITO[7]
    assert "Law 2" in trace.text[3] and es.NO_BASIS in trace.text[0]
    assert "Out of ladder order" in trace.text[2]
    assert fig.layout.meta["alt"].startswith("Step chart of 5 dated events")
    assert list(fig.layout.yaxis.tickvals) == [1, 2, 3, 4]


def test_ladder_figure_stage_filter_and_all_cases(timeline):
    fig = es.ladder_figure(timeline, None, stages=["legal stigma", "criminal liability"])
    assert [t.name for t in fig.data] == ["aaa", "bbb", "ccc"]
    assert [len(t.x) for t in fig.data] == [2, 1, 1]
    # with several cases the lines are nudged off the exact stage
    assert all(abs(y - round(y)) < 0.2 for t in fig.data for y in t.y)
    with pytest.raises(ValueError):
        es.ladder_figure(timeline, "zzz")
    with pytest.raises(ValueError):
        es.ladder_figure(timeline, "aaa", stages=["closure"])


def test_ladder_figure_draws_law_milestones(timeline):
    milestones = pd.DataFrame({"number": ["1"], "title": ["t"], "adopted": [pd.Timestamp("2012-07-20")], "label": ["Law 1"]})
    fig = es.ladder_figure(timeline, "aaa", milestones=milestones)
    assert len(fig.layout.shapes) == 1 and fig.layout.shapes[0].x0 == "2012-07-20"
    assert fig.layout.annotations[0].text == "1 (Jul 2012)"
    assert "Law 1" in fig.layout.annotations[0].hovertext


def test_case_offsets_spread_evenly():
    assert es.case_offsets(["a"]) == {"a": 0.0}
    assert es.case_offsets(["a", "b", "c"]) == {"a": 0.12, "b": 0.0, "c": -0.12}
    assert len(set(es.case_offsets(list("abcd")).values())) == 4


def test_ladder_explorer_figure_menu(timeline):
    fig = es.ladder_explorer_figure(timeline)
    buttons = fig.layout.updatemenus[0].buttons
    assert [b.label for b in buttons] == ["aaa", "bbb", "ccc", "All 3 cases"]
    assert [t.visible for t in fig.data] == [True, False, False]
    assert buttons[1].args[0]["visible"] == [False, True, False]
    assert buttons[-1].args[0]["visible"] == [True, True, True]
    assert buttons[0].args[0]["y"][0] == [1, 2, 1, 3, 4]  # single case: exact stages
    assert buttons[-1].args[0]["y"][0] != [1, 2, 1, 3, 4]  # all cases: nudged apart
    assert "menu" in fig.layout.meta["alt"]


def test_stage_count_figure(timeline):
    fig = es.stage_count_figure(timeline)
    assert [t.name for t in fig.data] == es.STAGES
    assert list(fig.data[0].x) == [2, 1, 1]
    assert len({t.marker.pattern.shape for t in fig.data}) == 4  # told apart without colour
    assert "9 events" in fig.layout.meta["alt"]


# --------------------------------------------------------------------------- widget


def test_widget_redraws_on_each_control(timeline):
    w = es.ladder_explorer(timeline, case="aaa")
    assert w.current_figure.data[0].name == "aaa"
    assert len(w.current_figure.data[0].x) == 5
    w.case.value = "bbb"
    assert [t.name for t in w.current_figure.data] == ["bbb"]
    w.case.value = es.ALL_CASES
    assert len(w.current_figure.data) == 3
    w.stages.value = ("legal stigma",)
    assert [len(t.x) for t in w.current_figure.data] == [1, 0, 1]
    w.stages.value = ()  # nothing chosen: all four stages
    assert sum(len(t.x) for t in w.current_figure.data) == len(timeline)


# --------------------------------------------------------------------------- real data


@pytest.fixture(scope="module")
def real():
    return cs.data.load_case_timelines(), cs.data.load_restrictive_laws()


def test_real_ladder_rule_holds(real):
    cases, _ = real
    noted = sorted(cases.loc[cases["sequence_note"].notna(), "event_id"].astype(str))
    assert sorted(es.steps_down(cases)) == noted
    assert "amnesty-russia-2022-deregistered" in es.steps_down(cases)


def test_real_amnesty_russia_path(real):
    cases, _ = real
    rows = es.ordered_events(cases, "amnesty-russia")
    assert rows["stage_rank"].tolist() == [1, 1, 2, 1, 3, 4]
    assert rows["date"].tolist()[1] == "2016-11-02"  # the office was sealed in 2016, not 2017
    days = es.days_between_stages(cases)
    assert days["amnesty-russia"] == (pd.Timestamp("2025-05-19") - pd.Timestamp("2013-03-25")).days
    assert math.isnan(days["amnesty-india"])  # no label in India
    counts = es.stage_counts(cases)
    assert counts.values.sum() == len(cases)
    assert counts.loc["amnesty-russia"].tolist() == [3, 1, 1, 1]


def test_real_facts_and_laws(real):
    cases, laws = real
    facts = es.chapter_facts(cases)
    assert facts["n_events"] == len(cases)
    assert facts["n_steps_down"] == cases["sequence_note"].notna().sum()
    assert facts["share_named_all"] == round(100 * cases["legal_basis"].notna().mean())
    milestones = es.law_milestones(laws)
    assert milestones["adopted"].dt.strftime("%Y-%m-%d").tolist() == ["2012-07-20", "2015-05-23", "2022-07-14"]


def test_real_book_figures_stay_light(real):
    cases, laws = real
    fig = es.ladder_explorer_figure(cases, es.law_milestones(laws))
    assert len(fig.data) == cases["case_id"].nunique()
    assert len(fig.to_json()) < 60_000
    assert len(es.stage_count_figure(cases).to_json()) < 20_000
