"""Chapter 9, Protecting human rights defenders: pure functions, figures and a live widget.

The chapter's data are two course datasets:

- ``data.load_hrd_restrictions()``: Bakke, Mitchell & Smidt's coding of state
  restrictions on human-rights NGOs and defenders, one row per country and year
  (1994-2014), with the Political Terror Scale (PTS) of the same country-year. It
  is a subset without the aid-donor countries. Its twelve restriction items are
  indicators (0/1) or ordinal levels (0-2), never counts.
- ``data.load_defenders_killed()``: Front Line Defenders' yearly counts of human
  rights defenders killed worldwide (2016-2024), documented minimums, each taken
  from that year's own report.

The functions take those tables and return small tables, numbers or plotly
figures; :class:`RestrictionsExplorer` wires ipywidgets controls to
:func:`explorer_figure`, so what it draws is what the tests check.

Missing values: a restriction item that is missing (a handful of cells) counts as
"not present" in :func:`restriction_score` and :func:`present` with ``ANY``, and is
left out of the share for that single item; a missing PTS score is left out of
everything that uses the PTS.
"""

from __future__ import annotations

from collections.abc import Sequence

import ipywidgets as widgets
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from civicspace.plotting import OKABE_ITO, LiveFigure, base_layout, dropdown

#: The twelve restriction items of the Bakke, Mitchell & Smidt data, with short readable labels.
ITEMS: dict[str, str] = {
    "activities_restrict": "Activities of NGOs restricted",
    "visit_restrict": "Visits by international investigators restricted",
    "travel_restrict": "Travel of defenders restricted",
    "funding_int": "Foreign funding restricted",
    "funding_dom": "Domestic funding restricted",
    "visas_difficulties": "Visa difficulties for international NGO staff",
    "visas_denied": "Visas denied to international NGO staff",
    "harass_amount": "Harassment of defenders",
    "arrest": "Arrests or detentions of defenders",
    "surveil": "Surveillance of defenders",
    "killing": "Killings of defenders",
    "coopt": "Co-optation of NGOs",
}
#: The ordinal items (0 none, 1 some, 2 frequent or systematic).
ORDINAL = ("harass_amount", "arrest", "surveil", "killing")
#: Pseudo-item: at least one of the twelve restrictions is present.
ANY = "any"
ANY_LABEL = "Any of the twelve restrictions"

#: The three PTS columns and the reports they are coded from.
PTS_SOURCES: dict[str, str] = {
    "pts_s": "US State Department",
    "pts_a": "Amnesty International",
    "pts_h": "Human Rights Watch",
}
PTS_LEVELS = [1, 2, 3, 4, 5]

#: Colours, dashes and markers that keep the series apart without colour.
SOURCE_COLOURS = {"pts_s": OKABE_ITO[0], "pts_a": OKABE_ITO[1], "pts_h": OKABE_ITO[2]}
SOURCE_PATTERNS = {"pts_s": "", "pts_a": "/", "pts_h": "."}
PTS_LINE = {"pts_s": ("solid", "circle"), "pts_a": ("dash", "diamond"), "pts_h": ("dot", "square")}
SCORE_COLOUR = OKABE_ITO[4]  # sky blue bars
LINE_COLOUR = {"pts_s": OKABE_ITO[5], "pts_a": OKABE_ITO[3], "pts_h": OKABE_ITO[7]}  # vermilion, purple, black


# --------------------------------------------------------------------------- checks and labels


def item_label(item: str) -> str:
    """Readable label of a restriction item (or of ``ANY``)."""
    if item == ANY:
        return ANY_LABEL
    return ITEMS.get(item, item)


def _check_item(item: str) -> None:
    if item != ANY and item not in ITEMS:
        raise ValueError(f"unknown restriction item {item!r}: use one of {', '.join(ITEMS)} or {ANY!r}")


def _check_pts(pts: str) -> None:
    if pts not in PTS_SOURCES:
        raise ValueError(f"unknown PTS column {pts!r}: use one of {', '.join(PTS_SOURCES)}")


def _items_in(df: pd.DataFrame) -> list[str]:
    """The twelve item columns; all of them must be in ``df`` ("any" and the score are defined on all twelve)."""
    missing = [c for c in ITEMS if c not in df.columns]
    if missing:
        raise ValueError(f"the table lacks the restriction item(s) {', '.join(missing)}: all twelve are needed")
    return list(ITEMS)


# --------------------------------------------------------------------------- tables


