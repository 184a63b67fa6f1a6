"""nbgrader's multi-user round trip on a real JupyterHub, and the book's hub link.

The test starts a real ``jupyterhub`` on 127.0.0.1 (free ports), with its proxy
(``configurable-http-proxy``, the pure-Python port from PyPI), ``DummyAuthenticator``
(one fixed password) and ``SimpleLocalProcessSpawner`` (a home folder per user under
the test's temporary folder); see ``tests/hubkit.py``. Nothing leaves the machine.

- The instructor's course folder (``autograder/`` with the course's own
  ``nbgrader_config.py`` plus ``c.Exchange.root``, course id ``civicspace``) generates
  exercise 1 and releases it into nbgrader's exchange (a temporary folder, mode 777).
- Two students log in through the hub's login form, take an API token from the hub API
  and start their servers through it. Everything a student does then goes through their
  own single-user server over HTTP, as JupyterLab's Assignments tab and editor do:
  nbgrader's REST handlers (``assignments/fetch``, ``assignments/validate``,
  ``assignments/submit``, ``assignments/fetch_feedback``) and the contents API (saving
  the answered notebook). Alice answers everything, Bob the first two questions.
- The instructor runs ``nbgrader collect``, then the course's sandboxed grading
  (``civicspace grade <assignment> --course <folder>``, what ``make grade`` runs), then
  ``nbgrader release_feedback``.
- The gradebook holds the exact autograded scores; each student fetches their own
  feedback into their own home, and not the other's.
- The "Open on your JupyterHub" link, as the book builds it (``civicspace.book.sphinxext``),
  pulls the student edition (made with ``civicspace student-edition``, served as a
  local ``file://`` git URL) into a logged-in student's home through nbgitpuller.

The student edition is made from a copy of the instructor repository holding only the
exercise used here (every exercise would cost minutes; test_student_edition.py makes
and scans the full edition).
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import time
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import parse_qs, urlparse

import nbformat
import pytest
import requests
from conftest import BIN, ROOT, env_with_bin
from hubkit import Hub, Student

from civicspace.book.sphinxext import _launch_links
from civicspace.grading import notebooks as grading
from civicspace.grading import pipeline, runner

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("grading"), pytest.mark.timeout(900)]

A = "ch01_foundations"
NB = f"{A}.ipynb"
COURSE_ID = "civicspace"
#: Every coded answer of exercise 1 and the points of the test after each, read from the instructor notebook.
_SOURCE = nbformat.read(ROOT / "exercises" / A / NB, as_version=4)
_CODED = [c for c in _SOURCE.cells if grading.is_answer(c) and c.cell_type == "code"]


def _points_after(cell) -> float:
    """The points of the autograder test that checks the answer ``cell`` (the next test cell)."""
    cells = _SOURCE.cells
    test = next(c for c in cells[cells.index(cell) + 1 :] if grading.is_autograder_test(c))
    return float(grading.nbgrader_meta(test)["points"])


TOTAL = sum(float(grading.nbgrader_meta(c)["points"]) for c in _SOURCE.cells if grading.is_autograder_test(c))
BOB = {"q1_answer", "q2_answer"}  # two of the pandas questions
ANSWERS = {
    "alice": {grading.nbgrader_meta(c)["grade_id"] for c in _CODED},  # every autograded answer
    "bob": BOB,
}
EXPECTED = {  # (autograded score, out of)
    "alice": (TOTAL, TOTAL),
    "bob": (sum(_points_after(c) for c in _CODED if grading.nbgrader_meta(c)["grade_id"] in BOB), TOTAL),
}
WRITTEN = "written_ratification_vs_practice"  # the hand-graded answer: Alice writes one, Bob does not
NO_RESPONSE = "You did not provide a response."


def _ignore(folder: str, names: list[str]) -> set[str]:
    skip = {
        ".git",
        ".venv",
        "_build",
        "__pycache__",
        ".pytest_cache",
        ".ipynb_checkpoints",
        "gradebook.db",
        "release",
        "submitted",
        "autograded",
        "feedback",
        "reports",
        "exports",
    }
    out = {n for n in names if n in skip or n.endswith(".egg-info")}
    if Path(folder) == ROOT / "exercises":
        out |= {n for n in names if n != A}
    if Path(folder) == ROOT:
        out |= {"tests", "scripts", ".ci"}
    return out


def _instructor_copy(work: Path) -> Path:
    """The instructor repository with only exercise ``A`` (its autograder/, book, data, package)."""
    copy = work / "instructor"
    shutil.copytree(ROOT, copy, ignore=_ignore)
    return copy


def _run(cmd: list[str], cwd: Path, timeout: float = 600, **env: str) -> subprocess.CompletedProcess:
    out = subprocess.run(cmd, cwd=cwd, env=env_with_bin(**env), capture_output=True, text=True, timeout=timeout)
    assert out.returncode == 0, f"{' '.join(map(str, cmd))} failed:\n{out.stdout[-3000:]}\n{out.stderr[-3000:]}"
    return out


def _ok(response: requests.Response, what: str) -> dict:
    assert response.status_code == 200, f"{what}: HTTP {response.status_code}: {response.text[:1000]}"
    body = response.json()
    assert body.get("success", True), f"{what}: {json.dumps(body)[:3000]}"
    return body


def _feedback_files(home: Path) -> list[Path]:
    return sorted(home.rglob("*.html"))


def _pull(student: Student, link: str) -> list[dict]:
    """Follow the hub link in the student's logged-in browser session (the hub's cookie; the
    single-user server logs the student in through the hub's OAuth), then make the pull
    that the page's script makes (an event stream, with the same cookies)."""
    page = student.web.get(link, timeout=120)
    assert page.status_code == 200, f"{link}: HTTP {page.status_code}: {page.text[:500]}"
    assert page.url.startswith(f"{student.server}/git-pull?"), f"the hub sent {student.name} to {page.url}"
    query = urlparse(page.url).query
    events = []
    with student.web.get(f"{student.server}/git-pull/api?{query}", stream=True, timeout=300) as stream:
        assert stream.status_code == 200, stream.text[:500]
        for line in stream.iter_lines(decode_unicode=True):
            if line and line.startswith("data: "):
                events.append(json.loads(line[len("data: ") :]))
                if events[-1].get("phase") in ("finished", "error"):
                    break
    return events


