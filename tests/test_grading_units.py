"""Unit tests of the grading pipeline's pieces, without nbgrader's command line or a kernel.

The end-to-end tests (test_grading_pipeline.py, test_integrity.py, ...) grade whole classes;
these check each step an instructor relies on on its own: the checks on a submission's
files, the output caps, the redaction of feedback, the item analysis, the gradebook copy
and merge, and the batch's bookkeeping.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import statistics
import warnings
from datetime import datetime
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from civicspace.grading import batch, feedback, intake, items, merge, outputs, pipeline, runner
from civicspace.grading import execute as gradeexec
from civicspace.grading import notebooks as grading

A = "a1"
NB = "nb1.ipynb"
COURSE_ID = "course101"


# --------------------------------------------------------------------------- helpers


def _meta(**kw) -> dict:
    base = {"grade": False, "solution": False, "locked": False, "schema_version": 3}
    base.update(kw)
    return {"nbgrader": base}


def _answer_cell(source="def f(x):\n    return x + 1\n", grade_id="ans1"):
    return new_code_cell(source, metadata=_meta(solution=True, grade_id=grade_id))


def _test_cell(source, grade_id="t1", points=1, outputs_=()):
    cell = new_code_cell(source, metadata=_meta(grade=True, grade_id=grade_id, points=points, locked=True))
    cell.outputs = list(outputs_)
    return cell


def _submission_notebook() -> nbformat.NotebookNode:
    return new_notebook(
        cells=[
            new_markdown_cell("# Exercise"),
            _answer_cell(),
            _test_cell("assert f(1) == 2"),
        ]
    )


def _write_nb(path: Path, nb) -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = nbformat.writes(nb).encode("utf-8")
    path.write_bytes(data)
    return data


def _error(ename, evalue="", traceback=()):
    return new_output("error", ename=ename, evalue=evalue, traceback=list(traceback))


# --------------------------------------------------------------------------- intake: read_regular_file


def test_read_regular_file_returns_the_bytes_of_a_plain_file(tmp_path):
    path = tmp_path / "nb.ipynb"
    path.write_bytes(b"\x00\x01 some bytes \xff")
    assert intake.read_regular_file(path) == b"\x00\x01 some bytes \xff"


def test_read_regular_file_refuses_a_symlink(tmp_path):
    secret = tmp_path / "solution.ipynb"
    secret.write_text("the instructor's solution")
    link = tmp_path / "nb.ipynb"
    link.symlink_to(secret)
    with pytest.raises(ValueError, match="symbolic link"):
        intake.read_regular_file(link)


def test_read_regular_file_refuses_a_hard_link(tmp_path):
    other = tmp_path / "other_student.ipynb"
    other.write_text("another student's work")
    link = tmp_path / "nb.ipynb"
    os.link(other, link)
    with pytest.raises(ValueError, match=r"hard link \(2 names"):
        intake.read_regular_file(link)


def test_read_regular_file_refuses_a_folder(tmp_path):
    folder = tmp_path / "nb.ipynb"
    folder.mkdir()
    with pytest.raises(ValueError, match="not a regular file"):
        intake.read_regular_file(folder)


def test_read_regular_file_refuses_a_fifo_without_blocking(tmp_path):
    fifo = tmp_path / "nb.ipynb"
    os.mkfifo(fifo)
    with pytest.raises(ValueError, match="not a regular file"):
        intake.read_regular_file(fifo)


def test_read_regular_file_refuses_a_file_over_the_limit(tmp_path):
    path = tmp_path / "nb.ipynb"
    limit = 2 * 1024 * 1024
    path.write_bytes(b"x" * (limit + 1))
    with pytest.raises(ValueError, match="larger than 2 MB"):
        intake.read_regular_file(path, limit=limit)
    path.write_bytes(b"x" * limit)  # exactly at the limit: accepted, whole
    assert len(intake.read_regular_file(path, limit=limit)) == limit


def test_read_regular_file_names_why_a_missing_file_cannot_be_opened(tmp_path):
    with pytest.raises(ValueError, match="cannot be opened"):
        intake.read_regular_file(tmp_path / "absent.ipynb")


# --------------------------------------------------------------------------- intake: check_submission


def test_check_submission_returns_the_exact_bytes_of_the_notebooks_and_timestamp(tmp_path):
    folder = tmp_path / "s1" / A
    data = _write_nb(folder / NB, _submission_notebook())
    (folder / "timestamp.txt").write_text("2026-12-01 10:00:00 UTC")
    res = intake.SubmissionResult("s1")
    usable = intake.check_submission(folder, [NB], res)
    assert usable == {NB: data, "timestamp.txt": b"2026-12-01 10:00:00 UTC"}
    assert res.messages == [] and res.flags == {}


def test_check_submission_reports_a_missing_notebook_and_the_wrongly_named_one(tmp_path):
    folder = tmp_path / "s1" / A
    _write_nb(folder / "nb1 (1).ipynb", _submission_notebook())
    res = intake.SubmissionResult("s1")
    assert intake.check_submission(folder, [NB], res) == {}
    assert any(m.startswith(f"{NB}: missing") and "nb1 (1).ipynb" in m and "scored 0" in m for m in res.messages), res.messages


def test_check_submission_reports_a_corrupt_notebook_by_name(tmp_path):
    folder = tmp_path / "s1" / A
    folder.mkdir(parents=True)
    (folder / NB).write_text('{"cells": [ this is not JSON')
    res = intake.SubmissionResult("s1")
    assert intake.check_submission(folder, [NB], res) == {}
    assert any(m.startswith(f"{NB}: not a valid notebook") and "scored 0" in m for m in res.messages), res.messages


def test_check_submission_reports_a_notebook_without_graded_cells(tmp_path):
    folder = tmp_path / "s1" / A
    _write_nb(folder / NB, new_notebook(cells=[new_code_cell("print('my own notebook')")]))
    res = intake.SubmissionResult("s1")
    assert intake.check_submission(folder, [NB], res) == {}
    assert any(m.startswith(f"{NB}: no graded cells") for m in res.messages), res.messages


def test_check_submission_lists_extra_files_and_keeps_them_from_the_grader(tmp_path):
    folder = tmp_path / "s1" / A
    data = _write_nb(folder / NB, _submission_notebook())
    (folder / "helper.py").write_text("import os")
    (folder / "notes.txt").write_text("notes")
    res = intake.SubmissionResult("s1")
    usable = intake.check_submission(folder, [NB], res)
    assert usable == {NB: data}
    assert res.messages == ["extra files not given to the grader: helper.py, notes.txt"]


def test_check_submission_shortens_a_long_list_of_extra_files(tmp_path):
    folder = tmp_path / "s1" / A
    _write_nb(folder / NB, _submission_notebook())
    for i in range(13):
        (folder / f"extra{i:02d}.csv").write_text("x")
    res = intake.SubmissionResult("s1")
    intake.check_submission(folder, [NB], res)
    (line,) = [m for m in res.messages if m.startswith("extra files")]
    assert "extra00.csv" in line and "extra09.csv" in line and "extra10.csv" not in line and "and 3 more" in line


def test_check_submission_flags_a_linked_notebook_for_review(tmp_path):
    secret = tmp_path / "solution.ipynb"
    _write_nb(secret, _submission_notebook())
    folder = tmp_path / "s1" / A
    folder.mkdir(parents=True)
    (folder / NB).symlink_to(secret)
    res = intake.SubmissionResult("s1")
    assert intake.check_submission(folder, [NB], res) == {}
    assert NB in res.flags and "symbolic link" in res.flags[NB][0]
    assert any(m.startswith(f"{NB}: is a symbolic link") and "flagged for review" in m for m in res.messages)


def test_check_submission_scores_a_folder_in_place_of_the_notebook_zero(tmp_path):
    folder = tmp_path / "s1" / A
    (folder / NB).mkdir(parents=True)
    res = intake.SubmissionResult("s1")
    assert intake.check_submission(folder, [NB], res) == {}
    assert any(m.startswith(f"{NB}: is not a regular file") for m in res.messages), res.messages
    assert NB in res.flags


def test_check_submission_flags_a_linked_submission_folder(tmp_path):
    real = tmp_path / "elsewhere"
    _write_nb(real / NB, _submission_notebook())
    (tmp_path / "s1").mkdir()
    (tmp_path / "s1" / A).symlink_to(real)
    res = intake.SubmissionResult("s1")
    assert intake.check_submission(tmp_path / "s1" / A, [NB], res) == {}
    assert "(folder)" in res.flags and "link" in res.messages[0]


def test_log_line_says_student_status_time_and_notes():
    res = intake.SubmissionResult("s1", "not graded", ["a", "b"], seconds=1.26)
    assert res.log_line() == "s1: not graded in 1.3 s: a; b"
    assert intake.SubmissionResult("s2").log_line() == "s2: graded in 0.0 s: ok"


@pytest.mark.parametrize(
    "name, ok",
    [
        ("alice", True),
        ("a.b-c_d+e@uni.edu", True),
        ("x" * 128, True),
        ("x" * 129, False),
        ("", False),
        ("../etc", False),
        ("bob smith", False),
        ("bob;rm", False),
        ("éva", False),
    ],
)
def test_student_id_accepts_only_safe_folder_names(name, ok):
    assert bool(intake.STUDENT_ID.match(name)) is ok


# --------------------------------------------------------------------------- batch: the submissions to grade


def test_usable_submissions_marks_unusable_students_not_graded_with_the_reason(tmp_path):
    course = tmp_path
    good = _write_nb(course / "submitted" / "good" / A / NB, _submission_notebook())
    _write_nb(course / "submitted" / "bad name" / A / NB, _submission_notebook())
    (course / "submitted" / "empty" / A).mkdir(parents=True)
    students = ["good", "bad name", "empty"]
    results = {s: intake.SubmissionResult(s) for s in students}
    usable = batch._usable_submissions(course, A, students, [NB], results)
    assert usable == {"good": {NB: good}}
    assert results["good"].status == "graded"
    assert results["bad name"].status == "not graded"
    assert results["bad name"].messages == ["student folder name has characters nbgrader cannot use"]
    assert results["empty"].status == "not graded"
    assert any(m.startswith(f"{NB}: missing") for m in results["empty"].messages)


def test_scratch_environment_without_sandbox_keeps_jupyter_in_the_scratch_folder(tmp_path):
    from civicspace.grading import sandbox

    extra, use_cgroups = batch._scratch_environment(tmp_path, sandbox.Limits(), "b0", use_sandbox=False)
    assert use_cgroups is False
    assert "JUPYTER_PATH" not in extra
    assert extra["TMPDIR"] == extra["JUPYTER_RUNTIME_DIR"] == str(tmp_path / "runtime")
    for key in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "IPYTHONDIR"):
        assert Path(extra[key]).parent == tmp_path, key


def test_progress_counts_without_writing_when_disabled(capsys):
    bar = batch.Progress(3, enabled=False)
    for s in ("s1", "s2"):
        bar.step(s)
    assert bar.done == 2
    assert capsys.readouterr().err == ""


def test_progress_writes_a_bar_and_ends_the_line_when_done(capsys):
    bar = batch.Progress(2)
    bar.step("s1")
    first = capsys.readouterr().err
    assert "1/2" in first and "s1" in first and not first.endswith("\n")
    bar.step("s2")
    last = capsys.readouterr().err
    assert "2/2" in last and "#" * 30 in last and last.endswith("\n")


def test_default_workers_is_one_per_core_and_at_least_one(monkeypatch):
    assert batch.default_workers() >= 1
    monkeypatch.setattr(os, "cpu_count", lambda: 6)
    assert batch.default_workers() == 6
    monkeypatch.setattr(os, "cpu_count", lambda: None)
    assert batch.default_workers() == 1


def _autograded_notebook(*cell_outputs) -> nbformat.NotebookNode:
    cells = []
    for i, outs in enumerate(cell_outputs):
        cell = new_code_cell(f"cell_{i}()")
        cell.outputs = list(outs)
        cells.append(cell)
    return new_notebook(cells=cells)


def test_explain_counts_errors_per_name_and_explains_known_ones(tmp_path):
    nb = _autograded_notebook(
        [_error("DeadKernelError", "died")],
        [_error("DeadKernelError", "died")],
        [new_output("stream", name="stdout", text="fine\n")],
        [_error("ZeroDivisionError", "division by zero")],
    )
    _write_nb(tmp_path / NB, nb)
    (tmp_path / "broken.ipynb").write_text("not a notebook")  # skipped, no crash
    notes = batch._explain(tmp_path)
    assert notes == [
        f"{NB}: 2 cell(s) raised DeadKernelError ({batch.KNOWN_ERRORS['DeadKernelError']})",
        f"{NB}: 1 cell(s) raised ZeroDivisionError",
    ]


def test_explain_says_nothing_about_a_clean_notebook(tmp_path):
    _write_nb(tmp_path / NB, _autograded_notebook([new_output("stream", name="stdout", text="ok\n")]))
    assert batch._explain(tmp_path) == []


def test_record_outcomes_explains_graded_students_flags_and_returns_unfinished(tmp_path):
    scratch = tmp_path
    _write_nb(scratch / "autograded" / "s1" / A / NB, _autograded_notebook([_error("MemoryError")]))
    (scratch / "autograded" / "s2" / A).mkdir(parents=True)  # nbgrader removed its notebook: not finished
    (scratch / gradeexec.FLAGS_DIR).mkdir()
    (scratch / gradeexec.FLAGS_DIR / "s1.json").write_text(json.dumps({"nb1": ["it replaced the test helper"]}))
    usable = {"s1": {NB: b""}, "s2": {NB: b""}}
    results = {s: intake.SubmissionResult(s) for s in usable}
    unfinished = batch._record_outcomes(scratch, A, usable, results)
    assert unfinished == ["s2"]
    assert results["s1"].scratch == scratch and results["s2"].scratch == scratch
    assert results["s1"].flags == {NB: ["it replaced the test helper"]}
    joined = " | ".join(results["s1"].messages)
    assert "1 cell(s) raised MemoryError (ran out of memory)" in joined
    assert f"{NB}: FLAGGED FOR REVIEW: it replaced the test helper" in joined
    assert results["s2"].messages == []


def test_run_autograde_collects_the_log_and_moves_the_bar_per_student(tmp_path, monkeypatch):
    script = (
        'echo "[AutogradeApp | INFO] Autograding $PWD/autograded/s1/$2/nb1.ipynb"; '
        'echo "[AutogradeApp | INFO] Autograding $PWD/autograded/s1/$2/nb2.ipynb"; '
        'echo "[AutogradeApp | INFO] Autograding $PWD/autograded/s2/$2/nb1.ipynb"; '
        'echo "args: $1 $2 $3"'
    )
    monkeypatch.setattr(batch, "NBGRADER", ["sh", "-c", script, "sh"])
    bar = batch.Progress(2, enabled=False)
    lines, timed_out = batch._run_autograde(tmp_path, A, {"CIVICSPACE_X": "1"}, budget=60, progress=bar)
    assert timed_out is False
    assert lines[-1] == f"args: autograde {A} --force\n"
    assert len(lines) == 4
    assert bar.done == 1  # s1 is done when s2 starts; the pipeline closes the bar itself


def test_run_autograde_kills_the_whole_process_group_past_its_budget(tmp_path, monkeypatch):
    pidfile = tmp_path / "child.pid"
    script = f"sleep 60 & echo $! > {pidfile}; echo started; wait"
    monkeypatch.setattr(batch, "NBGRADER", ["sh", "-c", script, "sh"])
    lines, timed_out = batch._run_autograde(tmp_path, A, {}, budget=0.5, progress=None)
    assert timed_out is True
    child = int(pidfile.read_text())

    def alive(pid):  # a zombie waiting to be reaped is dead
        try:
            return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
        except FileNotFoundError:
            return False

    import time

    deadline = time.monotonic() + 10
    while alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(child), "the batch's child process outlived the time budget"


# --------------------------------------------------------------------------- outputs: size caps


def test_truncate_outputs_cuts_long_text_and_tracebacks_and_removes_huge_images():
    long_text = "A" * (outputs.MAX_OUTPUT_CHARS + 500)
    huge_png = "i" * (outputs.MAX_IMAGE_CHARS + 1)
    nb = new_notebook(
        cells=[
            new_code_cell("print()", outputs=[new_output("stream", name="stdout", text=long_text)]),
            new_code_cell("plot()", outputs=[new_output("display_data", data={"image/png": huge_png, "text/plain": "<Figure>"})]),
            new_code_cell(
                "1/0",
                outputs=[
                    _error("ValueError", "E" * (outputs.MAX_OUTPUT_CHARS + 1), ["T" * (outputs.MAX_OUTPUT_CHARS + 1)] * 300)
                ],
            ),
        ]
    )
    cut = outputs.truncate_outputs(nb)
    stream = nb.cells[0].outputs[0]["text"]
    assert stream.startswith("A" * outputs.MAX_OUTPUT_CHARS) and "A" * (outputs.MAX_OUTPUT_CHARS + 1) not in stream
    assert "500 characters removed by the grader" in stream
    image = nb.cells[1].outputs[0]["data"]
    assert image["image/png"] == ""
    err = nb.cells[2].outputs[0]
    assert len(err["evalue"]) < outputs.MAX_OUTPUT_CHARS + 100
    assert len(err["traceback"]) <= 200 and all(len(t) < outputs.MAX_OUTPUT_CHARS + 100 for t in err["traceback"])
    assert cut >= 3
    assert len(nbformat.writes(nb)) < 200 * (outputs.MAX_OUTPUT_CHARS + 100) + 100_000


def test_truncate_outputs_says_where_an_image_was_removed():
    nb = nbformat.reads(
        nbformat.writes(
            new_notebook(
                cells=[
                    new_code_cell(
                        "plot()",
                        outputs=[
                            new_output(
                                "display_data", data={"text/plain": "<Figure>", "image/png": "i" * (outputs.MAX_IMAGE_CHARS + 1)}
                            )
                        ],
                    )
                ]
            )
        ),
        as_version=4,
    )
    outputs.truncate_outputs(nb)
    data = nb.cells[0].outputs[0]["data"]
    assert data["image/png"] == ""
    assert "image removed by the grader" in data["text/plain"]


def test_truncate_outputs_leaves_small_outputs_byte_identical():
    nb = nbformat.reads(
        nbformat.writes(
            new_notebook(
                cells=[
                    new_code_cell("x", outputs=[new_output("stream", name="stdout", text="line 1\nline 2\n")]),
                    new_code_cell(
                        "y",
                        outputs=[
                            new_output(
                                "execute_result",
                                data={"text/plain": "42", "text/html": "<b>42</b>", "image/png": "iVBORw0KGgo="},
                                execution_count=1,
                            )
                        ],
                    ),
                    new_code_cell("z", outputs=[_error("KeyError", "'a'", ["Traceback", "KeyError: 'a'"])]),
                    new_markdown_cell("text"),
                ]
            )
        ),
        as_version=4,
    )
    before = nbformat.writes(nb)
    assert outputs.truncate_outputs(nb) == 0
    assert nbformat.writes(nb) == before


def test_truncate_preprocessor_applies_the_same_caps():
    nb = new_notebook(
        cells=[new_code_cell("x", outputs=[new_output("stream", name="stdout", text="B" * (outputs.MAX_OUTPUT_CHARS * 2))])]
    )
    out, resources = outputs.TruncateOutputsPreprocessor().preprocess(nb, {"k": 1})
    assert resources == {"k": 1}
    assert len(out.cells[0].outputs[0]["text"]) < outputs.MAX_OUTPUT_CHARS + 100


# --------------------------------------------------------------------------- feedback: what students see


@pytest.mark.parametrize(
    "outs, expected",
    [
        ([], "Test passed."),
        ([new_output("stream", name="stdout", text="secret debug print\n")], "Test passed."),
        ([_error("AssertionError", "f(2) should be 3")], "Test failed: f(2) should be 3"),
        ([_error("AssertionError", "")], "Test failed: a check did not hold."),
        ([_error("CellTimeoutError", "")], "Test failed: it ran past the time limit."),
        (
            [_error("StudentCodeError", "f() raised KeyError when the test called it")],
            "Test failed: f() raised KeyError when the test called it",
        ),
        (
            [_error("ZeroDivisionError", "hidden_input = 12345")],
            "Test failed: the test could not run on your answer (ZeroDivisionError).",
        ),
        ([_error("<script>alert(1)</script>", "x")], "Test failed: the test could not run on your answer (Error)."),
        (
            [new_output("stream", name="stderr", text="Warning: hidden_value 99\n")],
            "Test failed: the test wrote to the error stream (for example a warning about your answer).",
        ),
    ],
)
def test_test_result_text_gives_a_verdict_and_only_the_instructors_message(outs, expected):
    assert feedback.test_result_text(outs) == expected


def test_test_result_text_caps_the_message_length():
    text = feedback.test_result_text([_error("AssertionError", "m" * 5000)])
    assert text == "Test failed: " + "m" * 400


def _graded_notebook_for_feedback() -> nbformat.NotebookNode:
    hidden_line = "assert f(12345) == 12346  # hidden check"
    test_src = "\n".join(
        [
            "# visible test",
            "assert f(1) == 2",
            grading.BEGIN_HIDDEN,
            hidden_line,
            grading.END_HIDDEN,
            "assert f(0) == 1",
        ]
    )
    answer = _answer_cell()
    answer.outputs = [new_output("stream", name="stdout", text="grading-time output\n")]
    answer.execution_count = 3
    failing = _test_cell(
        test_src, outputs_=[_error("AssertionError", "", [f"Traceback ...\n----> 4 {hidden_line}", "AssertionError"])]
    )
    failing.execution_count = 4
    unterminated = _test_cell("assert f(2) == 3\n" + grading.BEGIN_HIDDEN + "\nassert f(777) == 778", grade_id="t2")
    return new_notebook(cells=[new_markdown_cell("Explain."), answer, failing, unterminated])


def test_redact_notebook_removes_hidden_tests_and_tracebacks_and_keeps_visible_tests():
    nb = _graded_notebook_for_feedback()
    answer_src = nb.cells[1].source
    feedback.redact_notebook(nb)
    md, answer, failing, unterminated = nb.cells
    assert md.source == "Explain."
    assert answer.source == answer_src and answer.outputs == [] and answer.execution_count is None
    assert failing.source.splitlines() == [
        "# visible test",
        "assert f(1) == 2",
        "# (hidden tests were run here; their code is not shown)",
        "assert f(0) == 1",
    ]
    assert [o["text"] for o in failing.outputs] == ["Test failed: a check did not hold.\n"]
    assert failing.execution_count is None
    assert "777" not in unterminated.source and "assert f(2) == 3" in unterminated.source
    assert [o["text"] for o in unterminated.outputs] == ["Test passed.\n"]
    text = nbformat.writes(nb)
    assert "12345" not in text and "Traceback" not in text and grading.BEGIN_HIDDEN not in text
    assert "grading-time output" not in text


def test_redact_preprocessor_is_the_redaction():
    nb = _graded_notebook_for_feedback()
    out, _ = feedback.RedactHiddenTestsPreprocessor().preprocess(nb, {})
    assert "12345" not in nbformat.writes(out) and "assert f(1) == 2" in out.cells[2].source


# --------------------------------------------------------------------------- items: item analysis


def test_corr_is_none_when_either_side_does_not_vary():
    assert items._corr([1.0, 1.0, 1.0], [0.0, 2.0, 5.0]) is None
    assert items._corr([0.0, 1.0, 1.0], [3.0, 3.0, 3.0]) is None
    assert items._corr([1.0], [2.0]) is None
    assert items._corr([], []) is None


def test_corr_is_pearsons_correlation_rounded():
    assert items._corr([0.0, 1.0, 1.0, 0.0], [1.0, 3.0, 3.0, 1.0]) == 1.0
    assert items._corr([0.0, 1.0, 1.0, 0.0], [3.0, 1.0, 1.0, 3.0]) == -1.0
    xs, ys = [0.0, 1.0, 1.0, 0.0, 1.0], [2.0, 3.0, 1.0, 0.0, 4.0]
    assert items._corr(xs, ys) == round(statistics.correlation(xs, ys), 3)


def test_write_item_report_writes_the_rows_and_an_offline_html(tmp_path):
    rows = [
        {"notebook": "nb1", "item": "t1", "points": 1.0, "students": 4, "share_passing": 0.5, "discrimination": 0.816},
        {"notebook": "nb1", "item": "t2", "points": 2.0, "students": 4, "share_passing": 1.0, "discrimination": None},
    ]
    out_csv, out_html = tmp_path / "reports" / "a1_items.csv", tmp_path / "reports" / "a1_items.html"
    items.write_item_report(rows, out_csv, out_html, "a1")
    with open(out_csv, newline="", encoding="utf-8") as fh:
        got = list(csv.DictReader(fh))
    assert got == [{k: "" if v is None else str(v) for k, v in r.items()} for r in rows]
    html = out_html.read_text(encoding="utf-8")
    assert "Item analysis: a1" in html
    srcs = re.findall(r"<script[^>]*\bsrc=[\"']([^\"']+)", html)
    assert srcs, "the report loads no plotly.js"
    for src in srcs:
        assert not re.match(r"(https?:)?//", src), f"the report loads {src} from the network"
        assert (out_html.parent / src).is_file(), f"{src} is not next to the report"
    assert not re.search(r"<(script|link)[^>]+(src|href)=[\"'](https?:)?//", html)


# --------------------------------------------------------------------------- gradebooks


def _empty_gradebook(path: Path, version: str = "testhead"):
    """nbgrader's schema in a new SQLite file (without nbgrader's ``alembic heads`` subprocess)."""
    from nbgrader.api import Base
    from sqlalchemy import create_engine, text

    engine = create_engine(f"sqlite:///{path}", future=True)
    Base.metadata.create_all(bind=engine)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)"))
        conn.execute(text("INSERT INTO alembic_version (version_num) VALUES (:v)"), {"v": version})
    engine.dispose()


def _gradebook(url: str, course_id: str = COURSE_ID):
    from nbgrader.api import Gradebook

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return Gradebook(url, course_id)


@pytest.fixture(scope="module")
def class_gradebook(tmp_path_factory) -> Path:
    """A course gradebook: a1 (nb1: answer ans1, tests t1 (1 pt) and t2 (2 pts), hand-graded essay (3 pts))
    and a2 (nb2: test u1), students s1-s4; a1 submitted by all four, a2 by s1; some grades set."""
    path = tmp_path_factory.mktemp("gradebook") / "gradebook.db"
    _empty_gradebook(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with _gradebook(f"sqlite:///{path}") as gb:
            gb.add_assignment(A, duedate=datetime(2026, 12, 1, 12, 0))
            gb.add_notebook("nb1", A)
            gb.add_solution_cell("ans1", "nb1", A)
            gb.add_grade_cell("t1", "nb1", A, max_score=1, cell_type="code")
            gb.add_grade_cell("t2", "nb1", A, max_score=2, cell_type="code")
            gb.add_grade_cell("essay", "nb1", A, max_score=3, cell_type="markdown")
            gb.add_solution_cell("essay", "nb1", A)
            gb.add_assignment("a2")
            gb.add_notebook("nb2", "a2")
            gb.add_grade_cell("u1", "nb2", "a2", max_score=1, cell_type="code")
            for s in ("s1", "s2", "s3", "s4"):
                gb.add_student(s, first_name=s.upper())
                gb.add_submission(A, s)
            gb.add_submission("a2", "s1")
            # s1 and s2 pass t1; only s1 passes t2; s3 and s4 pass nothing yet (s4 ungraded: None).
            for s, t1, t2 in (("s1", 1.0, 2.0), ("s2", 1.0, 0.0), ("s3", 0.0, 0.0)):
                gb.find_grade("t1", "nb1", A, s).auto_score = t1
                gb.find_grade("t2", "nb1", A, s).auto_score = t2
            gb.find_grade("essay", "nb1", A, "s1").manual_score = 2.5
            gb.find_comment("ans1", "nb1", A, "s1").manual_comment = "good work"
            gb.find_grade("u1", "nb2", "a2", "s1").auto_score = 1.0
            gb.db.commit()
    return path


@pytest.fixture
def course(tmp_path, class_gradebook) -> Path:
    """A course folder with its own configuration and a fresh copy of the class gradebook."""
    course = tmp_path / "course"
    course.mkdir()
    (course / "nbgrader_config.py").write_text(f"c = get_config()\nc.CourseDirectory.course_id = {COURSE_ID!r}\n")
    shutil.copy(class_gradebook, course / "gradebook.db")
    return course


def test_copy_gradebook_copies_exactly_the_assignment_and_students_named(tmp_path, class_gradebook):
    dst = tmp_path / "scratch.db"
    merge.copy_gradebook(f"sqlite:///{class_gradebook}", f"sqlite:///{dst}", COURSE_ID, A, ["s1", "s2"])
    with _gradebook(f"sqlite:///{dst}") as gb:
        assert [a.name for a in gb.assignments] == [A]
        assert sorted(s.id for s in gb.students) == ["s1", "s2"]
        assert gb.find_student("s1").first_name == "S1"
        assert sorted(s.student.id for s in gb.assignment_submissions(A)) == ["s1", "s2"]
        asg = gb.find_assignment(A)
        assert str(asg.duedate).startswith("2026-12-01 12:00:00")
        assert sorted(c.name for c in asg.notebooks[0].grade_cells) == ["essay", "t1", "t2"]
        assert gb.find_grade("t1", "nb1", A, "s1").auto_score == 1.0
        assert gb.find_grade("t2", "nb1", A, "s2").auto_score == 0.0
        assert gb.find_grade("essay", "nb1", A, "s1").manual_score == 2.5
        assert gb.find_comment("ans1", "nb1", A, "s1").manual_comment == "good work"
        assert gb.course_id == COURSE_ID
    import sqlite3

    with sqlite3.connect(dst) as db:
        assert db.execute("SELECT version_num FROM alembic_version").fetchall() == [("testhead",)]
        assert db.execute("SELECT count(*) FROM grade").fetchone()[0] == 2 * 3  # 2 students x 3 graded cells
        assert db.execute("SELECT count(*) FROM course").fetchone()[0] == 1


def test_copy_gradebook_adds_the_course_when_the_source_has_none(tmp_path):
    src = tmp_path / "fresh.db"
    _empty_gradebook(src)
    dst = tmp_path / "scratch.db"
    merge.copy_gradebook(f"sqlite:///{src}", f"sqlite:///{dst}", COURSE_ID, A, ["s1"])
    import sqlite3

    with sqlite3.connect(dst) as db:
        assert db.execute("SELECT id FROM course").fetchall() == [(COURSE_ID,)]
        assert db.execute("SELECT count(*) FROM student").fetchone()[0] == 0


def test_is_solution_tells_answers_from_tests(class_gradebook):
    with _gradebook(f"sqlite:///{class_gradebook}") as gb:
        assert merge._is_solution(gb, "ans1", "nb1", A) is True
        assert merge._is_solution(gb, "essay", "nb1", A) is True
        assert merge._is_solution(gb, "t1", "nb1", A) is False
        assert merge._is_solution(gb, "nope", "nb1", A) is False


def _db_errors():
    from nbgrader.api import InvalidEntry, MissingEntry
    from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError

    concurrent = [
        OperationalError("UPDATE grade SET auto_score=?", {}, Exception("database is locked")),
        OperationalError("UPDATE grade", {}, Exception("could not serialize access due to concurrent update")),
        OperationalError("UPDATE grade", {}, Exception("deadlock detected")),
        IntegrityError("INSERT INTO student", {}, Exception('duplicate key value violates unique constraint "student_pkey"')),
        InvalidEntry("UNIQUE constraint failed: student.id"),
    ]
    other = [
        MissingEntry("no such grade"),
        ValueError("bad value"),
        KeyError("t1"),
        ProgrammingError("SELECT", {}, Exception('relation "grade" does not exist')),
        RuntimeError("database is locked"),  # not a database error class: not retried
    ]
    return [(e, True) for e in concurrent] + [(e, False) for e in other]


@pytest.mark.parametrize("exc, retried", _db_errors(), ids=lambda v: type(v).__name__ if isinstance(v, Exception) else str(v))
def test_is_concurrent_write_retries_only_database_write_conflicts(exc, retried):
    assert merge._is_concurrent_write(exc) is retried


def test_merge_copies_grades_keeps_hand_scores_and_scores_ungraded_tests_zero(course, tmp_path):
    scratch = tmp_path / "scratch"
    _write_nb(scratch / "autograded" / "s1" / A / NB, _autograded_notebook([]))
    merge.copy_gradebook(
        f"sqlite:///{course / 'gradebook.db'}", f"sqlite:///{scratch / 'gradebook.db'}", COURSE_ID, A, ["s1", "s4"]
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with _gradebook(f"sqlite:///{scratch / 'gradebook.db'}") as gb:  # what autograding s1 recorded
            gb.find_submission(A, "s1").timestamp = datetime(2026, 12, 1, 11, 0)
            gb.find_grade("t1", "nb1", A, "s1").auto_score = 0.0
            gb.find_grade("t2", "nb1", A, "s1").auto_score = 2.0
            gb.db.commit()
    results = [
        intake.SubmissionResult("s1", scratch=scratch),
        intake.SubmissionResult("s4", "not graded", ["nb1.ipynb: missing; scored 0"]),
    ]
    merge.merge_into_gradebook(course, A, results, [NB])
    assert [r.status for r in results] == ["graded", "not graded"]
    with _gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        assert gb.find_grade("t1", "nb1", A, "s1").auto_score == 0.0
        assert gb.find_grade("t2", "nb1", A, "s1").auto_score == 2.0
        assert gb.find_grade("essay", "nb1", A, "s1").manual_score == 2.5  # entered by hand: kept
        assert str(gb.find_submission(A, "s1").timestamp).startswith("2026-12-01 11:00:00")
        assert gb.find_grade("t1", "nb1", A, "s4").auto_score == 0.0  # never "not graded = pass"
        assert gb.find_grade("t2", "nb1", A, "s4").auto_score == 0.0
        assert gb.find_grade("u1", "nb2", "a2", "s1").auto_score == 1.0  # the other assignment untouched
    assert (course / "autograded" / "s1" / A / NB).is_file()
    assert not (course / "autograded" / "s4").exists()


def test_a_rerun_that_cannot_grade_a_submission_scores_it_zero_not_its_old_score(course):
    """The log says "scored 0" for a submission this run could not grade: so must the gradebook,
    even when an earlier run had scored it (here s2 passed t1 before)."""
    assert pipeline.scores(course, A)["s2"] == (1.0, 3.0)
    results = [intake.SubmissionResult("s2", "not graded", ["nb1.ipynb: not valid JSON; scored 0"])]
    merge.merge_into_gradebook(course, A, results, [NB])
    with _gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        assert gb.find_grade("t1", "nb1", A, "s2").auto_score == 0.0
        assert gb.find_grade("t2", "nb1", A, "s2").auto_score == 0.0
    assert pipeline.scores(course, A)["s2"] == (0.0, 3.0)


def test_item_analysis_and_scores_read_the_course_gradebook(course):
    got = {r["item"]: r for r in items.item_analysis(course, A)}
    assert set(got) == {"t1", "t2"}  # answers and the hand-graded essay are no autograded tests
    # Passing t1: s1, s2 (not s3, s4); rest = t2 scores 2, 0, 0, 0.
    assert got["t1"]["share_passing"] == 0.5 and got["t1"]["students"] == 4 and got["t1"]["points"] == 1
    assert got["t1"]["discrimination"] == round(statistics.correlation([1, 1, 0, 0], [2, 0, 0, 0]), 3)
    assert got["t2"]["share_passing"] == 0.25
    assert got["t2"]["discrimination"] == round(statistics.correlation([1, 0, 0, 0], [1, 1, 0, 0]), 3)
    assert pipeline.scores(course, A) == {"s1": (3.0, 3.0), "s2": (1.0, 3.0), "s3": (0.0, 3.0), "s4": (0.0, 3.0)}


# --------------------------------------------------------------------------- the channel to the student's kernel


@pytest.mark.parametrize(
    ("answer", "shown"),
    [
        ({"error": "ValueError"}, "ValueError"),
        ({"error": "ZeroDivisionError"}, "ZeroDivisionError"),
        ({"error": "the hidden test called f(1, 2, 3)"}, "an exception"),  # any other text from the kernel
        ({"error": "print"}, "an exception"),  # a builtin, but no exception
        ({"error": ["ValueError"]}, "an exception"),
        ("not a dict", "an exception"),
    ],
)
def test_only_a_builtin_exception_name_from_the_students_kernel_reaches_the_feedback(answer, shown):
    from civicspace.grading import agent

    assert agent._error_name(answer) == shown


# --------------------------------------------------------------------------- runner


def test_nbgrader_env_puts_this_venv_first_and_drops_jupyter_path(monkeypatch):
    monkeypatch.setenv("JUPYTER_PATH", "/somewhere/with/another/kernel")
    monkeypatch.setenv("CIVICSPACE_KEEP", "yes")
    env = runner.nbgrader_env({"TMPDIR": "/scratch/runtime"})
    assert env["PATH"].split(os.pathsep)[0] == str(runner.BIN)
    assert "JUPYTER_PATH" not in env
    assert env["CIVICSPACE_KEEP"] == "yes" and env["TMPDIR"] == "/scratch/runtime"
    assert runner.nbgrader_env({"JUPYTER_PATH": "/scratch/jupyter"})["JUPYTER_PATH"] == "/scratch/jupyter"


def test_a_small_limit_is_named_in_bytes(tmp_path):
    """timestamp.txt may hold 1 KB: the message must not say "larger than 0 MB"."""
    path = tmp_path / "timestamp.txt"
    path.write_bytes(b"2026-12-01 10:00:00" * 100)
    with pytest.raises(ValueError, match="larger than 1024 bytes"):
        intake.read_regular_file(path, limit=1024)
