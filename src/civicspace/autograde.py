"""The instructor's grading pipeline: sandboxed, parallel autograding with nbgrader.

``civicspace grade <assignment>`` (``make grade ASSIGNMENT=...``) runs nbgrader's
own steps over the course folder ``autograder/``:

1. ``generate_assignment`` (the student version and the gradebook's record of it);
2. checks each submission's files (wrong name, corrupt JSON) before any code runs;
3. **autogrades each submission in its own scratch course**, in parallel: a SQLite
   copy of the gradebook's records for the assignment and its students, the one
   submission, and the course's own ``nbgrader_config.py`` with only what the sandbox
   needs on top (:func:`scratch_config`), so that the kernel runs inside the
   bubblewrap sandbox of :mod:`civicspace.sandbox`. nbgrader (trusted) runs outside
   the sandbox; the student's code runs inside it;
4. **merges** the scratch gradebooks into the course gradebook, one writer per run
   (the course configuration's ``CourseDirectory.db_url``: the SQLite file
   ``gradebook.db`` by default, or a shared database such as PostgreSQL);
5. ``generate_feedback`` with hidden tests and tracebacks removed
   (:class:`RedactHiddenTests`), and ``export`` of nbgrader's grades CSV;
6. an **item analysis** per test (share passing, discrimination against the rest
   of the assignment) as CSV and as a plotly HTML report;
7. a log saying, per submission, what happened.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from . import gradeexec, grading, sandbox
from .paths import repo_root

BIN = Path(sys.executable).parent


# --------------------------------------------------------------------------- results


@dataclass
class SubmissionResult:
    student: str
    status: str = "graded"  # graded | not graded | timed out
    messages: list[str] = field(default_factory=list)
    seconds: float = 0.0
    scratch: Path | None = None
    flags: dict[str, list[str]] = field(default_factory=dict)  # notebook -> why it was flagged for review

    def log_line(self) -> str:
        notes = "; ".join(self.messages) or "ok"
        return f"{self.student}: {self.status} in {self.seconds:.1f} s: {notes}"


# --------------------------------------------------------------------------- helpers


#: How the pipeline starts nbgrader: its own command line, with a lighter start-up.
NBGRADER = [sys.executable, "-m", "civicspace.nbgrader_runner"]


def _env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"  # nbgrader needs alembic
    env.pop("JUPYTER_PATH", None)
    env.update(extra or {})
    return env


def nbgrader(course: Path, *args: str, env: dict[str, str] | None = None, timeout: float | None = None) -> subprocess.CompletedProcess:
    """Run one nbgrader command in ``course``; raise with its log on failure."""
    out = subprocess.run(
        [*NBGRADER, *args], cwd=course, env=env or _env(),
        capture_output=True, text=True, timeout=timeout,
    )
    if out.returncode != 0:
        raise RuntimeError(f"nbgrader {' '.join(args)} failed in {course}:\n{out.stdout[-4000:]}\n{out.stderr[-4000:]}")
    return out


class Progress:
    """A one-line text progress bar on stderr."""

    def __init__(self, total: int, enabled: bool = True):
        self.total, self.done, self.enabled = total, 0, enabled
        self.lock = threading.Lock()

    def step(self, label: str) -> None:
        with self.lock:
            self.done += 1
            if self.enabled:
                width = 30
                filled = int(width * self.done / max(self.total, 1))
                sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} {label[:40]:40s}")
                if self.done == self.total:
                    sys.stderr.write("\n")
                sys.stderr.flush()


# --------------------------------------------------------------------------- checks before running code

#: Largest notebook file accepted (bytes).
MAX_NOTEBOOK_BYTES = 50 * 1024 * 1024


def read_regular_file(path: Path, limit: int = MAX_NOTEBOOK_BYTES) -> bytes:
    """The bytes of ``path`` if it is a regular file with one name; ``ValueError`` saying why not.

    A symlink (to the instructor's solution, another student's work...), a hard link
    to a file elsewhere, a device or a FIFO is refused; the file is opened without
    following links and checked on the open descriptor, so it cannot be swapped
    between the check and the read.
    """
    import stat

    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as exc:
        if os.path.islink(path):
            raise ValueError("is a symbolic link, not a file") from None
        raise ValueError(f"cannot be opened ({exc.strerror})") from None
    with os.fdopen(fd, "rb") as fh:
        info = os.fstat(fh.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise ValueError("is not a regular file (a device, FIFO, socket or folder)")
        if info.st_nlink != 1:
            raise ValueError(f"is a hard link ({info.st_nlink} names for one file)")
        if info.st_size > limit:
            raise ValueError(f"is larger than {limit // (1024 * 1024)} MB")
        return fh.read(limit + 1)[:limit]


def check_submission(folder: Path, expected: list[str], result: SubmissionResult) -> dict[str, bytes]:
    """The notebooks of a submission that can be graded (name -> bytes); problems go into ``result.messages``.

    Only the expected notebooks (and nbgrader's ``timestamp.txt`` and
    ``submission_secret.txt``) are handed to the grader; other files beside them are
    listed in the log and never reach a kernel. ``submission_secret.txt`` is written by
    ``nbgrader submit`` (the exchange): ``nbgrader release_feedback`` needs it in the
    feedback folder to name the feedback only that student can fetch.
    """
    if folder.is_symlink() or folder.parent.is_symlink() or not folder.is_dir():
        result.messages.append("submission folder is a link or not a folder; scored 0, flagged for review")
        result.flags["(folder)"] = ["the submission folder is a link"]
        return {}
    entries = sorted(p.name for p in folder.iterdir())
    nbgrader_files = ("timestamp.txt", "submission_secret.txt")
    extra = [n for n in entries if n not in expected and n not in nbgrader_files]
    if extra:
        shown = ", ".join(extra[:10]) + (f" and {len(extra) - 10} more" if len(extra) > 10 else "")
        result.messages.append(f"extra files not given to the grader: {shown}")
    usable: dict[str, bytes] = {}
    for name in expected:
        path = folder / name
        if not os.path.lexists(path):
            others = [p for p in entries if p.endswith(".ipynb") and p not in expected]
            hint = f" (found {', '.join(others)}: wrong notebook file name?)" if others else ""
            result.messages.append(f"{name}: missing{hint}; scored 0")
            continue
        try:
            data = read_regular_file(path)
        except ValueError as exc:
            result.messages.append(f"{name}: {exc}; scored 0, flagged for review")
            result.flags[name] = [f"the notebook file {exc}"]
            continue
        try:
            nb = nbformat.reads(data.decode("utf-8"), as_version=4)
            nbformat.validate(nb)
        except Exception as exc:  # corrupt JSON or not a notebook
            result.messages.append(f"{name}: not a valid notebook ({type(exc).__name__}: {str(exc)[:120]}); scored 0")
            continue
        if not any(grading.nbgrader_meta(c) for c in nb.cells):
            result.messages.append(f"{name}: no graded cells left (empty or rebuilt notebook); scored 0")
            continue
        usable[name] = data
    for name in nbgrader_files:
        if usable and name in entries:
            try:
                usable[name] = read_regular_file(folder / name, limit=1024)
            except ValueError as exc:
                result.messages.append(f"{name} {exc}: ignored")
    return usable


# --------------------------------------------------------------------------- one submission


# --------------------------------------------------------------------------- the course's configuration

#: Folder names of nbgrader's default layout, which the pipeline reads and writes in the course folder.
DEFAULT_LAYOUT = {
    "submitted_directory": "submitted", "autograded_directory": "autograded",
    "feedback_directory": "feedback", "release_directory": "release",
    "directory_structure": os.path.join("{nbgrader_step}", "{student_id}", "{assignment_id}"),
}


def course_config(course: Path):
    """The nbgrader configuration of ``course``, loaded as nbgrader loads it (a traitlets ``Config``).

    The ``nbgrader_config.py`` files of Jupyter's configuration path (user and system),
    then the course folder's own ``nbgrader_config.py``, which wins. Every setting the
    grading pipeline does not need for the sandbox is taken from here.
    """
    from jupyter_core.paths import jupyter_config_path
    from traitlets.config import Config
    from traitlets.config.loader import ConfigFileNotFound, PyFileConfigLoader

    course = Path(course).resolve()
    cfg = Config()
    folders = [Path(p) for p in reversed(jupyter_config_path())] + [course]
    for folder in folders:
        if not (folder / "nbgrader_config.py").is_file():
            continue
        try:
            cfg.merge(PyFileConfigLoader("nbgrader_config.py", path=str(folder)).load_config())
        except ConfigFileNotFound:
            continue
        except Exception as exc:
            raise ValueError(f"{folder / 'nbgrader_config.py'}: cannot be loaded: {type(exc).__name__}: {exc}") from exc
    return cfg


def course_directory(course: Path, cfg=None):
    """nbgrader's ``CourseDirectory`` for ``course`` as its configuration sets it (root: the course folder).

    Raises ``ValueError`` naming the configuration file if it moves the folders the
    pipeline works in away from nbgrader's default layout.
    """
    from nbgrader.coursedir import CourseDirectory

    course = Path(course).resolve()
    cfg = course_config(course) if cfg is None else cfg
    settings = cfg.CourseDirectory if "CourseDirectory" in cfg else {}
    where = course / "nbgrader_config.py"
    if "root" in settings and Path(settings["root"]).resolve() != course:
        raise ValueError(f"{where}: CourseDirectory.root is {settings['root']!r}, not this course folder ({course}); "
                         "run the grading pipeline on the course folder the configuration names")
    for name, default in DEFAULT_LAYOUT.items():
        if name in settings and settings[name] != default:
            raise ValueError(f"{where}: CourseDirectory.{name} = {settings[name]!r}: the grading pipeline needs "
                             f"nbgrader's default layout ({default!r}); remove the setting")
    return CourseDirectory(config=cfg, root=str(course))


def db_url(course: Path) -> str:
    """The course gradebook's database URL: ``CourseDirectory.db_url`` of the course's configuration
    (by default the SQLite file ``gradebook.db`` in the course folder)."""
    return course_directory(course).db_url


def open_gradebook(course: Path):
    """nbgrader's ``Gradebook`` on the course's database (whatever ``db_url`` names), for the course's ``course_id``."""
    from nbgrader.api import Gradebook

    coursedir = course_directory(course)
    return Gradebook(coursedir.db_url, coursedir.course_id)


