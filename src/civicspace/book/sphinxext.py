"""Sphinx extension: serve plotly.js and the world map from the book itself.

Jupyter Book 1 would otherwise fetch plotly.js (and plotly.js the world
topology) from CDNs, and plotly >= 6 figures would not show at all. This
extension:

- copies ``civicspace-plotly.js`` (the figure loader), plotly's partial bundles
  (fetched into the environment when it is made: ``python -m civicspace.book.sphinxext``,
  see "Plotly's partial bundles" below),
  the full plotly.js from the installed plotly wheel and the world topology from
  ``datasets/world_map/`` into the built site's ``_static/``;
- puts a still image of each figure, drawn at build time (:mod:`civicspace.book.stills`),
  into the figure's place, so a page shows its figures with its text;
- adds the loader to each page that contains a figure, naming the one plotly.js the
  page needs: the smallest partial bundle that registers every trace type of the
  page's figures (basic, cartesian or geo, 1.2-1.5 MB), or the full 4.8 MB
  plotly.min.js when no bundle does (a table, for example). The loader fetches it
  when a figure first comes near the viewport and replaces each still with the live
  figure. Pages without figures load none.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re
import shutil
import sys
import tarfile
import tempfile
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from civicspace.book import stills
from civicspace.paths import assignments, datasets_dir, repo_root

try:  # the instructor repository: make the student versions from exercises/ with nbgrader
    from civicspace.editions import release
except ImportError:  # the student edition: exercises/ already holds the student versions
    release = None

STATIC = Path(__file__).resolve().parents[1] / "static"
PLOTLY_JS = "plotly.min.js"
LOADER_JS = "civicspace-plotly.js"
MARKER = "cs-plotly-data"


def plotly_js_path() -> Path:
    import plotly

    path = Path(plotly.__file__).parent / "package_data" / PLOTLY_JS
    if not path.exists():
        raise FileNotFoundError(f"{path}: plotly.js is missing from the installed plotly package")
    return path


# --- Plotly's partial bundles: fetched once when the environment is made ---------------
#
# A chapter page needs only the plotly.js code for the trace types its figures use.
# plotly.js publishes partial bundles on npm (plotly.js-basic-dist-min: bar, pie, scatter;
# plotly.js-geo-dist-min: choropleth, scattergeo, scatter; ...). The lock
# binder/js-bundles.json pins each one (package, version, tarball URL and the registry's
# sha512 "integrity"), for the plotly.js version of the plotly wheel's plotly.min.js.
#
#     python -m civicspace.book.sphinxext      # what `make env` runs (network: set-up only)
#
# downloads each tarball from registry.npmjs.org, refuses it unless its sha512 matches the
# lock, and extracts the bundle and plotly's LICENSE into
# <environment>/share/civicspace-js/<name>/, with a manifest.json. It needs only Python
# (no npm); when the installed bundles match the lock it downloads nothing. The book build
# reads the bundles from there and never touches the network.

REGISTRY = "https://registry.npmjs.org/"
MANIFEST = "manifest.json"
LICENSE = "LICENSE"


class BundleError(RuntimeError):
    """A bundle is missing, stale, or failed its integrity check."""


@dataclass(frozen=True)
class Bundle:
    name: str
    package: str
    version: str
    tarball: str
    integrity: str
    file: str
    traces: frozenset[str]

    def entry(self) -> dict:
        return {
            "name": self.name,
            "package": self.package,
            "version": self.version,
            "tarball": self.tarball,
            "integrity": self.integrity,
            "file": self.file,
            "traces": sorted(self.traces),
        }


@dataclass(frozen=True)
class Lock:
    path: Path
    plotly_js: str
    bundles: tuple[Bundle, ...]


def lock_path() -> Path:
    return repo_root() / "binder" / "js-bundles.json"


def install_dir() -> Path:
    """Where the environment keeps the bundles: ``<sys.prefix>/share/civicspace-js``."""
    return Path(sys.prefix) / "share" / "civicspace-js"


def read_lock(path: Path | None = None) -> Lock:
    """Read and check the lock; errors name the file and the entry."""
    path = Path(path or lock_path())
    if not path.is_file():
        raise BundleError(f"{path}: the lock of the plotly.js partial bundles is missing")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise BundleError(f"{path}: not valid JSON ({exc})") from None
    plotly_js = data.get("plotly.js")
    if not isinstance(plotly_js, str) or not plotly_js:
        raise BundleError(f"{path}: 'plotly.js' (the plotly.js version of the bundles) is missing")
    bundles, names = [], set()
    for i, raw in enumerate(data.get("bundles") or []):
        where = f"{path}: bundles[{i}]"
        missing = [k for k in ("name", "package", "version", "tarball", "integrity", "file", "traces") if not raw.get(k)]
        if missing:
            raise BundleError(f"{where}: missing {', '.join(missing)}")
        if raw["name"] in names:
            raise BundleError(f"{where}: name {raw['name']!r} is used twice")
        names.add(raw["name"])
        if raw["version"] != plotly_js:
            raise BundleError(f"{where}: {raw['package']} {raw['version']} is not plotly.js {plotly_js}")
        if not raw["tarball"].startswith(REGISTRY):
            raise BundleError(f"{where}: tarball {raw['tarball']!r} is not on {REGISTRY}")
        if not raw["integrity"].startswith("sha512-"):
            raise BundleError(f"{where}: integrity must be a sha512-... value from the registry")
        if "/" in raw["file"] or "\\" in raw["file"] or not raw["file"].endswith(".js"):
            raise BundleError(f"{where}: file {raw['file']!r} must be a .js file name")
        bundles.append(
            Bundle(
                raw["name"],
                raw["package"],
                raw["version"],
                raw["tarball"],
                raw["integrity"],
                raw["file"],
                frozenset(raw["traces"]),
            )
        )
    if not bundles:
        raise BundleError(f"{path}: no bundles listed")
    return Lock(path, plotly_js, tuple(bundles))


def check_integrity(data: bytes, integrity: str, what: str) -> None:
    """Raise unless ``data`` has the npm ``integrity`` (``sha512-<base64>``)."""
    algo, _, expected = integrity.partition("-")
    if algo != "sha512":
        raise BundleError(f"{what}: unsupported integrity {integrity!r} (only sha512)")
    actual = base64.b64encode(hashlib.sha512(data).digest()).decode()
    if actual != expected:
        raise BundleError(
            f"{what}: integrity mismatch: the lock says sha512-{expected}, the download is sha512-{actual}; refusing it"
        )


def _download(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=120) as response:
        return response.read()


def extract(data: bytes, bundle: Bundle, dest: Path) -> None:
    """Write ``package/<file>`` and ``package/LICENSE`` of the npm tarball ``data`` into ``dest``."""
    wanted = {f"package/{bundle.file}": bundle.file, f"package/{LICENSE}": LICENSE}
    found = {}
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        for member in tar.getmembers():
            if member.name in wanted and member.isfile():
                found[wanted[member.name]] = tar.extractfile(member).read()
    for name in wanted.values():
        if name not in found:
            raise BundleError(f"{bundle.tarball}: package/{name} is not in the tarball")
    dest.mkdir(parents=True, exist_ok=True)
    for name, content in found.items():
        (dest / name).write_bytes(content)


def read_manifest(folder: Path | None = None) -> dict:
    path = Path(folder or install_dir()) / MANIFEST
    if not path.is_file():
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError:
        return {}


def is_installed(bundle: Bundle, folder: Path | None = None) -> bool:
    folder = Path(folder or install_dir())
    entry = read_manifest(folder).get("bundles", {}).get(bundle.name)
    return (
        entry == bundle.entry() and (folder / bundle.name / bundle.file).is_file() and (folder / bundle.name / LICENSE).is_file()
    )


def install(
    lock: Lock | None = None, folder: Path | None = None, download: Callable[[str], bytes] = _download, log=print
) -> list[str]:
    """Install every bundle of the lock that is not installed yet; return the names fetched.

    A bundle is written only after its tarball passed the integrity check; the manifest
    is updated after each bundle, so an interrupted run resumes where it stopped.
    """
    lock = lock or read_lock()
    folder = Path(folder or install_dir())
    folder.mkdir(parents=True, exist_ok=True)
    manifest = read_manifest(folder)
    entries = {k: v for k, v in manifest.get("bundles", {}).items() if k in {b.name for b in lock.bundles}}
    fetched = []
    for bundle in lock.bundles:
        if is_installed(bundle, folder):
            continue
        log(f"fetching {bundle.package}@{bundle.version} from {bundle.tarball}")
        data = download(bundle.tarball)
        check_integrity(data, bundle.integrity, f"{bundle.package}@{bundle.version} ({bundle.tarball})")
        with tempfile.TemporaryDirectory(dir=folder) as tmp:
            extract(data, bundle, Path(tmp) / bundle.name)
            target = folder / bundle.name
            if target.exists():
                shutil.rmtree(target)
            (Path(tmp) / bundle.name).rename(target)
        entries[bundle.name] = bundle.entry()
        _write_manifest(folder, lock, entries)
        fetched.append(bundle.name)
    _write_manifest(folder, lock, entries)
    return fetched


def _write_manifest(folder: Path, lock: Lock, entries: dict) -> None:
    manifest = {"plotly.js": lock.plotly_js, "bundles": entries}
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def installed_path(bundle: Bundle, folder: Path | None = None) -> Path:
    """The installed bundle file; a clear error naming it (and the fix) when it is missing or stale."""
    folder = Path(folder or install_dir())
    path = folder / bundle.name / bundle.file
    if not path.is_file():
        raise BundleError(
            f"{path}: the plotly.js partial bundle {bundle.package}@{bundle.version} is missing; "
            "run `python -m civicspace.book.sphinxext` (`make env` does) to fetch it"
        )
    if not is_installed(bundle, folder):
        raise BundleError(
            f"{path}: does not match {bundle.package}@{bundle.version} in the lock "
            f"({folder / MANIFEST}); run `python -m civicspace.book.sphinxext` to update it"
        )
    return path


def choose(trace_types: set[str], bundles: tuple[Bundle, ...], size: Callable[[Bundle], int]) -> Bundle | None:
    """The smallest bundle holding every trace type in ``trace_types``, or None (use the full plotly.js)."""
    covering = [b for b in bundles if set(trace_types) <= b.traces]
    return min(covering, key=size) if covering else None


def main(argv: list[str] | None = None) -> int:
    """``python -m civicspace.book.sphinxext``: fetch the partial bundles of the lock (``make env`` runs it)."""
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m civicspace.book.sphinxext", description="Fetch plotly's partial bundles pinned in binder/js-bundles.json."
    )
    parser.add_argument("--lock", type=Path, default=None, help="the lock (default: binder/js-bundles.json)")
    parser.add_argument("--dest", type=Path, default=None, help="where to install (default: <sys.prefix>/share/civicspace-js)")
    args = parser.parse_args(argv)
    try:
        fetched = install(read_lock(args.lock), args.dest)
    except (BundleError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    folder = args.dest or install_dir()
    print(f"plotly.js partial bundles in {folder}: " + ("fetched " + ", ".join(fetched) if fetched else "up to date"))
    return 0


def plotly_js_version(path: Path | None = None) -> str:
    """The plotly.js version of the wheel's plotly.min.js, from its licence header."""
    path = path or plotly_js_path()
    with open(path, encoding="utf-8", errors="replace") as f:
        head = f.read(400)
    found = re.search(r"plotly\.js(?: \([^)]*\))? v(\d+\.\d+\.\d+\S*)", head)
    if not found:
        raise ValueError(f"{path}: no plotly.js version in its header")
    return found.group(1)


