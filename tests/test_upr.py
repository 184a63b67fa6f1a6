"""Unit tests of civicspace.chapters.ch02_what_ngos_do: tables on hand-made data, figures, the live explorer, the real data."""

import math

import pandas as pd
import pytest

import civicspace as cs
from civicspace import plotting
from civicspace.chapters import ch02_what_ngos_do as upr

FLAGS = list(upr.FLAGS)


def _row(year, sur, rec, response, cs_=False, hrd=False, ngo=False, assoc=False):
    names = {"AAA": "Aland", "BBB": "Borduria", "CCC": "Carpania", "DDD": "Dorsia", None: None}
    return {
        "year": year,
        "sur_iso3": sur,
        "sur_country": names[sur],
        "rec_iso3": rec,
        "rec_country": names[rec],
        "response": response,
        "mentions_civil_society": cs_,
        "mentions_defenders": hrd,
        "mentions_ngos": ngo,
        "mentions_association": assoc,
    }


@pytest.fixture
def tiny():
    """Ten recommendations in two years; hand-counted answers are in the tests."""
    rows = [
        # 2008: 4 recommendations, 2 mention a topic (one mentions two topics).
        _row(2008, "AAA", "BBB", "supported", cs_=True),
        _row(2008, "AAA", "BBB", "noted", hrd=True, ngo=True),
        _row(2008, "AAA", "CCC", "supported"),
        _row(2008, "CCC", "BBB", "pending"),
        # 2009: 6 recommendations, 4 mention a topic; one has no recommending state.
        _row(2009, "CCC", "DDD", "pending", cs_=True),
        _row(2009, "CCC", "DDD", "supported", assoc=True),
        _row(2009, "CCC", "CCC", "noted", assoc=True),
        _row(2009, "DDD", "BBB", "unclear", hrd=True),
        _row(2009, "DDD", None, "supported"),
        _row(2009, "AAA", "DDD", "supported"),
    ]
    df = pd.DataFrame(rows)
    df["year"] = df["year"].astype("Int64")
    for col in ("sur_iso3", "sur_country", "rec_iso3", "rec_country"):
        df[col] = df[col].astype("string")
    df["response"] = pd.Categorical(df["response"], categories=upr.RESPONSES)
    for flag in FLAGS:
        df[flag] = df[flag].astype("boolean")
    return df


@pytest.fixture(scope="module")
def real():
    return cs.data.load_upr_recommendations()


# --------------------------------------------------------------------------- tables


def test_topic_mask_single_flag_and_any(tiny):
    assert upr.topic_mask(tiny, "mentions_association").tolist() == [False] * 5 + [True, True] + [False] * 3
    assert upr.topic_mask(tiny, "any").sum() == 6
    assert upr.topic_mask(tiny, "any").dtype == bool


def test_topic_mask_treats_missing_flags_as_false(tiny):
    tiny.loc[0, "mentions_civil_society"] = pd.NA
    assert not upr.topic_mask(tiny, "mentions_civil_society")[0]


def test_unknown_topic_is_a_clear_error(tiny):
    with pytest.raises(ValueError, match="unknown topic 'mentions_cats'"):
        upr.topic_mask(tiny, "mentions_cats")


def test_filter_years(tiny):
    assert len(upr.filter_years(tiny, 2009, 2009)) == 6
    assert len(upr.filter_years(tiny, 2000, 2020)) == 10
    assert len(upr.filter_years(tiny, 2010, 2014)) == 0
    with pytest.raises(ValueError):
        upr.filter_years(tiny, 2010, 2008)


def test_share_by_year(tiny):
    out = upr.share_by_year(tiny, "any")
    assert out["year"].tolist() == [2008, 2009]
    assert out["recommendations"].tolist() == [4, 6]
    assert out["mentions"].tolist() == [2, 4]
    assert out["share"].tolist() == pytest.approx([0.5, 4 / 6])
    # A year without any mention gets 0, not a missing value.
    ngos = upr.share_by_year(tiny, "mentions_ngos")
    assert ngos["mentions"].tolist() == [1, 0] and ngos["share"].tolist() == [0.25, 0.0]


def test_top_states_recommending(tiny):
    out = upr.top_states(tiny, "any", "recommending", n=10)
    # BBB: 2 in 2008 + 1 in 2009 = 3 mentions of 4 recommendations; DDD: 2 of 3; CCC: 1 of 2.
    assert out["iso3"].tolist() == ["BBB", "DDD", "CCC"]
    assert out["country"].tolist() == ["Borduria", "Dorsia", "Carpania"]
    assert out["mentions"].tolist() == [3, 2, 1]
    assert out["recommendations"].tolist() == [4, 3, 2]
    assert out["share"].tolist() == pytest.approx([0.75, 2 / 3, 0.5])


