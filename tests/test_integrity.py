"""Assessment integrity: submissions that try to earn points without answering.

One batch of exercise 1, graded by the real pipeline (sandbox on). Every hostile
submission answers nothing (each answer cell is ``pass``), so it has earned 0 points,
and tries one trick from the three classes the course closes:

(a) code that changes how later cells run or how their errors are reported
    (input and AST transformers, custom exception handlers, event callbacks, trace
    functions, replaced builtins, patched library functions, and the same hidden
    behind exec, base64, a module it writes and imports, or compile);
(b) submitted files that are not regular files (symlinks, hard links, FIFOs, a
    linked folder) and files beside the notebook that could shadow imports;
(c) code that captures the source of the cells run after it.

Each must score exactly 0, (a) and (c) and the bad files must be flagged for review
with the reason in the log, and nothing the tests run (hidden test source) may appear
in the autograded notebook or the feedback. The same tricks are first graded with
stock nbgrader, where those marked ``beats_stock`` do earn points: this shows the
suite would fail if the pipeline's protection went away.
"""

from __future__ import annotations

import base64
import html
import os
import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT, env_with_bin

from civicspace.grading import feedback, pipeline, runner, sandbox
from civicspace.grading import notebooks as grading

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("integrity")]

A = "ch01_foundations"
NB = f"{A}.ipynb"
LIMITS = sandbox.Limits(cell_timeout=10, notebook_timeout=240, cpu_seconds=60, memory_mb=1024, max_processes=64)

_TRANSFORM = "get_ipython().input_transformers_post.append(lambda lines: ['pass\\n'])"

#: name -> (code put before ``pass`` in the first answer cell, words the flag must contain, beats stock nbgrader)
CLASS_A = {
    "input_transformer": (_TRANSFORM, "input_transformers_post", True),
    "ast_transformer": (
        "import ast\nclass _Blank(ast.NodeTransformer):\n    def visit_Module(self, node):\n"
        "        if any(isinstance(n, ast.Assert) for n in ast.walk(node)):\n            node.body = [ast.Pass()]\n        return node\n"
        "get_ipython().ast_transformers.append(_Blank())",
        "ast_transformers",
        True,
    ),
    "custom_exception_handler": (
        "get_ipython().set_custom_exc((BaseException,), lambda *a, **k: None)",
        "custom exception handler",
        False,
    ),
    "event_callback_clears_error": (
        "def _forget(result):\n    result.error_in_exec = None\n    result.error_before_exec = None\n"
        "get_ipython().events.register('post_run_cell', _forget)",
        "'post_run_cell' event",
        False,
    ),
    "silenced_tracebacks": (
        "ip = get_ipython()\nip.showtraceback = lambda *a, **k: None\nip._showtraceback = lambda *a, **k: None",
        "shell's method",
        False,
    ),
    "trace_function": ("import sys\ndef _t(frame, event, arg):\n    return None\nsys.settrace(_t)", "sys.settrace", False),
    "replaced_builtin": ("import builtins\nbuiltins.isinstance = lambda *a: True", "builtins|stopped answering", False),
    "patched_library": ("pd.DataFrame.equals = lambda *a, **k: True\npd.Series.__eq__ = lambda *a, **k: True", "pandas.", False),
    "patched_course_loader": ("cs.data.load_treaty_ratification = lambda: treaties.head(0)", "civicspace.data", False),
    "hidden_in_exec_base64": (
        "import base64\nexec(base64.b64decode(" + repr(base64.b64encode(_TRANSFORM.encode()).decode()) + "))",
        "input_transformers_post",
        True,
    ),
    "hidden_in_written_module": (
        "open('helper_mod.py', 'w').write(" + repr(_TRANSFORM + "\n") + ")\n"
        "import sys\nsys.path.insert(0, '.')\nimport helper_mod",
        "input_transformers_post",
        True,
    ),
    "hidden_in_compile_getattr": (
        "_l = getattr(__import__('IPython').get_ipython(), 'input_transformers_' + 'post')\n"
        "eval(compile(\"_l.append(lambda lines: ['pass' + chr(10)])\", 'x', 'eval'))",
        "input_transformers_post",
        True,
    ),
}

#: name -> (code put before ``pass`` in the first answer cell, words the flag must contain)
CLASS_C = {
    "capture_by_event": (
        "_seen = []\nget_ipython().events.register('pre_run_cell', lambda info: (_seen.append(info.raw_cell), print(info.raw_cell)))",
        "'pre_run_cell' event",
    ),
    "capture_by_transformer": (
        "def _grab(lines):\n    open('captured.txt', 'a').write(''.join(lines))\n    print(''.join(lines))\n    return lines\nget_ipython().input_transformers_cleanup.append(_grab)",
        "input_transformers_cleanup",
    ),
    "capture_by_trace": (
        "import sys, linecache\ndef _t(frame, event, arg):\n    print(frame.f_code.co_filename, linecache.getlines(frame.f_code.co_filename))\n    return _t\nsys.settrace(_t)",
        "sys.settrace",
    ),
}


