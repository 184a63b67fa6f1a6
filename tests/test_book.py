"""The online book: it builds with warnings as errors, and Chromium draws every figure offline.

All tests here share one build (xdist group "book"), which uses the execution
cache in _build/.jupyter_cache like `make book` does.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import chapter_docs, execute_chapter

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("book")]

ROOT = Path(__file__).resolve().parents[1]
PLOTLY_MIME = "application/vnd.plotly.v1+json"


def test_book_builds_with_warnings_as_errors(built_book):
    log = built_book.stdout + built_book.stderr
    reports = sorted((ROOT / "_build" / "html" / "reports").glob("**/*.log"))
    details = "\n".join(f"--- {r}\n{r.read_text()[-3000:]}" for r in reports)
    assert built_book.returncode == 0, f"jupyter-book failed:\n{log[-6000:]}\n{details}"
    assert (ROOT / "_build" / "html" / "index.html").exists()
    assert "WARNING" not in log.replace("[IPKernelApp] WARNING", ""), log[-4000:]


def expected_figures(doc: str) -> int:
    """Number of plotly figures the chapter makes outside its live-widget cells."""
    nb = execute_chapter(doc)
    return sum(
        1
        for cell in nb.cells
        if cell.cell_type == "code" and "skip-execution" not in cell.metadata.get("tags", [])
        for out in cell.get("outputs", [])
        if PLOTLY_MIME in out.get("data", {})
    )


def expected_trace_types(doc: str) -> set[str]:
    """Trace types (frames included) of the plotly figures the chapter makes."""
    nb = execute_chapter(doc)
    types = set()
    for cell in nb.cells:
        if cell.cell_type != "code" or "skip-execution" in cell.metadata.get("tags", []):
            continue
        for out in cell.get("outputs", []):
            fig = out.get("data", {}).get(PLOTLY_MIME)
            if fig:
                traces = list(fig.get("data", [])) + [t for f in fig.get("frames", []) for t in f.get("data", [])]
                types |= {t.get("type", "scatter") for t in traces}
    return types


def plotly_scripts(html: str) -> list[str]:
    """File names of the plotly.js scripts (full or partial bundle) a page loads: by a
    <script src> of its own, or through the figure loader's data-plotly attribute (the
    loader fetches it once a figure comes near the viewport)."""
    direct = re.findall(r'<script[^>]+src="[./]*_static/(plotly[\w.-]*\.js)[?"]', html)
    loader = [
        m.group(1)
        for tag in re.findall(r"<script\b[^>]*civicspace-plotly\.js[^>]*>", html)
        if (m := re.search(r'data-plotly="(plotly[\w.-]*\.js)"', tag))
    ]
    return direct + loader


STILL = re.compile(r'<div id="([^"]+)" class="cs-plotly-target"[^>]*>(<img class="cs-plotly-still"[^>]*>)?</div>')


@pytest.mark.parametrize("doc", chapter_docs())
def test_every_figure_has_a_still_image_of_itself_in_the_site(book_html, doc):
    """Each figure's target holds one still image, a file of the site drawn from that figure:
    an SVG holds the figure's title (a WebP, for a large map, is a real WebP image)."""
    import html as html_lib
    import json

    page = book_html / f"{doc}.html"
    text = page.read_text(encoding="utf-8")
    figures = re.findall(
        r'<div id="([^"]+)" class="cs-plotly-target"[^>]*>(.*?)</div><script type="application/json" class="cs-plotly-data">(.*?)</script>',
        text,
        re.S,
    )
    assert len(figures) == expected_figures(doc)
    for div_id, inner, payload in figures:
        img = re.fullmatch(r'<img class="cs-plotly-still" src="([^"]+)" alt="" width="(\d+)" height="(\d+)"[^>]*>', inner)
        assert img, f"{doc}: figure {div_id} has no still image: {inner[:200]!r}"
        still = (page.parent / html_lib.unescape(img.group(1))).resolve()
        assert still.is_file() and still.stat().st_size > 1000, f"{doc}: figure {div_id}: {still} is missing or empty"
        spec = json.loads(payload.replace("<\\/", "</"))
        assert int(img.group(3)) == int(spec["layout"].get("height") or 480), f"{doc}: {div_id}: still not at the figure's height"
        data = still.read_bytes()
        if still.suffix == ".svg":
            title = spec["layout"].get("title") or {}
            title = title.get("text", "") if isinstance(title, dict) else str(title)
            # The title's longest run of text between tags, as the SVG writes it.
            words = max(re.split(r"<[^>]+>", title), key=len).strip()
            if words:
                assert html_lib.escape(words, quote=False) in data.decode("utf-8") or words in html_lib.unescape(
                    data.decode("utf-8")
                ), f"{doc}: {div_id}: the still {still.name} does not show the figure's title {words!r}"
        else:
            assert still.suffix == ".webp" and data[:4] == b"RIFF" and data[8:12] == b"WEBP", f"{doc}: {div_id}: {still.name}"


