"""Chapter 6, AML/CFT rules as levers: the R8 timeline, a proportionality checker and a live widget.

Two kinds of input feed the chapter:

- the curated timeline ``data.load("fatf_r8_timeline")``: FATF events on Recommendation 8
  (track ``FATF``) and AML/CFT measures used against NGOs (track ``national``);
- an organisation's *risk profile*, a small dict (see :data:`PROFILE_OPTIONS`), which
  :func:`proportionality_check` turns into a table of measures, each with a verdict
  under a risk-based reading of Recommendation 8 and the reason for it.

The rules of :func:`proportionality_check` are the course's teaching simplification of
the revised Recommendation 8 and its Interpretive Note (November 2023) and of the
FATF's Best Practices Paper: they are not the FATF's own decision table. Every function
here takes plain data and returns a DataFrame, a label or a plotly figure;
:class:`ProportionalityChecker` only wires ipywidgets controls to them. The counts
and intervals the chapter quotes from the timeline are computed with pandas in the
chapter itself.
"""

from __future__ import annotations

from collections.abc import Mapping

import ipywidgets as widgets
import pandas as pd
import plotly.graph_objects as go

from civicspace.data import require_columns
from civicspace.plotting import OKABE_ITO, LiveFigure, TableChoice, base_layout, wrap

# --------------------------------------------------------------------------- the timeline

#: Event types in the order the figures and tables use, by track.
EVENT_TYPES = ["standard", "guidance", "review", "law", "enforcement", "outcome"]
TRACKS = ["FATF", "national"]

#: The versions of the FATF standard on non-profit organisations, by the event that put each in place.
R8_VERSIONS = {
    "fatf-2001-special-recommendations": "SR VIII (2001)",
    "fatf-2012-recommendation-8": "R8 (2012)",
    "fatf-2016-recommendation-8-revision": "R8 (2016)",
    "fatf-2023-recommendation-8-published": "R8 (2023)",
}


def to_timestamp(value: str) -> pd.Timestamp:
    """The first day a partial ISO date can denote: ``"2016-06"`` -> 1 June 2016, ``"2001"`` -> 1 January 2001."""
    parts = str(value).split("-")
    if not parts[0].isdigit() or len(parts) > 3:
        raise ValueError(f"{value!r} is not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)")
    year = int(parts[0])
    month = int(parts[1]) if len(parts) > 1 else 1
    day = int(parts[2]) if len(parts) > 2 else 1
    return pd.Timestamp(year=year, month=month, day=day)


def measures_against_ngos(timeline: pd.DataFrame) -> pd.DataFrame:
    """The national rows (AML/CFT measures against NGOs and their outcomes), in date order."""
    require_columns(timeline, ["track", "date", "event_id"])
    rows = timeline[timeline["track"].astype(str) == "national"]
    return rows.sort_values(["date", "event_id"]).reset_index(drop=True)


# --------------------------------------------------------------------------- the proportionality checker

#: The controls of a risk profile and their allowed values (first value = default).
PROFILE_OPTIONS: dict[str, list] = {
    "activity": ["service delivery", "human-rights advocacy", "humanitarian aid across borders"],
    "high_risk_areas": [False, True],
    "foreign_funding": [False, True],
    "cash_intensive": [False, True],
    "safeguards": ["strong", "weak"],
    "prior_findings": ["none", "unproven allegation", "credible evidence"],
}

#: Plain-language labels of the profile controls (for the widget and the tables).
PROFILE_LABELS = {
    "activity": "Main activity",
    "high_risk_areas": "Works in or sends funds to areas where terrorist groups are active",
    "foreign_funding": "Receives foreign funding",
    "cash_intensive": "Relies on cash or informal transfers",
    "safeguards": "Governance safeguards (audited accounts, partner checks, board oversight)",
    "prior_findings": "Prior findings about terrorist financing",
}

#: The measures the checker rates, in display order.
MEASURES = [
    "Outreach and support for self-regulation",
    "Risk-based monitoring of this organisation",
    "Enhanced due diligence on the high-risk activity",
    "Prior authorisation of all foreign funding",
    "Treating the NPO as a reporting (obliged) entity",
    "Bank closes the organisation's accounts (de-risking)",
    "Freezing the organisation's assets",
    "Public terrorism-financing allegation or criminal case",
    "Suspending its leaders or appointing a trustee",
]

#: Short labels of the measures for the overview grid (same order as :data:`MEASURES`).
SHORT_MEASURES = [
    "Outreach, self-regulation",
    "Targeted monitoring",
    "Enhanced due diligence",
    "Prior approval of foreign funds",
    "NPO as reporting entity",
    "Bank closes accounts",
    "Asset freeze",
    "Terror-financing allegation",
    "Leaders suspended, trustee",
]

