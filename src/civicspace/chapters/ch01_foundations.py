"""Chapter 1, the international-law foundations of NGOs: treaty ratification and "which provision protects it?".

- Private helpers over the treaty-ratification table (see ``data.load_treaty_ratification``):
  counting parties, signatories and states that took no action is what exercise 1 asks
  students to do with pandas, so the module offers no public function for it.
- The texts behind the "which provision protects it?" interactive: :data:`PROVISIONS` (the
  provisions the chapter quotes), :data:`SCENARIOS` (a fixed list of situations) and
  :func:`_scenario_provisions`, the lookup that the figure and the widget show.
- Figure builders (data in, ``plotly.graph_objects.Figure`` out; pure functions, so the same
  call gives the figure in the book, in Jupyter and in the tests; each sets
  ``layout.meta['alt']``, the figure's accessible name) and the chapter's live widgets
  (:class:`civicspace.plotting.LiveFigure` subclasses: copy :class:`RatificationExplorer` to add one).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import ipywidgets as widgets
import pandas as pd
import plotly.graph_objects as go

from civicspace.plotting import (
    NOT_YET,
    OKABE_ITO,
    LiveFigure,
    base_layout,
    dropdown,
    note,
    play_pause,
    world_geo,
    wrap,
    year_slider,
)


def _check_treaty(df: pd.DataFrame, treaty: str) -> None:
    known = set(df["treaty"].astype(str).unique())
    if treaty not in known:
        raise ValueError(f"unknown treaty {treaty!r}; known: {', '.join(sorted(known))}")


def _parties_in_year(df: pd.DataFrame, treaty: str, year: int) -> pd.DataFrame:
    """Which states had become parties to ``treaty`` by the end of ``year``.

    Returns one row per state listed for the treaty, with columns ``iso3``,
    ``country``, ``status`` (status in August 2022), ``year`` (year it became a
    party, or missing) and ``party_by_year`` (bool).
    """
    _check_treaty(df, treaty)
    rows = df[df["treaty"] == treaty][["iso3", "country", "status", "year"]].copy()
    rows["party_by_year"] = (rows["status"] == "party") & (rows["year"].fillna(10**6) <= year)
    rows["party_by_year"] = rows["party_by_year"].astype(bool)
    return rows.reset_index(drop=True)


def _cumulative_parties(df: pd.DataFrame, treaties: Iterable[str], first: int = 1966, last: int = 2022) -> pd.DataFrame:
    """Number of states that were parties to each treaty at the end of each year.

    Returns a long table with columns ``treaty``, ``year`` and ``parties``, one row
    per treaty and year from ``first`` to ``last`` inclusive.
    """
    out = []
    for treaty in treaties:
        _check_treaty(df, treaty)
        years = df[(df["treaty"] == treaty) & (df["status"] == "party")]["year"].astype(int)
        counts = years.value_counts().reindex(range(first, last + 1), fill_value=0).sort_index()
        # Parties that joined before `first` are counted from the first year on.
        before = int((years < first).sum())
        out.append(pd.DataFrame({"treaty": treaty, "year": counts.index, "parties": counts.cumsum().to_numpy() + before}))
    return pd.concat(out, ignore_index=True)


# ---------------------------------------------------------------- which provision protects it?
#
# Chapter 1's "scenario → provision" interactive. The texts are the ones chapter 1 quotes
# (with their citations there); the scenarios are a small fixed list of situations an NGO
# meets. The mapping is teaching material, shown in full in the book: it is not an
# assessment of whether any restriction is justified (that is the reader's task).

#: The provisions chapter 1 quotes: id → instrument, article, whether the instrument is a
#: treaty, and the exact text as quoted in the chapter ("…" marks a cut).
PROVISIONS = {
    "UDHR 20(1)": {
        "instrument": "Universal Declaration of Human Rights",
        "article": "art. 20(1)",
        "treaty": False,
        "text": "Everyone has the right to freedom of peaceful assembly and association.",
    },
    "ICCPR 22(1)": {
        "instrument": "International Covenant on Civil and Political Rights",
        "article": "art. 22(1)",
        "treaty": True,
        "text": (
            "Everyone shall have the right to freedom of association with others, including the right to form "
            "and join trade unions for the protection of his interests."
        ),
    },
    "ICCPR 22(2)": {
        "instrument": "International Covenant on Civil and Political Rights",
        "article": "art. 22(2)",
        "treaty": True,
        "text": (
            "No restrictions may be placed on the exercise of this right other than those which are prescribed "
            "by law and which are necessary in a democratic society in the interests of national security or "
            "public safety, public order (ordre public), the protection of public health or morals or the "
            "protection of the rights and freedoms of others. This article shall not prevent the imposition of "
            "lawful restrictions on members of the armed forces and of the police in their exercise of this right."
        ),
    },
    "Declaration 1": {
        "instrument": "Declaration on Human Rights Defenders",
        "article": "art. 1",
        "treaty": False,
        "text": (
            "Everyone has the right, individually and in association with others, to promote and to strive for "
            "the protection and realization of human rights and fundamental freedoms at the national and "
            "international levels."
        ),
    },
    "Declaration 2(1)": {
        "instrument": "Declaration on Human Rights Defenders",
        "article": "art. 2(1)",
        "treaty": False,
        "text": (
            "Each State has a prime responsibility and duty to protect, promote and implement all human rights "
            "and fundamental freedoms, inter alia, by adopting such steps as may be necessary to create all "
            "conditions necessary in the social, economic, political and other fields, as well as the legal "
            "guarantees required to ensure that all persons under its jurisdiction, individually and in "
            "association with others, are able to enjoy all those rights and freedoms in practice."
        ),
    },
    "Declaration 5(a)": {
        "instrument": "Declaration on Human Rights Defenders",
        "article": "art. 5(a)",
        "treaty": False,
        "text": (
            "For the purpose of promoting and protecting human rights and fundamental freedoms, everyone has the "
            "right, individually and in association with others, at the national and international levels: "
            "(a) To meet or assemble peacefully;"
        ),
    },
    "Declaration 5(b)": {
        "instrument": "Declaration on Human Rights Defenders",
        "article": "art. 5(b)",
        "treaty": False,
        "text": (
            "For the purpose of promoting and protecting human rights and fundamental freedoms, everyone has the "
            "right, individually and in association with others, at the national and international levels: … "
            "(b) To form, join and participate in non-governmental organizations, associations or groups;"
        ),
    },
    "Declaration 5(c)": {
        "instrument": "Declaration on Human Rights Defenders",
        "article": "art. 5(c)",
        "treaty": False,
        "text": (
            "For the purpose of promoting and protecting human rights and fundamental freedoms, everyone has the "
            "right, individually and in association with others, at the national and international levels: … "
            "(c) To communicate with non-governmental or intergovernmental organizations."
        ),
    },
    "Declaration 13": {
        "instrument": "Declaration on Human Rights Defenders",
        "article": "art. 13",
        "treaty": False,
        "text": (
            "Everyone has the right, individually and in association with others, to solicit, receive and utilize "
            "resources for the express purpose of promoting and protecting human rights and fundamental freedoms "
            "through peaceful means, in accordance with article 3 of the present Declaration."
        ),
    },
}

#: The situations of the interactive, in menu order: key → short label, the situation,
#: the provisions that protect the activity in it (ids of :data:`PROVISIONS`), whether it
#: describes a state measure that restricts the exercise of ICCPR art. 22(1) (so that the
#: three conditions of art. 22(2) must be met), and a note on why.
SCENARIOS = {
    "founding": {
        "label": "Founding an association",
        "situation": "Five friends found a human-rights association.",
        "provisions": ["UDHR 20(1)", "ICCPR 22(1)", "Declaration 5(b)"],
        "restriction": False,
        "note": "Forming an association is the core of the freedom; no state measure is described, so there is "
        "nothing for art. 22(2) to test.",
    },
    "meeting": {
        "label": "Meeting to plan a campaign",
        "situation": "Members of an NGO meet to plan a peaceful campaign.",
        "provisions": ["UDHR 20(1)", "Declaration 5(a)"],
        "restriction": False,
        "note": "Meeting is the 'assembly' side of art. 20(1); the Declaration names it for the defence of rights.",
    },
    "registration-refused": {
        "label": "Registration refused",
        "situation": "The authorities refuse to register a new association because its statute criticises state institutions.",
        "provisions": ["UDHR 20(1)", "ICCPR 22(1)", "ICCPR 22(2)", "Declaration 5(b)"],
        "restriction": True,
        "note": "A refusal to register is a restriction on the exercise of the right: under the Covenant it is "
        "lawful only if it passes all three conditions of art. 22(2).",
    },
    "registration-stalled": {
        "label": "Registration never completed",
        "situation": "A registration application is never refused, but never decided either.",
        "provisions": ["ICCPR 22(1)", "ICCPR 22(2)", "Declaration 2(1)"],
        "restriction": True,
        "note": "The freedom stays intact in the statute book and empty in practice; art. 2(1) asks the state for "
        "conditions and guarantees that make the right work 'in practice'.",
    },
    "fundraising": {
        "label": "Seeking donations",
        "situation": "An NGO appeals to the public for donations to its legal-aid work.",
        "provisions": ["Declaration 13", "ICCPR 22(1)"],
        "restriction": False,
        "note": "Soliciting resources is named in art. 13, and the UN Special Rapporteur treats access to "
        "resources as part of freedom of association itself. No state measure is described.",
    },
    "foreign-grant": {
        "label": "Receiving a foreign grant",
        "situation": "An NGO receives a grant from a foundation abroad.",
        "provisions": ["Declaration 13", "ICCPR 22(1)"],
        "restriction": False,
        "note": "Art. 13 does not distinguish domestic from foreign sources. No state measure is described.",
    },
    "account-frozen": {
        "label": "Account frozen over a foreign grant",
        "situation": "The authorities freeze an NGO's bank account because it receives a grant from abroad.",
        "provisions": ["Declaration 13", "Declaration 5(b)", "Declaration 2(1)", "ICCPR 22(1)", "ICCPR 22(2)"],
        "restriction": True,
        "note": "The freeze interferes with the use of resources and with the association's work: under the "
        "Covenant it must pass all three conditions of art. 22(2).",
    },
    "dissolution": {
        "label": "Dissolution by a court",
        "situation": "A court dissolves a human-rights centre at the request of the prosecutor.",
        "provisions": ["UDHR 20(1)", "ICCPR 22(1)", "ICCPR 22(2)", "Declaration 5(b)"],
        "restriction": True,
        "note": "Dissolution is the most severe interference with an association, so it is the hardest to "
        "justify under the three conditions of art. 22(2).",
    },
    "documenting": {
        "label": "Documenting abuses",
        "situation": "A defender and her colleagues document abuses by the police and publish a report.",
        "provisions": ["Declaration 1"],
        "restriction": False,
        "note": "Striving for the protection of rights, alone or with others, is the right that art. 1 defines.",
    },
    "un-communication": {
        "label": "Writing to a UN body",
        "situation": "An NGO sends information on a violation to a UN treaty body.",
        "provisions": ["Declaration 5(c)", "Declaration 1"],
        "restriction": False,
        "note": "Art. 5(c) protects communication with intergovernmental organisations; art. 1 covers action "
        "'at the national and international levels'.",
    },
    "police-union": {
        "label": "A ban on police unions",
        "situation": "A law bars police officers from forming a trade union.",
        "provisions": ["ICCPR 22(1)", "ICCPR 22(2)"],
        "restriction": True,
        "note": "Art. 22(1) names trade unions; the last sentence of art. 22(2) allows lawful restrictions on "
        "members of the police and the armed forces, and on them only.",
    },
}


def _scenario_provisions(scenario: str) -> dict:
    """Which of chapter 1's provisions protect the activity in ``scenario`` (a key of :data:`SCENARIOS`).

    Returns a dict with the scenario's ``key``, ``label`` and ``situation``; ``provisions``,
    a list of dicts (``id``, ``instrument``, ``article``, ``treaty`` and the quoted
    ``text``) in the order the scenario lists them; ``binding``, whether any of them is in
    a treaty (only the ICCPR is); ``restriction``, whether the scenario describes a
    state measure that must meet the three conditions of ICCPR art. 22(2); and ``note``.
    It says which texts are engaged, not whether a restriction is justified.
    """
    if scenario not in SCENARIOS:
        raise ValueError(f"unknown scenario {scenario!r}; known: {', '.join(SCENARIOS)}")
    entry = SCENARIOS[scenario]
    provisions = [{"id": pid, **PROVISIONS[pid]} for pid in entry["provisions"]]
    return {
        "key": scenario,
        "label": entry["label"],
        "situation": entry["situation"],
        "provisions": provisions,
        "binding": any(p["treaty"] for p in provisions),
        "restriction": bool(entry["restriction"]),
        "note": entry["note"],
    }


# ---------------------------------------------------------------- figures

PARTY = OKABE_ITO[0]


def ratification_timeline(df: pd.DataFrame, treaties: Sequence[str], first: int = 1966, last: int = 2022) -> go.Figure:
    """Line chart: number of UN member states party to each treaty, by year."""
    counts = _cumulative_parties(df, treaties, first, last)
    fig = go.Figure()
    for i, treaty in enumerate(treaties):
        part = counts[counts["treaty"] == treaty]
        fig.add_trace(
            go.Scatter(
                x=part["year"].tolist(),
                y=part["parties"].tolist(),
                name=treaty,
                mode="lines",
                line={"color": OKABE_ITO[i % len(OKABE_ITO)], "width": 3, "dash": ["solid", "dash", "dot", "dashdot"][i % 4]},
                hovertemplate=f"{treaty}, end of %{{x}}: %{{y}} parties<extra></extra>",
            )
        )
    layout = base_layout(
        "States party to core human-rights treaties, by year",
        f"Line chart of the number of UN member states that had become parties to {', '.join(treaties)} "
        f"at the end of each year from {first} to {last} (status as of August 2022).",
        height=460,
    )
    layout.update(
        xaxis={"title": "Year", "range": [first, last]},
        yaxis={"title": "States parties", "rangemode": "tozero"},
        legend={"title": {"text": "Treaty (click to hide)"}},
        hovermode="x unified",
    )
    fig.update_layout(layout)
    return fig


def _map_trace(rows: pd.DataFrame, treaty: str) -> go.Choropleth:
    since = rows["year"].astype("Int64")
    hover = [
        f"{c}: party since {int(y)}" if s == "party" else f"{c}: not a party ({s})"
        for c, s, y in zip(rows["country"], rows["status"].astype(str), since.fillna(0))
    ]
    return go.Choropleth(
        locations=rows["iso3"].tolist(),
        z=rows["party_by_year"].astype(int).tolist(),
        zmin=0,
        zmax=1,
        colorscale=[[0, NOT_YET], [0.5, NOT_YET], [0.5, PARTY], [1, PARTY]],
        showscale=False,
        text=hover,
        hovertemplate="%{text}<extra></extra>",
        marker={"line": {"color": "white", "width": 0.5}},
        name=treaty,
    )


def _map_layout(title: str, alt: str) -> dict:
    layout = base_layout(title, alt, height=520)
    layout["geo"] = world_geo()
    layout["annotations"] = [
        note(f"<span style='color:{PARTY}'>■</span> party by then   <span style='color:{NOT_YET}'>■</span> not (yet) a party")
    ]
    return layout


def ratification_map(df: pd.DataFrame, treaty: str, year: int) -> go.Figure:
    """World map: which states were parties to ``treaty`` at the end of ``year``."""
    rows = _parties_in_year(df, treaty, year)
    n = int(rows["party_by_year"].sum())
    fig = go.Figure(_map_trace(rows, treaty))
    fig.update_layout(
        _map_layout(
            f"{treaty}: {n} states parties at the end of {year}",
            f"World map of the {len(rows)} UN member states coloured by whether they had become parties to "
            f"{treaty} by the end of {year}; {n} had.",
        )
    )
    return fig


def ratification_map_by_year(df: pd.DataFrame, treaty: str, years: Iterable[int] | None = None) -> go.Figure:
    """World map of parties to ``treaty`` with a year slider and a play button.

    The static-but-interactive version of :func:`civicspace.chapters.ch01_foundations.ratification_explorer`
    for the online book: one animation frame per year (only the colours change,
    so each frame is small), computed when the book is built.
    """
    years = list(years) if years is not None else list(range(1966, 2023))
    last = years[-1]
    rows = _parties_in_year(df, treaty, last)
    fig = go.Figure(_map_trace(rows, treaty))
    frames = []
    for year in years:
        by_year = _parties_in_year(df, treaty, year)
        n = int(by_year["party_by_year"].sum())
        frames.append(
            go.Frame(
                name=str(year),
                data=[{"type": "choropleth", "z": by_year["party_by_year"].astype(int).tolist()}],
                layout={"title": {"text": f"{treaty}: {n} states parties at the end of {year}"}},
            )
        )
    fig.frames = frames
    n_last = int(rows["party_by_year"].sum())
    layout = _map_layout(
        f"{treaty}: {n_last} states parties at the end of {last}",
        f"World map with a year slider ({years[0]}–{last}) showing which UN member states had become parties "
        f"to {treaty} by each year; {n_last} had by {last}.",
    )
    layout["height"] = 600
    layout["sliders"] = [year_slider(years, {"prefix": "End of "}, x=0.26, pad_top=30)]
    layout["updatemenus"] = [play_pause(frame_ms=300, pad_top=45)]
    fig.update_layout(layout)
    return fig


# ---------------------------------------------------------------- chapter 1: which provision protects it?
#
# The texts are laid out as one left-aligned annotation (no trace): the page then needs no
# plotly.js trace module beyond those of the chapter's maps and charts.

_SHORT_NAMES = {
    "Universal Declaration of Human Rights": "UDHR",
    "International Covenant on Civil and Political Rights": "ICCPR",
    "Declaration on Human Rights Defenders": "1998 Declaration",
}
_WRAP = 78  # characters per line: plotly does not wrap annotation text


def _wrapped(text: str, width: int = _WRAP) -> str:
    return wrap(text, width, escape=True)


def _provision_text(scenario: str) -> str:
    """The text block for one scenario: situation, each provision with its quote, the limitation clause, why."""
    found = _scenario_provisions(scenario)
    blocks = [f"<i>{_wrapped(found['situation'])}</i>"]
    for p in found["provisions"]:
        kind = "treaty, binding on its parties" if p["treaty"] else "declaration, not a treaty"
        blocks.append(f"<b>{_SHORT_NAMES[p['instrument']]} {p['article']}</b> ({kind})<br>{_wrapped('“' + p['text'] + '”')}")
    if found["restriction"]:
        clause = "<b>Limitation clause (ICCPR art. 22(2)): engaged.</b><br>" + _wrapped(
            "The situation is a state measure that restricts the association: under the ICCPR "
            "it is lawful only if it is prescribed by law, pursues a listed aim and is necessary "
            "in a democratic society."
        )
    else:
        clause = "<b>Limitation clause (ICCPR art. 22(2)): not engaged.</b><br>" + _wrapped(
            "No state measure restricting the association is described."
        )
    blocks += [clause, f"<b>Why:</b> {_wrapped(found['note'], _WRAP - 6)}"]
    return "<br><br>".join(blocks)


def _text_height(text: str, top: int) -> int:
    """Figure height (px) that shows a 13 px annotation of ``text`` whole below a top margin of ``top``."""
    return top + int(17.5 * (text.count("<br>") + 1)) + 30


def _provision_title(scenario: str) -> str:
    return f"Which provision protects it? {_scenario_provisions(scenario)['label']}"


def provision_figure(scenario: str) -> go.Figure:
    """The provisions of chapter 1 that protect the activity in ``scenario``, with their quoted text.

    ``scenario`` is a key of :data:`civicspace.chapters.ch01_foundations.SCENARIOS`. Below the quotes, the
    figure says whether the situation is a restriction that the three conditions of
    ICCPR art. 22(2) must justify, and why. The text is one annotation (``layout.annotations[0]``).
    """
    found = _scenario_provisions(scenario)
    ids = ", ".join(p["id"] for p in found["provisions"])
    fig = go.Figure()
    layout = base_layout(
        _provision_title(scenario),
        f"The provisions that protect the situation '{found['situation']}' ({ids}), with their text as quoted "
        f"in chapter 1; the limitation clause of ICCPR art. 22(2) is "
        f"{'engaged' if found['restriction'] else 'not engaged'}.",
        height=_text_height(_provision_text(scenario), 60),
    )
    layout.update(
        xaxis={"visible": False, "range": [0, 1], "fixedrange": True},
        yaxis={"visible": False, "range": [0, 1], "fixedrange": True},
        annotations=[
            {
                "text": _provision_text(scenario),
                "showarrow": False,
                "align": "left",
                "x": 0,
                "y": 1,
                "xref": "paper",
                "yref": "paper",
                "xanchor": "left",
                "yanchor": "top",
                "font": {"size": 13},
            }
        ],
        margin={"l": 10, "r": 10, "t": 60, "b": 10},
    )
    fig.update_layout(layout)
    return fig


def provision_explorer_figure(scenarios: Sequence[str] | None = None) -> go.Figure:
    """:func:`provision_figure` with a menu of situations: the book's static-but-interactive version.

    One menu entry per scenario (all of :data:`civicspace.chapters.ch01_foundations.SCENARIOS` by default);
    each replaces the text and the title with values computed when the book is built.
    """
    keys = list(scenarios) if scenarios is not None else list(SCENARIOS)
    fig = provision_figure(keys[0])
    buttons = [
        {
            "label": _scenario_provisions(key)["label"],
            "method": "relayout",
            "args": [{"annotations[0].text": _provision_text(key), "title.text": _provision_title(key)}],
        }
        for key in keys
    ]
    fig.update_layout(
        meta={
            "alt": f"The provisions quoted in chapter 1 that protect a situation an NGO may face, with a menu "
            f"of {len(keys)} situations ({', '.join(SCENARIOS[k]['label'] for k in keys)}); for "
            f"each, the quoted text and whether ICCPR art. 22(2) is engaged."
        },
        updatemenus=[dropdown(buttons, pad={"b": 8})],
        margin={"l": 10, "r": 10, "t": 110, "b": 10},
        height=max(_text_height(_provision_text(key), 110) for key in keys),
    )
    return fig


# ---------------------------------------------------------------- live widgets (Jupyter)
class RatificationExplorer(LiveFigure):
    """A treaty menu and a year slider over :func:`ratification_map`.

    ``current_figure`` holds the figure for the current choice (the tests read it).
    """

    def __init__(self, df: pd.DataFrame, treaty: str = "ICCPR", year: int = 2022):
        self.df = df
        codes = list(dict.fromkeys(df["treaty"].astype(str)))
        self.treaty = widgets.Dropdown(options=codes, value=treaty, description="Treaty")
        self.year = widgets.IntSlider(value=year, min=1966, max=2022, step=1, description="End of year", continuous_update=False)
        super().__init__([widgets.HBox([self.treaty, self.year])], controls=(self.treaty, self.year))

    def figure(self):
        """The map for the current treaty and year."""
        return ratification_map(self.df, self.treaty.value, self.year.value)


def ratification_explorer(df: pd.DataFrame, treaty: str = "ICCPR", year: int = 2022) -> RatificationExplorer:
    """Return the live ratification explorer for the treaty table ``df``."""
    return RatificationExplorer(df, treaty=treaty, year=year)


class ProvisionExplorer(LiveFigure):
    """A menu of situations over :func:`provision_figure` (chapter 1: which provision protects it?).

    ``current_figure`` holds the table for the current situation (the tests read it).
    """

    def __init__(self, scenario: str = "founding"):
        from civicspace.chapters import ch01_foundations as treaties

        options = [(entry["label"], key) for key, entry in treaties.SCENARIOS.items()]
        self.scenario = widgets.Dropdown(
            options=options, value=scenario, description="Situation", layout=widgets.Layout(width="420px")
        )
        super().__init__([self.scenario], controls=(self.scenario,))

    def figure(self):
        """The table for the current situation."""
        return provision_figure(self.scenario.value)


def provision_explorer(scenario: str = "founding") -> ProvisionExplorer:
    """Return the live "which provision protects it?" explorer of chapter 1."""
    return ProvisionExplorer(scenario=scenario)
