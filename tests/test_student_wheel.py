"""The student wheel, installed as the student guide says, on a machine with only Python and pip.

The wheel is built with the real command (``civicspace student-wheel``) from the student
edition. Its files are scanned for anything instructor-only. Then, as a student would:
a fresh virtual environment (``python -m venv``, from the base interpreter, not this
environment), ``pip install`` of the wheel with its pinned dependencies, and
``civicspace-course``, which copies the chapters and exercises into a folder in the
(temporary) home folder and starts JupyterLab. In that environment's kernel every chapter
runs from top to bottom and exercise 0, answered, passes its visible tests.

No network at test time: pip installs the dependencies with ``--no-index`` from the
wheelhouse that ``make env`` downloads (``python -m civicspace.editions.student_wheel wheelhouse``,
into ``<environment>/student-wheelhouse``); pip's configuration files and environment
variables are not used.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
import time
import urllib.request
import zipfile
from email.parser import Parser
from pathlib import Path

import nbformat
import pytest
from conftest import BIN, ROOT, env_with_bin
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from civicspace.editions import student_edition as edition
from civicspace.editions import student_wheel as studentkit
from civicspace.grading import notebooks as grading

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("student_wheel")]

VERSION = studentkit.project_version(ROOT)
CHAPTERS = sorted(p.stem for p in (ROOT / "book" / "chapters").glob("*.md"))
ASSIGNMENTS = sorted(p.name for p in (ROOT / "exercises").iterdir() if p.is_dir() and any(p.glob("*.ipynb")))
EXERCISE_0 = "ch00_jupyter_pandas"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory, release_cache) -> Path:
    work = tmp_path_factory.mktemp("student-wheel")
    cmd = [str(BIN / "civicspace"), "student-wheel", str(work / "dist"), "--cache", str(release_cache)]
    res = subprocess.run(cmd, cwd=ROOT, env=env_with_bin(), capture_output=True, text=True, timeout=1800)
    assert res.returncode == 0, f"{' '.join(cmd)} failed:\n{res.stdout[-3000:]}\n{res.stderr[-5000:]}"
    built = work / "dist" / studentkit.wheel_name(VERSION)
    assert built.is_file(), res.stdout
    assert str(built) in res.stdout and "scan clean" in res.stdout
    return built


@pytest.fixture(scope="module")
def secrets():
    return edition.collect_secrets(ROOT)


def members(wheel: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(wheel) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist() if not i.is_dir()}


def wheel_metadata(wheel: Path):
    return Parser().parsestr(members(wheel)[f"civicspace_student-{VERSION}.dist-info/METADATA"].decode())


# --------------------------------------------------------------------------- the wheel's content


def test_wheel_holds_no_instructor_material(wheel, secrets):
    files = members(wheel)
    markers = (grading.BEGIN_SOLUTION, grading.END_SOLUTION, grading.BEGIN_HIDDEN, grading.END_HIDDEN)
    for name, data in files.items():
        text = data.decode("utf-8", errors="replace")
        assert not any(m in text for m in markers), f"{name}: an nbgrader solution or hidden-test marker"
        assert not name.startswith(("autograder/", "tests/", "scripts/")), name
    top = {n.split("/")[1].removesuffix(".py") for n in files if n.startswith("civicspace/") and n.count("/") >= 1}
    assert not top & set(edition.INSTRUCTOR_ONLY_MODULES), top & set(edition.INSTRUCTOR_ONLY_MODULES)
    assert not [n for n in files if n.startswith(("civicspace/grading/", "civicspace/editions/"))]
    assert {"course", "data", "chapters", "plotting"} <= top
    # Rubric and teaching-note lines, solution and hidden-test lines, reference code (the edition's scan).
    assert studentkit.wheel_findings(wheel, secrets) == []


def test_wheel_scan_catches_planted_material(wheel, secrets, tmp_path):
    """The check the build runs does fail: a rubric line in a notebook and a grading module."""
    rubric_line = next(line for line, origin in secrets.lines.items() if "rubric" in origin)
    planted = tmp_path / wheel.name
    shutil.copyfile(wheel, planted)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(f"Note: {rubric_line}")])
    with zipfile.ZipFile(planted, "a") as zf:
        zf.writestr("civicspace/coursefiles/chapters/planted.ipynb", nbformat.writes(nb))
        zf.writestr("civicspace/grading/sandbox.py", "# nothing\n")
    findings = studentkit.wheel_findings(planted, secrets)
    assert any(f.startswith("civicspace/coursefiles/chapters/planted.ipynb: a line of the rubric") for f in findings), findings
    assert "civicspace/grading/sandbox.py: an instructor-only module" in findings


def test_wheel_carries_the_course(wheel):
    files = members(wheel)
    root = "civicspace/coursefiles/"
    assert sorted(Path(n).stem for n in files if n.startswith(root + "chapters/")) == CHAPTERS
    assert sorted(n.split("/")[3] for n in files if n.startswith(root + "exercises/")) == ASSIGNMENTS
    package = json.loads(files[root + "datasets/datapackage.json"])
    for res in package["resources"]:
        assert root + "datasets/" + res["path"] in files, res["path"]
    assert not [n for n in files if n.startswith(root + "datasets/") and n.endswith(".py")], "no build scripts"
    chapter = nbformat.reads(files[root + "chapters/05_foreign_agent_laws.ipynb"].decode(), as_version=4)
    assert chapter.metadata.kernelspec.name == "python3" and any(c.cell_type == "code" for c in chapter.cells)
    for a in ASSIGNMENTS:  # nbgrader's student versions: answer stubs, not solutions
        nb = nbformat.reads(files[f"{root}exercises/{a}/{a}.ipynb"].decode(), as_version=4)
        assert any("raise NotImplementedError()" in c.source or "YOUR ANSWER HERE" in c.source for c in nb.cells), a


def test_wheel_dependencies_are_pinned_to_the_lock(wheel):
    meta = wheel_metadata(wheel)
    lock = studentkit.read_lock(ROOT / "binder" / "requirements.txt")
    reqs = [Requirement(r) for r in meta.get_all("Requires-Dist")]
    for req in reqs:
        (spec,) = req.specifier
        assert spec.operator == "==" and spec.version == lock[canonicalize_name(req.name)][1], str(req)
    names = {canonicalize_name(r.name) for r in reqs}
    assert {canonicalize_name(n) for n in studentkit.STUDENT_NEEDS} <= names
    assert {"numpy", "jupyter-server", "traitlets"} <= names, "what the needs need is pinned too"
    assert not {"nbgrader", "pytest", "jupyter-book", "playwright"} & names, "instructor tools are not installed for students"
    assert meta["Name"] == "civicspace-student" and meta["Requires-Python"] == ">=3.11,<3.12"
    entry_points = members(wheel)[f"civicspace_student-{VERSION}.dist-info/entry_points.txt"].decode()
    assert "civicspace-course = civicspace.course:main" in entry_points


# --------------------------------------------------------------------------- a fresh environment


def fresh_env(home: Path, venv: Path) -> dict[str, str]:
    """No pip configuration, no index, nothing of this environment (PATH, PYTHONPATH, CIVICSPACE_ROOT)."""
    drop = ("PIP_", "PYTHON", "VIRTUAL_ENV", "CIVICSPACE", "JUPYTER", "CONDA")
    env = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    env.update(
        HOME=str(home),
        PATH=os.pathsep.join([str(venv / "bin"), "/usr/bin", "/bin"]),
        PIP_CONFIG_FILE=os.devnull,
        PIP_NO_INDEX="1",
        PYTHONNOUSERSITE="1",
    )
    return env


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory):
    """A fresh venv with the wheel pip-installed (offline, from the wheelhouse)."""
    requirements = [str(r) for r in wheel_metadata(wheel).get_all("Requires-Dist")]
    wheelhouse = studentkit.default_wheelhouse()
    missing = studentkit.wheelhouse_missing(wheelhouse, requirements)
    assert not missing, (
        f"{wheelhouse} lacks {len(missing)} wheel(s) ({', '.join(missing[:5])}...): run "
        f"`{BIN / 'python'} -m civicspace.editions.student_wheel wheelhouse` (make env does, with network)"
    )
    work = tmp_path_factory.mktemp("fresh")
    home, venv = work / "home", work / "venv"
    home.mkdir()
    env = fresh_env(home, venv)
    base = getattr(sys, "_base_executable", sys.executable)
    res = subprocess.run([base, "-m", "venv", str(venv)], env=env, capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stderr
    res = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "list", "--format=json"], env=env, capture_output=True, text=True, timeout=600
    )
    assert {p["name"] for p in json.loads(res.stdout)} <= {"pip", "setuptools"}, "the new environment is empty"
    cmd = [
        str(venv / "bin" / "python"),
        "-m",
        "pip",
        "install",
        "--no-index",
        "--find-links",
        str(wheelhouse),
        "--no-cache-dir",
        "--disable-pip-version-check",
        str(wheel),
    ]
    res = subprocess.run(cmd, env=env, cwd=work, capture_output=True, text=True, timeout=1200)
    assert res.returncode == 0, f"{' '.join(cmd)}:\n{res.stdout[-3000:]}\n{res.stderr[-3000:]}"
    return {"home": home, "venv": venv, "env": env, "work": work}


def run_in(installed, *cmd: str, timeout: int = 900, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        list(cmd), env=installed["env"], cwd=cwd or installed["work"], capture_output=True, text=True, timeout=timeout
    )


@pytest.fixture(scope="module")
def course_folder(installed) -> Path:
    """``civicspace-course --no-launch``: the course folder in the (temporary) home folder."""
    res = run_in(installed, str(installed["venv"] / "bin" / "civicspace-course"), "--no-launch")
    assert res.returncode == 0, res.stderr
    folder = installed["home"] / "civicspace-course"
    assert f"course folder: {folder}" in res.stdout
    assert "warning" not in res.stderr.lower(), res.stderr  # JupyterLab set up for offline use
    return folder


def test_fresh_environment_is_consistent(installed):
    res = run_in(installed, str(installed["venv"] / "bin" / "python"), "-m", "pip", "check")
    assert res.returncode == 0, res.stdout + res.stderr


def test_course_command_copies_the_course(course_folder):
    assert sorted(p.stem for p in (course_folder / "chapters").glob("*.ipynb")) == CHAPTERS
    assert sorted(p.name for p in (course_folder / "exercises").iterdir()) == ASSIGNMENTS
    assert (course_folder / "glossary.md").is_file()
    nb = nbformat.read(course_folder / "chapters" / "00_jupyter_pandas.ipynb", as_version=4)
    assert nb.metadata.kernelspec.name == "python3", "opens as a notebook with the environment's kernel"


def test_course_command_keeps_a_students_work(installed, course_folder):
    mine = course_folder / "exercises" / "ch01_foundations" / "ch01_foundations.ipynb"
    original = mine.read_text(encoding="utf-8")
    try:
        mine.write_text(original.replace("YOUR CODE HERE", "my own answer", 1), encoding="utf-8")
        gone = course_folder / "chapters" / "03_democracy.ipynb"
        gone.unlink()
        res = run_in(installed, str(installed["venv"] / "bin" / "python"), "-m", "civicspace.course", "--no-launch")
        assert res.returncode == 0, res.stderr
        assert "copied 1 file(s)" in res.stdout and gone.is_file()
        assert "  exercises/ch01_foundations/ch01_foundations.ipynb" in res.stdout
        assert "my own answer" in mine.read_text(encoding="utf-8")
    finally:
        mine.write_text(original, encoding="utf-8")


EXECUTE = textwrap.dedent("""\
    import json, sys, nbformat
    from pathlib import Path
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError
    results = {}
    for name in sys.argv[1:]:
        path = Path(name)
        nb = nbformat.read(path, as_version=4)
        try:
            NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
            outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
            results[path.name] = {"error": None, "outputs": [o.get("text", "") for o in outputs if o.output_type == "stream"]}
        except CellExecutionError as err:
            results[path.name] = {"error": str(err)[-2000:]}
    print(json.dumps(results))