VERDICTS = ["supported", "only with due process", "disproportionate"]
#: Short cell labels of the verdicts for the overview grid.
VERDICT_SHORT = {"supported": "yes", "only with due process": "due process", "disproportionate": "no"}
#: Okabe–Ito colours of the verdicts (every cell also carries the verdict as text).
VERDICT_COLOURS = {"supported": OKABE_ITO[4], "only with due process": OKABE_ITO[6], "disproportionate": OKABE_ITO[5]}

#: A handful of preset profiles for the book's static figure.
PRESETS: dict[str, dict] = {
    "Local service charity": {
        "activity": "service delivery",
        "high_risk_areas": False,
        "foreign_funding": False,
        "cash_intensive": False,
        "safeguards": "strong",
        "prior_findings": "none",
    },
    "Human-rights NGO with foreign grants": {
        "activity": "human-rights advocacy",
        "high_risk_areas": False,
        "foreign_funding": True,
        "cash_intensive": False,
        "safeguards": "strong",
        "prior_findings": "unproven allegation",
    },
    "Humanitarian NGO in a conflict area": {
        "activity": "humanitarian aid across borders",
        "high_risk_areas": True,
        "foreign_funding": True,
        "cash_intensive": False,
        "safeguards": "strong",
        "prior_findings": "none",
    },
    "Informal cash appeal for a conflict area": {
        "activity": "humanitarian aid across borders",
        "high_risk_areas": True,
        "foreign_funding": False,
        "cash_intensive": True,
        "safeguards": "weak",
        "prior_findings": "none",
    },
    "Organisation under credible investigation": {
        "activity": "service delivery",
        "high_risk_areas": True,
        "foreign_funding": True,
        "cash_intensive": True,
        "safeguards": "weak",
        "prior_findings": "credible evidence",
    },
}


def validate_profile(profile: Mapping) -> dict:
    """Return a complete copy of ``profile`` (missing keys take their defaults); raise ValueError on a bad value."""
    unknown = set(profile) - set(PROFILE_OPTIONS)
    if unknown:
        raise ValueError(f"unknown profile key(s) {sorted(unknown)}; allowed: {list(PROFILE_OPTIONS)}")
    out = {}
    for key, options in PROFILE_OPTIONS.items():
        value = profile.get(key, options[0])
        if isinstance(options[0], bool):
            if not isinstance(value, bool):
                raise ValueError(f"{key} must be True or False, not {value!r}")
        elif value not in options:
            raise ValueError(f"{key} must be one of {options}, not {value!r}")
        out[key] = value
    return out


def risk_level(profile: Mapping) -> str:
    """The organisation's terrorist-financing risk in the course's simplified reading of R8.

    ``"evidence"`` when there is credible evidence of abuse; otherwise the exposure
    (2 points for work in areas where terrorist groups are active, 1 for reliance on
    cash, 1 for cross-border humanitarian aid) minus 1 for strong safeguards gives
    ``"low"`` (0), ``"elevated"`` (1–2) or ``"high"`` (3 or more). Foreign funding,
    advocacy and an unproven allegation add nothing: none of them is evidence of
    terrorist-financing risk.
    """
    p = validate_profile(profile)
    if p["prior_findings"] == "credible evidence":
        return "evidence"
    exposure = 2 * p["high_risk_areas"] + p["cash_intensive"] + (p["activity"] == "humanitarian aid across borders")
    residual = max(0, exposure - (p["safeguards"] == "strong"))
    if residual == 0:
        return "low"
    return "elevated" if residual <= 2 else "high"