#: Configuration sections whose ``timeout`` sets nbgrader's per-cell time limit (most general first).
_TIMEOUT_SECTIONS = ("NotebookClient", "ExecutePreprocessor", "Execute")


def configured_cell_timeout(course: Path) -> int | None:
    """The per-cell time limit the course's configuration sets (``c.Execute.timeout``, or the same
    setting on ``ExecutePreprocessor`` or ``NotebookClient``), or None if it sets none (or no limit)."""
    cfg = course_config(course)
    value = None
    for section in _TIMEOUT_SECTIONS:
        if section in cfg and "timeout" in cfg[section]:
            value = cfg[section]["timeout"]
    return int(value) if isinstance(value, (int, float)) and value > 0 else None


def course_limits(course: Path, cell_timeout: int | None = None, **limits) -> sandbox.Limits:
    """The sandbox's limits for grading ``course``: the per-cell time limit is the course's
    ``c.Execute.timeout`` unless ``cell_timeout`` overrides it (60 s if neither sets one)."""
    timeout = cell_timeout or configured_cell_timeout(course) or sandbox.Limits().cell_timeout
    return sandbox.Limits(cell_timeout=timeout, **limits)


def sandboxed_preprocessors(preprocessors: list) -> list:
    """The instructor's autograde steps with nbgrader's ``Execute`` replaced by the sandboxed,
    two-kernel :class:`~civicspace.gradeexec.IsolatedExecute`, and a cap on each output's size
    added after ``LimitOutput`` (a single 100 MB line would otherwise reach the gradebook folder
    and the feedback)."""
    from nbconvert.preprocessors import ExecutePreprocessor
    from nbgrader.preprocessors import LimitOutput, SaveAutoGrades
    from traitlets.utils.importstring import import_item

    from .gradeexec import IsolatedExecute

    out: list = []
    for step in preprocessors:
        cls = import_item(step) if isinstance(step, str) else step
        if isinstance(cls, type) and issubclass(cls, ExecutePreprocessor):
            cls = IsolatedExecute
        if cls is TruncateOutputsPreprocessor:
            continue
        out.append(cls)
        if cls is LimitOutput:
            out.append(TruncateOutputsPreprocessor)
    if IsolatedExecute not in out:
        raise ValueError("the course's Autograde.autograde_preprocessors has no Execute step: nothing would run the submissions")
    if TruncateOutputsPreprocessor not in out:
        out.insert(out.index(SaveAutoGrades) if SaveAutoGrades in out else len(out), TruncateOutputsPreprocessor)
    return out


