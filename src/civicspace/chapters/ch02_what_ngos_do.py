"""Universal Periodic Review recommendations 2008–2014: who recommends what about civil society.

Pure functions over the table returned by ``data.load_upr_recommendations()``
(one row per recommendation and recommending state), the figures chapter 2
shows, and the live explorer for Jupyter. Every function takes the table (or
any DataFrame with the same columns) and returns a small table, a number or a
plotly figure, so the unit tests can check them on hand-made tables.

The four keyword flags are keyword matches on the text, not a coding of what a
recommendation is about (see ``datasets/upr_recommendations/README.md``). Half
of the rows have the response ``pending`` (the state answered later, which the
source does not record): shares of supported recommendations are computed
among rows with a final answer (``supported`` or ``noted``) only.
"""

from __future__ import annotations

from collections.abc import Sequence

import ipywidgets as widgets
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from civicspace.plotting import NOT_YET, OKABE_ITO, LiveFigure, base_layout, dropdown

#: The four keyword flags of the table and the topic each one stands for.
FLAGS = {
    "mentions_civil_society": "civil society",
    "mentions_defenders": "human rights defenders",
    "mentions_ngos": "NGOs",
    "mentions_association": "freedom of association",
}
#: Pseudo-flag: the recommendation matches at least one of the four flags.
ANY = "any"
#: Every topic a function accepts, in the order menus show them.
TOPICS = {ANY: "any of the four topics", **FLAGS}
#: Cleaned responses, in the order tables and charts show them.
RESPONSES = ["supported", "noted", "pending", "unclear"]
#: Responses that are a final answer of the state under review.
ANSWERED = ["supported", "noted"]
#: Row label for the baseline (every recommendation) in :func:`response_table`.
ALL = "all recommendations"

RESPONSE_COLOURS = {"supported": OKABE_ITO[0], "noted": OKABE_ITO[5], "pending": NOT_YET, "unclear": "#555555"}
#: The explorer's views (value → menu label).
VIEWS = {
    "year": "Share by year",
    "recommending": "Top recommending states",
    "reviewed": "Top states under review",
    "responses": "Responses",
}
_BY = {"recommending": ("rec_iso3", "rec_country"), "reviewed": ("sur_iso3", "sur_country")}


# --------------------------------------------------------------------------- tables


def _check_topic(topic: str) -> None:
    if topic not in TOPICS:
        raise ValueError(f"unknown topic {topic!r}; known: {', '.join(TOPICS)}")


def topic_mask(df: pd.DataFrame, topic: str) -> pd.Series:
    """Boolean Series: which rows mention ``topic`` (a flag column name or ``"any"``)."""
    _check_topic(topic)
    cols = list(FLAGS) if topic == ANY else [topic]
    return df[cols].fillna(False).astype(bool).any(axis=1)


def filter_years(df: pd.DataFrame, first: int, last: int) -> pd.DataFrame:
    """The rows whose report ``year`` lies between ``first`` and ``last`` (both included)."""
    if first > last:
        raise ValueError(f"first year {first} is after last year {last}")
    years = df["year"].astype(int)
    return df[(years >= first) & (years <= last)]


def share_by_year(df: pd.DataFrame, topic: str) -> pd.DataFrame:
    """Per report year: all recommendations, those mentioning ``topic`` and their share (0–1).

    Columns ``year``, ``recommendations``, ``mentions`` and ``share``; one row per
    year present in ``df``, in order.
    """
    mask = topic_mask(df, topic)
    years = df["year"].astype(int)
    out = pd.DataFrame({"recommendations": years.value_counts(), "mentions": years[mask].value_counts()})
    out = out.fillna(0).astype(int).sort_index()
    out.index.name = "year"
    out = out.reset_index()
    out["share"] = (out["mentions"] / out["recommendations"]).astype(float)
    return out


