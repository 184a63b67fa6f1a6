"""Chapter 11, civil-society partnerships that monitor compliance: a red-flag detector.

The chapter's data are SIMULATED: ``data.load_monitoring_reports_simulated()`` holds
weekly counts of incidents reported to a fictional monitoring coalition (six
fictional regions, five incident types, ISO weeks 2021-W01 to 2023-W52), and
``data.load_monitoring_reports_simulated_events()`` the ground truth, the weeks of
two simulated election windows. They describe no real country or event.

A red-flag rule compares each week's count with a *baseline* computed from the
weeks before it: the median (or mean) of the previous ``window`` weeks, excluding
the current week, and their standard deviation (the *spread*). A week is flagged
when its count exceeds ``threshold × baseline`` (rule ``"ratio"``) or ``baseline +
threshold × spread`` (rule ``"z"``); the flags are then compared with the
ground-truth election-window weeks (hits, false alarms, missed weeks).

:func:`weekly_counts` sums the reports per week. The detector itself lives inside
the chapter's figures and the live widget (:func:`series_figure`,
:func:`detector_figure`, :func:`tradeoff_figure`, :class:`RedFlagDetector`): the
exercise asks students to build and score such a rule with pandas, so the module
offers no general-purpose baseline, flagging or scoring functions.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import ipywidgets as widgets
import pandas as pd
import plotly.graph_objects as go

from civicspace.data import require_columns
from civicspace.plotting import OKABE_ITO, TEMPLATE_NAME, LiveFigure, control_slider, dropdown

#: The incident types of the simulated data, in the order menus show them.
INCIDENT_TYPES = [
    "arbitrary_arrest",
    "assault_on_defender",
    "online_smear_campaign",
    "raid_on_ngo_office",
    "registration_refusal",
]
TYPE_LABELS = {
    "arbitrary_arrest": "arbitrary arrests",
    "assault_on_defender": "assaults on defenders",
    "online_smear_campaign": "online smear campaigns",
    "raid_on_ngo_office": "raids on NGO offices",
    "registration_refusal": "registration refusals",
}
#: Menu value meaning "every region" or "every incident type".
ALL = "all"
RULES = ["ratio", "z"]
STATS = ["median", "mean"]
#: Thresholds of the static figure's slider (ratio rule).
SLIDER_THRESHOLDS = [1.25, 1.5, 1.75, 2.0, 2.25, 2.5, 2.75, 3.0]

# Okabe–Ito roles: reports blue, baseline black, alert limit orange, flags vermilion.
COLOURS = {"count": OKABE_ITO[0], "baseline": OKABE_ITO[7], "limit": OKABE_ITO[1], "flag": OKABE_ITO[5]}
WINDOW_FILL = "#E8E8E8"
#: One week in milliseconds (plotly's unit for ``dx`` on a date axis).
WEEK_MS = 7 * 24 * 3600 * 1000


def _check_rule(rule: str, stat: str | None = None, window: int | None = None) -> None:
    if rule not in RULES:
        raise ValueError(f"rule must be one of {RULES}, not {rule!r}")
    if stat is not None and stat not in STATS:
        raise ValueError(f"stat must be one of {STATS}, not {stat!r}")
    if window is not None and (int(window) != window or window < 1):
        raise ValueError(f"window must be a whole number of weeks >= 1, not {window!r}")


def type_label(incident_type: str) -> str:
    """Readable label of an incident type (``"all"`` -> ``"all incident types"``)."""
    return "all incident types" if incident_type == ALL else TYPE_LABELS.get(incident_type, str(incident_type))


def region_label(region: str) -> str:
    """Readable label of a region (``"all"`` -> ``"all regions"``)."""
    return "all regions" if region == ALL else str(region)


# --------------------------------------------------------------------------- tables


def select(df: pd.DataFrame, region: str = ALL, incident_type: str = ALL) -> pd.DataFrame:
    """Rows of one region and one incident type (``"all"`` keeps every value); unknown values raise ValueError."""
    require_columns(df, ["region", "incident_type"])
    rows = df
    for column, value in (("region", region), ("incident_type", incident_type)):
        if value == ALL:
            continue
        known = set(df[column].astype(str))
        if value not in known:
            raise ValueError(f"unknown {column} {value!r}; choose from {sorted(known)} or {ALL!r}")
        rows = rows[rows[column].astype(str) == value]
    return rows


def weekly_counts(df: pd.DataFrame, by: Sequence[str] = ("region",)) -> pd.DataFrame:
    """Reported incidents per week, summed over everything not in ``by``.

    Returns one row per group in ``by`` (e.g. ``["region"]``, or ``[]`` for a single
    series) and week, with the columns ``*by, week_start, count`` (float) and
    ``is_election_window`` (True if any summed row lies in a window), sorted by
    group and week.
    """
    by = list(by)
    require_columns(df, [*by, "week_start", "count", "is_election_window"])
    rows = df[[*by, "week_start", "count", "is_election_window"]].copy()
    for c in by:
        rows[c] = rows[c].astype(str)
    rows["count"] = rows["count"].astype(float)
    rows["is_election_window"] = rows["is_election_window"].astype(bool)
    out = (
        rows.groupby([*by, "week_start"], sort=True)
        .agg(count=("count", "sum"), is_election_window=("is_election_window", "any"))
        .reset_index()
    )
    return out.sort_values([*by, "week_start"]).reset_index(drop=True)


def _trailing(counts: pd.Series, window: int, stat: str = "median") -> tuple[pd.Series, pd.Series]:
    """Baseline (median or mean) and spread (standard deviation) of the previous ``window`` weeks of ONE series.

    The current week is excluded; the first ``window`` weeks get NaN.
    """
    previous = counts.astype(float).shift(1).rolling(window, min_periods=window)
    centre = previous.median() if stat == "median" else previous.mean()
    return centre, previous.std()


def _series(df: pd.DataFrame, region: str = ALL, incident_type: str = ALL, window: int = 8, stat: str = "median") -> pd.DataFrame:
    """One weekly series (a region or all, an incident type or all) with its ``baseline`` and ``spread``."""
    _check_rule("ratio", stat, window)
    out = weekly_counts(select(df, region, incident_type), by=[])
    out["baseline"], out["spread"] = _trailing(out["count"], window, stat)
    return out


def _apply_rule(series: pd.DataFrame, threshold: float = 2.0, rule: str = "ratio") -> pd.DataFrame:
    """Copy of a series from :func:`_series` with ``limit`` and ``flag`` (count strictly above the limit)."""
    _check_rule(rule)
    if not (isinstance(threshold, (int, float)) and math.isfinite(threshold) and threshold >= 0):
        raise ValueError(f"threshold must be a number >= 0, not {threshold!r}")
    out = series.copy()
    if rule == "ratio":
        out["limit"] = threshold * out["baseline"]
    else:
        out["limit"] = out["baseline"] + threshold * out["spread"]
    out["flag"] = ((out["count"].astype(float) > out["limit"]) & out["limit"].notna()).astype(bool)
    return out


def _regions(df: pd.DataFrame) -> list[str]:
    return sorted(df["region"].astype(str).unique())


def election_windows(events: pd.DataFrame) -> pd.DataFrame:
    """One row per simulated election: ``event_id, event, election_date, first_week, last_week, end``.

    ``end`` is the Monday after the last window week, so a window spans
    ``[first_week, end)`` on a date axis.
    """
    require_columns(events, ["event_id", "event", "election_date", "week_start"])
    rows = events.assign(week_start=pd.to_datetime(events["week_start"]))
    out = (
        rows.groupby(["event_id", "event"], sort=True, observed=True)
        .agg(election_date=("election_date", "first"), first_week=("week_start", "min"), last_week=("week_start", "max"))
        .reset_index()
    )
    out["end"] = out["last_week"] + pd.Timedelta(days=7)
    out["election_date"] = pd.to_datetime(out["election_date"])
    return out


def chapter_facts(df: pd.DataFrame, events: pd.DataFrame, threshold: float = 2.0, window: int = 8) -> dict:
    """The numbers the chapter quotes (all from the SIMULATED data), for ``glue``.

    They describe the chapter's rule: a median baseline of ``window`` weeks and the
    ratio rule, applied to each region's weekly totals of all incident types.
    """
    series = {r: _series(df, r, ALL, window=window) for r in _regions(df)}

    def flags_at(t: float) -> dict[str, pd.DataFrame]:
        return {r: _apply_rule(s, threshold=t) for r, s in series.items()}

    def hits_and_false_alarms(flagged: dict[str, pd.DataFrame]) -> tuple[int, int]:
        hits = sum(int((f["flag"] & f["is_election_window"]).sum()) for f in flagged.values())
        false_alarms = sum(int((f["flag"] & ~f["is_election_window"]).sum()) for f in flagged.values())
        return hits, false_alarms

    flagged = flags_at(threshold)
    hits, false_alarms = hits_and_false_alarms(flagged)
    n_truth = sum(int(f["is_election_window"].sum()) for f in flagged.values())
    hits_low, false_alarms_low = hits_and_false_alarms(flags_at(1.5))
    hits_high, false_alarms_high = hits_and_false_alarms(flags_at(3.0))
    windows = election_windows(events)
    national = windows.iloc[0]
    local = windows.iloc[-1]
    per_week = weekly_counts(df, by=[])
    when = pd.to_datetime(per_week["week_start"])
    first_year = per_week[when.dt.year == when.dt.year.min()]
    month = pd.to_datetime(first_year["week_start"]).dt.month
    per_region = pd.Series({r: int(f["flag"].sum()) for r, f in flagged.items()})
    totals = pd.Series({r: float(s["count"].sum()) for r, s in series.items()})
    return {
        "n_reports": f"{int(df['count'].sum()):,}",
        "n_rows": f"{len(df):,}",
        "n_weeks": int(df["week_start"].nunique()),
        "n_regions": int(df["region"].nunique()),
        "n_types": int(df["incident_type"].nunique()),
        "n_window_weeks": int(events["week_start"].nunique()),
        "n_region_window_weeks": n_truth,
        "national_election": national["election_date"].strftime("%-d %B %Y"),
        "local_election": local["election_date"].strftime("%-d %B %Y"),
        "window": int(window),
        "threshold": f"{threshold:g}",
        "hits": hits,
        "false_alarms": false_alarms,
        "missed": n_truth - hits,
        "precision_pct": f"{100 * hits / (hits + false_alarms):.0f}",
        "recall_pct": f"{100 * hits / n_truth:.0f}",
        "hits_low": hits_low,
        "false_alarms_low": false_alarms_low,
        "hits_high": hits_high,
        "false_alarms_high": false_alarms_high,
        "first_year": int(when.dt.year.min()),
        "mean_march": f"{first_year.loc[month == 3, 'count'].mean():.0f}",
        "mean_september": f"{first_year.loc[month == 9, 'count'].mean():.0f}",
        "most_flags_region": str(per_region.idxmax()),
        "most_flags_n": int(per_region.max()),
        "fewest_flags_region": str(per_region.idxmin()),
        "fewest_flags_n": int(per_region.min()),
        "smallest_region": str(totals.idxmin()),
        "smallest_region_reports": f"{int(totals.min()):,}",
    }


# --------------------------------------------------------------------------- figures


def _dates(series: pd.Series) -> list[str]:
    return [d.strftime("%Y-%m-%d") for d in pd.to_datetime(series)]


def _rounded(values: Iterable, digits: int = 1) -> list:
    return [None if v is None or (isinstance(v, float) and math.isnan(v)) else round(float(v), digits) for v in values]


def _window_shapes(events: pd.DataFrame) -> tuple[list[dict], list[dict]]:
    shapes, notes = [], []
    windows = election_windows(events).sort_values("first_week")
    for i, row in enumerate(windows.itertuples()):
        shapes.append(
            {
                "type": "rect",
                "xref": "x",
                "yref": "paper",
                "layer": "below",
                "line": {"width": 0},
                "x0": row.first_week.strftime("%Y-%m-%d"),
                "x1": row.end.strftime("%Y-%m-%d"),
                "y0": 0,
                "y1": 1,
                "fillcolor": WINDOW_FILL,
            }
        )
        # The first label runs left from the end of its band, the others right from their start,
        # so that labels of neighbouring windows do not overlap.
        first = i == 0 and len(windows) > 1
        notes.append(
            {
                "x": (row.end if first else row.first_week).strftime("%Y-%m-%d"),
                "y": 1,
                "xref": "x",
                "yref": "paper",
                "yanchor": "bottom",
                "xanchor": "right" if first else "left",
                "showarrow": False,
                "font": {"size": 12, "color": "#444444"},
                "text": str(row.event),
            }
        )
    return shapes, notes


def _score_text(series: pd.DataFrame) -> str:
    """Hits, false alarms and missed election-window weeks of a flagged series, as words for a title."""
    flag, truth = series["flag"].astype(bool), series["is_election_window"].astype(bool)
    return (
        f"{int((flag & truth).sum())} hit(s), {int((flag & ~truth).sum())} false alarm(s), "
        f"{int((~flag & truth).sum())} missed election-window week(s)"
    )


def _flag_label(series: pd.DataFrame) -> str:
    """Legend entry of a flagged series in :func:`detector_figure`: its hits and false alarms."""
    flag, truth = series["flag"].astype(bool), series["is_election_window"].astype(bool)
    return f"Flagged: {int((flag & truth).sum())} hit(s), {int((flag & ~truth).sum())} false alarm(s)"


def _limit_name(threshold: float, rule: str) -> str:
    return f"Alert limit ({threshold:g} × baseline)" if rule == "ratio" else f"Alert limit (baseline + {threshold:g} × spread)"


def series_figure(
    df: pd.DataFrame,
    events: pd.DataFrame,
    region: str = ALL,
    incident_type: str = ALL,
    threshold: float = 2.0,
    window: int = 8,
    stat: str = "median",
    rule: str = "ratio",
) -> go.Figure:
    """Weekly SIMULATED reports for one region and incident type, with baseline, alert limit and flagged weeks.

    The grey bands are the ground-truth election windows; the title gives the hits,
    false alarms and missed window weeks of the rule.
    """
    series = _apply_rule(_series(df, region, incident_type, window=window, stat=stat), threshold=threshold, rule=rule)
    scores = _score_text(series)
    n_flags = int(series["flag"].sum())
    x = _dates(series["week_start"])
    flagged = series[series["flag"]]
    what = f"{type_label(incident_type)}, {region_label(region)}"
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=x,
            y=[int(v) for v in series["count"]],
            name="Reports per week (simulated)",
            mode="lines",
            line={"color": COLOURS["count"], "width": 1.6},
            hovertemplate="Week of %{x|%d %b %Y}: %{y} report(s)<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=x,
            y=_rounded(series["baseline"]),
            name=f"Baseline ({stat} of previous {window} weeks)",
            mode="lines",
            line={"color": COLOURS["baseline"], "width": 1.4, "dash": "dash"},
            hovertemplate="Baseline: %{y}<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=x,
            y=_rounded(series["limit"]),
            name=_limit_name(threshold, rule),
            mode="lines",
            line={"color": COLOURS["limit"], "width": 1.4, "dash": "dot"},
            hovertemplate="Alert limit: %{y}<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=_dates(flagged["week_start"]),
            y=[int(v) for v in flagged["count"]],
            name=f"Flagged week ({n_flags})",
            mode="markers",
            marker={"color": COLOURS["flag"], "symbol": "triangle-up", "size": 11, "line": {"color": "white", "width": 1}},
            hovertemplate="Red flag, week of %{x|%d %b %Y}: %{y} report(s)<extra></extra>",
        )
    )
    shapes, notes = _window_shapes(events)
    fig.update_layout(
        title={"text": f"Red flags in simulated reports: {what}<br><sup>{scores}</sup>", "x": 0.01, "xanchor": "left"},
        meta={
            "alt": f"Line chart of simulated weekly incident reports ({what}, {len(series)} weeks, 2021–2023) "
            f"with a trailing baseline, an alert limit and {n_flags} flagged weeks marked by "
            f"triangles; grey bands mark the two simulated election windows; {scores}."
        },
        template=TEMPLATE_NAME,
        height=560,
        shapes=shapes,
        annotations=notes,
        hovermode="x unified",
        margin={"l": 10, "r": 20, "t": 110, "b": 10},
        xaxis={"type": "date"},
        yaxis={"title": "Reports per week (simulated)", "rangemode": "tozero"},
        legend={"orientation": "h", "x": 0, "y": -0.1, "yanchor": "top"},
    )
    return fig


def detector_figure(
    df: pd.DataFrame,
    events: pd.DataFrame,
    thresholds: Sequence[float] = SLIDER_THRESHOLDS,
    window: int = 8,
    stat: str = "median",
    start: float = 2.0,
) -> go.Figure:
    """The book's static-but-interactive detector: a region menu and a threshold slider (ratio rule).

    Counts are totals of all incident types per region (plus all regions
    together). Each region has four traces (reports, baseline, alert limit,
    flagged weeks); the menu switches which region's traces are visible and the
    slider restyles the alert-limit and flag traces of every region with values
    computed when the book is built. The flag trace's legend entry gives the
    hits and false alarms of the chosen threshold.
    """
    thresholds = [float(t) for t in thresholds]
    if start not in thresholds:
        raise ValueError(f"start threshold {start} is not among the slider's thresholds {thresholds}")
    regions = [ALL] + sorted(df["region"].astype(str).unique())
    series = {r: _series(df, r, ALL, window=window, stat=stat) for r in regions}
    fig = go.Figure()
    limit_idx, flag_idx = [], []
    per_step: dict[float, dict[str, list]] = {t: {"y": [], "name": []} for t in thresholds}
    for r in regions:
        s = series[r]
        # Weekly series share one date axis: x0 + dx instead of 156 dates per trace keeps the page small.
        x = {"x0": _dates(s["week_start"])[0], "dx": WEEK_MS}
        first = r == regions[0]
        fig.add_trace(
            go.Scatter(
                **x,
                y=[int(v) for v in s["count"]],
                name="Reports per week (simulated)",
                mode="lines",
                visible=first,
                line={"color": COLOURS["count"], "width": 1.6},
                hovertemplate="Week of %{x|%d %b %Y}: %{y} report(s)<extra></extra>",
            )
        )
        fig.add_trace(
            go.Scatter(
                **x,
                y=_rounded(s["baseline"]),
                name=f"Baseline ({stat} of previous {window} weeks)",
                mode="lines",
                visible=first,
                line={"color": COLOURS["baseline"], "width": 1.4, "dash": "dash"},
                hovertemplate="Baseline: %{y}<extra></extra>",
            )
        )
        for t in thresholds:
            f = _apply_rule(s, threshold=t)
            per_step[t]["y"] += [_rounded(f["limit"]), [int(c) if fl else None for c, fl in zip(f["count"], f["flag"])]]
            per_step[t]["name"] += [_limit_name(t, "ratio"), _flag_label(f)]
        f0 = _apply_rule(s, threshold=start)
        limit_idx.append(len(fig.data))
        fig.add_trace(
            go.Scatter(
                **x,
                y=_rounded(f0["limit"]),
                name=_limit_name(start, "ratio"),
                mode="lines",
                visible=first,
                line={"color": COLOURS["limit"], "width": 1.4, "dash": "dot"},
                hovertemplate="Alert limit: %{y}<extra></extra>",
            )
        )
        flag_idx.append(len(fig.data))
        fig.add_trace(
            go.Scatter(
                **x,
                y=[int(c) if fl else None for c, fl in zip(f0["count"], f0["flag"])],
                name=_flag_label(f0),
                mode="markers",
                visible=first,
                marker={"color": COLOURS["flag"], "symbol": "triangle-up", "size": 11, "line": {"color": "white", "width": 1}},
                hovertemplate="Red flag: %{y} report(s)<extra></extra>",
            )
        )
    per_region = 4
    indices = [i for pair in zip(limit_idx, flag_idx) for i in pair]
    steps = [
        {"label": f"{t:g}", "method": "restyle", "args": [{"y": per_step[t]["y"], "name": per_step[t]["name"]}, indices]}
        for t in thresholds
    ]
    buttons = []
    for i, r in enumerate(regions):
        visible = [j // per_region == i for j in range(len(fig.data))]
        buttons.append(
            {
                "label": "All regions" if r == ALL else r,
                "method": "update",
                "args": [
                    {"visible": visible},
                    {
                        "title": {
                            "text": f"Red-flag detector, simulated reports: {region_label(r)}",
                            "x": 0.01,
                            "xanchor": "left",
                            "y": 0.99,
                            "yanchor": "top",
                        }
                    },
                ],
            }
        )
    shapes, notes = _window_shapes(events)
    fig.update_layout(
        title={
            "text": f"Red-flag detector, simulated reports: {region_label(regions[0])}",
            "x": 0.01,
            "xanchor": "left",
            "y": 0.99,
            "yanchor": "top",
        },
        meta={
            "alt": f"Line chart of simulated weekly incident reports (all types) from 2021 to 2023 with a trailing "
            f"baseline ({stat} of the previous {window} weeks), an alert limit and flagged weeks marked by "
            f"triangles; a menu chooses all regions or one of {len(regions) - 1} fictional regions, a slider "
            f"sets the threshold from {thresholds[0]:g} to {thresholds[-1]:g} times the baseline, and grey "
            f"bands mark the two simulated election windows."
        },
        template=TEMPLATE_NAME,
        height=720,
        shapes=shapes,
        annotations=notes,
        hovermode="x unified",
        margin={"l": 10, "r": 20, "t": 145, "b": 240},
        xaxis={"type": "date"},
        yaxis={"title": "Reports per week (simulated)", "rangemode": "tozero"},
        legend={"orientation": "h", "x": 0, "y": -0.09, "yanchor": "top"},
        updatemenus=[dropdown(buttons, pad={"b": 34})],
        sliders=[
            {
                "active": thresholds.index(start),
                "steps": steps,
                "x": 0,
                "len": 1.0,
                "y": -0.4,
                "yanchor": "top",
                "pad": {"t": 0, "b": 0},
                "currentvalue": {"prefix": "Threshold (× baseline): ", "xanchor": "left"},
            }
        ],
    )
    return fig


def tradeoff_figure(
    df: pd.DataFrame, thresholds: Sequence[float] = SLIDER_THRESHOLDS, window: int = 8, stat: str = "median"
) -> go.Figure:
    """Grouped bars: hits and false alarms (region-weeks, all six regions) for each threshold of the ratio rule."""
    series = [_series(df, r, ALL, window=window, stat=stat) for r in _regions(df)]
    hits, false_alarms = [], []
    for t in thresholds:
        flagged = [_apply_rule(s, threshold=float(t)) for s in series]
        hits.append(sum(int((f["flag"] & f["is_election_window"]).sum()) for f in flagged))
        false_alarms.append(sum(int((f["flag"] & ~f["is_election_window"]).sum()) for f in flagged))
    labels = [f"{float(t):g}" for t in thresholds]
    fig = go.Figure(
        [
            go.Bar(
                x=labels,
                y=hits,
                name="Hits (flag in an election window)",
                marker={"color": OKABE_ITO[2]},
                hovertemplate="Threshold %{x}: %{y} hit(s)<extra></extra>",
            ),
            go.Bar(
                x=labels,
                y=false_alarms,
                name="False alarms (flag outside the windows)",
                marker={"color": OKABE_ITO[5], "pattern": {"shape": "/"}},
                hovertemplate="Threshold %{x}: %{y} false alarm(s)<extra></extra>",
            ),
        ]
    )
    n_truth = sum(int(s["is_election_window"].sum()) for s in series)
    fig.update_layout(
        title={"text": "Hits and false alarms by threshold, simulated reports (six regions)", "x": 0.01, "xanchor": "left"},
        meta={
            "alt": f"Grouped bar chart of the hits and false alarms of the red-flag rule on the simulated reports "
            f"of six fictional regions, for thresholds from {labels[0]} to {labels[-1]} times the baseline; "
            f"{n_truth} region-weeks lie in the election windows."
        },
        template=TEMPLATE_NAME,
        height=440,
        barmode="group",
        margin={"l": 10, "r": 20, "t": 60, "b": 10},
        xaxis={"title": "Threshold (count must exceed threshold × baseline)", "type": "category"},
        yaxis={"title": "Region-weeks"},
        legend={"orientation": "h", "x": 0, "y": -0.22, "yanchor": "top"},
    )
    return fig


# --------------------------------------------------------------------------- widget


class RedFlagDetector(LiveFigure):
    """Region and incident-type menus, a rule menu and a threshold slider over :func:`series_figure`.

    ``current_figure`` holds the figure for the current choice (the tests read it);
    every change of a control redraws it, and ``summary`` gives its hits, false
    alarms and missed election-window weeks.
    """

    def __init__(
        self,
        df: pd.DataFrame,
        events: pd.DataFrame,
        region: str = ALL,
        incident_type: str = ALL,
        threshold: float = 2.0,
        window: int = 8,
        rule: str = "ratio",
    ):
        self.df = df
        self.events = events
        regions = [("All regions", ALL)] + [(r, r) for r in sorted(df["region"].astype(str).unique())]
        types = [("All incident types", ALL)] + [
            (TYPE_LABELS.get(t, t), t) for t in INCIDENT_TYPES if t in set(df["incident_type"].astype(str))
        ]
        wide = widgets.Layout(width="330px")
        style = {"description_width": "110px"}
        self.region = widgets.Dropdown(options=regions, value=region, description="Region", layout=wide, style=style)
        self.incident_type = widgets.Dropdown(
            options=types, value=incident_type, description="Incident type", layout=wide, style=style
        )
        self.rule = widgets.Dropdown(
            options=[("count > threshold × baseline", "ratio"), ("count > baseline + threshold × spread", "z")],
            value=rule,
            description="Rule",
            layout=widgets.Layout(width="420px"),
            style=style,
        )

        def slider(kind, value, lo, hi, step, label):
            return control_slider(kind, value, lo, hi, step, label, layout=widgets.Layout(width="420px"), style=style)

        self.threshold = slider(widgets.FloatSlider, threshold, 0.5, 4.0, 0.25, "Threshold")
        self.window = slider(widgets.IntSlider, window, 2, 26, 1, "Baseline weeks")
        self.summary = widgets.Label()
        controls = widgets.HBox(
            [widgets.VBox([self.region, self.incident_type]), widgets.VBox([self.rule, self.threshold, self.window])]
        )
        super().__init__(
            [controls, self.summary], controls=(self.region, self.incident_type, self.rule, self.threshold, self.window)
        )

    def figure(self):
        """The series for the current controls; updates the hit and false-alarm counts."""
        args = dict(
            region=self.region.value,
            incident_type=self.incident_type.value,
            threshold=float(self.threshold.value),
            window=int(self.window.value),
            rule=self.rule.value,
        )
        series = _apply_rule(
            _series(self.df, args["region"], args["incident_type"], window=args["window"]),
            threshold=args["threshold"],
            rule=args["rule"],
        )
        self.summary.value = f"Simulated data. {_score_text(series)}."
        return series_figure(self.df, self.events, **args)


def red_flag_detector(
    df: pd.DataFrame,
    events: pd.DataFrame,
    region: str = ALL,
    incident_type: str = ALL,
    threshold: float = 2.0,
    window: int = 8,
    rule: str = "ratio",
) -> RedFlagDetector:
    """Return the live red-flag detector for the SIMULATED monitoring reports ``df`` and their events table."""
    return RedFlagDetector(df, events, region=region, incident_type=incident_type, threshold=threshold, window=window, rule=rule)
