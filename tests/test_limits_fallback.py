"""Grading where the host offers no cgroups: the rlimit fallback, chosen by configuration.

``CIVICSPACE_LIMITS=rlimit`` makes the pipeline behave as on a host without cgroup v2 or
v1 controllers. A memory bomb is then held by the address-space rlimit of its process:
it scores exactly what the honest part of the submission earns, the batch completes,
and the log's first line says which limits hold. The process limit (RLIMIT_NPROC) does
not bind root, so where this suite runs as root the line must say the process limit is
MISSING (a fork bomb is then stopped by the per-cell time limit alone, as the line
says); it is not run here, because without a process limit it would starve the
machine the rest of the suite runs on.
"""

from __future__ import annotations

import os

import nbformat
import pytest
from test_grading_pipeline import ALL_A, LIMITS, NB, TOTAL_A, A, build_submission, hostile_cases, released_course

from civicspace.grading import notebooks as grading
from civicspace.grading import pipeline, sandbox

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("grading")]


@pytest.fixture(scope="module")
def fallback_batch(tmp_path_factory):
    course, source, release = released_course(tmp_path_factory.mktemp("fallback"))
    solved = grading.fill_answers(release, source, ALL_A)
    (course / "submitted" / "control_solution" / A).mkdir(parents=True)
    nbformat.write(solved, course / "submitted" / "control_solution" / A / NB)
    kind, expected, _ = hostile_cases(course)["memory_bomb"]
    build_submission(kind, release, source, course / "submitted" / "memory_bomb" / A)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(sandbox.BACKEND_ENV, "rlimit")
        report = pipeline.grade(A, course, workers=2, limits=LIMITS, use_sandbox=True, progress=False)
    return {"course": course, "report": report, "memory_bomb": expected}


def test_the_memory_bomb_is_held_by_the_address_space_limit(fallback_batch):
    scores = pipeline.scores(fallback_batch["course"], A)
    assert scores["control_solution"] == (TOTAL_A, TOTAL_A)
    # What the honest part earns: every test but the one after the answer the bomb sits in.
    assert scores["memory_bomb"] == (fallback_batch["memory_bomb"], TOTAL_A)
    assert fallback_batch["memory_bomb"] < TOTAL_A
    result = next(r for r in fallback_batch["report"].results if r.student == "memory_bomb")
    assert "MemoryError" in result.log_line(), result.log_line()


def test_the_log_says_the_fallback_is_in_force_and_what_it_cannot_hold(fallback_batch):
    report = fallback_batch["report"]
    first = report.log.read_text(encoding="utf-8").splitlines()[0]
    assert first == report.limits
    assert "memory 1024 MB of address space per process (rlimit fallback" in first
    assert "per kernel (cgroup" not in first
    if os.geteuid() == 0:
        assert "MISSING: process limit (RLIMIT_NPROC does not bind root" in first
    else:
        assert "processes: at most 64 more for your user" in first