def top_states(df: pd.DataFrame, topic: str, by: str = "recommending", n: int = 10) -> pd.DataFrame:
    """The ``n`` states that made (``by="recommending"``) or received (``by="reviewed"``) most
    recommendations mentioning ``topic``.

    Columns ``iso3``, ``country``, ``mentions`` (recommendations on the topic),
    ``recommendations`` (all recommendations that state made or received) and
    ``share`` (mentions / recommendations). Sorted by ``mentions``, largest first,
    ties by country name; states with no mention are left out, and so are rows
    without a recommending state.
    """
    if by not in _BY:
        raise ValueError(f"by must be 'recommending' or 'reviewed', not {by!r}")
    if n < 1:
        raise ValueError("n must be at least 1")
    code, name = _BY[by]
    rows = df[df[code].notna()]
    mask = topic_mask(rows, topic)
    totals = rows.groupby(rows[code].astype(str)).size()
    hits = rows[mask].groupby(rows.loc[mask, code].astype(str)).size()
    names = rows.groupby(rows[code].astype(str))[name].first().astype(str)
    out = pd.DataFrame({"mentions": hits})
    out["recommendations"] = totals.reindex(out.index)
    out["country"] = names.reindex(out.index)
    out.index.name = "iso3"
    out = out.reset_index()[["iso3", "country", "mentions", "recommendations"]]
    out["mentions"] = out["mentions"].astype(int)
    out["recommendations"] = out["recommendations"].astype(int)
    out["share"] = (out["mentions"] / out["recommendations"]).astype(float)
    out = out.sort_values(["mentions", "country"], ascending=[False, True], kind="mergesort")
    return out.head(n).reset_index(drop=True)


def response_counts(df: pd.DataFrame, topic: str | None = None) -> dict[str, int]:
    """Number of rows with each cleaned response, for the rows mentioning ``topic`` (all rows if None)."""
    rows = df if topic is None else df[topic_mask(df, topic)]
    counts = rows["response"].astype(str).value_counts()
    return {r: int(counts.get(r, 0)) for r in RESPONSES}


def supported_share(df: pd.DataFrame, topic: str | None = None) -> float:
    """Share (0–1) of recommendations the state supported, among those with a final answer.

    Only ``supported`` and ``noted`` count as answers; ``pending`` and ``unclear``
    rows are left out. ``topic=None`` uses every row. Returns ``nan`` if no row
    has an answer.
    """
    counts = response_counts(df, topic)
    answered = counts["supported"] + counts["noted"]
    return counts["supported"] / answered if answered else float("nan")


def response_table(df: pd.DataFrame, topics: Sequence[str] | None = None) -> pd.DataFrame:
    """Responses by topic: one row per topic and a last row for all recommendations.

    Index: topic labels (as in :data:`TOPICS`) and :data:`ALL`. Columns: the counts
    of each response in :data:`RESPONSES`, ``total``, ``answered`` (supported +
    noted) and ``supported_share`` (supported / answered, 0–1).
    """
    topics = list(TOPICS) if topics is None else list(topics)
    rows = {}
    for topic in topics:
        _check_topic(topic)
        rows[TOPICS[topic]] = response_counts(df, topic)
    rows[ALL] = response_counts(df)
    out = pd.DataFrame.from_dict(rows, orient="index")[RESPONSES]
    out["total"] = out[RESPONSES].sum(axis=1)
    out["answered"] = out["supported"] + out["noted"]
    out["supported_share"] = (out["supported"] / out["answered"].where(out["answered"] > 0)).astype(float)
    out.index.name = "topic"
    return out


def upr_facts(df: pd.DataFrame) -> dict[str, float | int | str]:
    """The numbers chapter 2 quotes in its prose (glued into the text at build time)."""
    any_mask = topic_mask(df, ANY)
    years = share_by_year(df, ANY)
    top_rec = top_states(df, ANY, "recommending", n=10)
    top_sur = top_states(df, ANY, "reviewed", n=2)
    resp = response_table(df)
    peak = years.loc[years["share"].idxmax()]
    low = years.loc[years["share"].idxmin()]
    rec_any = df.loc[any_mask & df["rec_iso3"].notna(), "rec_iso3"]
    facts: dict[str, float | int | str] = {
        "n_recs": len(df),
        "first_year": int(df["year"].min()),
        "last_year": int(df["year"].max()),
        "n_reviewed": int(df["sur_iso3"].nunique()),
        "n_recommending": int(df["rec_iso3"].dropna().nunique()),
        "n_any": int(any_mask.sum()),
        "pct_any": 100 * float(any_mask.mean()),
        "peak_year": int(peak["year"]),
        "peak_pct": 100 * float(peak["share"]),
        "low_year": int(low["year"]),
        "low_pct": 100 * float(low["share"]),
        "n_states_any": int(rec_any.nunique()),
        "top1_country": str(top_rec.loc[0, "country"]),
        "top1_n": int(top_rec.loc[0, "mentions"]),
        "top2_country": str(top_rec.loc[1, "country"]),
        "top2_n": int(top_rec.loc[1, "mentions"]),
        "top10_pct": 100 * float(top_rec["mentions"].sum() / any_mask.sum()),
        "sur1_country": str(top_sur.loc[0, "country"]),
        "sur1_n": int(top_sur.loc[0, "mentions"]),
        "sur2_country": str(top_sur.loc[1, "country"]),
        "sur2_n": int(top_sur.loc[1, "mentions"]),
        "pct_pending": 100 * float(resp.loc[ALL, "pending"] / resp.loc[ALL, "total"]),
        "pct_supported_all": 100 * float(resp.loc[ALL, "supported_share"]),
        "pct_supported_any": 100 * float(resp.loc[TOPICS[ANY], "supported_share"]),
    }
    for flag, label in FLAGS.items():
        short = flag.removeprefix("mentions_")
        facts[f"n_{short}"] = int(topic_mask(df, flag).sum())
        facts[f"pct_supported_{short}"] = 100 * float(resp.loc[label, "supported_share"])
    return facts


