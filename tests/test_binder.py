"""Binder's environment, built as Binder builds it, runs a student assignment.

A fresh virtual environment gets binder/requirements.txt; binder/postBuild runs in
a copy of the repository; the student version of an assignment then executes in
that environment, and no instructor source is left in the image.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from conftest import ROOT

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("binder")]


def run(cmd, cwd, env=None, timeout=1200):
    out = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert out.returncode == 0, f"{' '.join(map(str, cmd))} failed:\n{out.stdout[-3000:]}\n{out.stderr[-3000:]}"
    return out


@pytest.fixture(scope="module")
def binder_image(tmp_path_factory):
    work = tmp_path_factory.mktemp("binder")
    repo = work / "repo"
    # What Binder clones: the committed tree (git archive of HEAD plus uncommitted tracked changes).
    files = run(["git", "ls-files", "-z"], ROOT).stdout.split("\0")
    for rel in filter(None, files):
        src = ROOT / rel
        if src.is_file():
            dst = repo / rel
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)
    env_dir = work / "srv-conda"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    py = env_dir / "bin" / "python"
    env = dict(os.environ, PATH=f"{env_dir / 'bin'}{os.pathsep}{os.environ['PATH']}", PYTHONNOUSERSITE="1")
    env.pop("CIVICSPACE_ROOT", None)
    run([str(py), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", "binder/requirements.txt"], repo, env)
    run(["bash", "binder/postBuild"], repo, env)
    return {"repo": repo, "python": py, "env": env}


def test_postbuild_leaves_student_versions_and_no_instructor_sources(binder_image):
    repo = binder_image["repo"]
    assert not (repo / "exercises").exists(), "instructor sources (solutions) must not be in the Binder image"
    assert not (repo / "autograder" / "rubrics").exists()
    student = sorted(p.relative_to(repo).as_posix() for p in (repo / "student").rglob("*.ipynb"))
    expected = sorted(f"student/{p.parent.name}/{p.name}" for p in (ROOT / "exercises").glob("*/*.ipynb"))
    assert student == expected


def test_student_notebook_runs_in_the_binder_environment(binder_image):
    """The set-up cells run (data load, imports); the first error is the answer stub, as for a new student."""
    repo, py = binder_image["repo"], binder_image["python"]
    script = r'''
import json, sys, nbformat
from nbclient import NotebookClient
from civicspace import kernelfix
kernelfix.apply()
nb = nbformat.read(sys.argv[1], as_version=4)
NotebookClient(nb, timeout=300, kernel_name="python3", allow_errors=True,
               resources={"metadata": {"path": sys.argv[2]}}).execute()
errors = [(c.metadata.get("nbgrader", {}).get("grade_id"), o["ename"]) for c in nb.cells if c.cell_type == "code"
          for o in c.outputs if o.output_type == "error"]
setup_ok = all(o.output_type != "error" for o in nb.cells[1].outputs) and nb.cells[1].outputs
print(json.dumps({"errors": errors, "setup_ok": bool(setup_ok)}))
'''
    import json

    for nb in sorted((repo / "student").rglob("*.ipynb")):
        out = run([str(py), "-c", script, str(nb), str(nb.parent)], repo, binder_image["env"])
        result = json.loads(out.stdout.strip().splitlines()[-1])
        assert result["setup_ok"], f"{nb.name}: the set-up cell failed in Binder's environment"
        assert result["errors"], "a blank student notebook should stop at its first answer stub"
        assert result["errors"][0][1] == "NotImplementedError", result["errors"]
        assert {e for _, e in result["errors"]} <= {"NotImplementedError", "NameError", "AssertionError"}, result["errors"]
