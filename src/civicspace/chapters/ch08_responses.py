"""Chapter 8 (How NGOs respond): the response planner, its figures and its live widget.

The planner is a transparent set of rules, written for teaching, that maps a
scenario to the responses the chapter describes. A scenario has four parts:

- ``restriction``: the main mechanism of the measure, as in the course's law
  typology (the ``type`` column of ``cs.data.load_restrictive_laws()``);
- ``stage``: how far the escalation has gone, on the four-stage ladder of the
  case timelines (1 administrative pressure … 4 criminal liability);
- ``actor``: ``"domestic"`` or ``"international"`` NGO;
- ``staff_in_country``: whether the organisation still has staff in the country.

:func:`plan` returns one row per recommended strategy with its level (policy or
operation), its purpose (resist, preserve, support, connect) and a one-line
rationale that names the source it rests on. The rules are the course's own
simplification of those sources, not a formula taken from any of them. Applying
the planner to the course's tables (a scenario for each law or case, and what the
plans have in common) is pandas work that the chapter and its exercise do.
"""

from __future__ import annotations

from collections.abc import Mapping

import ipywidgets as widgets
import pandas as pd
import plotly.graph_objects as go

from civicspace.plotting import OKABE_ITO, TEMPLATE_NAME, LiveFigure, TableChoice, wrap

#: The restriction types of the course's law typology, in the order menus show them.
RESTRICTIONS = [
    "foreign agent",
    "undesirable organisation",
    "foreign funding",
    "registration",
    "AML-CFT measure",
    "sovereignty protection",
    "other",
]

#: The four stages of the escalation ladder (chapter 7), by rank.
STAGES = {
    1: "administrative pressure",
    2: "informational isolation",
    3: "legal stigma",
    4: "criminal liability",
}

ACTORS = ["domestic", "international"]
LEVELS = ["policy", "operation"]
PURPOSES = ["resist", "preserve", "support", "connect"]

#: One colour per purpose (Okabe–Ito), used by every figure of the chapter.
PURPOSE_COLOURS = {
    "resist": OKABE_ITO[5],  # vermilion
    "preserve": OKABE_ITO[0],  # blue
    "support": OKABE_ITO[2],  # bluish green
    "connect": OKABE_ITO[1],  # orange
}
NOT_RECOMMENDED = "#F2F2F2"
#: Light tints of the purpose colours, for table cells that carry dark text.
PURPOSE_TINTS = {
    "resist": "#F4C7A8",
    "preserve": "#A6CDE6",
    "support": "#A6DDCB",
    "connect": "#F6D99A",
}

#: Short names of the strategies, for the heatmap's axis.
SHORT_NAMES = {
    "legal_analysis": "Legal analysis of the measure",
    "strategic_litigation": "Strategic litigation",
    "counter_narrative": "Counter the narrative",
    "fatf_standards": "Engage FATF standards",
    "rights_poverty": "Link rights and poverty",
    "international_agenda": "International agenda",
    "independent_channels": "Independent channels",
    "secure_records": "Secure records",
    "compliance_readiness": "Compliance readiness",
    "funding_resilience": "Funding resilience",
    "continuity_abroad": "Continuity from abroad",
    "education": "Education, mobilisation",
    "defender_assistance": "Assist defenders at risk",
    "urgent_appeals": "Urgent appeals",
    "partnerships": "Partnerships",
    "government_liaison": "Liaison with governments",
}

#: Restriction types whose main effect is a stigmatising label.
STIGMA_TYPES = {"foreign agent", "undesirable organisation", "sovereignty protection"}
#: Restriction types that cut or police an organisation's money.
MONEY_TYPES = {"foreign agent", "foreign funding", "AML-CFT measure"}

