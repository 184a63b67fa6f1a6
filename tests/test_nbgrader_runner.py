"""The pipeline's nbgrader command line: nbgrader's own, minus an optional slow import."""

from __future__ import annotations

import subprocess
import sys

import nbgrader


def test_runner_is_nbgrader_command_line():
    out = subprocess.run([sys.executable, "-m", "civicspace.grading.runner", "--version"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert nbgrader.__version__ in out.stdout + out.stderr


def test_runner_skips_the_optional_grammar_but_keeps_notebook_validation():
    code = (
        "import atexit, sys\n"
        "def report():\n"
        "    import nbformat\n"
        "    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell('1')])\n"
        "    nbformat.validate(nb)\n"
        "    bad = nbformat.v4.new_notebook(); bad.cells = [{'cell_type': 'nonsense'}]\n"
        "    try:\n"
        "        nbformat.validate(bad)\n"
        "    except nbformat.ValidationError:\n"
        "        print('invalid rejected')\n"
        "    print('grammar loaded' if sys.modules.get('rfc3987_syntax') else 'grammar skipped')\n"
        "atexit.register(report)\n"
        "from civicspace.grading.runner import main\n"
        "main(['--version'])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert "invalid rejected" in out.stdout, out.stdout + out.stderr
    assert "grammar skipped" in out.stdout
