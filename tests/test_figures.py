"""Figure builders, the book's plotly renderer and the live widget."""

import json
import re

import plotly.io as pio
import pytest

import civicspace as cs
from civicspace import plotting
from civicspace.chapters import ch01_foundations as figures
from civicspace.chapters import ch01_foundations as treaties


@pytest.fixture(scope="module")
def df():
    return cs.data.load_treaty_ratification()


def test_timeline_matches_cumulative_counts(df):
    fig = figures.ratification_timeline(df, ["ICCPR", "CAT"])
    counts = treaties._cumulative_parties(df, ["ICCPR", "CAT"])
    assert [t.name for t in fig.data] == ["ICCPR", "CAT"]
    iccpr = counts[counts["treaty"] == "ICCPR"]
    assert list(fig.data[0].y) == iccpr["parties"].tolist()
    assert fig.layout.meta["alt"].startswith("Line chart")


def test_map_colours_exactly_the_parties_of_that_year(df):
    fig = figures.ratification_map(df, "ICCPR", 1980)
    rows = treaties._parties_in_year(df, "ICCPR", 1980)
    assert list(fig.data[0].locations) == rows["iso3"].tolist()
    assert list(fig.data[0].z) == rows["party_by_year"].astype(int).tolist()
    assert f"{rows['party_by_year'].sum()} states parties at the end of 1980" in fig.layout.title.text


def test_map_by_year_has_one_frame_per_year_and_a_slider(df):
    fig = figures.ratification_map_by_year(df, "ICCPR", years=range(1970, 1981))
    assert [f.name for f in fig.frames] == [str(y) for y in range(1970, 1981)]
    assert [s["label"] for s in fig.layout.sliders[0].steps] == [str(y) for y in range(1970, 1981)]
    frame_1975 = fig.frames[5]
    expected = treaties._parties_in_year(df, "ICCPR", 1975)["party_by_year"].astype(int).tolist()
    assert list(frame_1975.data[0].z) == expected
    # Frames carry only the colours, not the 193 names again (keeps pages light).
    assert frame_1975.data[0].locations is None


def test_figure_html_is_inert_json_with_an_accessible_name(df):
    fig = figures.ratification_timeline(df, ["ICCPR"])
    fig.update_layout(title_text="A </script><script>alert(1)</script> title")
    html = plotting.figure_html(fig, div_id="fig-x")
    assert 'role="figure"' in html and 'aria-label="Line chart' in html
    # Only one <script>, of a non-executable type; "</" is escaped inside it.
    assert html.count("<script") == 1 and '<script type="application/json"' in html
    payload = re.search(r'<script type="application/json" class="cs-plotly-data">(.*)</script>', html, re.S).group(1)
    assert "</script>" not in payload
    spec = json.loads(payload)
    assert spec["data"][0]["name"] == "ICCPR"
    assert "cdn" not in html.lower() and "https://" not in html


def test_renderer_choice(monkeypatch):
    monkeypatch.delenv(plotting.BOOK_ENV, raising=False)
    assert plotting.setup_notebook() == "plotly_mimetype"
    monkeypatch.setenv(plotting.BOOK_ENV, "1")
    assert plotting.setup_notebook() == plotting.RENDERER
    bundle = pio.renderers[plotting.RENDERER].to_mimebundle({"data": [], "layout": {}})
    assert set(bundle) == {"application/vnd.plotly.v1+json", "text/html"}
    pio.renderers.default = "plotly_mimetype"


def test_widget_redraws_on_each_control(df):
    w = cs.ch01.ratification_explorer(df, treaty="ICCPR", year=2022)
    # Counted directly from the table (172 in the August 2022 snapshot, as corrected).
    n_2022 = int(((df["treaty"] == "ICCPR") & (df["status"] == "party") & (df["year"] <= 2022)).sum())
    assert n_2022 == 172
    assert f"{n_2022} states parties at the end of 2022" in w.current_figure.layout.title.text
    w.year.value = 1976
    n_1976 = int(treaties._parties_in_year(df, "ICCPR", 1976)["party_by_year"].sum())
    assert w.current_figure.layout.title.text == f"ICCPR: {n_1976} states parties at the end of 1976"
    w.treaty.value = "CAT"
    assert w.current_figure.layout.title.text.startswith("CAT: 0 states parties")  # CAT was adopted in 1984
    assert w.treaty.options[0] == "ICERD" and len(w.treaty.options) == 18


def test_live_figure_base_lays_out_rows_and_redraws_only_on_its_controls():
    """Every chapter's widget is a LiveFigure: rows above the output, a redraw per change."""
    import ipywidgets as widgets

    class Doubler(cs.ch01.LiveFigure):
        def __init__(self):
            self.n = widgets.IntSlider(value=2)
            self.note = widgets.IntSlider(value=0)  # shown, but not a control
            self.calls = 0
            super().__init__([self.n, self.note], controls=(self.n,))

        def figure(self):
            self.calls += 1
            return {"doubled": 2 * self.n.value}

    w = Doubler()
    assert list(w.children) == [w.n, w.note, w.output]
    assert w.current_figure == {"doubled": 4} and w.calls == 1  # drawn once on creation
    w.n.value = 5
    assert w.current_figure == {"doubled": 10} and w.calls == 2
    w.note.value = 3
    assert w.calls == 2  # not a control: no redraw

    class Unfinished(cs.ch01.LiveFigure):
        pass

    with pytest.raises(NotImplementedError):
        Unfinished([], controls=())
