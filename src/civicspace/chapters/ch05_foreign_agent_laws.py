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

from civicspace.plotting import NOT_YET, OKABE_ITO, LiveFigure, base_layout, dropdown, note, play_pause, world_geo, year_slider

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
    layout = base_layout(title, alt, height=height)
    layout["geo"] = world_geo(landcolor=NOT_YET, domain={"x": [0, 0.8], "y": [0, 1]})
    layout["annotations"] = [note("Grey: no law in the course table by then. Hover for the laws' titles.", font={"size": 12})]
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
    frames = []
    for year in years:
        rows = _countries_by_year(laws, year)
        frames.append(
            go.Frame(
                name=str(year),
                data=[{"type": "choropleth", **_map_data(rows)}],
                layout={"title": {"text": _map_title(year, rows, TYPE_ORDER)}},
            )
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
    layout["sliders"] = [year_slider(years, {"prefix": "End of ", "xanchor": "right"}, x=0.3, pad_top=30)]
    layout["updatemenus"] = [play_pause(frame_ms=700, pad_top=45)]
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
    layout = base_layout(
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
    fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", line={"color": "#999999", "width": 2}, hoverinfo="skip", showlegend=False))
    for when, name, symbol, colour in [
        ("before", "5 years before", "circle", OKABE_ITO[0]),
        ("after", "up to 5 years after", "diamond", OKABE_ITO[5]),
    ]:
        fig.add_trace(
            go.Scatter(
                x=rows[when].tolist(),
                y=labels,
                mode="markers",
                name=name,
                marker={"symbol": symbol, "size": 10, "color": colour},
                hovertemplate=f"%{{y}}: %{{x:.2f}} {when}<extra></extra>",
            )
        )
    n, worse = len(rows), int((rows["change"] < 0).sum())
    layout = base_layout(
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


# ---------------------------------------------------------------- law → type and targets


def classify_law(laws: pd.DataFrame, event_id: str) -> dict:
    """The type and targets that the law-event table codes for one law (chapter 5's classifier).

    Returns a dict with the law's ``event_id``, ``country``, ``title``, ``date_adopted``,
    ``type`` (its main mechanism, one of :data:`TYPE_ORDER`) and ``targets``: the
    readable names of the targets it pursues, in the order of :data:`TARGETS` (an empty
    list for the liberalising Ethiopian row). ``missing`` lists the targets whose cell
    is empty, if any, so that "not coded" is never read as "not pursued".

    The table codes *what* a law does to an organisation (stigma, administrative burden,
    criminalisation); it has no field for *whom* a law reaches (NGOs, media,
    individuals), which only the titles and notes describe, so the function does not
    return one. It reads the coding of a law in the table; it cannot classify a law
    that is not in it.
    """
    match = laws[laws["event_id"].astype(str) == event_id]
    if match.empty:
        raise ValueError(f"no law with event_id {event_id!r} in the law-event table")
    if len(match) > 1:
        raise ValueError(f"event_id {event_id!r} appears in {len(match)} rows of the law-event table")
    row = match.iloc[0]
    law_type = str(row["type"])
    if law_type not in TYPE_ORDER:
        raise ValueError(f"law {event_id!r}: unknown type {law_type!r}; known: {', '.join(TYPE_ORDER)}")
    targets, missing = [], []
    for column, name in TARGETS.items():
        value = row[column]
        if pd.isna(value):
            missing.append(name)
        elif bool(value):
            targets.append(name)
    return {
        "event_id": event_id,
        "country": str(row["country"]),
        "title": str(row["title"]),
        "date_adopted": str(row["date_adopted"]),
        "type": law_type,
        "targets": targets,
        "missing": missing,
    }


def _law_label(law: dict, width: int = 46) -> str:
    """A short menu label: country, date and the start of the title."""
    text = f"{law['country']}, {law['date_adopted']}: {law['title']}"
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _ordered_event_ids(laws: pd.DataFrame) -> list[str]:
    """Every law of the table, by country and then date (the menu order)."""
    rows = laws.sort_values(["country", "date_adopted", "event_id"])
    return [str(e) for e in rows["event_id"]]


def _classifier_points(laws: pd.DataFrame) -> pd.DataFrame:
    """One point per law for the overview: x = year adopted, y = type row (nudged apart within a year)."""
    rows = laws.sort_values(["date_adopted", "event_id"]).copy()
    rows["type"] = rows["type"].astype(str)
    rows["row"] = [len(TYPE_ORDER) - 1 - TYPE_ORDER.index(t) for t in rows["type"]]
    rank = rows.groupby(["type", "year_adopted"], observed=True).cumcount()
    size = rows.groupby(["type", "year_adopted"], observed=True)["event_id"].transform("size")
    rows["y"] = rows["row"] + (rank - (size - 1) / 2) * 0.16
    rows["x"] = rows["year_adopted"].astype(int)
    return rows.set_index(rows["event_id"].astype(str))


_TARGET_ON, _TARGET_OFF = OKABE_ITO[5], "#E5E5E5"


def _classifier_update(laws: pd.DataFrame, points: pd.DataFrame, event_id: str) -> tuple[dict, str]:
    """The highlighted point, the three target boxes and the title for one law."""
    law = classify_law(laws, event_id)
    on = [name in law["targets"] for name in TARGETS.values()]
    boxes = {
        "colors": [_TARGET_ON if o else _TARGET_OFF for o in on],
        "text": [
            ("✔ " if o else "— ") + name if name not in law["missing"] else f"? {name} (not coded)"
            for o, name in zip(on, TARGETS.values())
        ],
    }
    title = f"{law['country']}, {law['date_adopted']}: {law['type']}, {len(law['targets'])} of 3 targets"
    point = points.loc[event_id]
    return {"x": float(point["x"]), "y": float(point["y"]), **boxes}, title


def _classifier_traces(laws: pd.DataFrame, points: pd.DataFrame, event_id: str) -> tuple[list, str]:
    update, title = _classifier_update(laws, points, event_id)
    hover = [
        f"<b>{c}, {d}</b><br>{t}<br>type: {ty}<br>targets: {tg if isinstance(tg, str) else 'none'}"
        for c, d, t, ty, tg in zip(points["country"], points["date_adopted"], points["title"], points["type"], points["targets"])
    ]
    every = go.Scatter(
        x=points["x"].tolist(),
        y=points["y"].round(3).tolist(),
        mode="markers",
        name="every law in the table",
        marker={"size": 9, "color": OKABE_ITO[0], "opacity": 0.55, "line": {"color": "white", "width": 1}},
        text=hover,
        hovertemplate="%{text}<extra></extra>",
        xaxis="x",
        yaxis="y",
    )
    chosen = go.Scatter(
        x=[update["x"]],
        y=[round(update["y"], 3)],
        mode="markers",
        name="the chosen law",
        marker={"size": 20, "symbol": "diamond", "color": OKABE_ITO[5], "line": {"color": "black", "width": 2}},
        hoverinfo="skip",
        xaxis="x",
        yaxis="y",
    )
    boxes = go.Scatter(
        x=[0, 1, 2],
        y=[0, 0, 0],
        mode="markers+text",
        name="targets of the chosen law",
        marker={"size": 24, "symbol": "square", "color": update["colors"], "line": {"color": "#999999", "width": 1}},
        text=update["text"],
        textposition="bottom center",
        textfont={"size": 12},
        hoverinfo="skip",
        xaxis="x2",
        yaxis="y2",
        showlegend=False,
    )
    return [every, chosen, boxes], title


def _classifier_layout(title: str, alt: str) -> dict:
    layout = base_layout(title, alt, height=600)
    n = len(TYPE_ORDER)
    layout.update(
        xaxis={
            "domain": [0, 1],
            "title": "Year adopted",
            "dtick": 1,
            "tickangle": -45,
            "range": [FIRST_YEAR - 0.7, LAST_YEAR + 0.7],
        },
        yaxis={
            "domain": [0, 0.72],
            "tickvals": list(range(n)),
            "ticktext": TYPE_ORDER[::-1],
            "range": [-0.6, n - 0.4],
            "title": "",
        },
        xaxis2={"domain": [0, 1], "range": [-0.6, 2.6], "visible": False, "fixedrange": True, "anchor": "y2"},
        yaxis2={"domain": [0.8, 0.97], "range": [-1.2, 0.5], "visible": False, "fixedrange": True, "anchor": "x2"},
        legend={"orientation": "h", "x": 0, "y": 0.74, "xanchor": "left", "yanchor": "bottom"},
        margin={"l": 10, "r": 10, "t": 110, "b": 10},
        annotations=[
            note(
                "<b>Targets of the chosen law</b> (filled: pursued, as the table codes it)",
                yanchor="bottom",
                font={"size": 13},
            )
        ],
    )
    return layout


def law_classifier_figure(laws: pd.DataFrame, event_id: str) -> go.Figure:
    """Chapter 5's classifier: one law's type and targets, highlighted among every law of the table.

    Left, every law of ``laws`` by year adopted (across) and type (down), with the law
    ``event_id`` marked by a large diamond; right, its three targets (filled = pursued,
    as the table codes them, see :func:`classify_law`). The title states both.
    """
    points = _classifier_points(laws)
    traces, title = _classifier_traces(laws, points, event_id)
    law = classify_law(laws, event_id)
    fig = go.Figure(traces)
    fig.update_layout(
        _classifier_layout(
            title,
            f"Scatter chart of the {len(points)} laws of the course table by year adopted and type, with the law "
            f"'{law['title']}' ({law['country']}, {law['date_adopted']}) highlighted, and beside it the three targets, "
            f"of which it pursues: {', '.join(law['targets']) or 'none'}.",
        )
    )
    return fig


def law_classifier_by_law(laws: pd.DataFrame, first: str = "rus-2012-foreign-agents") -> go.Figure:
    """:func:`law_classifier_figure` with a menu of every law: the book's static-but-interactive version.

    One menu entry per law (by country, then date); each moves the diamond, recolours
    the three target boxes and retitles the chart, computed when the book is built.
    """
    order = _ordered_event_ids(laws)
    if first not in order:
        raise ValueError(f"no law with event_id {first!r} in the law-event table")
    points = _classifier_points(laws)
    fig = law_classifier_figure(laws, first)
    buttons = []
    for event_id in order:
        update, title = _classifier_update(laws, points, event_id)
        # One click moves the diamond (trace 1) and recolours and relabels the target boxes (trace 2).
        buttons.append(
            {
                "label": _law_label(classify_law(laws, event_id)),
                "method": "update",
                "args": [
                    {
                        "x": [[update["x"]], [0, 1, 2]],
                        "y": [[round(update["y"], 3)], [0, 0, 0]],
                        "marker.color": [OKABE_ITO[5], update["colors"]],
                        "text": [[""], update["text"]],
                    },
                    {"title.text": title},
                    [1, 2],
                ],
            }
        )
    fig.update_layout(
        meta={
            "alt": f"Scatter chart of the {len(points)} laws of the course table by year adopted and type, with a "
            f"menu to choose one law: the chosen law is highlighted and its three targets (stigma, "
            f"administrative burden, criminalisation) are shown beside the chart; it opens on "
            f"{_law_label(classify_law(laws, first))}."
        },
        # The menu starts at the left edge of the figure, not of the plot area (which the type labels push right).
        updatemenus=[dropdown(buttons, active=order.index(first), x=-0.4, pad={"b": 30})],
        margin={"l": 10, "r": 10, "t": 140, "b": 10},
        height=640,
    )
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


class LawClassifier(LiveFigure):
    """A menu of laws over :func:`law_classifier_figure` (chapter 5: law → type and targets).

    ``current_figure`` holds the figure for the chosen law and ``current_law`` the dict
    of :func:`classify_law` (the tests read both).
    """

    def __init__(self, laws: pd.DataFrame, event_id: str = "rus-2012-foreign-agents"):
        self.laws = laws
        options = [(_law_label(classify_law(laws, e)), e) for e in _ordered_event_ids(laws)]
        self.law = widgets.Dropdown(options=options, value=event_id, description="Law", layout=widgets.Layout(width="560px"))
        self.current_law = None
        super().__init__([self.law], controls=(self.law,))

    def figure(self):
        """The classifier figure for the chosen law."""
        self.current_law = classify_law(self.laws, self.law.value)
        return law_classifier_figure(self.laws, self.law.value)


def law_classifier(laws: pd.DataFrame, event_id: str = "rus-2012-foreign-agents") -> LawClassifier:
    """Return the live law classifier for the law-event table ``laws``."""
    return LawClassifier(laws, event_id=event_id)