def test_top_states_reviewed_n_and_ties(tiny):
    out = upr.top_states(tiny, "any", "reviewed", n=2)
    # AAA 2 mentions, CCC 3, DDD 1 (the row without a recommending state does not count).
    assert out["iso3"].tolist() == ["CCC", "AAA"]
    # Ties are broken by country name.
    ties = upr.top_states(tiny, "mentions_association", "recommending")
    assert ties["country"].tolist() == ["Carpania", "Dorsia"] and ties["mentions"].tolist() == [1, 1]


def test_top_states_rejects_bad_arguments(tiny):
    with pytest.raises(ValueError, match="by must be"):
        upr.top_states(tiny, "any", "sponsoring")
    with pytest.raises(ValueError):
        upr.top_states(tiny, "any", n=0)


def test_response_counts_and_supported_share(tiny):
    assert upr.response_counts(tiny) == {"supported": 5, "noted": 2, "pending": 2, "unclear": 1}
    assert upr.response_counts(tiny, "any") == {"supported": 2, "noted": 2, "pending": 1, "unclear": 1}
    # Pending and unclear rows are not answers: 2 supported of 4 answered.
    assert upr.supported_share(tiny, "any") == pytest.approx(0.5)
    assert upr.supported_share(tiny) == pytest.approx(5 / 7)
    assert upr.supported_share(tiny, "mentions_civil_society") == pytest.approx(1.0)
    assert math.isnan(upr.supported_share(tiny[tiny["response"] == "pending"]))


def test_response_table(tiny):
    out = upr.response_table(tiny, ["mentions_association", "any"])
    assert list(out.index) == ["freedom of association", "any of the four topics", upr.ALL]
    assert list(out.columns) == upr.RESPONSES + ["total", "answered", "supported_share"]
    assert out.loc["freedom of association", ["supported", "noted", "total"]].tolist() == [1, 1, 2]
    assert out.loc[upr.ALL, "total"] == 10 and out.loc[upr.ALL, "answered"] == 7
    assert out.loc["any of the four topics", "supported_share"] == pytest.approx(0.5)
    assert list(upr.response_table(tiny).index)[:2] == ["any of the four topics", "civil society"]


# --------------------------------------------------------------------------- figures


def _alt(fig):
    return fig.layout.meta["alt"]


def test_share_by_year_figure(tiny):
    fig = upr.share_by_year_figure(tiny, "any")
    assert list(fig.data[0].x) == [2008, 2009]
    assert list(fig.data[0].y) == pytest.approx([50.0, 66.67])
    assert fig.data[0].marker.color == plotting.OKABE_ITO[0]
    assert _alt(fig).startswith("Bar chart") and "6 recommendations" in _alt(fig)


def test_top_states_figure(tiny):
    fig = upr.top_states_figure(tiny, "any", "recommending", n=2)
    assert list(fig.data[0].x) == [3, 2]
    # The first state is drawn at the top.
    assert list(fig.layout.yaxis.ticktext) == ["Borduria", "Dorsia"] and list(fig.layout.yaxis.tickvals) == [1, 0]
    assert "Borduria is first with 3" in _alt(fig)
    assert "received" in _alt(upr.top_states_figure(tiny, "any", "reviewed"))


def test_response_figure(tiny):
    fig = upr.response_figure(tiny, ["any"])
    assert [t.name for t in fig.data] == upr.RESPONSES
    supported = fig.data[0]
    # Bars from the bottom: all recommendations (5 of 10), then any topic (2 of 6).
    assert list(supported.y) == [upr.ALL, "any of the four topics"]
    assert list(supported.x) == pytest.approx([50.0, 33.3])
    assert fig.data[1].marker.pattern.shape == "/"  # "noted" is hatched, not only coloured
    assert {t.marker.color for t in fig.data[:2]} <= set(plotting.OKABE_ITO)
    assert _alt(fig).startswith("Stacked horizontal bar chart")


