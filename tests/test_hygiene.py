"""The repository's hygiene checks (the same as .pre-commit-config.yaml's hooks), in `make test`.

Lint and formatting (ruff, configured in pyproject.toml), spelling (codespell), JSON and YAML
that parse, and notebooks committed without outputs. The tools are pinned in the lock.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT / "scripts"))
import check_files  # noqa: E402


def tracked(*patterns: str) -> list[str]:
    out = subprocess.run(["git", "ls-files", "--", *patterns], cwd=ROOT, capture_output=True, text=True, check=True)
    return out.stdout.split()


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / args[0]), *args[1:]], cwd=ROOT, capture_output=True, text=True)


def test_ruff_finds_nothing():
    out = run("ruff", "check", "--no-cache", ".")
    assert out.returncode == 0, out.stdout + out.stderr


def test_code_is_formatted():
    out = run("ruff", "format", "--check", "--no-cache", ".")
    assert out.returncode == 0, "run `.venv/bin/ruff format .`:\n" + out.stdout + out.stderr


def test_no_spelling_mistakes():
    out = run("codespell", *tracked("*.py", "*.md", "Makefile"))
    assert out.returncode == 0, out.stdout + out.stderr


def test_every_json_and_yaml_file_parses():
    files = tracked("*.json", "*.ipynb", "*.yml", "*.yaml")
    assert len(files) > 20
    assert [p for f in files for p in check_files.structured_problems(ROOT / f)] == []


def test_notebooks_are_committed_without_outputs():
    files = tracked("*.ipynb")
    assert len(files) >= 14
    assert [p for f in files for p in check_files.notebook_problems(ROOT / f)] == []


def test_the_checks_find_what_they_look_for(tmp_path):
    """The file checks are not vacuous: a broken JSON, a broken YAML and a notebook with an output are reported."""
    (tmp_path / "a.json").write_text('{"a": 1,}')
    (tmp_path / "b.yml").write_text("a: [1, 2\n")
    nb = {
        "cells": [
            {
                "cell_type": "code",
                "source": "1",
                "outputs": [{"output_type": "stream", "name": "stdout", "text": "1"}],
                "execution_count": 3,
                "metadata": {},
            }
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    (tmp_path / "c.ipynb").write_text(json.dumps(nb))
    assert "does not parse" in check_files.structured_problems(tmp_path / "a.json")[0]
    assert "does not parse" in check_files.structured_problems(tmp_path / "b.yml")[0]
    problems = check_files.notebook_problems(tmp_path / "c.ipynb")
    assert any("cell 1 has outputs" in p for p in problems) and any("execution count" in p for p in problems)
    assert yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())["repos"][0]["hooks"]


@pytest.mark.parametrize("tool", ["ruff", "codespell"])
def test_the_pinned_tool_is_the_one_run(tool):
    """The hooks and these tests run the lock's version (pre-commit uses .venv/bin)."""
    lock = (ROOT / "binder" / "requirements.txt").read_text()
    pinned = next(line.split("==")[1] for line in lock.splitlines() if line.startswith(f"{tool}=="))
    out = run(tool, "--version")
    assert pinned in out.stdout + out.stderr
