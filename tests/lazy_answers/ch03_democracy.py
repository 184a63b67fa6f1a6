"""Lazy submission for exercise 3 (must score 0).

Answers are package calls, or for questions 2 and 3 first the package call (the
function no longer exists) and then the code that chapter 3 shows, adapted to the
notebook's names: it compares 2013 with 2023, not the 2003-2023 change asked for.
"""

ANSWERS = {
    "q1_answer": "hun_peak_year = cs.ch03.peak_year(vdem, 'HUN', 'v2x_libdem')\n",
    "q2_answer": (
        "try:\n"
        "    change_table = cs.ch03.change_between(vdem, 'v2x_libdem', 2003, 2023).rename(\n"
        "        columns={'v2x_libdem_2003': 'libdem_2003', 'v2x_libdem_2023': 'libdem_2023'})\n"
        "except Exception:\n"
        "    pass\n"
        'last = int(vdem["year"].max())\n'
        'libdem = vdem[vdem["year"].isin([2013, last])].pivot(index="iso3", columns="year", values="v2x_libdem").dropna()\n'
        "change = (libdem[last] - libdem[2013]).round(3)\n"
        'names = vdem.drop_duplicates("iso3").set_index("iso3")["country"]\n'
        'change_table = pd.DataFrame({"country": names.reindex(libdem.index), "libdem_2003": libdem[2013],\n'
        '                             "libdem_2023": libdem[last], "change": change}).sort_values("change")\n'
    ),
    "q3_answer": (
        "try:\n"
        "    largest_declines = cs.ch03.largest_declines(vdem, 10, 'v2x_libdem', 2003, 2023)\n"
        "except Exception:\n"
        "    pass\n"
        'last = int(vdem["year"].max())\n'
        'libdem = vdem[vdem["year"].isin([2013, last])].pivot(index="iso3", columns="year", values="v2x_libdem").dropna()\n'
        "change = (libdem[last] - libdem[2013]).round(3)\n"
        "largest_declines = [str(c) for c in change.sort_values().index[:10]]\n"
    ),
    "q4_answer": "regime_table = cs.ch03.regime_counts(vdem)\n",
    "q5_answer": "lost_democracies = cs.ch03.lost_democracies(vdem, 2013, 2023)\n",
}
