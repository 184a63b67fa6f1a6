"""civicspace: the code behind the course "NGOs, human rights and the shrinking civic space".

Notebooks stay thin: they import this package and call one function per step, e.g.::

    import civicspace as cs
    cs.setup_notebook()
    treaties = cs.data.load_treaty_ratification()
    cs.ch01.ratification_timeline(treaties, ["ICCPR", "ICESCR"])

The layout follows the course:

- :mod:`civicspace.data`: the dataset loaders, checked against their schemas
  (with :mod:`~civicspace.data.countries` and, for ``make_data.py`` scripts, :mod:`~civicspace.data.curation`);
- :mod:`civicspace.chapters`: one module per chapter, named like its exercise
  (``chapters/ch05_foreign_agent_laws.py``), reachable as ``cs.ch05``;
- :mod:`civicspace.plotting`: the colours, the course template, shared layout helpers
  and the base of every live widget;
- :mod:`civicspace.book`: the Sphinx extension and the Data appendix of the online book;
- :mod:`civicspace.jupyter_offline` and :mod:`civicspace.course`: JupyterLab without a
  network, and the students' own-computer launcher;
- instructor-only, never in the student edition: :mod:`civicspace.grading` (checks,
  sandbox, batch, gradebook merge, feedback, item analysis, grade files) and
  :mod:`civicspace.editions` (the student versions, the student edition and wheel).

Submodules are imported on first use (``cs.data`` imports pandas only; ``cs.ch01``
imports plotly), so an exercise that only loads data starts quickly: this matters
when a class of notebooks is autograded, where every submission starts a new kernel.
"""

from __future__ import annotations

import importlib
import re
from typing import Any

#: Submodules reachable as attributes of the package (``cs.<name>``), imported lazily.
#: Chapter modules are reachable too, as ``cs.ch01`` ... (found in :mod:`civicspace.chapters`).
SUBMODULES = (
    "book",
    "chapters",
    "data",
    "editions",
    "grading",
    "jupyter_offline",
    "paths",
    "plotting",
)

__all__ = [*SUBMODULES, "setup_notebook"]
__version__ = "0.1.0"

_CHAPTER = re.compile(r"^ch\d\d$")


def setup_notebook(book: bool | None = None) -> str:
    """Choose the plotly renderer for a notebook or the book; return its name.

    See :func:`civicspace.plotting.setup_notebook` (imported here on first call).
    """
    from civicspace.plotting import setup_notebook as _setup

    return _setup(book)


def __getattr__(name: str) -> Any:
    if name in SUBMODULES:
        module = importlib.import_module(f".{name}", __name__)
        globals()[name] = module
        return module
    if _CHAPTER.match(name):
        from .chapters import chapter_module

        module = chapter_module(name)
        globals()[name] = module
        return module
    raise AttributeError(f"module 'civicspace' has no attribute {name!r}")


def __dir__() -> list[str]:
    from .chapters import chapter_names

    return sorted(set(globals()) | set(__all__) | {name[:4] for name in chapter_names()})