#: The strategy catalogue: id, short name, level, purpose, source and rationale.
STRATEGIES = pd.DataFrame(
    [
        (
            "legal_analysis",
            "Analyse the measure against ICCPR art. 22(2) and lobby to change it",
            "policy",
            "resist",
            "ICNL Civic Freedom Monitor",
            "While the measure is new, a legal analysis of legality, aim and necessity gives parliaments, donors and UN experts a reason to amend it",
        ),
        (
            "strategic_litigation",
            "Challenge the measure before national, regional or UN bodies",
            "policy",
            "resist",
            "ECtHR, Ecodefence v. Russia (2022); CJEU, C-78/18 (2020)",
            "Courts found Russia's foreign-agent regime and Hungary's foreign-funding law incompatible with freedom of association; in criminal cases, defence in court also protects people",
        ),
        (
            "counter_narrative",
            "Counter the stigmatising narrative with a values-based story",
            "policy",
            "resist",
            "Gomez and Coombes (2019)",
            "A label such as 'foreign agent' works through public opinion, so the reply has to reach the public, not only the courts",
        ),
        (
            "fatf_standards",
            "Engage the FATF process for a risk-based, proportionate approach to NPOs",
            "policy",
            "resist",
            "Global NPO Coalition on FATF (2016)",
            "A measure framed as AML/CFT compliance can be contested on the standard's own terms: risk-based and proportionate",
        ),
        (
            "rights_poverty",
            "Link civic space to poverty, inequality and development",
            "policy",
            "connect",
            "UN Special Rapporteurs, A/72/502 (2017) and A/74/349 (2019)",
            "Closing civic space excludes people living in poverty first, which makes development actors allies",
        ),
        (
            "international_agenda",
            "Keep the pattern on the UN and regional agenda",
            "policy",
            "connect",
            "Special Rapporteur, A/HRC/23/39 (2013); UN Guidance Note (2020)",
            "UN experts treat access to resources as part of freedom of association; their reports and communications need NGO evidence",
        ),
        (
            "independent_channels",
            "Maintain independent channels of communication",
            "operation",
            "preserve",
            "Lifeline resiliency support (ICNL)",
            "When websites are blocked or labelled, mirrors, newsletters and partners abroad keep information reaching people",
        ),
        (
            "secure_records",
            "Secure documentation and archives outside the reach of seizure",
            "operation",
            "preserve",
            "Special Rapporteur, A/HRC/31/55 (2016)",
            "Records kept safe preserve the baseline and the cases for future justice, even if the organisation is closed",
        ),
        (
            "compliance_readiness",
            "Prepare for inspections and reporting: compliance, counsel, contingency",
            "operation",
            "preserve",
            "Lifeline resiliency support (ICNL)",
            "Administrative pressure looks for a technical breach; careful compliance removes pretexts and buys time",
        ),
        (
            "funding_resilience",
            "Diversify funding and secure lawful channels for resources",
            "operation",
            "preserve",
            "Special Rapporteur, A/HRC/23/39 (2013)",
            "Access to resources, including from abroad, is part of freedom of association; cutting it is the lever of funding laws",
        ),
        (
            "continuity_abroad",
            "Keep the work going from abroad (relocation, registration elsewhere)",
            "operation",
            "preserve",
            "ProtectDefenders.eu",
            "When presence becomes a crime, temporary relocation and work from abroad preserve the organisation's mission",
        ),
        (
            "education",
            "Keep teaching human rights and mobilising supporters at home",
            "operation",
            "preserve",
            "UN Guidance Note on civic space (2020)",
            "Public understanding of rights and of civil society's role is what restrictive narratives try to erode",
        ),
        (
            "defender_assistance",
            "Assist defenders at risk: security, legal, medical and family support",
            "operation",
            "support",
            "Front Line Defenders; ProtectDefenders.eu",
            "Once people face labels or prosecution, emergency grants, security training and legal aid protect them",
        ),
        (
            "urgent_appeals",
            "Launch urgent appeals and solidarity for people prosecuted",
            "operation",
            "support",
            "Amnesty International Urgent Action (since 1973)",
            "Rapid, worldwide appeals show the authorities that the case is watched",
        ),
        (
            "partnerships",
            "Build partnerships with NGOs locally and globally",
            "operation",
            "connect",
            "Lifeline consortium (2011); Keck and Sikkink (1998)",
            "Coalitions share risk, relay information abroad and speak when a single group cannot",
        ),
        (
            "government_liaison",
            "Liaise with friendly governments and their missions",
            "operation",
            "connect",
            "EU Guidelines on Human Rights Defenders (2004, revised 2008)",
            "Embassies can observe trials, raise cases and issue statements; they need timely information from NGOs",
        ),
    ],
    columns=["strategy_id", "strategy", "level", "purpose", "source", "rationale"],
)