def proportionality_check(profile: Mapping) -> pd.DataFrame:
    """Which measures a risk-based approach under Recommendation 8 supports for this organisation.

    Returns one row per measure of :data:`MEASURES` with columns ``measure``,
    ``verdict`` (one of :data:`VERDICTS`) and ``reason``; the risk level of
    :func:`risk_level` is in ``DataFrame.attrs["risk"]``.
    """
    p = validate_profile(profile)
    risk = risk_level(p)
    evidence = risk == "evidence"
    targeted_activity = p["high_risk_areas"] or p["cash_intensive"]
    allegation = p["prior_findings"] == "unproven allegation"
    not_evidence = " An unproven allegation is not evidence and changes nothing." if allegation else ""
    rows = []

    def add(measure: str, verdict: str, reason: str) -> None:
        rows.append({"measure": measure, "verdict": verdict, "reason": reason})

    add(
        MEASURES[0],
        "supported",
        "Outreach to the sector and recognition of its own self-regulation suit every organisation, whatever its risk.",
    )
    if risk == "low":
        add(
            MEASURES[1],
            "disproportionate",
            "Low assessed risk: the 2023 revision accepts that adequate self-regulation may make extra state measures unnecessary."
            + not_evidence,
        )
    else:
        add(
            MEASURES[1],
            "supported",
            f"Assessed risk is {risk}: oversight focused on this organisation is the kind of targeted measure R8 asks for.",
        )
    if targeted_activity:
        add(
            MEASURES[2],
            "supported",
            "There is a specific high-risk activity (work in areas where terrorist groups operate, or cash): checks on those "
            "transfers and partners target the risk without stopping the rest of the work.",
        )
    else:
        add(
            MEASURES[2],
            "disproportionate",
            "No high-risk activity to target: extra checks would burden legitimate work without reducing any identified risk.",
        )
    add(
        MEASURES[3],
        "disproportionate",
        "Foreign funding is not in itself a terrorist-financing risk; a blanket approval regime is not targeted and restricts "
        "the right to seek resources."
        + (" Where evidence exists, act on the specific transactions instead." if evidence else ""),
    )
    add(
        MEASURES[4],
        "disproportionate",
        "The 2023 revision makes clear that NPOs need not be treated as obliged entities that vet donors and file reports.",
    )
    if evidence:
        add(
            MEASURES[5],
            "only with due process",
            "A bank may end one relationship after its own case-by-case review and with reasons; closing accounts of whole "
            "categories of NPOs is de-risking, not a risk-based approach.",
        )
    else:
        add(
            MEASURES[5],
            "disproportionate",
            "Without evidence, closing accounts cuts the organisation off; risk should be managed with due diligence, not exit."
            + not_evidence,
        )
    if evidence:
        add(
            MEASURES[6],
            "only with due process",
            "Credible evidence can justify a freeze, but only on a clear legal basis, by a designation or court order, with "
            "reasons, time limits and a way to challenge it.",
        )
        add(
            MEASURES[7],
            "only with due process",
            "Credible evidence can justify an investigation, conducted with fair-trial guarantees and without public "
            "accusations before a finding.",
        )
        add(
            MEASURES[8],
            "only with due process",
            "Only by a court on evidence, for a limited time and open to appeal; never by ministerial decision alone.",
        )
    else:
        add(
            MEASURES[6],
            "disproportionate",
            "A freeze stops all the organisation's work; without evidence of terrorist financing it punishes legitimate "
            "activity." + not_evidence,
        )
        add(
            MEASURES[7],
            "disproportionate",
            "Accusing an organisation of terrorist financing without evidence stigmatises it and bypasses due process."
            + not_evidence,
        )
        add(
            MEASURES[8],
            "disproportionate",
            "Replacing an organisation's leaders without evidence or a court decision interferes with its independence."
            + not_evidence,
        )
    table = pd.DataFrame(rows, columns=["measure", "verdict", "reason"])
    table.attrs["risk"] = risk
    return table


def verdict_matrix(presets: Mapping[str, Mapping] | None = None) -> pd.DataFrame:
    """Verdicts for several profiles: one row per measure, one column per profile name."""
    presets = PRESETS if presets is None else presets
    if not presets:
        raise ValueError("no profile to check")
    columns = {name: proportionality_check(profile).set_index("measure")["verdict"] for name, profile in presets.items()}
    table = pd.DataFrame(columns).reindex(MEASURES)
    table.index.name = "measure"
    return table


# --------------------------------------------------------------------------- figures


def _wrap(text: str, width: int = 18) -> str:
    return wrap(text, width, break_long_words=False, break_on_hyphens=False)


