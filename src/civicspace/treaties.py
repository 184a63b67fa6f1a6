"""Private helpers over the treaty-ratification table (see ``data.load_treaty_ratification``).

The figures of chapter 1 (``civicspace.figures``) are built on them. Counting
parties, signatories and states that took no action is what exercise 1 asks
students to do with pandas, so the package offers no public function for it.

The module also holds the texts behind chapter 1's "which provision protects it?"
interactive: :data:`PROVISIONS` (the provisions the chapter quotes), :data:`SCENARIOS`
(a fixed list of situations) and :func:`_scenario_provisions`, the lookup that the
figure and the widget show.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd


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
        out.append(
            pd.DataFrame({"treaty": treaty, "year": counts.index, "parties": counts.cumsum().to_numpy() + before})
        )
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
        "situation": "The authorities refuse to register a new association because its statute criticises "
                     "state institutions.",
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
