"""Chapter 12 (closing: synthesis and what comes next): one country, three of the course's datasets.

The chapter's interactive puts side by side, for one country, what three of the course's
sources say about its civic space:

* the V-Dem v14 civil-society indices of :func:`civicspace.data.load_civic_space_panel`
  (one line per index, by year);
* the CIVICUS Monitor rating in force on 19 March 2021
  (:func:`civicspace.data.load_civicus_monitor_2021`), shown in the title;
* the curated laws and measures against NGOs of
  :func:`civicspace.data.load_restrictive_laws`, shown as markers in the year of adoption.

The functions only *draw* one country at a time. They do not rank, count or compare
countries: that is the work the chapter's exercise asks students to do with pandas.
"""

from __future__ import annotations

from collections.abc import Sequence

import ipywidgets as widgets
import pandas as pd
import plotly.graph_objects as go

from civicspace.plotting import OKABE_ITO, LiveFigure, base_layout, dropdown

#: The V-Dem indices the chapter draws (all on a 0–1 scale, higher = more freedom), in legend order.
INDICES: dict[str, str] = {
    "v2xcs_ccsi": "Core civil society index",
    "v2x_frassoc_thick": "Freedom of association (thick)",
    "v2x_freexp_altinf": "Freedom of expression and alternative information",
    "v2x_libdem": "Liberal democracy index",
}

#: Countries the chapter's static explorer offers first: cases discussed in earlier chapters.
FEATURED: tuple[str, ...] = ("RUS", "HUN", "IND", "NIC", "GEO", "TUR", "EGY", "SLV")

_COLOURS = [OKABE_ITO[0], OKABE_ITO[1], OKABE_ITO[2], OKABE_ITO[7]]
_DASHES = ["solid", "dash", "dot", "dashdot"]
_LAW_COLOUR = OKABE_ITO[5]  # vermilion


def _check_country(panel: pd.DataFrame, iso3: str) -> None:
    if iso3 not in set(panel["iso3"].astype(str)):
        raise ValueError(f"unknown country code {iso3!r}: not in the V-Dem panel")


def country_name(panel: pd.DataFrame, iso3: str) -> str:
    """The country's name as the V-Dem panel spells it."""
    _check_country(panel, iso3)
    return str(panel.loc[panel["iso3"] == iso3, "country"].iloc[0])


def civicus_rating(civicus: pd.DataFrame, iso3: str) -> str | None:
    """CIVICUS Monitor rating of ``iso3`` on 19 March 2021 (``"closed"`` … ``"open"``), or None if unrated or absent."""
    rows = civicus[civicus["iso3"] == iso3]
    if rows.empty or pd.isna(rows["rating"].iloc[0]):
        return None
    return str(rows["rating"].iloc[0])


def country_laws(laws: pd.DataFrame, iso3: str) -> pd.DataFrame:
    """The country's rows of ``restrictive_laws``: ``year_adopted``, ``date_adopted``, ``type``, ``title``, by date."""
    rows = laws[laws["iso3"] == iso3][["year_adopted", "date_adopted", "type", "title"]].copy()
    rows["type"] = rows["type"].astype(str)
    return rows.sort_values(["date_adopted", "title"]).reset_index(drop=True)


def country_series(panel: pd.DataFrame, iso3: str, first: int = 2000, last: int = 2023) -> pd.DataFrame:
    """One row per year from ``first`` to ``last`` with the columns ``year`` and every index of :data:`INDICES`."""
    _check_country(panel, iso3)
    rows = panel[(panel["iso3"] == iso3) & panel["year"].between(first, last)]
    out = rows[["year", *INDICES]].copy()
    out["year"] = out["year"].astype(int)
    return out.sort_values("year").reset_index(drop=True)


def _traces(panel, civicus, laws, iso3, first, last) -> tuple[list[go.Scatter], str, str]:
    """The traces of one country, its title and its one-sentence description."""
    name = country_name(panel, iso3)
    series = country_series(panel, iso3, first, last)
    traces = []
    for i, (col, label) in enumerate(INDICES.items()):
        traces.append(
            go.Scatter(
                x=series["year"].tolist(),
                y=[None if pd.isna(v) else float(v) for v in series[col]],
                name=label,
                mode="lines",
                line={"color": _COLOURS[i], "width": 3 if i == 0 else 2, "dash": _DASHES[i]},
                hovertemplate=f"{label}, %{{x}}: %{{y:.2f}}<extra>{name}</extra>",
            )
        )
    own = country_laws(laws, iso3)
    own = own[own["year_adopted"] >= first]  # laws after the V-Dem data end are shown too
    traces.append(
        go.Scatter(
            x=[int(y) for y in own["year_adopted"]],
            y=[0.03] * len(own),
            name="Law or measure against NGOs (curated list)",
            mode="markers",
            marker={"symbol": "triangle-up", "size": 14, "color": _LAW_COLOUR, "line": {"color": "black", "width": 1}},
            text=[f"{d}: {t} ({k})" for d, t, k in zip(own["date_adopted"], own["title"], own["type"])],
            hovertemplate="%{text}<extra></extra>",
        )
    )
    rating = civicus_rating(civicus, iso3)
    rated = f"CIVICUS rating on 19 March 2021: {rating}" if rating else "no CIVICUS rating on 19 March 2021"
    # Short enough to fit the book's column; the alt text gives the rating's full date.
    title = f"{name}: V-Dem indices {first}–{last}; " + (f"CIVICUS 2021: {rating}" if rating else "no CIVICUS rating (2021)")
    n = len(own)
    laws_text = (
        f"{n} law{'s' if n != 1 else ''} or measure{'s' if n != 1 else ''} against NGOs from the course's curated list "
        f"marked by triangles"
        if n
        else f"no law from the course's curated list since {first}"
    )
    alt = f"Line chart of four V-Dem indices for {name} from {first} to {last}, with {laws_text}; {rated}."
    return traces, title, alt