def verdict_heatmap(presets: Mapping[str, Mapping] | None = None) -> go.Figure:
    """Heatmap of :func:`verdict_matrix`: measures down, profiles across, each cell coloured and labelled by its verdict.

    Cells carry short labels (``yes`` / ``due process`` / ``no``, explained under the
    grid) and the hover text gives the full verdict, so colour is never the only cue.
    """
    table = verdict_matrix(presets)
    codes = table.apply(lambda col: col.map({v: i for i, v in enumerate(VERDICTS)})).astype(int)
    n = len(VERDICTS)
    scale = []
    for i, verdict in enumerate(VERDICTS):
        scale += [[i / n, VERDICT_COLOURS[verdict]], [(i + 1) / n, VERDICT_COLOURS[verdict]]]
    x = [_wrap(name, 13) for name in table.columns]
    y = [SHORT_MEASURES[MEASURES.index(m)] if m in MEASURES else m for m in table.index]
    short = [[VERDICT_SHORT[v] for v in row] for row in table.values.tolist()]
    fig = go.Figure(
        go.Heatmap(
            z=codes.values.tolist(),
            x=x,
            y=y,
            text=short,
            customdata=table.values.tolist(),
            texttemplate="%{text}",
            textfont={"size": 12, "color": "#000000"},
            colorscale=scale,
            zmin=-0.5,
            zmax=n - 0.5,
            showscale=False,
            xgap=3,
            ygap=3,
            hovertemplate="%{y}<br>%{x}: <b>%{customdata}</b><extra></extra>",
        )
    )
    fig.update_layout(
        base_layout(
            "Which measures a risk-based approach supports",
            f"Grid of {len(table)} measures against {len(table.columns)} organisation profiles; each cell is labelled "
            "yes (supported), due process (only with due process) or no (disproportionate), and coloured to match.",
            height=640,
            top=70,
        )
    )
    fig.update_layout(
        xaxis={"side": "top", "showgrid": False, "tickangle": 0, "tickfont": {"size": 11}},
        yaxis={"autorange": "reversed", "showgrid": False, "tickfont": {"size": 12}},
        margin={"l": 10, "r": 10, "t": 150, "b": 50},
        annotations=[
            {
                "text": "yes = supported · due process = only with due process · no = disproportionate",
                "x": 0,
                "xref": "paper",
                "xanchor": "left",
                "y": -0.02,
                "yref": "paper",
                "yanchor": "top",
                "showarrow": False,
                "font": {"size": 12, "color": "#444444"},
            }
        ],
    )
    return fig


def _table_trace(profile: Mapping, visible: bool = True) -> go.Table:
    table = proportionality_check(profile)
    fills = [VERDICT_COLOURS[v] for v in table["verdict"]]
    return go.Table(
        columnwidth=[2.2, 1.3, 4.5],
        header={
            "values": ["<b>Measure</b>", "<b>Verdict</b>", "<b>Reason</b>"],
            "fill": {"color": "#E5E5E5"},
            "align": "left",
            "font": {"size": 13, "color": "#000000"},
        },
        cells={
            "values": [table["measure"].tolist(), table["verdict"].tolist(), table["reason"].tolist()],
            "fill": {"color": ["white", fills, "white"]},
            "align": "left",
            "font": {"size": 12, "color": "#000000"},
            "line": {"color": "#CCCCCC"},
        },
        visible=visible,
    )


def _profile_summary(profile: Mapping) -> str:
    p = validate_profile(profile)
    bits = [p["activity"]]
    if p["high_risk_areas"]:
        bits.append("high-risk areas")
    if p["foreign_funding"]:
        bits.append("foreign funding")
    if p["cash_intensive"]:
        bits.append("cash")
    bits.append(f"{p['safeguards']} safeguards")
    if p["prior_findings"] != "none":
        bits.append(p["prior_findings"])
    return f"Risk: {risk_level(p)} ({', '.join(bits)})"


def proportionality_figure(profile: Mapping, name: str = "Your organisation") -> go.Figure:
    """A table figure of :func:`proportionality_check` for one profile, verdict cells coloured."""
    fig = go.Figure(_table_trace(profile))
    fig.update_layout(
        base_layout(
            f"{name} — {_profile_summary(profile)}",
            f"Table of {len(MEASURES)} measures with the verdict a risk-based approach gives for this profile "
            f"({_profile_summary(profile)}) and the reason for each.",
            height=720,
            top=70,
        )
    )
    fig.update_layout(title={"font": {"size": 15}})
    return fig


def proportionality_by_profile(presets: Mapping[str, Mapping] | None = None) -> TableChoice:
    """The static-but-interactive checker for the book: one table per preset profile and a choice of profile.

    An HTML table (measure, verdict, reason; verdict cells coloured) per profile, chosen
    with a row of buttons above it: the page needs no plotly.js table trace, which no
    partial plotly.js bundle holds. The live checker in Jupyter draws
    :func:`proportionality_figure`.
    """
    presets = PRESETS if presets is None else presets
    if not presets:
        raise ValueError("no profile to show")
    panels = []
    for name, profile in presets.items():
        table = proportionality_check(profile)
        rows = [[m, (v, VERDICT_COLOURS[v]), r] for m, v, r in table[["measure", "verdict", "reason"]].itertuples(index=False)]
        panels.append((name, f"{name}. {_profile_summary(profile)}", rows))
    return TableChoice("Choose a profile:", ["Measure", "Verdict", "Reason"], panels, widths=[2.2, 1.3, 4.5])


