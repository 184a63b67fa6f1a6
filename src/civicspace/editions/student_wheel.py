"""The student wheel: the course as one ``pip install`` for students' own computers.

``civicspace student-wheel [OUT]`` (default ``_build/student-wheel/``) writes
``civicspace_student-<version>-py3-none-any.whl``. It is built from the student edition
(:func:`civicspace.editions.student_edition.stage`, the same tree that is published), never from the
instructor sources directly, and holds

- the student-facing package ``civicspace`` (without the subpackages in :data:`civicspace.editions.student_edition.INSTRUCTOR_ONLY_MODULES`);
- the course files as package data in ``civicspace/coursefiles/`` (the layout
  :func:`civicspace.paths.repo_root` falls back to when the package is installed):
  ``datasets/`` (tables, Data Package descriptors, codebooks), ``chapters/`` (each
  chapter converted to a notebook with jupytext), ``glossary.md`` and ``exercises/``
  (nbgrader's student versions);
- the console script ``civicspace-course`` (:mod:`civicspace.course`);
- dependencies pinned to the lock ``binder/requirements.txt`` (``==``): the packages
  in :data:`STUDENT_NEEDS` and everything they need in turn, each with the environment
  marker under which it is needed (see :func:`student_requirements`).

Before the wheel is written, the staged tree is scanned like the edition
(:func:`civicspace.editions.student_edition.scan_files`); the written wheel is scanned again, file by
file. Either finding stops the build with :class:`civicspace.editions.student_edition.LeakError`.

The instructor publishes the wheel as an asset of a release of the student edition
(``repository.url`` of ``_config.yml``); the student guide gives its address
(:func:`wheel_url`).

The wheelhouse: to test the wheel as a student installs it (a fresh virtual
environment, ``pip install`` of the wheel and its pinned dependencies) with no network
at test time, ``make env`` keeps the dependencies' wheels next to the environment:

    python -m civicspace.editions.student_wheel wheelhouse      # <environment>/student-wheelhouse/

(``pip download`` of :func:`student_requirements`, binary wheels only; network: set-up
only; it downloads nothing when the folder already holds every pinned wheel).

This module is instructor-only (it is not in the student edition or the wheel).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import importlib.metadata
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name, parse_wheel_filename

from civicspace.editions import student_edition as edition
from civicspace.paths import COURSE_FILES_DIR, repo_root

#: The distribution's name (the import name stays ``civicspace``).
DIST_NAME = "civicspace-student"

#: What a student's notebooks need, besides the Python standard library: the
#: package's imports (pandas, plotly, ipywidgets, pycountry; IPython and jupyter_client
#: come with ipykernel), ``myst_nb.glue`` in the chapters, and JupyterLab with jupytext
#: and a kernel. Everything these need in turn is pinned too.
STUDENT_NEEDS = ("pandas", "plotly", "ipywidgets", "pycountry", "ipykernel", "jupyterlab", "jupytext", "myst-nb")

#: Files of ``datasets/`` that go into the wheel (no build scripts).
DATA_SUFFIXES = (".csv", ".json", ".md")

#: The wheel's console script.
SCRIPT = "civicspace-course = civicspace.course:main"

#: The date stamped on every file of the wheel (a zip needs one): fixed, so the same
#: content gives the same wheel.
ZIP_DATE = (2020, 1, 1, 0, 0, 0)


class StudentKitError(RuntimeError):
    """The wheel cannot be built (the message says why and what to do)."""


# --------------------------------------------------------------------------- dependencies


def read_lock(path: Path | None = None) -> dict[str, tuple[str, str]]:
    """The lock as {canonical name: (name as written, version)}."""
    path = Path(path or repo_root() / "binder" / "requirements.txt")
    pins: dict[str, tuple[str, str]] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        m = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;]+)", line)
        if not m:
            raise StudentKitError(f"{path}:{number}: not a pin 'name==version': {line!r}")
        pins[canonicalize_name(m.group(1))] = (m.group(1), m.group(2))
    return pins


Condition = frozenset  # a set of conjunctions (each a frozenset of marker strings); {frozenset()} = always


def _and(cond: Condition, atom: str | None) -> Condition:
    return cond if atom is None else frozenset(c | {atom} for c in cond)


def _or(a: Condition, b: Condition) -> Condition:
    union = a | b
    # Absorption: a conjunction implied by a weaker one adds nothing.
    return frozenset(c for c in union if not any(o < c for o in union))


def _marker_text(cond: Condition) -> str:
    if frozenset() in cond:
        return ""
    terms = sorted(" and ".join(f"({a})" for a in sorted(c)) for c in cond)
    return " or ".join(f"({t})" if len(cond) > 1 else t for t in terms)


def student_requirements(needs: tuple[str, ...] = STUDENT_NEEDS, lock: Path | None = None) -> list[str]:
    """``Requires-Dist`` lines: every package ``needs`` pulls in, pinned to the lock.

    The dependency graph is read from the installed environment (made from the lock by
    ``make env``), so it must match the lock. A dependency that a package needs only under
    an environment marker (``pexpect; sys_platform != "win32"``) keeps that marker; one
    not needed on this platform at all (``colorama`` on Linux) is left to pip, unpinned.
    """
    pins = read_lock(lock)
    conditions: dict[str, Condition] = {}
    extras: dict[str, set[str]] = {}
    always: Condition = frozenset({frozenset()})
    queue = [(canonicalize_name(n), "", always) for n in needs]
    while queue:
        name, extra, cond = queue.pop()
        old = conditions.get(name, frozenset())
        new = _or(old, cond)
        seen_extra = extra in extras.setdefault(name, set())
        if new == old and seen_extra:
            continue
        conditions[name] = new
        extras[name].add(extra)
        if name not in pins:
            raise StudentKitError(f"{name} is needed by the student package but is not pinned in binder/requirements.txt")
        try:
            dist = importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            raise StudentKitError(f"{name}=={pins[name][1]} is in the lock but not installed here: run `make env`") from None
        if dist.version != pins[name][1]:
            raise StudentKitError(f"{name}: installed {dist.version}, the lock pins {pins[name][1]}: run `make env`")
        for line in dist.requires or []:
            req = Requirement(line)
            atom = None
            if req.marker is not None:
                if not any(req.marker.evaluate({"extra": e}) for e in extras[name]):
                    continue
                # A marker on an extra is already satisfied by the path that asked for it.
                atom = None if "extra" in str(req.marker) else str(req.marker)
            child = canonicalize_name(req.name)
            for child_extra in ["", *sorted(req.extras)]:
                queue.append((child, child_extra, _and(new, atom)))
    lines = []
    for name in sorted(conditions):
        written, version = pins[name]
        marker = _marker_text(conditions[name])
        if marker:
            Marker(marker)  # a malformed marker would make the wheel uninstallable
        lines.append(f"{written}=={version}" + (f" ; {marker}" if marker else ""))
    return lines


# --------------------------------------------------------------------------- staging


def wheel_name(version: str) -> str:
    return f"{canonicalize_name(DIST_NAME).replace('-', '_')}-{version}-py3-none-any.whl"


def project_version(root: Path | None = None) -> str:
    import tomllib

    data = tomllib.loads((Path(root or repo_root()) / "pyproject.toml").read_text(encoding="utf-8"))
    return data["project"]["version"]


def wheel_url(config: dict, version: str) -> str:
    """Where students download the wheel: the latest release of the student edition."""
    repo = ((config.get("repository") or {}).get("url") or "").rstrip("/")
    if not repo:
        raise StudentKitError("_config.yml has no repository.url (where the student edition is published)")
    return f"{repo}/releases/latest/download/{wheel_name(version)}"


def _plain_glossary(text: str, offset: int) -> str:
    """One chapter's glossary page as plain Markdown: headings moved down ``offset`` levels,
    each ``{glossary}`` entry a list item (the term in bold, then its definition), comments dropped."""
    out, in_glossary = [], False
    for line in re.sub(r"<!--.*?-->\n?", "", text, flags=re.S).splitlines():
        if line.strip() == "```{glossary}":
            in_glossary = True
        elif in_glossary and line.strip() == "```":
            in_glossary = False
        elif in_glossary and line.strip() and not line.startswith((" ", "\t")):
            out.append(f"- **{line.strip()}**:")
        elif in_glossary and line.strip():
            out[-1] += " " + line.strip()
        elif line.startswith("#"):
            out.append("#" * offset + line)
        else:
            out.append(line)
    return "\n".join(out).strip()


def _glossary(book: Path) -> str:
    """``book/glossary.md`` with its includes inlined, as plain Markdown (one page a student
    can read in JupyterLab, where MyST directives are not rendered)."""
    text = (book / "glossary.md").read_text(encoding="utf-8")
    include = re.compile(r"```\{include\}\s+(\S+)\n(?::heading-offset:\s*(\d+)\n)?```")

    def inline(m: re.Match) -> str:
        return _plain_glossary((book / m.group(1)).read_text(encoding="utf-8"), int(m.group(2) or 0))

    return include.sub(inline, text).rstrip() + "\n"


def stage_package(edition_dir: Path, out: Path) -> None:
    """The wheel's files (without ``.dist-info``) from a staged student edition."""
    import jupytext
    import nbformat

    edition_dir, out = Path(edition_dir), Path(out)
    shutil.copytree(
        edition_dir / "src" / "civicspace",
        out / "civicspace",
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", COURSE_FILES_DIR),
    )
    files = out / "civicspace" / COURSE_FILES_DIR
    for path in sorted((edition_dir / "datasets").rglob("*")):
        if path.is_file() and path.suffix in DATA_SUFFIXES:
            dst = files / "datasets" / path.relative_to(edition_dir / "datasets")
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, dst)
    (files / "chapters").mkdir(parents=True)
    for md in sorted((edition_dir / "book" / "chapters").glob("*.md")):
        nb = jupytext.read(md, fmt="md:myst")
        nb.metadata.pop("jupytext", None)  # a plain notebook, not paired with a text file
        nbformat.validate(nb)
        nbformat.write(nb, files / "chapters" / f"{md.stem}.ipynb")
    (files / "glossary.md").write_text(_glossary(edition_dir / "book"), encoding="utf-8")
    for nb in sorted((edition_dir / "exercises").glob("*/*.ipynb")):
        dst = files / "exercises" / nb.parent.name / nb.name
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(nb, dst)
    for name in ("LICENSE", "LICENSE-CONTENT.md"):
        shutil.copyfile(edition_dir / name, files / name)


