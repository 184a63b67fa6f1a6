"""Chapter pages load only the plotly.js they need: the partial bundles, their fetcher and the choice per page.

The fetcher is tested with tarballs made here (no network). The browser test checks the
lock's trace lists against the bundles installed in this environment.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re
import tarfile
from pathlib import Path

import pytest
from conftest import ROOT

from civicspace import plotting
from civicspace.book import sphinxext


def npm_tarball(files: dict[str, bytes]) -> bytes:
    """A gzipped tarball laid out like npm's (everything under package/)."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(f"package/{name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def integrity(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


def write_lock(tmp_path: Path, tarball: bytes, *, declared: bytes | None = None, version: str = "9.9.9") -> Path:
    lock = {
        "plotly.js": "9.9.9",
        "bundles": [
            {
                "name": "fake",
                "package": "plotly.js-fake-dist-min",
                "version": version,
                "tarball": "https://registry.npmjs.org/plotly.js-fake-dist-min/-/plotly.js-fake-dist-min-9.9.9.tgz",
                "integrity": integrity(declared if declared is not None else tarball),
                "file": "plotly-fake.min.js",
                "traces": ["bar", "scatter"],
            }
        ],
    }
    path = tmp_path / "js-bundles.json"
    path.write_text(json.dumps(lock), encoding="utf-8")
    return path


GOOD = npm_tarball({"plotly-fake.min.js": b"/* plotly.js (fake) v9.9.9 */", "LICENSE": b"MIT License", "README.md": b"x"})


def test_fetcher_installs_a_verified_bundle_and_its_licence_then_downloads_nothing(tmp_path):
    lock = sphinxext.read_lock(write_lock(tmp_path, GOOD))
    dest = tmp_path / "share"
    urls = []
    fetched = sphinxext.install(lock, dest, download=lambda url: urls.append(url) or GOOD, log=lambda *a: None)
    assert fetched == ["fake"] and urls == [lock.bundles[0].tarball]
    assert (dest / "fake" / "plotly-fake.min.js").read_bytes() == b"/* plotly.js (fake) v9.9.9 */"
    assert (dest / "fake" / "LICENSE").read_bytes() == b"MIT License"
    assert not (dest / "fake" / "README.md").exists()
    assert sphinxext.installed_path(lock.bundles[0], dest) == dest / "fake" / "plotly-fake.min.js"

    def no_network(url):
        raise AssertionError(f"downloaded {url} although the bundle is installed")

    assert sphinxext.install(lock, dest, download=no_network, log=lambda *a: None) == []


def test_fetcher_rejects_a_tarball_whose_integrity_does_not_match(tmp_path):
    tampered = npm_tarball({"plotly-fake.min.js": b"alert('not plotly')", "LICENSE": b"MIT License"})
    lock = sphinxext.read_lock(write_lock(tmp_path, tampered, declared=GOOD))
    dest = tmp_path / "share"
    with pytest.raises(sphinxext.BundleError, match=r"plotly\.js-fake-dist-min@9\.9\.9 .*integrity mismatch"):
        sphinxext.install(lock, dest, download=lambda url: tampered, log=lambda *a: None)
    assert not (dest / "fake").exists()
    with pytest.raises(sphinxext.BundleError, match=re.escape(str(dest / "fake" / "plotly-fake.min.js")) + ".* is missing"):
        sphinxext.installed_path(lock.bundles[0], dest)


def test_fetcher_names_a_file_missing_from_the_tarball(tmp_path):
    no_licence = npm_tarball({"plotly-fake.min.js": b"x"})
    lock = sphinxext.read_lock(write_lock(tmp_path, no_licence))
    with pytest.raises(sphinxext.BundleError, match="package/LICENSE is not in the tarball"):
        sphinxext.install(lock, tmp_path / "share", download=lambda url: no_licence, log=lambda *a: None)


def test_installed_bundle_that_no_longer_matches_the_lock_is_reported(tmp_path):
    lock = sphinxext.read_lock(write_lock(tmp_path, GOOD))
    dest = tmp_path / "share"
    sphinxext.install(lock, dest, download=lambda url: GOOD, log=lambda *a: None)
    newer = npm_tarball({"plotly-fake.min.js": b"newer", "LICENSE": b"MIT License"})
    relocked = sphinxext.read_lock(write_lock(tmp_path, newer))
    with pytest.raises(sphinxext.BundleError, match="does not match plotly.js-fake-dist-min@9.9.9 in the lock"):
        sphinxext.installed_path(relocked.bundles[0], dest)