# --------------------------------------------------------------------------- scenarios


def make_scenario(restriction: str, stage: int | str = 1, actor: str = "domestic", staff_in_country: bool = True) -> dict:
    """A checked scenario dict; ``stage`` may be a rank (1–4) or a stage name."""
    return normalise_scenario({"restriction": restriction, "stage": stage, "actor": actor, "staff_in_country": staff_in_country})


def normalise_scenario(scenario: Mapping) -> dict:
    """Check a scenario and return it with ``stage`` as a rank (1–4).

    Missing keys take their defaults (stage 1, domestic, staff in the country);
    an unknown restriction, stage or actor raises ``ValueError``.
    """
    if "restriction" not in scenario:
        raise ValueError("a scenario needs a 'restriction' (one of: " + ", ".join(RESTRICTIONS) + ")")
    restriction = str(scenario["restriction"])
    if restriction not in RESTRICTIONS:
        raise ValueError(f"unknown restriction {restriction!r} (known: {', '.join(RESTRICTIONS)})")
    stage = scenario.get("stage", 1)
    if isinstance(stage, str):
        names = {name: rank for rank, name in STAGES.items()}
        if stage not in names:
            raise ValueError(f"unknown stage {stage!r} (known: {', '.join(STAGES.values())})")
        stage = names[stage]
    if isinstance(stage, bool) or int(stage) != stage or int(stage) not in STAGES:
        raise ValueError(f"stage must be 1–4 or a stage name, not {stage!r}")
    actor = str(scenario.get("actor", "domestic"))
    if actor not in ACTORS:
        raise ValueError(f"actor must be 'domestic' or 'international', not {actor!r}")
    return {
        "restriction": restriction,
        "stage": int(stage),
        "actor": actor,
        "staff_in_country": bool(scenario.get("staff_in_country", True)),
    }


def applies(strategy_id: str, scenario: Mapping) -> bool:
    """Whether the planner's rule recommends ``strategy_id`` in ``scenario``."""
    s = normalise_scenario(scenario)
    r, stage, staff = s["restriction"], s["stage"], s["staff_in_country"]
    international = s["actor"] == "international"
    rules = {
        "legal_analysis": stage <= 2,
        "strategic_litigation": stage <= 3 or staff,
        "counter_narrative": r in STIGMA_TYPES or stage == 3,
        "fatf_standards": r == "AML-CFT measure",
        "rights_poverty": stage <= 2,
        "international_agenda": True,
        "independent_channels": stage >= 2 or r in STIGMA_TYPES,
        "secure_records": True,
        "compliance_readiness": staff and stage <= 3 and r != "undesirable organisation",
        "funding_resilience": r in MONEY_TYPES,
        "continuity_abroad": stage == 4 or r == "undesirable organisation",
        "education": staff and stage <= 2,
        "defender_assistance": staff and (stage >= 3 or r == "undesirable organisation"),
        "urgent_appeals": stage == 4,
        "partnerships": True,
        "government_liaison": international or stage >= 2,
    }
    if strategy_id not in rules:
        raise KeyError(f"unknown strategy {strategy_id!r}")
    return bool(rules[strategy_id])


