"""Lazy submission for exercise 5 (must score 0).

Answers are package calls; for question 3 the package call (the function no longer exists) is
followed by the code that chapter 5 shows, adapted to the notebook's names: it traces
foreign-funding barriers, not the barriers to advocacy asked for.
"""

ANSWERS = {
    "q1_answer": (
        "restrictive = cs.ch05.restrictive(laws)\n"
        "type_counts = cs.ch05.target_counts(laws)['laws'].sort_values(ascending=False)\n"
    ),
    "q2_answer": "target_table = cs.ch05.target_counts(laws).drop(columns='laws')\n",
    "q3_answer": (
        "try:\n"
        "    advocacy_share = cs.ch05.funding_barrier_share(barriers, 'cw').set_index('year')\n"
        "except Exception:\n"
        "    pass\n"
        'coded = barriers[barriers["cw_covered"]]\n'
        'cw_share = (coded["cw_funding"] > 0).groupby(coded["year"]).mean()\n'
        'cw_coded = coded.groupby("year").size()\n'
        'advocacy_share = pd.DataFrame({"coded": cw_coded, "with_barrier": (coded["cw_funding"] > 0).groupby(coded["year"]).sum(),\n'
        '                               "share": cw_share})\n'
    ),
    "q4_answer": "repression_change = cs.ch05.repression_before_after(laws, vdem).set_index('iso3')\n",
    "q5_answer": "n_worse = cs.ch05.chapter_facts(laws, barriers, vdem)['rep_n_worse']\n",
    # The chapter's law classifier gives the coded targets of a real law, not the question a
    # described law departs on.
    "q6_answer": (
        "_c = cs.ch05.classify_law(laws, 'geo-2024-transparency-foreign-influence')\n"
        "departs_on = {k: _c.get('type', 'none') for k in 'BCDEF'}\n"
        "resembles = {'B': 'Georgia 2024', 'F': 'US FARA 1938'}\n"
    ),
}