def scratch_config(course: Path | str, scratch: Path | str, cell_timeout: int):
    """The configuration of a scratch course: the course's own, with only what the sandbox needs on top.

    The sandbox's layer: the scratch folder as the course root and its private copy of the
    gradebook (merged back through the course's ``db_url``), an empty source folder (no file
    of the instructor's exercise folder reaches a student's kernel), the per-cell time limit
    in force, with interruption, the kernels' Unix-socket transport in the runtime folder the
    sandbox binds, and the sandboxed ``Execute`` step. Everything else (late penalties,
    output limits, other preprocessors, course id...) is the instructor's.
    """
    from nbgrader.converters import Autograde
    from traitlets.config import Config

    course, scratch = Path(course), Path(scratch)
    cfg = course_config(course)
    steps = cfg.Autograde.get("autograde_preprocessors") if "Autograde" in cfg else None
    if steps is None:
        steps = Autograde.class_traits()["autograde_preprocessors"].default()
    layer = Config()
    layer.CourseDirectory.root = str(scratch)
    layer.CourseDirectory.db_url = f"sqlite:///{scratch / 'gradebook.db'}"
    layer.CourseDirectory.source_directory = str(scratch / "source")
    for section in ("Execute", "IsolatedExecute"):
        layer[section].timeout = int(cell_timeout)
        layer[section].interrupt_on_timeout = True
        layer[section].raise_on_iopub_timeout = True
    # The kernel runs in the sandbox and talks over Unix sockets (it has no network), in the
    # runtime folder that the sandbox binds (an absolute path, not the default "kernel-ipc").
    layer.KernelManager.transport = "ipc"
    layer.KernelManager.ip = str(scratch / "runtime" / "kernel")
    layer.Autograde.autograde_preprocessors = sandboxed_preprocessors(list(steps))
    cfg.merge(layer)
    return cfg


SCRATCH_CONFIG = """\
# Made by the grading pipeline: the course's nbgrader_config.py with the sandbox's settings on top
# (civicspace.autograde.scratch_config).
c = get_config()  # noqa: F821
from civicspace.autograde import scratch_config
c.merge(scratch_config({course!r}, {scratch!r}, {cell_timeout!r}))
"""


def copy_gradebook(src_url: str, dst_url: str, course_id: str, assignment: str, students: list[str]) -> None:
    """Copy what autograding ``students`` on ``assignment`` needs from one gradebook to a new one.

    The assignment (its notebooks, cells and due date), the students and their existing
    submissions of it, with their grades and comments: every row of nbgrader's tables
    that belongs to them, whatever database either URL names.
    """
    from nbgrader.api import Base
    from sqlalchemy import MetaData, Table, create_engine, inspect, select

    wanted = set(students)
    kept: dict[str, set] = {}
    src, dst = create_engine(src_url, future=True), create_engine(dst_url, future=True)
    try:
        Base.metadata.create_all(bind=dst)  # nbgrader's schema, as nbgrader makes it
        with src.connect() as read, dst.begin() as write:
            if "alembic_version" in inspect(read).get_table_names():  # the schema's version, as in the source
                version = Table("alembic_version", MetaData(), autoload_with=read)
                version.create(bind=write, checkfirst=True)
                rows = [dict(r._mapping) for r in read.execute(select(version))]
                if rows:
                    write.execute(version.insert(), rows)
            for table in Base.metadata.sorted_tables:
                query = select(table)
                if table.name == "student":
                    query = query.where(table.c.id.in_(wanted))
                elif table.name == "assignment":
                    query = query.where(table.c.name == assignment)
                elif table.name == "course":
                    query = query.where(table.c.id == course_id)
                rows = [dict(r._mapping) for r in read.execute(query)]
                links = [(fk.parent.name, fk.column.table.name) for fk in table.foreign_keys]
                rows = [r for r in rows if all(r[col] is None or r[col] in kept.get(ref, ()) for col, ref in links)]
                if rows:
                    write.execute(table.insert(), rows)
                kept[table.name] = {r["id"] for r in rows}
            if not kept.get("course"):  # a gradebook nbgrader has not opened for this course yet
                write.execute(Base.metadata.tables["course"].insert(), [{"id": course_id}])
    finally:
        src.dispose()
        dst.dispose()