def plan(scenario: Mapping) -> pd.DataFrame:
    """Recommended strategies for ``scenario``, one row each.

    Columns: ``strategy_id``, ``strategy``, ``level`` (policy/operation),
    ``purpose`` (resist/preserve/support/connect) and ``rationale`` (one line
    ending with its source in brackets). Rows come policy first, then by purpose
    in the order resist, preserve, support, connect, as in :data:`STRATEGIES`.
    """
    s = normalise_scenario(scenario)
    keep = [applies(sid, s) for sid in STRATEGIES["strategy_id"]]
    out = STRATEGIES[keep].copy()
    out["rationale"] = out["rationale"] + " (" + out["source"] + ")."
    out = out.drop(columns="source")
    out["_level"] = out["level"].map(LEVELS.index)
    out["_purpose"] = out["purpose"].map(PURPOSES.index)
    out = out.sort_values(["_level", "_purpose"], kind="stable").drop(columns=["_level", "_purpose"])
    return out.reset_index(drop=True)


def purposes_of(scenario: Mapping) -> dict[str, bool]:
    """For each of the four purposes, whether at least one recommended strategy serves it."""
    used = set(plan(scenario)["purpose"])
    return {p: p in used for p in PURPOSES}


# --------------------------------------------------------------------------- the cases


#: Planning assumptions for the four cases of the timelines, made for the exercises:
#: the restriction that defines each case, and whether the planner treats the NGO as
#: domestic or international and as having staff in the country. They simplify;
#: they are not findings about the organisations.
CASES = pd.DataFrame(
    [
        ("amnesty-russia", "Amnesty International in Russia", "undesirable organisation", "international", True),
        ("memorial-russia", "Memorial in Russia", "foreign agent", "domestic", True),
        ("amnesty-india", "Amnesty International India", "foreign funding", "domestic", True),
        ("osf-russia", "Open Society Foundations in Russia", "undesirable organisation", "international", False),
    ],
    columns=["case_id", "label", "restriction", "actor", "staff_in_country"],
)


#: Preset scenarios for the book's figures (label → scenario).
PRESETS = {
    "Registration law, early (domestic)": make_scenario("registration", 1, "domestic", True),
    "Foreign-funding law, early (domestic)": make_scenario("foreign funding", 1, "domestic", True),
    "AML/CFT measure, early (domestic)": make_scenario("AML-CFT measure", 1, "domestic", True),
    "Foreign-agent label (domestic)": make_scenario("foreign agent", 3, "domestic", True),
    "Website blocked (INGO)": make_scenario("foreign agent", 2, "international", True),
    "Undesirable, no staff left (INGO)": make_scenario("undesirable organisation", 4, "international", False),
    "Criminal cases, staff at home (domestic)": make_scenario("foreign agent", 4, "domestic", True),
}


def describe(scenario: Mapping) -> str:
    """A one-line description of a scenario, for titles."""
    s = normalise_scenario(scenario)
    staff = "staff in the country" if s["staff_in_country"] else "no staff in the country"
    return f"{s['restriction']} · stage {s['stage']} ({STAGES[s['stage']]}) · {s['actor']} NGO · {staff}"


# --------------------------------------------------------------------------- figures


def _short(strategy_id: str) -> str:
    return str(STRATEGIES.set_index("strategy_id").loc[strategy_id, "strategy"])