def _axis_end(laws: pd.DataFrame, last: int) -> int:
    """Last year of the x axis: the V-Dem data's last year, or the latest law's year if later."""
    years = laws["year_adopted"].dropna()
    return max(last, int(years.max())) if not years.empty else last


def _layout(title: str, alt: str, first: int, last: int, height: int = 560) -> dict:
    layout = base_layout(title, alt, height, top=80)
    layout["title"]["font"] = {"size": 16}
    return layout | {
        "xaxis": {"title": {"text": "Year"}, "range": [first - 0.5, last + 0.5]},
        "yaxis": {"title": {"text": "V-Dem index (0–1, higher = freer)"}, "range": [0, 1]},
        "legend": {"orientation": "h", "x": 0, "xanchor": "left", "y": -0.15, "yanchor": "top"},
        "hovermode": "closest",
    }


def profile_figure(
    panel: pd.DataFrame,
    civicus: pd.DataFrame,
    laws: pd.DataFrame,
    iso3: str,
    first: int = 2000,
    last: int = 2023,
) -> go.Figure:
    """One country through three datasets: V-Dem index lines, law markers, the CIVICUS rating in the title.

    The lines run from ``first`` to ``last``; the markers show every law of the country from
    ``first`` on, including laws adopted after the V-Dem data end (the x axis is extended).
    """
    traces, title, alt = _traces(panel, civicus, laws, iso3, first, last)
    fig = go.Figure(traces)
    fig.update_layout(_layout(title, alt, first, _axis_end(laws, last)))
    return fig


def explorer_figure(
    panel: pd.DataFrame,
    civicus: pd.DataFrame,
    laws: pd.DataFrame,
    iso3s: Sequence[str] | None = None,
    first: int = 2000,
    last: int = 2023,
) -> go.Figure:
    """The book's static version of :class:`CountryExplorer`: a menu switches the country.

    By default the menu offers :data:`FEATURED` first, then every other country of the
    curated list of laws, in alphabetical order of name. The traces of every country are
    computed when the book is built; the menu shows one country's at a time.
    """
    if iso3s is None:
        others = sorted(set(laws["iso3"].astype(str)) - set(FEATURED), key=lambda c: country_name(panel, c))
        iso3s = [*FEATURED, *others]
    iso3s = list(iso3s)
    if not iso3s:
        raise ValueError("choose at least one country")
    parts = [_traces(panel, civicus, laws, iso3, first, last) for iso3 in iso3s]
    per = len(parts[0][0])
    fig = go.Figure()
    buttons = []
    for k, (iso3, (traces, title, _alt)) in enumerate(zip(iso3s, parts)):
        for trace in traces:
            trace.visible = k == 0
            trace.showlegend = True
            fig.add_trace(trace)
        visible = [j // per == k for j in range(per * len(iso3s))]
        buttons.append(
            {
                "label": country_name(panel, iso3),
                "method": "update",
                "args": [{"visible": visible}, {"title.text": title}],
            }
        )
    names = ", ".join(country_name(panel, c) for c in iso3s)
    alt = (
        f"Line chart of four V-Dem civil-society indices from {first} to {last}, with the laws and measures "
        f"against NGOs of the course's curated list marked by triangles and the CIVICUS rating of 19 March 2021 "
        f"in the title; a menu switches between {len(iso3s)} countries ({names}). It opens on "
        f"{country_name(panel, iso3s[0])}."
    )
    layout = _layout(parts[0][1], alt, first, _axis_end(laws, last), height=640)
    layout["title"].update({"y": 0.985, "yref": "container", "yanchor": "top"})
    layout["margin"] = {"l": 10, "r": 10, "t": 120, "b": 10}
    layout["updatemenus"] = [dropdown(buttons, x=0.1, y=1.04, direction="down", bgcolor="white", bordercolor="#767676")]
    layout["annotations"] = [
        {
            "text": "<b>Country:</b>",
            "showarrow": False,
            "x": 0,
            "xref": "paper",
            "xanchor": "left",
            "y": 1.075,
            "yref": "paper",
            "yanchor": "middle",
        }
    ]
    fig.update_layout(layout)
    return fig


class CountryExplorer(LiveFigure):
    """A country menu and a first-year slider over :func:`profile_figure` (any country of the V-Dem panel)."""

    def __init__(self, panel: pd.DataFrame, civicus: pd.DataFrame, laws: pd.DataFrame, iso3: str = "RUS", first: int = 2000):
        self.panel, self.civicus, self.laws = panel, civicus, laws
        names = panel.drop_duplicates("iso3")[["iso3", "country"]].astype(str).sort_values("country")
        self.country = widgets.Dropdown(
            options=[(f"{n} ({c})", c) for c, n in zip(names["iso3"], names["country"])], value=iso3, description="Country"
        )
        last = int(panel["year"].max())
        self.last = last
        self.first = widgets.IntSlider(
            value=first, min=int(panel["year"].min()), max=last - 5, step=1, description="From", continuous_update=False
        )
        super().__init__([widgets.HBox([self.country, self.first])], controls=(self.country, self.first))

    def figure(self):
        """The profile of the chosen country from the chosen year."""
        return profile_figure(self.panel, self.civicus, self.laws, self.country.value, self.first.value, self.last)


def country_explorer(panel: pd.DataFrame, civicus: pd.DataFrame, laws: pd.DataFrame, iso3: str = "RUS") -> CountryExplorer:
    """Return the live country explorer of chapter 12."""
    return CountryExplorer(panel, civicus, laws, iso3=iso3)
