"""Lazy submission for the capstone: it has no autograded answer cells (the figures and the brief are graded by hand)."""

ANSWERS: dict[str, str] = {}
