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


# ---------------------------------------------------------------- chapter 1: which provision protects it?
#
# The texts are laid out as one left-aligned annotation (no trace): the page then needs no
# plotly.js trace module beyond those of the chapter's maps and charts.

_SHORT_NAMES = {
    "Universal Declaration of Human Rights": "UDHR",
    "International Covenant on Civil and Political Rights": "ICCPR",
    "Declaration on Human Rights Defenders": "1998 Declaration",
}
_WRAP = 78  # characters per line: plotly does not wrap annotation text


def _wrapped(text: str, width: int = _WRAP) -> str:
    import html
    import textwrap

    return "<br>".join(html.escape(line, quote=False) for line in textwrap.wrap(text, width))


def _provision_text(scenario: str) -> str:
    """The text block for one scenario: situation, each provision with its quote, the limitation clause, why."""
    found = tr._scenario_provisions(scenario)
    blocks = [f"<i>{_wrapped(found['situation'])}</i>"]
    for p in found["provisions"]:
        kind = "treaty, binding on its parties" if p["treaty"] else "declaration, not a treaty"
        blocks.append(
            f"<b>{_SHORT_NAMES[p['instrument']]} {p['article']}</b> ({kind})<br>{_wrapped('“' + p['text'] + '”')}"
        )
    if found["restriction"]:
        clause = ("<b>Limitation clause (ICCPR art. 22(2)): engaged.</b><br>"
                  + _wrapped("The situation is a state measure that restricts the association: under the ICCPR "
                             "it is lawful only if it is prescribed by law, pursues a listed aim and is necessary "
                             "in a democratic society."))
    else:
        clause = ("<b>Limitation clause (ICCPR art. 22(2)): not engaged.</b><br>"
                  + _wrapped("No state measure restricting the association is described."))
    blocks += [clause, f"<b>Why:</b> {_wrapped(found['note'], _WRAP - 6)}"]
    return "<br><br>".join(blocks)


def _text_height(text: str, top: int) -> int:
    """Figure height (px) that shows a 13 px annotation of ``text`` whole below a top margin of ``top``."""
    return top + int(17.5 * (text.count("<br>") + 1)) + 30


def _provision_title(scenario: str) -> str:
    return f"Which provision protects it? {tr._scenario_provisions(scenario)['label']}"


def provision_figure(scenario: str) -> go.Figure:
    """The provisions of chapter 1 that protect the activity in ``scenario``, with their quoted text.

    ``scenario`` is a key of :data:`civicspace.treaties.SCENARIOS`. Below the quotes, the
    figure says whether the situation is a restriction that the three conditions of
    ICCPR art. 22(2) must justify, and why. The text is one annotation (``layout.annotations[0]``).
    """
    found = tr._scenario_provisions(scenario)
    ids = ", ".join(p["id"] for p in found["provisions"])
    fig = go.Figure()
    layout = _base_layout(
        _provision_title(scenario),
        f"The provisions that protect the situation '{found['situation']}' ({ids}), with their text as quoted "
        f"in chapter 1; the limitation clause of ICCPR art. 22(2) is "
        f"{'engaged' if found['restriction'] else 'not engaged'}.",
        height=_text_height(_provision_text(scenario), 60),
    )
    layout.update(
        xaxis={"visible": False, "range": [0, 1], "fixedrange": True},
        yaxis={"visible": False, "range": [0, 1], "fixedrange": True},
        annotations=[{"text": _provision_text(scenario), "showarrow": False, "align": "left",
                      "x": 0, "y": 1, "xref": "paper", "yref": "paper", "xanchor": "left", "yanchor": "top",
                      "font": {"size": 13}}],
        margin={"l": 10, "r": 10, "t": 60, "b": 10},
    )
    fig.update_layout(layout)
    return fig


def provision_explorer_figure(scenarios: Sequence[str] | None = None) -> go.Figure:
    """:func:`provision_figure` with a menu of situations: the book's static-but-interactive version.

    One menu entry per scenario (all of :data:`civicspace.treaties.SCENARIOS` by default);
    each replaces the text and the title with values computed when the book is built.
    """
    keys = list(scenarios) if scenarios is not None else list(tr.SCENARIOS)
    fig = provision_figure(keys[0])
    buttons = [
        {"label": tr._scenario_provisions(key)["label"], "method": "relayout",
         "args": [{"annotations[0].text": _provision_text(key), "title.text": _provision_title(key)}]}
        for key in keys
    ]
    fig.update_layout(
        meta={"alt": f"The provisions quoted in chapter 1 that protect a situation an NGO may face, with a menu "
                     f"of {len(keys)} situations ({', '.join(tr.SCENARIOS[k]['label'] for k in keys)}); for "
                     f"each, the quoted text and whether ICCPR art. 22(2) is engaged."},
        updatemenus=[{"type": "dropdown", "buttons": buttons, "active": 0, "showactive": True,
                      "x": 0, "xanchor": "left", "y": 1.0, "yanchor": "bottom", "pad": {"b": 8}}],
        margin={"l": 10, "r": 10, "t": 110, "b": 10},
        height=max(_text_height(_provision_text(key), 110) for key in keys),
    )
    return fig
