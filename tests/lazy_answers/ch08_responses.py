"""Lazy submission for exercise 8: every answer is a call of civicspace package functions (must score 0)."""

ANSWERS = {
    "q1_answer": "stage_2020 = cs.ch08.highest_stage(timelines, 2020)\n",
    "q2_answer": "law_purposes = cs.ch08.purposes_by_law(laws)[cs.ch08.PURPOSES]\n",
    "q3_answer": (
        "support_by_type = cs.ch08.purpose_counts_by_type(laws)[['n_laws', 'support']]"
        ".rename(columns={'support': 'n_support'})\n"
    ),
    "q4_answer": "always_2020 = cs.ch08.common_strategies(cs.ch08.case_scenarios(timelines, 2020))\n",
}
