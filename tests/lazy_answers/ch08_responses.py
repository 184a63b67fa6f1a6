"""Lazy submission for exercise 8: every answer is a call of civicspace package functions (must score 0)."""

ANSWERS = {
    "q1_answer": "stage_2020 = cs.ch08.highest_stage(timelines, 2020)\n",
    # The catalogue in its own order, as if it listed the seven described responses.
    "q2_answer": (
        "classified = {k: tuple(row) for k, row in zip('abcdefg', "
        "responses.STRATEGIES[['level', 'purpose']].itertuples(index=False))}\n"
    ),
    # The nearest preset scenario, and the planner's own answer for it instead of a prediction.
    "q3_answer": (
        "scenario_q3 = responses.PRESETS['Foreign-funding law, early (domestic)']\n"
        "predicted_q3 = {s: responses.applies(s, scenario_q3) for s in ['counter_narrative', "
        "'independent_channels', 'government_liaison', 'continuity_abroad', 'defender_assistance', 'partnerships']}\n"
    ),
    "q4_answer": (
        "added_at_4 = sorted(responses.plan(responses.PRESETS['Criminal cases, staff at home (domestic)'])['strategy_id'])\n"
        "why_q4 = responses.describe(scenario_q3)\n"
    ),
}
