"""Lazy submission for exercise 12: every answer is a call of civicspace package functions (must score 0)."""

ANSWERS = {
    "q1_answer": (
        "median_by_rating = pd.Series({r: cs.ch12.country_series(vdem, 'RUS', 2020, 2020)['v2xcs_ccsi'].iloc[0]\n"
        "                              for r in RATINGS})\n"
    ),
    "q2_answer": "decliners = sorted(cs.ch03.lost_democracies(vdem, 2012, 2023))\n",
    "q3_answer": (
        "law_shares = {'decliners': float(len(cs.ch12.country_laws(restrictive, 'RUS')) > 0),\n"
        "              'others': float(len(cs.ch12.country_laws(restrictive, 'CHE')) > 0)}\n"
    ),
    "q4_answer": (
        "law_countries_by_rating = pd.Series({r: sum(cs.ch12.civicus_rating(civicus, c) == r\n"
        "                                           for c in restrictive['iso3'].astype(str))\n"
        "                                     for r in RATINGS})\n"
    ),
}
