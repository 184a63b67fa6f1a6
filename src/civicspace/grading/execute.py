"""Run a submission in one kernel and the instructor's tests in another.

:class:`IsolatedExecute` takes the place of nbgrader's ``Execute`` step in the
grading pipeline's autograde (see :mod:`civicspace.grading.pipeline`). For each notebook:

- the **student kernel** runs the cells in the order of the notebook, except the
  test cells: the student's cells and the instructor's set-up cells;
- the **test kernel** runs only cells whose source is the instructor's own, as the
  gradebook holds it: the set-up cells and the test cells. Before each test cell it
  receives, as data, the student's values of the names the test uses, and proxies
  for the student's functions (:mod:`civicspace.grading.agent`);
- after each of the student's cells, the agent in the student kernel reports
  anything that changes how later cells run or are reported (input or AST
  transformers, event callbacks, custom exception handlers, trace functions,
  replaced builtins or library functions, import hooks). A submission that tries
  any of these scores 0 on every test after that point and is flagged for review;
  since the tests never run in that kernel, the attempt could not have earned a
  point anyway.

Both kernels run in the sandbox of :mod:`civicspace.grading.sandbox`, each in its own
runtime folder (neither can see the other's connection file); they share only a
folder holding the agent's socket. The test kernel starts in an empty folder: files
a student put beside the notebook are never visible to it.
"""

from __future__ import annotations

import ast
import builtins
import json
import os
import shutil
import uuid
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat import NotebookNode
from nbgrader.preprocessors import Execute

FLAG_ENAME = "FlaggedForReview"
#: Where the flags of a batch are written (relative to the scratch course), one JSON file per student.
FLAGS_DIR = "flags"


