"""The course's own nbgrader configuration, and the sandbox's layer on top of it.

The pipeline reads ``autograder/nbgrader_config.py`` (layout, ``db_url``, timeouts, late
penalties, preprocessors are the instructor's) and adds only what the sandbox needs for a
scratch course: its root, its private gradebook copy, the kernel and the runtime folder.
"""

from __future__ import annotations

import os
from pathlib import Path

from civicspace.grading import sandbox
from civicspace.grading.outputs import TruncateOutputsPreprocessor

# --------------------------------------------------------------------------- one submission


# --------------------------------------------------------------------------- the course's configuration

#: Folder names of nbgrader's default layout, which the pipeline reads and writes in the course folder.
DEFAULT_LAYOUT = {
    "submitted_directory": "submitted",
    "autograded_directory": "autograded",
    "feedback_directory": "feedback",
    "release_directory": "release",
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
        raise ValueError(
            f"{where}: CourseDirectory.root is {settings['root']!r}, not this course folder ({course}); "
            "run the grading pipeline on the course folder the configuration names"
        )
    for name, default in DEFAULT_LAYOUT.items():
        if name in settings and settings[name] != default:
            raise ValueError(
                f"{where}: CourseDirectory.{name} = {settings[name]!r}: the grading pipeline needs "
                f"nbgrader's default layout ({default!r}); remove the setting"
            )
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
    two-kernel :class:`~civicspace.grading.execute.IsolatedExecute`, and a cap on each output's size
    added after ``LimitOutput`` (a single 100 MB line would otherwise reach the gradebook folder
    and the feedback)."""
    from nbconvert.preprocessors import ExecutePreprocessor
    from nbgrader.preprocessors import LimitOutput, SaveAutoGrades
    from traitlets.utils.importstring import import_item

    from civicspace.grading.execute import IsolatedExecute

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
# (civicspace.grading.config.scratch_config).
c = get_config()  # noqa: F821
from civicspace.grading.config import scratch_config
c.merge(scratch_config({course!r}, {scratch!r}, {cell_timeout!r}))
"""