def partial_bundles() -> tuple[Bundle, ...]:
    """The partial bundles of binder/js-bundles.json, each checked to be installed and of
    the plotly.js version the plotly wheel carries; a clear error naming the file if not."""
    lock = read_lock()
    wheel = plotly_js_version()
    if lock.plotly_js != wheel:
        raise BundleError(
            f"{lock.path}: pins plotly.js {lock.plotly_js} bundles, but the plotly wheel carries plotly.js {wheel} "
            f"({plotly_js_path()}); update the lock to {wheel}"
        )
    for bundle in lock.bundles:
        installed_path(bundle)
    return lock.bundles


def page_trace_types(body: str, pagename: str = "") -> set[str]:
    """Trace types of every course figure in a page's HTML (frames included)."""
    types = set()
    for i, payload in enumerate(re.findall(rf'<script type="application/json" class="{MARKER}">(.*?)</script>', body, re.S)):
        try:
            spec = json.loads(payload)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{pagename}: figure {i + 1}: its JSON does not parse ({exc})") from None
        traces = list(spec.get("data") or [])
        for frame in spec.get("frames") or []:
            traces += frame.get("data") or []
        types |= {t.get("type") or "scatter" for t in traces}
    return types


def plotly_for_page(types: set[str], bundles: tuple[Bundle, ...] | None = None) -> str:
    """The file name (in _static/) of the plotly.js a page with these trace types loads."""
    bundles = partial_bundles() if bundles is None else bundles
    chosen = choose(types, bundles, size=lambda b: installed_path(b).stat().st_size)
    return chosen.file if chosen else PLOTLY_JS