def present(df: pd.DataFrame, item: str = ANY) -> pd.Series:
    """Whether a restriction is present (level > 0) in each row, as a nullable boolean Series.

    For one item, a missing cell stays missing (``<NA>``). For ``ANY``, a row is
    True if at least one of the twelve items is above 0, and False otherwise
    (missing items count as not present).
    """
    _check_item(item)
    if item == ANY:
        values = df[_items_in(df)].astype("Float64").fillna(0)
        return (values > 0).any(axis=1).astype("boolean")
    return (df[item].astype("Float64") > 0).astype("boolean")


def restriction_score(df: pd.DataFrame) -> pd.Series:
    """The course's restriction score of each row: the sum of the twelve item levels.

    One point for each restriction type present, two for an ordinal item coded
    "frequent or systematic" (the odd 2s of two binary items count as 2). It is an
    additive index of indicators, not a count of events; missing items count as 0.
    """
    values = df[_items_in(df)].astype("Float64").fillna(0)
    return values.sum(axis=1).round().astype("Int64").rename("score")


def share_any_by_year(df: pd.DataFrame) -> pd.Series:
    """Share (0-1) of the country-years of each year with at least one restriction, indexed by year."""
    out = present(df, ANY).astype(float).groupby(df["year"].astype(int)).mean()
    out.index.name = "year"
    return out.rename("share_any")


def share_by_year(df: pd.DataFrame, item: str = ANY) -> pd.Series:
    """Share (0-1) of the country-years of each year in which ``item`` is present (missing cells left out)."""
    flags = present(df, item).astype("Float64")
    out = flags.groupby(df["year"].astype(int)).mean().astype(float)
    out.index.name = "year"
    return out.rename("share")


def share_by_pts(df: pd.DataFrame, item: str = ANY, pts: str = "pts_s") -> pd.DataFrame:
    """For each PTS level 1-5: ``share`` (0-1) of country-years with ``item`` present, and ``n`` country-years.

    Only country-years with a PTS score from ``pts`` and a non-missing item count.
    A level with no country-year has share NaN and n 0.
    """
    _check_item(item)
    _check_pts(pts)
    flags = present(df, item)
    level = df[pts].astype("Int64")
    keep = level.notna() & flags.notna()
    grouped = flags[keep].astype(float).groupby(level[keep].astype(int))
    out = pd.DataFrame({"share": grouped.mean(), "n": grouped.size()}).reindex(PTS_LEVELS)
    out["n"] = out["n"].fillna(0).astype(int)
    out.index.name = "pts"
    return out


def share_table(df: pd.DataFrame, pts: str = "pts_s") -> pd.DataFrame:
    """Shares (0-1) of country-years with each restriction (columns: ``ANY`` then the twelve items) by PTS level (rows)."""
    cols = [ANY, *_items_in(df)]
    return pd.DataFrame({c: share_by_pts(df, c, pts)["share"] for c in cols})


def country_profile(df: pd.DataFrame, iso3: str) -> pd.DataFrame:
    """One country's rows by year (index ``year``): the twelve items, ``score`` and the three PTS scores."""
    rows = df[df["iso3"].astype(str) == iso3]
    if rows.empty:
        raise ValueError(f"no country with iso3 {iso3!r} in the table")
    out = rows.assign(score=restriction_score(rows))
    cols = [*_items_in(df), "score", *[c for c in PTS_SOURCES if c in df.columns]]
    out = out.set_index(out["year"].astype(int))[cols].sort_index()
    out.index.name = "year"
    return out


def country_names(df: pd.DataFrame) -> dict[str, str]:
    """iso3 -> country name, sorted by name."""
    pairs = df[["iso3", "country"]].drop_duplicates().astype(str)
    pairs = pairs.sort_values("country", key=lambda s: s.str.casefold())
    return dict(zip(pairs["iso3"], pairs["country"]))


def most_restrictive(df: pd.DataFrame, n: int = 20) -> list[str]:
    """The iso3 codes of the ``n`` countries with the highest mean restriction score, sorted by country name."""
    scores = restriction_score(df).astype(float).groupby(df["iso3"].astype(str)).mean()
    top = scores.sort_values(ascending=False, kind="stable").index[:n]
    names = country_names(df)
    return sorted(top, key=lambda c: names[c].casefold())


