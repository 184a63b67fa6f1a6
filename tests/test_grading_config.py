"""The course's own nbgrader configuration is the grading pipeline's configuration.

The pipeline layers only what its sandbox needs on top of ``nbgrader_config.py``; the
instructor's other settings (gradebook database, late penalties, time limit, output
limits, preprocessors) take effect, and no gradebook path is hard-coded.
"""

from __future__ import annotations

import csv
import shutil
from datetime import datetime
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT, env_with_bin

from civicspace.grading import config, feedback, outputs, pipeline, runner
from civicspace.grading import notebooks as grading

A = "ch01_foundations"
NB = f"{A}.ipynb"
#: Every coded answer of exercise 1 and its autograded points, read from the instructor notebook.
_SOURCE_A = nbformat.read(ROOT / "exercises" / A / f"{A}.ipynb", as_version=4)
ALL_A = {grading.nbgrader_meta(c)["grade_id"] for c in _SOURCE_A.cells if grading.is_answer(c) and c.cell_type == "code"}
TOTAL_A = float(sum(grading.nbgrader_meta(c)["points"] for c in _SOURCE_A.cells if grading.is_autograder_test(c)))


def _course(tmp_path: Path, extra: str = "") -> Path:
    course = tmp_path / "autograder"
    course.mkdir()
    config = (ROOT / "autograder" / "nbgrader_config.py").read_text(encoding="utf-8")
    (course / "nbgrader_config.py").write_text(config + "\n" + extra, encoding="utf-8")
    return course


# --------------------------------------------------------------------------- without running nbgrader


def test_default_gradebook_is_the_sqlite_file_in_the_course_folder(tmp_path):
    course = _course(tmp_path)
    assert config.db_url(course) == f"sqlite:///{course.resolve() / 'gradebook.db'}"
    assert config.course_limits(course).cell_timeout == 60  # the course's c.Execute.timeout


def test_course_settings_are_read_and_the_sandbox_layer_is_added(tmp_path):
    course = _course(
        tmp_path,
        (
            'c.CourseDirectory.db_url = "postgresql://grader@/grades?host=/run/pg"\n'
            "c.Execute.timeout = 17\n"
            "c.LimitOutput.max_lines = 50\n"
            'c.LateSubmissionPlugin.penalty_method = "zero"\n'
        ),
    )
    assert config.db_url(course) == "postgresql://grader@/grades?host=/run/pg"
    assert config.course_limits(course).cell_timeout == 17
    assert config.course_limits(course, cell_timeout=5).cell_timeout == 5  # the command line's --cell-timeout
    scratch = tmp_path / "scratch"
    cfg = config.scratch_config(course, scratch, 17)
    # the instructor's settings are kept...
    assert cfg.LimitOutput.max_lines == 50
    assert cfg.LateSubmissionPlugin.penalty_method == "zero"
    assert cfg.CourseDirectory.course_id == "civicspace"
    # ...and the sandbox's layer is on top: a private gradebook copy, nothing of the source folder, sockets
    assert cfg.CourseDirectory.db_url == f"sqlite:///{scratch / 'gradebook.db'}"
    assert cfg.CourseDirectory.source_directory == str(scratch / "source")
    assert cfg.KernelManager.transport == "ipc"
    from nbgrader.preprocessors import AssignLatePenalties, Execute, SaveAutoGrades

    from civicspace.grading.execute import IsolatedExecute

    steps = cfg.Autograde.autograde_preprocessors
    assert steps[0] is IsolatedExecute and Execute not in steps
    assert SaveAutoGrades in steps and AssignLatePenalties in steps
    assert steps.index(outputs.TruncateOutputsPreprocessor) < steps.index(SaveAutoGrades)


def test_instructor_preprocessor_list_is_kept_with_execute_sandboxed(tmp_path):
    course = _course(
        tmp_path,
        (
            "from nbgrader.preprocessors import Execute, LimitOutput, SaveAutoGrades\n"
            "c.Autograde.autograde_preprocessors = [Execute, LimitOutput, SaveAutoGrades]\n"
        ),
    )
    from nbgrader.preprocessors import LimitOutput, SaveAutoGrades

    from civicspace.grading.execute import IsolatedExecute

    steps = config.scratch_config(course, tmp_path / "s", 60).Autograde.autograde_preprocessors
    assert steps == [IsolatedExecute, LimitOutput, outputs.TruncateOutputsPreprocessor, SaveAutoGrades]


