"""The student edition (``make student-edition``): what students and Binder get, and all that they get.

The edition is built twice with the real command, the second time on top of the first
(as an instructor updating a published edition does); then its files and every object of
its git history are scanned for solutions, hidden tests, rubric text and instructor-only
modules, its exercises are compared with nbgrader's student versions, and its package is
imported on its own. The scan is also shown to fail on planted secrets.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest
from conftest import BIN, env_with_bin, run_python_on

from civicspace.editions import release
from civicspace.editions import student_edition as edition
from civicspace.paths import repo_root

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("edition")]

SOURCE = repo_root()  # the instructor repository (CIVICSPACE_ROOT, if set, like the command)


def git(folder: Path, *args: str) -> str:
    out = subprocess.run(["git", *args], cwd=folder, capture_output=True, text=True)
    assert out.returncode == 0, f"git {' '.join(args)}: {out.stderr}"
    return out.stdout.strip()


def build_edition(out: Path, *options: str) -> subprocess.CompletedProcess:
    cmd = [str(BIN / "civicspace"), "student-edition", str(out), *options]
    res = subprocess.run(cmd, cwd=SOURCE, env=env_with_bin(), capture_output=True, text=True, timeout=1200)
    assert res.returncode == 0, f"{' '.join(cmd)} failed:\n{res.stdout[-3000:]}\n{res.stderr[-5000:]}"
    return res


@pytest.fixture(scope="module")
def secrets():
    return edition.collect_secrets(SOURCE)


@pytest.fixture(scope="module")
def built(tmp_path_factory, release_cache):
    """The edition built twice: a first build, a later commit that changes it, and a rebuild on top."""
    work = tmp_path_factory.mktemp("edition")
    out, cache = work / "student", release_cache
    first_log = build_edition(out, "--cache", str(cache)).stdout
    first = git(out, "rev-parse", "HEAD")
    # As if the published edition had differed from what the course makes now.
    (out / "README.md").write_text("an older edition\n", encoding="utf-8")
    (out / "stale.txt").write_text("a file the course no longer has\n", encoding="utf-8")
    subprocess.run(["git", "add", "--all"], cwd=out, check=True)
    subprocess.run(
        ["git", "commit", "-q", "-m", "older edition"], cwd=out, check=True, env=dict(os.environ, **edition.GIT_IDENTITY)
    )
    second_log = build_edition(out, "--cache", str(cache)).stdout  # nbgrader's output reused where unchanged
    return {"path": out, "cache": cache, "first": first, "first_log": first_log, "second_log": second_log}


def test_edition_is_a_git_repository_with_accumulating_history(built):
    out = built["path"]
    assert "committed" in built["first_log"] and "committed" in built["second_log"]
    commits = git(out, "rev-list", "HEAD").split()
    assert len(commits) == 3, "first build, the older edition's commit, the rebuild on top"
    assert commits[-1] == built["first"]
    subprocess.run(["git", "merge-base", "--is-ancestor", built["first"], "HEAD"], cwd=out, check=True)
    assert git(out, "log", "-1", "--format=%an <%ae>") == "civicspace student edition <student-edition@civicspace.invalid>"
    assert git(out, "status", "--porcelain") == "", "the rebuild is committed in full"
    assert not (out / "stale.txt").exists(), "files the course no longer has are removed"
    assert (out / "README.md").read_text(encoding="utf-8") == edition.readme(edition._config(SOURCE))


def test_edition_layout(built):
    out = built["path"]
    top = {p.name for p in out.iterdir()}
    assert top == {
        ".git",
        ".gitignore",
        "Makefile",
        "README.md",
        "_config.yml",
        "_toc.yml",
        "binder",
        "book",
        "datasets",
        "exercises",
        "pyproject.toml",
        "src",
        "LICENSE",
        "LICENSE-CONTENT.md",
        "CITATION.cff",
    }
    assert not [p for p in out.rglob("*") if "teaching_notes" in p.as_posix() or "rubrics" in p.as_posix()]
    # js-bundles.json: the pinned plotly.js bundles the book build needs (`make book` fetches them);
    # requirements-book.txt: what only `make book` installs (kaleido, for the figures' stills).
    assert {p.name for p in (out / "binder").iterdir()} == {
        "postBuild",
        "requirements.txt",
        "requirements-book.txt",
        "runtime.txt",
        "js-bundles.json",
    }
    makefile = (out / "Makefile").read_text()
    book_recipe = makefile.split("\n$(BOOK_STAMP): ", 1)[1].split("\n\n", 1)[0]
    assert "-r $(BOOK_LOCK)" in book_recipe and "BOOK_LOCK := binder/requirements-book.txt" in makefile
    assert re.search(r"^book: \$\(STAMP\) \$\(BOOK_STAMP\)$", makefile, re.M), "make book does not install the book's packages"
    assert (
        "civicspace.book.sphinxext" in (out / "Makefile").read_text()
        and "jupyter_offline install" in (out / "Makefile").read_text()
    )
    assert (out / "binder" / "requirements.txt").read_bytes() == (SOURCE / "binder" / "requirements.txt").read_bytes()
    assert "pip install" in (out / "binder" / "postBuild").read_text() and os.access(out / "binder" / "postBuild", os.X_OK)
    assert "book:" in (out / "Makefile").read_text()
    for folder in ("book", "datasets"):
        mine = {p.relative_to(out / folder) for p in (out / folder).rglob("*") if p.is_file()}
        theirs = {
            p.relative_to(SOURCE / folder)
            for p in (SOURCE / folder).rglob("*")
            if p.is_file() and "__pycache__" not in p.parts and ".ipynb_checkpoints" not in p.parts
        }
        assert mine == theirs, f"{folder}/ differs from the instructor repository's"
    package = out / "src" / "civicspace"
    modules = {p.stem for p in package.glob("*.py")} | {p.name for p in package.iterdir() if (p / "__init__.py").is_file()}
    assert modules == set(edition.student_modules(SOURCE))
    assert {"data", "chapters", "plotting", "book"} <= modules
    assert not modules & set(edition.INSTRUCTOR_ONLY_MODULES)
    readme = (out / "README.md").read_text(encoding="utf-8")
    assert "Binder" in readme and "pip install -r binder/requirements.txt" in readme and "jupyter lab" in readme


def test_no_instructor_material_in_any_file_or_git_object(built, secrets):
    out = built["path"]
    assert secrets.markers and secrets.lines and secrets.pairs
    assert edition.scan_files(out, secrets) == []
    assert edition.scan_history(out, secrets) == []
    # Every object of the repository, reachable or not, holds none of it either.
    listing = subprocess.run(
        ["git", "cat-file", "--batch-all-objects", "--batch-check=%(objectname) %(objecttype)"],
        cwd=out,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\n")
    blobs = [line.split()[0] for line in listing if line.endswith(" blob")]
    assert len(blobs) > 100
    data = subprocess.run(
        ["git", "cat-file", "--batch"], cwd=out, input=("\n".join(blobs) + "\n").encode(), capture_output=True, check=True
    ).stdout
    text = data.decode("utf-8", errors="replace")
    for marker in secrets.markers:
        assert marker not in text
    paths = git(out, "log", "--all", "--format=", "--name-only").split()
    for path in paths:
        assert not path.startswith(("autograder/", "tests/", "scripts/", ".ci/")), path
        assert not path.startswith(secrets.module_files), path


def test_edition_exercises_are_the_released_notebooks(built, tmp_path):
    out = built["path"]
    # nbgrader's student versions (release.release_all, re-run for any assignment whose source changed)
    keyed = [p for p in built["cache"].iterdir() if p.is_dir()]
    assert len(keyed) == 1
    released = release.release_all(keyed[0], SOURCE)
    expected = {f"{f.name}/{nb.name}": nb for f in released for nb in f.glob("*.ipynb")}
    mine = {p.relative_to(out / "exercises").as_posix(): p for p in (out / "exercises").rglob("*") if p.is_file()}
    assert set(mine) == set(expected)
    assert set(mine) == {p.relative_to(SOURCE / "exercises").as_posix() for p in (SOURCE / "exercises").glob("*/*.ipynb")}
    for name, path in mine.items():
        assert json.loads(path.read_text(encoding="utf-8")) == json.loads(expected[name].read_text(encoding="utf-8")), name
        nb = nbformat.read(path, as_version=4)
        assert any("raise NotImplementedError()" in c.source for c in nb.cells), f"{name}: no answer stub"


def test_edition_package_imports_on_its_own(built, tmp_path):
    """``import civicspace`` and the data loaders work from the edition's src; grading modules are absent."""
    out = built["path"]
    script = r"""
import importlib, json, sys
import civicspace as cs
treaties = cs.data.load_treaty_ratification()
missing = {}
for name in sys.argv[1:]:
    try:
        importlib.import_module(f"civicspace.{name}")
        missing[name] = False
    except ModuleNotFoundError:
        missing[name] = True
print(json.dumps({"file": cs.__file__, "rows": len(treaties), "submodules": list(cs.SUBMODULES), "missing": missing}))
"""
    res = run_python_on(out / "src", ["-c", script, *edition.INSTRUCTOR_ONLY_MODULES], cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    info = json.loads(res.stdout.strip().splitlines()[-1])
    assert Path(info["file"]).resolve().is_relative_to(out.resolve())
    assert info["rows"] > 0
    assert not set(info["submodules"]) & set(edition.INSTRUCTOR_ONLY_MODULES)
    assert all(info["missing"].values()), info["missing"]
    res = run_python_on(out / "src", ["-c", "import civicspace.grading.pipeline"], cwd=tmp_path)
    assert res.returncode != 0 and "ModuleNotFoundError" in res.stderr


def _copy(built, tmp_path) -> Path:
    copy = tmp_path / "copy"
    shutil.copytree(built["path"], copy, symlinks=True)
    return copy


def test_scan_catches_a_planted_solution_line(built, secrets, tmp_path):
    copy = _copy(built, tmp_path)
    line = next(s for s, origin in secrets.lines.items() if "solution or hidden-test line" in origin)
    target = copy / "book" / "chapters" / "notes.md"
    target.write_text(f"Some notes\n\n    {line}\n", encoding="utf-8")
    with pytest.raises(edition.LeakError) as err:
        edition.check(copy, SOURCE, secrets)
    assert "book/chapters/notes.md" in str(err.value)


def test_scan_catches_markers_rubric_text_and_modules(built, secrets, tmp_path):
    copy = _copy(built, tmp_path)
    nb_path = next((copy / "exercises").glob("*/*.ipynb"))
    nb = nbformat.read(nb_path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell('x = 1\n### BEGIN HIDDEN TESTS\nassert x == "1"\n### END HIDDEN TESTS'))
    nbformat.write(nb, nb_path)
    rubric = next(s for s, origin in secrets.lines.items() if "rubric" in origin)
    (copy / "datasets" / "rubric.txt").write_text(rubric + "\n", encoding="utf-8")
    (copy / "src" / "civicspace" / "grading").mkdir()
    (copy / "src" / "civicspace" / "grading" / "notebooks.py").write_text("", encoding="utf-8")
    findings = edition.scan_files(copy, secrets)
    where = {f.split(":", 1)[0] for f in findings}
    assert where == {nb_path.relative_to(copy).as_posix(), "datasets/rubric.txt", "src/civicspace/grading/notebooks.py"}, findings


def test_scan_catches_secrets_left_in_git_history(built, secrets, tmp_path):
    """A solution committed once and deleted later is still found, named by its path."""
    copy = _copy(built, tmp_path)
    line = next(s for s, origin in secrets.lines.items() if "solution or hidden-test line" in origin)
    env = dict(os.environ, **edition.GIT_IDENTITY)
    (copy / "answers.py").write_text(line + "\n", encoding="utf-8")
    subprocess.run(["git", "add", "answers.py"], cwd=copy, check=True)
    subprocess.run(["git", "commit", "-q", "-m", "oops"], cwd=copy, check=True, env=env)
    subprocess.run(["git", "rm", "-q", "answers.py"], cwd=copy, check=True)
    subprocess.run(["git", "commit", "-q", "-m", "remove it"], cwd=copy, check=True, env=env)
    assert edition.scan_files(copy, secrets) == []
    with pytest.raises(edition.LeakError) as err:
        edition.check(copy, SOURCE, secrets)
    assert "answers.py (git history" in str(err.value)


def test_a_failing_scan_commits_nothing(built, tmp_path, monkeypatch):
    """The command stages the edition, scans it and commits only when the scan is clean."""
    copy = _copy(built, tmp_path)
    head = git(copy, "rev-parse", "HEAD")

    def leaky_stage(out: Path, *args, **kwargs):
        for child in copy.iterdir():
            if child.name != ".git":
                (shutil.copytree if child.is_dir() else shutil.copy2)(child, out / child.name)
        (out / "book" / "leak.md").write_text("### BEGIN SOLUTION\n", encoding="utf-8")
        return []

    monkeypatch.setattr(edition, "stage", leaky_stage)
    with pytest.raises(edition.LeakError, match="book/leak.md"):
        edition.build(copy, SOURCE)
    assert git(copy, "rev-parse", "HEAD") == head
    assert not (copy / "book" / "leak.md").exists()


def test_build_refuses_a_folder_that_is_not_an_edition(tmp_path):
    (tmp_path / "notes.txt").write_text("mine\n")
    with pytest.raises(ValueError, match="not empty"):
        edition.build(tmp_path, SOURCE)
    with pytest.raises(ValueError, match="instructor repository"):
        edition.build(SOURCE, SOURCE)


def test_rewrite_submodules_keeps_only_shipped_modules():
    source = '"""doc"""\nSUBMODULES = (\n    "data", "grading",\n    "laws",\n)\n__all__ = [*SUBMODULES]\n'
    new = edition.rewrite_submodules(source, {"data", "laws"})
    namespace: dict = {}
    exec(compile(new, "init", "exec"), namespace)
    assert namespace["SUBMODULES"] == ("data", "laws")
    assert new.startswith('"""doc"""\n') and new.endswith("__all__ = [*SUBMODULES]\n")


def test_launch_links_open_the_student_edition():
    """Binder and hub links open exercises/<assignment>/<notebook> in the student edition (repository.url)."""
    from types import SimpleNamespace

    import yaml

    from civicspace.book import sphinxext

    config_yml = yaml.safe_load((SOURCE / "_config.yml").read_text(encoding="utf-8"))
    url = config_yml["repository"]["url"].rstrip("/")
    config = SimpleNamespace(
        html_theme_options={
            "repository_url": url,
            "repository_branch": "main",
            "launch_buttons": {"binderhub_url": "https://mybinder.org", "jupyterhub_url": "https://hub.example.edu"},
        },
        civicspace_jupyterhub_branch="",
    )
    links = dict(sphinxext._launch_links(config, "ch01_foundations", "ch01_foundations.ipynb"))
    org_repo = url[len("https://github.com/") :]
    assert links["Open on Binder"] == (
        f"https://mybinder.org/v2/gh/{org_repo}/main?urlpath=lab%2Ftree%2Fexercises%2Fch01_foundations%2Fch01_foundations.ipynb"
    )
    hub = links["Open on your JupyterHub"]
    assert hub.startswith("https://hub.example.edu/hub/user-redirect/git-pull?")
    assert "repo=" + url.replace(":", "%3A").replace("/", "%2F") in hub and "branch=main" in hub
    assert "exercises%2Fch01_foundations%2Fch01_foundations.ipynb" in hub
    assert sphinxext.student_edition_url(config) == url


def test_instructor_commands_say_so_in_the_edition(built, tmp_path):
    """In the student edition, `civicspace grade` explains itself instead of a traceback."""
    out = run_python_on(
        built["path"] / "src",
        ["-c", "from civicspace.cli import main; raise SystemExit(main(['grade', 'ch01_foundations']))"],
        cwd=tmp_path,
    )
    assert out.returncode == 2 and "is for instructors" in out.stderr and "Traceback" not in out.stderr, out.stderr