def chapter_facts(restr: pd.DataFrame, killed: pd.DataFrame) -> dict[str, int | float | str]:
    """Numbers chapter 9 quotes, computed from the two tables (the chapter glues them).

    The chapter computes the mean PTS with and without arrests and the year-on-year
    changes in the killing counts itself, in visible pandas cells.
    """
    facts: dict[str, int | float | str] = {}
    years = restr["year"].astype(int)
    facts["n_rows"] = int(len(restr))
    facts["n_countries"] = int(restr["iso3"].nunique())
    facts["first_year"] = int(years.min())
    facts["last_year"] = int(years.max())
    share = share_any_by_year(restr)
    facts["pct_any_first"] = round(100 * float(share.iloc[0]))
    facts["pct_any_last"] = round(100 * float(share.iloc[-1]))
    facts["pct_any_max"] = round(100 * float(share.max()))
    facts["year_any_max"] = int(share.idxmax())
    facts["pct_any_all"] = round(100 * float(present(restr, ANY).astype(float).mean()))
    table = share_table(restr, "pts_s")
    for item, key in [
        (ANY, "any"),
        ("harass_amount", "harass"),
        ("arrest", "arrest"),
        ("killing", "killing"),
        ("funding_int", "funding_int"),
        ("travel_restrict", "travel"),
    ]:
        for level in (1, 4, 5):
            facts[f"pct_{key}_pts{level}"] = round(100 * float(table.loc[level, item]))
    n_scored = int(restr["pts_s"].notna().sum())
    facts["n_pts_s"] = n_scored
    counts = killed.set_index(killed["year"].astype(int))["killed"].astype(int).sort_index()
    facts["killed_first_year"] = int(counts.index.min())
    facts["killed_last_year"] = int(counts.index.max())
    facts["killed_first"] = int(counts.iloc[0])
    facts["killed_last"] = int(counts.iloc[-1])
    facts["killed_max"] = int(counts.max())
    facts["killed_max_year"] = int(counts.idxmax())
    facts["killed_total"] = int(counts.sum())
    countries = killed.set_index(killed["year"].astype(int))["countries"].astype(int)
    facts["countries_max_year"] = int(countries.loc[facts["killed_max_year"]])
    land = killed.set_index(killed["year"].astype(int))["share_land_environment_indigenous"]
    facts["land_share_2018"] = int(land.loc[2018]) if 2018 in land.index and pd.notna(land.loc[2018]) else 0
    return facts


# --------------------------------------------------------------------------- figures


def _title(main: str, sub: str = "") -> dict:
    """A left-aligned title near the top of the figure, with an optional smaller second line."""
    title = {"text": main, "x": 0.01, "xanchor": "left", "yref": "container", "y": 1, "yanchor": "top", "pad": {"t": 12}}
    if sub:
        title["subtitle"] = {"text": sub}
    return title


def _menu(buttons: list[dict]) -> list[dict]:
    """One dropdown menu just above the plot area, below the title."""
    return [dropdown(buttons, y=1.03, pad={"b": 6})]


def _pct(values) -> list[float | None]:
    return [None if pd.isna(v) else round(100 * float(v), 1) for v in values]


def _share_bar(df: pd.DataFrame, item: str, pts: str) -> go.Bar:
    table = share_by_pts(df, item, pts)
    return go.Bar(
        x=[str(level) for level in table.index],
        y=_pct(table["share"]),
        customdata=table["n"].tolist(),
        name=f"PTS from {PTS_SOURCES[pts]}",
        marker={"color": SOURCE_COLOURS[pts], "pattern": {"shape": SOURCE_PATTERNS[pts]}},
        hovertemplate=f"{PTS_SOURCES[pts]} PTS level %{{x}}: %{{y:.1f}}% of %{{customdata}} country-years<extra></extra>",
    )


def _pts_axis() -> dict:
    return {"title": {"text": "Political Terror Scale level (1 = least, 5 = most terror)"}, "type": "category"}


def pts_share_figure(df: pd.DataFrame, item: str = ANY, pts: str = "pts_s") -> go.Figure:
    """Bar chart: share (%) of country-years with ``item`` present at each PTS level of ``pts``."""
    _check_pts(pts)
    bar = _share_bar(df, item, pts)
    fig = go.Figure([bar])
    fig.update_layout(
        base_layout(
            _title(item_label(item), "share of country-years at each PTS level"),
            f"Bar chart of the percentage of country-years, 1994-2014, in which the restriction "
            f"'{item_label(item)}' was coded, for each level of the Political Terror Scale "
            f"({PTS_SOURCES[pts]} scores) from 1 to 5.",
            height=460,
            top=70,
            right=20,
        ),
        xaxis=_pts_axis(),
        yaxis={"title": {"text": "Share of country-years (%)"}, "range": [0, 100], "ticksuffix": "%"},
        showlegend=False,
    )
    return fig