@pytest.mark.parametrize(
    "setting, words",
    [
        ('c.CourseDirectory.submitted_directory = "inbox"', "CourseDirectory.submitted_directory = 'inbox'"),
        ('c.CourseDirectory.root = "/somewhere/else"', "CourseDirectory.root"),
        ("c.CourseDirectory.db_url = undefined_name", "NameError"),
    ],
)
def test_unusable_configuration_is_an_error_naming_the_file(tmp_path, setting, words):
    course = _course(tmp_path, setting + "\n")
    with pytest.raises(ValueError) as err:
        config.course_directory(course)
    assert str(course / "nbgrader_config.py") in str(err.value) and words in str(err.value)


def test_feedback_without_the_redaction_is_refused(tmp_path):
    course = _course(tmp_path, ("from nbgrader.preprocessors import GetGrades\nc.GenerateFeedback.preprocessors = [GetGrades]\n"))
    with pytest.raises(ValueError, match="RedactHiddenTestsPreprocessor"):
        feedback._feedback_config(course)


# --------------------------------------------------------------------------- a grading run


@pytest.mark.slow
@pytest.mark.xdist_group("grading")
def test_course_settings_take_effect_in_a_grading_run(tmp_path):
    """A gradebook elsewhere (db_url), a late penalty and a time limit set in nbgrader_config.py are
    what a grading run uses: the grades go to that database, the late submission scores 0 under
    ``penalty_method = "zero"``, and the log names the course's time limit."""
    elsewhere = tmp_path / "shared" / "grades.sqlite"
    elsewhere.parent.mkdir()
    course = _course(
        tmp_path,
        (
            f'c.CourseDirectory.db_url = "sqlite:///{elsewhere}"\n'
            'c.LateSubmissionPlugin.penalty_method = "zero"\n'
            "c.Execute.timeout = 25\n"
        ),
    )
    shutil.copytree(ROOT / "exercises" / A, tmp_path / "exercises" / A)
    runner.nbgrader(course, "generate_assignment", A, "--force", "--log-level=WARN", env=env_with_bin())
    with config.open_gradebook(course) as gb:
        gb.update_or_create_assignment(A, duedate=datetime(2026, 3, 1, 12, 0))
    source = nbformat.read(tmp_path / "exercises" / A / NB, as_version=4)
    release = nbformat.read(course / "release" / A / NB, as_version=4)
    for student, stamp in {"on_time": "2026-03-01 11:00:00", "late": "2026-03-02 09:00:00"}.items():
        folder = course / "submitted" / student / A
        folder.mkdir(parents=True)
        nbformat.write(grading.fill_answers(release, source, ALL_A), folder / NB)
        (folder / "timestamp.txt").write_text(stamp)

    report = pipeline.grade(A, course, workers=2, use_sandbox=True, progress=False)

    assert {r.student: r.status for r in report.results} == {"late": "graded", "on_time": "graded"}
    assert "25 s per cell" in report.limits
    assert not (course / "gradebook.db").exists(), "no gradebook in the course folder: db_url names another"
    assert elsewhere.exists()
    with config.open_gradebook(course) as gb:
        late = gb.find_submission(A, "late")
        on_time = gb.find_submission(A, "on_time")
        assert (late.score, late.late_submission_penalty) == (TOTAL_A, TOTAL_A)
        assert (on_time.score, on_time.late_submission_penalty) == (TOTAL_A, 0.0)
        assert gb.find_assignment(A).duedate == datetime(2026, 3, 1, 12, 0)
    rows = {r["student_id"]: r for r in csv.DictReader(report.grades_csv.open(encoding="utf-8"))}
    assert float(rows["late"]["score"]) == 0.0 and float(rows["late"]["raw_score"]) == TOTAL_A
    assert float(rows["on_time"]["score"]) == TOTAL_A


def test_grade_command_stops_on_an_unusable_configuration(tmp_path, capsys):
    from civicspace import cli

    course = _course(tmp_path, 'c.CourseDirectory.autograded_directory = "graded"\n')
    assert cli.main(["grade", A, "--course", str(course)]) == 1
    err = capsys.readouterr().err
    assert str(course / "nbgrader_config.py") in err and "autograded_directory" in err
    assert not (course / "release").exists(), "nothing was run"
