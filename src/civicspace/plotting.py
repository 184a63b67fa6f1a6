"""Show plotly figures everywhere the course runs, without any network.

- In Jupyter (local or Binder) figures use plotly's own ``plotly_mimetype``
  renderer, drawn by the ``jupyterlab-plotly`` extension that ships in the plotly
  wheel: nothing is fetched from a CDN.
- In the online book, plotly >= 6 emits only ``application/vnd.plotly.v1+json``,
  which Jupyter Book 1 silently drops. When the book is built (``make book`` sets
  ``CIVICSPACE_BOOK=1``) :func:`setup_notebook` switches to the ``civicspace_book``
  renderer: it adds a ``text/html`` output holding the figure as inert JSON plus
  an empty ``<div>``. The site script ``civicspace-plotly.js`` (added by
  :mod:`civicspace.book.sphinxext`) draws every such figure with the one copy of
  plotly.js the site serves, so a page carries its data but not the library.

It also holds what every chapter's figures and widgets share: the colours, the course
template, and :class:`LiveFigure`, the base of every live widget.
"""

from __future__ import annotations

import html
import itertools
import os
from collections.abc import Iterable, Sequence

import ipywidgets as widgets
import plotly.io as pio
from IPython.display import display
from plotly.io._base_renderers import MimetypeRenderer

BOOK_ENV = "CIVICSPACE_BOOK"
RENDERER = "civicspace_book"

_counter = itertools.count(1)


def figure_html(fig, div_id: str | None = None) -> str:
    """Return the HTML fragment the book uses for ``fig`` (a dict or ``go.Figure``).

    The fragment holds no JavaScript that runs: the figure's JSON sits in a
    ``<script type="application/json">`` element that the site script draws.
    """
    fig_dict = fig if isinstance(fig, dict) else fig.to_dict()
    layout = fig_dict.get("layout", {})
    meta = layout.get("meta") if isinstance(layout.get("meta"), dict) else {}
    title = layout.get("title", {})
    title_text = title.get("text", "") if isinstance(title, dict) else str(title or "")
    alt = meta.get("alt") or title_text or "Interactive figure"
    height = layout.get("height") or 480
    div_id = div_id or f"cs-fig-{next(_counter)}"
    spec = {"data": fig_dict.get("data", []), "layout": layout}
    if fig_dict.get("frames"):
        spec["frames"] = fig_dict["frames"]
    payload = pio.json.to_json_plotly(spec)
    # "</" inside a <script> element would end it early.
    payload = payload.replace("</", "<\\/")
    return (
        f'<div class="cs-plotly" role="figure" aria-label="{html.escape(alt, quote=True)}">'
        f'<div id="{div_id}" class="cs-plotly-target" style="width:100%;height:{int(height)}px;"></div>'
        f'<script type="application/json" class="cs-plotly-data">{payload}</script>'
        f"<noscript><p>{html.escape(alt)} (the interactive figure needs JavaScript).</p></noscript>"
        "</div>"
    )


class BookRenderer(MimetypeRenderer):
    """Renderer that outputs both the plotly mimetype and the book's HTML fragment."""

    def to_mimebundle(self, fig_dict):
        return {
            "application/vnd.plotly.v1+json": fig_dict,
            "text/html": figure_html(fig_dict),
        }


def register() -> None:
    """Make the ``civicspace_book`` renderer available to ``plotly.io``."""
    if RENDERER not in pio.renderers:
        pio.renderers[RENDERER] = BookRenderer()


def setup_notebook(book: bool | None = None) -> str:
    """Choose the plotly renderer for where this notebook runs; return its name.

    ``book=None`` decides from the ``CIVICSPACE_BOOK`` environment variable, which
    the book build sets. Call it once at the top of a chapter.
    """
    register()
    if book is None:
        book = os.environ.get(BOOK_ENV, "") not in ("", "0")
    pio.renderers.default = RENDERER if book else "plotly_mimetype"
    return pio.renderers.default


# Colour-blind-safe qualitative palette (Okabe & Ito 2008), used by every figure.
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
NOT_YET = "#C8C8C8"  # light grey for "not (yet)"; the partner colour is OKABE_ITO[0]

