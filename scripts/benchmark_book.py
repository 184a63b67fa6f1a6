"""Benchmark the online book: build times, page weight and time to draw figures.

A script that prints figures (not a test): run it from the repository root with
the project's environment, e.g.  .venv/bin/python scripts/benchmark_book.py

It builds the book from scratch into a temporary folder (clean build: no
execution cache), builds it again unchanged (no-op rebuild, the execution cache
at work), then measures every page of that build:

- own bytes: the page's HTML plus files only it uses outside _static/ (images,
  downloads); the site-wide assets in _static/ (plotly.js, theme, fonts) are
  fetched once and cached, and are reported as one total;
- time until every figure on the page is drawn, in headless Chromium with a cold
  cache and the network cut, from navigation start.

Goals (issue 8): no-op rebuild <= 15% of a clean build; median chapter page
<= 300 KB of own bytes; every page's figures drawn within 2 s.
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
        env=env, capture_output=True, text=True,
    )
    if res.returncode != 0:
        sys.exit(f"build failed:\n{res.stdout[-3000:]}\n{res.stderr[-3000:]}")
    return time.perf_counter() - start


def pages(html: Path) -> list[Path]:
    return sorted(p for p in html.rglob("*.html") if not any(x.startswith(("_", ".")) for x in p.relative_to(html).parts))


def own_bytes(page: Path, html: Path) -> int:
    text = page.read_text(encoding="utf-8")
    if re.search(r'http-equiv="refresh"', text, re.I):
        return len(text.encode())
    total = len(text.encode())
    # What the browser loads with the page: src= of scripts, images and frames, and
    # stylesheets; not the targets of links (<a href>), which load only when followed.
    loaded = set(re.findall(r'\bsrc="([^"#?]+)', text))
    loaded |= set(re.findall(r'<link[^>]*rel="stylesheet"[^>]*href="([^"#?]+)', text))
    for ref in loaded:
        if ref.startswith(("http:", "https:", "mailto:", "//")):
            continue
        target = (page.parent / ref).resolve()
        if target.is_file() and "_static" not in target.relative_to(html.resolve()).parts and target.suffix != ".html":
            total += target.stat().st_size
    return total


def draw_times(html: Path) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(html)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    times = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        for page_path in pages(html):
            rel = str(page_path.relative_to(html))
            if re.search(r'http-equiv="refresh"', page_path.read_text(encoding="utf-8"), re.I):
                continue
            context = browser.new_context()  # cold cache for every page
            page = context.new_page()
            page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(base) else r.abort())
            page.goto(base + rel, wait_until="domcontentloaded")
            n = page.evaluate("document.querySelectorAll('.cs-plotly-target').length")
            if n:
                page.wait_for_function(
                    "n => document.querySelectorAll('.cs-plotly-target[data-cs-drawn=true]').length === n", arg=n, timeout=60_000
                )
                times[rel] = page.evaluate("performance.now()") / 1000
            context.close()
        browser.close()
    server.shutdown()
    return times


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="civicspace-bench-") as tmp:
        out = Path(tmp)
        clean = build(out)
        noop = build(out)
        html = out / "_build" / "html"
        sizes = {str(p.relative_to(html)): own_bytes(p, html) for p in pages(html)}
        chapters = {k: v for k, v in sizes.items() if k.startswith("book/chapters/")}
        shared = sum(p.stat().st_size for p in (html / "_static").rglob("*") if p.is_file())
        drawn = draw_times(html)

    print(f"clean build            {clean:8.1f} s")
    print(f"no-op rebuild          {noop:8.1f} s   ({100 * noop / clean:.0f}% of clean; goal <= 15%)")
    print(f"shared assets (_static) {shared / 1e6:7.2f} MB  (fetched once per reader, then cached)")
    print(f"own bytes per page     median {statistics.median(sizes.values()) / 1e3:.0f} KB, max {max(sizes.values()) / 1e3:.0f} KB")
    if chapters:
        print(f"chapter pages          median {statistics.median(chapters.values()) / 1e3:.0f} KB (goal <= 300 KB), max {max(chapters.values()) / 1e3:.0f} KB")
    print("\npage                                      own KB   figures drawn after")
    for rel, size in sizes.items():
        t = f"{drawn[rel]:.2f} s" if rel in drawn else "-"
        print(f"{rel:42s} {size / 1e3:7.0f}   {t}")
    if drawn:
        print(f"\nslowest page to draw all figures: {max(drawn.values()):.2f} s (goal <= 2 s)")


if __name__ == "__main__":
    main()
