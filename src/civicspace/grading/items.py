"""Item analysis: per graded test, the share of students passing and its discrimination
against the rest of the assignment, as CSV and as a plotly HTML report."""

from __future__ import annotations

import csv
from pathlib import Path

from civicspace.grading.config import open_gradebook
from civicspace.grading.merge import _is_solution

# --------------------------------------------------------------------------- item analysis


def item_analysis(course: Path, assignment: str) -> list[dict]:
    """Per autograded test: share of students passing it and its discrimination.

    Discrimination is the correlation between passing the item (0/1) and the
    student's score on the rest of the assignment's autograded tests (the
    corrected item-total, or point-biserial, correlation); it is empty when
    either varies not at all.
    """
    rows: dict[str, dict[str, float]] = {}
    maxima: dict[str, float] = {}
    with open_gradebook(course) as gb:
        asg = gb.find_assignment(assignment)
        for nb in asg.notebooks:
            for cell in nb.grade_cells:
                if cell.cell_type == "code" and not _is_solution(gb, cell.name, nb.name, assignment):
                    maxima[f"{nb.name}/{cell.name}"] = cell.max_score
        for sub in gb.assignment_submissions(assignment):
            scores = {}
            for nbs in sub.notebooks:
                for grade in nbs.grades:
                    key = f"{nbs.notebook.name}/{grade.cell.name}"
                    if key in maxima:
                        scores[key] = grade.auto_score or 0.0
            rows[sub.student.id] = scores
    students = sorted(rows)
    out = []
    for item, max_score in maxima.items():
        passed = [1.0 if rows[s].get(item, 0.0) >= max_score else 0.0 for s in students]
        rest = [sum(v for k, v in rows[s].items() if k != item) for s in students]
        out.append(
            {
                "item": item.split("/", 1)[1],
                "notebook": item.split("/", 1)[0],
                "points": max_score,
                "students": len(students),
                "share_passing": round(sum(passed) / len(students), 3) if students else None,
                "discrimination": _corr(passed, rest),
            }
        )
    return out


def _corr(xs: list[float], ys: list[float]) -> float | None:
    n = len(xs)
    if n < 2:
        return None
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return None
    return round(sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / (sxx * syy) ** 0.5, 3)


def write_item_report(items: list[dict], out_csv: Path, out_html: Path, assignment: str) -> None:
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    from civicspace.plotting import OKABE_ITO

    out_csv.parent.mkdir(parents=True, exist_ok=True)
    with open(out_csv, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(
            fh, fieldnames=["notebook", "item", "points", "students", "share_passing", "discrimination"], lineterminator="\n"
        )
        writer.writeheader()
        writer.writerows(items)
    labels = [i["item"] for i in items]
    fig = make_subplots(rows=1, cols=2, subplot_titles=("Share of students passing", "Discrimination (item vs rest)"))
    fig.add_trace(
        go.Bar(x=[i["share_passing"] for i in items], y=labels, orientation="h", marker_color=OKABE_ITO[0], name="share passing"),
        1,
        1,
    )
    fig.add_trace(
        go.Bar(
            x=[i["discrimination"] if i["discrimination"] is not None else 0 for i in items],
            y=labels,
            orientation="h",
            marker_color=OKABE_ITO[1],
            name="discrimination",
        ),
        1,
        2,
    )
    fig.update_xaxes(range=[0, 1], row=1, col=1)
    fig.update_xaxes(range=[-1, 1], row=1, col=2)
    fig.update_layout(
        title=f"Item analysis: {assignment}", showlegend=False, height=200 + 40 * len(items), template="plotly_white"
    )
    # plotly.js is written next to the report (include_plotlyjs="directory"): it opens offline.
    fig.write_html(out_html, include_plotlyjs="directory", full_html=True)
