"""Sphinx extension: serve plotly.js and the world map from the book itself.

Jupyter Book 1 would otherwise fetch plotly.js (and plotly.js the world
topology) from CDNs, and plotly >= 6 figures would not show at all. This
extension:

- copies ``civicspace-plotly.js`` (the figure loader), plotly.js from the
  installed plotly wheel and the world topology from ``datasets/world_map/``
  into the built site's ``_static/``;
- adds plotly.js and the loader only to pages that contain a figure, so pages
  without figures stay light and the 4.7 MB library is fetched once and cached.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from urllib.parse import quote, urlencode

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from .paths import assignments, datasets_dir, repo_root

try:  # the instructor repository: make the student versions from exercises/ with nbgrader
    from . import release
except ImportError:  # the student edition: exercises/ already holds the student versions
    release = None

STATIC = Path(__file__).parent / "static"
PLOTLY_JS = "plotly.min.js"
LOADER_JS = "civicspace-plotly.js"
MARKER = "cs-plotly-data"


def plotly_js_path() -> Path:
    import plotly

    path = Path(plotly.__file__).parent / "package_data" / PLOTLY_JS
    if not path.exists():
        raise FileNotFoundError(f"{path}: plotly.js is missing from the installed plotly package")
    return path


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
        org_repo = repo[len("https://github.com/"):]
        links.append(("Open on Binder", f"{binder}/v2/gh/{org_repo}/{quote(branch)}?urlpath={quote('lab/tree/' + path, safe='')}"))
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
            f'<ul>{"".join(items)}</ul></div>'
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
    shutil.copyfile(STATIC / LOADER_JS, static / LOADER_JS)
    shutil.copyfile(topojson_path(), static / "topojson" / "world_110m.json")


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
        # Added during html-page-context, a script goes into this page only.
        app.add_js_file(PLOTLY_JS, priority=500, defer="defer")
        app.add_js_file(LOADER_JS, priority=501, defer="defer")


def fingerprint() -> str:
    """A hash of the package, its static files, plotly.js and the datasets.

    Sphinx re-writes only pages whose source changed, and the execution cache
    re-runs only chapters whose code changed. A chapter's output also depends on
    the package (figure builders) and the data, so when this hash changes every
    chapter is re-executed and every page re-written.
    """
    import hashlib

    package = Path(__file__).parent
    files = sorted(package.glob("*.py")) + sorted(STATIC.iterdir()) + [plotly_js_path()]
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
    from . import kernelfix

    kernelfix.apply()
    # Fail early, at the start of the build, if an asset is missing.
    plotly_js_path()
    topojson_path()
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
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
