"""Lazy submission for exercise 3: every answer is a call of civicspace package functions (must score 0)."""

ANSWERS = {
    "q1_answer": "hun_peak_year = cs.democracy.peak_year(vdem, 'HUN', 'v2x_libdem')\n",
    "q2_answer": (
        "change_table = cs.democracy.change_between(vdem, 'v2x_libdem', 2013, 2023).rename(\n"
        "    columns={'v2x_libdem_2013': 'libdem_2013', 'v2x_libdem_2023': 'libdem_2023'})\n"
    ),
    "q3_answer": "largest_declines = cs.democracy.largest_declines(vdem, 10, 'v2x_libdem', 2013, 2023)\n",
    "q4_answer": "regime_table = cs.democracy.regime_counts(vdem)\n",
    "q5_answer": "lost_democracies = cs.democracy.lost_democracies(vdem, 2013, 2023)\n",
}
