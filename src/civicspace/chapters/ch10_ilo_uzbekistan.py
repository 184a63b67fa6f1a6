"""Chapter 10, IGO on-site monitoring in authoritarian regimes (the ILO in Uzbekistan).

Two kinds of material, kept apart on purpose:

* **The ILO series** (``data.load_ilo_uzbekistan_monitoring()``): one row per cotton
  harvest (2013 and 2015-2021) with the figures the ILO published or that others
  quoted from it. They are rounded estimates from surveys whose design changed,
  several of them secondary: not a consistent series. The functions here never
  fill a gap or interpolate.
* **A stylised repeated game** (:func:`simulate_trust`): a government and a monitor
  meet once per round; trust between them rises when the government cooperates and
  falls when concealment is exposed. It is a teaching model with made-up payoffs,
  not an estimate of anything that happened in Uzbekistan.

Every function takes data or parameters and returns a table, a number or a plotly
figure; :class:`TrustSimulator` wires ipywidgets sliders to :func:`simulate_trust`
and :func:`trust_figure`, so what it draws is what the tests check.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import ipywidgets as widgets
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from civicspace.plotting import OKABE_ITO, LiveFigure, base_layout, control_slider, dropdown, note, wrap

# --------------------------------------------------------------------------- the ILO series

#: The caution every view of the series carries.
SERIES_CAUTION = (
    "Rounded estimates from surveys whose design changed, several quoted by secondary sources:<br>not a consistent series."
)

SHARE = "forced_labour_share_pct"
ESTIMATE = "forced_labour_estimate"


def harvest_series(df: pd.DataFrame) -> pd.DataFrame:
    """The figures by harvest, sorted by year: pickers, share and number in forced labour, and the note.

    Missing figures stay missing (``<NA>``): nothing is filled in or derived.
    """
    cols = ["harvest_year", "published", "estimated_pickers", SHARE, ESTIMATE, "note"]
    out = df[cols].copy()
    out["harvest_year"] = out["harvest_year"].astype(int)
    return out.sort_values("harvest_year", kind="stable").reset_index(drop=True)


def series_table(df: pd.DataFrame) -> pd.DataFrame:
    """A small display table, one row per harvest: figures as text, a dash where the sources give none.

    Indexed by ``Harvest`` (the year, as text); columns ``Published``, ``Pickers``,
    ``Share in forced labour``, ``Number in forced labour``.
    """
    series = harvest_series(df)

    def show(value, fmt):
        return "–" if pd.isna(value) else fmt(float(value))

    return pd.DataFrame(
        {
            "Harvest": series["harvest_year"].astype(str),
            "Published": series["published"].astype(str),
            "Pickers": [show(v, _millions) for v in series["estimated_pickers"]],
            "Share in forced labour": [show(v, lambda x: f"{x:g}%") for v in series[SHARE]],
            "Number in forced labour": [show(v, _thousands) for v in series[ESTIMATE]],
        }
    ).set_index("Harvest")


def _thousands(n: float) -> str:
    return f"{int(round(n)):,}"


def _millions(n: float) -> str:
    return f"{n / 1e6:.1f} million"


def chapter_facts(df: pd.DataFrame) -> dict[str, int | float | str]:
    """Numbers chapter 10 quotes from the ILO series (the chapter glues them).

    The chapter counts the harvests with a known share, compares consecutive
    shares and reads the caveats in the notes itself, in visible pandas cells.
    """
    series = harvest_series(df)
    years = series["harvest_year"]
    shares = series.loc[series[SHARE].notna(), ["harvest_year", SHARE]]
    estimates = series.loc[series[ESTIMATE].notna(), ["harvest_year", ESTIMATE]]
    pickers = series.loc[series["estimated_pickers"].notna(), ["harvest_year", "estimated_pickers"]]
    # Per cent change in the number in forced labour between consecutive harvests where both are known.
    known = dict(zip(estimates["harvest_year"].astype(int), estimates[ESTIMATE].astype(float)))
    est = {y + 1: 100 * (known[y + 1] - known[y]) / known[y] for y in known if y + 1 in known and known[y] > 0}
    facts: dict[str, int | float | str] = {
        "n_harvests": int(len(series)),
        "first_harvest": int(years.min()),
        "last_harvest": int(years.max()),
        "n_with_estimate": int(len(estimates)),
        "first_share_year": int(shares["harvest_year"].iloc[0]),
        "first_share": float(shares[SHARE].iloc[0]),
        "last_share_year": int(shares["harvest_year"].iloc[-1]),
        "last_share": float(shares[SHARE].iloc[-1]),
        "n_estimate_pairs": int(len(est)),
    }
    for year, value in zip(estimates["harvest_year"], estimates[ESTIMATE]):
        facts[f"estimate_{int(year)}"] = _thousands(float(value))
    for year, value in zip(pickers["harvest_year"], pickers["estimated_pickers"]):
        facts[f"pickers_{int(year)}"] = _millions(float(value))
    for year, change_pct in est.items():
        facts[f"estimate_change_{year}"] = round(-change_pct)
    return facts


# --------------------------------------------------------------------------- the series figure


def _top_title(text: str) -> dict:
    """A left-aligned title at the top of the figure, above the note and the menu."""
    return {"text": text, "x": 0.01, "xanchor": "left", "y": 0.98, "yanchor": "top", "yref": "container"}


def _caution(text: str) -> dict:
    """The grey note just above the plot area that says what the figure cannot show."""
    return note(text, align="left", yanchor="bottom", font={"size": 12, "color": "#444444"})


def _wrap(text: str, width: int = 70, limit: int = 420) -> str:
    text = " ".join(str(text).split())
    if len(text) > limit:
        text = text[: limit - 1].rsplit(" ", 1)[0] + " …"
    return wrap(text, width)


def ilo_series_figure(df: pd.DataFrame) -> go.Figure:
    """Bar chart of the ILO figures by harvest, with a menu to show the share (%) or the number in forced labour.

    Harvests in the table without that figure get a grey cross at the baseline
    ("no figure in the sources", not zero); the hover text gives the route of each
    figure from ``note``. The title carries the caution that this is not a
    consistent series.
    """
    series = harvest_series(df)
    years = series["harvest_year"].tolist()
    all_years = list(range(min(years), max(years) + 1))
    notes = [_wrap(n) for n in series["note"].fillna("")]
    traces = []
    views = [
        (SHARE, "Share of pickers in forced labour (%)", lambda v: f"{v:g}%", OKABE_ITO[0]),
        (ESTIMATE, "Pickers in forced labour (number)", lambda v: _thousands(v), OKABE_ITO[5]),
    ]
    for i, (col, label, fmt, colour) in enumerate(views):
        has = series[col].notna()
        known = series[has]
        hover_known = [
            f"<b>{y} harvest</b>: {fmt(float(v))}<br><i>Route of the figure:</i><br>{notes[j]}"
            for j, y, v in zip(known.index, known["harvest_year"], known[col])
        ]
        traces.append(
            go.Bar(
                x=known["harvest_year"].tolist(),
                y=[float(v) for v in known[col]],
                name=label,
                marker={"color": colour, "pattern": {"shape": "/" if i else ""}},
                text=[fmt(float(v)) for v in known[col]],
                textposition="outside",
                cliponaxis=False,
                hovertext=hover_known,
                hovertemplate="%{hovertext}<extra></extra>",
                visible=i == 0,
            )
        )
        missing = series[~has]
        hover_missing = [
            f"<b>{y} harvest</b>: no {label.split(' (')[0].lower()} in the sources (not zero)<br>{notes[j]}"
            for j, y in zip(missing.index, missing["harvest_year"])
        ]
        traces.append(
            go.Scatter(
                x=missing["harvest_year"].tolist(),
                y=[0] * len(missing),
                mode="markers",
                name="no figure in the sources (not zero)",
                marker={"symbol": "x-thin", "size": 14, "line": {"width": 3, "color": "#777777"}, "color": "#777777"},
                hovertext=hover_missing,
                hovertemplate="%{hovertext}<extra></extra>",
                visible=i == 0,
            )
        )
    titles = ["ILO figures by harvest: share in forced labour", "ILO figures by harvest: number in forced labour"]
    buttons = []
    for i, (_col, label, _, _) in enumerate(views):
        buttons.append(
            {
                "label": label,
                "method": "update",
                "args": [
                    {"visible": [j // 2 == i for j in range(4)]},
                    {"title.text": titles[i], "yaxis.title.text": label, "yaxis.rangemode": "tozero"},
                ],
            }
        )
    ticktext = [str(y) if y in years else f"{y}<br>(no ILO<br>report)" for y in all_years]
    n_share = int(series[SHARE].notna().sum())
    n_est = int(series[ESTIMATE].notna().sum())
    fig = go.Figure(traces)
    fig.update_layout(
        base_layout(
            _top_title(titles[0]),
            (
                f"Bar chart of the ILO's monitoring figures for {len(series)} Uzbek cotton harvests "
                f"({min(years)}-{max(years)}), with a menu to show the share of pickers in forced labour "
                f"(published for {n_share} harvests) or their number (published for {n_est}); harvests without "
                f"a figure are marked with a grey cross, and the figures are not a consistent series."
            ),
            height=560,
            top=150,
            right=20,
        ),
        xaxis={
            "title": {"text": "Cotton harvest"},
            "tickmode": "array",
            "tickvals": all_years,
            "ticktext": ticktext,
            "tickangle": 0,
            "range": [all_years[0] - 0.6, all_years[-1] + 0.6],
        },
        yaxis={"title": {"text": views[0][1]}, "rangemode": "tozero"},
        legend={"orientation": "h", "x": 0, "y": -0.28, "yanchor": "top"},
        hovermode="closest",
        bargap=0.35,
        updatemenus=[dropdown(buttons, pad={"b": 48})],
        annotations=[_caution("<i>" + SERIES_CAUTION + "</i>")],
    )
    return fig


# --------------------------------------------------------------------------- the repeated game

#: Default parameters of :func:`simulate_trust` (made-up units: only their ratios matter).
DEFAULTS: dict[str, float | int] = {
    "rounds": 20,
    "cooperation_payoff": 1.8,
    "exposure_cost": 1.0,
    "cooptation_cost": 1.2,
    "learning_rate": 0.3,
    "initial_trust": 0.2,
    "reform_cost": 1.0,
}

COOPERATE, CONCEAL = "cooperate", "conceal"
QUIET, EXPOSE = "engage quietly", "expose"

#: Round outcomes, in the order the figures list them.
OUTCOMES = {
    "partnership": "government cooperates, monitor engages quietly",
    "exposed": "government conceals, monitor exposes it",
    "co-opted": "government conceals, monitor stays quiet (co-opted)",
}
OUTCOME_STYLE = {
    "partnership": {"symbol": "circle", "color": OKABE_ITO[0]},
    "exposed": {"symbol": "x", "color": OKABE_ITO[5]},
    "co-opted": {"symbol": "diamond-open", "color": OKABE_ITO[1]},
}

SIM_COLUMNS = [
    "round",
    "trust_start",
    "government",
    "monitor",
    "outcome",
    "trust_end",
    "government_payoff",
    "monitor_payoff",
    "government_cumulative",
    "monitor_cumulative",
    "cooptation_cost_total",
]


def _check_params(rounds, cooperation_payoff, exposure_cost, cooptation_cost, learning_rate, initial_trust, reform_cost):
    if isinstance(rounds, bool) or not isinstance(rounds, int) or rounds < 1:
        raise ValueError(f"rounds must be a whole number of at least 1, not {rounds!r}")
    for name, value in [
        ("cooperation_payoff", cooperation_payoff),
        ("exposure_cost", exposure_cost),
        ("cooptation_cost", cooptation_cost),
        ("reform_cost", reform_cost),
    ]:
        if not isinstance(value, (int, float)) or math.isnan(value) or value < 0:
            raise ValueError(f"{name} must be a number of at least 0, not {value!r}")
    for name, value in [("learning_rate", learning_rate), ("initial_trust", initial_trust)]:
        if not isinstance(value, (int, float)) or math.isnan(value) or not 0 <= value <= 1:
            raise ValueError(f"{name} must be between 0 and 1, not {value!r}")


def simulate_trust(
    rounds: int = 20,
    cooperation_payoff: float = 1.8,
    exposure_cost: float = 1.0,
    cooptation_cost: float = 1.2,
    learning_rate: float = 0.3,
    initial_trust: float = 0.2,
    reform_cost: float = 1.0,
) -> pd.DataFrame:
    """A stylised repeated game of trust between a government and a monitor (deterministic; one row per round).

    Each round, with trust ``t`` (0-1) at its start:

    * the partnership is worth ``stake = cooperation_payoff * t`` to each side
      (access, advice and legitimacy grow with trust);
    * if the government conceals, the monitor exposes it when its reputational
      cost of staying quiet is at least the stake it would lose,
      ``cooptation_cost >= stake``; otherwise it stays quiet (it is co-opted);
    * the government, foreseeing this, cooperates (grants access, acts on
      findings, paying ``reform_cost``) when ``stake + threat >= reform_cost``,
      where ``threat`` is ``exposure_cost`` if concealment would be exposed and 0
      if not; otherwise it conceals.

    Payoffs (government, monitor): partnership ``(stake - reform_cost, stake)``;
    exposed ``(-exposure_cost, 0)``; co-opted ``(0, stake - cooptation_cost)``.
    Trust moves by ``learning_rate`` (``lr``): up towards 1 after a partnership
    round (``t + lr * (1 - t)``); down towards 0 after an exposure (``t - lr * t``);
    up at half the rate after a co-opted round (``t + lr / 2 * (1 - t)``: the
    government learns that the monitor is discreet, but no reform is done together).

    Returns the columns ``round``, ``trust_start``, ``government``, ``monitor``,
    ``outcome`` (``partnership``, ``exposed`` or ``co-opted``), ``trust_end``,
    both players' payoffs and running totals, and ``cooptation_cost_total`` (the
    monitor's accumulated reputational cost of staying quiet). A teaching model
    with made-up payoffs, not an estimate.
    """
    _check_params(rounds, cooperation_payoff, exposure_cost, cooptation_cost, learning_rate, initial_trust, reform_cost)
    trust = float(initial_trust)
    rows = []
    gov_total = mon_total = reputation = 0.0
    for r in range(1, rounds + 1):
        stake = cooperation_payoff * trust
        would_expose = cooptation_cost >= stake
        threat = exposure_cost if would_expose else 0.0
        if stake + threat >= reform_cost:
            gov, mon, outcome = COOPERATE, QUIET, "partnership"
            gov_pay, mon_pay = stake - reform_cost, stake
            new_trust = trust + learning_rate * (1 - trust)
        elif would_expose:
            gov, mon, outcome = CONCEAL, EXPOSE, "exposed"
            gov_pay, mon_pay = -float(exposure_cost), 0.0
            new_trust = trust - learning_rate * trust
        else:
            gov, mon, outcome = CONCEAL, QUIET, "co-opted"
            gov_pay, mon_pay = 0.0, stake - cooptation_cost
            new_trust = trust + learning_rate / 2 * (1 - trust)
            reputation += cooptation_cost
        gov_total += gov_pay
        mon_total += mon_pay
        rows.append([r, trust, gov, mon, outcome, new_trust, gov_pay, mon_pay, gov_total, mon_total, reputation])
        trust = new_trust
    return pd.DataFrame(rows, columns=SIM_COLUMNS)


def final_trust(sim: pd.DataFrame) -> float:
    """Trust at the end of the last round of a simulation."""
    return float(sim["trust_end"].iloc[-1])


def simulation_summary(sim: pd.DataFrame) -> dict[str, int | float | None]:
    """Final trust, the number of rounds of each outcome and the first partnership round (None if there is none)."""
    counts = sim["outcome"].value_counts()
    partnership = sim.loc[sim["outcome"] == "partnership", "round"]
    return {
        "final_trust": final_trust(sim),
        "partnership_rounds": int(counts.get("partnership", 0)),
        "exposed_rounds": int(counts.get("exposed", 0)),
        "co_opted_rounds": int(counts.get("co-opted", 0)),
        "first_partnership_round": int(partnership.iloc[0]) if len(partnership) else None,
        "government_total": float(sim["government_cumulative"].iloc[-1]),
        "monitor_total": float(sim["monitor_cumulative"].iloc[-1]),
        "cooptation_cost_total": float(sim["cooptation_cost_total"].iloc[-1]),
    }


def trust_grid(exposure_costs: Sequence[float], cooptation_costs: Sequence[float], **params) -> pd.DataFrame:
    """:func:`simulate_trust` for every pair of ``exposure_costs`` x ``cooptation_costs`` (other parameters from ``params``).

    A long table: the two grid columns followed by the simulation's columns.
    """
    frames = []
    for c in exposure_costs:
        for k in cooptation_costs:
            sim = simulate_trust(exposure_cost=c, cooptation_cost=k, **params)
            sim.insert(0, "cooptation_cost", k)
            sim.insert(0, "exposure_cost", c)
            frames.append(sim)
    return pd.concat(frames, ignore_index=True)


# --------------------------------------------------------------------------- simulation figures

MODEL_NOTE = "Stylised model with made-up payoffs, not an estimate."


def _outcome_hover(sim: pd.DataFrame) -> list[str]:
    return [
        f"Round {r.round}: trust {r.trust_start:.2f} → {r.trust_end:.2f}<br>government: {r.government}; monitor: {r.monitor}"
        for r in sim.itertuples()
    ]


def trust_figure(sim: pd.DataFrame, title: str | None = None) -> go.Figure:
    """Two panels for one simulation: the trust path with each round's outcome marked, and both players' running payoffs."""
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.62, 0.38], vertical_spacing=0.08)
    x = [0] + sim["round"].tolist()
    y = [round(float(sim["trust_start"].iloc[0]), 4)] + [round(float(v), 4) for v in sim["trust_end"]]
    fig.add_trace(
        go.Scatter(x=x, y=y, mode="lines", name="trust (end of round)", line={"color": "#444444", "width": 2}, hoverinfo="skip"),
        row=1,
        col=1,
    )
    hover = _outcome_hover(sim)
    for key, label in OUTCOMES.items():
        mask = (sim["outcome"] == key).to_numpy()
        fig.add_trace(
            go.Scatter(
                x=sim["round"][mask].tolist(),
                y=[round(float(v), 4) for v in sim["trust_end"][mask]],
                mode="markers",
                name=label,
                marker={
                    "symbol": OUTCOME_STYLE[key]["symbol"],
                    "size": 10,
                    "color": OUTCOME_STYLE[key]["color"],
                    "line": {"width": 2, "color": OUTCOME_STYLE[key]["color"]},
                },
                hovertext=[h for h, m in zip(hover, mask) if m],
                hovertemplate="%{hovertext}<extra></extra>",
            ),
            row=1,
            col=1,
        )
    for name, col, colour, dash in [
        ("government, running payoff", "government_cumulative", OKABE_ITO[0], "solid"),
        ("monitor, running payoff", "monitor_cumulative", OKABE_ITO[1], "dash"),
    ]:
        fig.add_trace(
            go.Scatter(
                x=sim["round"].tolist(),
                y=[round(float(v), 3) for v in sim[col]],
                mode="lines",
                name=name,
                line={"color": colour, "width": 2.5, "dash": dash},
                hovertemplate=f"{name}: %{{y:.2f}} after round %{{x}}<extra></extra>",
            ),
            row=2,
            col=1,
        )
    s = simulation_summary(sim)
    fig.update_layout(
        base_layout(
            title or "Trust between a government and a monitor (stylised model, not an estimate)",
            (
                f"Two-panel chart of a stylised {len(sim)}-round game: trust rises or falls from "
                f"{sim['trust_start'].iloc[0]:.2f} to {s['final_trust']:.2f}, with {s['partnership_rounds']} partnership, "
                f"{s['exposed_rounds']} exposed and {s['co_opted_rounds']} co-opted rounds marked, and below it the "
                f"running payoffs of the government and the monitor."
            ),
            height=600,
            top=70,
            right=20,
        ),
        legend={"orientation": "h", "x": 0, "y": -0.1, "yanchor": "top"},
        hovermode="closest",
    )
    fig.update_yaxes(title_text="Trust (0-1)", range=[-0.05, 1.05], row=1, col=1)
    fig.update_yaxes(title_text="Running payoff", row=2, col=1)
    fig.update_xaxes(title_text="Round", row=2, col=1)
    return fig


#: The book's coarse grid: 5 exposure costs (slider) x 5 co-optation costs (menu).
BOOK_EXPOSURE_COSTS = (0.2, 0.4, 0.6, 0.8, 1.0)
BOOK_COOPTATION_COSTS = (0.2, 0.5, 0.8, 1.2, 2.0)


def _nearest(values: Sequence[float], target: float) -> int:
    return min(range(len(values)), key=lambda i: abs(values[i] - target))


def trust_slider_figure(
    exposure_costs: Sequence[float] = BOOK_EXPOSURE_COSTS,
    cooptation_costs: Sequence[float] = BOOK_COOPTATION_COSTS,
    **params,
) -> go.Figure:
    """The book's static-but-interactive version of :class:`TrustSimulator`, computed when the book is built.

    One trust path per pair of the grid (``exposure_costs`` x ``cooptation_costs``),
    other parameters from ``params`` (defaults of :func:`simulate_trust`). A menu picks
    the co-optation cost and a slider the exposure cost: the menu shows the slider that
    belongs to its co-optation cost (one slider per menu entry, only one visible), so
    the two controls combine without any code running in the page. Marker shapes and
    colours show each round's outcome.
    """
    grid = trust_grid(exposure_costs, cooptation_costs, **params)
    n_c, n_k = len(exposure_costs), len(cooptation_costs)
    c0 = _nearest(exposure_costs, float(DEFAULTS["exposure_cost"]))
    k0 = _nearest(cooptation_costs, float(DEFAULTS["cooptation_cost"]))
    fixed = {**DEFAULTS, **params}

    def title(k: float, c: float) -> str:
        return f"Trust over {fixed['rounds']} rounds (co-optation cost {k:g}, exposure cost {c:g})"

    traces = []
    for j, k in enumerate(cooptation_costs):
        for i, c in enumerate(exposure_costs):
            sim = grid[(grid["exposure_cost"] == c) & (grid["cooptation_cost"] == k)]
            x = [0] + sim["round"].tolist()
            y = [round(float(sim["trust_start"].iloc[0]), 3)] + [round(float(v), 3) for v in sim["trust_end"]]
            styles = [{"symbol": "circle-open", "color": "#444444"}] + [OUTCOME_STYLE[o] for o in sim["outcome"]]
            hover = [f"start: trust {y[0]:.2f}"] + [
                f"round {r.round}: {OUTCOMES[r.outcome]}<br>trust {r.trust_start:.2f} → {r.trust_end:.2f}"
                for r in sim.itertuples()
            ]
            traces.append(
                go.Scatter(
                    x=x,
                    y=y,
                    mode="lines+markers",
                    name="trust",
                    showlegend=False,
                    line={"color": "#777777", "width": 2},
                    marker={
                        "symbol": [st["symbol"] for st in styles],
                        "size": 10,
                        "color": [st["color"] for st in styles],
                        "line": {"width": 2, "color": [st["color"] for st in styles]},
                    },
                    hovertext=hover,
                    hovertemplate="%{hovertext}<extra></extra>",
                    visible=(j == k0 and i == c0),
                )
            )
    # Legend entries for the outcome markers (always visible, no data).
    for key, label in OUTCOMES.items():
        st = OUTCOME_STYLE[key]
        traces.append(
            go.Scatter(
                x=[None],
                y=[None],
                mode="markers",
                name=label,
                marker={"symbol": st["symbol"], "size": 10, "color": st["color"], "line": {"width": 2, "color": st["color"]}},
            )
        )
    n_paths = n_c * n_k

    def visible(j: int, i: int) -> list[bool]:
        return [t == j * n_c + i for t in range(n_paths)] + [True] * len(OUTCOMES)

    sliders = []
    for j, k in enumerate(cooptation_costs):
        steps = [
            {"label": f"{c:g}", "method": "update", "args": [{"visible": visible(j, i)}, {"title.text": title(k, c)}]}
            for i, c in enumerate(exposure_costs)
        ]
        sliders.append(
            {
                "active": c0,
                "steps": steps,
                "visible": j == k0,
                "currentvalue": {"prefix": "Exposure cost to the government: "},
                "x": 0,
                "len": 1.0,
                "pad": {"t": 50},
            }
        )
    buttons = []
    for j, k in enumerate(cooptation_costs):
        layout_update = {f"sliders[{m}].visible": m == j for m in range(n_k)}
        layout_update[f"sliders[{j}].active"] = c0
        layout_update["title.text"] = title(k, exposure_costs[c0])
        buttons.append(
            {"label": f"Co-optation cost {k:g}", "method": "update", "args": [{"visible": visible(j, c0)}, layout_update]}
        )
    fig = go.Figure(traces)
    fig.update_layout(
        base_layout(
            _top_title(title(cooptation_costs[k0], exposure_costs[c0])),
            (
                f"Line chart of a stylised repeated game: trust between a government and a monitor over "
                f"{fixed['rounds']} rounds, with a menu for the monitor's co-optation cost "
                f"({', '.join(f'{k:g}' for k in cooptation_costs)}) and a slider for the government's exposure cost "
                f"({', '.join(f'{c:g}' for c in exposure_costs)}); marker shapes show each round's outcome."
            ),
            height=640,
            top=150,
            right=20,
        ),
        xaxis={"title": {"text": "Round"}, "range": [-0.5, fixed["rounds"] + 0.5]},
        yaxis={"title": {"text": "Trust (0-1)"}, "range": [-0.05, 1.05]},
        legend={"orientation": "h", "x": 0, "y": -0.45, "yanchor": "top"},
        hovermode="closest",
        sliders=sliders,
        updatemenus=[dropdown(buttons, active=k0, pad={"b": 48})],
        annotations=[
            _caution(
                f"<i>{MODEL_NOTE}<br>Fixed: cooperation payoff {fixed['cooperation_payoff']:g}, "
                f"reform cost {fixed['reform_cost']:g}, learning rate {fixed['learning_rate']:g}, "
                f"initial trust {fixed['initial_trust']:g}.</i>"
            )
        ],
    )
    return fig


# --------------------------------------------------------------------------- widget


class TrustSimulator(LiveFigure):
    """Sliders for every parameter of :func:`simulate_trust`; each change reruns it and redraws :func:`trust_figure`.

    ``current_table`` and ``current_figure`` hold the latest simulation and figure (the tests read them).
    """

    def __init__(self, **params):
        values = {**DEFAULTS, **params}
        style = {"description_width": "190px"}
        lay = widgets.Layout(width="440px")

        def fslider(name, label, lo, hi, step):
            return control_slider(
                widgets.FloatSlider, values[name], lo, hi, step, label, style=style, layout=lay, readout_format=".2f"
            )

        self.controls = {
            "cooperation_payoff": fslider("cooperation_payoff", "Payoff of cooperation", 0.0, 3.0, 0.1),
            "exposure_cost": fslider("exposure_cost", "Exposure cost (government)", 0.0, 2.0, 0.1),
            "cooptation_cost": fslider("cooptation_cost", "Co-optation cost (monitor)", 0.0, 2.0, 0.1),
            "reform_cost": fslider("reform_cost", "Cost of reform (government)", 0.1, 2.0, 0.1),
            "learning_rate": fslider("learning_rate", "Learning rate", 0.05, 1.0, 0.05),
            "initial_trust": fslider("initial_trust", "Initial trust", 0.0, 1.0, 0.05),
            "rounds": control_slider(widgets.IntSlider, values["rounds"], 5, 50, 1, "Rounds", style=style, layout=lay),
        }
        self.summary = widgets.HTML()
        self.current_table: pd.DataFrame | None = None
        names = list(self.controls)
        left = widgets.VBox([self.controls[n] for n in names[:4]])
        right = widgets.VBox([self.controls[n] for n in names[4:]])
        super().__init__([widgets.HBox([left, right]), self.summary], controls=self.controls.values())

    def params(self) -> dict[str, float | int]:
        """The current values of the sliders, as keyword arguments for :func:`simulate_trust`."""
        return {name: (int(c.value) if name == "rounds" else float(c.value)) for name, c in self.controls.items()}

    def figure(self):
        """Rerun the simulation with the current sliders (kept in ``current_table``, summed up above
        the figure); its figure."""
        self.current_table = simulate_trust(**self.params())
        s = simulation_summary(self.current_table)
        self.summary.value = (
            f"Final trust <b>{s['final_trust']:.2f}</b>: {s['partnership_rounds']} partnership, "
            f"{s['exposed_rounds']} exposed, {s['co_opted_rounds']} co-opted round(s). {MODEL_NOTE}"
        )
        return trust_figure(self.current_table)


def trust_simulator(**params) -> TrustSimulator:
    """Return the live trust simulator (sliders over :func:`simulate_trust`), starting from ``params`` or the defaults."""
    return TrustSimulator(**params)
