"""Lazy submission for exercise 6: every answer is a call of civicspace package functions (must score 0)."""

ANSWERS = {
    "q1_answer": "by_decade = cs.fatf.events_by_type_and_decade(timeline)\n",
    "q2_answer": (
        "aml_laws = cs.laws.laws_by_year(laws, 10**6, ['AML-CFT measure'])\n"
        "aml_countries = sorted(aml_laws['iso3'].astype(str))\n"
    ),
    "q3_answer": (
        "days_between = cs.fatf.days_between\n"
        "amnesty_gap = cs.fatf.chapter_facts(timeline, laws)['days_first_freeze_to_halt']\n"
    ),
    "q4_answer": (
        "_v = cs.fatf.with_r8_version(timeline)\n"
        "under_2016 = sorted(_v.loc[_v['r8_version'] == 'R8 (2016)', 'event_id'].astype(str))\n"
    ),
    "q5_answer": (
        "_t = cs.fatf.proportionality_check(profile)\n"
        "disproportionate = _t.loc[_t['verdict'] == 'disproportionate', 'measure'].tolist()\n"
    ),
}
