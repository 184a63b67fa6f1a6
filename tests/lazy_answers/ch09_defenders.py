"""Lazy submission for exercise 9: every answer is a call of civicspace package functions (must score 0)."""

ANSWERS = {
    "q1_answer": "share_any = cs.defenders.share_any_by_year(restrictions)\n",
    "q2_answer": (
        "def mean_pts_with_without(df, item):\n"
        "    return {k: float(v) for k, v in cs.defenders.mean_pts_with_without(df, item).items()}\n"
    ),
    "q3_answer": (
        "def top_risers(df, start, end, n=5):\n"
        "    return cs.defenders.top_risers(df, start, end, n)\n"
    ),
    "q4_answer": (
        "killed_change = cs.defenders.killed_changes(killed)['change']\n"
        "largest_increase_year = int(killed_change.idxmax())\n"
    ),
}
