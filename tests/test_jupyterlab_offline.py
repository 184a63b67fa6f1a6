"""The chapters work live in JupyterLab with the network cut, as a student opens them.

One JupyterLab server from this environment runs in a network namespace of its own
(``unshare``: only a loopback interface, so nothing can leave the machine), with token
authentication, on a temporary copy of the chapters converted to notebooks with
jupytext, plus exercise 0 as students get it with the answers written in. Chromium (in
the same namespace) opens each notebook, runs all cells from the Run menu and saves it, then for every live interactive changes each control
and checks that the figure changes. The tests below read the session's report:

- no cell ends in an error, and no error from a widget callback reaches the kernel log;
- every plotly figure is drawn, and every map has its country shapes (so the world map
  came from the environment, not from plotly's CDN);
- each live interactive shows its controls, and a change of each control changes it;
- the page requests nothing but the local server (every request is recorded), and the
  server and kernels try no connection or name lookup beyond the machine (a Python audit
  hook records every ``socket.connect``, ``sendto`` and ``getaddrinfo``).

Screenshots of every interactive (before and after its controls were changed) and of the
first map of each chapter are saved in ``_build/jupyterlab-screenshots/`` for review.

Run as a script (``python tests/test_jupyterlab_offline.py --session DIR``) the module is
the browser session itself; the fixture below starts it inside the namespace.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).parent))
from conftest import chapter_docs  # noqa: E402

#: The browser session's tests (the set-up checks at the end of this section are fast).
#: The first one runs the whole session (about 6 minutes, more on a busy machine): more than
#: the suite's default timeout is allowed.
browser_test = [pytest.mark.slow, pytest.mark.xdist_group("jupyterlab"), pytest.mark.timeout(3000)]


def _browser(test):
    for mark in browser_test:
        test = mark(test)
    return test


SHOTS = ROOT / "_build" / "jupyterlab-screenshots"
BIN = Path(sys.executable).parent
PORT = 8888  # a fresh network namespace has every port free
TOKEN = "civicspace-offline-test"
LOCAL_PREFIXES = (f"http://127.0.0.1:{PORT}/", "blob:", "data:", "about:")
CHAPTER_TIMEOUT = 420  # seconds for one chapter's cells to run
EXERCISE_0 = "ch00_jupyter_pandas"
EXERCISE_0_ANSWERED = "exercise0_answered"

# --------------------------------------------------------------------------- the tests


@pytest.fixture(scope="module")
def lab_report(tmp_path_factory) -> dict:
    """Run the whole browser session once, in a network namespace; return its report."""
    from civicspace import jupyter_offline

    missing = jupyter_offline.problems(sys.prefix)
    if missing:
        pytest.fail(
            "JupyterLab in this environment is not set up to work offline:\n  "
            + "\n  ".join(missing)
            + "\nrun: python -m civicspace.jupyter_offline install (binder/postBuild does)",
            pytrace=False,
        )
    if not shutil.which("unshare"):
        pytest.fail("`unshare` (util-linux) is needed to cut the network for this test", pytrace=False)
    work = tmp_path_factory.mktemp("jupyterlab-offline")
    notebooks = work / "notebooks"
    notebooks.mkdir()
    import jupytext

    for doc in chapter_docs():
        jupytext.write(jupytext.read(ROOT / f"{doc}.md"), notebooks / f"{Path(doc).name}.ipynb")
    # Exercise 0 as a student has it (nbgrader's student version), with the answers written in.
    from civicspace.editions import release
    from civicspace.grading import notebooks as grading

    student_nb = release.release(EXERCISE_0, work / "release") / f"{EXERCISE_0}.ipynb"
    student = nbformat.read(student_nb, as_version=4)
    source = nbformat.read(ROOT / "exercises" / EXERCISE_0 / f"{EXERCISE_0}.ipynb", as_version=4)
    answers = {grading.nbgrader_meta(c)["grade_id"] for c in student.cells if grading.is_answer(c) and c.cell_type == "code"}
    assert answers, "exercise 0 has code answers"
    nbformat.write(grading.fill_answers(student, source, answers), notebooks / f"{EXERCISE_0_ANSWERED}.ipynb")
    if SHOTS.exists():
        shutil.rmtree(SHOTS)
    SHOTS.mkdir(parents=True)
    cmd = ["unshare", "--net", "--map-root-user", sys.executable, str(Path(__file__).resolve()), "--session", str(work)]
    started = time.monotonic()
    res = subprocess.run(cmd, cwd=work, capture_output=True, text=True, timeout=(len(chapter_docs()) + 1) * CHAPTER_TIMEOUT)
    report_path = work / "report.json"
    if res.returncode != 0 or not report_path.exists():
        server_log = (work / "server.log").read_text(errors="replace")[-3000:] if (work / "server.log").exists() else ""
        pytest.fail(
            f"the JupyterLab session failed (exit {res.returncode}):\n{res.stdout[-3000:]}\n{res.stderr[-6000:]}"
            f"\n--- server log\n{server_log}",
            pytrace=False,
        )
    report = json.loads(report_path.read_text(encoding="utf-8"))
    report["runtime"] = time.monotonic() - started
    print(f"JupyterLab session: {len(report['chapters'])} chapters in {report['runtime']:.0f} s")
    return report


@_browser
def test_page_requests_nothing_but_the_local_server(lab_report):
    assert lab_report["requests_total"] > 50, "the session recorded almost no requests: was anything opened?"
    assert lab_report["outside_requests"] == [], "the page asked for resources beyond the machine"


@_browser
def test_server_and_kernels_try_no_connection_beyond_the_machine(lab_report):
    assert lab_report["audit_active"], "the network audit hook did not run in the server"
    assert lab_report["server_network"] == [], "the server or a kernel tried to reach the network"


@_browser
def test_no_widget_callback_fails(lab_report):
    assert lab_report["server_tracebacks"] == [], "a traceback reached the server log (kernel or widget callback)"


@_browser
def test_news_and_update_checks_are_off(lab_report):
    config = lab_report["page_config"]
    assert config.get("news", {}).get("disabled") is True, "JupyterLab's news feed is on"
    assert "@jupyterlab/apputils-extension:announcements" in config.get("disabledExtensions", [])
    assert config.get("extensionManager", {}).get("can_install") is False, "the extension manager can search PyPI"


@_browser
@pytest.mark.parametrize("doc", chapter_docs())
def test_chapter_runs_live_offline(lab_report, doc):
    name = Path(doc).name
    chapter = lab_report["chapters"].get(name)
    assert chapter is not None, f"{name} was not opened"
    assert chapter.get("fatal") is None, f"{name}: the session failed here: {chapter['fatal']}"
    assert chapter["cell_errors"] == [], f"{name}: cells ended in errors"
    assert chapter["unrun_cells"] == 0, f"{name}: {chapter['unrun_cells']} code cells did not run"
    assert chapter["page_errors"] == [], f"{name}: uncaught JavaScript errors"
    assert chapter["console_errors"] == [], f"{name}: errors in the browser console"
    # Every figure the notebook saved (outside widgets) is on the page, and all are drawn.
    figures = chapter["figures"]
    outside = [f for f in figures if not f["in_widget"]]
    assert len(outside) >= chapter["saved_plotly_outputs"] >= 1, (
        f"{name}: {chapter['saved_plotly_outputs']} plotly figures saved, {len(outside)} on the page"
    )
    undrawn = [f for f in figures if not f["drawn"]]
    assert undrawn == [], f"{name}: figures not drawn: {undrawn}"
    blank_maps = [f for f in figures if f["geo"] and not f["shapes"]]
    assert blank_maps == [], f"{name}: maps without country shapes: {blank_maps}"
    # Every live interactive: controls shown, and each one changes the figure.
    for widget in chapter["widgets"]:
        label = f"{name}, interactive {widget['index'] + 1}"
        assert widget["controls"], f"{label}: no controls rendered"
        dead = [c for c in widget["controls"] if not c["changed"]]
        assert dead == [], f"{label}: changing these controls did not change the figure: {dead}"
        assert widget["figures_after"], f"{label}: shows no figure after its controls changed"
        assert all(f["drawn"] and (f["shapes"] or not f["geo"]) for f in widget["figures_after"]), (
            f"{label}: a figure is not drawn after the change: {widget['figures_after']}"
        )


@_browser
def test_exercise_0_answered_runs_offline_and_passes_its_checks(lab_report):
    """Exercise 0, answered as a student would, runs from the menu: its set-up loads the data and
    every visible self-check passes (a failing check would be an error in its cell)."""
    run = lab_report["chapters"].get(EXERCISE_0_ANSWERED)
    assert run is not None, "exercise 0 was not opened"
    assert run.get("fatal") is None, f"exercise 0: the session failed here: {run['fatal']}"
    assert run["unrun_cells"] == 0, f"exercise 0: {run['unrun_cells']} code cells did not run"
    assert run["cell_errors"] == [], "exercise 0: cells ended in errors"
    assert run["page_errors"] == [] and run["console_errors"] == [], "exercise 0: browser errors"


@_browser
def test_every_chapter_with_a_live_interactive_shows_it(lab_report):
    """A chapter whose source has a live interactive (a code cell tagged skip-execution,
    which the book shows as code only) shows it running in JupyterLab."""
    import jupytext

    for doc in chapter_docs():
        nb = jupytext.read(ROOT / f"{doc}.md")
        live = [c for c in nb.cells if c.cell_type == "code" and "skip-execution" in c.metadata.get("tags", [])]
        chapter = lab_report["chapters"][Path(doc).name]
        assert len(chapter["widgets"]) >= len(live), (
            f"{doc}: {len(live)} live cells in the source, {len(chapter['widgets'])} interactives on the page"
        )


# --------------------------------------------------------------------------- the set-up (fast)


def test_install_writes_the_extension_and_keeps_other_server_settings(tmp_path):
    from civicspace import jupyter_offline as jo

    config = jo.server_config_path(tmp_path)
    config.parent.mkdir(parents=True)
    config.write_text(json.dumps({"LabApp": {"collaborative": False}, "ServerApp": {"port": 9999}}))
    assert len(jo.problems(tmp_path)) == 3 + len(jo.SERVER_CONFIG["LabApp"])
    jo.install(tmp_path)
    assert jo.problems(tmp_path) == []
    data = json.loads(config.read_text())
    assert data["ServerApp"] == {"port": 9999} and data["LabApp"]["collaborative"] is False
    assert data["LabApp"]["news_url"] is None
    ext = jo.extension_dir(tmp_path)
    package = json.loads((ext / "package.json").read_text())
    entry = ext / package["jupyterlab"]["_build"]["load"]
    assert "PlotlyGeoAssets" in entry.read_text()
    assert (ext / "static" / "world_110m.json").read_bytes() == jo.map_path("world_110m").read_bytes()
    assert jo.ANNOUNCEMENTS in package["jupyterlab"]["disabledExtensions"]
    # A changed map or script is reported until the next install.
    (ext / "static" / "world_110m.json").write_text("{}")
    assert [p for p in jo.problems(tmp_path) if "world_110m.json: out of date" in p]


def test_a_broken_server_config_is_named(tmp_path):
    from civicspace import jupyter_offline as jo

    config = jo.server_config_path(tmp_path)
    config.parent.mkdir(parents=True)
    config.write_text("{not json")
    with pytest.raises(ValueError, match="jupyter_lab_config.json: not valid JSON"):
        jo.install(tmp_path)


def test_installed_plotly_still_reads_maps_from_plotlygeoassets():
    """The extension relies on plotly.js looking up window.PlotlyGeoAssets.topojson before
    it downloads a map; a plotly upgrade that drops this would make maps blank offline."""
    from jupyter_core.paths import jupyter_path

    bundles = [p for d in jupyter_path("labextensions") for p in (Path(d) / "jupyterlab-plotly" / "static").glob("*.js")]
    assert bundles, "the jupyterlab-plotly extension (from the plotly wheel) is not installed"
    text = "".join(p.read_text(encoding="utf-8", errors="replace") for p in bundles)
    assert "PlotlyGeoAssets.topojson[" in text
    assert "topojsonName" in text and "world" in text


# --------------------------------------------------------------------------- the session
# Everything below runs inside the network namespace (python <this file> --session DIR).

AUDIT_HOOK = '''\
"""Record every attempt of this process to reach a host that is not this machine."""
import json, os, sys

_LOG = os.environ.get("CIVICSPACE_NET_AUDIT")
_LOCAL = {"localhost", "ip6-localhost", "::1", "0.0.0.0", "::", ""}


def _local(host):
    if isinstance(host, bytes):
        host = host.decode(errors="replace")
    host = str(host)
    return host in _LOCAL or host.startswith("127.")


def _hook(event, args):
    try:
        if event in ("socket.connect", "socket.sendto"):
            address = args[1]
            if not (isinstance(address, tuple) and address and isinstance(address[0], (str, bytes))):
                return  # a Unix socket
            host = address[0]
        elif event in ("socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyname_ex"):
            host = args[0]
            if host is None:
                return
        else:
            return
        if _local(host):
            return
        with open(_LOG, "a", encoding="utf-8") as log:
            log.write(json.dumps({"pid": os.getpid(), "event": event, "host": str(host),
                                  "process": " ".join(sys.argv)[:200]}) + "\\n")
    except Exception:
        pass


if _LOG:
    with open(_LOG + ".active", "a", encoding="utf-8") as marker:
        marker.write(f"{os.getpid()} {' '.join(sys.argv)[:200]}\\n")
    sys.addaudithook(_hook)
'''

# Scripts run in the page. Each live interactive is the widget view of a cell output.
JS_MARK_WIDGETS = """() => {
  const roots = Array.from(document.querySelectorAll('.jp-Notebook .jp-Cell-outputArea .jp-OutputArea-output > .jupyter-widgets'))
    .filter(el => !el.parentElement.closest('.jupyter-widgets'));
  roots.forEach((el, i) => el.setAttribute('data-cs-widget', String(i)));
  return roots.length;
}"""

JS_MARK_CONTROLS = """(root) => {
  const kinds = [
    ['.widget-dropdown', 'dropdown'], ['.widget-select-multiple', 'select-multiple'], ['.widget-select', 'select'],
    ['.widget-hslider, .widget-vslider', 'slider'], ['.widget-checkbox', 'checkbox'],
    ['.widget-toggle-buttons', 'toggle-buttons'], ['.widget-radio', 'radio'],
    ['.widget-text, .widget-inttext, .widget-floattext, .widget-bounded-inttext, .widget-bounded-floattext', 'text'],
    ['.widget-toggle-button', 'toggle-button'], ['button.jupyter-button', 'button'],
  ];
  const found = [];
  const seen = new Set();
  for (const [selector, kind] of kinds) {
    for (const el of root.querySelectorAll(selector)) {
      if (seen.has(el) || el.closest('.widget-output')) continue;
      if ((kind === 'button' || kind === 'toggle-button') && el.closest('.widget-toggle-buttons')) continue;
      seen.add(el);
      found.push([el, kind]);
    }
  }
  found.sort((a, b) => (a[0].compareDocumentPosition(b[0]) & Node.DOCUMENT_POSITION_FOLLOWING) ? -1 : 1);
  return found.map(([el, kind], i) => {
    el.setAttribute('data-cs-control', String(i));
    const texts = Array.from(el.querySelectorAll('.widget-label, .widget-label-basic')).map(l => l.textContent.trim())
      .concat([el.textContent.trim()]).filter(t => t && t !== '\\u200b');
    return {kind, label: (texts[0] || '').slice(0, 60)};
  });
}"""

# What a control changes: the figures' data and layout and the text the widget shows.
JS_SIGNATURE = """(root) => {
  const parts = [];
  for (const plot of root.querySelectorAll('.js-plotly-plot')) {
    parts.push(JSON.stringify([plot.data || null, plot.layout || null]));
  }
  for (const el of root.querySelectorAll('.widget-output, .widget-html')) {
    const clone = el.cloneNode(true);
    clone.querySelectorAll('.js-plotly-plot').forEach(p => p.remove());
    parts.push(clone.textContent);
  }
  const text = parts.join('\\u0001');
  let h = 5381;
  for (let i = 0; i < text.length; i++) h = ((h * 33) ^ text.charCodeAt(i)) >>> 0;
  return parts.length ? `${text.length}:${h}` : '';
}"""

# Each plotly figure: drawn (an SVG and plotly's layout), and for maps the country shapes.
JS_FIGURES = """(root) => Array.from(root.querySelectorAll('.jp-RenderedPlotly')).map(plot => {
  const geo = plot.querySelectorAll('.geolayer .geo').length > 0;
  const longPaths = Array.from(plot.querySelectorAll('.geolayer path'))
    .filter(p => (p.getAttribute('d') || '').length > 200).length;
  const countries = plot.querySelectorAll('.geolayer path.choroplethlocation').length;
  const land = Array.from(plot.querySelectorAll('.geolayer .layer.land path, .geolayer .layer.countries path'))
    .some(p => (p.getAttribute('d') || '').length > 10000);
  return {
    in_widget: !!plot.closest('.jupyter-widgets'),
    // Drawn: plotly made its SVG and shows traces or, for a figure of text only, its annotations.
    drawn: plot.classList.contains('js-plotly-plot') && !!plot.querySelector('svg.main-svg') && !!plot._fullLayout
      && Array.isArray(plot.data) && (plot.data.length > 0 || plot.querySelectorAll('.annotation-text').length > 0),
    geo, countries, land, long_paths: longPaths,
    shapes: geo ? (land || countries >= 20) : false,
    title: ((plot.layout && plot.layout.title && (plot.layout.title.text || plot.layout.title)) || '').toString().slice(0, 80),
  };
})"""


def _loopback_up() -> None:
    """Bring up the namespace's loopback interface (what `ip link set lo up` does)."""
    import fcntl
    import socket
    import struct

    siocgifflags, siocsifflags, iff_up = 0x8913, 0x8914, 0x1
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        flags = struct.unpack("16sh", fcntl.ioctl(s, siocgifflags, struct.pack("16sh", b"lo", 0)))[1]
        fcntl.ioctl(s, siocsifflags, struct.pack("16sh", b"lo", flags | iff_up))