def strategy_heatmap(scenarios: Mapping[str, Mapping] | None = None) -> go.Figure:
    """Heatmap of the catalogue (rows) × scenarios (columns), coloured by purpose where recommended.

    Each recommended cell also carries the initial of its purpose (R, P, S, C), so
    the figure does not rely on colour alone. Policy strategies come first.
    """
    scenarios = PRESETS if scenarios is None else scenarios
    if not scenarios:
        raise ValueError("no scenarios to show")
    matrix = pd.DataFrame(
        {name: [applies(sid, sc) for sid in STRATEGIES["strategy_id"]] for name, sc in scenarios.items()},
        index=STRATEGIES["strategy_id"],
        dtype=bool,
    )
    cat = STRATEGIES.set_index("strategy_id")
    codes, text, hover = [], [], []
    for sid in matrix.index:
        purpose = cat.loc[sid, "purpose"]
        code = PURPOSES.index(purpose) + 1
        codes.append([code if v else 0 for v in matrix.loc[sid]])
        text.append([purpose[0].upper() if v else "" for v in matrix.loc[sid]])
        hover.append(
            [
                f"{cat.loc[sid, 'strategy']}<br>{cat.loc[sid, 'level']} · {purpose}<br>"
                f"{'recommended' if v else 'not recommended'} for: {name}"
                for name, v in matrix.loc[sid].items()
            ]
        )
    colours = [NOT_RECOMMENDED] + [PURPOSE_COLOURS[p] for p in PURPOSES]
    n = len(colours)
    colorscale = []
    for i, c in enumerate(colours):
        colorscale += [[i / n, c], [(i + 1) / n, c]]
    labels = [f"{SHORT_NAMES.get(sid, sid)} ({cat.loc[sid, 'level'][:3]}.)" for sid in matrix.index]
    columns = [wrap(name, 12, break_long_words=False) for name in matrix.columns]
    fig = go.Figure(
        go.Heatmap(
            z=codes,
            x=columns,
            y=labels,
            text=text,
            texttemplate="%{text}",
            textfont={"size": 13, "color": "#111111"},
            customdata=hover,
            hovertemplate="%{customdata}<extra></extra>",
            colorscale=colorscale,
            zmin=-0.5,
            zmax=n - 0.5,
            xgap=2,
            ygap=2,
            showscale=False,
        )
    )
    # A legend for the purposes, drawn as invisible scatter traces.
    for p in PURPOSES:
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="markers",
                name=f"{p[0].upper()} = {p}",
                marker={"symbol": "square", "size": 14, "color": PURPOSE_COLOURS[p]},
                hoverinfo="skip",
            )
        )
    fig.update_layout(
        title={"text": "Recommended responses by scenario", "x": 0.01, "xanchor": "left", "y": 0.99, "yanchor": "top"},
        meta={
            "alt": f"Heatmap of {len(matrix)} response strategies (rows) against {len(matrix.columns)} preset "
            "scenarios (columns); a coloured cell with a letter (R resist, P preserve, S support, "
            "C connect) marks a recommended strategy, a pale cell one that is not recommended."
        },
        height=800,
        template=TEMPLATE_NAME,
        margin={"l": 10, "r": 10, "t": 110, "b": 10},
        xaxis={"side": "bottom", "tickangle": 0, "showgrid": False, "automargin": True, "tickfont": {"size": 11}},
        yaxis={"autorange": "reversed", "showgrid": False, "automargin": True, "tickfont": {"size": 12}},
        legend={"orientation": "h", "x": 0, "y": 1.01, "yanchor": "bottom", "font": {"size": 12}},
        plot_bgcolor="white",
    )
    return fig


def _table_columns(p: pd.DataFrame) -> list[list[str]]:
    return [p["strategy"].tolist(), p["level"].tolist(), p["purpose"].tolist(), p["rationale"].tolist()]


def _fill(p: pd.DataFrame) -> list:
    white = ["white"] * len(p)
    purpose_fill = [PURPOSE_TINTS[x] for x in p["purpose"]]
    return [white, white, purpose_fill, white]


def plan_table(scenario: Mapping, title: str | None = None) -> go.Figure:
    """The plan for one scenario as a plotly table: strategy, level, purpose, rationale."""
    p = plan(scenario)
    fig = go.Figure(_table_trace(p))
    fig.update_layout(
        title={"text": title or describe(scenario), "x": 0.01, "xanchor": "left", "font": {"size": 15}},
        meta={
            "alt": f"Table of the {len(p)} strategies the planner recommends for: {describe(scenario)}; "
            "columns strategy, level, purpose and rationale with its source."
        },
        height=_table_height(len(p)),
        template=TEMPLATE_NAME,
        margin={"l": 10, "r": 10, "t": 60, "b": 10},
    )
    return fig


