"""Lazy submission for exercise 4 (must score 0).

Each answer first tries the package call a lazy student would have used before the
package functions were removed, then copies the code that chapter 4 shows (adapted to
the notebook's names), which answers the chapter's questions but not the exercise's.
"""

ANSWERS = {
    "q1_answer": (
        "try:\n"
        "    merged = cs.ch04.merge_panels(vdem, barriers)\n"
        "except Exception:\n"
        "    pass\n"
        'merged = vdem.merge(barriers.drop(columns=["country"]), on=["iso3", "year"], how="inner")\n'
    ),
    "q2_answer": (
        "try:\n"
        "    consultation_by_regime = cs.ch04.mean_by_regime(vdem, 'v2cscnsult', 2023).set_index('regime')['mean']\n"
        "except Exception:\n"
        "    pass\n"
        'in_2023 = vdem[vdem["year"] == 2023]\n'
        'consultation_by_regime = in_2023.groupby("v2x_regime")["v2csreprss"].mean().rename(index=regime_labels)\n'
    ),
    "q3_answer": (
        "funding_share = cs.ch04.barrier_share_by_year(\n"
        "    cs.ch04.merge_panels(vdem, barriers), 'ch_funding').set_index('year')['share']\n"
    ),
    "q4_answer": (
        "try:\n"
        "    barrier_repression_corr = cs.ch04.barrier_repression_correlation(\n"
        "        cs.ch04.merge_panels(vdem, barriers), 'ch_barriers_total', 'v2csreprss')\n"
        "except Exception:\n"
        "    pass\n"
        'coded = merged[merged["ch_covered"].fillna(False).astype(bool)]\n'
        'barrier_repression_corr = float(coded["ch_barriers_total"].astype(float).corr(coded["v2csreprss"].astype(float)))\n'
    ),
    "q5_answer": (
        "try:\n"
        "    consult_and_repress = cs.ch04.consulting_autocracies(vdem, 2023)\n"
        "except Exception:\n"
        "    pass\n"
        'in_2023 = vdem[vdem["year"] == 2023]\n'
        'autocracies_2023 = in_2023[in_2023["v2x_regime"].isin([0, 1])]\n'
        'consult_and_repress = sorted(str(c) for c in autocracies_2023.loc[autocracies_2023["v2cscnsult"] > 0, "iso3"])\n'
    ),
}
