"""Lazy submission for exercise 2: every answer is a call of civicspace package functions (must score 0)."""

ANSWERS = {
    "q1_answer": "cs_per_year = cs.ch02.share_by_year(recs, 'mentions_civil_society').set_index('year')['mentions']\n",
    "q2_answer": ("def supported_share(df, flag):\n    return cs.ch02.supported_share(df, flag)\n"),
    "q3_answer": (
        "top_defender_recommenders = cs.ch02.top_states(recs, 'mentions_defenders', 'recommending', 10)"
        ".set_index('country')['mentions']\n"
    ),
    "q4_answer": (
        "any_share_by_year = cs.ch02.share_by_year(recs, 'any').set_index('year')['share']\n"
        "peak_year = int(cs.ch02.upr_facts(recs)['peak_year'])\n"
    ),
}
