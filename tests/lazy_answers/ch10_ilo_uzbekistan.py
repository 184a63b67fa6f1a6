"""Lazy submission for exercise 10: every answer is a call of civicspace package functions (must score 0)."""

ANSWERS = {
    "q1_answer": "n_with_share = cs.monitoring.chapter_facts(ilo)['n_with_share']\n",
    "q2_answer": "changes = cs.monitoring.share_changes(ilo)[['from_year', 'to_year', 'change_pp']]\n",
    "q3_answer": "largest_fall_year = int(cs.monitoring.largest_fall(ilo)['to_year'])\n",
    "q4_answer": "caveat_share = cs.monitoring.caveat_share(ilo)\n",
    "q5_answer": (
        "costs = [round(0.1 * i, 1) for i in range(21)]\n"
        "smallest_exposure_cost = min(c for c in costs\n"
        "                             if cs.monitoring.simulate_trust(exposure_cost=c)['trust_end'].iloc[-1] > 0.5)\n"
        "def exposure_needed(trust, cooperation_payoff=1.8, cooptation_cost=1.2, reform_cost=1.0):\n"
        "    for c in [round(0.01 * i, 2) for i in range(301)]:\n"
        "        sim = cs.monitoring.simulate_trust(rounds=1, initial_trust=trust, exposure_cost=c,\n"
        "                                           cooperation_payoff=cooperation_payoff,\n"
        "                                           cooptation_cost=cooptation_cost, reform_cost=reform_cost)\n"
        "        if sim['outcome'].iloc[0] == 'partnership':\n"
        "            return c\n"
        "    return None\n"
    ),
}
