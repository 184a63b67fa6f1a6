"""Private helpers over the treaty-ratification table (see ``data.load_treaty_ratification``).

The figures of chapter 1 (``civicspace.figures``) are built on them. Counting
parties, signatories and states that took no action is what exercise 1 asks
students to do with pandas, so the package offers no public function for it.
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
