"""Shared fixtures: the repository, the built book, a local web server, Chromium."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
BOOK_HTML = ROOT / "_build" / "html"


def env_with_bin(**extra: str) -> dict[str, str]:
    """The environment for subprocesses: this venv's bin/ first on PATH (nbgrader needs alembic)."""
    env = dict(os.environ)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env.update(extra)
    return env


def run_python_on(path: Path, args: list[str], cwd: Path, timeout: int = 300) -> subprocess.CompletedProcess:
    """Run this Python with ``args`` (such as ``["-c", code]``) in ``cwd``, with ``path`` as its only
    PYTHONPATH and nothing else of this environment to find the package or the course files by:
    no CIVICSPACE_ROOT, no user site-packages. Its output is captured as text."""
    env = {k: v for k, v in os.environ.items() if k not in ("CIVICSPACE_ROOT", "PYTHONPATH")}
    env.update(PYTHONPATH=str(path), PYTHONNOUSERSITE="1")
    return subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """With ``--dist loadgroup`` (make test), a test marked ``xdist_group`` must carry its group
    in its node id: that is how pytest-xdist keeps a group on one worker. If a pytest or xdist
    upgrade breaks this (pytest 9.2 with xdist 3.8 did), two workers would build the book at
    once in the same _build folder; fail with a clear message instead."""
    if getattr(item.config.option, "loadgroup", False) and item.get_closest_marker("xdist_group"):
        if "@" not in item.nodeid.rpartition("]")[2]:
            pytest.fail(
                "pytest-xdist did not apply this test's xdist_group mark, so --dist loadgroup would split "
                "its group across workers: this pytest/pytest-xdist pair is incompatible; "
                "pin the versions in binder/requirements.in",
                pytrace=False,
            )


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def release_cache() -> Path:
    """The ``--cache`` folder of the student-edition and student-wheel commands in the tests
    (edition, wheel, Binder): nbgrader's student versions are made once for all three, by
    whichever build comes first, and kept between runs like the book's execution cache. The
    commands key it by the nbgrader configuration and each assignment's source; the folder
    adds nbgrader's version. ``release.release`` locks each assignment, so builds on two
    pytest-xdist workers may share it."""
    from importlib.metadata import version

    return ROOT / "_build" / "test-release-cache" / f"nbgrader-{version('nbgrader')}"


@pytest.fixture(scope="session")
def built_book() -> subprocess.CompletedProcess:
    """Build the book once (as `make book` does): warnings are errors, the execution cache is used."""
    cmd = [str(BIN / "jupyter-book"), "build", str(ROOT), "--warningiserror", "--keep-going"]
    return subprocess.run(cmd, cwd=ROOT, env=env_with_bin(CIVICSPACE_BOOK="1"), capture_output=True, text=True, timeout=1500)


@pytest.fixture(scope="session")
def book_html(built_book) -> Path:
    if built_book.returncode != 0:
        pytest.fail("the book did not build; see test_book_builds for the log", pytrace=False)
    return BOOK_HTML


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest output readable
        pass


@pytest.fixture(scope="session")
def site_url(book_html):
    """Serve the built book on 127.0.0.1 (a random free port) for the browser tests."""
    handler = functools.partial(_QuietHandler, directory=str(book_html))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


def chromium_executable() -> str:
    for candidate in (os.environ.get("CHROMIUM"), "chromium", "chromium-browser"):
        if candidate and shutil.which(candidate):
            return shutil.which(candidate)
    pytest.fail("Chromium is not installed: `apt-get install chromium` (.ci/run does this)", pytrace=False)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(
            executable_path=chromium_executable(),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield b
        b.close()


def chapter_docs() -> list[str]:
    """Chapter documents listed in _toc.yml (book/chapters/...), without suffix."""
    import yaml

    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    files = [c["file"] for part in toc["parts"] for c in part["chapters"]]
    return [f for f in files if f.startswith("book/chapters/")]


_executed: dict[str, object] = {}


def execute_chapter(doc: str):
    """Execute a chapter (MyST markdown) as Jupyter would, every cell included; cached per session.

    Unlike the book build, cells tagged ``skip-execution`` (the live widgets) run too.
    The kernel runs from a separate Python process: driving it from a process that
    also runs Playwright's event loop (the browser tests) can deadlock nbclient.
    """
    if doc not in _executed:
        import tempfile

        import nbformat

        script = (
            "import sys, jupytext, nbformat\n"
            "from nbclient import NotebookClient\n"
            "from civicspace import kernelfix\n"
            "kernelfix.apply()\n"
            "nb = jupytext.read(sys.argv[1])\n"
            "NotebookClient(nb, timeout=600, kernel_name='python3', skip_cells_with_tag='civicspace-never-skip',\n"
            "               resources={'metadata': {'path': sys.argv[2]}}).execute()\n"
            "nbformat.write(nb, sys.argv[3])\n"
        )
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "executed.ipynb"
            res = subprocess.run(
                [sys.executable, "-c", script, str(ROOT / f"{doc}.md"), str((ROOT / doc).parent), str(out)],
                env=env_with_bin(),
                capture_output=True,
                text=True,
                timeout=900,
            )
            if res.returncode != 0:
                raise AssertionError(f"{doc} failed to execute:\n{res.stderr[-4000:]}")
            _executed[doc] = nbformat.read(out, as_version=4)
    return _executed[doc]