#: Marker colour and shape by track, so the tracks differ by more than colour.
TRACK_STYLE = {"FATF": (OKABE_ITO[0], "circle"), "national": (OKABE_ITO[5], "diamond")}


def timeline_figure(timeline: pd.DataFrame) -> go.Figure:
    """Dot timeline: one row per event type, FATF events as blue circles, national measures as vermilion diamonds.

    Month-only dates are drawn on the first day of their month (the hover text gives the date as recorded).
    """
    require_columns(timeline, ["date", "track", "event_type", "title"])
    fig = go.Figure()
    order = [t for t in EVENT_TYPES if t in set(timeline["event_type"].astype(str))]
    for track in TRACKS:
        part = timeline[timeline["track"].astype(str) == track]
        if part.empty:
            continue
        colour, symbol = TRACK_STYLE[track]
        label = "FATF standard, guidance and review" if track == "FATF" else "AML/CFT measures against NGOs"
        fig.add_trace(
            go.Scatter(
                x=[to_timestamp(d).strftime("%Y-%m-%d") for d in part["date"].astype(str)],
                y=part["event_type"].astype(str).tolist(),
                mode="markers",
                name=label,
                marker={"color": colour, "symbol": symbol, "size": 13, "line": {"color": "white", "width": 1}},
                customdata=[[d, _wrap(t, 60)] for d, t in zip(part["date"].astype(str), part["title"].astype(str))],
                hovertemplate="%{customdata[0]}<br>%{customdata[1]}<extra></extra>",
            )
        )
    for event_id, label in R8_VERSIONS.items():
        row = timeline[timeline["event_id"].astype(str) == event_id]
        if row.empty:
            continue
        x = to_timestamp(str(row["date"].iloc[0])).strftime("%Y-%m-%d")
        fig.add_vline(x=x, line={"color": "#999999", "dash": "dot", "width": 1})
        fig.add_annotation(
            x=x,
            y=1.0,
            yref="paper",
            text=label,
            showarrow=False,
            xanchor="left",
            yanchor="bottom",
            font={"size": 11, "color": "#444444"},
        )
    fig.update_layout(
        base_layout(
            "FATF Recommendation 8 and AML/CFT measures against NGOs",
            f"Timeline of {len(timeline)} events from {timeline['year'].min()} to {timeline['year'].max()}: FATF "
            "standard, guidance and review events as blue circles, national laws, enforcement and outcomes as "
            "vermilion diamonds; dotted lines mark each version of the standard.",
            height=460,
            top=70,
        )
    )
    fig.update_layout(
        xaxis={"title": {"text": "Date"}, "type": "date"},
        yaxis={"categoryorder": "array", "categoryarray": order[::-1], "title": {"text": "Type of event"}},
        legend={"orientation": "h", "x": 0, "y": -0.2, "yanchor": "top"},
        margin={"l": 10, "r": 10, "t": 90, "b": 10},
        hovermode="closest",
    )
    return fig


# --------------------------------------------------------------------------- widget


class ProportionalityChecker(LiveFigure):
    """Controls for an organisation's risk profile over :func:`proportionality_figure`.

    ``current_table`` and ``current_figure`` hold the result for the current profile
    (the tests read them); every change of a control redraws the table.
    """

    def __init__(self, profile: Mapping | None = None):
        start = validate_profile(profile or PRESETS["Human-rights NGO with foreign grants"])
        style = {"description_width": "initial"}
        self.controls: dict[str, widgets.Widget] = {}
        for key, options in PROFILE_OPTIONS.items():
            if isinstance(options[0], bool):
                control = widgets.Checkbox(
                    value=start[key], description=PROFILE_LABELS[key], indent=False, layout=widgets.Layout(width="auto")
                )
            else:
                control = widgets.Dropdown(
                    options=options,
                    value=start[key],
                    description=PROFILE_LABELS[key],
                    style=style,
                    layout=widgets.Layout(width="auto"),
                )
            self.controls[key] = control
        self.current_table: pd.DataFrame | None = None
        super().__init__(list(self.controls.values()), controls=self.controls.values())

    @property
    def profile(self) -> dict:
        """The profile the controls describe."""
        return {key: control.value for key, control in self.controls.items()}

    def figure(self):
        """Recheck the profile (kept in ``current_table``); the table figure for it."""
        self.current_table = proportionality_check(self.profile)
        return proportionality_figure(self.profile)


def proportionality_checker(profile: Mapping | None = None) -> ProportionalityChecker:
    """Return the live proportionality checker, starting from ``profile`` (default: a human-rights NGO with foreign grants)."""
    return ProportionalityChecker(profile)