# --------------------------------------------------------------------------- figures


def _layout(title: str, alt: str, height: int = 460) -> dict:
    return base_layout(title, alt, height, top=70) | {"margin": {"l": 10, "r": 20, "t": 70, "b": 10}}


def _year_trace(table: pd.DataFrame, topic: str, **kw) -> go.Bar:
    return go.Bar(
        x=table["year"].tolist(),
        y=[round(100 * s, 2) for s in table["share"]],
        customdata=table[["mentions", "recommendations"]].to_numpy().tolist(),
        marker={"color": OKABE_ITO[0]},
        name=TOPICS[topic],
        hovertemplate="%{x}: %{y:.1f}% (%{customdata[0]} of %{customdata[1]} recommendations)<extra></extra>",
        **kw,
    )


def share_by_year_figure(df: pd.DataFrame, topic: str = ANY) -> go.Figure:
    """Bar chart: percentage of each year's recommendations that mention ``topic``."""
    table = share_by_year(df, topic)
    fig = go.Figure(_year_trace(table, topic))
    total = int(table["mentions"].sum())
    layout = _layout(
        f"Recommendations mentioning {TOPICS[topic]}, by year",
        f"Bar chart of the percentage of UPR recommendations in each year from {table['year'].min()} to "
        f"{table['year'].max()} whose text mentions {TOPICS[topic]}; {total} recommendations in all.",
    )
    layout.update(
        xaxis={"title": "Year of the working-group report", "dtick": 1},
        yaxis={"title": "% of the year's recommendations", "rangemode": "tozero", "ticksuffix": "%"},
        showlegend=False,
    )
    fig.update_layout(layout)
    return fig


def _states_trace(table: pd.DataFrame, topic: str, **kw) -> go.Bar:
    # Numeric positions (0 at the top) so that a menu can relabel the axis safely.
    n = len(table)
    return go.Bar(
        x=table["mentions"].tolist(),
        y=list(range(n - 1, -1, -1)),
        orientation="h",
        customdata=table[["country", "recommendations"]].to_numpy().tolist(),
        text=table["mentions"].tolist(),
        textposition="outside",
        cliponaxis=False,
        marker={"color": OKABE_ITO[2]},
        name=TOPICS[topic],
        hovertemplate="%{customdata[0]}: %{x} of its %{customdata[1]} recommendations<extra></extra>",
        **kw,
    )


def _state_ticks(table: pd.DataFrame) -> dict:
    n = len(table)
    return {"tickvals": list(range(n - 1, -1, -1)), "ticktext": table["country"].tolist(), "range": [-0.6, n - 0.4]}