def _table_trace(p: pd.DataFrame, visible: bool = True) -> go.Table:
    return go.Table(
        columnwidth=[3.2, 1.1, 1.1, 5.6],
        header={
            "values": ["<b>Strategy</b>", "<b>Level</b>", "<b>Purpose</b>", "<b>Rationale (source)</b>"],
            "fill": {"color": "#E5E5E5"},
            "align": "left",
            "font": {"size": 13, "color": "#222222"},
        },
        cells={
            "values": _table_columns(p),
            "align": "left",
            "height": 30,
            "fill": {"color": _fill(p)},
            "font": {"size": 12, "color": "#222222"},
        },
        visible=visible,
    )


def _table_height(n_rows: int) -> int:
    return 140 + 62 * max(n_rows, 1)


def planner_with_menu(scenarios: Mapping[str, Mapping] | None = None) -> TableChoice:
    """The static-but-interactive planner for the book: a row of buttons picks a preset scenario.

    One HTML table per scenario (strategy, level, purpose, rationale; purpose cells
    tinted), computed at build time; the reader sees one at a time. The page needs no
    plotly.js table trace, which no partial plotly.js bundle holds. The live planner in
    Jupyter draws :func:`plan_table`.
    """
    scenarios = PRESETS if scenarios is None else scenarios
    if not scenarios:
        raise ValueError("no scenarios to show")
    panels = []
    for name, scenario in scenarios.items():
        p = plan(scenario)
        rows = [
            [s, lvl, (pur, PURPOSE_TINTS[pur]), r]
            for s, lvl, pur, r in p[["strategy", "level", "purpose", "rationale"]].itertuples(index=False)
        ]
        panels.append((name, f"{name}: {describe(scenario)}. {len(p)} strategies recommended.", rows))
    return TableChoice(
        "Choose a scenario:", ["Strategy", "Level", "Purpose", "Rationale (source)"], panels, widths=[3.2, 1.1, 1.1, 5.6]
    )


# --------------------------------------------------------------------------- widget


class ResponsePlanner(LiveFigure):
    """Scenario controls over :func:`plan` and :func:`plan_table`.

    ``current_plan`` and ``current_figure`` hold the plan and table for the current
    controls (the tests read them); every change of a control redraws them.
    """

    def __init__(
        self, restriction: str = "foreign agent", stage: int = 1, actor: str = "domestic", staff_in_country: bool = True
    ):
        s = make_scenario(restriction, stage, actor, staff_in_country)
        wide = widgets.Layout(width="360px")
        self.restriction = widgets.Dropdown(options=RESTRICTIONS, value=s["restriction"], description="Restriction", layout=wide)
        self.stage = widgets.Dropdown(
            options=[(f"{k} {v}", k) for k, v in STAGES.items()], value=s["stage"], description="Stage", layout=wide
        )
        self.actor = widgets.ToggleButtons(options=ACTORS, value=s["actor"], description="NGO")
        self.staff = widgets.Checkbox(value=s["staff_in_country"], description="Staff in the country")
        self.current_plan = None
        super().__init__(
            [widgets.HBox([self.restriction, self.stage]), widgets.HBox([self.actor, self.staff])],
            controls=(self.restriction, self.stage, self.actor, self.staff),
        )

    @property
    def scenario(self) -> dict:
        """The scenario the controls describe."""
        return make_scenario(self.restriction.value, self.stage.value, self.actor.value, self.staff.value)

    def figure(self):
        """Recompute the plan (kept in ``current_plan``); its table."""
        self.current_plan = plan(self.scenario)
        return plan_table(self.scenario)


def response_planner(
    restriction: str = "foreign agent", stage: int = 1, actor: str = "domestic", staff_in_country: bool = True
) -> ResponsePlanner:
    """Return the live response planner."""
    return ResponsePlanner(restriction, stage, actor, staff_in_country)


__all__ = [
    "RESTRICTIONS",
    "STAGES",
    "ACTORS",
    "LEVELS",
    "PURPOSES",
    "STRATEGIES",
    "CASES",
    "PRESETS",
    "make_scenario",
    "normalise_scenario",
    "applies",
    "plan",
    "purposes_of",
    "describe",
    "strategy_heatmap",
    "plan_table",
    "planner_with_menu",
    "ResponsePlanner",
    "response_planner",
]