STUDENT_ID = re.compile(r"^[A-Za-z0-9_.@+-]{1,128}$")


def _scratch_course(course: Path, assignment: str, students: dict[str, dict[str, bytes]], scratch: Path, limits: sandbox.Limits) -> None:
    """A scratch course with a copy of the gradebook's records for these students and their usable files (as checked)."""
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    coursedir = course_directory(course)
    copy_gradebook(coursedir.db_url, f"sqlite:///{scratch / 'gradebook.db'}", coursedir.course_id, assignment, list(students))
    for student, files in students.items():
        folder = scratch / "submitted" / student / assignment
        folder.mkdir(parents=True)
        for name, data in files.items():
            (folder / name).write_bytes(data)
    (scratch / "runtime").mkdir()
    (scratch / "nbgrader_config.py").write_text(
        SCRATCH_CONFIG.format(course=str(course), scratch=str(scratch), cell_timeout=limits.cell_timeout)
    )


def _graded_students(scratch: Path, assignment: str) -> set[str]:
    """Students whose autograded notebooks exist (nbgrader removes them when grading fails;
    the gradebook entry alone does not say it finished: nbgrader creates it first)."""
    folder = scratch / "autograded"
    return {p.parent.name for p in folder.glob(f"*/{assignment}") if any(p.glob("*.ipynb"))} if folder.exists() else set()


def autograde_batch(
    course: Path, assignment: str, students: list[str], expected: list[str], work: Path, limits: sandbox.Limits,
    batch: str, use_sandbox: bool = True, progress: Progress | None = None,
) -> list[SubmissionResult]:
    """Autograde several students' submissions with one nbgrader process in one scratch course.

    nbgrader's start-up is paid once per batch; each student's kernel still runs in
    its own sandbox (and cgroup), seeing only its own notebook folder. A batch that
    runs past its time budget is stopped, and the students it had not finished
    are graded again one at a time.
    """
    results = {s: SubmissionResult(s) for s in students}
    usable: dict[str, dict[str, bytes]] = {}
    start = time.perf_counter()
    for student in students:
        res = results[student]
        if not STUDENT_ID.match(student):
            res.status, res.messages = "not graded", ["student folder name has characters nbgrader cannot use"]
            continue
        notebooks = check_submission(course / "submitted" / student / assignment, expected, res)
        if notebooks:
            usable[student] = notebooks
        else:
            res.status = "not graded"
    if usable:
        scratch = work / batch
        _scratch_course(course, assignment, usable, scratch, limits)
        extra = {
            "JUPYTER_RUNTIME_DIR": str(scratch / "runtime"),
            "JUPYTER_CONFIG_DIR": str(scratch / "jupyter-config"),
            "JUPYTER_DATA_DIR": str(scratch / "jupyter-data"),
            "IPYTHONDIR": str(scratch / "ipython"),
            # jupyter_client writes the kernel's connection file with mkstemp(): it must
            # land in the runtime folder the sandbox can see, not in the host's /tmp.
            "TMPDIR": str(scratch / "runtime"),
        }
        use_cgroups = use_sandbox and sandbox.cgroups_available()
        if use_sandbox:
            sandbox.write_kernelspec(scratch / "jupyter", sandbox.kernel_argv(scratch / "runtime", limits, batch, use_cgroups))
            extra["JUPYTER_PATH"] = str(scratch / "jupyter")
        budget = limits.notebook_timeout * len(usable)
        proc = subprocess.Popen(
            [*NBGRADER, "autograde", assignment, "--force"],
            cwd=scratch, env=_env(extra), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            start_new_session=True,
        )
        log_lines: list[str] = []
        started: list[str] = []

        def reader():
            for line in proc.stdout:
                log_lines.append(line)
                m = re.search(r"Autograding .*/autograded/([^/]+)/", line)
                if m and m.group(1) not in started:
                    if started and progress:
                        progress.step(started[-1])
                    started.append(m.group(1))

        thread = threading.Thread(target=reader, daemon=True)
        thread.start()
        timed_out = False
        try:
            proc.wait(timeout=budget)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            timed_out = True
        thread.join(timeout=10)
        if use_cgroups:
            for student in usable:
                if sandbox.memory_exceeded(batch, student):
                    results[student].messages.append(f"hit the memory limit ({limits.memory_mb} MB): its kernel was killed")
            sandbox.remove_cgroups(batch)
        if sandbox.kill_leftovers(scratch):
            log_lines.append(f"civicspace: killed processes left over by the batch in {scratch}\n")
        log = "".join(log_lines)
        (scratch / "autograde.log").write_text(log)
        done = _graded_students(scratch, assignment)
        unfinished = [s for s in usable if s not in done]
        for student in usable:
            res = results[student]
            res.scratch = scratch
            if student in done:
                res.messages += _explain(scratch / "autograded" / student / assignment)
            for notebook, reasons in gradeexec.read_flags(scratch, student).items():
                res.flags[f"{notebook}.ipynb"] = reasons
                res.messages.append(f"{notebook}.ipynb: FLAGGED FOR REVIEW: {'; '.join(reasons)}; the tests after that point scored 0")
        if timed_out and len(usable) > 1:
            # Grade the unfinished ones again, alone, each with its own time budget.
            for i, student in enumerate(unfinished):
                retry = autograde_batch(course, assignment, [student], expected, work, limits, f"{batch}r{i}", use_sandbox)
                results[student] = retry[0]
                results[student].messages.insert(0, "batch ran out of time; graded again alone")
            unfinished = []
        for student in unfinished:
            res = results[student]
            if timed_out:
                res.status = "timed out"
                res.messages.append(f"stopped after {budget} s (time limit for the submission); scored 0")
            else:
                res.status = "not graded"
                res.messages.append(f"nbgrader could not grade it (kernel died or notebook unusable); scored 0; log: {scratch / 'autograde.log'}")
    elapsed = time.perf_counter() - start
    for res in results.values():
        res.seconds = res.seconds or elapsed / max(1, len(students))
    return [results[s] for s in students]


