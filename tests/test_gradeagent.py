"""The grader's agent and the test kernel's view of a submission, without nbgrader or a sandbox.

The audit runs in an IPython shell in a fresh interpreter per case; the value and function transport
runs over a real Unix socket between two threads.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading

import pandas as pd
import pytest

from civicspace.grading import agent as gradeagent
from civicspace.grading import execute as gradeexec

# The audit runs in a fresh interpreter per case: a trick such as ``builtins.len = ...``
# must never run in the test process itself, where other threads (pytest-xdist's
# channel to the controller) would call the patched function.
_AUDIT = """
import builtins, json, sys
saved = dict(vars(builtins))
from IPython.testing.globalipapp import start_ipython
import civicspace.data
from civicspace.grading import agent as gradeagent
shell = start_ipython()
gradeagent.note_main_thread()
baseline = gradeagent._Baseline(shell)
shell.run_cell(sys.stdin.read())
gradeagent.note_main_thread()
found = baseline.findings()
vars(builtins).update(saved)  # so that printing works after a trick on builtins
print(json.dumps(found))
"""


def _findings(code: str) -> list[str]:
    done = subprocess.run([sys.executable, "-c", _AUDIT], input=code, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_honest_work_leaves_nothing_to_flag():
    assert (
        _findings(
            "import math, statistics\nimport numpy as np\nx = [1, 2, 3]\ndef f(df):\n    return len(df)\n"
            "import warnings\nwarnings.filterwarnings('ignore')\npd_options = __import__('pandas').set_option('display.max_rows', 20)"
        )
        == []
    )


@pytest.mark.parametrize(
    "code,finding",
    [
        ("get_ipython().input_transformers_post.append(lambda lines: lines)", "input_transformers_post"),
        ("get_ipython().ast_transformers.append(__import__('ast').NodeTransformer())", "ast_transformers"),
        ("get_ipython().set_custom_exc((ValueError,), lambda *a, **k: None)", "custom exception handler"),
        ("get_ipython().events.register('post_run_cell', lambda result: None)", "'post_run_cell' event"),
        ("import builtins\nbuiltins.len = lambda x: 0", "builtins"),
        ("import pandas\npandas.DataFrame.equals = lambda *a: True", "pandas.DataFrame.equals"),
        ("import civicspace.data\ncivicspace.data.load_treaty_ratification = lambda: None", "civicspace.data"),
        (
            'exec(\'import sys\\nsys.meta_path.insert(0, type("F", (), {"find_spec": staticmethod(lambda *a: None)})())\')',
            "import hook",
        ),
    ],
)
def test_each_trick_is_found_however_it_is_written(code, finding):
    found = _findings(code)
    assert any(finding in f for f in found), found


def test_test_names_are_what_a_test_reads_before_assigning():
    source = '''"""doc"""\nassert isinstance(answer, list)\n_fresh = cs.data.load()\nfor _x in _fresh:\n    assert f(_x) == _x\nprint(len(answer))'''
    assert gradeexec.test_names(source) == ["answer", "cs", "f"]
    assert gradeexec.test_names("this is not python (") == []


def _serve(namespace: dict, path: str) -> None:
    agent = gradeagent._Agent(type("Shell", (), {"user_ns": namespace})(), None)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(4)

    def loop():
        while True:
            conn, _ = server.accept()
            with conn:
                gradeagent._send(conn, agent.handle(gradeagent._recv(conn)))

    threading.Thread(target=loop, daemon=True).start()


def test_values_arrive_as_data_and_functions_as_proxies(tmp_path):
    def add_column(df):
        df["new"] = 1  # changes the caller's table, as it would in one kernel
        return len(df)

    def boom(x):
        raise KeyError("a message the student wrote")

    student = {"answer": pd.Series([1, 2], name="n"), "add_column": add_column, "boom": boom, "module": pd}
    path = str(tmp_path / "a")
    _serve(student, path)
    tests: dict = {"treaties": "the instructor's own"}
    gradeagent.fetch(tests, ["answer", "add_column", "boom", "module", "missing", "treaties"], path, timeout=5)
    pd.testing.assert_series_equal(tests["answer"], student["answer"])
    assert tests["answer"] is not student["answer"]
    assert tests["treaties"] == "the instructor's own" and "missing" not in tests
    assert isinstance(tests["module"], gradeagent.codec.Unsupported)
    table = pd.DataFrame({"a": [1, 2, 3]})
    assert tests["add_column"](table) == 3 and list(table.columns) == ["a", "new"]
    with pytest.raises(gradeagent.StudentCodeError, match=r"boom\(\) raised KeyError") as err:
        tests["boom"](1)
    assert "a message the student wrote" not in str(err.value)