def test_lock_errors_name_the_file_and_entry(tmp_path):
    path = write_lock(tmp_path, GOOD, version="9.9.8")
    with pytest.raises(sphinxext.BundleError, match=re.escape(f"{path}: bundles[0]") + ".* is not plotly.js 9.9.9"):
        sphinxext.read_lock(path)
    data = json.loads(write_lock(tmp_path, GOOD).read_text())
    data["bundles"][0]["tarball"] = "https://cdn.example.org/plotly.tgz"
    path.write_text(json.dumps(data))
    with pytest.raises(sphinxext.BundleError, match=r"bundles\[0\]: tarball .* is not on https://registry.npmjs.org/"):
        sphinxext.read_lock(path)
    with pytest.raises(sphinxext.BundleError, match="missing"):
        sphinxext.read_lock(tmp_path / "absent.json")


def test_the_lock_pins_the_plotly_js_version_of_the_plotly_wheel():
    lock = sphinxext.read_lock(ROOT / "binder" / "js-bundles.json")
    assert lock.plotly_js == sphinxext.plotly_js_version()
    assert {b.name for b in lock.bundles} >= {"cartesian", "geo"}


def test_the_makefile_environment_step_fetches_the_bundles():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = makefile.split("$(STAMP): ", 1)[1].split("\n\n", 1)[0]
    assert "-m civicspace.book.sphinxext" in recipe
    assert recipe.index("-e .") < recipe.index("-m civicspace.book.sphinxext") < recipe.index("touch $(STAMP)")
    # kaleido (the figures' stills), pinned in its own file and installed with the lock.
    assert "BOOK_LOCK := binder/requirements-book.txt" in makefile and "-r $(BOOK_LOCK)" in recipe
    pins = [line for line in (ROOT / "binder" / "requirements-book.txt").read_text().splitlines() if line and line[0] != "#"]
    assert pins == ["kaleido==0.2.1"]


def test_a_missing_bundle_stops_the_book_build_naming_the_file(monkeypatch, tmp_path):
    monkeypatch.setattr(sphinxext, "install_dir", lambda: tmp_path / "nothing-here")
    with pytest.raises(
        sphinxext.BundleError, match=re.escape(str(tmp_path / "nothing-here")) + r"/\w+/plotly-\w+\.min\.js.* is missing"
    ):
        sphinxext.partial_bundles()


def test_page_trace_types_read_every_figure_and_its_frames():
    import plotly.graph_objects as go

    bar = go.Figure(go.Bar(x=[1], y=[2]))
    animated = go.Figure(go.Scatter(x=[1], y=[1]), frames=[go.Frame(data=[go.Choropleth(locations=["FRA"], z=[1])])])
    body = "<p>text</p>" + plotting.figure_html(bar) + plotting.figure_html(animated)
    assert sphinxext.page_trace_types(body) == {"bar", "scatter", "choropleth"}
    assert sphinxext.page_trace_types("<p>no figure</p>") == set()
    broken = plotting.figure_html(bar).replace('{"data"', '{"data" oops', 1)
    with pytest.raises(ValueError, match="chapter-x: figure 1: its JSON does not parse"):
        sphinxext.page_trace_types(broken, "chapter-x")


def test_each_trace_mix_gets_the_smallest_bundle_that_holds_it():
    bundles = sphinxext.partial_bundles()
    assert sphinxext.plotly_for_page({"bar", "scatter"}, bundles) == "plotly-basic.min.js"
    assert sphinxext.plotly_for_page({"heatmap", "scatter"}, bundles) == "plotly-cartesian.min.js"
    assert sphinxext.plotly_for_page({"choropleth", "scatter"}, bundles) == "plotly-geo.min.js"
    # No partial bundle has both a map and a heatmap, or a table: the full plotly.js.
    assert sphinxext.plotly_for_page({"choropleth", "heatmap"}, bundles) == sphinxext.PLOTLY_JS
    assert sphinxext.plotly_for_page({"table"}, bundles) == sphinxext.PLOTLY_JS