def pts_share_menu_figure(df: pd.DataFrame, sources: Sequence[str] = ("pts_s", "pts_a")) -> go.Figure:
    """The book's static restrictions explorer: grouped bars by PTS level, one bar per PTS source,
    with a menu of the restriction (any, then each of the twelve items).

    Every menu choice is computed when the book is built, so it needs no kernel.
    """
    for pts in sources:
        _check_pts(pts)
    choices = [ANY, *_items_in(df)]
    tables = {(c, pts): share_by_pts(df, c, pts) for c in choices for pts in sources}
    fig = go.Figure([_share_bar(df, ANY, pts) for pts in sources])
    buttons = []
    for c in choices:
        ys = [_pct(tables[(c, pts)]["share"]) for pts in sources]
        ns = [tables[(c, pts)]["n"].tolist() for pts in sources]
        buttons.append(
            {
                "label": item_label(c),
                "method": "update",
                "args": [
                    {"y": ys, "customdata": ns},
                    {"title": _title(item_label(c), "share of country-years at each PTS level")},
                ],
            }
        )
    names = " and ".join(PTS_SOURCES[p] for p in sources)
    fig.update_layout(
        base_layout(
            _title(ANY_LABEL, "share of country-years at each PTS level"),
            f"Grouped bar chart of the percentage of country-years, 1994-2014, with a restriction on "
            f"human-rights NGOs or defenders at each level of the Political Terror Scale (scores from "
            f"{names}), with a menu to choose any restriction or one of the twelve types; it opens on "
            f"any restriction.",
            height=560,
            top=130,
            right=20,
        ),
        barmode="group",
        xaxis=_pts_axis(),
        yaxis={"title": {"text": "Share of country-years (%)"}, "range": [0, 100], "ticksuffix": "%"},
        legend={"orientation": "h", "x": 0, "y": -0.22, "yanchor": "top"},
        updatemenus=_menu(buttons),
    )
    return fig


def _profile_traces(profile: pd.DataFrame, item: str, sources: Sequence[str]) -> list[go.Scatter | go.Bar]:
    years = profile.index.tolist()
    value = profile["score"] if item == ANY else profile[item]
    label = "Restriction score" if item == ANY else item_label(item)
    traces: list = [
        go.Bar(
            x=years,
            y=[None if pd.isna(v) else int(v) for v in value],
            name=label,
            marker={"color": SCORE_COLOUR, "line": {"color": OKABE_ITO[0], "width": 1}},
            hovertemplate=f"%{{x}}: {label} %{{y}}<extra></extra>",
        )
    ]
    for pts in sources:
        dash, symbol = PTS_LINE[pts]
        traces.append(
            go.Scatter(
                x=years,
                y=[None if pd.isna(v) else int(v) for v in profile[pts]],
                name=f"PTS ({PTS_SOURCES[pts]})",
                mode="lines+markers",
                yaxis="y2",
                line={"color": LINE_COLOUR[pts], "dash": dash, "width": 2.5},
                marker={"symbol": symbol, "size": 9, "color": LINE_COLOUR[pts]},
                connectgaps=False,
                hovertemplate=f"%{{x}}: PTS {PTS_SOURCES[pts]} level %{{y}}<extra></extra>",
            )
        )
    return traces


def _score_top(df: pd.DataFrame) -> int:
    """Top of the restriction-score axis: the highest score in ``df`` (at least 4), rounded up to an even number."""
    top = max(4, int(restriction_score(df).max()))
    return top + top % 2


def _profile_layout(title: str, alt: str, item: str, score_top: int = 12) -> dict:
    ymax = score_top if item == ANY else 2
    return {
        **base_layout(_title(*title.split("|", 1)), alt, height=520, top=80),
        "xaxis": {"title": {"text": "Year"}, "range": [1993.4, 2014.6], "dtick": 2},
        "yaxis": {
            "title": {"text": "Restriction score" if item == ANY else "Level (0 none, 1 some, 2 frequent)"},
            "range": [0, ymax + 0.5],
            "dtick": 2 if item == ANY else 1,
        },
        "yaxis2": {
            "title": {"text": "Political Terror Scale (1-5)"},
            "overlaying": "y",
            "side": "right",
            "range": [0.5, 5.5],
            "dtick": 1,
            "showgrid": False,
        },
        "legend": {"orientation": "h", "x": 0, "y": -0.2, "yanchor": "top"},
        "bargap": 0.25,
        "hovermode": "x unified",
    }


