"""Still images of the book's figures, drawn when the book is built.

A chapter page shows each figure first as a still image (SVG, or WebP for a figure
whose SVG would be large, such as a world map), made at build time from the
figure's own JSON with the plotly.js the site serves. The page's script replaces
the still with the live, interactive figure once plotly.js has loaded and drawn
it. So the reader sees the figures as soon as the text, before 1-1.5 MB of
plotly.js is fetched and run; and a reader without JavaScript, or a page
printed before its figures were drawn, still shows every figure.

The images are drawn by kaleido 0.2.1 (pinned in ``binder/requirements-book.txt``;
its wheel carries its own headless Chromium, so building needs only Python and pip),
with the site's plotly.min.js and the world topology of ``datasets/world_map/``:
nothing is fetched from the network. Each still is cached under
``_build/.figure-stills/`` by a hash of everything that draws it, so a rebuild
draws only figures that changed.
"""

from __future__ import annotations

import functools
import hashlib
import html
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

#: The width stills are drawn at: the widest the book's content column gets (pydata
#: theme, from about 1440 px windows up). Narrower columns scale the still down until
#: the live figure, drawn at the column's own width, replaces it.
WIDTH = 790
#: Above this many bytes an SVG (a world map: one path per country) is replaced by a
#: WebP image drawn at twice the size, for sharp text on high-density screens.
SVG_LIMIT = 150_000
WEBP_SCALE = 2
#: Where the stills are written in the built site.
FOLDER = "_figures"
#: Bump when the way stills are drawn changes, so cached ones are drawn again.
VERSION = "2"

# One figure as plotting.figure_html writes it.
FIGURE = re.compile(
    r'(?P<open><div id="(?P<id>[^"]+)" class="cs-plotly-target" style="width:100%;height:(?P<height>\d+)px;)">'
    r'</div>(?P<data><script type="application/json" class="cs-plotly-data">(?P<json>.*?)</script>)',
    re.S,
)


class StillError(RuntimeError):
    """A still image could not be drawn; the message names the page and the figure."""


@dataclass(frozen=True)
class Still:
    name: str  # file name in FOLDER, e.g. 3f2a...c1.svg
    data: bytes
    width: int
    height: int


Renderer = Callable[[dict, str, int, int, float], bytes]


def plotly_scope_class() -> type:
    """kaleido's PlotlyScope; a clear error when kaleido is not installed (the book's
    Sphinx extension calls this at start-up, so a build stops before its first page)."""
    try:
        from kaleido.scopes.plotly import PlotlyScope
    except ImportError:
        raise StillError(
            "kaleido is not installed: the book's still images of its figures need it "
            "(binder/requirements-book.txt; `make env` installs it)"
        ) from None
    return PlotlyScope


class KaleidoRenderer:
    """Draws figures with kaleido's headless Chromium and the site's own plotly.js."""

    def __init__(self, plotly_js: Path, topojson_dir: Path):
        self.plotly_js = Path(plotly_js)
        self.topojson_dir = Path(topojson_dir)
        self._scope = None

    @functools.cached_property
    def identity(self) -> str:
        """What, besides the figure, decides the pixels: kaleido's and plotly.js's versions
        (worked out once per build: it hashes the 4.8 MB plotly.js)."""
        import kaleido

        digest = hashlib.sha256(self.plotly_js.read_bytes()).hexdigest()[:16]
        return f"kaleido {kaleido.__version__}; plotly.js sha256 {digest}"

    def __call__(self, spec: dict, fmt: str, width: int, height: int, scale: float) -> bytes:
        if self._scope is None:
            # plotly.js and the world topology from local files: kaleido would otherwise
            # fetch both from plotly's CDN.
            self._scope = plotly_scope_class()(
                plotlyjs=str(self.plotly_js), mathjax=False, topojson=self.topojson_dir.resolve().as_uri() + "/"
            )
        return self._scope.transform(spec, format=fmt, width=width, height=height, scale=scale)

    def close(self) -> None:
        if self._scope is not None:
            self._scope._shutdown_kaleido()
            self._scope = None


_CLASS = re.compile(r' class="[^"]*"')
_STYLE = re.compile(r' style="([^"]*)"')
_EMPTY_GROUP = re.compile(r"<g/>|<g></g>")


