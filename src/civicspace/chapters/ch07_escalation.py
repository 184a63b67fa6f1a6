"""Chapter 7, Escalation (Amnesty International in Russia): pure functions, figures and a live widget.

The chapter's data are the course's curated case timelines
(``data.load_case_timelines()``): dated events in four cases, each placed on a
four-stage escalation ladder (1 administrative pressure, 2 informational
isolation, 3 legal stigma, 4 criminal liability), with the legal basis where a
source names it. The Russian laws the steps used come from
``data.load_restrictive_laws()``.

The functions put the events in ladder order and draw plotly figures;
:class:`LadderExplorer` wires ipywidgets controls to :func:`ladder_figure`, so
what it draws is what the tests check. The measurements the chapter and its
exercise make (events per stage, days to legal stigma, steps down the ladder,
events with a named legal basis) are done with pandas in the chapter itself.

Dates in the timelines are ISO strings, some with month precision only
(``"2013-03"``); :func:`event_dates` reads those as the first day of the month.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import ipywidgets as widgets
import pandas as pd
import plotly.graph_objects as go

from civicspace.plotting import OKABE_ITO, TEMPLATE_NAME, LiveFigure, base_layout, dropdown, wrap

#: The ladder, bottom to top (stage_rank 1-4).
STAGES = ["administrative pressure", "informational isolation", "legal stigma", "criminal liability"]
STAGE_RANK = {stage: i + 1 for i, stage in enumerate(STAGES)}

#: The cases in the order the chapter discusses them, with readable labels.
CASE_LABELS = {
    "amnesty-russia": "Amnesty International (Russia)",
    "memorial-russia": "Memorial (Russia)",
    "osf-russia": "Open Society Foundations (Russia)",
    "amnesty-india": "Amnesty International India",
}

#: One colour, line dash and marker shape per case, so the cases stay apart without colour.
CASE_COLOURS = {
    "amnesty-russia": OKABE_ITO[5],  # vermilion
    "memorial-russia": OKABE_ITO[0],  # blue
    "osf-russia": OKABE_ITO[2],  # bluish green
    "amnesty-india": OKABE_ITO[3],  # reddish purple
}
CASE_DASHES = {"amnesty-russia": "solid", "memorial-russia": "dash", "osf-russia": "dot", "amnesty-india": "dashdot"}
CASE_SYMBOLS = {"amnesty-russia": "circle", "memorial-russia": "square", "osf-russia": "diamond", "amnesty-india": "triangle-up"}
#: In a view of several cases, each case is nudged up or down (at most this much) so that lines on the same stage stay visible.
MAX_OFFSET = 0.12

#: The Russian laws the chapter marks on the timeline (numbers as in restrictive_laws).
RUSSIAN_LAWS = ("121-FZ", "129-FZ", "255-FZ")
LAW_LABELS = {"121-FZ": "'foreign agents' law", "129-FZ": "'undesirable' law", "255-FZ": "'foreign influence' law"}

NO_BASIS = "not named in the sources seen"


# --------------------------------------------------------------------------- tables


def _case_label(case_id: str) -> str:
    return CASE_LABELS.get(case_id, case_id)


def _ordered_cases(df: pd.DataFrame) -> list[str]:
    present = list(dict.fromkeys(df["case_id"].astype(str)))
    known = [c for c in CASE_LABELS if c in present]
    return known + sorted(c for c in present if c not in CASE_LABELS)


def event_dates(dates: pd.Series) -> pd.Series:
    """ISO date strings (``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``) as Timestamps; a partial date becomes its first day."""
    return pd.to_datetime(dates.astype(str), format="ISO8601")


def ordered_events(df: pd.DataFrame, case_id: str | None = None) -> pd.DataFrame:
    """Events in ladder order: by case, date, stage rank and event id, with a Timestamp column ``when``.

    ``case_id`` keeps one case only. Same-day events come in ladder order, as the
    codebook's ladder rule requires.
    """
    rows = df if case_id is None else df[df["case_id"].astype(str) == case_id]
    out = rows.copy()
    out["when"] = event_dates(out["date"])
    out["_case"] = out["case_id"].astype(str)
    out = out.sort_values(["_case", "when", "stage_rank", "event_id"], kind="stable").drop(columns="_case")
    return out.reset_index(drop=True)


def law_milestones(laws: pd.DataFrame, numbers: Sequence[str] = RUSSIAN_LAWS) -> pd.DataFrame:
    """The Russian laws ``numbers`` from the restrictive-laws table: ``number``, ``title``, ``adopted`` (Timestamp), ``label``.

    Rows come in the order of ``numbers``; a number not in the table raises ValueError.
    """
    rus = laws[(laws["iso3"].astype(str) == "RUS") & laws["number"].notna()]
    rows = []
    for number in numbers:
        match = rus[rus["number"].astype(str) == number]
        if match.empty:
            raise ValueError(f"no Russian law numbered {number!r} in the table")
        row = match.iloc[0]
        rows.append(
            {
                "number": number,
                "title": str(row["title"]),
                "adopted": event_dates(pd.Series([row["date_adopted"]])).iloc[0],
                "label": LAW_LABELS.get(number, number),
            }
        )
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- figures


def _wrap(text: str, width: int = 60) -> str:
    return wrap(text, width)


def _hover(rows: pd.DataFrame) -> list[str]:
    out = []
    for r in rows.itertuples():
        basis = r.legal_basis if isinstance(r.legal_basis, str) and r.legal_basis.strip() else NO_BASIS
        note = ""
        if isinstance(r.sequence_note, str) and r.sequence_note.strip():
            note = "<br><i>Out of ladder order:</i> " + _wrap(r.sequence_note, 70)
        out.append(
            f"<b>{_case_label(str(r.case_id))}</b>, {r.date}<br><b>{r.stage}</b><br>{_wrap(r.event, 70)}"
            f"<br><i>Legal basis:</i> {_wrap(basis, 70)}{note}"
        )
    return out


def _check_stages(stages: Iterable[str] | None) -> list[str]:
    chosen = list(STAGES) if stages is None else [s for s in STAGES if s in set(stages)]
    unknown = set(stages or []) - set(STAGES)
    if unknown:
        raise ValueError(f"unknown stage(s): {', '.join(sorted(unknown))}")
    return chosen


def case_offsets(cases: Sequence[str]) -> dict[str, float]:
    """Vertical nudge of each case in a view of several cases: evenly spread from +MAX_OFFSET to -MAX_OFFSET (0 for one case)."""
    n = len(cases)
    if n < 2:
        return {c: 0.0 for c in cases}
    return {c: round(MAX_OFFSET - 2 * MAX_OFFSET * i / (n - 1), 3) for i, c in enumerate(cases)}


def _case_trace(rows: pd.DataFrame, case: str, offset: float = 0.0, visible: bool = True) -> go.Scatter:
    return go.Scatter(
        x=rows["date"].astype(str).map(lambda d: d if len(d) == 10 else f"{d}-01" if len(d) == 7 else f"{d}-01-01").tolist(),
        y=[round(int(r) + offset, 2) for r in rows["stage_rank"]],
        name=_case_label(case),
        mode="lines+markers",
        line={"shape": "hv", "color": CASE_COLOURS.get(case, OKABE_ITO[7]), "width": 2.5, "dash": CASE_DASHES.get(case, "solid")},
        marker={
            "symbol": CASE_SYMBOLS.get(case, "circle"),
            "size": 11,
            "color": CASE_COLOURS.get(case, OKABE_ITO[7]),
            "line": {"width": 1, "color": "white"},
        },
        text=_hover(rows),
        hovertemplate="%{text}<extra></extra>",
        visible=visible,
    )


def _law_shapes(milestones: pd.DataFrame | None) -> tuple[list[dict], list[dict]]:
    if milestones is None or milestones.empty:
        return [], []
    shapes, notes = [], []
    for i, r in enumerate(milestones.itertuples()):
        x = r.adopted.strftime("%Y-%m-%d")
        shapes.append(
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": x,
                "x1": x,
                "y0": 0,
                "y1": 1,
                "line": {"color": "#777777", "width": 1, "dash": "dot"},
            }
        )
        # Labels alternate between two heights so that laws adopted a few years apart do not overlap.
        # Late laws are labelled to the left of their line, so the label stays inside the chart.
        notes.append(
            {
                "x": x,
                "y": 1.0 if i % 2 == 0 else 1.08,
                "xref": "x",
                "yref": "paper",
                "yanchor": "bottom",
                "xanchor": "right" if r.adopted.year >= 2020 else "left",
                "text": f"{r.number} ({r.adopted.strftime('%b %Y')})",
                "hovertext": f"{r.number}, {r.label}, adopted {r.adopted.day} {r.adopted.strftime('%B %Y')}",
                "showarrow": False,
                "font": {"size": 11, "color": "#444444"},
                "align": "left",
            }
        )
    return shapes, notes


def _ladder_layout(title: str, alt: str, shapes: list[dict], notes: list[dict], height: int = 560) -> dict:
    return base_layout(title, alt, height, top=150) | {
        "margin": {"l": 10, "r": 20, "t": 150, "b": 10},
        "xaxis": {"title": {"text": "Date of the event"}, "type": "date", "range": ["2011-07-01", "2026-01-01"]},
        "yaxis": {
            "title": {"text": "Stage on the escalation ladder"},
            "range": [0.6, 4.4],
            "tickvals": [1, 2, 3, 4],
            "ticktext": [
                "1 administrative<br>pressure",
                "2 informational<br>isolation",
                "3 legal<br>stigma",
                "4 criminal<br>liability",
            ],
        },
        "legend": {"orientation": "h", "x": 0, "y": -0.12, "yanchor": "top"},
        "hovermode": "closest",
        "hoverlabel": {"align": "left"},
        "shapes": shapes,
        "annotations": notes,
    }


def ladder_figure(
    df: pd.DataFrame,
    cases: str | Sequence[str] | None = "amnesty-russia",
    stages: Iterable[str] | None = None,
    milestones: pd.DataFrame | None = None,
) -> go.Figure:
    """Step chart of the escalation ladder: x = date, y = stage, one line per case in ``cases``.

    ``cases`` is one case id, a list of them, or None (every case). ``stages``
    keeps only events at those stages (default: all four). ``milestones``
    (from :func:`law_milestones`) draws the adoption of laws as dotted lines.
    With more than one case, each case is nudged a little off its stage so that
    overlapping lines stay visible. Hover over a point for the event and its legal basis.
    """
    chosen_stages = _check_stages(stages)
    if cases is None:
        chosen = _ordered_cases(df)
    elif isinstance(cases, str):
        chosen = [cases]
    else:
        chosen = list(cases)
    known = set(df["case_id"].astype(str))
    missing = [c for c in chosen if c not in known]
    if missing or not chosen:
        raise ValueError(f"unknown case(s): {', '.join(missing) or '(none given)'}")
    rows = ordered_events(df)
    rows = rows[rows["stage"].astype(str).isin(chosen_stages)]
    many = len(chosen) > 1
    offsets = case_offsets(chosen)
    traces = [_case_trace(rows[rows["case_id"].astype(str) == c], c, offsets[c]) for c in chosen]
    n = sum(len(t.x) for t in traces)
    names = ", ".join(_case_label(c) for c in chosen)
    stage_note = "all four stages" if len(chosen_stages) == 4 else "the stages " + ", ".join(chosen_stages)
    title = f"Escalation ladder: {_case_label(chosen[0])}" if not many else f"Escalation ladder: {len(chosen)} cases compared"
    shapes, notes = _law_shapes(milestones)
    fig = go.Figure(traces)
    fig.update_layout(
        _ladder_layout(
            title,
            f"Step chart of {n} dated events ({stage_note}) for {names}, with the date on the horizontal axis "
            f"and the stage on the four-step escalation ladder on the vertical axis.",
            shapes,
            notes,
        )
    )
    return fig


def ladder_explorer_figure(df: pd.DataFrame, milestones: pd.DataFrame | None = None) -> go.Figure:
    """The ladder chart with a menu to show one case or all of them (the book's static-but-interactive version).

    One trace per case; the menu buttons switch the traces' visibility and move
    them onto the exact stage (single case) or nudge them apart (all cases).
    Computed when the book is built, so it needs no kernel.
    """
    cases = _ordered_cases(df)
    rows = ordered_events(df)
    fig = ladder_figure(df, cases=cases, milestones=milestones)
    exact = [[int(r) for r in rows.loc[rows["case_id"].astype(str) == c, "stage_rank"]] for c in cases]
    offsets = case_offsets(cases)
    nudged = [[round(v + offsets[c], 2) for v in ys] for c, ys in zip(cases, exact)]
    first = cases[0]
    for i, trace in enumerate(fig.data):
        trace.visible = cases[i] == first
        trace.y = exact[i]
    buttons = []
    for i, case in enumerate(cases):
        buttons.append(
            {
                "label": _case_label(case),
                "method": "update",
                "args": [
                    {"visible": [j == i for j in range(len(cases))], "y": exact},
                    {"title": {"text": f"Escalation ladder: {_case_label(case)}", "x": 0.01, "xanchor": "left"}},
                ],
            }
        )
    buttons.append(
        {
            "label": f"All {len(cases)} cases",
            "method": "update",
            "args": [
                {"visible": [True] * len(cases), "y": nudged},
                {"title": {"text": f"Escalation ladder: {len(cases)} cases compared", "x": 0.01, "xanchor": "left"}},
            ],
        }
    )
    fig.update_layout(
        title={"text": f"Escalation ladder: {_case_label(first)}"},
        meta={
            "alt": f"Step chart of the escalation ladder, date against stage, with a menu that shows one of "
            f"{len(cases)} cases ({', '.join(_case_label(c) for c in cases)}) or all of them; "
            f"it opens on {_case_label(first)}. Hover over a point for the event and its legal basis."
        },
        updatemenus=[dropdown(buttons, pad={"b": 52})],
        margin={"l": 10, "r": 20, "t": 170, "b": 10},
        height=600,
    )
    return fig


def stage_count_figure(df: pd.DataFrame) -> go.Figure:
    """Grouped horizontal bars: number of events at each ladder stage, one bar group per case."""
    counts = pd.crosstab(df["case_id"].astype(str), df["stage"].astype(str))
    counts = counts.reindex(index=_ordered_cases(df), columns=STAGES, fill_value=0).astype(int)
    patterns = ["", "/", ".", "x"]
    fig = go.Figure()
    for i, stage in enumerate(STAGES):
        fig.add_trace(
            go.Bar(
                y=[_case_label(c) for c in counts.index],
                x=counts[stage].tolist(),
                name=stage,
                orientation="h",
                marker={"color": OKABE_ITO[[0, 4, 1, 5][i]], "pattern": {"shape": patterns[i]}},
                hovertemplate=f"%{{y}}: %{{x}} event(s) of {stage}<extra></extra>",
            )
        )
    total = int(counts.values.sum())
    fig.update_layout(
        title={"text": "Number of events per ladder stage, by case", "x": 0.01, "xanchor": "left"},
        meta={
            "alt": f"Grouped bar chart of the {total} events in the case timelines, counting for each of "
            f"{len(counts)} cases how many events fall on each of the four ladder stages."
        },
        template=TEMPLATE_NAME,
        height=500,
        barmode="group",
        margin={"l": 10, "r": 20, "t": 60, "b": 10},
        xaxis={"dtick": 1},
        yaxis={"autorange": "reversed"},
        legend={"orientation": "h", "x": 0, "y": -0.08, "yanchor": "top", "traceorder": "normal"},
    )
    return fig


# --------------------------------------------------------------------------- widget


ALL_CASES = "all"


class LadderExplorer(LiveFigure):
    """A case menu and a stage filter over :func:`ladder_figure`.

    ``current_figure`` holds the figure for the current choice (the tests read it);
    every change of a control redraws it.
    """

    def __init__(
        self,
        df: pd.DataFrame,
        case: str = "amnesty-russia",
        stages: Iterable[str] | None = None,
        milestones: pd.DataFrame | None = None,
    ):
        self.df = df
        self.milestones = milestones
        options = [(_case_label(c), c) for c in _ordered_cases(df)] + [("All cases", ALL_CASES)]
        self.case = widgets.Dropdown(options=options, value=case, description="Case", layout=widgets.Layout(width="380px"))
        self.stages = widgets.SelectMultiple(
            options=STAGES,
            value=tuple(_check_stages(stages)),
            description="Stages",
            rows=4,
            layout=widgets.Layout(width="380px"),
        )
        super().__init__([widgets.HBox([self.case, self.stages])], controls=(self.case, self.stages))

    def figure(self):
        """The ladder for the current case and stages (no stage chosen: all four)."""
        cases = None if self.case.value == ALL_CASES else self.case.value
        stages = list(self.stages.value) or None
        return ladder_figure(self.df, cases=cases, stages=stages, milestones=self.milestones)


def ladder_explorer(
    df: pd.DataFrame, case: str = "amnesty-russia", stages: Iterable[str] | None = None, milestones: pd.DataFrame | None = None
) -> LadderExplorer:
    """Return the live escalation-ladder explorer (case menu, stage filter) for the case timelines ``df``."""
    return LadderExplorer(df, case=case, stages=stages, milestones=milestones)