def test_explorer_figure_menu_switches_linked_panels(tiny):
    fig = upr.explorer_figure(tiny, n=3)
    assert len(fig.data) == 2 * len(upr.TOPICS)
    buttons = fig.layout.updatemenus[0].buttons
    assert [b.label for b in buttons] == list(upr.TOPICS.values())
    # Each button shows exactly the two traces of its topic and relabels the states axis.
    assoc = buttons[list(upr.TOPICS).index("mentions_association")]
    visible = assoc.args[0]["visible"]
    shown = [i for i, v in enumerate(visible) if v]
    assert len(shown) == 2
    year_trace, states_trace = fig.data[shown[0]], fig.data[shown[1]]
    assert list(year_trace.x) == [2008, 2009] and list(year_trace.y) == pytest.approx([0.0, 33.33])
    assert list(states_trace.x) == [1, 1]
    assert assoc.args[1]["yaxis2.ticktext"] == ["Carpania", "Dorsia"]
    assert assoc.args[1]["title.text"] == "2 recommendations mention freedom of association"
    # Only the first topic is visible when the page loads.
    assert [t.visible for t in fig.data[:2]] == [True, True] and not any(t.visible for t in fig.data[2:])
    assert _alt(fig).startswith("Two linked bar charts")


def test_explorer_view(tiny):
    assert upr.explorer_view(tiny, "any", "year").layout.title.text.endswith("by year")
    fig = upr.explorer_view(tiny, "any", "recommending", years=(2009, 2009), n=5)
    assert list(fig.data[0].x) == [2, 1, 1]  # DDD 2, BBB 1, CCC 1 in 2009
    assert fig.layout.title.text.endswith("(2009–2009)")
    assert [t.name for t in upr.explorer_view(tiny, "any", "responses").data] == upr.RESPONSES
    with pytest.raises(ValueError, match="unknown view"):
        upr.explorer_view(tiny, "any", "map")


# --------------------------------------------------------------------------- widget


def test_widget_redraws_on_each_control(tiny):
    w = upr.upr_explorer(tiny)
    assert w.current_figure.layout.title.text.startswith("Recommendations mentioning any of the four topics")
    w.topic.value = "mentions_association"
    assert "freedom of association" in w.current_figure.layout.title.text
    w.view.value = "recommending"
    assert list(w.current_figure.data[0].x) == [1, 1]
    w.years.value = (2008, 2008)
    assert len(w.current_figure.data[0].x) == 0 and w.current_figure.layout.title.text.endswith("(2008–2008)")
    w.topic.value = "any"
    w.n.value = 5
    assert list(w.current_figure.data[0].x) == [2]  # BBB made both 2008 mentions
    w.view.value = "responses"
    assert [t.name for t in w.current_figure.data] == upr.RESPONSES


# --------------------------------------------------------------------------- real data


def test_facts_agree_with_direct_pandas(real):
    facts = upr.upr_facts(real)
    any_mask = real[FLAGS].any(axis=1)
    assert facts["n_recs"] == len(real) == 39191
    assert facts["n_any"] == any_mask.sum()
    assert facts["n_civil_society"] == real["mentions_civil_society"].sum() == 571
    assert (facts["first_year"], facts["last_year"]) == (2008, 2014)
    by_year = any_mask.groupby(real["year"]).mean()
    assert facts["peak_year"] == by_year.idxmax() and facts["peak_pct"] == pytest.approx(100 * by_year.max())
    top = real[any_mask].groupby("rec_country").size().sort_values(ascending=False)
    assert (facts["top1_country"], facts["top1_n"]) == (top.index[0], top.iloc[0])
    # Chapter 2 says the two most reviewed states received "{sur1_n} each".
    assert facts["sur1_n"] == facts["sur2_n"]
    answered = real[real["response"].isin(["supported", "noted"])]
    assert facts["pct_supported_all"] == pytest.approx(100 * (answered["response"] == "supported").mean())
    assoc = answered[answered["mentions_association"]]
    assert facts["pct_supported_association"] == pytest.approx(100 * (assoc["response"] == "supported").mean())


def test_real_tables_are_consistent(real):
    years = upr.share_by_year(real, "any")
    assert years["recommendations"].sum() == len(real)
    table = upr.response_table(real)
    assert (table[upr.RESPONSES].sum(axis=1) == table["total"]).all()
    assert table.loc[upr.ALL, "total"] == len(real)
    top = upr.top_states(real, "mentions_defenders", n=10)
    assert top["mentions"].is_monotonic_decreasing and len(top) == 10


def test_explorer_figure_on_real_data_is_light(real):
    fig = upr.explorer_figure(real)
    # Aggregated before plotting: the page carries a few kilobytes, not 39,191 rows.
    assert len(fig.to_json()) < 60_000
    assert fig.layout.title.text == f"{upr.upr_facts(real)['n_any']:,} recommendations mention any of the four topics"
