"""Chapter 5, foreign-agent, "undesirable organisation" and foreign-funding laws.

Three tables feed the chapter:

- the curated law-event table (``data.load_restrictive_laws()``): one row per law,
  decree or policy, with its main mechanism (``type``), the course's three targets
  (``target_stigma``, ``target_admin_burden``, ``target_criminalisation``), its
  date of adoption (``date_adopted``, a partial ISO date) and ``year_adopted``;
- the NGO-law barrier panel (``data.load_ngo_law_barriers()``): Chaudhry's ``ch_``
  and Christensen & Weinstein's ``cw_`` columns. A row that a source does not code
  has ``ch_covered`` / ``cw_covered`` False and empty columns: missing means *not
  coded*, never 0;
- the V-Dem civil-society panel (``data.load_civic_space_panel()``), whose
  ``v2csreprss`` measures CSO repression (higher = *less* repression).

The functions draw plotly figures from those tables; :class:`LawDiffusionExplorer`
wires ipywidgets controls to :func:`diffusion_map`, so what it draws is what the
tests check. The counts and comparisons the chapter quotes (laws by type and
target, the share of countries with a funding barrier, repression before and after
a first law) are computed with pandas in the chapter itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import ipywidgets as widgets
import pandas as pd
import plotly.graph_objects as go

from .plotting import NOT_YET, OKABE_ITO, TEMPLATE_NAME
from .widgets import LiveFigure

#: The law types of the table, in the order the figures list them.
TYPE_ORDER = [
    "foreign agent",
    "undesirable organisation",
    "foreign funding",
    "sovereignty protection",
    "registration",
    "AML-CFT measure",
    "other",
]

#: One Okabe–Ito colour per type (yellow is left out: too pale on a white map).
TYPE_COLOURS = {
    "foreign agent": OKABE_ITO[5],  # vermilion
    "undesirable organisation": OKABE_ITO[7],  # black
    "foreign funding": OKABE_ITO[1],  # orange
    "sovereignty protection": OKABE_ITO[3],  # reddish purple
    "registration": OKABE_ITO[0],  # blue
    "AML-CFT measure": OKABE_ITO[2],  # bluish green
    "other": OKABE_ITO[4],  # sky blue
}

#: Line styles for the timeline, so that the types differ by more than colour.
TYPE_DASHES = {
    "foreign agent": "solid",
    "undesirable organisation": "dot",
    "foreign funding": "dash",
    "sovereignty protection": "dashdot",
    "registration": "longdash",
    "AML-CFT measure": "longdashdot",
    "other": "dot",
}

#: The three targets: boolean column → readable name.
TARGETS = {
    "target_stigma": "stigma",
    "target_admin_burden": "administrative burden",
    "target_criminalisation": "criminalisation",
}

FIRST_YEAR, LAST_YEAR = 2012, 2025


def _check_types(types: Iterable[str] | None) -> list[str]:
    if types is None:
        return list(TYPE_ORDER)
    types = [types] if isinstance(types, str) else list(types)
    unknown = [t for t in types if t not in TYPE_ORDER]
    if unknown:
        raise ValueError(f"unknown law type(s) {unknown}; known: {', '.join(TYPE_ORDER)}")
    return types


def _countries_by_year(laws: pd.DataFrame, year: int, types: Iterable[str] | None = None) -> pd.DataFrame:
    """What the map shows: one row per country with a restrictive law of ``types`` adopted by the end of ``year``.

    A restrictive law pursues at least one of the three targets (the liberalising
    contrast row has none). Columns: ``iso3``, ``country``, ``n_laws`` (laws adopted
    so far), ``first_year``, ``latest_type``, ``latest_title`` and ``latest_date``
    (the most recent law by then, which colours the map) and ``titles`` (every law so
    far, one per line). Sorted by ``iso3``.
    """
    types = _check_types(types)
    targeted = laws[list(TARGETS)].fillna(False).astype(bool).any(axis=1)
    rows = laws[targeted & (laws["year_adopted"] <= year) & laws["type"].astype(str).isin(types)]
    rows = rows.sort_values(["date_adopted", "event_id"])
    out = []
    for iso3, part in rows.groupby("iso3", sort=True, observed=True):
        latest = part.iloc[-1]
        out.append(
            {
                "iso3": str(iso3),
                "country": str(latest["country"]),
                "n_laws": int(len(part)),
                "first_year": int(part["year_adopted"].min()),
                "latest_type": str(latest["type"]),
                "latest_title": str(latest["title"]),
                "latest_date": str(latest["date_adopted"]),
                "titles": "\n".join(f"{d}: {t}" for d, t in zip(part["date_adopted"], part["title"])),
            }
        )
    columns = ["iso3", "country", "n_laws", "first_year", "latest_type", "latest_title", "latest_date", "titles"]
    return pd.DataFrame(out, columns=columns)


# ---------------------------------------------------------------- figures


def _base_layout(title: str, alt: str, height: int = 480) -> dict:
    return {
        "title": {"text": title, "x": 0.01, "xanchor": "left"},
        "meta": {"alt": alt},
        "height": height,
        "margin": {"l": 10, "r": 10, "t": 60, "b": 10},
        "template": TEMPLATE_NAME,
    }


def _discrete_colourscale() -> list:
    n = len(TYPE_ORDER)
    scale = []
    for i, t in enumerate(TYPE_ORDER):
        scale += [[i / n, TYPE_COLOURS[t]], [(i + 1) / n, TYPE_COLOURS[t]]]
    return scale


def _map_data(rows: pd.DataFrame) -> dict:
    hover = [
        f"<b>{c}</b> ({n} law{'s' if n > 1 else ''} so far; colour: {t})<br>" + titles.replace("\n", "<br>")
        for c, n, t, titles in zip(rows["country"], rows["n_laws"], rows["latest_type"], rows["titles"])
    ]
    return {
        "locations": rows["iso3"].tolist(),
        "z": [TYPE_ORDER.index(t) for t in rows["latest_type"]],
        "text": hover,
    }


def _map_trace(rows: pd.DataFrame) -> go.Choropleth:
    n = len(TYPE_ORDER)
    return go.Choropleth(
        **_map_data(rows),
        zmin=-0.5,
        zmax=n - 0.5,
        colorscale=_discrete_colourscale(),
        colorbar={
            "title": {"text": "Most recent law"},
            "tickvals": list(range(n)),
            "ticktext": TYPE_ORDER,
            "len": 0.8,
            "thickness": 14,
            "x": 1.0,
            "tickfont": {"size": 12},
        },
        hovertemplate="%{text}<extra></extra>",
        marker={"line": {"color": "white", "width": 0.5}},
        name="laws",
    )


def _map_layout(title: str, alt: str, height: int = 520) -> dict:
    layout = _base_layout(title, alt, height=height)
    layout["geo"] = {
        "showframe": False,
        "showcoastlines": False,
        "projection": {"type": "natural earth"},
        "lataxis": {"range": [-58, 85]},
        "landcolor": NOT_YET,
        "domain": {"x": [0, 0.8], "y": [0, 1]},
    }
    layout["annotations"] = [
        {
            "text": "Grey: no law in the course table by then. Hover for the laws' titles.",
            "showarrow": False, "x": 0, "y": 1.0, "xref": "paper", "yref": "paper", "xanchor": "left",
            "font": {"size": 12},
        }
    ]
    return layout


def _types_label(types: list[str]) -> str:
    return "all types" if types == TYPE_ORDER else ", ".join(types)


def _map_title(year: int, rows: pd.DataFrame, types: list[str]) -> str:
    n = len(rows)
    return f"Restrictive NGO laws ({_types_label(types)}): {n} {'country' if n == 1 else 'countries'} by the end of {year}"


def diffusion_map(laws: pd.DataFrame, year: int, types: Iterable[str] | None = None) -> go.Figure:
    """World map of the countries that had adopted a law of ``types`` by the end of ``year``.

    Each country is coloured by the type of its most recent law by then; the hover
    text lists every law so far with its date and title.
    """
    types = _check_types(types)
    rows = _countries_by_year(laws, year, types)
    fig = go.Figure(_map_trace(rows))
    fig.update_layout(
        _map_layout(
            _map_title(year, rows, types),
            f"World map of the {len(rows)} countries that had adopted at least one restrictive NGO law "
            f"({_types_label(types)}) in the course table by the end of {year}, coloured by the type of "
            "each country's most recent law.",
        )
    )
    return fig


def diffusion_map_by_year(laws: pd.DataFrame, years: Sequence[int] | None = None) -> go.Figure:
    """The diffusion map with a year slider and a play button (all types).

    The static-but-interactive version of :class:`LawDiffusionExplorer` for the
    online book: one animation frame per year, computed when the book is built.
    """
    years = list(years) if years is not None else list(range(FIRST_YEAR, LAST_YEAR + 1))
    last = years[-1]
    fig = go.Figure(_map_trace(_countries_by_year(laws, last)))
    frames, steps = [], []
    for year in years:
        rows = _countries_by_year(laws, year)
        frames.append(
            go.Frame(
                name=str(year),
                data=[{"type": "choropleth", **_map_data(rows)}],
                layout={"title": {"text": _map_title(year, rows, TYPE_ORDER)}},
            )
        )
        steps.append(
            {"label": str(year), "method": "animate",
             "args": [[str(year)], {"mode": "immediate", "frame": {"duration": 0, "redraw": True},
                                    "transition": {"duration": 0}}]}
        )
    fig.frames = frames
    n_last = len(_countries_by_year(laws, last))
    layout = _map_layout(
        _map_title(last, _countries_by_year(laws, last), TYPE_ORDER),
        f"World map with a year slider ({years[0]}–{last}) showing which countries had adopted a restrictive "
        f"NGO law in the course table by each year, coloured by the type of the most recent law; {n_last} had "
        f"by {last}.",
        height=500,
    )
    layout["sliders"] = [
        {"active": len(years) - 1, "steps": steps, "currentvalue": {"prefix": "End of ", "xanchor": "right"},
         "x": 0.3, "len": 0.7, "pad": {"t": 30}}
    ]
    layout["updatemenus"] = [
        {
            "type": "buttons", "direction": "left", "showactive": False,
            "x": 0, "y": 0, "xanchor": "left", "yanchor": "top", "pad": {"t": 45},
            "buttons": [
                {"label": "▶ Play", "method": "animate",
                 "args": [None, {"frame": {"duration": 700, "redraw": True}, "fromcurrent": False,
                                 "transition": {"duration": 0}}]},
                {"label": "❚❚ Pause", "method": "animate",
                 "args": [[None], {"mode": "immediate", "frame": {"duration": 0, "redraw": False}}]},
            ],
        }
    ]
    fig.update_layout(layout)
    return fig


def cumulative_timeline(laws: pd.DataFrame, first: int = FIRST_YEAR, last: int = LAST_YEAR) -> go.Figure:
    """Stacked area chart: laws of each type adopted by the end of each year.

    Click a type in the legend to hide it; the stack then shows the remaining types.
    """
    targeted = laws[list(TARGETS)].fillna(False).astype(bool).any(axis=1)
    years_of = laws.loc[targeted, "year_adopted"].dropna().astype(int).groupby(laws.loc[targeted, "type"].astype(str))
    fig = go.Figure()
    total = 0
    for t in TYPE_ORDER:
        if t not in years_of.groups:
            continue
        years = years_of.get_group(t)
        # Laws adopted by the end of each year (those before ``first`` count from the first year on).
        so_far = [int((years <= y).sum()) for y in range(first, last + 1)]
        if so_far[-1] == 0:
            continue
        total += so_far[-1]
        fig.add_trace(
            go.Scatter(
                x=list(range(first, last + 1)),
                y=so_far,
                name=t,
                mode="lines+markers",
                stackgroup="laws",
                line={"color": TYPE_COLOURS[t], "width": 2, "dash": TYPE_DASHES[t]},
                marker={"size": 5},
                hovertemplate=f"{t}, end of %{{x}}: %{{y}} laws<extra></extra>",
            )
        )
    layout = _base_layout(
        "Restrictive NGO laws adopted so far, by type (course table)",
        f"Stacked area chart of the cumulative number of restrictive NGO laws in the course table, by type, "
        f"at the end of each year from {first} to {last}; {total} laws in all by {last}.",
        height=470,
    )
    layout.update(
        xaxis={"title": "Year", "range": [first - 0.3, last + 0.3], "dtick": 1, "tickangle": -45},
        yaxis={"title": "Laws adopted so far", "rangemode": "tozero"},
        legend={"title": {"text": "Type (click to hide)"}, "traceorder": "reversed"},
        hovermode="x unified",
    )
    fig.update_layout(layout)
    return fig


def repression_change_figure(change: pd.DataFrame) -> go.Figure:
    """Dumbbell chart: V-Dem CSO repression before (circle) and after (diamond) each first law.

    ``change`` has one row per country with the columns ``country``, ``year_adopted`` (of its
    first law), ``before`` and ``after`` (mean ``v2csreprss`` in the years before and
    after) and ``change`` (``after - before``); the chapter computes it with pandas.
    """
    rows = change.sort_values(["change", "iso3"], ascending=[False, True])
    labels = [f"{c} ({y})" for c, y in zip(rows["country"], rows["year_adopted"])]
    fig = go.Figure()
    xs, ys = [], []
    for label, b, a in zip(labels, rows["before"], rows["after"]):
        xs += [b, a, None]
        ys += [label, label, None]
    fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", line={"color": "#999999", "width": 2},
                             hoverinfo="skip", showlegend=False))
    fig.add_trace(go.Scatter(
        x=rows["before"].tolist(), y=labels, mode="markers", name="5 years before",
        marker={"symbol": "circle", "size": 10, "color": OKABE_ITO[0]},
        hovertemplate="%{y}: %{x:.2f} before<extra></extra>",
    ))
    fig.add_trace(go.Scatter(
        x=rows["after"].tolist(), y=labels, mode="markers", name="up to 5 years after",
        marker={"symbol": "diamond", "size": 10, "color": OKABE_ITO[5]},
        hovertemplate="%{y}: %{x:.2f} after<extra></extra>",
    ))
    n, worse = len(rows), int((rows["change"] < 0).sum())
    layout = _base_layout(
        "CSO repression before and after each country's first law",
        f"Dumbbell chart of V-Dem's CSO repression score (higher = less repression) for {n} countries, "
        f"averaged over the five years before and up to five years after the country's first restrictive "
        f"NGO law in the course table; the score fell (more repression) in {worse} of them.",
        height=max(420, 22 * n + 140),
    )
    layout.update(
        xaxis={"title": "V-Dem v2csreprss (higher = less repression)"},
        yaxis={"title": "", "autorange": "reversed", "tickfont": {"size": 12}},
        legend={"orientation": "h", "x": 0, "y": 1.0, "xanchor": "left", "yanchor": "bottom"},
        margin={"l": 10, "r": 10, "t": 90, "b": 10},
    )
    fig.update_layout(layout)
    return fig


# ---------------------------------------------------------------- widget


class LawDiffusionExplorer(LiveFigure):
    """A year slider and a type menu over :func:`diffusion_map`.

    ``current_figure`` holds the figure for the current choice (the tests read it).
    """

    ALL = "all types"

    def __init__(self, laws: pd.DataFrame, year: int = LAST_YEAR, law_type: str = ALL):
        self.laws = laws
        targeted = laws[list(TARGETS)].fillna(False).astype(bool).any(axis=1)
        present = [t for t in TYPE_ORDER if t in set(laws.loc[targeted, "type"].astype(str))]
        self.law_type = widgets.Dropdown(options=[self.ALL, *present], value=law_type, description="Type")
        self.year = widgets.IntSlider(
            value=year, min=FIRST_YEAR, max=LAST_YEAR, step=1, description="End of year", continuous_update=False
        )
        super().__init__([widgets.HBox([self.law_type, self.year])], controls=(self.law_type, self.year))

    def selected_types(self) -> list[str]:
        """The law types the menu selects."""
        return list(TYPE_ORDER) if self.law_type.value == self.ALL else [self.law_type.value]

    def figure(self):
        """The map for the current year and type."""
        return diffusion_map(self.laws, self.year.value, self.selected_types())


def law_diffusion_explorer(laws: pd.DataFrame, year: int = LAST_YEAR, law_type: str = LawDiffusionExplorer.ALL):
    """Return the live diffusion explorer for the law-event table ``laws``."""
    return LawDiffusionExplorer(laws, year=year, law_type=law_type)