KNOWN_ERRORS = {
    "DeadKernelError": "the kernel died (killed itself, or a resource limit killed it)",
    "CellTimeoutError": "a cell ran past the per-cell time limit",
    "MemoryError": "ran out of memory",
    "URLError": "tried to reach the network (blocked)",
    "ConnectionRefusedError": "tried to reach the network (blocked)",
    "gaierror": "tried to reach the network (blocked)",
    "PermissionError": "tried to write outside its folder (blocked)",
    "FileNotFoundError": "tried to open a file it cannot see (e.g. another student's work or the instructor's files)",
    "NotImplementedError": "left an answer stub",
    "StudentCodeError": "a function of the submission failed or did not return when a test called it",
    gradeexec.FLAG_ENAME: "not run: flagged for review",
}


def _explain(folder: Path) -> list[str]:
    """Short notes on what went wrong in the autograded notebooks (error names per cell)."""
    notes: list[str] = []
    for nb_path in sorted(folder.glob("*.ipynb")):
        try:
            nb = nbformat.read(nb_path, as_version=4)
        except Exception:
            continue
        seen = {}
        for cell in nb.cells:
            for out in cell.get("outputs", []):
                if out.get("output_type") == "error":
                    seen.setdefault(out.get("ename", "Error"), 0)
                    seen[out.get("ename", "Error")] += 1
        for ename, count in sorted(seen.items()):
            why = KNOWN_ERRORS.get(ename)
            notes.append(f"{nb_path.name}: {count} cell(s) raised {ename}" + (f" ({why})" if why else ""))
    return notes


# --------------------------------------------------------------------------- merging (one writer)


def merge_into_gradebook(course: Path, assignment: str, results: list[SubmissionResult], expected: list[str]) -> None:
    """Copy each student's grades from its batch's scratch gradebook into the course gradebook.

    One writer per run: called once, after every batch has finished. The course gradebook
    (the course configuration's ``db_url``, whatever database it names) and each scratch
    gradebook are opened once for the whole class. A student's record that another grading
    run writes at the same moment (a shared PostgreSQL gradebook) is tried again.
    """
    import warnings
    from contextlib import ExitStack

    from nbgrader.api import Gradebook

    coursedir = course_directory(course)
    with warnings.catch_warnings(), ExitStack() as stack:
        warnings.simplefilter("ignore")  # SQLAlchemy's autoflush notices from nbgrader's API
        main = stack.enter_context(Gradebook(coursedir.db_url, coursedir.course_id))
        scratch_books: dict[Path, Gradebook] = {}
        for result in results:
            scratch_db = result.scratch / "gradebook.db" if result.scratch else None
            other = None
            if result.status == "graded" and scratch_db and scratch_db.exists():
                if scratch_db not in scratch_books:
                    scratch_books[scratch_db] = stack.enter_context(Gradebook(f"sqlite:///{scratch_db}", coursedir.course_id))
                other = scratch_books[scratch_db]
            for attempt in range(MERGE_ATTEMPTS):
                try:
                    notes = _merge_one(main, other, assignment, result, expected)
                    main.db.commit()
                    result.messages += notes
                    break
                except Exception as exc:  # one student's bad record must not stop the others'
                    main.db.rollback()
                    if attempt + 1 < MERGE_ATTEMPTS and _is_concurrent_write(exc):
                        time.sleep(0.2 * (attempt + 1))
                        continue
                    result.status = "not merged"
                    result.messages.append(f"could not record the grades in the gradebook: {type(exc).__name__}: {exc}")
                    break
            if result.status == "not merged":
                continue
            if result.scratch:
                src = result.scratch / "autograded" / result.student / assignment
                dst = course / "autograded" / result.student / assignment
                if src.is_dir() and any(src.glob("*.ipynb")):
                    shutil.rmtree(dst, ignore_errors=True)
                    shutil.copytree(src, dst)


#: How often a student's record is written before giving up when another run writes it at the same time.
MERGE_ATTEMPTS = 4


def _is_concurrent_write(exc: Exception) -> bool:
    """An error that another writer of the same gradebook caused (a student or course row created by
    both at once, a serialisation failure or deadlock): writing again succeeds."""
    from nbgrader.api import InvalidEntry
    from sqlalchemy.exc import IntegrityError, OperationalError

    return isinstance(exc, (InvalidEntry, IntegrityError, OperationalError))