@pytest.fixture(scope="module")
def round_trip(tmp_path_factory):
    work = tmp_path_factory.mktemp("hub")
    instructor = _instructor_copy(work)
    edition_dir = work / "published" / "civicspace-student"
    # The student edition is made meanwhile (its nbgrader release takes a while).
    edition_log = open(work / "edition.log", "wb")
    edition_proc = subprocess.Popen(
        [str(BIN / "civicspace"), "student-edition", str(edition_dir)],
        cwd=instructor,
        env=env_with_bin(CIVICSPACE_ROOT=str(instructor)),
        stdout=edition_log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    exchange = work / "exchange"
    exchange.mkdir()
    exchange.chmod(0o777)  # as nbgrader asks: every user writes to it
    course = instructor / "autograder"
    with open(course / "nbgrader_config.py", "a", encoding="utf-8") as config:
        config.write(
            f"\n# The JupyterHub round trip test: nbgrader's exchange.\nc.Exchange.root = {str(exchange)!r}\n"
            "# Every hub user is one Unix user in this test (on a real hub, keep the owner check).\n"
            "c.ExchangeCollect.check_owner = False\n"
        )
    hub = Hub(work / "hub", exchange=exchange, course_id=COURSE_ID)
    result: dict = {"course": course, "hub": hub, "exchange": exchange, "seconds": {}}
    clock = [time.monotonic()]

    def lap(step: str) -> None:  # where the time goes, for whoever reads the result (not asserted)
        now = time.monotonic()
        result["seconds"][step] = round(now - clock[0], 1)
        clock[0] = now

    try:
        # 1. Two students log in and ask for their servers; while these start, the
        #    instructor releases the assignment through the exchange.
        hub.start()
        students = {name: Student(hub, name) for name in ANSWERS}
        for s in students.values():
            s.login()
        for s in students.values():
            s.request_spawn()
        runner.nbgrader(course, "generate_assignment", A, "--force", "--log-level=WARN", env=env_with_bin())
        runner.nbgrader(course, "release_assignment", A, "--log-level=WARN", env=env_with_bin())
        source = nbformat.read(instructor / "exercises" / A / NB, as_version=4)
        for s in students.values():
            s.wait_ready()
        lap("login_spawn_release")

        # 2. Each lists, fetches, answers, saves, validates and submits, over HTTP.
        result["listed"], result["validated"] = {}, {}
        for name, s in students.items():
            listed = _ok(s.get("assignments", params={"course_id": COURSE_ID}), f"{name} lists assignments")
            result["listed"][name] = [(a["assignment_id"], a["status"]) for a in listed["value"]]
            _ok(s.post("assignments/fetch", data={"course_id": COURSE_ID, "assignment_id": A}), f"{name} fetches")
            model = s.get(f"api/contents/{A}/{NB}", params={"type": "notebook", "content": "1"})
            assert model.status_code == 200, f"{name}: the fetched notebook is not in the home: {model.text[:300]}"
            fetched = nbformat.from_dict(model.json()["content"])
            answered = grading.fill_answers(fetched, source, ANSWERS[name])
            if name == "alice":
                cell = next(c for c in answered.cells if grading.nbgrader_meta(c).get("grade_id") == WRITTEN)
                cell.source = "Ratifying a treaty is a promise; the record of what a state does is another matter."
            saved = s.put(f"api/contents/{A}/{NB}", json={"type": "notebook", "format": "json", "content": answered})
            assert saved.status_code in (200, 201), f"{name}: saving failed: {saved.text[:300]}"
            result["validated"][name] = _ok(s.post("assignments/validate", data={"path": f"{A}/{NB}"}), f"{name} validates")[
                "value"
            ]
            _ok(s.post("assignments/submit", data={"course_id": COURSE_ID, "assignment_id": A}), f"{name} submits")
        lap("students_work")

        # 3. The instructor collects, grades in the sandbox (make grade) and releases feedback.
        runner.nbgrader(course, "collect", A, "--log-level=WARN", env=env_with_bin())
        result["grade_log"] = _run([str(BIN / "civicspace"), "grade", A, "--course", str(course)], instructor).stdout
        runner.nbgrader(course, "release_feedback", A, "--log-level=WARN", env=env_with_bin())
        result["scores"] = pipeline.scores(course, A)
        lap("collect_grade_release")

        # 4. The students fetch their feedback.
        for name, s in students.items():
            _ok(
                s.post("assignments/fetch_feedback", data={"course_id": COURSE_ID, "assignment_id": A}),
                f"{name} fetches feedback",
            )
        lap("fetch_feedback")

        # 5. The book's hub link pulls the student edition into a student's home.
        assert edition_proc.wait(timeout=900) == 0, (work / "edition.log").read_text(errors="replace")[-3000:]
        config = SimpleNamespace(
            html_theme_options={
                "repository_url": f"file://{edition_dir}",
                "repository_branch": "main",
                "launch_buttons": {"jupyterhub_url": hub.url},
            },
            civicspace_jupyterhub_branch="",
        )
        links = dict(_launch_links(config, A, NB))
        result["hub_link"] = links["Open on your JupyterHub"]
        result["pull_events"] = _pull(students["alice"], result["hub_link"])
        result["edition"] = edition_dir
        result["opened"] = students["alice"].get(
            "api/contents/" + parse_qs(urlparse(result["hub_link"]).query)["urlpath"][0].removeprefix("lab/tree/"),
            params={"content": "0"},
        )
        lap("edition_pull")
        (work / "seconds.json").write_text(json.dumps(result["seconds"]))
        yield result
    finally:
        hub.stop()
        if edition_proc.poll() is None:
            os.killpg(edition_proc.pid, 9)
            edition_proc.wait()
        edition_log.close()


def test_students_see_the_released_assignment(round_trip):
    for name, listed in round_trip["listed"].items():
        assert (A, "released") in listed, f"{name} sees {listed}"


def test_validation_tells_the_partial_student_what_fails(round_trip):
    full, partial = round_trip["validated"]["alice"], round_trip["validated"]["bob"]
    assert not full.get("failed") and not full.get("changed"), full
    failed = [f for f in partial.get("failed") or [] if f["error"] != NO_RESPONSE]
    assert failed, f"validation of a partly answered notebook reported no failing test: {partial}"
    # Bob left q3 (status_table) and q4 (late_joiners) as the stubs: their tests fail.
    for answer in ("status_table", "late_joiners"):
        assert any(answer in f["source"] for f in failed), f"no failing test names {answer}: {failed}"


def test_collected_submissions_are_graded_in_the_sandbox_with_exact_scores(round_trip):
    course = round_trip["course"]
    for name in ANSWERS:
        assert (course / "submitted" / name / A / NB).is_file(), f"nbgrader collect did not bring {name}'s submission"
        assert (course / "submitted" / name / A / "timestamp.txt").is_file()
    assert round_trip["scores"] == EXPECTED


def test_each_student_gets_their_own_feedback_only(round_trip):
    course, hub = round_trip["course"], round_trip["hub"]
    released = {name: (course / "feedback" / name / A / f"{A}.html").read_bytes() for name in ANSWERS}
    assert released["alice"] != released["bob"]
    for name in ANSWERS:
        home = hub.home(name)
        files = _feedback_files(home / A / "feedback")
        assert len(files) == 1, f"{name}'s feedback folder: {files}"
        assert files[0].read_bytes() == released[name], f"{name} got feedback that is not theirs"
        other = next(n for n in ANSWERS if n != name)
        for path in home.rglob("*"):
            if path.is_file() and path.suffix == ".html":
                assert path.read_bytes() != released[other], f"{other}'s feedback is in {name}'s home: {path}"


def test_the_exchange_hides_submissions_and_feedback_from_other_students(round_trip):
    """nbgrader's modes, which the instructor guide gives: students can read released
    assignments, but can neither list the submissions nor the feedback of others."""
    course_dir = round_trip["exchange"] / COURSE_ID
    modes = {name: stat.S_IMODE((course_dir / name).stat().st_mode) for name in ("outbound", "inbound", "feedback")}
    assert modes == {"outbound": 0o755, "inbound": 0o2733, "feedback": 0o711}, {k: oct(v) for k, v in modes.items()}


def test_open_on_your_jupyterhub_link_pulls_the_student_edition(round_trip):
    events, edition_dir, hub = round_trip["pull_events"], round_trip["edition"], round_trip["hub"]
    assert events and events[-1].get("phase") == "finished", events[-3:]
    pulled = hub.home("alice") / edition_dir.name
    assert (pulled / ".git").is_dir()
    assert (pulled / "exercises" / A / NB).read_bytes() == (edition_dir / "exercises" / A / NB).read_bytes()
    assert not (pulled / "autograder").exists(), "the link pulled instructor material"
    assert round_trip["opened"].status_code == 200, "the link's urlpath does not open the pulled notebook"
    assert not (hub.home("bob") / edition_dir.name).exists(), "the pull reached another student's home"


def test_stopping_the_hub_leaves_no_process(round_trip):
    """Runs last: the hub, the proxy, both servers and their kernels all end."""
    hub = round_trip["hub"]
    assert hub.leftovers(), "the hub should be running until now"
    hub.stop()
    assert hub.leftovers() == [], "processes left running after the hub stopped"