def country_profile_figure(
    df: pd.DataFrame, iso3: str, item: str = ANY, sources: Sequence[str] = ("pts_s", "pts_a")
) -> go.Figure:
    """One country's restriction score (or one item's level) per year as bars, with its PTS scores as lines."""
    _check_item(item)
    for pts in sources:
        _check_pts(pts)
    profile = country_profile(df, iso3)
    name = country_names(df)[iso3]
    label = "restriction score" if item == ANY else item_label(item).lower()
    fig = go.Figure(_profile_traces(profile, item, sources))
    fig.update_layout(
        _profile_layout(
            f"{name}|{label} (bars) and Political Terror Scale (lines)",
            f"Bar chart of {name}'s {label} in each year from {profile.index.min()} to {profile.index.max()}, with "
            f"line charts of its Political Terror Scale scores from {', '.join(PTS_SOURCES[p] for p in sources)} "
            f"on a second axis.",
            item,
            _score_top(df),
        )
    )
    return fig


def country_menu_figure(
    df: pd.DataFrame, countries: Sequence[str] | None = None, sources: Sequence[str] = ("pts_s", "pts_a")
) -> go.Figure:
    """The book's static country view: :func:`country_profile_figure` (restriction score) with a country menu.

    ``countries`` defaults to the 20 countries with the highest mean restriction
    score (:func:`most_restrictive`). Every menu choice is computed when the book is built.
    """
    chosen = list(countries) if countries is not None else most_restrictive(df, 20)
    names = country_names(df)
    first = chosen[0]
    fig = country_profile_figure(df, first, ANY, sources)
    buttons = []
    for iso3 in chosen:
        profile = country_profile(df, iso3)
        years = profile.index.tolist()
        xs = [years] * (1 + len(sources))
        ys = [[int(v) for v in profile["score"]]] + [[None if pd.isna(v) else int(v) for v in profile[pts]] for pts in sources]
        buttons.append(
            {
                "label": names[iso3],
                "method": "update",
                "args": [
                    {"x": xs, "y": ys},
                    {"title": _title(names[iso3], "restriction score (bars) and Political Terror Scale (lines)")},
                ],
            }
        )
    fig.update_layout(
        meta={
            "alt": f"Bar chart of one country's restriction score per year, 1994-2014, with its Political "
            f"Terror Scale scores as lines on a second axis, and a menu to choose one of {len(chosen)} "
            f"countries with the highest mean scores; it opens on {names[first]}."
        },
        margin={"l": 10, "r": 10, "t": 130, "b": 10},
        height=580,
        updatemenus=_menu(buttons),
    )
    return fig


def killed_figure(killed: pd.DataFrame) -> go.Figure:
    """Bar chart of human rights defenders killed per year (Front Line Defenders' documented minimums)."""
    rows = killed.sort_values("year")
    years = rows["year"].astype(int).tolist()
    hover = [
        f"<b>{int(r.year)}</b>: at least {int(r.killed)} defenders killed in {int(r.countries)} countries"
        f"<br>Source: {r.report_title} ({r.publisher})"
        for r in rows.itertuples()
    ]
    fig = go.Figure(
        go.Bar(
            x=years,
            y=rows["killed"].astype(int).tolist(),
            text=rows["killed"].astype(int).tolist(),
            textposition="outside",
            hovertext=hover,
            hovertemplate="%{hovertext}<extra></extra>",
            marker={"color": OKABE_ITO[5]},
            name="Defenders killed (documented minimum)",
        )
    )
    fig.update_layout(
        base_layout(
            _title("Human rights defenders killed per year", "documented minimums from Front Line Defenders' yearly reports"),
            f"Bar chart of the number of human rights defenders killed worldwide in each year from "
            f"{years[0]} to {years[-1]}, as documented by Front Line Defenders' annual reports; each "
            f"bar is a documented minimum, not an estimate of all killings.",
            height=440,
            top=70,
            right=20,
        ),
        xaxis={"title": {"text": "Year of the killings"}, "dtick": 1},
        yaxis={
            "title": {"text": "Defenders killed (at least)"},
            "rangemode": "tozero",
            "range": [0, 1.15 * int(rows["killed"].max())],
        },
        showlegend=False,
    )
    return fig


