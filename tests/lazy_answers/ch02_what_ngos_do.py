"""Lazy submission for exercise 2: every answer is a call of civicspace package functions (must score 0)."""

ANSWERS = {
    "q1_answer": "cs_per_year = cs.upr.share_by_year(recs, 'mentions_civil_society').set_index('year')['mentions']\n",
    "q2_answer": (
        "def supported_share(df, flag):\n"
        "    return cs.upr.supported_share(df, flag)\n"
    ),
    "q3_answer": (
        "top_defender_recommenders = cs.upr.top_states(recs, 'mentions_defenders', 'recommending', 10)"
        ".set_index('country')['mentions']\n"
    ),
    "q4_answer": (
        "any_share_by_year = cs.upr.share_by_year(recs, 'any').set_index('year')['share']\n"
        "peak_year = int(cs.upr.upr_facts(recs)['peak_year'])\n"
    ),
}