def _merge_one(main, other, assignment: str, result: SubmissionResult, expected: list[str]) -> list[str]:
    """Write one student's grades into ``main``; return the notes for the log (nothing is
    added to ``result`` here, so a write that is tried again does not repeat them)."""
    from nbgrader.api import MissingEntry

    notes: list[str] = []
    main.update_or_create_student(result.student)
    # Update, never remove: a re-run must keep the scores entered by hand in formgrader.
    sub = main.update_or_create_submission(assignment, result.student)
    copied = False
    if other is not None:
        try:
            theirs_sub = other.find_submission(assignment, result.student)
            sub.timestamp = theirs_sub.timestamp  # from timestamp.txt: late penalties use it
            copied = True
        except MissingEntry:
            notes.append("no grades recorded by nbgrader; scored 0")
        if copied:
            for nb_name in expected:
                notebook = nb_name[:-len(".ipynb")]
                mine_nb = main.find_submission_notebook(notebook, assignment, result.student)
                try:  # the late penalty nbgrader's AssignLatePenalties set (the course's LateSubmissionPlugin)
                    mine_nb.late_submission_penalty = other.find_submission_notebook(notebook, assignment, result.student).late_submission_penalty
                except MissingEntry:
                    pass
                for grade in mine_nb.grades:
                    try:
                        theirs = other.find_grade(grade.cell.name, notebook, assignment, result.student)
                    except MissingEntry:
                        continue
                    flagged = nb_name in result.flags
                    grade.auto_score = theirs.auto_score
                    grade.needs_manual_grade = (theirs.needs_manual_grade or flagged) and grade.manual_score is None
                for comment in mine_nb.comments:
                    try:
                        theirs = other.find_comment(comment.cell.name, notebook, assignment, result.student)
                        comment.auto_comment = theirs.auto_comment
                    except MissingEntry:
                        pass
    # Whatever could not be graded scores 0 on its autograded tests (never "not graded = pass").
    for nb_name in expected:
        notebook = nb_name[:-len(".ipynb")]
        for grade in main.find_submission_notebook(notebook, assignment, result.student).grades:
            is_test = grade.cell.cell_type == "code" and not _is_solution(main, grade.cell.name, notebook, assignment)
            if is_test and grade.auto_score is None:
                if result.status == "graded" and nb_name not in result.flags:
                    notes.append(f"{nb_name}: test cell {grade.cell.name} is missing from the submission; scored 0")
                grade.auto_score = 0.0
                grade.needs_manual_grade = nb_name in result.flags and grade.manual_score is None
    return notes


def _is_solution(gb, cell_name: str, notebook: str, assignment: str) -> bool:
    from nbgrader.api import MissingEntry

    try:
        gb.find_solution_cell(cell_name, notebook, assignment)
        return True
    except MissingEntry:
        return False


# --------------------------------------------------------------------------- item analysis


def item_analysis(course: Path, assignment: str) -> list[dict]:
    """Per autograded test: share of students passing it and its discrimination.

    Discrimination is the correlation between passing the item (0/1) and the
    student's score on the rest of the assignment's autograded tests (the
    corrected item-total, or point-biserial, correlation); it is empty when
    either varies not at all.
    """
    rows: dict[str, dict[str, float]] = {}
    maxima: dict[str, float] = {}
    with open_gradebook(course) as gb:
        asg = gb.find_assignment(assignment)
        for nb in asg.notebooks:
            for cell in nb.grade_cells:
                if cell.cell_type == "code" and not _is_solution(gb, cell.name, nb.name, assignment):
                    maxima[f"{nb.name}/{cell.name}"] = cell.max_score
        for sub in gb.assignment_submissions(assignment):
            scores = {}
            for nbs in sub.notebooks:
                for grade in nbs.grades:
                    key = f"{nbs.notebook.name}/{grade.cell.name}"
                    if key in maxima:
                        scores[key] = grade.auto_score or 0.0
            rows[sub.student.id] = scores
    students = sorted(rows)
    out = []
    for item, max_score in maxima.items():
        passed = [1.0 if rows[s].get(item, 0.0) >= max_score else 0.0 for s in students]
        rest = [sum(v for k, v in rows[s].items() if k != item) for s in students]
        out.append(
            {
                "item": item.split("/", 1)[1],
                "notebook": item.split("/", 1)[0],
                "points": max_score,
                "students": len(students),
                "share_passing": round(sum(passed) / len(students), 3) if students else None,
                "discrimination": _corr(passed, rest),
            }
        )
    return out


def _corr(xs: list[float], ys: list[float]) -> float | None:
    n = len(xs)
    if n < 2:
        return None
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return None
    return round(sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / (sxx * syy) ** 0.5, 3)


def write_item_report(items: list[dict], out_csv: Path, out_html: Path, assignment: str) -> None:
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    from .plotting import OKABE_ITO

    out_csv.parent.mkdir(parents=True, exist_ok=True)
    with open(out_csv, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=["notebook", "item", "points", "students", "share_passing", "discrimination"], lineterminator="\n")
        writer.writeheader()
        writer.writerows(items)
    labels = [i["item"] for i in items]
    fig = make_subplots(rows=1, cols=2, subplot_titles=("Share of students passing", "Discrimination (item vs rest)"))
    fig.add_trace(go.Bar(x=[i["share_passing"] for i in items], y=labels, orientation="h", marker_color=OKABE_ITO[0], name="share passing"), 1, 1)
    fig.add_trace(go.Bar(x=[i["discrimination"] if i["discrimination"] is not None else 0 for i in items], y=labels, orientation="h", marker_color=OKABE_ITO[1], name="discrimination"), 1, 2)
    fig.update_xaxes(range=[0, 1], row=1, col=1)
    fig.update_xaxes(range=[-1, 1], row=1, col=2)
    fig.update_layout(title=f"Item analysis: {assignment}", showlegend=False, height=200 + 40 * len(items), template="plotly_white")
    # plotly.js is written next to the report (include_plotlyjs="directory"): it opens offline.
    fig.write_html(out_html, include_plotlyjs="directory", full_html=True)


