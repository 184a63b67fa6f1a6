"""The student edition: what students, Binder and hub links get, and all that they get.

``civicspace student-edition OUT`` (``make student-edition`` writes ``_build/student/``)
makes a git repository holding

- the book sources (``book/``, ``_config.yml``, ``_toc.yml``), so the book builds from it;
- the student versions of the assignments, made with nbgrader (:mod:`civicspace.editions.release`),
  at ``exercises/<assignment>/<notebook>.ipynb``;
- the datasets (``datasets/`` as is);
- the student-facing package (``src/civicspace`` without the subpackages in :data:`INSTRUCTOR_ONLY_MODULES`)
  and ``pyproject.toml``;
- ``binder/`` (the pinned ``requirements.txt``, ``runtime.txt`` and a ``postBuild`` that
  installs the package), a small ``Makefile`` (``make book``), a student ``README.md``
  and ``.gitignore``.

Nothing else from the instructor repository is copied: no ``autograder/`` (rubrics),
``tests/``, ``scripts/``, ``.ci/`` or instructor sources of the exercises.

The first run makes the repository (``git init``); later runs commit the new tree on
top of its history, so the published edition can be updated with a plain ``git push``.
Every commit is made only after :func:`check` passes: no file of the edition and no
blob in any commit of its history may contain an nbgrader solution or hidden-test
marker, a solution or hidden-test line of an instructor notebook, a line of a rubric or
of the teaching notes,
reference code shipped with ``exercises/``, or an instructor-only module.

This module is instructor-only itself (it is not in the student edition).
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from civicspace.editions import release
from civicspace.grading import notebooks as grading
from civicspace.paths import repo_root

#: Subpackages of ``src/civicspace`` that never ship to students: grading (checks, sandbox,
#: pipeline, grade files) and the editions (releasing, this module, the student wheel).
#: The one list: every file under ``src/civicspace/<name>/`` is instructor-only.
INSTRUCTOR_ONLY_MODULES = ("grading", "editions")


def instructor_only_module(package_rel: str) -> bool:
    """Whether a path inside the package (``grading/sandbox.py``, relative to ``civicspace/``)
    belongs to an instructor-only subpackage."""
    return package_rel.split("/", 1)[0] in INSTRUCTOR_ONLY_MODULES and "/" in package_rel


#: Top-level folders of the instructor repository that must never be in the edition.
INSTRUCTOR_ONLY_FOLDERS = ("autograder", "tests", "scripts", ".ci")

#: Copied from the instructor repository as they are (folders recursively).
COPIED = (
    "book",
    "_config.yml",
    "_toc.yml",
    "datasets",
    "pyproject.toml",
    "binder/requirements.txt",
    "binder/requirements-book.txt",
    "binder/runtime.txt",
    "binder/js-bundles.json",
    "LICENSE",
    "LICENSE-CONTENT.md",
    "CITATION.cff",
)

#: Never copied from inside a copied folder: caches and local build outputs.
IGNORED_NAMES = ("__pycache__", ".ipynb_checkpoints", "_build", "*.pyc", "*.egg-info", ".DS_Store")

#: Local outputs inside an edition that a rebuild keeps and the scan skips (git-ignored there).
LOCAL_OUTPUTS = (".git", ".venv", "_build")

#: Rubric, solution and hidden-test lines at least this long (stripped) must appear nowhere
#: in the edition; shorter solution and hidden-test lines count two consecutive lines at a time.
MIN_SPECIFIC_LINE = 40

#: The identity of the edition's commits (works on a machine with no git configuration).
GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "civicspace student edition",
    "GIT_AUTHOR_EMAIL": "student-edition@civicspace.invalid",
    "GIT_COMMITTER_NAME": "civicspace student edition",
    "GIT_COMMITTER_EMAIL": "student-edition@civicspace.invalid",
}

GITIGNORE = """\
# local set-up and build outputs (make book)
.venv/
_build/
__pycache__/
*.egg-info/
.ipynb_checkpoints/
"""

POSTBUILD = """\
#!/usr/bin/env bash
# Binder installs binder/requirements.txt (the pinned lock), then runs this from the
# repository root: install the course package so notebooks can `import civicspace`.
set -euo pipefail
python -m pip install --no-deps --no-build-isolation -e .
# JupyterLab with no network: maps from the course's own world map; no news or update checks.
python -m civicspace.jupyter_offline install
"""

MAKEFILE = """\
# The student edition of the course. `make book` builds the online book into _build/html,
# `make lab` opens JupyterLab; both create the environment in .venv first.

SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(abspath $(VENV))/bin
STAMP := $(VENV)/.installed-stamp
LOCK := binder/requirements.txt
# Only `make book` needs these (kaleido draws the figures' still images).
BOOK_LOCK := binder/requirements-book.txt
BOOK_STAMP := $(VENV)/.book-installed-stamp
export PATH := $(BIN):$(PATH)
export PYTHONNOUSERSITE := 1

.PHONY: help env book lab clean

help:
\t@echo "make env    create .venv from $(LOCK) and install the course package"
\t@echo "make lab    open JupyterLab (creates .venv first)"
\t@echo "make book   build the online book into _build/html (creates .venv first)"
\t@echo "make clean  remove build outputs (keeps .venv)"

env: $(STAMP)

$(STAMP): $(LOCK) pyproject.toml
\t@if [ -z "$(PYTHON)" ]; then echo "error: no python3.11 or python3 on PATH" >&2; exit 1; fi
\ttest -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
\t$(BIN)/python -m pip install --quiet --disable-pip-version-check -r $(LOCK)
\t$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
\t$(BIN)/python -m civicspace.book.sphinxext
\t$(BIN)/python -m civicspace.jupyter_offline install
\ttouch $(STAMP)

$(BOOK_STAMP): $(STAMP) $(BOOK_LOCK)
\t$(BIN)/python -m pip install --quiet --disable-pip-version-check -r $(BOOK_LOCK)
\ttouch $(BOOK_STAMP)

book: $(STAMP) $(BOOK_STAMP)
\tCIVICSPACE_BOOK=1 $(BIN)/jupyter-book build . --warningiserror --keep-going
\t@echo "Open $(abspath _build/html)/index.html in a browser."

lab: $(STAMP)
\t$(BIN)/jupyter lab

