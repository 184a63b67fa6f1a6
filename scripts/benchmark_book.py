"""Benchmark the online book: build times, page weight and time to draw figures.

A script that prints figures (not a test): run it from the repository root with
the project's environment, e.g.  .venv/bin/python scripts/benchmark_book.py

It builds the book from scratch into a temporary folder (clean build: no
execution cache), builds it again unchanged (no-op rebuild, the execution cache
at work), then measures every page of that build:

- own bytes: the page's HTML plus the files outside _static/ that only it loads
  (its figures' still images); the site-wide assets, in _static/ (plotly.js, theme,
  fonts) or loaded by several pages (searchindex.js), are fetched once and cached,
  and are reported as totals;
- in headless Chromium with a cold cache and the network cut, from navigation
  start (median of three loads of each page): the theme-only page's load time
  (the intro: no figure, no plotly.js); for each chapter page, when its first
  figure is shown, and when all its figures are, as the page is scrolled through
  figure by figure; the same for the live (interactive) figures; and the
  JavaScript bytes the page parses (its plotly.js bundle and the other scripts).
  A figure is shown when the browser paints its still image (the build's image of
  the figure; Element Timing API) or draws it live, whichever comes first; it is
  live when plotly.js has drawn it (data-cs-drawn="true"), which replaces the still.

Goals (issue 8): no-op rebuild <= 15% of a clean build; median chapter page
<= 300 KB of own bytes. Goals (issue 19), for the median chapter page: first
figure within 1.3 x the theme-only page's load time; plotly.js bytes less than a
third of the full plotly.min.js.

    .venv/bin/python scripts/benchmark_book.py                    # build, then measure
    .venv/bin/python scripts/benchmark_book.py --html _build/html  # measure a built site only
    .venv/bin/python scripts/benchmark_book.py --html _build/html --repeats 7  # more loads on a busy machine
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def build(out: Path) -> float:
    env = dict(os.environ, CIVICSPACE_BOOK="1", PATH=f"{BIN}{os.pathsep}{os.environ['PATH']}")
    start = time.perf_counter()
    res = subprocess.run(
        [str(BIN / "jupyter-book"), "build", str(ROOT), "--path-output", str(out), "--warningiserror"],
        env=env,
        capture_output=True,
        text=True,
    )
    if res.returncode != 0:
        sys.exit(f"build failed:\n{res.stdout[-3000:]}\n{res.stderr[-3000:]}")
    return time.perf_counter() - start


def pages(html: Path) -> list[Path]:
    return sorted(p for p in html.rglob("*.html") if not any(x.startswith(("_", ".")) for x in p.relative_to(html).parts))


def loaded_files(page: Path, html: Path) -> set[Path]:
    """Files outside _static/ that the browser loads with the page: src= of scripts, images
    and frames, and stylesheets; not the targets of links (<a href>), which load only when
    followed."""
    text = page.read_text(encoding="utf-8")
    if re.search(r'http-equiv="refresh"', text, re.I):
        return set()
    refs = set(re.findall(r'\bsrc="([^"#?]+)', text))
    refs |= set(re.findall(r'<link[^>]*rel="stylesheet"[^>]*href="([^"#?]+)', text))
    found = set()
    for ref in refs:
        if ref.startswith(("http:", "https:", "mailto:", "//", "data:")):
            continue
        target = (page.parent / ref).resolve()
        if target.is_file() and "_static" not in target.relative_to(html.resolve()).parts and target.suffix != ".html":
            found.add(target)
    return found


def page_weights(html: Path) -> tuple[dict[str, int], int]:
    """Own bytes of every page (its HTML plus the files outside _static/ that only it loads:
    its figures' still images, say) and the bytes of the files outside _static/ that several
    pages load (searchindex.js: fetched once, then cached, like _static/)."""
    loads = {p: loaded_files(p, html) for p in pages(html)}
    users: dict[Path, int] = {}
    for files in loads.values():
        for f in files:
            users[f] = users.get(f, 0) + 1
    own = {
        str(p.relative_to(html)): len(p.read_bytes()) + sum(f.stat().st_size for f in files if users[f] == 1)
        for p, files in loads.items()
    }
    shared = sum(f.stat().st_size for f, n in users.items() if n > 1)
    return own, shared


THEME_ONLY = "book/intro.html"
REPEATS = 3

# Recorded from navigation start, per figure target id: when it gets data-cs-drawn="true"
# (live), and when the browser painted its still image (Element Timing).
RECORD_DRAWN = """
window.csLiveAt = {};
window.csStillAt = {};
new MutationObserver(function (records) {
  records.forEach(function (r) {
    if (r.attributeName === 'data-cs-drawn' && r.target.getAttribute('data-cs-drawn') === 'true') {
      window.csLiveAt[r.target.id] = performance.now();
    }
  });
}).observe(document, {attributes: true, subtree: true, attributeFilter: ['data-cs-drawn']});
new PerformanceObserver(function (list) {
  list.getEntries().forEach(function (e) {
    var target = e.element && e.element.closest('.cs-plotly-target');
    var at = e.renderTime || e.loadTime;
    if (target && at && !(target.id in window.csStillAt)) {
      window.csStillAt[target.id] = at;
    }
  });
}).observe({type: 'element', buffered: true});
"""
TARGETS = "document.querySelectorAll('.cs-plotly-target')"
SCRIPT_BYTES = """() => performance.getEntriesByType('resource')
  .filter(e => e.initiatorType === 'script' || /\\.js([?#]|$)/.test(e.name))
  .map(e => [e.name.split('?')[0].split('/').pop(), e.decodedBodySize || e.encodedBodySize || 0])"""


def measure_page(browser, url: str, base: str) -> dict:
    """One cold load of url: load time, first and last figure shown and drawn live (scrolling
    through), script bytes.

    Each figure is scrolled into view in turn (from when the HTML is parsed) and the next only
    once it is drawn live; first/all: when the first/last figure was shown (still painted or
    drawn live); live_first/live_all: when the first/last was drawn live."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})  # cold cache
    page = context.new_page()
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(base) else r.abort())
    page.add_init_script(RECORD_DRAWN)
    # The reader scrolls as soon as the page's HTML is parsed: to each figure in turn.
    page.goto(url, wait_until="domcontentloaded")
    n = page.evaluate(f"{TARGETS}.length")
    result = {"figures": n}
    if n:
        for i in range(n):
            page.evaluate(f"i => {TARGETS}[i].scrollIntoView({{block: 'center'}})", i)
            page.wait_for_function(f"i => {TARGETS}[i].getAttribute('data-cs-drawn') === 'true'", arg=i, timeout=60_000)
        ids = page.evaluate(f"Array.from({TARGETS}).map(t => t.id)")
        live, still = page.evaluate("[window.csLiveAt, window.csStillAt]")
        shown = [min(live[i], still.get(i, live[i])) for i in ids]
        result["first"], result["all"] = min(shown) / 1000, max(shown) / 1000
        result["live_first"], result["live_all"] = min(live.values()) / 1000, max(live.values()) / 1000
        result["stills"] = sum(i in still for i in ids)
    page.wait_for_load_state("load")
    result["load"] = page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd") / 1000
    result["scripts"] = dict(page.evaluate(SCRIPT_BYTES))
    context.close()
    return result


def browser_figures(html: Path, repeats: int = REPEATS) -> dict[str, dict]:
    """Median of ``repeats`` cold loads of the theme-only page and of every page with figures.

    The loads go round the pages (each round loads every page once), so that a change in
    the machine's load during the run weighs on every page alike."""
    from playwright.sync_api import sync_playwright

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(html)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    figures = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=chromium, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
        )
        measured = [
            str(p.relative_to(html))
            for p in pages(html)
            if str(p.relative_to(html)) == THEME_ONLY or 'class="cs-plotly-data"' in p.read_text(encoding="utf-8")
        ]
        runs: dict[str, list[dict]] = {rel: [] for rel in measured}
        for _ in range(repeats):
            for rel in measured:
                runs[rel].append(measure_page(browser, base + rel, base))
        for rel in measured:
            merged = {
                key: statistics.median(r[key] for r in runs[rel])
                for key in ("load", "first", "all", "live_first", "live_all")
                if key in runs[rel][0]
            }
            merged["stills"] = min(r.get("stills", 0) for r in runs[rel])
            merged["figures"] = runs[rel][0]["figures"]
            merged["scripts"] = runs[rel][0]["scripts"]
            figures[rel] = merged
        browser.close()
    server.shutdown()
    return figures


def plotly_bytes(scripts: dict[str, int]) -> tuple[str, int]:
    names = [k for k in scripts if k.startswith("plotly")]
    return ", ".join(names) or "-", sum(scripts[k] for k in names)


def report_speed(figures: dict[str, dict], full_plotly: int, repeats: int = REPEATS) -> None:
    theme = figures.get(THEME_ONLY)
    chapters = {k: v for k, v in figures.items() if k.startswith("book/chapters/") and v.get("figures")}
    print(f"\nIn headless Chromium, cold cache, network cut; median of {repeats} loads per page; times from navigation start.")
    print(
        f"Machine load average (1, 5, 15 min) after the loads: {', '.join(f'{x:.1f}' for x in os.getloadavg())} "
        f"on {os.cpu_count()} cores; times grow with the load."
    )
    if theme:
        print(
            f"theme-only page ({THEME_ONLY}) loaded after {theme['load']:.2f} s; "
            f"JavaScript {sum(theme['scripts'].values()) / 1e3:.0f} KB"
        )
    print("(shown: the figure's still image painted, or the figure drawn live if that came first; live: drawn by plotly.js)")
    print(
        f"\n{'chapter page':42s} {'figs':>4s} {'stills':>6s} {'load':>6s} {'1st shown':>9s} {'all shown':>9s} {'1st live':>8s} {'all live':>8s}  "
        f"{'plotly.js':26s} {'plotly KB':>9s} {'other JS KB':>11s}"
    )
    for rel, v in chapters.items():
        name, pbytes = plotly_bytes(v["scripts"])
        other = sum(v["scripts"].values()) - pbytes
        print(
            f"{rel:42s} {v['figures']:4d} {v['stills']:6d} {v['load']:5.2f}s {v['first']:8.2f}s {v['all']:8.2f}s "
            f"{v['live_first']:7.2f}s {v['live_all']:7.2f}s  {name:26s} {pbytes / 1e3:9.0f} {other / 1e3:11.0f}"
        )
    if not chapters:
        return
    first = statistics.median(v["first"] for v in chapters.values())
    allf = statistics.median(v["all"] for v in chapters.values())
    live_first = statistics.median(v["live_first"] for v in chapters.values())
    live_all = statistics.median(v["live_all"] for v in chapters.values())
    pbytes = statistics.median(plotly_bytes(v["scripts"])[1] for v in chapters.values())
    print(
        f"\nmedian chapter page: first figure shown {first:.2f} s, all figures shown {allf:.2f} s (scrolled through); "
        f"drawn live: first {live_first:.2f} s, all {live_all:.2f} s; plotly.js {pbytes / 1e6:.2f} MB"
    )
    if theme:
        print(f"  first figure drawn live / theme-only load = {live_first / theme['load']:.2f}")
    if theme:
        ratio = first / theme["load"]
        print(f"  first figure / theme-only load = {ratio:.2f} (goal <= 1.3): {'met' if ratio <= 1.3 else 'NOT met'}")
    share = pbytes / full_plotly
    print(
        f"  plotly.js bytes / full plotly.min.js ({full_plotly / 1e6:.2f} MB) = {share:.2f} (goal < 0.33): "
        f"{'met' if share < 1 / 3 else 'NOT met'}"
    )


def main(argv: list[str] | None = None) -> None:
    import argparse

    parser = argparse.ArgumentParser(description="Benchmark the online book (prints figures).")
    parser.add_argument("--html", type=Path, help="measure this built site only (no build)")
    parser.add_argument(
        "--repeats",
        type=int,
        default=REPEATS,
        help=f"cold loads of each page, in rounds over all pages; the median is reported (default {REPEATS})",
    )
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT / "src"))
    from civicspace.book.sphinxext import plotly_js_path

    full_plotly = plotly_js_path().stat().st_size
    if args.html:
        report_speed(browser_figures(args.html, args.repeats), full_plotly, args.repeats)
        return
    with tempfile.TemporaryDirectory(prefix="civicspace-bench-") as tmp:
        out = Path(tmp)
        clean = build(out)
        noop = build(out)
        html = out / "_build" / "html"
        sizes, shared_pages = page_weights(html)
        chapters = {k: v for k, v in sizes.items() if k.startswith("book/chapters/")}
        shared = sum(p.stat().st_size for p in (html / "_static").rglob("*") if p.is_file())
        figures = browser_figures(html, args.repeats)

    print(f"clean build            {clean:8.1f} s")
    print(f"no-op rebuild          {noop:8.1f} s   ({100 * noop / clean:.0f}% of clean; goal <= 15%)")
    print(
        f"shared assets (_static) {shared / 1e6:7.2f} MB  (plotly.js bundles, theme, fonts; each fetched once per reader, then cached)"
    )
    print(f"shared by pages outside _static {shared_pages / 1e3:5.0f} KB  (searchindex.js: fetched once, then cached)")
    print(
        f"own bytes per page     median {statistics.median(sizes.values()) / 1e3:.0f} KB, max {max(sizes.values()) / 1e3:.0f} KB"
    )
    if chapters:
        print(
            f"chapter pages          median {statistics.median(chapters.values()) / 1e3:.0f} KB (goal <= 300 KB), max {max(chapters.values()) / 1e3:.0f} KB"
        )
    print("\npage                                      own KB")
    for rel, size in sizes.items():
        print(f"{rel:42s} {size / 1e3:7.0f}")
    report_speed(figures, full_plotly, args.repeats)


if __name__ == "__main__":
    main()