def _blank_answers(release):
    """The student version with every answer cell replaced by ``pass``: a submission that earns nothing."""
    nb = nbformat.from_dict(release)
    for cell in nb.cells:
        if grading.is_answer(cell) and cell.cell_type == "code":
            cell.source = "pass"
    return nb


def _with_attack(release, code: str):
    nb = _blank_answers(release)
    first = next(c for c in nb.cells if grading.is_answer(c) and c.cell_type == "code")
    first.source = code + "\npass"
    return nb


def _history_reader(release):
    """No hook: a later answer cell prints the kernel's input history and every global."""
    nb = _blank_answers(release)
    last = [c for c in nb.cells if grading.is_answer(c) and c.cell_type == "code"][-1]
    last.source = "print(In)\nprint(list(globals()))\nprint(open(__file__).read() if '__file__' in globals() else '')"
    return nb


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    work = tmp_path_factory.mktemp("integrity")
    course = work / "autograder"
    course.mkdir()
    shutil.copyfile(ROOT / "autograder" / "nbgrader_config.py", course / "nbgrader_config.py")
    shutil.copytree(ROOT / "exercises" / A, work / "exercises" / A)
    runner.nbgrader(course, "generate_assignment", A, "--force", "--log-level=WARN", env=env_with_bin())
    return course


def _write(course: Path, student: str, nb) -> Path:
    folder = course / "submitted" / student / A
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, folder / NB)
    return folder


@pytest.fixture(scope="module")
def submissions(course):
    release = nbformat.read(course / "release" / A / NB, as_version=4)
    source = nbformat.read(course.parent / "exercises" / A / NB, as_version=4)
    answers = {grading.nbgrader_meta(c)["grade_id"] for c in source.cells if grading.is_answer(c) and c.cell_type == "code"}
    _write(course, "control_solution", grading.fill_answers(release, source, answers))
    _write(course, "control_nothing", _blank_answers(release))
    for name, (code, _, _) in CLASS_A.items():
        _write(course, f"a_{name}", _with_attack(release, code))
    for name, (code, _) in CLASS_C.items():
        _write(course, f"c_{name}", _with_attack(release, code))
    _write(course, "c_history_reader", _history_reader(release))

    # (b) files that are not what they seem.
    solution_file = course.parent / "exercises" / A / NB
    link = course / "submitted" / "b_symlink_to_solution" / A
    link.mkdir(parents=True)
    os.symlink(solution_file, link / NB)
    hard = course / "submitted" / "b_hardlink_elsewhere" / A
    hard.mkdir(parents=True)
    elsewhere = course.parent / "copied_solution.ipynb"
    shutil.copyfile(solution_file, elsewhere)
    os.link(elsewhere, hard / NB)
    fifo = course / "submitted" / "b_fifo" / A
    fifo.mkdir(parents=True)
    os.mkfifo(fifo / NB)
    (course / "submitted" / "b_linked_folder").mkdir()
    os.symlink(course / "submitted" / "control_solution" / A, course / "submitted" / "b_linked_folder" / A)
    shadow = _write(course, "b_shadowing_files", _blank_answers(release))
    (shadow / "civicspace").mkdir()
    (shadow / "civicspace" / "__init__.py").write_text("raise SystemExit('a shadowing package was imported')\n")
    (shadow / "pandas.py").write_text("raise SystemExit('a shadowing module was imported')\n")
    os.symlink("/etc/passwd", shadow / "data_link.csv")
    return {"release": release, "source": source}


@pytest.fixture(scope="module")
def stock_scores(course, submissions, tmp_path_factory):
    """The tricks marked ``beats_stock``, graded by stock nbgrader (one kernel, no isolation), in a copy of the course."""
    copy = tmp_path_factory.mktemp("stock") / "autograder"
    copy.mkdir()
    for name in ("nbgrader_config.py", "gradebook.db"):
        shutil.copyfile(course / name, copy / name)
    shutil.copytree(course.parent / "exercises", copy.parent / "exercises")
    beats = {f"a_{name}" for name, (_, _, beats_stock) in CLASS_A.items() if beats_stock}
    for folder in (course / "submitted").iterdir():
        if folder.name in beats or folder.name == "control_nothing":
            shutil.copytree(folder, copy / "submitted" / folder.name)
    # Stock nbgrader gives up on a notebook whose kernel stops answering and exits non-zero:
    # the scores it did record are what this test reads.
    subprocess.run(
        [*runner.NBGRADER, "autograde", A, "--force", "--log-level=ERROR"],
        cwd=copy,
        env=env_with_bin(),
        capture_output=True,
        timeout=900,
    )
    return pipeline.scores(copy, A)


@pytest.fixture(scope="module")
def graded(course, submissions):
    report = pipeline.grade(A, course, workers=2, limits=LIMITS, use_sandbox=True, progress=False)
    return {"report": report, "scores": pipeline.scores(course, A), "log": {r.student: r.log_line() for r in report.results}}