def explorer_figure(df: pd.DataFrame, item: str = ANY, iso3: str = "RUS", pts: str = "pts_s") -> go.Figure:
    """The live explorer's figure: top, the share of country-years with ``item`` by PTS level of ``pts``;
    bottom, country ``iso3``'s level of ``item`` (or its restriction score) per year with its ``pts`` score.
    """
    _check_item(item)
    _check_pts(pts)
    name = country_names(df).get(iso3)
    if name is None:
        raise ValueError(f"no country with iso3 {iso3!r} in the table")
    fig = make_subplots(
        rows=2,
        cols=1,
        vertical_spacing=0.2,
        specs=[[{}], [{"secondary_y": True}]],
        subplot_titles=(
            "All countries: share of country-years, by PTS level",
            f"{name}: {'restriction score' if item == ANY else 'level'} and PTS",
        ),
    )
    fig.add_trace(_share_bar(df, item, pts), row=1, col=1)
    profile = country_profile(df, iso3)
    bar, line = _profile_traces(profile, item, [pts])
    line.yaxis = None
    fig.add_trace(bar, row=2, col=1, secondary_y=False)
    fig.add_trace(line, row=2, col=1, secondary_y=True)
    label = item_label(item)
    fig.update_layout(
        base_layout(
            _title(label, f"PTS scores from {PTS_SOURCES[pts]}"),
            f"Two charts: the percentage of country-years, 1994-2014, with the restriction '{label}' at "
            f"each level of the Political Terror Scale ({PTS_SOURCES[pts]} scores), and {name}'s "
            f"{'restriction score' if item == ANY else 'level of that restriction'} per year with its "
            f"Political Terror Scale score.",
            height=760,
            top=110,
        ),
        legend={"orientation": "h", "x": 0, "y": -0.13, "yanchor": "top"},
        bargap=0.25,
    )
    fig.update_xaxes(title_text="PTS level", type="category", row=1, col=1)
    fig.update_yaxes(title_text="Share (%)", range=[0, 100], ticksuffix="%", row=1, col=1)
    fig.update_xaxes(title_text="Year", range=[1993.4, 2014.6], dtick=2, row=2, col=1)
    fig.update_yaxes(
        title_text="Restriction score" if item == ANY else "Level (0-2)",
        range=[0, (_score_top(df) if item == ANY else 2) + 0.5],
        dtick=2 if item == ANY else 1,
        row=2,
        col=1,
        secondary_y=False,
    )
    fig.update_yaxes(title_text="PTS (1-5)", range=[0.5, 5.5], dtick=1, showgrid=False, row=2, col=1, secondary_y=True)
    return fig


# --------------------------------------------------------------------------- widget


class RestrictionsExplorer(LiveFigure):
    """Restriction, country and PTS-source menus over :func:`explorer_figure`.

    ``current_figure`` holds the figure for the current choice (the tests read it);
    every change of a control redraws it.
    """

    def __init__(self, df: pd.DataFrame, item: str = ANY, iso3: str = "RUS", pts: str = "pts_s"):
        self.df = df
        _check_item(item)
        _check_pts(pts)
        self.item = widgets.Dropdown(
            options=[(ANY_LABEL, ANY)] + [(item_label(c), c) for c in _items_in(df)],
            value=item,
            description="Restriction",
            layout=widgets.Layout(width="420px"),
        )
        self.country = widgets.Dropdown(
            options=[(n, c) for c, n in country_names(df).items()],
            value=iso3,
            description="Country",
            layout=widgets.Layout(width="300px"),
        )
        self.pts = widgets.Dropdown(
            options=[(v, k) for k, v in PTS_SOURCES.items()],
            value=pts,
            description="PTS source",
            layout=widgets.Layout(width="300px"),
        )
        super().__init__(
            [widgets.HBox([self.item, self.country, self.pts], layout=widgets.Layout(flex_flow="row wrap"))],
            controls=(self.item, self.country, self.pts),
        )

    def figure(self):
        """The figure for the current restriction, country and PTS source."""
        return explorer_figure(self.df, self.item.value, self.country.value, self.pts.value)


def restrictions_explorer(df: pd.DataFrame, item: str = ANY, iso3: str = "RUS", pts: str = "pts_s") -> RestrictionsExplorer:
    """Return the live restrictions explorer (restriction, country and PTS-source menus) for the table ``df``."""
    return RestrictionsExplorer(df, item=item, iso3=iso3, pts=pts)