""")


def execute(installed, notebooks: list[Path]) -> dict:
    script = installed["work"] / "execute.py"
    script.write_text(EXECUTE, encoding="utf-8")
    res = run_in(installed, str(installed["venv"] / "bin" / "python"), str(script), *map(str, notebooks), timeout=1800)
    assert res.returncode == 0, res.stderr[-3000:]
    return json.loads(res.stdout.strip().splitlines()[-1])


def test_kernel_is_the_fresh_environment_with_the_installed_package(installed, course_folder):
    probe = course_folder / "probe.ipynb"
    code = (
        "import json, sys, civicspace as cs\n"
        "print(json.dumps({'prefix': sys.prefix, 'file': cs.__file__, 'root': str(cs.paths.repo_root()),"
        " 'rows': len(cs.data.load_restrictive_laws())}))"
    )
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)]), probe)
    try:
        result = execute(installed, [probe])["probe.ipynb"]
    finally:
        probe.unlink()
    assert result["error"] is None, result["error"]
    info = json.loads(result["outputs"][-1])
    venv = installed["venv"].resolve()
    assert Path(info["prefix"]).resolve() == venv
    assert Path(info["file"]).resolve().is_relative_to(venv / "lib")
    assert Path(info["root"]).resolve() == Path(info["file"]).resolve().parent / "coursefiles"
    assert info["rows"] > 0


def test_every_chapter_runs_in_the_fresh_environment(installed, course_folder):
    results = execute(installed, sorted((course_folder / "chapters").glob("*.ipynb")))
    assert sorted(results) == [f"{c}.ipynb" for c in CHAPTERS]
    failed = {name: r["error"] for name, r in results.items() if r["error"]}
    assert not failed, "\n\n".join(f"{name}:\n{err}" for name, err in failed.items())


def test_exercise_0_answered_passes_its_visible_tests(installed, course_folder):
    """The installed student version with correct answers written in (as a student would) runs
    without an error: its set-up loads the data, its visible tests pass."""
    student = nbformat.read(course_folder / "exercises" / EXERCISE_0 / f"{EXERCISE_0}.ipynb", as_version=4)
    source = nbformat.read(ROOT / "exercises" / EXERCISE_0 / f"{EXERCISE_0}.ipynb", as_version=4)
    answers = {grading.nbgrader_meta(c)["grade_id"] for c in student.cells if grading.is_answer(c) and c.cell_type == "code"}
    assert answers, "exercise 0 has code answers"
    answered = course_folder / "exercises" / EXERCISE_0 / "answered.ipynb"
    nbformat.write(grading.fill_answers(student, source, answers), answered)
    try:
        result = execute(installed, [answered])["answered.ipynb"]
    finally:
        answered.unlink()
    assert result["error"] is None, result["error"]
    # Unanswered, the same notebook stops at the first answer stub, not before (set-up cells run).
    result = execute(installed, [course_folder / "exercises" / EXERCISE_0 / f"{EXERCISE_0}.ipynb"])[f"{EXERCISE_0}.ipynb"]
    assert result["error"] and "NotImplementedError" in result["error"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_course_command_starts_jupyterlab_on_the_course_folder(installed, course_folder):
    port, token = _free_port(), "student-wheel-test"
    cmd = [
        str(installed["venv"] / "bin" / "civicspace-course"),
        "--",
        "--no-browser",
        f"--port={port}",
        "--ServerApp.ip=127.0.0.1",
        f"--IdentityProvider.token={token}",
    ]
    if os.geteuid() == 0:  # CI runs as root, which Jupyter refuses unless told (students are not root)
        cmd.append("--allow-root")
    log = installed["work"] / "lab.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            cmd, env=installed["env"], cwd=installed["work"], stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        listing, deadline = None, time.monotonic() + 180
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                url = f"http://127.0.0.1:{port}/api/contents/chapters?token={token}"
                with urllib.request.urlopen(url, timeout=5) as resp:
                    listing = json.load(resp)
                break
            except OSError:
                time.sleep(1)
        assert listing is not None, f"JupyterLab did not answer on port {port}:\n{log.read_text()[-3000:]}"
        names = sorted(item["name"] for item in listing["content"])
        assert names == [f"{c}.ipynb" for c in CHAPTERS], "JupyterLab serves the course folder"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/lab?token={token}", timeout=30) as resp:
            assert resp.status == 200 and b"JupyterLab" in resp.read()
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