def metadata(version: str, requirements: list[str], summary: str) -> str:
    lines = [
        "Metadata-Version: 2.1",
        f"Name: {DIST_NAME}",
        f"Version: {version}",
        f"Summary: {summary}",
        "License: MIT (code); CC BY 4.0 (text); see civicspace/coursefiles/LICENSE*",
        "Requires-Python: >=3.11,<3.12",
        *(f"Requires-Dist: {r}" for r in requirements),
    ]
    return "\n".join(lines) + "\n"


def package_scan(folder: Path, secrets: edition.Secrets) -> list[str]:
    """Findings in a staged wheel tree: the edition's content scan, plus instructor-only
    subpackages at their place in the wheel (``civicspace/grading/``)."""
    findings = edition.scan_files(folder, secrets)
    for name in edition.INSTRUCTOR_ONLY_MODULES:
        if (Path(folder) / "civicspace" / name).exists():
            findings.append(f"civicspace/{name}/: an instructor-only module")
    return findings


def wheel_findings(wheel: Path, secrets: edition.Secrets) -> list[str]:
    """Findings in every file of a built wheel."""
    findings = []
    with zipfile.ZipFile(wheel) as zf:
        for info in zf.infolist():
            if info.is_dir():
                continue
            if info.filename.startswith("civicspace/") and edition.instructor_only_module(info.filename.split("/", 1)[1]):
                findings.append(f"{info.filename}: an instructor-only module")
            findings += [f"{info.filename}: {r}" for r in edition.scan_bytes(zf.read(info), secrets)]
    return findings