@pytest.mark.parametrize("doc", chapter_docs())
def test_chapter_page_html_holds_its_figures_and_no_library(book_html, doc):
    html = (book_html / f"{doc}.html").read_text(encoding="utf-8")
    n = expected_figures(doc)
    assert n >= 1, f"{doc} makes no plotly figure"
    assert html.count('class="cs-plotly-data"') == n, "a figure the chapter makes is missing from the page"
    # plotly.js is loaded from _static, not inlined in the page.
    assert len(html) < 1_000_000, f"{doc}.html is {len(html)} bytes: is plotly.js inlined?"
    assert plotly_scripts(html), "the page loads no plotly.js"
    # No <script src> or <link href> pointing off the site.
    for tag in re.findall(r"<(?:script|link)\b[^>]*>", html):
        assert not re.search(r'(?:src|href)="(?:https?:)?//', tag), f"external asset: {tag}"


@pytest.mark.parametrize("doc", chapter_docs())
def test_chapter_page_loads_the_smallest_plotly_bundle_holding_its_trace_types(book_html, doc):
    """One plotly.js per page: the smallest partial bundle of binder/js-bundles.json whose trace
    types (checked against the real bundles in test_page_speed.py) include every trace type the
    chapter's figures use; the full plotly.min.js only when no partial bundle holds them all."""
    from civicspace.book import sphinxext

    html = (book_html / f"{doc}.html").read_text(encoding="utf-8")
    types = expected_trace_types(doc)
    loaded = plotly_scripts(html)
    assert len(loaded) == 1, f"{doc} loads {loaded}: exactly one plotly.js expected"
    static = book_html / "_static"
    assert (static / loaded[0]).is_file(), f"{doc} loads _static/{loaded[0]}, which the site does not hold"
    covering = sorted(
        (b for b in sphinxext.read_lock().bundles if types <= b.traces), key=lambda b: (static / b.file).stat().st_size
    )
    if covering:
        assert loaded[0] == covering[0].file, f"{doc} (trace types {sorted(types)}) loads {loaded[0]}, not {covering[0].file}"
        assert (static / loaded[0]).stat().st_size < (static / "plotly.min.js").stat().st_size / 3
    else:
        assert loaded[0] == "plotly.min.js", f"no partial bundle holds {sorted(types)}, yet {doc} loads {loaded[0]}"


def test_pages_without_figures_load_no_plotly(book_html):
    for rel in ["book/intro.html", "book/references.html"]:
        html = (book_html / rel).read_text(encoding="utf-8")
        assert 'class="cs-plotly-data"' not in html
        assert plotly_scripts(html) == [], f"{rel} has no figure but loads {plotly_scripts(html)}"


