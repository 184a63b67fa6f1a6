"""Lazy submission for exercise 7: every answer is a call of civicspace package functions (must score 0)."""

ANSWERS = {
    "q1_answer": "events_per_stage = cs.escalation.stage_counts(timelines)\n",
    "q2_answer": "days_to_stigma = cs.escalation.days_between_stages(timelines, 'administrative pressure', 'legal stigma')\n",
    "q3_answer": (
        "def find_steps_down(df):\n"
        "    return sorted(cs.escalation.steps_down(df))\n"
    ),
    "q4_answer": "basis_share = cs.escalation.legal_basis_share(timelines)\n",
}