def top_states_figure(df: pd.DataFrame, topic: str = ANY, by: str = "recommending", n: int = 12) -> go.Figure:
    """Horizontal bar chart of the states that made (or received) most recommendations on ``topic``."""
    table = top_states(df, topic, by, n)
    fig = go.Figure(_states_trace(table, topic))
    who = "recommending states" if by == "recommending" else "states under review"
    verb = "made" if by == "recommending" else "received"
    first = f"; {table.loc[0, 'country']} is first with {table.loc[0, 'mentions']}" if len(table) else ""
    layout = _layout(
        f"Top {who}: recommendations mentioning {TOPICS[topic]}",
        f"Horizontal bar chart of the {len(table)} {who} that {verb} the most UPR recommendations "
        f"mentioning {TOPICS[topic]}{first}.",
        height=max(320, 90 + 28 * len(table)),
    )
    layout.update(
        xaxis={"title": f"Recommendations {verb}", "rangemode": "tozero"},
        yaxis=_state_ticks(table),
        showlegend=False,
    )
    layout["margin"]["l"] = 140
    layout["margin"]["r"] = 45
    fig.update_layout(layout)
    return fig


def response_figure(df: pd.DataFrame, topics: Sequence[str] | None = None) -> go.Figure:
    """Stacked bars: how states under review responded, per topic and for all recommendations.

    One bar per row of :func:`response_table` (percentages of the row's
    recommendations); "noted" is hatched so that it stays distinct without colour.
    """
    table = response_table(df, topics)
    labels = list(table.index)[::-1]  # the baseline at the bottom
    rows = table.loc[labels]
    fig = go.Figure()
    patterns = {"supported": "", "noted": "/", "pending": "", "unclear": "x"}
    for resp in RESPONSES:
        pct = (100 * rows[resp] / rows["total"]).round(1).tolist()
        fig.add_trace(
            go.Bar(
                y=labels,
                x=pct,
                orientation="h",
                name=resp,
                customdata=rows[[resp, "total"]].to_numpy().tolist(),
                marker={
                    "color": RESPONSE_COLOURS[resp],
                    # "overlay": the hatch is drawn on the bar colour (plotly's default draws it on nothing).
                    "pattern": {"shape": patterns[resp], "fgcolor": "white", "fillmode": "overlay", "size": 10, "solidity": 0.2},
                },
                hovertemplate=f"%{{y}}: {resp} %{{x:.1f}}% (%{{customdata[0]}} of %{{customdata[1]}})<extra></extra>",
            )
        )
    share_all = table.loc[ALL, "supported_share"]
    layout = _layout(
        "How states under review responded",
        "Stacked horizontal bar chart of the responses (supported, noted, pending, unclear) to UPR "
        f"recommendations on each civic-space topic and to all recommendations; among answered recommendations "
        f"{100 * share_all:.0f}% of all were supported.",
        height=max(300, 150 + 45 * len(labels)),
    )
    layout.update(
        barmode="stack",
        xaxis={"title": "% of the recommendations", "range": [0, 100], "ticksuffix": "%"},
        yaxis={"automargin": True},
        # Below the bars, so that on a narrow screen the wrapped legend never covers the title.
        legend={"orientation": "h", "x": 0, "y": -0.24, "yanchor": "top", "traceorder": "normal"},
        modebar={"orientation": "v"},
    )
    layout["height"] += 60
    layout["margin"]["b"] = 20
    layout["margin"]["r"] = 35
    fig.update_layout(layout)
    return fig


def _explorer_title(topic: str, total: int) -> str:
    return f"{total:,} recommendations mention {TOPICS[topic]}"