clean:
\trm -rf _build
"""


class LeakError(RuntimeError):
    """The edition (a file, or a blob in its git history) holds instructor-only material."""

    def __init__(self, findings: list[str]):
        self.findings = findings
        shown = "\n  ".join(findings[:40])
        more = f"\n  ... and {len(findings) - 40} more" if len(findings) > 40 else ""
        super().__init__(f"the student edition holds instructor-only material:\n  {shown}{more}")


# --------------------------------------------------------------------------- the scan


@dataclass
class Secrets:
    """What must never be in the student edition, with where each piece comes from."""

    markers: tuple[str, ...]
    lines: dict[str, str] = field(default_factory=dict)  # specific line -> its origin (matched alone)
    pairs: dict[tuple[str, str], str] = field(default_factory=dict)  # two consecutive short lines -> origin
    module_files: tuple[str, ...] = ()  # src/civicspace/<subpackage>/ (instructor-only: every file below)
    folders: tuple[str, ...] = ()


def _outside(source: str) -> list[str]:
    """Lines of a cell outside its solution and hidden-test regions (what students see)."""
    begins = (grading.BEGIN_SOLUTION, grading.BEGIN_HIDDEN)
    ends = (grading.END_SOLUTION, grading.END_HIDDEN)
    lines, inside = [], False
    for line in source.splitlines():
        stripped = line.strip()
        if stripped.startswith(begins):
            inside = True
        elif stripped.startswith(ends):
            inside = False
        elif not inside:
            lines.append(stripped)
    return lines


def public_lines(nb) -> set[str]:
    """Stripped lines an instructor notebook shows students (outside solutions, hidden tests
    and hand-graded answers): the instructor chose to publish them, so they are no secret."""
    public: set[str] = set()
    for cell in nb.cells:
        if grading.is_manual(cell) and cell["cell_type"] == "markdown" and grading.BEGIN_SOLUTION not in cell.source:
            continue
        public.update(_outside(cell.source))
    return public


def collect_secrets(root: Path | None = None) -> Secrets:
    """Markers, solution and hidden-test lines, rubric lines and reference code of the instructor repository.

    A solution or hidden-test line (:func:`civicspace.grading.notebooks.secret_lines`) of at least
    :data:`MIN_SPECIFIC_LINE` characters counts alone; a shorter one (such as
    ``.reset_index(drop=True)``, which the package uses in ten places) counts only with
    the secret line after it, as two consecutive lines. Lines that some instructor notebook
    shows students (e.g. in a set-up cell), or that are part of a line shown, are not secret.
    """
    root = Path(root or repo_root())
    markers = (grading.BEGIN_SOLUTION, grading.END_SOLUTION, grading.BEGIN_HIDDEN, grading.END_HIDDEN)
    lines: dict[str, str] = {}
    pairs: dict[tuple[str, str], str] = {}
    notebooks = {p: nbformat.read(p, as_version=4) for p in sorted((root / "exercises").glob("*/*.ipynb"))}
    public = set().union(*(public_lines(nb) for nb in notebooks.values())) if notebooks else set()
    public_text = "\n".join(sorted(public))

    def shown(line: str) -> bool:  # the line, or a longer line holding it, is shown to students
        return line in public or line in public_text

    for nb_path, nb in notebooks.items():
        origin = f"a solution or hidden-test line of {nb_path.relative_to(root)}"
        for cell in nb.cells:
            cell_secrets = grading.secret_lines(nbformat.v4.new_notebook(cells=[cell]))
            for line in cell_secrets:
                if len(line) >= MIN_SPECIFIC_LINE and not shown(line):
                    lines.setdefault(line, origin)
            for a, b in zip(cell_secrets, cell_secrets[1:]):
                if not (shown(a) or shown(b)):
                    pairs.setdefault(
                        (a, b), origin.replace("a solution or hidden-test line", "two consecutive solution or hidden-test lines")
                    )
    for path in sorted((root / "exercises").rglob("*")):
        # Reference code that ships with the instructor sources (anything but the notebooks).
        if path.is_file() and path.suffix in {".py", ".md", ".txt", ".json", ".csv"} and "__pycache__" not in path.parts:
            for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
                s = line.strip()
                if len(s) >= MIN_SPECIFIC_LINE and not s.startswith("#") and not shown(s):
                    lines.setdefault(s, f"a line of {path.relative_to(root)} (instructor-only)")
    for kind, folder in (("the rubric", "rubrics"), ("the teaching notes", "teaching_notes")):
        for page in sorted((root / "autograder" / folder).glob("*.md")):
            for line in page.read_text(encoding="utf-8").splitlines():
                s = line.strip()
                if len(s) >= MIN_SPECIFIC_LINE:
                    lines.setdefault(s, f"a line of {kind} {page.relative_to(root)}")
    module_files = tuple(f"src/civicspace/{name}/" for name in INSTRUCTOR_ONLY_MODULES)
    return Secrets(markers=markers, lines=lines, pairs=pairs, module_files=module_files, folders=INSTRUCTOR_ONLY_FOLDERS)


def _json_strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [s for v in value for s in _json_strings(v)]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _json_strings(v)]
    return []


def _haystacks(data: bytes) -> list[str]:
    """The text of a file as stored, plus the decoded strings when it is JSON (a notebook
    stores a line with quotes or backslashes escaped, so the raw text would not match)."""
    text = data.decode("utf-8", errors="replace")
    out = [text]
    if text.lstrip()[:1] in ("{", "["):
        try:
            out.append("\n".join(_json_strings(json.loads(text))))
        except ValueError:
            pass
    return out


def scan_bytes(data: bytes, secrets: Secrets) -> list[str]:
    """Reasons this content is instructor-only (empty: clean)."""
    reasons: list[str] = []
    for text in _haystacks(data):
        for marker in secrets.markers:
            if marker in text:
                reasons.append(f"the nbgrader marker {marker!r}")
        for line, origin in secrets.lines.items():
            if line in text:
                reasons.append(f"{origin}: {line[:70]!r}")
        if secrets.pairs:
            stripped = [s for s in (l.strip() for l in text.splitlines()) if len(s) >= grading.MIN_SECRET_LEN]
            for pair in zip(stripped, stripped[1:]):
                if pair in secrets.pairs:
                    reasons.append(f"{secrets.pairs[pair]}: {pair[0][:40]!r} / {pair[1][:40]!r}")
    return sorted(set(reasons))


def _path_reasons(rel: str, secrets: Secrets) -> list[str]:
    reasons = []
    if rel.startswith(secrets.module_files):
        reasons.append("an instructor-only module")
    top = rel.split("/", 1)[0]
    if top in secrets.folders:
        reasons.append(f"an instructor-only folder ({top}/)")
    return reasons


def edition_files(folder: Path) -> list[Path]:
    """Every file of an edition, except git's own folder and local set-up and build outputs."""
    folder = Path(folder)
    files = []
    for dirpath, dirnames, filenames in os.walk(folder):
        here = Path(dirpath)
        if here == folder:
            dirnames[:] = [d for d in dirnames if d not in LOCAL_OUTPUTS]
        files += [here / name for name in filenames]
    return sorted(files)


