"""Lazy submission for exercise 7 (must score 0).

Answers are package calls; for questions 2 and 3 the package call (the function no
longer exists) is followed by the code that chapter 7 shows, adapted to the notebook's
names: it gives the days to legal stigma and the named-basis share per case, not the
days to criminal liability and the share per stage asked for.
"""

ANSWERS = {
    "q1_answer": "events_per_stage = cs.ch07.stage_counts(timelines)\n",
    "q2_answer": (
        "try:\n"
        "    days_to_criminal = cs.ch07.days_between_stages(timelines, 'administrative pressure', 'criminal liability')\n"
        "except Exception:\n"
        "    pass\n"
        'case = timelines["case_id"].astype(str)\n'
        'stage = timelines["stage"].astype(str)\n'
        'when = pd.to_datetime(timelines["date"].astype(str), format="ISO8601")\n'
        'first_admin = when[stage == "administrative pressure"].groupby(case).min()\n'
        'first_stigma = when[stage == "legal stigma"].groupby(case).min()\n'
        "days_to_criminal = (first_stigma - first_admin).dt.days.astype(float)\n"
    ),
    "q4_answer": ("def find_steps_down(df):\n    return sorted(cs.ch07.steps_down(df))\n"),
    "q3_answer": (
        "try:\n"
        "    basis_share_by_stage = cs.ch07.legal_basis_share(timelines)\n"
        "except Exception:\n"
        "    pass\n"
        'case = timelines["case_id"].astype(str)\n'
        'named = timelines["legal_basis"].notna()\n'
        "basis_share_by_stage = named.groupby(case).mean()\n"
    ),
}