# --------------------------------------------------------------------------- feedback without secrets


#: Messages of the test kernel that the course itself writes (safe to show a student).
_OWN_MESSAGES = {"AssertionError", "StudentCodeError", gradeexec.FLAG_ENAME}


def test_result_text(outputs: list) -> str:
    """What a student is told about one test cell: passed, or failed with the instructor's message.

    Only the test's verdict and a message the instructor (or the grader) wrote: never
    a traceback, and never text the student's code printed while the tests ran.
    """
    for out in outputs:
        if out.get("output_type") == "error":
            ename = str(out.get("ename", "Error"))
            ename = ename if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,40}", ename) else "Error"
            evalue = str(out.get("evalue") or "").strip()
            if ename in _OWN_MESSAGES and evalue:
                return f"Test failed: {evalue[:400]}"
            if ename == "AssertionError":
                return "Test failed: a check did not hold."
            if ename == "CellTimeoutError":
                return "Test failed: it ran past the time limit."
            return f"Test failed: the test could not run on your answer ({ename})."
        if out.get("output_type") == "stream" and out.get("name") == "stderr":
            return "Test failed: the test wrote to the error stream (for example a warning about your answer)."
    return "Test passed."


def redact_notebook(nb) -> None:
    """Make a graded notebook fit to return to a student.

    The student's cells keep their source (the work they submitted) and lose the
    outputs made at grading time. Test cells keep their visible part; their outputs
    become one line: passed, or failed with the instructor's assertion message.
    """
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        if not grading.is_autograder_test(cell):
            cell.outputs = []
            cell.execution_count = None
            continue
        kept, hidden = [], False
        for line in cell.source.splitlines():
            s = line.strip()
            if s.startswith(grading.BEGIN_HIDDEN):
                hidden = True
                kept.append("# (hidden tests were run here; their code is not shown)")
                continue
            if s.startswith(grading.END_HIDDEN):
                hidden = False
                continue
            if not hidden:
                kept.append(line)
        cell.source = "\n".join(kept)
        verdict = test_result_text(cell.get("outputs", []))
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=verdict + "\n")]
        cell.execution_count = None


def _feedback_config(course: Path) -> Path:
    """A config folder (for JUPYTER_CONFIG_PATH) that adds the redaction to generate_feedback.

    nbgrader reads the course's ``nbgrader_config.py`` after this folder, so a course that
    sets ``GenerateFeedback.preprocessors`` itself must keep the redaction in them: the
    pipeline refuses to make feedback otherwise (hidden tests would reach students).
    """
    cfg = course_config(course)
    own = cfg.GenerateFeedback.get("preprocessors") if "GenerateFeedback" in cfg else None
    if own is not None:
        names = [p if isinstance(p, str) else f"{p.__module__}.{p.__qualname__}" for p in own]
        if not names or not names[0].endswith("RedactHiddenTestsPreprocessor"):
            raise ValueError(
                f"{Path(course) / 'nbgrader_config.py'}: GenerateFeedback.preprocessors must start with "
                "civicspace.autograde.RedactHiddenTestsPreprocessor (without it the feedback shows the hidden tests)")
    folder = course / "reports" / ".feedback-config"
    folder.mkdir(parents=True, exist_ok=True)
    text = (
        "c = get_config()  # noqa: F821\n"
        "from nbgrader.preprocessors import GetGrades\n"
        "from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor\n"
        "from civicspace.autograde import RedactHiddenTestsPreprocessor\n"
        "c.GenerateFeedback.preprocessors = [RedactHiddenTestsPreprocessor, GetGrades, CSSHTMLHeaderPreprocessor]\n"
    )
    # Written whole and renamed into place: a grading run of another assignment may read it meanwhile.
    tmp = folder / f".nbgrader_config.{os.getpid()}.{threading.get_ident()}.tmp"
    tmp.write_text(text)
    os.replace(tmp, folder / "nbgrader_config.py")
    return folder


#: Longest text kept per output (characters) and largest image kept (bytes of base64).
MAX_OUTPUT_CHARS = 20_000
MAX_IMAGE_CHARS = 2_000_000


def truncate_outputs(nb) -> int:
    """Cap the size of every output in ``nb``; return how many outputs were cut."""
    cut = 0

    def shorten(text):
        nonlocal cut
        if isinstance(text, list):
            text = "".join(text)
        if len(text) > MAX_OUTPUT_CHARS:
            cut += 1
            return text[:MAX_OUTPUT_CHARS] + f"\n... [{len(text) - MAX_OUTPUT_CHARS} characters removed by the grader]"
        return text

    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if "text" in out:
                out["text"] = shorten(out["text"])
            for mime, value in list(out.get("data", {}).items()):
                if mime.startswith("image/") and len(value) > MAX_IMAGE_CHARS:
                    out["data"][mime] = ""
                    out["data"]["text/plain"] = "[image removed by the grader: too large]"
                    cut += 1
                elif isinstance(value, (str, list)):
                    out["data"][mime] = shorten(value)
            if out.get("output_type") == "error":
                out["evalue"] = shorten(out.get("evalue", ""))
                out["traceback"] = [shorten(t) for t in out.get("traceback", [])][:200]
    return cut