def scan_files(folder: Path, secrets: Secrets) -> list[str]:
    findings = []
    for path in edition_files(folder):
        rel = path.relative_to(folder).as_posix()
        reasons = _path_reasons(rel, secrets)
        if not path.is_symlink():
            reasons += scan_bytes(path.read_bytes(), secrets)
        findings += [f"{rel}: {r}" for r in reasons]
    return findings


def _git(folder: Path, *args: str, input: bytes | None = None) -> bytes:
    env = dict(os.environ, **GIT_IDENTITY)
    out = subprocess.run(
        ["git", "-c", "commit.gpgsign=false", "-c", "core.hooksPath=/dev/null", *args],
        cwd=folder,
        env=env,
        input=input,
        capture_output=True,
    )
    if out.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)} failed in {folder}:\n{out.stderr.decode(errors='replace')}")
    return out.stdout


def history_blobs(folder: Path) -> dict[str, list[str]]:
    """Every blob (and its paths) in any commit of the edition's history: ``git rev-list --all --objects``."""
    blobs: dict[str, list[str]] = {}
    listing = _git(folder, "rev-list", "--all", "--objects").decode("utf-8", errors="replace")
    objects = [line.split(" ", 1) for line in listing.splitlines() if line.strip()]
    named = [(o[0], o[1]) for o in objects if len(o) == 2]
    if not named:
        return blobs
    types = _git(
        folder, "cat-file", "--batch-check=%(objectname) %(objecttype)", input="".join(f"{sha}\n" for sha, _ in named).encode()
    ).decode()
    kind = dict(line.split() for line in types.splitlines())
    for sha, path in named:
        if kind.get(sha) == "blob":
            blobs.setdefault(sha, []).append(path)
    return blobs


