"""The shared layout pieces every chapter's figures are built from (civicspace.plotting)."""

from __future__ import annotations

import plotly.graph_objects as go

from civicspace import plotting


def test_base_layout_carries_the_title_the_accessible_description_and_the_course_template():
    layout = plotting.base_layout("A title", "A bar chart of x.", height=500, top=70)
    fig = go.Figure(layout=layout)
    assert fig.layout.title.text == "A title" and fig.layout.title.xanchor == "left"
    assert fig.layout.meta["alt"] == "A bar chart of x."
    assert fig.layout.height == 500 and fig.layout.margin.t == 70
    assert layout["template"] == plotting.TEMPLATE_NAME
    assert fig.layout.margin.r == 10


def test_base_layout_takes_a_right_margin_and_a_title_placed_otherwise():
    title = {"text": "Main", "subtitle": {"text": "second line"}, "x": 0.01, "xanchor": "left", "yref": "container", "y": 1}
    layout = plotting.base_layout(title, "A chart.", right=20)
    assert layout["title"] == title, "a title dict is the plotly title as it is"
    assert layout["margin"] == {"l": 10, "r": 20, "t": 60, "b": 10}
    fig = go.Figure(layout=layout)
    assert fig.layout.title.subtitle.text == "second line" and fig.layout.title.yref == "container"


def test_dropdown_defaults_to_the_top_left_and_takes_overrides():
    buttons = [{"label": "a", "method": "update", "args": [{}]}]
    menu = plotting.dropdown(buttons)
    assert menu["type"] == "dropdown" and menu["buttons"] is buttons and menu["active"] == 0
    assert (menu["x"], menu["xanchor"], menu["y"], menu["yanchor"]) == (0, "left", 1.0, "bottom") and "pad" not in menu
    other = plotting.dropdown(buttons, active=1, x=0.1, pad={"b": 8}, direction="down", bgcolor="white")
    assert (other["active"], other["x"], other["pad"], other["direction"], other["bgcolor"]) == (
        1,
        0.1,
        {"b": 8},
        "down",
        "white",
    )
    go.Figure(layout={"updatemenus": [menu, other]})  # plotly accepts both


def test_year_slider_starts_at_the_last_year_and_steps_to_each_frame():
    years = [2019, 2020, 2021]
    slider = plotting.year_slider(years, {"prefix": "End of "}, x=0.25, pad_top=30, y=0)
    assert slider["active"] == 2 and slider["x"] == 0.25 and slider["len"] == 0.75 and slider["y"] == 0
    assert [s["label"] for s in slider["steps"]] == ["2019", "2020", "2021"]
    assert all(s["method"] == "animate" and s["args"][0] == [s["label"]] for s in slider["steps"])
    fig = go.Figure(
        frames=[go.Frame(name=str(y)) for y in years], layout={"sliders": [slider], "updatemenus": [plotting.play_pause(300, 45)]}
    )
    assert fig.layout.updatemenus[0].buttons[0].args[1]["frame"]["duration"] == 300


def test_wrap_breaks_lines_and_escapes_only_when_asked():
    assert plotting.wrap("one two three four", 9) == "one two<br>three<br>four"
    assert plotting.wrap("a <b> & c", 40) == "a <b> & c"
    assert plotting.wrap("a <b> & c", 40, escape=True) == "a &lt;b&gt; &amp; c"
    assert plotting.wrap("well-known", 5, break_on_hyphens=False, break_long_words=False) == "well-known"
    assert plotting.wrap("well-known", 5) == "well-<br>known"


def test_world_geo_is_the_course_map_and_takes_overrides():
    geo = plotting.world_geo()
    assert geo["projection"] == {"type": "natural earth"} and geo["lataxis"] == {"range": [-58, 85]}
    assert geo["showframe"] is False and geo["showcoastlines"] is False
    grey = plotting.world_geo(landcolor=plotting.NOT_YET, domain={"x": [0, 0.8], "y": [0, 1]}, showframe=True)
    assert (grey["landcolor"], grey["domain"]["x"], grey["showframe"]) == (plotting.NOT_YET, [0, 0.8], True)
    assert grey["projection"] == geo["projection"]
    assert "landcolor" not in plotting.world_geo(), "each call starts from the same settings"
    fig = go.Figure(go.Choropleth(locations=["FRA"], z=[1]), layout={"geo": grey})  # plotly accepts it
    assert fig.layout.geo.projection.type == "natural earth" and list(fig.layout.geo.lataxis.range) == [-58, 85]


def test_note_sits_at_the_top_left_of_the_plot_area_and_takes_overrides():
    key = plotting.note("Grey: no data.")
    assert key["text"] == "Grey: no data." and key["showarrow"] is False
    assert (key["x"], key["y"], key["xref"], key["yref"], key["xanchor"]) == (0, 1.0, "paper", "paper", "left")
    assert "yanchor" not in key and "font" not in key
    above = plotting.note("<i>Caution</i>", yanchor="bottom", align="left", font={"size": 12, "color": "#444444"})
    assert (above["yanchor"], above["align"], above["font"]["size"]) == ("bottom", "left", 12)
    fig = go.Figure(layout={"annotations": [key, above]})  # plotly accepts both
    assert fig.layout.annotations[1].font.color == "#444444" and fig.layout.annotations[0].showarrow is False


def test_control_slider_reports_only_on_release_and_passes_options_through():
    import ipywidgets as widgets

    s = plotting.control_slider(widgets.FloatSlider, 1.5, 0.5, 4.0, 0.25, "Threshold", readout_format=".2f")
    assert isinstance(s, widgets.FloatSlider)
    assert (s.value, s.min, s.max, s.step, s.description) == (1.5, 0.5, 4.0, 0.25, "Threshold")
    assert s.continuous_update is False and s.readout_format == ".2f"
    n = plotting.control_slider(widgets.IntSlider, 3, 2, 26, 1, "Baseline weeks", layout=widgets.Layout(width="420px"))
    assert isinstance(n, widgets.IntSlider) and (n.value, n.max) == (3, 26) and n.layout.width == "420px"
    assert n.continuous_update is False
