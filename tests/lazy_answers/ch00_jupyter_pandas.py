"""Lazy submission for exercise 0: every answer is a call of civicspace package functions (must score 0)."""

ANSWERS = {
    "q1_answer": ("recent_foreign_agent = sorted(cs.ch07.law_milestones(laws)['iso3'].astype(str).unique())\n"),
    "q2_answer": "criminal_share = cs.ch05.target_shares(laws)['criminalisation']\n",
    "q3_answer": (
        "op1_but_repressed = sorted(c for c in civicus['iso3'].astype(str)\n"
        "                           if cs.ch12.civicus_rating(civicus, c) in ('closed', 'repressed'))\n"
    ),
    "q4_answer": ("def joined_between(df, treaty, first, last):\n    return len(cs.ch12.country_laws(df, treaty))\n"),
}