def scan_history(folder: Path, secrets: Secrets) -> list[str]:
    """Findings in every blob of every commit (``git cat-file --batch``), named by path."""
    folder = Path(folder)
    if not (folder / ".git").exists():
        return []
    blobs = history_blobs(folder)
    findings = []
    for sha, paths in blobs.items():
        for rel in paths:
            findings += [f"{rel} (git history, blob {sha[:12]}): {r}" for r in _path_reasons(rel, secrets)]
    if not blobs:
        return findings
    shas = list(blobs)
    data = _git(folder, "cat-file", "--batch", input="".join(f"{s}\n" for s in shas).encode())
    pos = 0
    while pos < len(data):
        end = data.index(b"\n", pos)
        header = data[pos:end].decode().split()
        if len(header) != 3:  # "<sha> missing": history that cannot be checked is not clean
            findings += [
                f"{rel} (git history, blob {header[0][:12]}): missing from the repository, cannot be scanned"
                for rel in blobs.get(header[0], ["?"])
            ]
            pos = end + 1
            continue
        sha, _type, size = header
        content = data[end + 1 : end + 1 + int(size)]
        pos = end + 1 + int(size) + 1
        for r in scan_bytes(content, secrets):
            findings += [f"{rel} (git history, blob {sha[:12]}): {r}" for rel in blobs[sha]]
    return findings


def scan(folder: Path, root: Path | None = None, secrets: Secrets | None = None) -> list[str]:
    """All findings in an edition: its files and, if it is a git repository, every blob of its history."""
    secrets = secrets or collect_secrets(root)
    folder = Path(folder)
    return scan_files(folder, secrets) + scan_history(folder, secrets)


def check(folder: Path, root: Path | None = None, secrets: Secrets | None = None) -> None:
    """Raise :class:`LeakError`, naming each file, if the edition holds instructor-only material."""
    findings = scan(folder, root, secrets)
    if findings:
        raise LeakError(findings)


# --------------------------------------------------------------------------- the build


def student_modules(root: Path | None = None) -> list[str]:
    """Module and subpackage names of the package (its top level) that ship to students."""
    package = Path(root or repo_root()) / "src" / "civicspace"
    names = {p.stem for p in package.glob("*.py")} | {p.name for p in package.iterdir() if (p / "__init__.py").is_file()}
    return sorted(names - set(INSTRUCTOR_ONLY_MODULES))


def rewrite_submodules(init_source: str, keep: set[str]) -> str:
    """``__init__.py`` with its ``SUBMODULES`` tuple listing only the modules in ``keep``."""
    tree = ast.parse(init_source)
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
        if any(isinstance(t, ast.Name) and t.id == "SUBMODULES" for t in targets):
            names = ast.literal_eval(node.value)
            kept = [n for n in names if n in keep]
            lines = init_source.splitlines(keepends=True)
            body = textwrap.fill(
                ", ".join(f'"{n}"' for n in kept) + ",",
                width=100,
                initial_indent="    ",
                subsequent_indent="    ",
                break_on_hyphens=False,
            )
            new = f"SUBMODULES = (\n{body}\n)\n"
            return "".join(lines[: node.lineno - 1]) + new + "".join(lines[node.end_lineno :])
    raise ValueError("src/civicspace/__init__.py has no SUBMODULES tuple")


def _config(root: Path) -> dict:
    import yaml

    return yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8")) or {}


