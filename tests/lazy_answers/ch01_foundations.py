"""Lazy submission for exercise 1: every answer is a call of civicspace package functions (must score 0)."""

ANSWERS = {
    "q1_answer": "iccpr_parties = cs.ch01.status_counts(treaties, 'ICCPR')['party']\n",
    "q2_answer": (
        "def parties_by_year(df, treaty, year):\n"
        "    return int(cs.ch01.parties_in_year(df, treaty, year)['party_by_year'].sum())\n"
    ),
    "q3_answer": (
        "status_table = pd.DataFrame({t: cs.ch01.status_counts(treaties, t)\n"
        "                             for t in treaties['treaty'].astype(str).unique()}).T.sort_values('party', ascending=False)\n"
    ),
    "q4_answer": (
        "_rows = cs.ch01.parties_in_year(treaties, 'ICCPR', 2022)\n"
        "late_joiners = sorted(_rows.loc[_rows['party_by_year'] & (_rows['year'] > 2000), 'iso3'].astype(str))\n"
    ),
}
