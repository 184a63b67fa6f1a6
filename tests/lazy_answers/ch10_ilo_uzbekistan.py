"""Lazy submission for exercise 10 (must score 0).

Answers are package calls; for questions 1 to 4 the package call (the function no longer
exists) is followed by the code that chapter 10 shows, adapted to the notebook's names:
it counts harvests with a share, changes in percentage points and rows with any caveat,
not the quantities the exercise asks for.
"""

_CHAPTER_CHANGES = (
    'known = ilo.dropna(subset=["forced_labour_share_pct"]).astype({"harvest_year": int, "forced_labour_share_pct": float})\n'
    'shares = known.set_index("harvest_year")["forced_labour_share_pct"].sort_index()\n'
    "years = shares.index.to_series()\n"
    "change_pp = shares.diff()[years.diff() == 1]\n"
)

ANSWERS = {
    "q1_answer": (
        "try:\n"
        "    n_both_known = cs.ch10.chapter_facts(ilo)['n_with_share']\n"
        "except Exception:\n"
        "    pass\n" + _CHAPTER_CHANGES + "n_both_known = len(shares)\n"
    ),
    "q2_answer": (
        "try:\n"
        "    changes = cs.ch10.share_changes(ilo)[['from_year', 'to_year', 'change_pct']]\n"
        "except Exception:\n"
        "    pass\n"
        + _CHAPTER_CHANGES
        + 'changes = pd.DataFrame({"from_year": (change_pp.index - 1).astype(int), "to_year": change_pp.index.astype(int),\n'
        '                        "change_pct": change_pp.to_numpy(dtype=float)}).reset_index(drop=True)\n'
    ),
    "q3_answer": (
        "try:\n"
        "    largest_fall_year = int(cs.ch10.largest_fall(ilo)['to_year'])\n"
        "except Exception:\n"
        "    pass\n" + _CHAPTER_CHANGES + "largest_fall_year = int(change_pp.idxmin())\n"
    ),
    "q4_answer": (
        "try:\n"
        "    caveat_counts = cs.ch10.caveat_share(ilo)\n"
        "except Exception:\n"
        "    pass\n"
        'caveat = ilo["note"].fillna("").str.contains("secondary|rounded|approximate", case=False)\n'
        'caveat_counts = pd.Series({w: int(caveat.sum()) for w in ["secondary", "rounded", "approximate"]})\n'
    ),
    "q5_answer": (
        "costs = [round(0.1 * i, 1) for i in range(21)]\n"
        "smallest_exposure_cost = min(c for c in costs\n"
        "                             if cs.ch10.simulate_trust(exposure_cost=c)['trust_end'].iloc[-1] > 0.5)\n"
        "def exposure_needed(trust, cooperation_payoff=1.8, cooptation_cost=1.2, reform_cost=1.0):\n"
        "    for c in [round(0.01 * i, 2) for i in range(301)]:\n"
        "        sim = cs.ch10.simulate_trust(rounds=1, initial_trust=trust, exposure_cost=c,\n"
        "                                           cooperation_payoff=cooperation_payoff,\n"
        "                                           cooptation_cost=cooptation_cost, reform_cost=reform_cost)\n"
        "        if sim['outcome'].iloc[0] == 'partnership':\n"
        "            return c\n"
        "    return None\n"
    ),
}