def test_controls_score_exactly(graded):
    max_score = graded["scores"]["control_solution"][1]
    assert graded["scores"]["control_solution"] == (max_score, max_score)
    assert graded["scores"]["control_nothing"] == (0.0, max_score)


@pytest.mark.parametrize("name", sorted(CLASS_A))
def test_class_a_tricks_score_zero_and_are_flagged(graded, name):
    student = f"a_{name}"
    _, reason, _ = CLASS_A[name]
    assert graded["scores"][student][0] == 0.0, graded["log"][student]
    assert "FLAGGED FOR REVIEW" in graded["log"][student] and re.search(reason, graded["log"][student]), graded["log"][student]


def test_the_tricks_marked_so_do_beat_stock_nbgrader(stock_scores):
    """Without the pipeline these submissions earn points they never answered for."""
    assert stock_scores["control_nothing"][0] == 0.0
    beaten = {name: stock_scores[f"a_{name}"][0] for name, (_, _, beats) in CLASS_A.items() if beats}
    assert all(score > 0 for score in beaten.values()), beaten


@pytest.mark.parametrize("name", sorted(CLASS_C))
def test_class_c_capture_scores_zero_and_is_flagged(graded, name):
    student = f"c_{name}"
    assert graded["scores"][student][0] == 0.0
    assert "FLAGGED FOR REVIEW" in graded["log"][student] and CLASS_C[name][1] in graded["log"][student], graded["log"][student]


def _hidden_lines(submissions) -> list[str]:
    lines = []
    for cell in submissions["source"].cells:
        if grading.is_autograder_test(cell):
            lines += [
                line.strip()
                for line in grading._between(cell.source, grading.BEGIN_HIDDEN, grading.END_HIDDEN)
                if len(line.strip()) >= 20
            ]
    assert lines, "exercise 1 has hidden tests"
    return lines


@pytest.mark.parametrize("student", ["c_capture_by_event", "c_capture_by_transformer", "c_capture_by_trace", "c_history_reader"])
def test_no_hidden_test_source_reaches_any_kernel_output_or_feedback(course, graded, submissions, student):
    """The autograded notebook (instructor-side, so it holds the test cells) has no hidden
    line in any output; the feedback and every other file of the student have none at all."""
    hidden = _hidden_lines(submissions)
    places = list((course / "autograded" / student).rglob("*")) + list((course / "feedback" / student).rglob("*"))
    assert any(p.suffix == ".html" for p in places), f"no feedback for {student}"
    for path in places:
        if not path.is_file():
            continue
        if path.suffix == ".ipynb":
            nb = nbformat.read(path, as_version=4)
            text = "\n".join(str(o) for c in nb.cells for o in c.get("outputs", []))
        else:
            text = path.read_text(encoding="utf-8", errors="replace")
        leaked = [h for h in hidden if h in text or html.escape(h) in text]
        assert leaked == [], f"{path}: hidden test source: {leaked[:2]}"


@pytest.mark.parametrize(
    "student,words",
    [
        ("b_symlink_to_solution", "symbolic link"),
        ("b_hardlink_elsewhere", "hard link"),
        ("b_fifo", "not a regular file"),
        ("b_linked_folder", "folder is a link"),
    ],
)
def test_class_b_files_that_are_not_files_score_zero_and_are_flagged(graded, student, words):
    assert graded["scores"][student][0] == 0.0, graded["log"][student]
    assert "flagged for review" in graded["log"][student] and words in graded["log"][student], graded["log"][student]


def test_files_beside_the_notebook_reach_no_kernel_and_are_listed(course, graded):
    line = graded["log"]["b_shadowing_files"]
    assert graded["scores"]["b_shadowing_files"][0] == 0.0
    assert "extra files not given to the grader: civicspace, data_link.csv, pandas.py" in line, line
    assert "SystemExit" not in line, "a shadowing file was imported"
    graded_folder = course / "autograded" / "b_shadowing_files" / A
    assert sorted(p.name for p in graded_folder.iterdir()) == [NB]


def test_feedback_holds_only_verdicts_for_tests(course, graded):
    """Per test cell: one line (passed, or failed with the instructor's message); no traceback, no print."""
    page = (course / "feedback" / "c_capture_by_event" / A / f"{A}.html").read_text(encoding="utf-8")
    assert "Test failed" in page
    assert "Traceback (most recent call last)" not in page and "NameError" not in page and "\x1b[" not in page
    nb = nbformat.read(course / "autograded" / "control_nothing" / A / NB, as_version=4)
    feedback.redact_notebook(nb)
    for cell in nb.cells:
        if grading.is_autograder_test(cell):
            assert len(cell.outputs) == 1 and cell.outputs[0]["text"].startswith("Test failed: "), cell.outputs
        elif cell.cell_type == "code":
            assert cell.outputs == []
