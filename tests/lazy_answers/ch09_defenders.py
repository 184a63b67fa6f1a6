"""Lazy submission for exercise 9 (must score 0).

Answers are package calls; for questions 2 and 4 the package call (the function no
longer exists) is followed by the code that chapter 9 shows, adapted to the notebook's
names: it uses the State Department's scale only, and year-on-year differences in
defenders killed, not the percentage changes and number of rises asked for.
"""

ANSWERS = {
    "q1_answer": "share_any = cs.ch09.share_any_by_year(restrictions)\n",
    "q2_answer": (
        "def mean_pts_with_without(df, item, pts):\n"
        "    try:\n"
        "        return {k: float(v) for k, v in cs.ch09.mean_pts_with_without(df, item, pts).items()}\n"
        "    except Exception:\n"
        "        pass\n"
        '    rows = df[df[item].notna() & df["pts_s"].notna()]\n'
        "    with_arrests = rows[item] > 0\n"
        '    mean_with = float(rows.loc[with_arrests, "pts_s"].mean())\n'
        '    mean_without = float(rows.loc[~with_arrests, "pts_s"].mean())\n'
        '    return {"with": mean_with, "without": mean_without}\n'
    ),
    "q3_answer": ("def top_risers(df, start, end, n=5):\n    return cs.ch09.top_risers(df, start, end, n)\n"),
    "q4_answer": (
        "try:\n"
        "    killed_pct_change = cs.ch09.killed_changes(killed)['change']\n"
        "except Exception:\n"
        "    pass\n"
        'counts = killed.set_index("year")["killed"].sort_index()\n'
        "change = counts.diff()\n"
        "killed_pct_change = change\n"
        "n_rises = int((change > 0).sum())\n"
    ),
}