def readme(config: dict) -> str:
    """The student edition's README: what it is and how to open it."""
    repo = ((config.get("repository") or {}).get("url") or "").rstrip("/")
    branch = (config.get("repository") or {}).get("branch") or "main"
    binder = ((config.get("launch_buttons") or {}).get("binderhub_url") or "https://mybinder.org").rstrip("/")
    title = config.get("title") or "The course"
    if repo.startswith("https://github.com/"):
        binder_link = f"{binder}/v2/gh/{repo[len('https://github.com/') :]}/{branch}?urlpath=lab"
        open_binder = f"[Open this repository on Binder]({binder_link}): a free, temporary Jupyter session in your browser with everything installed."
    else:
        open_binder = "Open this repository on Binder (https://mybinder.org): a free, temporary Jupyter session in your browser with everything installed."
    clone = repo or "<the address of this repository>"
    name = repo.rsplit("/", 1)[-1] if repo else "civicspace-student"
    return f"""# {title} (student edition)

This is the **student edition** of an open Jupyter course: the chapters of the online
book, the exercises for you to do, the course's datasets and the small Python package
(`civicspace`) the notebooks use. It holds no solutions, hidden tests or grading
material. It is generated from the instructors' repository; do not send changes here,
ask your instructor.

| path | what |
|---|---|
| `exercises/<assignment>/<assignment>.ipynb` | the exercise of each chapter, with empty answer cells |
| `book/` | the chapters (MyST markdown notebooks), guides, glossary and references |
| `datasets/<name>/` | the data, one folder per dataset, each with a codebook `README.md` |
| `src/civicspace/` | the course package: data loaders, figures, widgets |
| `binder/` | the pinned environment (`requirements.txt`) Binder and your computer install |

## Open it on Binder (nothing to install)

{open_binder}
Open `exercises/<assignment>/` in the file browser. Binder sessions end after some
inactivity and keep no files: download your notebook (*File → Download*) before you leave.

## Or on your own computer

You need Python 3.11 and `git`.

```bash
git clone {clone}
cd {name}
python3.11 -m venv .venv
source .venv/bin/activate          # on Windows (WSL): the same
pip install -r binder/requirements.txt
pip install --no-deps -e .
python -m civicspace.jupyter_offline install   # maps and JupyterLab work offline
jupyter lab
```

With `make` installed, `make lab` does all of this, and `make book` builds the online
book into `_build/html/`.

## Check and hand in your work

Write your code where it says `# YOUR CODE HERE` and delete the
`raise NotImplementedError()` line. Restart and run all cells, or run
`nbgrader validate exercises/<assignment>/<assignment>.ipynb`, to see which visible
tests fail. Your instructor runs more tests when grading. Hand in the `.ipynb` file as
your instructor says. The *Student guide* in the book has the details.

Text: CC BY 4.0 (LICENSE-CONTENT.md). Code: MIT (LICENSE). Data: see each dataset's
terms in its codebook. To cite the course: CITATION.cff.
"""


def _ignore(folder: str, names: list[str]) -> set[str]:
    return shutil.ignore_patterns(*IGNORED_NAMES)(folder, names)


def _release_all(root: Path, folder: Path, cache: Path | None) -> list[Path]:
    """nbgrader's student versions in ``folder``; with ``cache``, reused while neither an
    assignment's source nor the nbgrader configuration changed."""
    if cache is None:
        return release.release_all(folder, root)
    config = (root / "autograder" / "nbgrader_config.py").read_bytes()
    keyed = Path(cache) / hashlib.sha256(config).hexdigest()[:16]
    keyed.mkdir(parents=True, exist_ok=True)
    for old in Path(cache).iterdir():
        if old != keyed and old.is_dir():
            shutil.rmtree(old)
    made = release.release_all(keyed, root)
    for path in made:
        shutil.copytree(path, folder / path.name)
    return [folder / path.name for path in made]


