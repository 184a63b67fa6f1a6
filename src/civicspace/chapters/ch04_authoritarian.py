"""Chapter 4, NGOs inside authoritarian regimes: pure functions, figures and a live widget.

Two tables feed the chapter:

- the V-Dem civil-society panel (``data.load_civic_space_panel()``): CSO repression
  ``v2csreprss``, CSO consultation ``v2cscnsult`` and the Regimes of the World
  classification ``v2x_regime`` (0 closed autocracy … 3 liberal democracy);
- the NGO-law barrier panel (``data.load_ngo_law_barriers()``): Chaudhry's ``ch_``
  columns and Christensen & Weinstein's ``cw_`` columns. A row that a source does
  not code has ``ch_covered`` / ``cw_covered`` False and empty columns: missing
  means *not coded*, never 0, so every function here counts covered rows only.

The public functions take those tables and return plotly figures (and the regime
counts the chapter quotes); :class:`RepressionExplorer` wires ipywidgets controls to
:func:`repression_consultation_scatter`, so what it draws is what the tests check.
Merging the two panels, averaging by regime type, the shares of autocracies with a
barrier and the correlations are what exercise 4 asks students to compute with
pandas, so the package offers no public function for them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import ipywidgets as widgets
import pandas as pd
import plotly.graph_objects as go

from civicspace.plotting import OKABE_ITO, LiveFigure, base_layout, dropdown, play_pause, year_slider

#: V-Dem's Regimes of the World codes and their labels, in order.
REGIME_LABELS = {0: "closed autocracy", 1: "electoral autocracy", 2: "electoral democracy", 3: "liberal democracy"}
REGIME_ORDER = list(REGIME_LABELS.values())
AUTOCRACIES = (0, 1)

#: One Okabe–Ito colour and one marker shape per regime type, so that the types
#: stay apart for readers who cannot tell the colours apart.
REGIME_COLOURS = {
    "closed autocracy": OKABE_ITO[5],  # vermilion
    "electoral autocracy": OKABE_ITO[1],  # orange
    "electoral democracy": OKABE_ITO[4],  # sky blue
    "liberal democracy": OKABE_ITO[0],  # blue
}
REGIME_SYMBOLS = {
    "closed autocracy": "x",
    "electoral autocracy": "diamond",
    "electoral democracy": "circle",
    "liberal democracy": "square",
}
REGIME_DASHES = {
    "closed autocracy": "solid",
    "electoral autocracy": "dash",
    "electoral democracy": "dot",
    "liberal democracy": "dashdot",
}

#: V-Dem indicators the scatter and the widget offer, with readable axis labels.
INDICATORS = {
    "v2csreprss": "CSO repression (higher = less repression)",
    "v2cscnsult": "CSO consultation (higher = more consulted)",
    "v2cseeorgs": "CSO entry and exit (higher = less state control)",
    "v2csprtcpt": "CSO participatory environment (higher = more active)",
    "v2csrlgrep": "Religious organisation repression (higher = less)",
    "v2xcs_ccsi": "Core civil society index (0–1)",
    "v2x_frassoc_thick": "Freedom of association index (0–1)",
}

#: Short names of the indicators, for hover labels.
SHORT_NAMES = {
    "v2csreprss": "CSO repression",
    "v2cscnsult": "CSO consultation",
    "v2cseeorgs": "CSO entry and exit",
    "v2csprtcpt": "CSO participatory environment",
    "v2csrlgrep": "Religious organisation repression",
    "v2xcs_ccsi": "Core civil society index",
    "v2x_frassoc_thick": "Freedom of association index",
}

#: Barrier indices of the NGO-law panel that the barrier chart offers.
BARRIERS = {
    "ch_funding": "at least one barrier to foreign funding",
    "ch_ngo_foreign_fund_approval": "prior approval required for foreign funds",
    "ch_entry": "at least one barrier to entry (registration)",
    "ch_advocacy": "at least one barrier to advocacy",
}


# --------------------------------------------------------------------------- tables


def label_regimes(df: pd.DataFrame) -> pd.DataFrame:
    """Copy of ``df`` with a column ``regime``: the label of ``v2x_regime`` (ordered; missing stays missing)."""
    out = df.copy()
    codes = out["v2x_regime"].astype("Int64")
    labels = codes.map(REGIME_LABELS)
    out["regime"] = pd.Categorical(labels.astype(object).where(codes.notna(), None), categories=REGIME_ORDER, ordered=True)
    return out


def _check_column(df: pd.DataFrame, column: str) -> None:
    if column not in df.columns:
        raise ValueError(f"no column {column!r} in the table")


def _covered_flag(column: str) -> str:
    """The coverage flag that goes with a barrier column: ``ch_covered`` or ``cw_covered``."""
    prefix = column.split("_", 1)[0]
    if prefix not in ("ch", "cw") or "_" not in column:
        raise ValueError(f"{column!r} is not a barrier column (its name must start with 'ch_' or 'cw_')")
    return f"{prefix}_covered"


def _covered_rows(merged: pd.DataFrame, column: str) -> pd.DataFrame:
    """Rows of ``merged`` that the source of ``column`` codes (its coverage flag is True)."""
    _check_column(merged, column)
    flag = _covered_flag(column)
    return merged[merged[flag].fillna(False).astype(bool)]


def _barrier_share_in_regime(merged: pd.DataFrame, barrier: str, regime: int) -> pd.DataFrame:
    """Share of covered country-years of one regime type (code 0–3) with ``barrier`` > 0, by year.

    Returns columns ``year``, ``n`` (covered country-years with that regime code),
    ``n_barrier`` (of which with the barrier) and ``share`` (0–1). Rows the barrier's
    source does not code are left out, never counted as "no barrier".
    """
    rows = _covered_rows(merged, barrier)
    rows = rows[rows["v2x_regime"] == regime]
    has = (rows[barrier].astype(float) > 0).astype(int)
    grouped = has.groupby(rows["year"].astype(int))
    out = pd.DataFrame({"n": grouped.size(), "n_barrier": grouped.sum()})
    out["share"] = out["n_barrier"] / out["n"]
    out.index.name = "year"
    return out.reset_index()


def _barrier_share_by_regime(merged: pd.DataFrame, barrier: str = "ch_funding") -> pd.DataFrame:
    """:func:`_barrier_share_in_regime` for each regime type: columns ``regime``, ``year``, ``n``, ``n_barrier``, ``share``."""
    parts = []
    for code, label in REGIME_LABELS.items():
        part = _barrier_share_in_regime(merged, barrier, code)
        part.insert(0, "regime", label)
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def _scatter_rows(vdem: pd.DataFrame, year: int, x: str = "v2cscnsult", y: str = "v2csreprss") -> pd.DataFrame:
    """Country rows for one ``year`` with ``iso3``, ``country``, ``regime``, ``x`` and ``y`` (rows missing any are dropped)."""
    for column in (x, y):
        _check_column(vdem, column)
    rows = label_regimes(vdem[vdem["year"] == year])
    rows = rows.dropna(subset=["regime", x, y])
    out = pd.DataFrame(
        {
            "iso3": rows["iso3"].astype(str),
            "country": rows["country"].astype(str),
            "regime": rows["regime"],
            "x": rows[x].astype(float),
            "y": rows[y].astype(float),
        }
    )
    return out.reset_index(drop=True)


def chapter_facts(vdem: pd.DataFrame, year: int = 2023) -> dict[str, float | int]:
    """The regime counts chapter 4 quotes, and the correlation of its scatter (the chapter glues them).

    The means, shares and correlations that exercise 4 asks for are computed in
    the chapter itself, with pandas, in visible cells.
    """
    facts: dict[str, float | int] = {"latest_year": int(year)}
    rows = vdem[vdem["year"] == year]
    counts = rows["v2x_regime"].value_counts()
    for code, key in [(0, "closed"), (1, "electoral_aut"), (2, "electoral_dem"), (3, "liberal")]:
        facts[f"n_{key}_{year}"] = int(counts.get(code, 0))
    facts[f"n_countries_{year}"] = int(rows["v2x_regime"].notna().sum())
    facts[f"n_autocracies_{year}"] = facts[f"n_closed_{year}"] + facts[f"n_electoral_aut_{year}"]
    pair = rows[["v2csreprss", "v2cscnsult"]].astype(float).dropna()
    facts[f"corr_repression_consultation_{year}"] = round(float(pair["v2csreprss"].corr(pair["v2cscnsult"])), 2)
    return facts


# --------------------------------------------------------------------------- figures


def _label(column: str) -> str:
    return INDICATORS.get(column, column)


def _axis_range(vdem: pd.DataFrame, column: str) -> list[float]:
    values = vdem[column].astype(float).dropna()
    low, high = float(values.min()), float(values.max())
    pad = 0.05 * (high - low or 1.0)
    return [round(low - pad, 2), round(high + pad, 2)]


def _scatter_trace(rows: pd.DataFrame, regime: str, x: str, y: str) -> go.Scatter:
    part = rows[rows["regime"] == regime]
    return go.Scatter(
        x=part["x"].round(2).tolist(),
        y=part["y"].round(2).tolist(),
        text=part["country"].tolist(),
        name=regime,
        mode="markers",
        marker={
            "color": REGIME_COLOURS[regime],
            "symbol": REGIME_SYMBOLS[regime],
            "size": 9,
            "opacity": 0.85,
            "line": {"width": 1, "color": "white"} if REGIME_SYMBOLS[regime] != "x" else {"width": 0},
        },
        hovertemplate=(
            f"%{{text}} ({regime})<br>{SHORT_NAMES.get(x, x)}: %{{x}}<br>{SHORT_NAMES.get(y, y)}: %{{y}}<extra></extra>"
        ),
    )


def _scatter_title(year: int, n: int) -> str:
    return f"Civil society in {n} countries, {year}"


def repression_consultation_scatter(
    vdem: pd.DataFrame, year: int = 2023, x: str = "v2cscnsult", y: str = "v2csreprss"
) -> go.Figure:
    """Scatter of two V-Dem civil-society indicators in one year, one trace per regime type.

    The four traces always appear in the order closed autocracy … liberal
    democracy (a type with no country that year is an empty trace), so colours and
    legend stay the same from year to year.
    """
    rows = _scatter_rows(vdem, year, x, y)
    fig = go.Figure([_scatter_trace(rows, regime, x, y) for regime in REGIME_ORDER])
    counts = rows["regime"].value_counts()
    parts = ", ".join(f"{int(counts.get(r, 0))} {r}" for r in REGIME_ORDER)
    layout = base_layout(
        _scatter_title(year, len(rows)),
        f"Scatter plot of {len(rows)} countries in {year}: {_label(x)} on the horizontal axis against "
        f"{_label(y)} on the vertical axis, coloured and shaped by regime type ({parts}).",
        height=520,
    )
    layout.update(
        xaxis={"title": {"text": _label(x)}, "range": _axis_range(vdem, x), "zeroline": True},
        yaxis={"title": {"text": _label(y)}, "range": _axis_range(vdem, y), "zeroline": True},
        legend={"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom", "title": {"text": ""}},
        margin={"l": 10, "r": 10, "t": 110, "b": 10},
        hovermode="closest",
    )
    fig.update_layout(layout)
    return fig


def repression_consultation_by_year(
    vdem: pd.DataFrame, years: Iterable[int] | None = None, x: str = "v2cscnsult", y: str = "v2csreprss"
) -> go.Figure:
    """The scatter of :func:`repression_consultation_scatter` with a year slider and a play button.

    The static-but-interactive version of :class:`RepressionExplorer` for the
    online book: one animation frame per year in ``years`` (default 1990, 1993 …
    2023), computed when the book is built. Values are rounded to two decimals to
    keep the page light.
    """
    years = list(years) if years is not None else list(range(1990, 2024, 3))
    if not years:
        raise ValueError("no years to show")
    last = years[-1]
    fig = repression_consultation_scatter(vdem, last, x, y)
    frames = []
    for year in years:
        rows = _scatter_rows(vdem, year, x, y)
        data = []
        for regime in REGIME_ORDER:
            part = rows[rows["regime"] == regime]
            data.append(
                {
                    "type": "scatter",
                    "x": part["x"].round(2).tolist(),
                    "y": part["y"].round(2).tolist(),
                    "text": part["country"].tolist(),
                }
            )
        frames.append(
            go.Frame(
                name=str(year),
                data=data,
                traces=list(range(len(REGIME_ORDER))),
                layout={"title": {"text": _scatter_title(year, len(rows))}},
            )
        )
    fig.frames = frames
    fig.update_layout(
        height=700,
        margin={"l": 10, "r": 10, "t": 110, "b": 150},
        meta={
            "alt": f"Scatter plot with a year slider ({years[0]}–{last}): each country's {_label(x)} "
            f"against its {_label(y)}, coloured and shaped by regime type."
        },
        sliders=[
            year_slider(
                years, {"prefix": "Year: ", "xanchor": "right", "font": {"size": 14}}, x=0.22, pad_top=75, y=0, yanchor="top"
            )
        ],
        updatemenus=[play_pause(frame_ms=700, pad_top=105)],
    )
    return fig


def barrier_share_figure(merged: pd.DataFrame, barriers: Sequence[str] | None = None) -> go.Figure:
    """Line chart: share of coded countries with a legal barrier to NGOs, by regime type and year.

    One line per regime type for each barrier in ``barriers`` (default: the keys of
    :data:`BARRIERS`); a dropdown menu shows one barrier at a time. Only the
    country-years that the barrier's source codes are counted.
    """
    barriers = list(barriers) if barriers is not None else list(BARRIERS)
    if not barriers:
        raise ValueError("no barrier to show")
    fig = go.Figure()
    buttons = []
    n_regimes = len(REGIME_ORDER)
    for i, barrier in enumerate(barriers):
        table = _barrier_share_by_regime(merged, barrier)
        for regime in REGIME_ORDER:
            part = table[table["regime"] == regime]
            fig.add_trace(
                go.Scatter(
                    x=part["year"].tolist(),
                    y=(100 * part["share"]).round(1).tolist(),
                    customdata=part[["n_barrier", "n"]].values.tolist(),
                    name=regime,
                    mode="lines+markers",
                    visible=(i == 0),
                    line={"color": REGIME_COLOURS[regime], "width": 3, "dash": REGIME_DASHES[regime]},
                    marker={"symbol": REGIME_SYMBOLS[regime], "size": 6, "color": REGIME_COLOURS[regime]},
                    hovertemplate=f"{regime}, %{{x}}: %{{y}}% (%{{customdata[0]}} of %{{customdata[1]}})<extra></extra>",
                )
            )
        visible = [j // n_regimes == i for j in range(n_regimes * len(barriers))]
        label = BARRIERS.get(barrier, barrier)
        buttons.append({"label": label, "method": "restyle", "args": [{"visible": visible}]})
    first = BARRIERS.get(barriers[0], barriers[0])
    source = "Chaudhry" if all(b.startswith("ch_") for b in barriers) else "Chaudhry / Christensen & Weinstein"
    layout = base_layout(
        "Legal barriers to NGOs, by regime type",
        f"Line chart, one line per regime type, of the percentage of countries coded by {source} that had "
        f"{first} in each year; a menu switches to other barriers.",
        height=560,
    )
    layout.update(
        xaxis={"title": {"text": "Year"}},
        yaxis={"title": {"text": "Coded countries with the barrier (%)"}, "range": [0, 100]},
        legend={"orientation": "h", "x": 0, "y": -0.15, "yanchor": "top"},
        margin={"l": 10, "r": 10, "t": 110, "b": 10},
        updatemenus=[dropdown(buttons, pad={"b": 8})],
        hovermode="closest",
    )
    fig.update_layout(layout)
    return fig


# --------------------------------------------------------------------------- widget


class RepressionExplorer(LiveFigure):
    """A year slider and two indicator menus over :func:`repression_consultation_scatter`.

    ``current_figure`` holds the figure for the current choice (the tests read it);
    every change of a control redraws it.
    """

    def __init__(self, vdem: pd.DataFrame, year: int = 2023, x: str = "v2cscnsult", y: str = "v2csreprss"):
        self.vdem = vdem
        years = vdem["year"].astype(int)
        options = [(label, code) for code, label in INDICATORS.items() if code in vdem.columns]
        self.year = widgets.IntSlider(
            value=year,
            min=int(years.min()),
            max=int(years.max()),
            step=1,
            description="Year",
            continuous_update=False,
        )
        self.x = widgets.Dropdown(options=options, value=x, description="Horizontal", layout=widgets.Layout(width="420px"))
        self.y = widgets.Dropdown(options=options, value=y, description="Vertical", layout=widgets.Layout(width="420px"))
        super().__init__([self.year, widgets.HBox([self.x, self.y])], controls=(self.year, self.x, self.y))

    def figure(self):
        """The scatter for the current year and indicators."""
        return repression_consultation_scatter(self.vdem, self.year.value, self.x.value, self.y.value)


def repression_explorer(vdem: pd.DataFrame, year: int = 2023, x: str = "v2cscnsult", y: str = "v2csreprss"):
    """Return the live explorer (year slider, two indicator menus) for the V-Dem table ``vdem``."""
    return RepressionExplorer(vdem, year=year, x=x, y=y)