@pytest.mark.parametrize("doc", chapter_docs())
def test_without_javascript_every_figure_shows_as_its_still_image(browser, site_url, doc):
    """A reader without JavaScript (or before plotly.js has run) sees every figure: its
    still image is loaded and drawn at the figure's place, the width of the column."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=False)
    page = context.new_page()
    outside = []
    page.route(
        "**/*", lambda r: r.continue_() if r.request.url.startswith(site_url) else (outside.append(r.request.url), r.abort())
    )
    try:
        page.goto(f"{site_url}{doc}.html", wait_until="load")
        shown = page.evaluate(
            "Array.from(document.querySelectorAll('.cs-plotly-target')).map(t => {"
            " const img = t.querySelector('img.cs-plotly-still'); if (!img) return [t.id, 0, 0, 0, 0];"
            " const box = img.getBoundingClientRect(), target = t.getBoundingClientRect();"
            " return [t.id, img.complete ? img.naturalWidth : 0, Math.round(box.width), Math.round(box.height), Math.round(target.width)]; })"
        )
    finally:
        context.close()
    assert len(shown) == expected_figures(doc)
    for div_id, natural, width, height, column in shown:
        assert natural > 0, f"{doc}: {div_id}: the still image did not load"
        assert width == column and height > 150, f"{doc}: {div_id}: still drawn {width}x{height} in a {column} px column"
    assert outside == []


TARGETS = "document.querySelectorAll('.cs-plotly-target')"


def _scroll_through(page, timeout: float = 30_000) -> None:
    """Scroll each figure into view in turn, as a reader would, and wait until it is drawn
    (figures are drawn when they come near the viewport)."""
    n = page.evaluate(f"{TARGETS}.length")
    for i in range(n):
        page.evaluate(f"i => {TARGETS}[i].scrollIntoView({{block: 'center'}})", i)
        page.wait_for_function(f"i => {TARGETS}[i].getAttribute('data-cs-drawn') === 'true'", arg=i, timeout=timeout)
    page.evaluate("window.scrollTo(0, 0)")


def _open(browser, url: str, site_url: str, height: int = 900):
    """Open url with every request outside site_url blocked and recorded."""
    page = browser.new_page(viewport={"width": 1280, "height": height})
    outside, errors = [], []

    def route(r):
        u = r.request.url
        if u.startswith(site_url) or u.startswith("data:") or u.startswith("blob:"):
            r.continue_()
        else:
            outside.append(u)
            r.abort()

    page.route("**/*", route)
    page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
    page.on("response", lambda resp: errors.append(f"HTTP {resp.status}: {resp.url}") if resp.status >= 400 else None)
    page.on("console", lambda msg: errors.append(f"console.{msg.type}: {msg.text}") if msg.type == "error" else None)
    page.goto(url, wait_until="load")
    return page, outside, errors


def site_pages() -> list[str]:
    """Every HTML page of the built site (relative paths), once the book is built."""
    html = ROOT / "_build" / "html"
    return sorted(
        str(p.relative_to(html))
        for p in html.rglob("*.html")
        if not any(part.startswith(("_", ".")) for part in p.relative_to(html).parts)
    )


def test_every_chapter_and_appendix_page_is_in_the_site(book_html):
    pages = site_pages()
    for doc in chapter_docs() + ["book/intro", "book/references", "book/appendix/data"]:
        assert f"{doc}.html" in pages


def test_chromium_every_page_offline_drawn_and_accessible(browser, site_url, book_html, root):
    """Each page: no request leaves the site, no JavaScript error, every figure drawn,
    no serious or critical axe-core accessibility violation."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    shots = root / "_build" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    problems = []
    for rel in site_pages():
        text = (book_html / rel).read_text(encoding="utf-8")
        redirect = re.search(r'http-equiv="refresh" content="0; url=([^"]+)"', text, re.I)
        if redirect:  # the root index.html only forwards to the intro
            target = (book_html / rel).parent / redirect.group(1)
            if not target.exists():
                problems.append(f"{rel}: redirects to missing {redirect.group(1)}")
            continue
        page, outside, errors = _open(browser, site_url + rel, site_url)
        try:
            n = page.evaluate("document.querySelectorAll('.cs-plotly-target').length")
            if n:
                _scroll_through(page)
                for fig in page.query_selector_all(".cs-plotly-target"):
                    box = fig.bounding_box()
                    if fig.query_selector(".main-svg") is None or not box or box["width"] < 300 or box["height"] < 200:
                        problems.append(f"{rel}: figure {fig.get_attribute('id')} not drawn ({box})")
                # Maps: every location of each choropleth was drawn (the world topology loaded).
                for gd in page.query_selector_all(".cs-plotly-target"):
                    wanted, drawn = gd.evaluate(
                        "gd => [(gd.data || []).filter(t => t.type === 'choropleth')"
                        ".reduce((n, t) => n + (t.locations || []).length, 0),"
                        " gd.querySelectorAll('path.choroplethlocation').length]"
                    )
                    if wanted and drawn < 0.95 * wanted:
                        problems.append(f"{rel}: {drawn} of {wanted} map locations drawn: topology not loaded?")
                for fig in page.query_selector_all(".cs-plotly"):
                    if not (fig.get_attribute("aria-label") or "").strip():
                        problems.append(f"{rel}: a figure has no accessible description")
            page.wait_for_load_state("networkidle")
            # axe-core re-fetches stylesheets and resolves their @imports against the
            # page URL (a 404 no reader sees), so the page's own errors are taken first.
            page_errors = list(errors)
            result = axe.run(page)
            for v in result.response["violations"]:
                if v["impact"] in ("serious", "critical"):
                    targets = [node["target"] for node in v["nodes"][:3]]
                    problems.append(f"{rel}: axe {v['impact']} {v['id']}: {v['help']} at {targets}")
            page.screenshot(path=str(shots / (rel.replace("/", "__") + ".png")), full_page=True)
        finally:
            page.close()
        problems += [f"{rel}: request left the site: {u}" for u in outside]
        problems += [f"{rel}: {e}" for e in page_errors]
    assert problems == []


