"""Still images of the book's figures (civicspace.book.stills): what the page shows before
plotly.js has run, and what prints or shows without JavaScript."""

from __future__ import annotations

import base64
import json
import re

import plotly.graph_objects as go
import pytest

from civicspace import plotting
from civicspace.book import sphinxext, stills

SVG = (
    b'<svg class="main-svg" xmlns="http://www.w3.org/2000/svg" width="790" height="300" style="">'
    b'<rect x="0" y="0" width="790" height="300" style="fill: rgb(255, 255, 255); fill-opacity: 1;"/>'
    b'<g class="cartesianlayer"><g class="x"/><path class="point" d="M0,0H10V10Z" style="fill: rgb(0, 114, 178); opacity: 0.85;"/>'
    b'<path class="point" d="M20,0H30V10Z" style="fill: rgb(0, 114, 178); opacity: 0.85;"/>'
    b'<text class="gtitle" x="5" y="20" style="font-family: \'Segoe UI\', sans-serif; font-size: 14px;">Seventeen &amp; more</text>'
    b"</g></svg>"
)


class FakeRenderer:
    """Records what it was asked to draw; returns a fixed SVG (or a big one)."""

    def __init__(self, svg: bytes = SVG, webp: bytes = b"RIFF\0\0\0\0WEBPVP8 fake"):
        self.svg, self.webp, self.calls = svg, webp, []

    def __call__(self, spec, fmt, width, height, scale):
        self.calls.append((spec, fmt, width, height, scale))
        return self.svg if fmt == "svg" else self.webp


def page_with(*figs) -> str:
    return "<h1>Chapter</h1><p>text</p>" + "".join(plotting.figure_html(f) for f in figs) + "<p>end</p>"


def test_each_figure_gets_its_still_inside_its_target_and_the_file_is_written(tmp_path):
    bar = go.Figure(go.Bar(x=["a"], y=[1]), layout={"height": 300, "title": {"text": "A </script> title"}})
    line = go.Figure(go.Scatter(x=[1, 2], y=[3, 4]), layout={"height": 420, "width": 1234})
    body = page_with(bar, line)
    render = FakeRenderer()
    out = stills.add_stills(body, "book/chapters/x", "../../", tmp_path / "html", render, "id", tmp_path / "cache")
    imgs = re.findall(r'<div id="[^"]+" class="cs-plotly-target" style="[^"]*position:relative;"><img ([^>]*)></div>', out)
    assert len(imgs) == 2
    srcs = [re.search(r'src="([^"]+)"', i).group(1) for i in imgs]
    assert all(src.startswith("../../_figures/") and src.endswith(".svg") for src in srcs)
    assert ['height="300"' in imgs[0], 'height="420"' in imgs[1]] == [True, True]
    for src in srcs:
        assert (tmp_path / "html" / src.removeprefix("../../")).read_bytes() == stills.compact_svg(SVG)
    # The renderer saw each figure's own JSON (the "<\/" escape undone), at the column's
    # width and the figure's height, whatever width the figure's layout asked for.
    (spec1, fmt1, w1, h1, _), (spec2, _, w2, h2, _) = render.calls
    assert spec1["layout"]["title"]["text"] == "A </script> title" and fmt1 == "svg"
    assert (w1, h1, w2, h2) == (stills.WIDTH, 300, stills.WIDTH, 420) and "width" not in spec2["layout"]
    # Everything else in the page is as it was; the figures' data stay for the live drawing.
    assert re.sub(r"<img [^>]*>|position:relative;", "", out) == body
    assert stills.add_stills("<p>no figure</p>", "p", "", tmp_path, render, "id", tmp_path / "cache") == "<p>no figure</p>"


def test_a_still_is_drawn_once_then_read_from_the_cache_until_the_figure_or_renderer_changes(tmp_path):
    body = page_with(go.Figure(go.Bar(x=["a"], y=[1])))
    render = FakeRenderer()
    first = stills.add_stills(body, "p", "", tmp_path / "a", render, "kaleido 1", tmp_path / "cache")
    again = stills.add_stills(body, "p", "", tmp_path / "b", render, "kaleido 1", tmp_path / "cache")
    assert first == again and len(render.calls) == 1
    assert (tmp_path / "b" / stills.FOLDER).is_dir()  # the cached still is written to the new site
    stills.add_stills(body, "p", "", tmp_path / "c", render, "kaleido 2", tmp_path / "cache")
    changed = page_with(go.Figure(go.Bar(x=["a"], y=[2])))
    stills.add_stills(changed, "p", "", tmp_path / "d", render, "kaleido 2", tmp_path / "cache")
    assert len(render.calls) == 3


def test_a_large_svg_is_replaced_by_a_webp_at_twice_the_size(tmp_path):
    big = SVG.replace(b"</g></svg>", b"<path d='" + b"M1,1L2,2" * 30_000 + b"'/></g></svg>")
    render = FakeRenderer(svg=big)
    out = stills.add_stills(page_with(go.Figure(go.Bar(x=[1], y=[1]))), "p", "", tmp_path, render, "id", tmp_path / "c")
    assert [c[1] for c in render.calls] == ["svg", "webp"] and render.calls[1][4] == stills.WEBP_SCALE
    src = re.search(r'src="([^"]+\.webp)"', out).group(1)
    assert (tmp_path / src).read_bytes() == render.webp


