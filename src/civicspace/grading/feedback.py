"""Feedback students may receive: hidden tests and their tracebacks removed, then nbgrader's
grades CSV and the item analysis (``civicspace feedback`` runs this again after hand grading)."""

from __future__ import annotations

import os
import re
import threading
from pathlib import Path

import nbformat

from civicspace.grading import execute as gradeexec
from civicspace.grading import notebooks as grading
from civicspace.grading.config import course_config
from civicspace.grading.items import item_analysis, write_item_report
from civicspace.grading.runner import nbgrader, nbgrader_env

# --------------------------------------------------------------------------- feedback without secrets


#: Messages of the test kernel that the course itself writes (safe to show a student).
_OWN_MESSAGES = {"AssertionError", "StudentCodeError", gradeexec.FLAG_ENAME}


def test_result_text(outputs: list) -> str:
    """What a student is told about one test cell: passed, or failed with the instructor's message.

    Only the test's verdict and a message the instructor (or the grader) wrote: never
    a traceback, and never text the student's code printed while the tests ran.
    """
    for out in outputs:
        if out.get("output_type") == "error":
            ename = str(out.get("ename", "Error"))
            ename = ename if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,40}", ename) else "Error"
            evalue = str(out.get("evalue") or "").strip()
            if ename in _OWN_MESSAGES and evalue:
                return f"Test failed: {evalue[:400]}"
            if ename == "AssertionError":
                return "Test failed: a check did not hold."
            if ename == "CellTimeoutError":
                return "Test failed: it ran past the time limit."
            return f"Test failed: the test could not run on your answer ({ename})."
        if out.get("output_type") == "stream" and out.get("name") == "stderr":
            return "Test failed: the test wrote to the error stream (for example a warning about your answer)."
    return "Test passed."


def redact_notebook(nb) -> None:
    """Make a graded notebook fit to return to a student.

    The student's cells keep their source (the work they submitted) and lose the
    outputs made at grading time. Test cells keep their visible part; their outputs
    become one line: passed, or failed with the instructor's assertion message.
    """
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        if not grading.is_autograder_test(cell):
            cell.outputs = []
            cell.execution_count = None
            continue
        kept, hidden = [], False
        for line in cell.source.splitlines():
            s = line.strip()
            if s.startswith(grading.BEGIN_HIDDEN):
                hidden = True
                kept.append("# (hidden tests were run here; their code is not shown)")
                continue
            if s.startswith(grading.END_HIDDEN):
                hidden = False
                continue
            if not hidden:
                kept.append(line)
        cell.source = "\n".join(kept)
        verdict = test_result_text(cell.get("outputs", []))
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=verdict + "\n")]
        cell.execution_count = None


def _feedback_config(course: Path) -> Path:
    """A config folder (for JUPYTER_CONFIG_PATH) that adds the redaction to generate_feedback.

    nbgrader reads the course's ``nbgrader_config.py`` after this folder, so a course that
    sets ``GenerateFeedback.preprocessors`` itself must keep the redaction in them: the
    pipeline refuses to make feedback otherwise (hidden tests would reach students).
    """
    cfg = course_config(course)
    own = cfg.GenerateFeedback.get("preprocessors") if "GenerateFeedback" in cfg else None
    if own is not None:
        names = [p if isinstance(p, str) else f"{p.__module__}.{p.__qualname__}" for p in own]
        if not names or not names[0].endswith("RedactHiddenTestsPreprocessor"):
            raise ValueError(
                f"{Path(course) / 'nbgrader_config.py'}: GenerateFeedback.preprocessors must start with "
                "civicspace.grading.feedback.RedactHiddenTestsPreprocessor (without it the feedback shows the hidden tests)"
            )
    folder = course / "reports" / ".feedback-config"
    folder.mkdir(parents=True, exist_ok=True)
    text = (
        "c = get_config()  # noqa: F821\n"
        "from nbgrader.preprocessors import GetGrades\n"
        "from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor\n"
        "from civicspace.grading.feedback import RedactHiddenTestsPreprocessor\n"
        "c.GenerateFeedback.preprocessors = [RedactHiddenTestsPreprocessor, GetGrades, CSSHTMLHeaderPreprocessor]\n"
    )
    # Written whole and renamed into place: a grading run of another assignment may read it meanwhile.
    tmp = folder / f".nbgrader_config.{os.getpid()}.{threading.get_ident()}.tmp"
    tmp.write_text(text)
    os.replace(tmp, folder / "nbgrader_config.py")
    return folder


def feedback_and_reports(course: Path, assignment: str) -> tuple[Path, Path, Path]:
    """Feedback without hidden tests, nbgrader's grades CSV and the item analysis.

    Run it again after grading written answers in formgrader (``civicspace
    feedback``): never plain ``nbgrader generate_feedback``, which copies hidden
    tests into what students receive.
    """
    course = Path(course).resolve()
    reports = course / "reports"
    reports.mkdir(exist_ok=True)
    nbgrader(
        course,
        "generate_feedback",
        assignment,
        "--force",
        "--log-level=WARN",
        env=nbgrader_env({"JUPYTER_CONFIG_PATH": str(_feedback_config(course))}),
    )
    grades_csv = reports / f"{assignment}_grades.csv"
    nbgrader(course, "export", f"--to={grades_csv}", "--log-level=WARN")
    items = item_analysis(course, assignment)
    items_csv, items_html = reports / f"{assignment}_item_analysis.csv", reports / f"{assignment}_item_analysis.html"
    write_item_report(items, items_csv, items_html, assignment)
    return grades_csv, items_csv, items_html


try:  # the preprocessor class is only needed where nbgrader is installed
    from nbgrader.preprocessors import NbGraderPreprocessor

    class RedactHiddenTestsPreprocessor(NbGraderPreprocessor):
        """nbgrader preprocessor form of :func:`redact_notebook` (used by generate_feedback)."""

        def preprocess(self, nb, resources):
            redact_notebook(nb)
            return nb, resources
except ImportError:  # pragma: no cover
    pass
