"""Binder's environment, built as Binder builds it, runs a student assignment.

Binder builds the student edition (``make student-edition``), never the instructor
repository: the edition is made with the real command and cloned as Binder clones it; a
fresh virtual environment gets its binder/requirements.txt and its binder/postBuild runs;
the student version of each assignment then executes in that environment.
"""

from __future__ import annotations

import os
import subprocess
import venv
from pathlib import Path

import pytest
from conftest import BIN, env_with_bin

from civicspace.editions import student_edition as edition
from civicspace.paths import repo_root

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("binder")]

SOURCE = repo_root()


def run(cmd, cwd, env=None, timeout=1200):
    out = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert out.returncode == 0, f"{' '.join(map(str, cmd))} failed:\n{out.stdout[-3000:]}\n{out.stderr[-3000:]}"
    return out


@pytest.fixture(scope="module")
def binder_image(tmp_path_factory, release_cache):
    work = tmp_path_factory.mktemp("binder")
    published = work / "student-edition"
    run([str(BIN / "civicspace"), "student-edition", str(published), "--cache", str(release_cache)], SOURCE, env_with_bin())
    # What Binder clones: the committed tree of the published student edition.
    repo = work / "repo"
    run(["git", "clone", "--quiet", str(published), str(repo)], work)
    env_dir = work / "srv-conda"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    py = env_dir / "bin" / "python"
    env = dict(os.environ, PATH=f"{env_dir / 'bin'}{os.pathsep}{os.environ['PATH']}", PYTHONNOUSERSITE="1")
    env.pop("CIVICSPACE_ROOT", None)
    env.pop("PYTHONPATH", None)
    run([str(py), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", "binder/requirements.txt"], repo, env)
    run(["bash", "binder/postBuild"], repo, env)
    return {"repo": repo, "python": py, "env": env}


def test_binder_builds_the_student_edition(binder_image):
    """The image holds the student versions at exercises/, and no instructor material anywhere (history included)."""
    repo, py = binder_image["repo"], binder_image["python"]
    notebooks = sorted(p.relative_to(repo).as_posix() for p in (repo / "exercises").rglob("*.ipynb"))
    expected = sorted(p.relative_to(SOURCE).as_posix() for p in (SOURCE / "exercises").glob("*/*.ipynb"))
    assert notebooks == expected
    assert not (repo / "autograder").exists() and not (repo / "tests").exists()
    edition.check(repo, SOURCE)
    where = run([str(py), "-c", "import civicspace; print(civicspace.__file__)"], repo, binder_image["env"]).stdout
    assert Path(where.strip()).resolve().is_relative_to(repo.resolve()), "the package comes from the edition"


def test_student_notebook_runs_in_the_binder_environment(binder_image):
    """The set-up cells run (data load, imports); the first error is the answer stub, as for a new student."""
    repo, py = binder_image["repo"], binder_image["python"]
    script = r"""
import json, sys, nbformat
from nbclient import NotebookClient
from civicspace import kernelfix
kernelfix.apply()
nb = nbformat.read(sys.argv[1], as_version=4)
NotebookClient(nb, timeout=300, kernel_name="python3", allow_errors=True,
               resources={"metadata": {"path": sys.argv[2]}}).execute()
errors = [(c.metadata.get("nbgrader", {}).get("grade_id"), o["ename"]) for c in nb.cells if c.cell_type == "code"
          for o in c.outputs if o.output_type == "error"]
setup = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "setup"]
setup_ok = len(setup) == 1 and setup[0].execution_count and all(o.output_type != "error" for o in setup[0].outputs)
print(json.dumps({"errors": errors, "setup_ok": bool(setup_ok)}))
"""
    import json

    for nb in sorted((repo / "exercises").rglob("*.ipynb")):
        out = run([str(py), "-c", script, str(nb), str(nb.parent)], repo, binder_image["env"])
        result = json.loads(out.stdout.strip().splitlines()[-1])
        assert result["setup_ok"], f"{nb.name}: the set-up cell failed in Binder's environment"
        assert result["errors"], "a blank student notebook should stop at its first answer stub"
        assert result["errors"][0][1] == "NotImplementedError", result["errors"]
        assert {e for _, e in result["errors"]} <= {"NotImplementedError", "NameError", "AssertionError"}, result["errors"]