def stage(out: Path, root: Path | None = None, cache: Path | None = None) -> list[str]:
    """Write the edition's tree into the empty folder ``out``; return notes (files left out).

    ``cache``: a folder where nbgrader's student versions are kept between runs.
    """
    root = Path(root or repo_root())
    out = Path(out)
    notes: list[str] = []
    for rel in COPIED:
        src = root / rel
        if src.is_dir():
            shutil.copytree(src, out / rel, ignore=_ignore)
        elif src.is_file():
            (out / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, out / rel)
        else:
            raise FileNotFoundError(f"{src}: missing from the instructor repository")
    # The student-facing package.
    package, target = root / "src" / "civicspace", out / "src" / "civicspace"
    shutil.copytree(
        package,
        target,
        ignore=lambda d, names: _ignore(d, names) | (set(INSTRUCTOR_ONLY_MODULES) if Path(d) == package else set()),
    )
    keep = set(student_modules(root))
    init = target / "__init__.py"
    init.write_text(rewrite_submodules(init.read_text(encoding="utf-8"), keep), encoding="utf-8")
    # The student versions of the assignments (nbgrader), notebooks only.
    with tempfile.TemporaryDirectory(prefix="civicspace-edition-release-") as tmp:
        for folder in _release_all(root, Path(tmp), cache):
            for path in sorted(folder.rglob("*")):
                if not path.is_file():
                    continue
                if path.suffix == ".ipynb" and path.parent == folder:
                    dst = out / "exercises" / folder.name / path.name
                    dst.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(path, dst)
                else:
                    notes.append(f"not in the edition: {path.relative_to(tmp)} (only the notebooks are)")
    # Binder, make, README, .gitignore.
    postbuild = out / "binder" / "postBuild"
    postbuild.write_text(POSTBUILD, encoding="utf-8")
    postbuild.chmod(0o755)
    (out / "Makefile").write_text(MAKEFILE, encoding="utf-8")
    (out / "README.md").write_text(readme(_config(root)), encoding="utf-8")
    (out / ".gitignore").write_text(GITIGNORE, encoding="utf-8")
    return notes


def _instructor_version(root: Path) -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True)
        return out.stdout.strip() if out.returncode == 0 else "unknown"
    except OSError:
        return "unknown"


@dataclass
class Result:
    path: Path
    commit: str | None  # the new commit, or None when nothing changed
    notes: list[str]


def build(out: Path, root: Path | None = None, message: str | None = None, cache: Path | None = None) -> Result:
    """Make or update the student edition in ``out`` (a git repository) and commit it after a scan.

    ``out`` must be new, empty, or an existing edition (a git repository); its history is
    kept and a new commit is added when the tree changed. ``cache``: see :func:`stage`.
    """
    root = Path(root or repo_root()).resolve()
    out = Path(out).resolve()
    if out == root or root.is_relative_to(out):
        raise ValueError(f"{out}: the student edition cannot be written over the instructor repository")
    if out.exists() and any(out.iterdir()) and not (out / ".git").exists():
        raise ValueError(f"{out}: not empty and not a git repository; choose a new folder or an existing edition")
    secrets = collect_secrets(root)
    with tempfile.TemporaryDirectory(prefix="civicspace-edition-") as tmp:
        staged = Path(tmp) / "edition"
        staged.mkdir()
        notes = stage(staged, root, cache)
        check(staged, root, secrets)  # before anything touches `out`
        out.mkdir(parents=True, exist_ok=True)
        if not (out / ".git").exists():
            _git(out, "init", "--quiet", "-b", "main")
        if (
            _git(out, "rev-parse", "--is-inside-work-tree").strip() != b"true"
            or Path(_git(out, "rev-parse", "--show-toplevel").decode().strip()).resolve() != out
        ):
            raise ValueError(f"{out}: not the top of a git repository")
        for child in out.iterdir():
            if child.name in LOCAL_OUTPUTS:
                continue
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            else:
                child.unlink()
        shutil.copytree(staged, out, dirs_exist_ok=True)
    _git(out, "add", "--all")
    check(out, root, secrets)  # the tree to commit and every blob of the existing history
    has_head = subprocess.run(["git", "rev-parse", "--verify", "--quiet", "HEAD"], cwd=out, capture_output=True).returncode == 0
    if has_head and not _git(out, "status", "--porcelain").strip():
        return Result(out, None, notes)
    msg = message or f"Student edition of the course, generated from instructor version {_instructor_version(root)}"
    _git(out, "commit", "--quiet", "-m", msg)
    check(out, root, secrets)
    return Result(out, _git(out, "rev-parse", "HEAD").decode().strip(), notes)
