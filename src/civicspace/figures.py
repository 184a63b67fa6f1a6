"""Figure builders: data in, ``plotly.graph_objects.Figure`` out.

Every builder is a pure function of its arguments, so the same call gives the
figure in the book, in Jupyter and in the tests. Each sets ``layout.meta['alt']``,
a one-sentence description the book uses as the figure's accessible name.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd
import plotly.graph_objects as go

from . import treaties as tr
from .plotting import NOT_YET, OKABE_ITO, TEMPLATE_NAME

PARTY = OKABE_ITO[0]


def _base_layout(title: str, alt: str, height: int = 460) -> dict:
    return {
        "title": {"text": title, "x": 0.01, "xanchor": "left"},
        "meta": {"alt": alt},
        "height": height,
        "margin": {"l": 10, "r": 10, "t": 60, "b": 10},
        "template": TEMPLATE_NAME,
    }


def ratification_timeline(df: pd.DataFrame, treaties: Sequence[str], first: int = 1966, last: int = 2022) -> go.Figure:
    """Line chart: number of UN member states party to each treaty, by year."""
    counts = tr._cumulative_parties(df, treaties, first, last)
    fig = go.Figure()
    for i, treaty in enumerate(treaties):
        part = counts[counts["treaty"] == treaty]
        fig.add_trace(
            go.Scatter(
                x=part["year"].tolist(),
                y=part["parties"].tolist(),
                name=treaty,
                mode="lines",
                line={"color": OKABE_ITO[i % len(OKABE_ITO)], "width": 3, "dash": ["solid", "dash", "dot", "dashdot"][i % 4]},
                hovertemplate=f"{treaty}, end of %{{x}}: %{{y}} parties<extra></extra>",
            )
        )
    layout = _base_layout(
        "States party to core human-rights treaties, by year",
        f"Line chart of the number of UN member states that had become parties to {', '.join(treaties)} "
        f"at the end of each year from {first} to {last} (status as of August 2022).",
    )
    layout.update(
        xaxis={"title": "Year", "range": [first, last]},
        yaxis={"title": "States parties", "rangemode": "tozero"},
        legend={"title": {"text": "Treaty (click to hide)"}},
        hovermode="x unified",
    )
    fig.update_layout(layout)
    return fig


def _map_trace(rows: pd.DataFrame, treaty: str) -> go.Choropleth:
    since = rows["year"].astype("Int64")
    hover = [
        f"{c}: party since {int(y)}" if s == "party" else f"{c}: not a party ({s})"
        for c, s, y in zip(rows["country"], rows["status"].astype(str), since.fillna(0))
    ]
    return go.Choropleth(
        locations=rows["iso3"].tolist(),
        z=rows["party_by_year"].astype(int).tolist(),
        zmin=0,
        zmax=1,
        colorscale=[[0, NOT_YET], [0.5, NOT_YET], [0.5, PARTY], [1, PARTY]],
        showscale=False,
        text=hover,
        hovertemplate="%{text}<extra></extra>",
        marker={"line": {"color": "white", "width": 0.5}},
        name=treaty,
    )


def _map_layout(title: str, alt: str) -> dict:
    layout = _base_layout(title, alt, height=520)
    layout["geo"] = {
        "showframe": False,
        "showcoastlines": False,
        "projection": {"type": "natural earth"},
        "lataxis": {"range": [-58, 85]},
    }
    layout["annotations"] = [
        {
            "text": f"<span style='color:{PARTY}'>■</span> party by then   <span style='color:{NOT_YET}'>■</span> not (yet) a party",
            "showarrow": False, "x": 0, "y": 1.0, "xref": "paper", "yref": "paper", "xanchor": "left",
        }
    ]
    return layout


def ratification_map(df: pd.DataFrame, treaty: str, year: int) -> go.Figure:
    """World map: which states were parties to ``treaty`` at the end of ``year``."""
    rows = tr._parties_in_year(df, treaty, year)
    n = int(rows["party_by_year"].sum())
    fig = go.Figure(_map_trace(rows, treaty))
    fig.update_layout(
        _map_layout(
            f"{treaty}: {n} states parties at the end of {year}",
            f"World map of the {len(rows)} UN member states coloured by whether they had become parties to "
            f"{treaty} by the end of {year}; {n} had.",
        )
    )
    return fig


def ratification_map_by_year(df: pd.DataFrame, treaty: str, years: Iterable[int] | None = None) -> go.Figure:
    """World map of parties to ``treaty`` with a year slider and a play button.

    The static-but-interactive version of :func:`civicspace.widgets.ratification_explorer`
    for the online book: one animation frame per year (only the colours change,
    so each frame is small), computed when the book is built.
    """
    years = list(years) if years is not None else list(range(1966, 2023))
    last = years[-1]
    rows = tr._parties_in_year(df, treaty, last)
    fig = go.Figure(_map_trace(rows, treaty))
    frames, steps = [], []
    for year in years:
        by_year = tr._parties_in_year(df, treaty, year)
        n = int(by_year["party_by_year"].sum())
        frames.append(
            go.Frame(
                name=str(year),
                data=[{"type": "choropleth", "z": by_year["party_by_year"].astype(int).tolist()}],
                layout={"title": {"text": f"{treaty}: {n} states parties at the end of {year}"}},
            )
        )
        steps.append(
            {"label": str(year), "method": "animate",
             "args": [[str(year)], {"mode": "immediate", "frame": {"duration": 0, "redraw": True}, "transition": {"duration": 0}}]}
        )
    fig.frames = frames
    n_last = int(rows["party_by_year"].sum())
    layout = _map_layout(
        f"{treaty}: {n_last} states parties at the end of {last}",
        f"World map with a year slider ({years[0]}–{last}) showing which UN member states had become parties "
        f"to {treaty} by each year; {n_last} had by {last}.",
    )
    layout["height"] = 600
    layout["sliders"] = [
        {"active": len(years) - 1, "steps": steps, "currentvalue": {"prefix": "End of "},
         "x": 0.26, "len": 0.74, "pad": {"t": 30}}
    ]
    layout["updatemenus"] = [
        {
            "type": "buttons", "direction": "left", "showactive": False,
            "x": 0, "y": 0, "xanchor": "left", "yanchor": "top", "pad": {"t": 45},
            "buttons": [
                {"label": "▶ Play", "method": "animate",
                 "args": [None, {"frame": {"duration": 300, "redraw": True}, "fromcurrent": False, "transition": {"duration": 0}}]},
                {"label": "❚❚ Pause", "method": "animate",
                 "args": [[None], {"mode": "immediate", "frame": {"duration": 0, "redraw": False}}]},
            ],
        }
    ]
    fig.update_layout(layout)
    return fig