def topojson_path() -> Path:
    path = datasets_dir() / "world_map" / "world_110m.json"
    if not path.exists():
        raise FileNotFoundError(f"{path}: the world map topology is missing (see datasets/world_map/README.md)")
    return path


#: Where the student versions are in the student edition (``make student-edition``),
#: the repository that launch links, Binder and hub links open.
EDITION_EXERCISES = "exercises"


def student_edition(config=None) -> bool:
    """True when building from the student edition, whose exercises/ holds the student
    versions (release.py is instructor-only, so it is missing there), or when the config
    value ``civicspace_student_edition`` says so."""
    return release is None or bool(getattr(config, "civicspace_student_edition", False))


def _student_cache(app: Sphinx) -> Path:
    """The folder holding the student versions, one sub-folder per assignment."""
    if student_edition(app.config):
        return repo_root() / "exercises"
    return Path(app.outdir).parent / "student-release"


def _release_students(app: Sphinx) -> None:
    """Make the nbgrader student version of every assignment (cached by source hash);
    in the student edition they exist already."""
    if not student_edition(app.config):
        release.release_all(_student_cache(app))


def _launch_links(config, assignment: str, notebook: str) -> list[tuple[str, str]]:
    """(label, url) pairs to open a student notebook online, from the book's config.

    ``repository.url`` in _config.yml is where the student edition is published (the
    instructor repository stays private); the notebook is at
    ``exercises/<assignment>/<notebook>`` there, on ``repository.branch``.
    """
    theme = config.html_theme_options or {}
    repo = student_edition_url(config)
    branch = theme.get("repository_branch") or "main"
    launch = theme.get("launch_buttons") or {}
    path = f"{EDITION_EXERCISES}/{assignment}/{notebook}"
    links = []
    binder = (launch.get("binderhub_url") or "").rstrip("/")
    if binder and repo.startswith("https://github.com/"):
        org_repo = repo[len("https://github.com/") :]
        links.append(
            ("Open on Binder", f"{binder}/v2/gh/{org_repo}/{quote(branch)}?urlpath={quote('lab/tree/' + path, safe='')}")
        )
    hub = (launch.get("jupyterhub_url") or "").rstrip("/")
    if hub and repo:
        name = repo.rsplit("/", 1)[-1]
        hub_branch = getattr(config, "civicspace_jupyterhub_branch", "") or branch
        query = urlencode({"repo": repo, "branch": hub_branch, "urlpath": f"lab/tree/{name}/{path}"})
        links.append(("Open on your JupyterHub", f"{hub}/hub/user-redirect/git-pull?{query}"))
    return links