#: A small plotly template for every course figure. Plotly inlines the template in
#: each figure's JSON: "plotly_white" adds about 7 KB per figure, this one well under 1 KB.
TEMPLATE_NAME = "civicspace"


def _register_template() -> None:
    import plotly.graph_objects as go

    if TEMPLATE_NAME in pio.templates:
        return
    grid = {"gridcolor": "#E5E5E5", "linecolor": "#999999", "zerolinecolor": "#CCCCCC", "automargin": True}
    pio.templates[TEMPLATE_NAME] = go.layout.Template(
        layout={
            "colorway": OKABE_ITO,
            "paper_bgcolor": "white",
            "plot_bgcolor": "white",
            "font": {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", "size": 14, "color": "#222222"},
            "xaxis": grid,
            "yaxis": grid,
            "hoverlabel": {"align": "left"},
            "geo": {"bgcolor": "white", "landcolor": "#F2F2F2", "showland": True},
        }
    )


_register_template()


# ---------------------------------------------------------------- shared layout pieces
# Every chapter's figures are built from these, so that titles, menus, sliders and wrapped
# text look and behave the same across the course.


def base_layout(title: str | dict, alt: str, height: int = 480, top: int = 60, right: int = 10) -> dict:
    """The layout every course figure starts from: a left-aligned title, the accessible
    description ``alt`` (``layout.meta['alt']``, read by the book), tight margins with ``top``
    pixels for the title and menus and ``right`` for a colour bar or the last tick label, and the
    course template. A ``title`` given as a dict is the plotly title as it is (to place it
    otherwise, or give it a subtitle)."""
    return {
        "title": title if isinstance(title, dict) else {"text": title, "x": 0.01, "xanchor": "left"},
        "meta": {"alt": alt},
        "height": height,
        "margin": {"l": 10, "r": right, "t": top, "b": 10},
        "template": TEMPLATE_NAME,
    }


def dropdown(buttons: list[dict], active: int = 0, x: float = 0, y: float = 1.0, pad: dict | None = None, **extra) -> dict:
    """One dropdown menu anchored at its bottom-left corner (by default just above the plot
    area, at its left edge). ``extra`` adds or overrides plotly ``updatemenus`` keys."""
    menu = {
        "type": "dropdown",
        "buttons": buttons,
        "active": active,
        "showactive": True,
        "x": x,
        "xanchor": "left",
        "y": y,
        "yanchor": "bottom",
    }
    if pad is not None:
        menu["pad"] = pad
    menu.update(extra)
    return menu


def animation_steps(labels: Iterable) -> list[dict]:
    """Slider steps that each jump, without transition, to the animation frame of the same name."""
    return [
        {
            "label": str(label),
            "method": "animate",
            "args": [
                [str(label)],
                {"mode": "immediate", "frame": {"duration": 0, "redraw": True}, "transition": {"duration": 0}},
            ],
        }
        for label in labels
    ]


def year_slider(years: Sequence, current: dict, x: float, pad_top: int, **extra) -> dict:
    """A slider over the animation frames named by ``years``, starting at the last, taking the
    width right of ``x`` (the play and pause buttons sit to its left); ``current`` styles the
    label of the chosen year. ``extra`` adds or overrides plotly ``sliders`` keys."""
    slider = {
        "active": len(years) - 1,
        "steps": animation_steps(years),
        "currentvalue": current,
        "x": x,
        "len": 1 - x,
        "pad": {"t": pad_top},
    }
    slider.update(extra)
    return slider


def play_pause(frame_ms: int, pad_top: int) -> dict:
    """The "▶ Play" and "❚❚ Pause" buttons of an animated figure, below the plot at its left."""
    return {
        "type": "buttons",
        "direction": "left",
        "showactive": False,
        "x": 0,
        "y": 0,
        "xanchor": "left",
        "yanchor": "top",
        "pad": {"t": pad_top},
        "buttons": [
            {
                "label": "▶ Play",
                "method": "animate",
                "args": [
                    None,
                    {"frame": {"duration": frame_ms, "redraw": True}, "fromcurrent": False, "transition": {"duration": 0}},
                ],
            },
            {
                "label": "❚❚ Pause",
                "method": "animate",
                "args": [[None], {"mode": "immediate", "frame": {"duration": 0, "redraw": False}}],
            },
        ],
    }


def world_geo(**extra) -> dict:
    """The ``geo`` layout of the course's world maps: the Natural Earth projection without frame or
    coastlines, from 58° south (no Antarctica) to 85° north. ``extra`` adds or overrides plotly
    ``geo`` keys (such as ``landcolor`` or ``domain``)."""
    geo = {
        "showframe": False,
        "showcoastlines": False,
        "projection": {"type": "natural earth"},
        "lataxis": {"range": [-58, 85]},
    }
    geo.update(extra)
    return geo


def note(text: str, **extra) -> dict:
    """A note (an annotation without arrow) whose left end sits at the top-left corner of the plot
    area, such as a colour key or a caution. ``extra`` adds or overrides plotly annotation keys:
    ``yanchor="bottom"`` puts the note just above the plot area, ``font`` and ``align`` style it."""
    annotation = {
        "text": text,
        "showarrow": False,
        "x": 0,
        "y": 1.0,
        "xref": "paper",
        "yref": "paper",
        "xanchor": "left",
    }
    annotation.update(extra)
    return annotation


def wrap(text: str, width: int, escape: bool = False, break_long_words: bool = True, break_on_hyphens: bool = True) -> str:
    """``text`` broken into lines of at most ``width`` characters joined by ``<br>`` (plotly does
    not wrap titles, annotations or tick labels); ``escape`` makes ``<``, ``>`` and ``&`` literal."""
    import textwrap

    lines = textwrap.wrap(str(text), width, break_long_words=break_long_words, break_on_hyphens=break_on_hyphens)
    return "<br>".join(html.escape(line, quote=False) if escape else line for line in lines)


def control_slider(kind: type, value, lo, hi, step, label: str, **extra) -> widgets.Widget:
    """A slider of a live widget (``kind``: ``widgets.IntSlider`` or ``widgets.FloatSlider``)
    that reports its value once, when the reader lets go, so the figure redraws once per
    change; ``extra`` (layout, style, readout_format ...) passes through."""
    return kind(value=value, min=lo, max=hi, step=step, description=label, continuous_update=False, **extra)


class LiveFigure(widgets.VBox):
    """Controls above an output area that shows :meth:`figure` and redraws on every change.

    A subclass creates its controls, then calls ``super().__init__(rows, controls)``:
    ``rows`` are the widgets laid out above the figure, ``controls`` those whose
    ``value`` changes redraw it. It implements :meth:`figure`, which builds the figure
    for the current values (and may keep other results, such as a table, on ``self``
    for the tests). ``current_figure`` holds the figure on show.
    """

    def __init__(self, rows: Sequence[widgets.Widget], controls: Iterable[widgets.Widget]):
        self.output = widgets.Output()
        self.current_figure = None
        super().__init__([*rows, self.output])
        for control in controls:
            control.observe(self._changed, names="value")
        self.update()

    def _changed(self, _change) -> None:
        self.update()

    def figure(self):
        """The figure for the current values of the controls."""
        raise NotImplementedError

    def update(self) -> None:
        """Redraw the figure for the current values of the controls."""
        self.current_figure = self.figure()
        self.output.clear_output(wait=True)
        with self.output:
            display(self.current_figure)


class TableChoice:
    """Tables with the same columns, one per choice (a preset profile, a scenario), of which
    the reader sees one at a time, picked from a row of labelled buttons above them.

    The book's stand-in for a table figure with a menu: plain HTML with a few lines of CSS
    (radio buttons choose the table), so the page needs no JavaScript and no plotly.js
    for it, the text wraps to any screen width, and printing shows every table.
    ``panels`` is a list of ``(label, caption, rows)``; a row is a list of cells, each
    a string or ``(text, background colour)``. Jupyter and the book show it through
    :meth:`_repr_html_`.
    """

    def __init__(self, prompt: str, columns, panels, widths=None, key: str | None = None):
        import hashlib

        if not panels:
            raise ValueError(f"{prompt!r}: no table to show")
        for label, _caption, rows in panels:
            for i, row in enumerate(rows):
                if len(row) != len(columns):
                    raise ValueError(f"{prompt!r}, table {label!r}, row {i + 1}: {len(row)} cells for {len(columns)} columns")
        self.prompt = prompt
        self.columns = list(columns)
        self.panels = [(str(label), str(caption), [list(row) for row in rows]) for label, caption, rows in panels]
        self.widths = list(widths) if widths is not None else None
        seed = key or "\n".join([prompt, *(p[0] for p in self.panels)])
        self.key = "cs-tc-" + hashlib.sha1(seed.encode()).hexdigest()[:8]

    def __repr__(self) -> str:
        return f"<TableChoice {self.prompt!r}: {len(self.panels)} tables>"

    @staticmethod
    def _cell(cell) -> str:
        text, fill = cell if isinstance(cell, tuple) else (cell, None)
        style = f' style="background-color:{html.escape(fill, quote=True)};color:#000000"' if fill else ""
        return f"<td{style}>{html.escape(str(text))}</td>"

    def _repr_html_(self) -> str:
        k = self.key
        total = sum(self.widths) if self.widths else 0
        cols = "".join(f'<col style="width:{100 * w / total:.0f}%">' for w in self.widths) if total else ""
        head = "".join(f'<th scope="col">{html.escape(c)}</th>' for c in self.columns)
        shows = ", ".join(f"#{k}-{i}:checked ~ #{k}-{i}-table" for i in range(len(self.panels)))
        style = (
            f"<style>"
            # Dark text on white, like the figures, whatever the theme's light or dark mode.
            f".{k}{{background:#FFFFFF;color:#222222;padding:.4em .5em}}"
            f".{k} th,.{k} td{{background-color:#FFFFFF;color:#222222;border-color:#CCCCCC}}"
            f".{k} tbody tr:nth-child(even) td{{background-color:#F5F5F5}}.{k} caption{{color:#444444}}"
            f".{k}>input{{position:absolute;opacity:0;width:1px;height:1px;margin:0}}"
            f".{k}>label{{display:inline-block;margin:0 .35em .45em 0;padding:.2em .75em;border:1px solid #767676;"
            f"border-radius:1em;cursor:pointer;font-size:.9em}}"
            f".{k}>input:checked+label{{background:#0072B2;border-color:#0072B2;color:#FFFFFF}}"
            f".{k}>input:focus-visible+label{{outline:2px solid #0072B2;outline-offset:2px}}"
            f".{k}>.cs-tc-table{{display:none;overflow-x:auto}}"
            f"{shows}{{display:block}}"
            f".{k} table{{width:100%;table-layout:fixed}}.{k} td,.{k} th{{text-align:left;vertical-align:top}}"
            f"@media print{{.{k}>input,.{k}>label{{display:none}}.{k}>.cs-tc-table{{display:block}}}}"
            f"</style>"
        )
        parts = [f'<div class="cs-table-choice {k}">', style, f'<p class="cs-tc-prompt">{html.escape(self.prompt)}</p>']
        for i, (label, _caption, _rows) in enumerate(self.panels):
            checked = " checked" if i == 0 else ""
            parts.append(
                f'<input type="radio" name="{k}" id="{k}-{i}" value="{i}"{checked}>'
                f'<label for="{k}-{i}">{html.escape(label)}</label>'
            )
        for i, (_label, caption, rows) in enumerate(self.panels):
            body = "".join("<tr>" + "".join(self._cell(c) for c in row) + "</tr>" for row in rows)
            parts.append(
                f'<div class="cs-tc-table" id="{k}-{i}-table"><table class="table">'
                f"<caption>{html.escape(caption)}</caption><colgroup>{cols}</colgroup>"
                f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
            )
        parts.append("</div>")
        return "".join(parts)