def _record_hash(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def write_wheel(tree: Path, out_dir: Path, version: str, requirements: list[str], summary: str) -> Path:
    """Zip ``tree`` with its ``.dist-info`` into a wheel (PEP 427); the same input gives the same bytes."""
    dist_info = f"{canonicalize_name(DIST_NAME).replace('-', '_')}-{version}.dist-info"
    entries: list[tuple[str, bytes]] = []
    for path in sorted(p for p in Path(tree).rglob("*") if p.is_file()):
        entries.append((path.relative_to(tree).as_posix(), path.read_bytes()))
    meta = {
        "METADATA": metadata(version, requirements, summary).encode(),
        "WHEEL": b"Wheel-Version: 1.0\nGenerator: civicspace.editions.student_wheel\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
        "entry_points.txt": f"[console_scripts]\n{SCRIPT}\n".encode(),
        "top_level.txt": b"civicspace\n",
    }
    entries += [(f"{dist_info}/{name}", data) for name, data in meta.items()]
    record = "".join(f"{name},{_record_hash(data)},{len(data)}\n" for name, data in entries) + f"{dist_info}/RECORD,,\n"
    entries.append((f"{dist_info}/RECORD", record.encode()))
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / wheel_name(version)
    partial = target.with_suffix(".partial")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries:
            info = zipfile.ZipInfo(name, ZIP_DATE)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
    partial.replace(target)
    return target


@dataclass
class Result:
    wheel: Path
    requirements: list[str]
    notes: list[str]


def build(out_dir: Path, root: Path | None = None, cache: Path | None = None) -> Result:
    """Build the student wheel into ``out_dir`` from a freshly staged student edition.

    ``cache``: where nbgrader's student versions are kept between runs (as for the edition).
    Raises :class:`civicspace.editions.student_edition.LeakError` (nothing written) if the staged tree or
    the wheel holds instructor-only material.
    """
    root = Path(root or repo_root()).resolve()
    version = project_version(root)
    requirements = student_requirements(lock=root / "binder" / "requirements.txt")
    secrets = edition.collect_secrets(root)
    summary = (
        "The course 'NGOs, human rights and the shrinking civic space' for students: notebooks, exercises, data and JupyterLab"
    )
    with tempfile.TemporaryDirectory(prefix="civicspace-wheel-") as tmp:
        staged = Path(tmp) / "edition"
        staged.mkdir()
        notes = edition.stage(staged, root, cache)
        edition.check(staged, root, secrets)
        tree = Path(tmp) / "wheel"
        stage_package(staged, tree)
        findings = package_scan(tree, secrets)
        if findings:
            raise edition.LeakError(findings)
        built = write_wheel(tree, Path(tmp) / "out", version, requirements, summary)
        findings = wheel_findings(built, secrets)
        if findings:
            raise edition.LeakError(findings)
        Path(out_dir).mkdir(parents=True, exist_ok=True)
        target = Path(out_dir) / built.name
        shutil.copyfile(built, target)
    return Result(target, requirements, notes)


def requirements_file(path: Path, root: Path | None = None) -> Path:
    """Write the wheel's pinned dependencies as a requirements file (for ``pip download``)."""
    root = Path(root or repo_root())
    lines = student_requirements(lock=root / "binder" / "requirements.txt")
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(
        "# The student wheel's dependencies (civicspace student-wheel --requirements).\n" + "\n".join(lines) + "\n",
        encoding="utf-8",
    )
    return Path(path)


# --------------------------------------------------------------------------- the wheelhouse


def default_wheelhouse() -> Path:
    """The wheelhouse of the running environment: ``<sys.prefix>/student-wheelhouse``."""
    return Path(sys.prefix) / "student-wheelhouse"


def wheelhouse_missing(folder: Path, requirements: list[str]) -> list[str]:
    """The pins of ``requirements`` that have no wheel in ``folder``."""
    have = set()
    for path in Path(folder).glob("*.whl") if Path(folder).is_dir() else []:
        name, version, _build, _tags = parse_wheel_filename(path.name)
        have.add((name, str(version)))
    missing = []
    for line in requirements:
        req = Requirement(line)
        (spec,) = req.specifier
        if (canonicalize_name(req.name), spec.version) not in have:
            missing.append(f"{req.name}=={spec.version}")
    return missing


def wheelhouse(folder: Path | None = None) -> Path:
    """Download the wheels of the student wheel's pinned dependencies into ``folder``
    (network: set-up only). Nothing is downloaded when every one is there already."""
    folder = Path(folder or default_wheelhouse())
    requirements = student_requirements()
    if not wheelhouse_missing(folder, requirements):
        return folder
    req = requirements_file(folder / "requirements.txt")
    cmd = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--quiet",
        "--disable-pip-version-check",
        "--only-binary=:all:",
        "-r",
        str(req),
        "-d",
        str(folder),
    ]
    if subprocess.run(cmd).returncode != 0:
        raise StudentKitError(f"`{' '.join(cmd)}` failed")
    missing = wheelhouse_missing(folder, requirements)
    if missing:
        raise StudentKitError(f"{folder}: pip downloaded no wheel for {', '.join(missing)}")
    return folder


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m civicspace.editions.student_wheel",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)
    wh = sub.add_parser("wheelhouse", help="download the wheels of the student wheel's dependencies (set-up time)")
    wh.add_argument("folder", type=Path, nargs="?", default=None, help="default: <environment>/student-wheelhouse")
    args = parser.parse_args(argv)
    try:
        folder = wheelhouse(args.folder)
    except StudentKitError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    print(f"student wheelhouse: {folder} ({len(list(folder.glob('*.whl')))} wheels)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