def test_names(source: str) -> list[str]:
    """Names a test cell reads before (or without) assigning them: what it needs from the submission."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    nodes = sorted((n for n in ast.walk(tree) if isinstance(n, ast.Name)), key=lambda n: (n.lineno, n.col_offset))
    first: dict[str, bool] = {}
    for node in nodes:
        first.setdefault(node.id, isinstance(node.ctx, ast.Load))
    return sorted(name for name, loaded in first.items() if loaded and not hasattr(builtins, name))


def _runtime_dir() -> Path:
    """Where the kernels' folders go: the runtime folder the sandbox's kernel spec expects."""
    return Path(os.environ.get("JUPYTER_RUNTIME_DIR") or Path.cwd() / "runtime")


def _error(ename: str, evalue: str) -> NotebookNode:
    return NotebookNode(output_type="error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])


class _Trusted:
    """Which cells of a submission hold the instructor's own code, by the gradebook's record."""

    def __init__(self, resources: dict):
        self.cells: dict[str, tuple[str, bool]] = {}  # grade_id -> (source, is_test)
        info = resources.get("nbgrader") or {}
        if not info.get("db_url"):
            return
        from nbgrader.api import Gradebook

        with Gradebook(info["db_url"]) as gb:
            notebook = gb.find_notebook(info["notebook"], info["assignment"])
            tests = {c.name for c in notebook.grade_cells if c.cell_type == "code"}
            solutions = {c.name for c in notebook.solution_cells}
            for cell in notebook.source_cells:
                if cell.cell_type == "code" and cell.locked and cell.name not in solutions:
                    self.cells[cell.name] = (cell.source, cell.name in tests)

    def kind(self, cell) -> str:
        """'test', 'setup' (instructor code run in both kernels) or 'student'."""
        if cell.cell_type != "code":
            return "markdown"
        meta = cell.metadata.get("nbgrader", {})
        record = self.cells.get(meta.get("grade_id"))
        if record is None or meta.get("solution") or record[0] != cell.source:
            return "student"
        return "test" if record[1] else "setup"


class IsolatedExecute(Execute):
    """nbgrader's Execute, with the tests run in a kernel that never runs student code."""

    def _kernel_manager(self, name: str) -> tuple:
        """A kernel manager whose connection file and sockets live in a runtime folder of its own."""
        kdir = _runtime_dir() / f"k{uuid.uuid4().hex[:8]}"
        kdir.mkdir(parents=True)
        km = self.kernel_manager_class(
            config=self.config,
            kernel_name=name,
            transport="ipc",
            ip=str(kdir / "kernel"),
            connection_file=str(kdir / "kernel.json"),
        )
        return km, kdir

    def preprocess(self, nb, resources=None, km=None):
        NotebookClient.__init__(self, nb, km)
        self.reset_execution_trackers()
        self._check_assign_resources(resources)
        info = (resources or {}).get("nbgrader") or {}
        student = info.get("student", "student")
        kernel = self.kernel_name or nb.metadata.get("kernelspec", {}).get("name", "python3")
        trusted = _Trusted(resources or {})
        share = _runtime_dir() / f"s{uuid.uuid4().hex[:8]}"
        share.mkdir(parents=True)
        sock = str(share / "a")
        test_dir = Path.cwd() / "testkernels" / student / info.get("assignment", "assignment")
        shutil.rmtree(test_dir, ignore_errors=True)
        test_dir.mkdir(parents=True)

        self.km, kdir_a = self._kernel_manager(kernel)
        km_b, kdir_b = self._kernel_manager(kernel)
        tester = NotebookClient(
            nb,
            km=km_b,
            timeout=self.timeout,
            interrupt_on_timeout=self.interrupt_on_timeout,
            allow_errors=True,
            raise_on_iopub_timeout=self.raise_on_iopub_timeout,
            error_on_timeout=self.error_on_timeout,
            extra_arguments=list(self.extra_arguments),
            kernel_name=kernel,
            resources={"metadata": {"path": str(test_dir)}},
        )
        env = dict(os.environ)
        flags: list[str] = []
        try:
            # Launch the test kernel first: it starts up while the student kernel does.
            tester.start_new_kernel(env={**env, "CS_KDIR": str(kdir_b), "CS_SHARE": str(share), "CS_CGROUP": f"{student}.tests"})
            with self.setup_kernel(env={**env, "CS_KDIR": str(kdir_a), "CS_SHARE": str(share), "CS_CGROUP": student}):
                with tester.setup_kernel():
                    self._run(nb, trusted, tester, sock, flags)
        finally:
            for folder in (share, kdir_a, kdir_b, test_dir):
                shutil.rmtree(folder, ignore_errors=True)
        if flags:
            self._write_flags(info, flags)
        return self.nb, self.resources

    def _silent(self, client: NotebookClient, code: str) -> bool:
        """Run trusted plumbing code in a kernel; True if it ran without error."""
        try:
            msg_id = client.kc.execute(code, silent=True, store_history=False)
            reply = client.wait_for_reply(msg_id)
            return bool(reply) and reply["content"]["status"] == "ok"
        except Exception as exc:
            self.log.warning("grader plumbing failed: %s: %s", type(exc).__name__, exc)
            return False

    def _agent_timeout(self) -> float:
        """How long the grader waits for the agent's answer: the cell time limit, at least 10 s."""
        return max(10.0, float(self.timeout or 10))

    def _audit(self, sock: str, answer_required: bool = True) -> list[str]:
        """What the agent finds changed in the student kernel (reasons to flag); a kernel
        that stopped answering cells is asked too, but its silence is not held against it."""
        from civicspace.grading.agent import request

        try:
            answer = request(sock, {"op": "audit"}, timeout=self._agent_timeout() if answer_required else 5.0)
            return [str(f)[:200] for f in answer["findings"]][:10]
        except Exception as exc:
            return [f"the kernel did not answer the grader's audit ({type(exc).__name__})"] if answer_required else []

    def _run(self, nb, trusted: _Trusted, tester: NotebookClient, sock: str, flags: list[str]) -> None:
        student_alive = True
        note = "__import__('civicspace.grading.agent').grading.agent.note_main_thread()"
        if not self._silent(self, f"__import__('civicspace.grading.agent').grading.agent.serve({sock!r}); {note}"):
            flags.append("the grader's agent could not start in the notebook's kernel")
        else:
            from civicspace.grading.agent import request

            try:  # the audit's reference state: taken now, with the kernel idle, before any student code
                request(sock, {"op": "baseline"}, timeout=self._agent_timeout())
            except Exception as exc:
                flags.append(f"the grader's agent did not answer ({type(exc).__name__})")
        timeout = float(self.timeout or 60)
        for index, cell in enumerate(nb.cells):
            kind = trusted.kind(cell)
            if kind == "markdown":
                continue
            if kind == "test":
                if flags:
                    cell.outputs = [_error(FLAG_ENAME, "not run: the submission was flagged for review (" + flags[0] + ")")]
                    continue
                names = test_names(cell.source)
                self._silent(
                    tester,
                    f"__import__('civicspace.grading.agent').grading.agent.fetch(globals(), {names!r}, {sock!r}, {timeout!r})",
                )
                if self._execute(tester, cell, index) != "ok":
                    self.log.warning("the test kernel stopped at %s", cell.metadata.get("nbgrader", {}).get("grade_id"))
                continue
            if kind == "setup":
                copy = nbformat.v4.new_code_cell(cell.source)
                self._execute(tester, copy, index)
                errors = [o.get("ename") for o in copy.outputs if o.get("output_type") == "error"]
                if errors:  # the instructor's own set-up failed in the test kernel: say so in nbgrader's log
                    self.log.error(
                        "set-up cell %s failed in the test kernel: %s", cell.metadata.get("nbgrader", {}).get("grade_id"), errors
                    )
            if not student_alive:
                cell.outputs = [_error("DeadKernelError", "not run: the notebook's kernel had stopped answering")]
                continue
            status = self._execute(self, cell, index)
            student_alive = status == "ok"
            if kind == "student" and not flags:
                if student_alive:
                    self._silent(self, note)
                flags += self._audit(sock, answer_required=student_alive)
                if status == "unresponsive" and not flags:
                    flags.append(
                        "the kernel stopped answering after one of the student's cells "
                        "(the cell may have replaced parts of Python that the kernel needs)"
                    )

    @staticmethod
    def _execute(client: NotebookClient, cell, index: int) -> str:
        """Execute ``cell`` in ``client``'s kernel: "ok", "dead" or "unresponsive"."""
        try:
            client.execute_cell(cell, index, store_history=True)
            return "ok"
        except DeadKernelError as exc:
            cell.outputs = list(cell.get("outputs", [])) + [_error("DeadKernelError", str(exc)[:200] or "the kernel died")]
            return "dead"
        except CellTimeoutError:  # no reply or no output in time, even after an interrupt
            cell.outputs = list(cell.get("outputs", [])) + [_error("CellTimeoutError", "the kernel stopped answering")]
            return "unresponsive"

    def _write_flags(self, info: dict, flags: list[str]) -> None:
        folder = Path.cwd() / FLAGS_DIR
        folder.mkdir(exist_ok=True)
        path = folder / f"{info.get('student', 'student')}.json"
        record = json.loads(path.read_text()) if path.exists() else {}
        record[info.get("notebook", "notebook")] = flags
        path.write_text(json.dumps(record, indent=1))
        self.log.warning("flagged for review: %s", "; ".join(flags))


def read_flags(scratch: Path, student: str) -> dict[str, list[str]]:
    """The flags :class:`IsolatedExecute` wrote for ``student`` in a scratch course (notebook -> reasons)."""
    path = Path(scratch) / FLAGS_DIR / f"{student}.json"
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
