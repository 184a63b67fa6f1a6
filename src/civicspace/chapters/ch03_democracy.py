"""Chapter 3 (democracy and its modern challenges): pure functions, figures and a widget.

Everything here works on the V-Dem v14 panel returned by
:func:`civicspace.data.load_civic_space_panel` (one row per ``iso3`` and ``year``,
V-Dem's own column names). The functions take the table and return small tables,
numbers or plotly figures; the unit tests in ``tests/test_democracy.py`` check them
on hand-made tables and on the real data.

The chapter's teaching device is the **gap** between the electoral democracy index
(``v2x_polyarchy``) and the liberal democracy index (``v2x_libdem``): elections can
survive while the constraints on the executive (courts, legislature, rule of law)
are taken apart, and then the gap widens.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import ipywidgets as widgets
import pandas as pd
import plotly.graph_objects as go

from civicspace.plotting import OKABE_ITO, LiveFigure, base_layout, dropdown

#: Name of the derived column "electoral minus liberal democracy index".
GAP = "gap"

#: The indices the chapter's figures and widget offer, with readable labels (in menu order).
INDEX_LABELS: dict[str, str] = {
    "v2x_libdem": "Liberal democracy index",
    "v2x_polyarchy": "Electoral democracy index",
    GAP: "Gap: electoral minus liberal democracy index",
    "v2xcs_ccsi": "Core civil society index",
    "v2x_frassoc_thick": "Freedom of association (thick) index",
    "v2csreprss": "CSO repression (higher = less repression)",
}

#: V-Dem's Regimes of the World classification (``v2x_regime``).
REGIME_LABELS: dict[int, str] = {
    0: "closed autocracy",
    1: "electoral autocracy",
    2: "electoral democracy",
    3: "liberal democracy",
}

#: Colours of the four regimes: warm for autocracies, blue for democracies (Okabe–Ito).
REGIME_COLOURS: dict[str, str] = {
    "closed autocracy": OKABE_ITO[5],  # vermilion
    "electoral autocracy": OKABE_ITO[1],  # orange
    "electoral democracy": OKABE_ITO[4],  # sky blue
    "liberal democracy": OKABE_ITO[0],  # blue
}

#: Countries the chapter shows by default: cases of autocratisation that the
#: literature on executive aggrandisement discusses (plus a reference democracy,
#: chosen from the data by :func:`reference_democracy`).
ILLUSTRATIVE: tuple[str, ...] = ("HUN", "POL", "IND", "TUR", "VEN", "RUS")

# Line colours and dashes for the country lines: yellow (OKABE_ITO[6]) is too pale
# on white, and black is kept for the reference democracy.
_LINE_COLOURS = [OKABE_ITO[i] for i in (0, 1, 2, 3, 4, 5)]
_DASHES = ["solid", "dash", "dot", "dashdot", "longdash", "longdashdot"]
_REFERENCE_COLOUR = OKABE_ITO[7]


# --------------------------------------------------------------------------- tables


def with_gap(df: pd.DataFrame) -> pd.DataFrame:
    """Copy of ``df`` with a column ``gap`` = ``v2x_polyarchy`` − ``v2x_libdem`` (3 decimals).

    The gap is missing where either index is missing.
    """
    out = df.copy()
    gap = out["v2x_polyarchy"].astype("Float64") - out["v2x_libdem"].astype("Float64")
    out[GAP] = gap.round(3)
    return out


def _check_index(df: pd.DataFrame, index: str) -> None:
    if index != GAP and index not in df.columns:
        known = ", ".join(INDEX_LABELS)
        raise ValueError(f"unknown index {index!r}; the chapter offers: {known}")


def _values(df: pd.DataFrame, index: str) -> pd.DataFrame:
    """``df`` with the column ``index`` present (the gap is computed when asked for)."""
    _check_index(df, index)
    if index == GAP and GAP not in df.columns:
        return with_gap(df)
    return df


def _check_country(df: pd.DataFrame, iso3: str) -> None:
    if iso3 not in set(df["iso3"].astype(str)):
        raise ValueError(f"unknown country code {iso3!r}: not in the table")


def country_series(df: pd.DataFrame, iso3s: Iterable[str], index: str, first: int = 1970, last: int = 2023) -> pd.DataFrame:
    """Long table ``iso3``, ``country``, ``year``, ``value`` of one index for some countries.

    Rows are in the order of ``iso3s``, then by year, from ``first`` to ``last``
    inclusive. Missing values stay missing (a figure shows them as a break).
    """
    iso3s = list(iso3s)
    for iso3 in iso3s:
        _check_country(df, iso3)
    data = _values(df, index)
    rows = data[data["iso3"].isin(iso3s) & data["year"].between(first, last)]
    out = rows[["iso3", "country", "year", index]].rename(columns={index: "value"}).copy()
    out["iso3"] = out["iso3"].astype(str)
    out["country"] = out["country"].astype(str)
    out["year"] = out["year"].astype(int)
    order = {c: i for i, c in enumerate(iso3s)}
    out = out.sort_values(["iso3", "year"], key=lambda s: s.map(order) if s.name == "iso3" else s)
    return out.reset_index(drop=True)


def peak_year(df: pd.DataFrame, iso3: str, index: str = "v2x_libdem") -> int:
    """Year in which country ``iso3`` reached its highest value of ``index`` (earliest if tied)."""
    _check_country(df, iso3)
    data = _values(df, index)
    rows = data[(data["iso3"] == iso3) & data[index].notna()]
    if rows.empty:
        raise ValueError(f"{iso3} has no value of {index}")
    best = rows[index].max()
    return int(rows.loc[rows[index] == best, "year"].min())


def regime_label(codes: pd.Series) -> pd.Series:
    """Readable Regimes of the World labels for ``v2x_regime`` codes (missing stays missing)."""
    return codes.map(lambda c: REGIME_LABELS.get(int(c)) if pd.notna(c) else None)


def regime_counts(df: pd.DataFrame) -> pd.DataFrame:
    """Number of countries in each regime type, by year.

    One row per year (the index), one column per regime label in the order closed
    autocracy → liberal democracy; country-years with no classification are left out.
    """
    rows = df[df["v2x_regime"].notna()]
    labels = regime_label(rows["v2x_regime"])
    table = pd.crosstab(rows["year"].astype(int), labels)
    table = table.reindex(columns=list(REGIME_LABELS.values()), fill_value=0).astype(int)
    table.columns.name = None
    table.index.name = "year"
    return table


def lost_democracies(df: pd.DataFrame, start: int = 2013, end: int = 2023) -> list[str]:
    """Sorted ISO3 codes of countries classed as democracies (electoral or liberal) in
    ``start`` and as autocracies (electoral or closed) in ``end``."""
    wide = df[df["year"].isin([start, end])].pivot(index="iso3", columns="year", values="v2x_regime")
    wide = wide.reindex(columns=[start, end]).dropna()
    lost = wide[(wide[start] >= 2) & (wide[end] <= 1)]
    return sorted(str(c) for c in lost.index)


def first_year_as(df: pd.DataFrame, iso3: str, regime: int, after: int = 1970) -> int | None:
    """First year (``after`` or later) in which ``iso3`` is classed as ``regime`` (0–3), or None."""
    _check_country(df, iso3)
    rows = df[(df["iso3"] == iso3) & (df["year"] >= after) & (df["v2x_regime"] == regime)]
    return int(rows["year"].min()) if not rows.empty else None


def reference_democracy(df: pd.DataFrame) -> str:
    """The reference democracy for comparisons, chosen from the data alone.

    Among the countries classed as liberal democracies in every year of the table,
    the one with the highest liberal democracy index in the last year (ties: first
    iso3 in alphabetical order).
    """
    years = df["year"].nunique()
    last = int(df["year"].max())
    regimes = df.groupby("iso3")["v2x_regime"].agg(["min", "count"])
    always = regimes[(regimes["min"] == 3) & (regimes["count"] == years)].index
    latest = df[(df["year"] == last) & df["iso3"].isin(always)][["iso3", "v2x_libdem"]]
    if latest.empty:
        raise ValueError("no country is a liberal democracy in every year of the table")
    latest = latest.assign(iso3=latest["iso3"].astype(str)).sort_values(["v2x_libdem", "iso3"], ascending=[False, True])
    return str(latest["iso3"].iloc[0])


def democracy_facts(df: pd.DataFrame) -> dict[str, int | float | str]:
    """The numbers chapter 3 quotes in its prose (glued into the text at build time)."""
    first, last = int(df["year"].min()), int(df["year"].max())
    counts = regime_counts(df)
    ref = reference_democracy(df)
    gapped = with_gap(df).set_index(["iso3", "year"])
    lib = counts["liberal democracy"]
    facts: dict[str, int | float | str] = {
        "n_units": int(df["iso3"].nunique()),
        "first_year": first,
        "last_year": last,
        "n_liberal_last": int(lib.loc[last]),
        "n_electoral_dem_last": int(counts.loc[last, "electoral democracy"]),
        "n_electoral_aut_last": int(counts.loc[last, "electoral autocracy"]),
        "n_closed_aut_last": int(counts.loc[last, "closed autocracy"]),
        "n_classified_last": int(counts.loc[last].sum()),
        "n_closed_first": int(counts.loc[first, "closed autocracy"]),
        "n_electoral_aut_first": int(counts.loc[first, "electoral autocracy"]),
        "liberal_peak_year": int(lib.idxmax()),
        "liberal_peak_n": int(lib.max()),
        "reference_iso3": ref,
        "reference_country": str(df.loc[df["iso3"] == ref, "country"].iloc[0]),
        "reference_libdem_last": float(gapped.loc[(ref, last), "v2x_libdem"]),
    }
    for iso3 in ILLUSTRATIVE:
        key = iso3.lower()
        facts[f"{key}_peak_year"] = peak_year(df, iso3)
        facts[f"{key}_peak_libdem"] = float(gapped.loc[(iso3, facts[f"{key}_peak_year"]), "v2x_libdem"])
        facts[f"{key}_libdem_last"] = float(gapped.loc[(iso3, last), "v2x_libdem"])
        facts[f"{key}_polyarchy_last"] = float(gapped.loc[(iso3, last), "v2x_polyarchy"])
        facts[f"{key}_gap_last"] = float(gapped.loc[(iso3, last), GAP])
        facts[f"{key}_gap_peak"] = float(gapped.loc[(iso3, facts[f"{key}_peak_year"]), GAP])
    facts["hun_first_electoral_autocracy"] = first_year_as(df, "HUN", 1, after=1990)
    facts["ind_first_electoral_autocracy"] = first_year_as(df, "IND", 1, after=2000)
    facts["tur_first_electoral_autocracy"] = first_year_as(df, "TUR", 1, after=2000)
    facts["pol_first_electoral_democracy"] = first_year_as(df, "POL", 2, after=1990)
    return facts


# --------------------------------------------------------------------------- figures


def _layout(title: str, alt: str, height: int = 500) -> dict:
    return base_layout(title, alt, height, top=70)


def _y_axis(index: str) -> dict:
    label = INDEX_LABELS.get(index, index)
    if index == "v2csreprss":
        return {"title": {"text": label}, "range": [-4, 4], "zeroline": True}
    if index == GAP:
        return {"title": {"text": "Electoral minus liberal (0–1 scale)"}, "range": [-0.05, 0.55]}
    return {"title": {"text": f"{label} (0–1)"}, "range": [0, 1]}


def _country_style(i: int, iso3: str, reference: str | None) -> dict:
    if iso3 == reference:
        return {"color": _REFERENCE_COLOUR, "width": 2, "dash": "dash"}
    return {"color": _LINE_COLOURS[i % len(_LINE_COLOURS)], "width": 3, "dash": _DASHES[i % len(_DASHES)]}


def comparison_figure(
    df: pd.DataFrame,
    iso3s: Sequence[str],
    index: str = "v2x_libdem",
    first: int = 1970,
    last: int = 2023,
    reference: str | None = None,
) -> go.Figure:
    """Line chart of one index over time for the chosen countries.

    Each country has its own colour and dash pattern (readable without colour);
    ``reference``, if given and among ``iso3s``, is drawn as a thin black dashed line.
    """
    _check_index(df, index)
    label = INDEX_LABELS.get(index, index)
    fig = go.Figure()
    iso3s = list(iso3s)
    if iso3s:
        series = country_series(df, iso3s, index, first, last)
        others = [c for c in iso3s if c != reference]
        for iso3 in iso3s:
            part = series[series["iso3"] == iso3]
            name = part["country"].iloc[0] if not part.empty else iso3
            i = others.index(iso3) if iso3 in others else 0
            fig.add_trace(
                go.Scatter(
                    x=part["year"].tolist(),
                    y=[None if pd.isna(v) else float(v) for v in part["value"]],
                    name=name + (" (reference)" if iso3 == reference else ""),
                    mode="lines",
                    line=_country_style(i, iso3, reference),
                    hovertemplate=f"{name}, %{{x}}: %{{y:.2f}}<extra></extra>",
                )
            )
        names = ", ".join(str(n) for n in series.drop_duplicates("iso3")["country"])
        alt = f"Line chart of the {label} from {first} to {last} for {names}."
        title = f"{label}, {first}–{last}"
    else:
        alt = f"Empty chart of the {label}: no country is selected."
        title = f"{label}: choose at least one country"
    layout = _layout(title, alt)
    layout.update(
        xaxis={"title": {"text": "Year"}, "range": [first, last]},
        yaxis=_y_axis(index),
        legend={"title": {"text": "Country (click to hide)"}},
        hovermode="x unified",
    )
    fig.update_layout(layout)
    return fig


def comparison_explorer_figure(
    df: pd.DataFrame,
    iso3s: Sequence[str] | None = None,
    indices: Sequence[str] | None = None,
    first: int = 1970,
    last: int = 2023,
) -> go.Figure:
    """The book's static version of :class:`DemocracyExplorer`: a menu switches the index.

    One line per country and index is computed when the book is built; the menu
    shows the lines of one index at a time and updates the title and the y axis.
    By default: the illustrative countries plus the reference democracy, and every
    index in :data:`INDEX_LABELS`.
    """
    reference = reference_democracy(df)
    iso3s = list(iso3s) if iso3s is not None else [*ILLUSTRATIVE, reference]
    indices = list(indices) if indices is not None else list(INDEX_LABELS)
    data = with_gap(df)
    figures = [comparison_figure(data, iso3s, index, first, last, reference=reference) for index in indices]
    fig = go.Figure()
    n = len(iso3s)
    buttons = []
    for k, (index, sub) in enumerate(zip(indices, figures)):
        for trace in sub.data:
            trace.visible = k == 0
            trace.legendgroup = trace.name
            fig.add_trace(trace)
        visible = [j // n == k for j in range(n * len(indices))]
        buttons.append(
            {
                "label": INDEX_LABELS.get(index, index),
                "method": "update",
                "args": [
                    {"visible": visible},
                    {
                        "title.text": sub.layout.title.text,
                        "yaxis.title.text": sub.layout.yaxis.title.text,
                        "yaxis.range": list(sub.layout.yaxis.range),
                    },
                ],
            }
        )
    names = ", ".join(t.name for t in figures[0].data)
    labels = ", ".join(INDEX_LABELS.get(i, i).lower() for i in indices)
    alt = (
        f"Line chart from {first} to {last} for {names}, with a menu that switches between the "
        f"{labels}; it opens on the {INDEX_LABELS.get(indices[0], indices[0]).lower()}."
    )
    layout = _layout(figures[0].layout.title.text, alt, height=620)
    layout["title"].update({"y": 0.985, "yref": "container", "yanchor": "top"})
    layout["margin"] = {"l": 10, "r": 10, "t": 110, "b": 10}
    layout.update(
        xaxis={"title": {"text": "Year"}, "range": [first, last]},
        yaxis=figures[0].layout.yaxis.to_plotly_json(),
        legend={
            "orientation": "h",
            "x": 0,
            "xanchor": "left",
            "y": -0.14,
            "yanchor": "top",
            "title": {"text": "Click a country to hide or show it", "side": "top"},
        },
        hovermode="x unified",
        updatemenus=[
            dropdown(
                buttons,
                x=0.08,
                y=1.03,
                pad={"l": 0, "r": 0, "t": 0, "b": 0},
                direction="down",
                bgcolor="white",
                bordercolor="#767676",
            )
        ],
        annotations=[
            {
                "text": "<b>Index:</b>",
                "showarrow": False,
                "x": 0,
                "xref": "paper",
                "xanchor": "left",
                "y": 1.068,
                "yref": "paper",
                "yanchor": "middle",
            }
        ],
    )
    fig.update_layout(layout)
    return fig


def regimes_figure(df: pd.DataFrame) -> go.Figure:
    """Stacked area chart: number of countries in each Regimes of the World type, by year."""
    counts = regime_counts(df)
    fig = go.Figure()
    for label in REGIME_LABELS.values():
        fig.add_trace(
            go.Scatter(
                x=counts.index.tolist(),
                y=counts[label].tolist(),
                name=label.capitalize(),
                mode="lines",
                stackgroup="regimes",
                line={"color": REGIME_COLOURS[label], "width": 1},
                fillcolor=REGIME_COLOURS[label],
                hovertemplate=f"{label.capitalize()}, %{{x}}: %{{y}} countries<extra></extra>",
            )
        )
    first, last = int(counts.index.min()), int(counts.index.max())
    alt = (
        f"Stacked area chart of the number of countries classed as closed autocracies, electoral "
        f"autocracies, electoral democracies and liberal democracies in each year from {first} to {last}; "
        f"in {last}: {', '.join(f'{counts.loc[last, l]} {l}' for l in REGIME_LABELS.values())}."
    )
    layout = _layout(f"Regimes of the World, {first}–{last} (V-Dem v14)", alt, height=480)
    layout.update(
        xaxis={"title": {"text": "Year"}, "range": [first, last]},
        yaxis={"title": {"text": "Number of countries"}, "rangemode": "tozero"},
        legend={"title": {"text": "Regime type (click to hide)"}, "traceorder": "reversed"},
        hovermode="x unified",
    )
    fig.update_layout(layout)
    return fig


# --------------------------------------------------------------------------- widget


class DemocracyExplorer(LiveFigure):
    """Country list, index menu and year range over :func:`comparison_figure`.

    ``current_figure`` holds the figure for the current choice (the tests read it);
    every change of a control redraws it.
    """

    def __init__(
        self,
        df: pd.DataFrame,
        iso3s: Sequence[str] | None = None,
        index: str = "v2x_libdem",
        first: int = 1970,
        last: int = 2023,
    ):
        self.df = with_gap(df)
        self.reference = reference_democracy(df)
        names = self.df.drop_duplicates("iso3")[["iso3", "country"]].astype(str)
        options = sorted(zip(names["country"], names["iso3"]), key=lambda p: p[0])
        chosen = list(iso3s) if iso3s is not None else [*ILLUSTRATIVE, self.reference]
        lo, hi = int(self.df["year"].min()), int(self.df["year"].max())
        self.countries = widgets.SelectMultiple(options=options, value=tuple(chosen), rows=10, description="Countries")
        self.index = widgets.Dropdown(
            options=[(label, key) for key, label in INDEX_LABELS.items()], value=index, description="Index"
        )
        self.years = widgets.IntRangeSlider(
            value=(max(first, lo), min(last, hi)), min=lo, max=hi, step=1, description="Years", continuous_update=False
        )
        hint = widgets.HTML("<small>Hold Ctrl (Cmd on a Mac) to choose several countries.</small>")
        super().__init__(
            [widgets.HBox([self.countries, widgets.VBox([self.index, self.years, hint])])],
            controls=(self.countries, self.index, self.years),
        )

    def figure(self):
        """The chart for the current countries, index and years."""
        first, last = self.years.value
        return comparison_figure(self.df, list(self.countries.value), self.index.value, first, last, reference=self.reference)


def democracy_explorer(df: pd.DataFrame, iso3s: Sequence[str] | None = None, index: str = "v2x_libdem"):
    """Return the live country comparison explorer for the V-Dem panel ``df``."""
    return DemocracyExplorer(df, iso3s=iso3s, index=index)