@pytest.mark.parametrize("doc", chapter_docs())
def test_chapter_draws_as_many_figures_as_it_makes(browser, site_url, doc):
    """Figures near the top are drawn at once, figures far below only when the reader
    scrolls to them, and every figure is drawn by the end of the page."""
    n = expected_figures(doc)
    page, outside, errors = _open(browser, f"{site_url}{doc}.html", site_url)
    try:
        assert page.evaluate(f"{TARGETS}.length") == n
        # Figures starting less than half a screen height below the viewport: drawn without scrolling.
        near = page.evaluate(
            f"Array.from({TARGETS}).map((t, i) => [i, t.getBoundingClientRect().top])"
            ".filter(([i, top]) => top < 1.5 * innerHeight).map(([i]) => i)"
        )
        for i in near:
            page.wait_for_function(f"i => {TARGETS}[i].getAttribute('data-cs-drawn') === 'true'", arg=i, timeout=30_000)
        # Figures starting more than four screen heights below (the loader draws from two, the
        # margin allows for images above them loading later): not drawn before the reader scrolls.
        far = page.evaluate(
            f"Array.from({TARGETS}).filter(t => t.getBoundingClientRect().top > 4 * innerHeight)"
            ".map(t => [t.id, t.getAttribute('data-cs-drawn'), !!t.querySelector('.main-svg')])"
        )
        assert [f for f in far if f[1] or f[2]] == [], f"{doc}: figures far below the viewport drawn before scrolling"
        # plotly.js is fetched only once a figure comes near: a page whose figures all start
        # more than two screen heights down has not loaded it before the reader scrolls.
        if page.evaluate(f"Array.from({TARGETS}).every(t => t.getBoundingClientRect().top > 2.2 * innerHeight)"):
            page.wait_for_load_state("networkidle")
            assert page.evaluate("typeof window.Plotly") == "undefined", f"{doc}: plotly.js loaded with no figure near"
            assert not page.evaluate(
                "performance.getEntriesByType('resource').some(e => /\\/plotly[\\w.-]*\\.js/.test(e.name))"
            ), f"{doc}: plotly.js fetched with no figure near"
        _scroll_through(page)
        assert page.evaluate(f"Array.from({TARGETS}).filter(t => t.getAttribute('data-cs-drawn') === 'true').length") == n
        # Each live figure replaced its still image: none is left over or under it.
        assert page.evaluate("document.querySelectorAll('img.cs-plotly-still').length") == 0
    finally:
        page.close()
    assert outside == [] and errors == [], (outside, errors)


AT_PRINT = (
    # What the print sees: a beforeprint listener added after the loader's runs after it.
    "window.addEventListener('beforeprint', () => { window.csAtPrint = ["
    f"Array.from({TARGETS}).map(t => [!!t.querySelector('.main-svg'),"
    " !!t.querySelector('img.cs-plotly-still') && t.querySelector('img.cs-plotly-still').naturalWidth > 0]),"
    "document.querySelectorAll('path.choroplethlocation').length]; })"
)


def test_printing_a_page_read_at_its_top_prints_every_figure_as_its_still(browser, site_url, tmp_path):
    """Printing (here: to PDF) a page read only at its top, before plotly.js was needed:
    every figure, the map included, is in the print as its still image."""
    doc = "book/chapters/01_foundations"
    # A short window: no figure is near its first screens, so plotly.js is not fetched.
    page, outside, errors = _open(browser, f"{site_url}{doc}.html", site_url, height=400)
    try:
        n = page.evaluate(f"{TARGETS}.length")
        assert n >= 2
        page.wait_for_load_state("networkidle")
        assert page.evaluate("typeof window.Plotly") == "undefined", "plotly.js loaded: this does not test the stills"
        page.evaluate(AT_PRINT)
        page.pdf(path=str(tmp_path / "01_foundations.pdf"))
        figures, _ = page.evaluate("window.csAtPrint")
    finally:
        page.close()
    assert len(figures) == n
    assert all(still and not live for live, still in figures), f"at print (live drawn, still shown): {figures}"
    assert outside == [] and errors == [], (outside, errors)


