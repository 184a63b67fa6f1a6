"""Where the course's files are.

The package is installed in editable mode from the repository (``make`` and Binder
both do this), so the repository root is two folders above this file. Set
``CIVICSPACE_ROOT`` to point the package at another checkout.
"""

from __future__ import annotations

import os
from pathlib import Path


def repo_root() -> Path:
    """Return the repository root (the folder holding ``datasets/`` and ``book/``)."""
    env = os.environ.get("CIVICSPACE_ROOT")
    if env:
        return Path(env).resolve()
    return Path(__file__).resolve().parents[2]


def datasets_dir() -> Path:
    """Return the folder holding one sub-folder per dataset and ``datapackage.json``."""
    return repo_root() / "datasets"


def datapackage_path() -> Path:
    return datasets_dir() / "datapackage.json"


def assignments(root: Path | None = None) -> list[str]:
    """Names of the assignments in ``exercises/`` (folders holding at least one notebook):
    instructor sources in the instructor repository, student versions in the student edition."""
    ex = (root or repo_root()) / "exercises"
    return sorted(p.name for p in ex.iterdir() if p.is_dir() and any(p.glob("*.ipynb"))) if ex.is_dir() else []