try:  # the preprocessor classes are only needed where nbgrader is installed
    from nbgrader.preprocessors import NbGraderPreprocessor

    class TruncateOutputsPreprocessor(NbGraderPreprocessor):
        """nbgrader preprocessor form of :func:`truncate_outputs` (used by autograde)."""

        def preprocess(self, nb, resources):
            truncate_outputs(nb)
            return nb, resources

    class RedactHiddenTestsPreprocessor(NbGraderPreprocessor):
        """nbgrader preprocessor form of :func:`redact_notebook` (used by generate_feedback)."""

        def preprocess(self, nb, resources):
            redact_notebook(nb)
            return nb, resources
except ImportError:  # pragma: no cover
    pass


# --------------------------------------------------------------------------- the whole pipeline


@dataclass
class GradingReport:
    assignment: str
    results: list[SubmissionResult]
    grades_csv: Path
    items_csv: Path
    items_html: Path
    log: Path
    seconds: float
    timings: dict[str, float] = field(default_factory=dict)
    limits: str = ""  # which limits were in force (also the log's first line)


def grade(
    assignment: str, course: Path | None = None, workers: int = 2, limits: sandbox.Limits | None = None,
    use_sandbox: bool = True, progress: bool = True,
) -> GradingReport:
    """Generate, autograde (sandboxed, parallel), give feedback, export and analyse ``assignment``.

    ``limits``: the sandbox's limits; by default :func:`course_limits` (the per-cell time
    limit is the course configuration's ``c.Execute.timeout``).
    """
    start = time.perf_counter()
    course = Path(course or repo_root() / "autograder").resolve()
    course_directory(course)  # fail early, naming the file, on a configuration the pipeline cannot use
    limits = limits or course_limits(course)
    if use_sandbox:
        sandbox.bwrap()  # fail early with an install hint
    timings: dict[str, float] = {}
    mark = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal mark
        now = time.perf_counter()
        timings[name] = round(now - mark, 2)
        mark = now

    nbgrader(course, "generate_assignment", assignment, "--force", "--log-level=WARN")
    lap("generate")
    expected = sorted(p.name for p in (course / "release" / assignment).glob("*.ipynb"))
    submitted = course / "submitted"
    students = sorted(p.parent.name for p in submitted.glob(f"*/{assignment}") if p.is_dir()) if submitted.exists() else []
    reports = course / "reports"
    reports.mkdir(exist_ok=True)
    bar = Progress(len(students), enabled=progress)
    results: list[SubmissionResult] = []
    with tempfile.TemporaryDirectory(prefix=f"civicspace-grade-{assignment}-") as tmp:
        work = Path(tmp)
        batches = [students[i::max(1, workers)] for i in range(max(1, workers))]
        batches = [b for b in batches if b]
        run_id = f"{os.getpid()}-{int(time.time())}"
        with ThreadPoolExecutor(max_workers=max(1, len(batches))) as pool:
            futures = {
                pool.submit(autograde_batch, course, assignment, b, expected, work, limits, f"{run_id}-b{i}", use_sandbox, bar): b
                for i, b in enumerate(batches)
            }
            for fut in as_completed(futures):
                try:
                    results += fut.result()
                except Exception as exc:  # the batch goes on whatever one submission does
                    results += [SubmissionResult(s, "not graded", [f"grading error: {type(exc).__name__}: {exc}"]) for s in futures[fut]]
        bar.done = bar.total - 1
        bar.step("done")
        lap("autograde")
        # One writer: merge the scratch gradebooks one after the other.
        merge_into_gradebook(course, assignment, sorted(results, key=lambda r: r.student), expected)
    results.sort(key=lambda r: r.student)
    lap("merge")
    grades_csv, items_csv, items_html = feedback_and_reports(course, assignment)
    lap("feedback, export, item analysis")
    log = reports / f"{assignment}_grading.log"
    limits_line = sandbox.describe_limits(limits, use_sandbox)
    log.write_text("\n".join([limits_line] + [r.log_line() for r in results]) + "\n", encoding="utf-8")
    return GradingReport(assignment, results, grades_csv, items_csv, items_html, log, time.perf_counter() - start, timings, limits_line)


def feedback_and_reports(course: Path, assignment: str) -> tuple[Path, Path, Path]:
    """Feedback without hidden tests, nbgrader's grades CSV and the item analysis.

    Run it again after grading written answers in formgrader (``civicspace
    feedback``): never plain ``nbgrader generate_feedback``, which copies hidden
    tests into what students receive.
    """
    course = Path(course).resolve()
    reports = course / "reports"
    reports.mkdir(exist_ok=True)
    nbgrader(
        course, "generate_feedback", assignment, "--force", "--log-level=WARN",
        env=_env({"JUPYTER_CONFIG_PATH": str(_feedback_config(course))}),
    )
    grades_csv = reports / f"{assignment}_grades.csv"
    nbgrader(course, "export", f"--to={grades_csv}", "--log-level=WARN")
    items = item_analysis(course, assignment)
    items_csv, items_html = reports / f"{assignment}_item_analysis.csv", reports / f"{assignment}_item_analysis.html"
    write_item_report(items, items_csv, items_html, assignment)
    return grades_csv, items_csv, items_html


def default_workers() -> int:
    """One batch per core (measured: a third batch on 2 cores gains nothing, the work is CPU-bound)."""
    return os.cpu_count() or 1


def scores(course: Path, assignment: str) -> dict[str, tuple[float, float]]:
    """(autograded score, max autograded score) per student, from the course gradebook."""
    with open_gradebook(course) as gb:
        return {s.student.id: (s.code_score, s.max_code_score) for s in gb.assignment_submissions(assignment)}