def explorer_figure(df: pd.DataFrame, n: int = 12) -> go.Figure:
    """The book's static-but-interactive explorer: a topic menu over two linked panels.

    Top panel: percentage of each year's recommendations that mention the topic;
    bottom panel: the ``n`` recommending states that raised it most. Every topic's
    two traces are computed when the book is built; the menu only switches which
    pair is visible and relabels the bottom axis.
    """
    topics = list(TOPICS)
    fig = make_subplots(
        rows=2,
        cols=1,
        row_heights=[0.34, 0.66],
        vertical_spacing=0.13,
        subplot_titles=("% of each year's recommendations", f"Top {n} recommending states"),
    )
    ticks, totals = {}, {}
    for i, topic in enumerate(topics):
        visible = i == 0
        years = share_by_year(df, topic)
        states = top_states(df, topic, "recommending", n)
        fig.add_trace(_year_trace(years, topic, visible=visible, showlegend=False), row=1, col=1)
        fig.add_trace(_states_trace(states, topic, visible=visible, showlegend=False), row=2, col=1)
        ticks[topic] = _state_ticks(states)
        totals[topic] = int(years["mentions"].sum())
    buttons = []
    for i, topic in enumerate(topics):
        vis = [j // 2 == i for j in range(2 * len(topics))]
        t = ticks[topic]
        buttons.append(
            {
                "label": TOPICS[topic],
                "method": "update",
                "args": [
                    {"visible": vis},
                    {
                        "title.text": _explorer_title(topic, totals[topic]),
                        "yaxis2.tickvals": t["tickvals"],
                        "yaxis2.ticktext": t["ticktext"],
                        "yaxis2.range": t["range"],
                    },
                ],
            }
        )
    first = topics[0]
    layout = _layout(
        _explorer_title(first, totals[first]),
        f"Two linked bar charts with a menu of five civic-space topics: the percentage of UPR recommendations "
        f"mentioning the topic in each year {int(df['year'].min())}–{int(df['year'].max())}, and the {n} "
        f"recommending states that made most of them.",
        height=760,
    )
    layout["margin"] = {"l": 140, "r": 45, "t": 120, "b": 40}
    layout.update(
        showlegend=False,
        updatemenus=[dropdown(buttons, y=1.1, pad={"r": 4, "t": 2}, direction="down")],
        annotations=list(fig.layout.annotations)
        + [
            {
                "text": "Topic:",
                "showarrow": False,
                "x": -0.01,
                "xanchor": "right",
                "y": 1.115,
                "yanchor": "bottom",
                "xref": "paper",
                "yref": "paper",
            }
        ],
    )
    layout["title"]["font"] = {"size": 15}
    layout["title"]["y"] = 0.985
    layout["title"]["yanchor"] = "top"
    layout["modebar"] = {"orientation": "v"}  # keeps the toolbar off the title
    fig.update_layout(layout)
    fig.update_xaxes(dtick=1, row=1, col=1)
    fig.update_yaxes(ticksuffix="%", rangemode="tozero", row=1, col=1)
    fig.update_yaxes(**ticks[first], row=2, col=1)
    fig.update_xaxes(rangemode="tozero", title_text="Recommendations made", row=2, col=1)
    return fig


def explorer_view(
    df: pd.DataFrame, topic: str = ANY, view: str = "year", years: tuple[int, int] | None = None, n: int = 12
) -> go.Figure:
    """One view of the live explorer: the figure for ``topic``, ``view`` and a range of ``years``."""
    if view not in VIEWS:
        raise ValueError(f"unknown view {view!r}; known: {', '.join(VIEWS)}")
    rows = df if years is None else filter_years(df, *years)
    if view == "year":
        fig = share_by_year_figure(rows, topic)
    elif view == "responses":
        fig = response_figure(rows, [topic])
    else:
        fig = top_states_figure(rows, topic, view, n)
    if years is not None:
        fig.update_layout(title_text=f"{fig.layout.title.text} ({years[0]}–{years[1]})")
    return fig


# --------------------------------------------------------------------------- live widget


class UPRExplorer(LiveFigure):
    """Menus for topic and view, a year range and a top-n slider over :func:`explorer_view`.

    ``current_figure`` holds the figure for the current choice (the tests read it).
    """

    def __init__(self, df: pd.DataFrame, topic: str = ANY, view: str = "year", n: int = 12):
        self.df = df
        first, last = int(df["year"].min()), int(df["year"].max())
        self.topic = widgets.Dropdown(options=[(label, key) for key, label in TOPICS.items()], value=topic, description="Topic")
        self.view = widgets.Dropdown(options=[(label, key) for key, label in VIEWS.items()], value=view, description="View")
        self.years = widgets.IntRangeSlider(
            value=(first, last), min=first, max=last, step=1, description="Years", continuous_update=False
        )
        self.n = widgets.IntSlider(value=n, min=5, max=25, step=1, description="Top n", continuous_update=False)
        super().__init__(
            [widgets.HBox([self.topic, self.view]), widgets.HBox([self.years, self.n])],
            controls=(self.topic, self.view, self.years, self.n),
        )

    def figure(self):
        """The figure for the current controls."""
        return explorer_view(self.df, self.topic.value, self.view.value, tuple(self.years.value), self.n.value)


def upr_explorer(df: pd.DataFrame, topic: str = ANY, view: str = "year", n: int = 12) -> UPRExplorer:
    """Return the live UPR explorer for the recommendations table ``df``."""
    return UPRExplorer(df, topic=topic, view=view, n=n)
