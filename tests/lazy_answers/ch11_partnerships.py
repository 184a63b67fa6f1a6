"""Lazy submission for exercise 11: every answer is a call of civicspace package functions (must score 0)."""

ANSWERS = {
    "q1_answer": "weekly = cs.redflags.weekly_counts(reports)\n",
    "q2_answer": (
        "def add_baseline(weekly, k, lag=0):\n"
        "    return cs.redflags.add_baseline(weekly, window=k)\n"
    ),
    "q3_answer": (
        "flagged = cs.redflags.flag_weeks(cs.redflags.add_baseline(weekly, window=8), threshold=2.0)\n"
        "flags_per_region = cs.redflags.flags_per_group(flagged)\n"
    ),
    "q4_answer": "scores = cs.redflags.evaluate(flagged)\n",
    # Every described case, and the first letter, instead of applying the indicator.
    "q5_answer": "counts_16101 = set('abcdef')\nwhy_q5 = 'A'\n",
}