def compact_svg(svg: bytes) -> bytes:
    """The same picture in fewer bytes: plotly's SVG repeats each element's full inline
    style (half of a chart's bytes). An SVG shown as an image has no stylesheet but its
    own, so its class names draw nothing: they are dropped, every style used more than
    once becomes one rule of a <style> element (an element then has exactly the
    declarations it had), and the groups left empty go."""
    text = _CLASS.sub("", svg.decode("utf-8"))
    text = text.replace(' style=""', "")
    counts: dict[str, int] = {}
    for value in _STYLE.findall(text):
        counts[value] = counts.get(value, 0) + 1
    shared = [v for v, n in counts.items() if n > 1 and "<" not in html.unescape(v) and "&" not in html.unescape(v)]
    names = {value: f"s{i}" for i, value in enumerate(shared)}
    text = _STYLE.sub(lambda m: f' class="{names[m.group(1)]}"' if m.group(1) in names else m.group(0), text)
    while True:
        shorter = _EMPTY_GROUP.sub("", text)
        if shorter == text:
            break
        text = shorter
    if names:
        rules = "".join(f".{name}{{{html.unescape(value)}}}" for value, name in names.items())
        head = re.match(r"<svg\b[^>]*>", text)
        if head is None:
            raise StillError("the renderer's SVG does not start with an <svg> element")
        text = f"{text[: head.end()]}<style>{rules}</style>{text[head.end() :]}"
    return text.encode("utf-8")


def cache_key(spec_json: str, width: int, height: int, identity: str) -> str:
    digest = hashlib.sha256()
    for part in (VERSION, identity, str(width), str(height), spec_json):
        digest.update(part.encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()[:24]


def draw(spec_json: str, height: int, render: Renderer, identity: str, cache: Path, width: int = WIDTH) -> Still:
    """The still of one figure (from the cache when it was drawn before)."""
    key = cache_key(spec_json, width, height, identity)
    for ext in ("svg", "webp"):
        cached = cache / f"{key}.{ext}"
        if cached.is_file() and cached.stat().st_size:
            return Still(cached.name, cached.read_bytes(), width, height)
    spec = json.loads(spec_json)
    # The figure as the page draws it: its own height, the column's width.
    layout = dict(spec.get("layout") or {})
    layout.pop("width", None)
    spec["layout"] = layout
    data = compact_svg(render(spec, "svg", width, height, 1))
    ext = "svg"
    if len(data) > SVG_LIMIT:
        data, ext = render(spec, "webp", width, height, WEBP_SCALE), "webp"
    if not data:
        raise StillError("the renderer returned an empty image")
    cache.mkdir(parents=True, exist_ok=True)
    path = cache / f"{key}.{ext}"
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
    return Still(path.name, data, width, height)


def still_tag(still: Still, src: str) -> str:
    """The <img> of a still inside its figure's target <div>.

    alt="": the figure's container already carries its description (aria-label), and
    the live figure replaces the image. ``elementtiming`` lets a benchmark read when the
    browser painted it."""
    return (
        f'<img class="cs-plotly-still" src="{html.escape(src, quote=True)}" alt="" '
        f'width="{still.width}" height="{still.height}" decoding="async" elementtiming="cs-figure-still" '
        'style="position:absolute;left:0;top:0;width:100%;height:auto;">'
    )


def add_stills(body: str, page: str, up: str, outdir: Path, render: Renderer, identity: str, cache: Path) -> str:
    """``body`` with a still image inside every figure's target; the images are written
    to ``outdir/_figures/``. ``up`` is the page's path back to the site root ("../../").
    Errors name the page and the figure."""
    written = {}

    def one(match: re.Match) -> str:
        number = len(written) + 1
        raw = match.group("json").replace("<\\/", "</")
        try:
            still = draw(raw, int(match.group("height")), render, identity, cache)
        except json.JSONDecodeError as exc:
            raise StillError(f"{page}: figure {number} ({match.group('id')}): its JSON does not parse ({exc})") from None
        except Exception as exc:  # the renderer's error, with where it happened
            raise StillError(f"{page}: figure {number} ({match.group('id')}): no still image could be drawn: {exc}") from exc
        written[still.name] = still
        return f'{match.group("open")}position:relative;">{still_tag(still, up + FOLDER + "/" + still.name)}</div>{match.group("data")}'

    new = FIGURE.sub(one, body)
    if written:
        folder = Path(outdir) / FOLDER
        folder.mkdir(parents=True, exist_ok=True)
        for name, still in written.items():
            target = folder / name
            if not target.is_file() or target.stat().st_size != len(still.data):
                target.write_bytes(still.data)
    return new
