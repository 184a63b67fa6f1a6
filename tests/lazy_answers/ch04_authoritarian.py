"""Lazy submission for exercise 4: every answer is a call of civicspace package functions (must score 0)."""

ANSWERS = {
    "q1_answer": "merged = cs.authoritarian.merge_panels(vdem, barriers)\n",
    "q2_answer": (
        "repression_by_regime = cs.authoritarian.mean_by_regime(vdem, 'v2csreprss', 2023).set_index('regime')['mean']\n"
    ),
    "q3_answer": (
        "funding_share = cs.authoritarian.barrier_share_by_year(\n"
        "    cs.authoritarian.merge_panels(vdem, barriers), 'ch_funding').set_index('year')['share']\n"
    ),
    "q4_answer": (
        "barrier_repression_corr = cs.authoritarian.barrier_repression_correlation(\n"
        "    cs.authoritarian.merge_panels(vdem, barriers), 'ch_barriers_total', 'v2csreprss')\n"
    ),
    "q5_answer": "consulting_autocracies = cs.authoritarian.consulting_autocracies(vdem, 2023)\n",
}
