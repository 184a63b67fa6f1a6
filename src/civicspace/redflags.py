"""Chapter 11, civil-society partnerships that monitor compliance: a red-flag detector.

The chapter's data are SIMULATED: ``data.load_monitoring_reports_simulated()`` holds
weekly counts of incidents reported to a fictional monitoring coalition (six
fictional regions, five incident types, ISO weeks 2021-W01 to 2023-W52), and
``data.load_monitoring_reports_simulated_events()`` the ground truth, the weeks of
two simulated election windows. They describe no real country or event.

A red-flag rule compares each week's count with a *baseline* computed from the
weeks before it:

1. :func:`weekly_counts` sums the counts per week (and per region, or any other
   grouping);
2. :func:`add_baseline` adds the median (or mean) of the previous ``window``
   weeks, excluding the current week, and their standard deviation (``spread``);
3. :func:`flag_weeks` flags a week when its count exceeds ``threshold × baseline``
   (rule ``"ratio"``) or ``baseline + threshold × spread`` (rule ``"z"``);
4. :func:`evaluate` compares the flags with the ground-truth election-window
   weeks: hits, false alarms, missed weeks, precision and recall.

Every function takes plain data and returns a DataFrame, a dict, a number or a
plotly figure; :class:`RedFlagDetector` only wires ipywidgets controls to
:func:`series_figure`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import ipywidgets as widgets
import pandas as pd
import plotly.graph_objects as go

from .data import require_columns
from .plotting import OKABE_ITO, TEMPLATE_NAME
from .widgets import LiveFigure

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

#: Columns that are data, not grouping keys, in the tables this module builds.
_VALUE_COLUMNS = {"week_start", "count", "is_election_window", "baseline", "spread", "limit", "flag"}

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


def group_columns(table: pd.DataFrame) -> list[str]:
    """The grouping columns of a weekly table: every column that is not a value column."""
    return [c for c in table.columns if c not in _VALUE_COLUMNS]


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


def add_baseline(weekly: pd.DataFrame, window: int = 8, stat: str = "median") -> pd.DataFrame:
    """Copy of ``weekly`` with a trailing baseline for each week, computed per group.

    ``baseline`` is the median (or mean, ``stat="mean"``) of the counts of the
    previous ``window`` weeks of the same group, *excluding the current week*;
    ``spread`` is their standard deviation. The first ``window`` weeks of each
    group have no baseline (NaN). Groups are the columns returned by
    :func:`group_columns`; rows must be one per group and week.
    """
    _check_rule("ratio", stat, window)
    require_columns(weekly, ["week_start", "count"])
    by = group_columns(weekly)
    out = weekly.sort_values([*by, "week_start"]).reset_index(drop=True).copy()
    counts = out["count"].astype(float)
    keys = [out[c] for c in by] if by else [pd.Series(0, index=out.index)]
    previous = counts.groupby(keys, sort=False).shift(1)
    grouped = previous.groupby(keys, sort=False)
    rolling = grouped.rolling(window, min_periods=window)
    centre = rolling.median() if stat == "median" else rolling.mean()
    spread = grouped.rolling(window, min_periods=window).std()
    n_levels = len(keys)
    out["baseline"] = centre.reset_index(level=list(range(n_levels)), drop=True).sort_index()
    out["spread"] = spread.reset_index(level=list(range(n_levels)), drop=True).sort_index()
    return out


def flag_weeks(table: pd.DataFrame, threshold: float = 2.0, rule: str = "ratio") -> pd.DataFrame:
    """Copy of a table with a baseline, plus ``limit`` (the alert limit) and ``flag`` (count above the limit).

    Rule ``"ratio"``: limit = threshold × baseline. Rule ``"z"``: limit = baseline
    + threshold × spread. A week without a baseline is never flagged; a week is
    flagged only if its count is strictly greater than the limit.
    """
    _check_rule(rule)
    require_columns(table, ["count", "baseline", "spread"])
    if not (isinstance(threshold, (int, float)) and math.isfinite(threshold) and threshold >= 0):
        raise ValueError(f"threshold must be a number >= 0, not {threshold!r}")
    out = table.copy()
    if rule == "ratio":
        out["limit"] = threshold * out["baseline"]
    else:
        out["limit"] = out["baseline"] + threshold * out["spread"]
    out["flag"] = (out["count"].astype(float) > out["limit"]) & out["limit"].notna()
    out["flag"] = out["flag"].astype(bool)
    return out


def evaluate(flagged: pd.DataFrame) -> dict[str, float | int]:
    """Compare the flags with the ground truth (``is_election_window``), counting group-weeks.

    Returns ``hits`` (flagged window weeks), ``false_alarms`` (flagged weeks outside
    the windows), ``missed`` (window weeks not flagged), ``n_flags``,
    ``n_window_weeks``, ``precision`` = hits / flags and ``recall`` = hits / window
    weeks (NaN when the denominator is 0).
    """
    require_columns(flagged, ["flag", "is_election_window"])
    flag = flagged["flag"].astype(bool)
    truth = flagged["is_election_window"].astype(bool)
    hits = int((flag & truth).sum())
    false_alarms = int((flag & ~truth).sum())
    missed = int((~flag & truth).sum())
    n_flags = hits + false_alarms
    n_truth = hits + missed
    return {
        "hits": hits,
        "false_alarms": false_alarms,
        "missed": missed,
        "n_flags": n_flags,
        "n_window_weeks": n_truth,
        "precision": hits / n_flags if n_flags else float("nan"),
        "recall": hits / n_truth if n_truth else float("nan"),
    }


def flags_per_group(flagged: pd.DataFrame) -> pd.Series:
    """Number of flagged weeks per group (e.g. per region), every group listed, sorted by group."""
    require_columns(flagged, ["flag"])
    by = group_columns(flagged)
    if not by:
        return pd.Series({ALL: int(flagged["flag"].sum())}, name="flags")
    out = flagged.groupby(by, sort=True)["flag"].sum().astype(int)
    out.name = "flags"
    return out


def detect(df: pd.DataFrame, region: str = ALL, incident_type: str = ALL, threshold: float = 2.0,
           window: int = 8, stat: str = "median", rule: str = "ratio") -> pd.DataFrame:
    """One weekly series (a region or all, an incident type or all) with its baseline, limit and flags."""
    weekly = weekly_counts(select(df, region, incident_type), by=[])
    return flag_weeks(add_baseline(weekly, window=window, stat=stat), threshold=threshold, rule=rule)


def threshold_sweep(weekly: pd.DataFrame, thresholds: Sequence[float], window: int = 8,
                    stat: str = "median", rule: str = "ratio") -> pd.DataFrame:
    """One row per threshold with the scores of :func:`evaluate` (baseline computed once)."""
    based = add_baseline(weekly, window=window, stat=stat)
    rows = []
    for t in thresholds:
        scores = evaluate(flag_weeks(based, threshold=float(t), rule=rule))
        rows.append({"threshold": float(t), **scores})
    return pd.DataFrame(rows)


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
    """The numbers the chapter quotes (all from the SIMULATED data), for ``glue``."""
    weekly = weekly_counts(df, by=["region"])
    flagged = flag_weeks(add_baseline(weekly, window=window), threshold=threshold)
    scores = evaluate(flagged)
    low = evaluate(flag_weeks(add_baseline(weekly, window=window), threshold=1.5))
    high = evaluate(flag_weeks(add_baseline(weekly, window=window), threshold=3.0))
    windows = election_windows(events)
    weeks = df["week_start"].nunique()
    national = windows.iloc[0]
    local = windows.iloc[-1]
    per_week = weekly_counts(df, by=[])
    when = pd.to_datetime(per_week["week_start"])
    first_year = per_week[when.dt.year == when.dt.year.min()]
    month = pd.to_datetime(first_year["week_start"]).dt.month
    per_region = flags_per_group(flagged)
    totals = weekly.groupby("region")["count"].sum()
    return {
        "n_reports": f"{int(df['count'].sum()):,}",
        "n_rows": f"{len(df):,}",
        "n_weeks": int(weeks),
        "n_regions": int(df["region"].nunique()),
        "n_types": int(df["incident_type"].nunique()),
        "n_window_weeks": int(events["week_start"].nunique()),
        "n_region_window_weeks": int(scores["n_window_weeks"]),
        "national_election": national["election_date"].strftime("%-d %B %Y"),
        "local_election": local["election_date"].strftime("%-d %B %Y"),
        "window": int(window),
        "threshold": f"{threshold:g}",
        "hits": scores["hits"],
        "false_alarms": scores["false_alarms"],
        "missed": scores["missed"],
        "precision_pct": f"{100 * scores['precision']:.0f}",
        "recall_pct": f"{100 * scores['recall']:.0f}",
        "hits_low": low["hits"],
        "false_alarms_low": low["false_alarms"],
        "hits_high": high["hits"],
        "false_alarms_high": high["false_alarms"],
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
        shapes.append({
            "type": "rect", "xref": "x", "yref": "paper", "layer": "below", "line": {"width": 0},
            "x0": row.first_week.strftime("%Y-%m-%d"), "x1": row.end.strftime("%Y-%m-%d"), "y0": 0, "y1": 1,
            "fillcolor": WINDOW_FILL,
        })
        # The first label runs left from the end of its band, the others right from their start,
        # so that labels of neighbouring windows do not overlap.
        first = i == 0 and len(windows) > 1
        notes.append({
            "x": (row.end if first else row.first_week).strftime("%Y-%m-%d"), "y": 1, "xref": "x", "yref": "paper",
            "yanchor": "bottom", "xanchor": "right" if first else "left", "showarrow": False,
            "font": {"size": 12, "color": "#444444"}, "text": str(row.event),
        })
    return shapes, notes


def _score_text(scores: dict) -> str:
    return (f"{scores['hits']} hit(s), {scores['false_alarms']} false alarm(s), "
            f"{scores['missed']} missed election-window week(s)")


def _limit_name(threshold: float, rule: str) -> str:
    return f"Alert limit ({threshold:g} × baseline)" if rule == "ratio" else f"Alert limit (baseline + {threshold:g} × spread)"


def series_figure(df: pd.DataFrame, events: pd.DataFrame, region: str = ALL, incident_type: str = ALL,
                  threshold: float = 2.0, window: int = 8, stat: str = "median", rule: str = "ratio") -> go.Figure:
    """Weekly SIMULATED reports for one region and incident type, with baseline, alert limit and flagged weeks.

    The grey bands are the ground-truth election windows; the title gives the hits,
    false alarms and missed window weeks of the rule.
    """
    series = detect(df, region, incident_type, threshold=threshold, window=window, stat=stat, rule=rule)
    scores = evaluate(series)
    x = _dates(series["week_start"])
    flagged = series[series["flag"]]
    what = f"{type_label(incident_type)}, {region_label(region)}"
    fig = go.Figure()
    fig.add_trace(go.Scatter(
        x=x, y=[int(v) for v in series["count"]], name="Reports per week (simulated)", mode="lines",
        line={"color": COLOURS["count"], "width": 1.6},
        hovertemplate="Week of %{x|%d %b %Y}: %{y} report(s)<extra></extra>",
    ))
    fig.add_trace(go.Scatter(
        x=x, y=_rounded(series["baseline"]), name=f"Baseline ({stat} of previous {window} weeks)", mode="lines",
        line={"color": COLOURS["baseline"], "width": 1.4, "dash": "dash"},
        hovertemplate="Baseline: %{y}<extra></extra>",
    ))
    fig.add_trace(go.Scatter(
        x=x, y=_rounded(series["limit"]), name=_limit_name(threshold, rule), mode="lines",
        line={"color": COLOURS["limit"], "width": 1.4, "dash": "dot"},
        hovertemplate="Alert limit: %{y}<extra></extra>",
    ))
    fig.add_trace(go.Scatter(
        x=_dates(flagged["week_start"]), y=[int(v) for v in flagged["count"]],
        name=f"Flagged week ({scores['n_flags']})", mode="markers",
        marker={"color": COLOURS["flag"], "symbol": "triangle-up", "size": 11, "line": {"color": "white", "width": 1}},
        hovertemplate="Red flag, week of %{x|%d %b %Y}: %{y} report(s)<extra></extra>",
    ))
    shapes, notes = _window_shapes(events)
    fig.update_layout(
        title={"text": f"Red flags in simulated reports: {what}<br><sup>{_score_text(scores)}</sup>",
               "x": 0.01, "xanchor": "left"},
        meta={"alt": f"Line chart of simulated weekly incident reports ({what}, {len(series)} weeks, 2021–2023) "
                     f"with a trailing baseline, an alert limit and {scores['n_flags']} flagged weeks marked by "
                     f"triangles; grey bands mark the two simulated election windows; {_score_text(scores)}."},
        template=TEMPLATE_NAME, height=560, shapes=shapes, annotations=notes, hovermode="x unified",
        margin={"l": 10, "r": 20, "t": 110, "b": 10},
        xaxis={"type": "date"}, yaxis={"title": "Reports per week (simulated)", "rangemode": "tozero"},
        legend={"orientation": "h", "x": 0, "y": -0.1, "yanchor": "top"},
    )
    return fig


def detector_figure(df: pd.DataFrame, events: pd.DataFrame, thresholds: Sequence[float] = SLIDER_THRESHOLDS,
                    window: int = 8, stat: str = "median", start: float = 2.0) -> go.Figure:
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
    series = {r: add_baseline(weekly_counts(select(df, r), by=[]), window=window, stat=stat) for r in regions}
    fig = go.Figure()
    limit_idx, flag_idx = [], []
    per_step: dict[float, dict[str, list]] = {t: {"y": [], "name": []} for t in thresholds}
    for r in regions:
        s = series[r]
        # Weekly series share one date axis: x0 + dx instead of 156 dates per trace keeps the page small.
        x = {"x0": _dates(s["week_start"])[0], "dx": WEEK_MS}
        first = r == regions[0]
        fig.add_trace(go.Scatter(
            **x, y=[int(v) for v in s["count"]], name="Reports per week (simulated)", mode="lines", visible=first,
            line={"color": COLOURS["count"], "width": 1.6},
            hovertemplate="Week of %{x|%d %b %Y}: %{y} report(s)<extra></extra>",
        ))
        fig.add_trace(go.Scatter(
            **x, y=_rounded(s["baseline"]), name=f"Baseline ({stat} of previous {window} weeks)", mode="lines",
            visible=first, line={"color": COLOURS["baseline"], "width": 1.4, "dash": "dash"},
            hovertemplate="Baseline: %{y}<extra></extra>",
        ))
        for t in thresholds:
            f = flag_weeks(s, threshold=t)
            scores = evaluate(f)
            per_step[t]["y"] += [_rounded(f["limit"]),
                                 [int(c) if fl else None for c, fl in zip(f["count"], f["flag"])]]
            per_step[t]["name"] += [_limit_name(t, "ratio"),
                                    f"Flagged: {scores['hits']} hit(s), {scores['false_alarms']} false alarm(s)"]
        f0 = flag_weeks(s, threshold=start)
        s0 = evaluate(f0)
        limit_idx.append(len(fig.data))
        fig.add_trace(go.Scatter(
            **x, y=_rounded(f0["limit"]), name=_limit_name(start, "ratio"), mode="lines", visible=first,
            line={"color": COLOURS["limit"], "width": 1.4, "dash": "dot"},
            hovertemplate="Alert limit: %{y}<extra></extra>",
        ))
        flag_idx.append(len(fig.data))
        fig.add_trace(go.Scatter(
            **x, y=[int(c) if fl else None for c, fl in zip(f0["count"], f0["flag"])],
            name=f"Flagged: {s0['hits']} hit(s), {s0['false_alarms']} false alarm(s)", mode="markers", visible=first,
            marker={"color": COLOURS["flag"], "symbol": "triangle-up", "size": 11, "line": {"color": "white", "width": 1}},
            hovertemplate="Red flag: %{y} report(s)<extra></extra>",
        ))
    per_region = 4
    indices = [i for pair in zip(limit_idx, flag_idx) for i in pair]
    steps = [
        {"label": f"{t:g}", "method": "restyle", "args": [{"y": per_step[t]["y"], "name": per_step[t]["name"]}, indices]}
        for t in thresholds
    ]
    buttons = []
    for i, r in enumerate(regions):
        visible = [j // per_region == i for j in range(len(fig.data))]
        buttons.append({
            "label": "All regions" if r == ALL else r, "method": "update",
            "args": [{"visible": visible},
                     {"title": {"text": f"Red-flag detector, simulated reports: {region_label(r)}", "x": 0.01,
                                "xanchor": "left", "y": 0.99, "yanchor": "top"}}],
        })
    shapes, notes = _window_shapes(events)
    fig.update_layout(
        title={"text": f"Red-flag detector, simulated reports: {region_label(regions[0])}", "x": 0.01, "xanchor": "left",
               "y": 0.99, "yanchor": "top"},
        meta={"alt": f"Line chart of simulated weekly incident reports (all types) from 2021 to 2023 with a trailing "
                     f"baseline ({stat} of the previous {window} weeks), an alert limit and flagged weeks marked by "
                     f"triangles; a menu chooses all regions or one of {len(regions) - 1} fictional regions, a slider "
                     f"sets the threshold from {thresholds[0]:g} to {thresholds[-1]:g} times the baseline, and grey "
                     f"bands mark the two simulated election windows."},
        template=TEMPLATE_NAME, height=720, shapes=shapes, annotations=notes, hovermode="x unified",
        margin={"l": 10, "r": 20, "t": 145, "b": 240},
        xaxis={"type": "date"},
        yaxis={"title": "Reports per week (simulated)", "rangemode": "tozero"},
        legend={"orientation": "h", "x": 0, "y": -0.09, "yanchor": "top"},
        updatemenus=[{"type": "dropdown", "buttons": buttons, "active": 0, "showactive": True,
                      "x": 0, "xanchor": "left", "y": 1.0, "yanchor": "bottom", "pad": {"b": 34}}],
        sliders=[{"active": thresholds.index(start), "steps": steps, "x": 0, "len": 1.0,
                  "y": -0.4, "yanchor": "top", "pad": {"t": 0, "b": 0},
                  "currentvalue": {"prefix": "Threshold (× baseline): ", "xanchor": "left"}}],
    )
    return fig


def tradeoff_figure(df: pd.DataFrame, thresholds: Sequence[float] = SLIDER_THRESHOLDS, window: int = 8,
                    stat: str = "median") -> go.Figure:
    """Grouped bars: hits and false alarms (region-weeks, all six regions) for each threshold of the ratio rule."""
    sweep = threshold_sweep(weekly_counts(df, by=["region"]), thresholds, window=window, stat=stat)
    labels = [f"{t:g}" for t in sweep["threshold"]]
    fig = go.Figure([
        go.Bar(x=labels, y=sweep["hits"].tolist(), name="Hits (flag in an election window)",
               marker={"color": OKABE_ITO[2]},
               hovertemplate="Threshold %{x}: %{y} hit(s)<extra></extra>"),
        go.Bar(x=labels, y=sweep["false_alarms"].tolist(), name="False alarms (flag outside the windows)",
               marker={"color": OKABE_ITO[5], "pattern": {"shape": "/"}},
               hovertemplate="Threshold %{x}: %{y} false alarm(s)<extra></extra>"),
    ])
    n_truth = int(sweep["n_window_weeks"].iloc[0]) if len(sweep) else 0
    fig.update_layout(
        title={"text": "Hits and false alarms by threshold, simulated reports (six regions)", "x": 0.01, "xanchor": "left"},
        meta={"alt": f"Grouped bar chart of the hits and false alarms of the red-flag rule on the simulated reports "
                     f"of six fictional regions, for thresholds from {labels[0]} to {labels[-1]} times the baseline; "
                     f"{n_truth} region-weeks lie in the election windows."},
        template=TEMPLATE_NAME, height=440, barmode="group",
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
    every change of a control redraws it, and ``scores`` holds its evaluation.
    """

    def __init__(self, df: pd.DataFrame, events: pd.DataFrame, region: str = ALL, incident_type: str = ALL,
                 threshold: float = 2.0, window: int = 8, rule: str = "ratio"):
        self.df = df
        self.events = events
        regions = [("All regions", ALL)] + [(r, r) for r in sorted(df["region"].astype(str).unique())]
        types = [("All incident types", ALL)] + [(TYPE_LABELS.get(t, t), t) for t in INCIDENT_TYPES
                                                  if t in set(df["incident_type"].astype(str))]
        wide = widgets.Layout(width="330px")
        style = {"description_width": "110px"}
        self.region = widgets.Dropdown(options=regions, value=region, description="Region", layout=wide, style=style)
        self.incident_type = widgets.Dropdown(options=types, value=incident_type, description="Incident type",
                                              layout=wide, style=style)
        self.rule = widgets.Dropdown(options=[("count > threshold × baseline", "ratio"),
                                              ("count > baseline + threshold × spread", "z")],
                                     value=rule, description="Rule", layout=widgets.Layout(width="420px"), style=style)
        self.threshold = widgets.FloatSlider(value=threshold, min=0.5, max=4.0, step=0.25, description="Threshold",
                                             continuous_update=False, layout=widgets.Layout(width="420px"), style=style)
        self.window = widgets.IntSlider(value=window, min=2, max=26, step=1, description="Baseline weeks",
                                        continuous_update=False, layout=widgets.Layout(width="420px"), style=style)
        self.summary = widgets.Label()
        self.scores: dict = {}
        controls = widgets.HBox([widgets.VBox([self.region, self.incident_type]),
                                 widgets.VBox([self.rule, self.threshold, self.window])])
        super().__init__([controls, self.summary],
                         controls=(self.region, self.incident_type, self.rule, self.threshold, self.window))

    def figure(self):
        """The series for the current controls; updates the hit and false-alarm counts."""
        args = dict(region=self.region.value, incident_type=self.incident_type.value,
                    threshold=float(self.threshold.value), window=int(self.window.value), rule=self.rule.value)
        self.scores = evaluate(detect(self.df, **args))
        self.summary.value = f"Simulated data. {_score_text(self.scores)}."
        return series_figure(self.df, self.events, **args)


def red_flag_detector(df: pd.DataFrame, events: pd.DataFrame, region: str = ALL, incident_type: str = ALL,
                      threshold: float = 2.0, window: int = 8, rule: str = "ratio") -> RedFlagDetector:
    """Return the live red-flag detector for the SIMULATED monitoring reports ``df`` and their events table."""
    return RedFlagDetector(df, events, region=region, incident_type=incident_type, threshold=threshold,
                           window=window, rule=rule)