def _no_outside_route() -> None:
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("192.0.2.1", 53))  # TEST-NET-1: only reachable with a route out
        except OSError:
            return
    raise SystemExit("the network namespace has a route beyond the machine; refusing to test")


def _api(path: str, method: str = "GET"):
    import urllib.request

    req = urllib.request.Request(f"http://127.0.0.1:{PORT}{path}", method=method, headers={"Authorization": f"token {TOKEN}"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        body = resp.read()
    return json.loads(body) if body else None


def _kernels_idle() -> bool:
    sessions = _api("/api/sessions")
    return bool(sessions) and all(s["kernel"]["execution_state"] == "idle" for s in sessions)


def _kernel_activity() -> tuple[tuple[str, str], ...]:
    """(last activity, execution state) of each session's kernel. The server stamps
    ``last_activity`` on every message the kernel publishes, a widget callback's included."""
    return tuple((s["kernel"].get("last_activity") or "", s["kernel"]["execution_state"]) for s in _api("/api/sessions") or [])


def _shutdown_sessions() -> None:
    for s in _api("/api/sessions") or []:
        _api(f"/api/sessions/{s['id']}", method="DELETE")


def _start_server(work: Path) -> subprocess.Popen:
    audit = work / "audit"
    audit.mkdir(exist_ok=True)
    (audit / "sitecustomize.py").write_text(AUDIT_HOOK, encoding="utf-8")
    env = {
        k: v for k, v in os.environ.items() if k not in {"CIVICSPACE_BOOK", "JUPYTER_PATH", "JUPYTER_CONFIG_PATH", "PYTHONPATH"}
    }
    env.update(
        PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}",
        PYTHONPATH=str(audit),
        PYTHONNOUSERSITE="1",
        CIVICSPACE_NET_AUDIT=str(work / "network.jsonl"),
        # The user's own Jupyter settings stay out: only the environment's configuration counts.
        JUPYTER_CONFIG_DIR=str(work / "user-config"),
        JUPYTER_DATA_DIR=str(work / "user-data"),
        JUPYTER_RUNTIME_DIR=str(work / "runtime"),
        JUPYTERLAB_SETTINGS_DIR=str(work / "lab-settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(work / "lab-workspaces"),
        IPYTHONDIR=str(work / "ipython"),
    )
    log = open(work / "server.log", "w", encoding="utf-8")  # noqa: SIM115 (closed with the process)
    server = subprocess.Popen(
        [
            str(BIN / "jupyter"),
            "lab",
            "--no-browser",
            "--allow-root",
            "--ip=127.0.0.1",
            f"--port={PORT}",
            f"--IdentityProvider.token={TOKEN}",
            f"--ServerApp.root_dir={work / 'notebooks'}",
        ],
        cwd=work,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"JupyterLab exited with {server.returncode}; see {work / 'server.log'}")
        try:
            _api("/api/status")
            return server
        except OSError:
            time.sleep(0.5)
    server.terminate()
    raise SystemExit("JupyterLab did not start within 120 s")


def _wait(predicate, timeout: float, step: float = 0.5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    return predicate()


def _run_all_cells(page) -> None:
    """Run → Run All Cells, then wait until every code cell has run (or the run stopped)."""
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()

    def prompts():
        return page.evaluate(
            "() => Array.from(document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputArea-prompt'))"
            ".map(e => e.textContent.trim())"
        )

    _wait(lambda: any(p not in ("[ ]:", "") for p in prompts()), 60)
    _wait(lambda: "[*]:" not in prompts() and _kernels_idle(), CHAPTER_TIMEOUT, step=1)
    # Let the last outputs render: the number of drawn figures stops changing.
    last, stable = None, 0
    deadline = time.monotonic() + 60
    while stable < 4 and time.monotonic() < deadline:
        n = page.evaluate("() => document.querySelectorAll('.js-plotly-plot svg.main-svg').length")
        stable = stable + 1 if n == last else 0
        last = n
        time.sleep(0.5)


def _save(page, nb_path: Path) -> dict:
    """Save the notebook as a student would (Ctrl+S) and read it back."""
    before = nb_path.stat().st_mtime_ns
    page.locator(".jp-NotebookPanel .jp-Notebook").first.click(position={"x": 5, "y": 5})
    page.keyboard.press("Control+s")
    if not _wait(lambda: nb_path.stat().st_mtime_ns != before, 30):
        raise RuntimeError("the notebook was not saved")
    time.sleep(0.5)
    return json.loads(nb_path.read_text(encoding="utf-8"))


def _change(page, control, kind: str, attempt: int) -> bool:
    """Make the ``attempt``-th change to a control; False when there is none left to try."""
    if kind in ("dropdown", "select"):
        options = control.locator("select option").all()
        current = control.locator("select").input_value()
        values = [o.get_attribute("value") for o in options]
        others = [v for v in values if v != current]
        if attempt >= min(len(others), 3):
            return False
        # The next option, then the last, then the first.
        i = values.index(current) if current in values else -1
        order = [values[(i + 1) % len(values)], values[-1], values[0]]
        order = [v for v in dict.fromkeys(order) if v != current] + others
        control.locator("select").select_option(value=order[attempt])
        return True
    if kind == "select-multiple":
        values = [o.get_attribute("value") for o in control.locator("select option").all()]
        choices = [values[:1], values[-2:], values[1:3]]
        if attempt >= len(choices) or not values:
            return False
        control.locator("select").select_option(value=choices[attempt])
        return True
    if kind == "slider":
        # One step, then the farther end, then the other end (noUiSlider's keys): a model's
        # parameter may matter only in part of its range (chapter 10's exposure cost changes
        # nothing while the government cooperates anyway).
        handle = control.locator(".noUi-handle").first
        now, low, high = (float(handle.get_attribute(a)) for a in ("aria-valuenow", "aria-valuemin", "aria-valuemax"))
        if attempt == 0:
            key = "ArrowLeft" if now > low else "ArrowRight"
        elif attempt == 1:
            key = "Home" if now - low > high - now else "End"
        elif attempt == 2:
            key = "End" if now <= low else "Home"
        else:
            return False
        handle.focus()
        handle.press(key)
        return True
    if kind == "checkbox":
        if attempt >= 2:
            return False
        control.locator("input[type=checkbox]").click()
        return True
    if kind == "toggle-buttons":
        buttons = control.locator("button:not(.mod-active)").all()
        if attempt >= len(buttons):
            return False
        buttons[attempt].click()
        return True
    if kind == "radio":
        inputs = [i for i in control.locator("input[type=radio]").all() if not i.is_checked()]
        if attempt >= len(inputs):
            return False
        inputs[attempt].check()
        return True
    if kind in ("toggle-button", "button"):
        if attempt >= 2:
            return False
        control.click()
        return True
    if kind == "text":
        if attempt >= 1:
            return False
        box = control.locator("input").first
        value = box.input_value()
        try:
            new = str(float(value) + 1) if "." in value else str(int(value) + 1)
        except ValueError:
            new = value + " x"
        box.fill(new)
        box.press("Enter")
        return True
    return False


#: Seconds the kernel must stay idle, with the widget unchanged, after it handled a change
#: before that change counts as one that does not change the widget.
QUIET = 10


def _responded(root, before: str, activity, timeout: float = 60) -> bool:
    """Whether the widget changed after a change to one of its controls (``before``: its
    signature, ``activity``: :func:`_kernel_activity`, both taken before the change).

    True as soon as the signature differs. False once the kernel has handled the change and
    the widget still shows the same: the kernel was active since, is idle, and neither it nor
    the widget changed for :data:`QUIET` seconds (the kernel sends the new figure before it
    goes idle). Otherwise up to ``timeout`` (the kernel reruns a model for each change, on a
    busy machine), as when the change sent nothing to the kernel.
    """
    deadline = time.monotonic() + timeout
    quiet_since, last = None, None
    while time.monotonic() < deadline:
        if root.evaluate(JS_SIGNATURE) != before:
            return True
        now = _kernel_activity()
        if now and now != activity and all(state == "idle" for _, state in now) and now == last:
            quiet_since = quiet_since or time.monotonic()
            if time.monotonic() - quiet_since >= QUIET:
                return False
        else:
            quiet_since = None
        last = now
        time.sleep(0.3)
    return root.evaluate(JS_SIGNATURE) != before


def _settle(page, root, timeout: float = 10) -> str:
    """The widget's signature once it stops changing."""
    last, stable = None, 0
    deadline = time.monotonic() + timeout
    while stable < 3 and time.monotonic() < deadline:
        sig = root.evaluate(JS_SIGNATURE)
        stable = stable + 1 if sig == last else 0
        last = sig
        time.sleep(0.3)
    return last


def _exercise_widget(page, root, index: int, stem: str) -> dict:
    root.scroll_into_view_if_needed()
    controls = root.evaluate(JS_MARK_CONTROLS)
    before = _settle(page, root)
    root.screenshot(path=str(SHOTS / f"{stem}-interactive{index + 1}-before.png"))
    results = []
    for j, info in enumerate(controls):
        control = root.locator(f"[data-cs-control='{j}']")
        control.scroll_into_view_if_needed()
        changed, tried = False, 0
        while not changed:
            activity = _kernel_activity()
            if not _change(page, control, info["kind"], tried):
                break
            tried += 1
            changed = _responded(root, before, activity)
            before = _settle(page, root)
        results.append({**info, "changed": changed, "attempts": tried})
    _wait(lambda: all(f["drawn"] for f in root.evaluate(JS_FIGURES)), 20)
    root.screenshot(path=str(SHOTS / f"{stem}-interactive{index + 1}-after.png"))
    return {"index": index, "controls": results, "figures_after": root.evaluate(JS_FIGURES)}


def _chapter(context, work: Path, stem: str) -> dict:
    nb_path = work / "notebooks" / f"{stem}.ipynb"
    page = context.new_page()
    page_errors, console_errors = [], []
    page.on("pageerror", lambda exc: page_errors.append(str(exc)[:500]))
    page.on("console", lambda m: console_errors.append(m.text[:500]) if m.type == "error" else None)
    started = time.monotonic()
    result: dict = {"page_errors": page_errors, "console_errors": console_errors}
    try:
        page.goto(f"http://127.0.0.1:{PORT}/lab/tree/{stem}.ipynb?reset&token={TOKEN}")
        page.wait_for_selector(".jp-NotebookPanel .jp-Notebook .jp-Cell", timeout=90_000)
        if not _wait(lambda: _api("/api/sessions") and _kernels_idle(), 90):
            raise RuntimeError("the kernel did not start")
        _run_all_cells(page)
        saved = _save(page, nb_path)
        code = [c for c in saved["cells"] if c["cell_type"] == "code"]
        result["unrun_cells"] = sum(1 for c in code if c.get("execution_count") is None)
        result["cell_errors"] = [
            f"cell {i + 1}: {o.get('ename')}: {o.get('evalue', '')[:300]}"
            for i, c in enumerate(saved["cells"])
            for o in c.get("outputs", [])
            if o.get("output_type") == "error"
        ]
        result["saved_plotly_outputs"] = sum(
            1 for c in code for o in c.get("outputs", []) if "application/vnd.plotly.v1+json" in o.get("data", {})
        )
        n_widgets = page.evaluate(JS_MARK_WIDGETS)
        result["widgets"] = [_exercise_widget(page, page.locator(f"[data-cs-widget='{i}']"), i, stem) for i in range(n_widgets)]
        notebook = page.locator(".jp-NotebookPanel .jp-Notebook").first
        result["figures"] = notebook.evaluate(JS_FIGURES)
        maps = page.locator(".jp-NotebookPanel .jp-RenderedPlotly:has(.geolayer .geo)")
        if maps.count():
            maps.first.scroll_into_view_if_needed()
            maps.first.screenshot(path=str(SHOTS / f"{stem}-first-map.png"))
    except Exception as err:  # recorded, so the other chapters still run
        result["fatal"] = f"{type(err).__name__}: {err}"[:2000]
        try:
            page.screenshot(path=str(SHOTS / f"{stem}-failure.png"))
        except Exception:
            pass
    finally:
        result["seconds"] = round(time.monotonic() - started, 1)
        try:
            _shutdown_sessions()
        except OSError:
            pass
        page.close()
    return result


def session(work: Path) -> None:
    from conftest import chromium_executable
    from playwright.sync_api import sync_playwright

    _loopback_up()
    _no_outside_route()
    server = _start_server(work)
    requests: list[str] = []
    report: dict = {"chapters": {}}
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=chromium_executable(),
                args=[
                    "--no-sandbox",
                    "--disable-gpu",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                ],
            )
            context = browser.new_context(viewport={"width": 1400, "height": 1100})
            context.on("request", lambda r: requests.append(r.url))
            for nb in sorted((work / "notebooks").glob("*.ipynb")):
                report["chapters"][nb.stem] = _chapter(context, work, nb.stem)
                print(f"{nb.stem}: {report['chapters'][nb.stem]['seconds']} s", flush=True)
            page = context.new_page()
            page.goto(f"http://127.0.0.1:{PORT}/lab?token={TOKEN}")
            page.wait_for_selector("#jupyter-config-data", state="attached")
            report["page_config"] = json.loads(page.locator("#jupyter-config-data").text_content())
            browser.close()
    finally:
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
    report["requests_total"] = len(requests)
    report["outside_requests"] = sorted({u for u in requests if not u.startswith(LOCAL_PREFIXES)})
    audit = work / "network.jsonl"
    report["server_network"] = audit.read_text(encoding="utf-8").splitlines() if audit.exists() else []
    marker = work / "network.jsonl.active"
    active = marker.read_text(encoding="utf-8") if marker.exists() else ""
    report["audit_active"] = "jupyter-lab" in active and "kernel-" in active
    log = (work / "server.log").read_text(encoding="utf-8", errors="replace").splitlines()
    report["server_tracebacks"] = [
        "\n".join(log[max(0, i - 2) : i + 12]) for i, line in enumerate(log) if line.startswith("Traceback")
    ]
    (work / "report.json").write_text(json.dumps(report, indent=1), encoding="utf-8")


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--session", type=Path, required=True, help="work folder holding notebooks/")
    session(parser.parse_args().session)