def test_errors_name_the_page_and_the_figure(tmp_path):
    good = plotting.figure_html(go.Figure(go.Bar(x=[1], y=[1])), div_id="cs-fig-7")
    broken = good.replace('{"data"', '{"data" oops', 1)
    with pytest.raises(stills.StillError, match=r"book/chapters/x: figure 2 \(cs-fig-7\): its JSON does not parse"):
        stills.add_stills(good + broken, "book/chapters/x", "", tmp_path, FakeRenderer(), "id", tmp_path / "c")

    def failing(*args):
        raise ValueError("Transform failed with error code 525")

    with pytest.raises(stills.StillError, match=r"p: figure 1 \(cs-fig-7\): no still image could be drawn: .*code 525"):
        stills.add_stills(good, "p", "", tmp_path, failing, "id", tmp_path / "c2")
    # Nothing half-written is left in the cache to be taken for a still later.
    assert list((tmp_path / "c2").glob("*")) == []


def test_compact_svg_keeps_every_element_s_declarations_and_drops_only_class_names_and_empty_groups():
    out = stills.compact_svg(SVG).decode()
    assert 'class="main-svg"' not in out and "<g/>" not in out and "cartesianlayer" not in out
    rules = dict(re.findall(r"\.(s\d+)\{([^}]*)\}", re.search(r"<style>(.*?)</style>", out).group(1)))
    # The style used twice became one rule; the ones used once stay inline.
    assert list(rules.values()) == ["fill: rgb(0, 114, 178); opacity: 0.85;"]
    assert out.count(f'class="{next(iter(rules))}"') == 2
    assert "style=\"font-family: 'Segoe UI', sans-serif; font-size: 14px;\"" in out
    assert ">Seventeen &amp; more</text>" in out and out.startswith("<svg ") and out.endswith("</svg>")
    with pytest.raises(stills.StillError, match="does not start with an <svg>"):
        stills.compact_svg(b'<?xml version="1.0"?><p style="a:b" /><p style="a:b" />')


@pytest.mark.slow
def test_kaleido_draws_real_stills_offline_with_the_site_s_plotly_js(tmp_path, browser):
    """The real renderer: the chart's still shows its title and bars; a world map (its
    topology read from datasets/world_map/, not plotly's CDN) becomes a WebP image; and
    compacting an SVG changes no pixel of it (compared in Chromium)."""
    renderer = stills.KaleidoRenderer(sphinxext.plotly_js_path(), sphinxext.topojson_path().parent)
    try:
        bar = go.Figure(go.Bar(x=["Zebras", "Lions"], y=[17, 4]), layout={"title": {"text": "Seventeen zebras"}})
        spec = json.loads(plotting.figure_html(bar).split('class="cs-plotly-data">')[1].split("</script>")[0])
        raw = renderer(spec, "svg", stills.WIDTH, 300, 1)
        still = stills.draw(json.dumps(spec), 300, renderer, renderer.identity, tmp_path)
        world = go.Figure(go.Choropleth(locations=["FRA", "BRA", "IND", "AUS"], z=[1, 2, 3, 4]))
        map_spec = world.to_plotly_json()
        webp = renderer(map_spec, "webp", stills.WIDTH, 400, 1)
        map_svg = renderer(map_spec, "svg", stills.WIDTH, 400, 1)
    finally:
        renderer.close()
    text = raw.decode()
    assert text.startswith("<svg") and "Seventeen zebras" in text and text.count('class="point"') == 2
    compact = stills.compact_svg(raw)
    assert len(compact) < 0.8 * len(raw) and "Seventeen zebras" in compact.decode()
    # What the build writes: the compacted SVG (plotly's element ids differ between drawings).
    assert still.name.endswith(".svg") and b"<style>" in still.data and b"Seventeen zebras" in still.data
    assert webp[:4] == b"RIFF" and webp[8:12] == b"WEBP"
    assert map_svg.count(b"choroplethlocation") >= 4, "the map's countries were not drawn: topology not loaded?"

    page = browser.new_page()
    try:
        page.route("**/*", lambda r: r.abort())
        page.set_content("<!doctype html><p>compare</p>")
        urls = ["data:image/svg+xml;base64," + base64.b64encode(d).decode() for d in (raw, compact)]
        size, differing = page.evaluate(
            """async (urls) => {
              const pixels = [];
              for (const url of urls) {
                const img = new Image(); img.src = url; await img.decode();
                const c = document.createElement('canvas'); c.width = img.naturalWidth; c.height = img.naturalHeight;
                const g = c.getContext('2d'); g.drawImage(img, 0, 0);
                pixels.push(g.getImageData(0, 0, c.width, c.height).data);
              }
              let differing = 0;
              for (let i = 0; i < pixels[0].length; i++) if (pixels[0][i] !== pixels[1][i]) differing++;
              return [pixels[0].length, differing];
            }""",
            urls,
        )
    finally:
        page.close()
    assert size == stills.WIDTH * 300 * 4 and differing == 0