def test_printing_draws_every_figure_live_once_plotly_is_loaded(browser, site_url, tmp_path):
    """Printing a page whose first figure the reader has seen (so plotly.js is loaded) draws
    every figure live, maps with their countries, although the reader never scrolled to them."""
    doc = "book/chapters/01_foundations"
    page, outside, errors = _open(browser, f"{site_url}{doc}.html", site_url, height=400)
    try:
        n = page.evaluate(f"{TARGETS}.length")
        assert n >= 2
        page.evaluate(f"{TARGETS}[0].scrollIntoView({{block: 'center'}})")
        page.wait_for_function(f"{TARGETS}[0].getAttribute('data-cs-drawn') === 'true'", timeout=30_000)
        page.evaluate("window.scrollTo(0, 0)")
        # The loader fetches the world map ahead once the page is idle.
        page.wait_for_function("() => window.PlotlyGeoAssets && window.PlotlyGeoAssets.topojson.world_110m", timeout=30_000)
        undrawn = page.evaluate(f"Array.from({TARGETS}).filter(t => !t.querySelector('.main-svg')).length")
        page.evaluate(AT_PRINT)
        page.pdf(path=str(tmp_path / "01_foundations.pdf"))
        figures, locations = page.evaluate("window.csAtPrint")
    finally:
        page.close()
    assert undrawn >= 1, "every figure was drawn before printing: this page does not test printing"
    assert [live for live, _ in figures] == [True] * n
    assert locations > 100, "the map printed without its countries"
    assert outside == [] and errors == [], (outside, errors)


def test_static_interactive_year_slider_changes_the_map(browser, site_url):
    """The book's stand-in for the widget: moving the year changes which states are coloured."""
    doc = "book/chapters/01_foundations"
    page, outside, errors = _open(browser, f"{site_url}{doc}.html", site_url)
    try:
        _scroll_through(page)
        page.wait_for_selector(".cs-plotly-target .geo", timeout=30_000)
        gd = page.query_selector(".cs-plotly-target:has(.geo)")
        page.wait_for_function("gd => gd.getAttribute('data-cs-drawn') === 'true'", arg=gd)
        assert gd.query_selector(".slider-container") is not None, "the map has no year slider"
        n_frames = gd.evaluate("gd => gd._transitionData._frames.length")
        assert n_frames >= 50

        def title_and_colours():
            return gd.evaluate(
                "gd => [gd.querySelector('.gtitle').textContent,"
                " Array.from(gd.querySelectorAll('path.choroplethlocation')).map(p => getComputedStyle(p).fill)]"
            )

        title_2022, fills_2022 = title_and_colours()
        # Click the slider's first step (1966): as a reader would.
        gd.evaluate(
            "gd => Plotly.animate(gd, ['1966'], {mode: 'immediate', frame: {duration: 0, redraw: true}, transition: {duration: 0}})"
        )
        page.wait_for_function("gd => gd.querySelector('.gtitle').textContent.includes('1966')", arg=gd)
        title_1966, fills_1966 = title_and_colours()
        assert "2022" in title_2022 and "1966" in title_1966
        assert len(set(fills_1966)) == 1, "in 1966 no state was yet a party: one colour only"
        assert len(set(fills_2022)) == 2
    finally:
        page.close()
    assert outside == [] and errors == [], (outside, errors)


def test_built_book_leaks_no_solution_or_hidden_test(book_html):
    """Nothing a student can open in the built site contains a solution, hidden-test, rubric or
    teaching-notes line: the same scan the student edition must pass (civicspace.editions.student_edition)."""
    from civicspace.editions import student_edition as edition

    secrets = edition.collect_secrets(ROOT)
    assert secrets.lines and secrets.pairs
    leaks = []
    for path in book_html.rglob("*"):
        if path.is_file() and path.suffix in {".html", ".js", ".json", ".ipynb", ".md", ".txt", ".py"}:
            leaks += [(str(path.relative_to(book_html)), r) for r in edition.scan_bytes(path.read_bytes(), secrets)]
    assert leaks == []
