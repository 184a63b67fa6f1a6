"""Lazy submission for exercise 1: every answer is a call of civicspace package functions (must score 0)."""

ANSWERS = {
    # The reasoning items: the chapter's interactive (treaties.SCENARIOS / PROVISIONS) looked up for the
    # nearest situation, which is not the situation asked about.
    "legal_root_answer": "legal_root = cs.ch01.PROVISIONS['ICCPR 22(1)']['text']\n",
    "un_recognition_answer": (
        "_nearest = {'A': 'un-communication', 'B': 'founding', 'C': 'un-communication', 'D': 'founding'}\n"
        "un_recognition = {k: cs.ch01.SCENARIOS[s]['provisions'][0] for k, s in _nearest.items()}\n"
    ),
    "which_text_answer": (
        "_nearest = {'A': 'founding', 'B': 'foreign-grant', 'C': 'police-union'}\n"
        "which_text = {k: cs.ch01.SCENARIOS[s]['provisions'][0] for k, s in _nearest.items()}\n"
        "binding = {k: cs.ch01._scenario_provisions(s)['binding'] for k, s in _nearest.items()}\n"
    ),
    # The interactive says whether a scenario engages art. 22(2), not which condition a restriction fails.
    "first_failed_answer": (
        "_nearest = {'A': 'registration-refused', 'B': 'dissolution', 'C': 'account-frozen', 'D': 'police-union'}\n"
        "first_failed = {k: 'necessity' if cs.ch01.SCENARIOS[s]['restriction'] else 'none' for k, s in _nearest.items()}\n"
    ),
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
