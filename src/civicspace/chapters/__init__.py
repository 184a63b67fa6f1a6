"""The chapters' code: one module per chapter, named like its exercise folder.

``chapters/ch05_foreign_agent_laws.py`` holds chapter 5's pure functions, figure builders
and live widget, and notebooks reach it as ``cs.ch05``. A new chapter needs no list to be
edited: a module named ``chNN_<name>.py`` here is found by :func:`chapter_names`.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from types import ModuleType

_NAME = re.compile(r"^ch\d\d_[a-z0-9_]+$")


def chapter_names() -> list[str]:
    """Names of the chapter modules (``ch01_foundations``, ...), in chapter order."""
    return sorted(m.name for m in pkgutil.iter_modules(__path__) if _NAME.match(m.name))


def chapter_module(short: str) -> ModuleType:
    """The chapter module for ``short`` (``"ch05"``), imported; AttributeError if there is none."""
    found = [name for name in chapter_names() if name.startswith(short + "_")]
    if len(found) != 1:
        raise AttributeError(
            f"module 'civicspace' has no attribute {short!r}"
            + (f" (several chapter modules: {', '.join(found)})" if found else "")
        )
    return importlib.import_module(f"{__name__}.{found[0]}")
