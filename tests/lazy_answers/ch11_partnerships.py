"""Lazy submission for exercise 11: every answer is a call of civicspace package functions (must score 0)."""

ANSWERS = {
    "q1_answer": "weekly = cs.ch11.weekly_counts(reports)\n",
    "q2_answer": ("def add_baseline(weekly, k, lag=0):\n    return cs.ch11.add_baseline(weekly, window=k)\n"),
    "q3_answer": (
        "flagged = cs.ch11.flag_weeks(cs.ch11.add_baseline(weekly, window=8), threshold=2.0)\n"
        "flags_per_region = cs.ch11.flags_per_group(flagged)\n"
    ),
    "q4_answer": "scores = cs.ch11.evaluate(flagged)\n",
    # Every described case, and the first letter, instead of applying the indicator.
    "q5_answer": "counts_16101 = set('abcdef')\nwhy_q5 = 'A'\n",
}