@pytest.mark.slow
def test_the_lock_lists_the_trace_types_each_installed_bundle_registers(browser):
    """The lock's 'traces' decide which bundle a page gets: they must be what the bundle really holds."""
    lock = sphinxext.read_lock()
    for bundle in lock.bundles:
        path = sphinxext.installed_path(bundle)
        page = browser.new_page()
        try:
            page.route("**/*", lambda r: r.abort())
            page.set_content("<!doctype html><div id=g></div>")
            page.add_script_tag(path=str(path))
            registered = set(page.evaluate("Object.keys(Plotly.PlotSchema.get().traces)"))
            version = page.evaluate("Plotly.version")
        finally:
            page.close()
        assert registered == set(bundle.traces), f"{bundle.package}: registers {sorted(registered)}"
        assert version == lock.plotly_js


def test_the_theme_s_fontawesome_script_is_taken_out_of_a_page_and_nothing_else():
    head = (
        '<link href="../_static/styles/theme.css?digest=1" rel="stylesheet" />\n'
        '  <script defer src="../_static/scripts/fontawesome.js?digest=55c26ed414f5f8a31ebb"></script>\n'
        '  <link rel="preload" as="script" href="../_static/scripts/bootstrap.js?digest=1" />\n'
        '<script defer src="../_static/scripts/bootstrap.js?digest=1"></script>\n'
        '<script src="_static/scripts/fontawesome.js"></script><p>fontawesome.js is named here in the text</p>'
    )
    out = sphinxext.without_fontawesome_js(head)
    assert "scripts/fontawesome.js" not in out
    assert out == (
        '<link href="../_static/styles/theme.css?digest=1" rel="stylesheet" />\n'
        '  <link rel="preload" as="script" href="../_static/scripts/bootstrap.js?digest=1" />\n'
        '<script defer src="../_static/scripts/bootstrap.js?digest=1"></script><p>fontawesome.js is named here in the text</p>'
    )


@pytest.mark.slow
@pytest.mark.xdist_group("book")
def test_pages_load_no_fontawesome_script_and_the_header_icons_draw_from_the_webfont(browser, site_url, book_html):
    """Every page loads no fontawesome.js (1.5 MB), and the theme's icons (search, menu, theme
    switch, repository, download ...) still show: their ::before glyph from the webfont."""
    from test_book import _open, site_pages

    pages = site_pages()
    for rel in pages:
        html = (book_html / rel).read_text(encoding="utf-8")
        assert "fontawesome.js" not in html, f"{rel} still loads fontawesome.js"
    assert not (book_html / "_static" / "scripts" / "fontawesome.js").exists()
    for rel in ["book/intro.html", "book/chapters/06_aml_cft.html"]:
        page, outside, errors = _open(browser, site_url + rel, site_url)
        try:
            page.evaluate("document.fonts.ready")
            icons = page.evaluate("""() => Array.from(document.querySelectorAll('.bd-header-article [class*="fa-"], .search-button-field [class*="fa-"]'))
                .filter(i => i.getClientRects().length)
                .map(i => { const b = getComputedStyle(i, '::before'); const r = i.getBoundingClientRect();
                            return [i.className, b.content, b.fontFamily, Math.round(r.width), Math.round(r.height)]; })""")
            fonts = page.evaluate("""() => Array.from(document.fonts).filter(f => f.status === 'loaded').map(f => f.family)""")
        finally:
            page.close()
        # The article header's menu, repository, download, full-screen and theme buttons, and the search field.
        assert len(icons) >= 6, f"{rel}: too few visible icons in the header: {icons}"
        for cls, content, family, w, h in icons:
            assert content not in ("none", "normal", '""'), f"{rel}: icon {cls} has no glyph"
            assert "Font Awesome" in family and w > 0 and h > 0, f"{rel}: icon {cls}: {family}, {w}x{h}"
        assert any("Font Awesome" in f for f in fonts), f"{rel}: no Font Awesome webfont loaded: {fonts}"
        assert outside == [] and errors == [], (rel, outside, errors)
