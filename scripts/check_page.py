"""Open built book pages in headless Chromium with the network cut; report and screenshot.

    .venv/bin/python scripts/check_page.py _build/html book/chapters/01_foundations.html [more pages...]

For each page prints: requests that tried to leave the site (blocked), JavaScript
errors, HTTP errors, and how many plotly figures were drawn out of how many after
scrolling through the page (figures are drawn as they come near the viewport);
saves a full-page screenshot to _build/screenshots/<page>.png and one per figure.
Exit status 1 if any page has a problem. The test suite makes the same checks.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import sys
import threading
from pathlib import Path

TARGETS = "document.querySelectorAll('.cs-plotly-target')"


def scroll_through(page, timeout: float = 20_000) -> None:
    """Scroll each figure into view in turn and wait until it is drawn, as a reader
    scrolling down the page would make it; raises playwright's TimeoutError if one is not."""
    n = page.evaluate(f"{TARGETS}.length")
    for i in range(n):
        page.evaluate(f"i => {TARGETS}[i].scrollIntoView({{block: 'center'}})", i)
        page.wait_for_function(f"i => {TARGETS}[i].getAttribute('data-cs-drawn') === 'true'", arg=i, timeout=timeout)
    page.evaluate("window.scrollTo(0, 0)")


def main(site: str, pages: list[str]) -> int:
    from playwright.sync_api import sync_playwright

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=site))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    shots = Path("_build/screenshots")
    shots.mkdir(parents=True, exist_ok=True)
    failed = False
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=shutil.which("chromium"),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        for rel in pages:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            outside, errors = [], []
            # Each handler keeps this page's lists (default arguments), not the next page's.
            page.route(
                "**/*",
                lambda r, outside=outside: (
                    r.continue_() if r.request.url.startswith(base) else (outside.append(r.request.url), r.abort())
                ),
            )
            page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
            page.on("console", lambda m, errors=errors: errors.append(m.text) if m.type == "error" else None)
            page.on("response", lambda r, errors=errors: errors.append(f"HTTP {r.status} {r.url}") if r.status >= 400 else None)
            page.goto(base + rel, wait_until="load")
            n = page.evaluate("document.querySelectorAll('.cs-plotly-target').length")
            try:
                scroll_through(page)
            except Exception:
                pass
            drawn = page.evaluate("document.querySelectorAll('.cs-plotly-target[data-cs-drawn=true]').length")
            stem = rel.replace("/", "__")
            page.screenshot(path=str(shots / f"{stem}.png"), full_page=True)
            for i, fig in enumerate(page.query_selector_all(".cs-plotly")):
                fig.screenshot(path=str(shots / f"{stem}__fig{i}.png"))
            ok = not outside and not errors and drawn == n
            failed |= not ok
            print(f"{rel}: figures drawn {drawn}/{n}; outside requests {outside or 'none'}; errors {errors or 'none'}")
            page.close()
        browser.close()
    server.shutdown()
    print(f"screenshots in {shots}/")
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2:]))
