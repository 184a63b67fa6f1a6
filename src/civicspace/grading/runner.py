"""nbgrader's command line with a lighter start-up, used by the grading pipeline.

    python -m civicspace.grading.runner autograde ch01_foundations --force

Same commands, options and behaviour as ``python -m nbgrader``. The one difference:
``jsonschema`` (imported by nbformat, which nbgrader imports) compiles a grammar for
its optional IRI format checks from the ``rfc3987-syntax`` package at import time,
which costs 1-2 s of CPU in every nbgrader process on these machines. Notebook
validation never uses those checks (nbformat validates with fastjsonschema), so the
runner hides that optional package; jsonschema then skips the IRI checks, as it does
wherever the package is not installed. The grading pipeline starts one nbgrader
process per worker and step, so the saving adds up.

It also applies :mod:`civicspace.kernelfix`, so a kernel reply whose wake-up is
missed under load costs at most half a second rather than the whole cell time limit.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

#: Optional packages whose import the runner skips (each costs start-up time only).
SKIPPED_IMPORTS = ("rfc3987_syntax",)


def main(argv: list[str] | None = None) -> None:
    for name in SKIPPED_IMPORTS:
        sys.modules.setdefault(name, None)  # type: ignore[assignment]  # import -> ImportError
    from nbgrader.apps.nbgraderapp import main as nbgrader_main

    from civicspace import kernelfix

    kernelfix.apply()

    sys.argv = ["nbgrader", *(sys.argv[1:] if argv is None else argv)]
    nbgrader_main()


# ---------------------------------------------------------------- how the pipeline calls it

BIN = Path(sys.executable).parent

# --------------------------------------------------------------------------- helpers


#: How the pipeline starts nbgrader: its own command line, with a lighter start-up.
NBGRADER = [sys.executable, "-m", "civicspace.grading.runner"]


def nbgrader_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"  # nbgrader needs alembic
    env.pop("JUPYTER_PATH", None)
    env.update(extra or {})
    return env


def nbgrader(
    course: Path, *args: str, env: dict[str, str] | None = None, timeout: float | None = None
) -> subprocess.CompletedProcess:
    """Run one nbgrader command in ``course``; raise with its log on failure."""
    out = subprocess.run(
        [*NBGRADER, *args],
        cwd=course,
        env=env or nbgrader_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if out.returncode != 0:
        raise RuntimeError(f"nbgrader {' '.join(args)} failed in {course}:\n{out.stdout[-4000:]}\n{out.stderr[-4000:]}")
    return out


if __name__ == "__main__":
    main()
