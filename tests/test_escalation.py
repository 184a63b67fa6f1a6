"""Chapter 7 (Escalation: Amnesty International in Russia): pure functions, figures and the live widget.

Most tests use a small hand-made timeline whose answers can be worked out by hand;
the last ones check the functions against the real case timelines and laws.
"""

import pandas as pd
import pytest

import civicspace as cs
from civicspace.chapters import ch07_escalation as es
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


def _steps_down(df):
    """The ladder rule of the codebook, computed here: events below the highest rank their case reached before."""
    rows = es.ordered_events(df)
    ranks = rows["stage_rank"].astype(int)
    before = ranks.groupby(rows["case_id"].astype(str)).cummax().groupby(rows["case_id"].astype(str)).shift(1)
    return sorted(rows.loc[ranks < before.fillna(0), "event_id"].astype(str))


def test_ladder_rule_on_the_small_timeline(timeline):
    assert _steps_down(timeline) == ["aaa-2010-z", "bbb-2012-f"]  # same-day events: the label comes first


def test_real_ladder_rule_holds(real):
    """Every event that steps down the ladder carries a sequence note, and no other does."""
    cases, _ = real
    noted = sorted(cases.loc[cases["sequence_note"].notna(), "event_id"].astype(str))
    assert _steps_down(cases) == noted
    assert "amnesty-russia-2022-deregistered" in noted


def test_real_amnesty_russia_path(real):
    cases, _ = real
    rows = es.ordered_events(cases, "amnesty-russia")
    assert rows["stage_rank"].tolist() == [1, 1, 2, 1, 3, 4]
    assert rows["date"].tolist()[1] == "2016-11-02"  # the office was sealed in 2016, not 2017
    assert rows["when"].iloc[0] == pd.Timestamp("2013-03-25")
    assert rows.loc[rows["stage"].astype(str) == "legal stigma", "when"].min() == pd.Timestamp("2025-05-19")


def test_real_laws(real):
    _, laws = real
    milestones = es.law_milestones(laws)
    assert milestones["adopted"].dt.strftime("%Y-%m-%d").tolist() == ["2012-07-20", "2015-05-23", "2022-07-14"]


def test_real_book_figures_stay_light(real):
    cases, laws = real
    fig = es.ladder_explorer_figure(cases, es.law_milestones(laws))
    assert len(fig.data) == cases["case_id"].nunique()
    assert len(fig.to_json()) < 60_000
    assert len(es.stage_count_figure(cases).to_json()) < 20_000