def student_edition_url(config) -> str:
    """Where the student edition is published: ``repository.url`` of _config.yml."""
    return ((config.html_theme_options or {}).get("repository_url") or "").rstrip("/")


def student_edition_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    """``{student-edition}`label` ``: a link to the student edition (repository.url)."""
    config = inliner.document.settings.env.config
    url = student_edition_url(config)
    if not url:
        return [nodes.literal(rawtext, text)], []
    return [nodes.reference(rawtext, text, refuri=url)], []


class ExerciseDirective(SphinxDirective):
    """``{exercise} <assignment>``: links to download and launch the student version."""

    required_arguments = 1

    def run(self):
        assignment = self.arguments[0]
        known = assignments()
        if assignment not in known:
            raise self.error(f"unknown assignment {assignment!r}; known: {', '.join(known)}")
        notebooks = sorted(p.name for p in (repo_root() / "exercises" / assignment).glob("*.ipynb"))
        up = "../" * self.env.docname.count("/")
        items = []
        for nb in notebooks:
            href = f"{up}exercises/{assignment}/{nb}"
            items.append(f'<li><a href="{href}" download>Download <code>{nb}</code></a> (student version)</li>')
            for label, url in _launch_links(self.config, assignment, nb):
                items.append(f'<li><a href="{url}">{label}</a>: <code>{EDITION_EXERCISES}/{assignment}/{nb}</code></li>')
        html = (
            '<div class="admonition tip cs-exercise" role="note">'
            '<p class="admonition-title">Exercise</p>'
            f"<p>Do this exercise in Jupyter. Check your work with <code>nbgrader validate {notebooks[0]}</code> "
            "or by restarting the kernel and running all cells; then submit the notebook as your instructor says.</p>"
            f"<ul>{''.join(items)}</ul></div>"
        )
        return [nodes.raw("", html, format="html")]


