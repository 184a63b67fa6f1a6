"""Where the course's files are.

The package is installed in editable mode from the repository (``make`` and Binder
both do this), so the repository root is two folders above this file. Installed from
the student wheel (``civicspace student-wheel``), the package carries the course files
itself, in ``civicspace/coursefiles/`` (``datasets/``, ``exercises/``, ``chapters/``),
and that folder stands in for the repository. Set ``CIVICSPACE_ROOT`` to point the
package at another checkout.
"""

from __future__ import annotations

import os
from pathlib import Path

#: The folder inside the installed package that holds the course files (student wheel).
COURSE_FILES_DIR = "coursefiles"


def course_root(package_dir: Path) -> Path:
    """The course's root for the package in ``package_dir``: the repository it sits in
    (``<root>/src/civicspace``, with ``<root>/datasets/datapackage.json``) first, else the
    course files installed with it (``<package_dir>/coursefiles``). When neither exists,
    the repository path, so that errors name where the files were expected."""
    package_dir = Path(package_dir)
    repo = package_dir.parents[1]
    installed = package_dir / COURSE_FILES_DIR
    if (repo / "datasets" / "datapackage.json").is_file() or not installed.is_dir():
        return repo
    return installed


def repo_root() -> Path:
    """Return the course's root (the folder holding ``datasets/`` and ``exercises/``): the
    repository, or the installed course files (see :func:`course_root`)."""
    env = os.environ.get("CIVICSPACE_ROOT")
    if env:
        return Path(env).resolve()
    return course_root(Path(__file__).resolve().parent)


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
