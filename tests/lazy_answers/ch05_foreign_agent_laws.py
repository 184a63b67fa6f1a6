"""Lazy submission for exercise 5: every answer is a call of civicspace package functions (must score 0)."""

ANSWERS = {
    "q1_answer": (
        "restrictive = cs.laws.restrictive(laws)\n"
        "type_counts = cs.laws.target_counts(laws)['laws'].sort_values(ascending=False)\n"
    ),
    "q2_answer": "target_table = cs.laws.target_counts(laws).drop(columns='laws')\n",
    "q3_answer": "funding_share = cs.laws.funding_barrier_share(barriers, 'cw').set_index('year')\n",
    "q4_answer": "repression_change = cs.laws.repression_before_after(laws, vdem).set_index('iso3')\n",
    "q5_answer": "n_worse = cs.laws.chapter_facts(laws, barriers, vdem)['rep_n_worse']\n",
}