def _copy_assets(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    # Student versions of the assignments, for the download links.
    exercises = Path(app.outdir) / "exercises"
    if exercises.exists():
        shutil.rmtree(exercises)
    shutil.copytree(_student_cache(app), exercises, ignore=shutil.ignore_patterns(".*"))
    static = Path(app.outdir) / "_static"
    (static / "topojson").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(plotly_js_path(), static / PLOTLY_JS)
    for bundle in partial_bundles():
        path = installed_path(bundle)
        shutil.copyfile(path, static / bundle.file)
        shutil.copyfile(path.parent / LICENSE, static / f"{bundle.file}.LICENSE.txt")
    shutil.copyfile(STATIC / LOADER_JS, static / LOADER_JS)
    shutil.copyfile(topojson_path(), static / "topojson" / "world_110m.json")


# pydata-sphinx-theme puts <script defer src="_static/scripts/fontawesome.js"> (Font
# Awesome's SVG-with-JavaScript build, 1.5 MB) into every page. The theme's own stylesheet
# already holds Font Awesome's CSS and @font-face rules for the webfonts it ships in
# _static/vendor/fontawesome/webfonts/, so every icon it uses (fa-solid, fa-brands ...)
# draws from the webfont without the script: the script only costs each page its parse.
FONTAWESOME_JS = re.compile(r'\s*<script\b[^>]*\bsrc="[^"]*_static/scripts/fontawesome\.js(?:\?[^"]*)?"[^>]*>\s*</script>')


def without_fontawesome_js(page: str) -> str:
    """A page's HTML without the theme's <script> of Font Awesome's JavaScript build."""
    return FONTAWESOME_JS.sub("", page)


def _drop_fontawesome_js(app: Sphinx, exception: Exception | None) -> None:
    """Remove fontawesome.js from every written page and from _static/ (icons come from the webfont)."""
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    for page in outdir.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        stripped = without_fontawesome_js(text)
        if stripped != text:
            page.write_text(stripped, encoding="utf-8")
    for name in ("fontawesome.js", "fontawesome.js.map", "fontawesome.js.LICENSE.txt"):
        (outdir / "_static" / "scripts" / name).unlink(missing_ok=True)


def _accessible_citations(body: str) -> str:
    """Docutils marks bibliography entries with the deprecated ARIA role doc-biblioentry
    inside a role="list" container, which axe reports as a critical violation (a list
    must contain list items). Make each entry a listitem."""
    return body.replace('role="doc-biblioentry"', 'role="listitem"')


def _is_thebe(asset) -> bool:
    name = str(getattr(asset, "filename", asset) or "")
    body = str(getattr(asset, "attributes", {}).get("body", "")) if hasattr(asset, "attributes") else ""
    return "thebe" in name or "THEBE_JS_URL" in body


def _add_scripts(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    # Jupyter Book always loads sphinx-thebe, which points at a CDN (unpkg) and, as
    # measured, declares its config twice (a JavaScript error on every page). The
    # course does not use Thebe (launch_buttons.thebe is false), so drop it.
    if "script_files" in context:
        context["script_files"][:] = [a for a in context["script_files"] if not _is_thebe(a)]
    if "css_files" in context:
        context["css_files"][:] = [a for a in context["css_files"] if not _is_thebe(a)]
    if "body" in context:
        context["body"] = _accessible_citations(context["body"])
    if MARKER in context.get("body", ""):
        # Each figure shows first as a still image drawn at build time (stills.py).
        renderer = _renderer(app)
        context["body"] = stills.add_stills(
            context["body"],
            pagename,
            "../" * pagename.count("/"),
            Path(app.outdir),
            renderer,
            renderer.identity,
            Path(app.outdir).parent / ".figure-stills",
        )
        # Added during html-page-context, a script goes into this page only: the loader,
        # told which plotly.js holds every trace type of the page's figures. It fetches
        # that plotly.js only once the page is shown and a figure comes near the viewport.
        plotly = plotly_for_page(page_trace_types(context["body"], pagename))
        app.add_js_file(LOADER_JS, priority=501, defer="defer", **{"data-plotly": plotly})


def _renderer(app: Sphinx) -> stills.KaleidoRenderer:
    """The build's one renderer of still images (its headless browser starts on first use)."""
    renderer = getattr(app, "_civicspace_stills", None)
    if renderer is None:
        renderer = app._civicspace_stills = stills.KaleidoRenderer(plotly_js_path(), topojson_path().parent)
    return renderer


def _close_renderer(app: Sphinx, exception: Exception | None) -> None:
    renderer = getattr(app, "_civicspace_stills", None)
    if renderer is not None:
        renderer.close()


def fingerprint() -> str:
    """A hash of the package, its static files, plotly.js and the datasets.

    Sphinx re-writes only pages whose source changed, and the execution cache
    re-runs only chapters whose code changed. A chapter's output also depends on
    the package (figure builders) and the data, so when this hash changes every
    chapter is re-executed and every page re-written.
    """
    import hashlib

    package = Path(__file__).resolve().parents[1]
    # The code the chapters run (not the instructor-only grading and editions subpackages,
    # which no chapter imports: changing them must not re-execute the whole book).
    files = sorted(p for p in package.rglob("*.py") if p.relative_to(package).parts[0] not in {"grading", "editions"})
    files += sorted(STATIC.iterdir()) + [plotly_js_path()]
    files += [lock_path()] if lock_path().exists() else []
    files += sorted(p for p in datasets_dir().rglob("*") if p.suffix in {".csv", ".json"})
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _cache_dir(app: Sphinx) -> Path:
    configured = getattr(app.config, "nb_execution_cache_path", "") or ""
    return Path(configured) if configured else Path(app.outdir).parent / ".jupyter_cache"


def _clear_stale_cache(app: Sphinx) -> None:
    cache = _cache_dir(app)
    marker = cache.parent / ".civicspace-fingerprint"
    current = fingerprint()
    if marker.exists() and marker.read_text().strip() == current:
        return
    if cache.exists():
        shutil.rmtree(cache)
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text(current + "\n")


def _outdated_when_package_changes(app: Sphinx, env, added, changed, removed) -> list[str]:
    current = fingerprint()
    if getattr(env, "civicspace_fingerprint", None) != current:
        env.civicspace_fingerprint = current
        return sorted(env.found_docs)
    return []


def setup(app: Sphinx) -> dict:
    # myst-nb executes the chapters in this process: no 600 s stall on a missed wake-up.
    from civicspace import kernelfix

    kernelfix.apply()
    # Fail early, at the start of the build, if an asset is missing.
    plotly_js_path()
    partial_bundles()
    topojson_path()
    stills.plotly_scope_class()  # kaleido, which draws the figures' still images
    # Branch of the student edition that hub links pull (empty: repository.branch).
    app.add_config_value("civicspace_jupyterhub_branch", "", "html")
    # True: exercises/ holds the student versions already (as in the student edition).
    app.add_config_value("civicspace_student_edition", False, "html")
    app.add_directive("exercise", ExerciseDirective)
    app.add_role("student-edition", student_edition_role)
    app.connect("builder-inited", _clear_stale_cache)
    app.connect("builder-inited", _release_students)
    app.connect("env-get-outdated", _outdated_when_package_changes)
    app.connect("html-page-context", _add_scripts)
    app.connect("build-finished", _copy_assets)
    app.connect("build-finished", _drop_fontawesome_js)
    app.connect("build-finished", _close_renderer)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}


if __name__ == "__main__":
    sys.exit(main())
