"""Chapter 1's "which provision protects it?" and chapter 5's law classifier: the pure functions,
their figures (live and static), the widgets, and the static versions drawn and working in the built book."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

import civicspace as cs
from civicspace.chapters import ch01_foundations as figures
from civicspace.chapters import ch01_foundations as tr
from civicspace.chapters import ch01_foundations as widgets
from civicspace.chapters import ch05_foreign_agent_laws as L

ROOT = Path(__file__).resolve().parents[1]


def _plain(text: str) -> str:
    """Chapter text without markdown quote markers, emphasis and line breaks."""
    text = re.sub(r"^>\s?", "", text, flags=re.M).replace("*", "")
    return re.sub(r"\s+", " ", text)


@pytest.fixture(scope="module")
def chapter1() -> str:
    return _plain((ROOT / "book" / "chapters" / "01_foundations.md").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def law_table():
    return cs.data.load_restrictive_laws()


# ------------------------------------------------------------ chapter 1: scenario → provision


def test_every_quoted_text_is_chapter_1s_own_quotation(chapter1):
    for pid, provision in tr.PROVISIONS.items():
        for piece in provision["text"].split(" … "):
            assert piece in chapter1, f"{pid}: {piece[:60]!r} is not quoted in chapter 1"


def test_every_scenario_names_known_provisions_once():
    for key, entry in tr.SCENARIOS.items():
        assert entry["provisions"], key
        assert set(entry["provisions"]) <= set(tr.PROVISIONS), key
        assert len(set(entry["provisions"])) == len(entry["provisions"]), key


def test_founding_is_protected_by_udhr_iccpr_and_the_declaration():
    found = tr._scenario_provisions("founding")
    assert [p["id"] for p in found["provisions"]] == ["UDHR 20(1)", "ICCPR 22(1)", "Declaration 5(b)"]
    assert found["provisions"][0]["text"] == "Everyone has the right to freedom of peaceful assembly and association."
    assert found["binding"] and not found["restriction"]


def test_a_state_restriction_engages_the_limitation_clause_and_an_activity_does_not():
    assert tr._scenario_provisions("dissolution")["restriction"]
    assert tr._scenario_provisions("account-frozen")["restriction"]
    assert not tr._scenario_provisions("foreign-grant")["restriction"]
    # The clause is listed exactly when the situation is a restriction.
    for key in tr.SCENARIOS:
        found = tr._scenario_provisions(key)
        assert found["restriction"] == ("ICCPR 22(2)" in [p["id"] for p in found["provisions"]]), key


def test_only_the_covenant_is_a_treaty():
    assert {p["instrument"] for p in tr.PROVISIONS.values() if p["treaty"]} == {
        "International Covenant on Civil and Political Rights"
    }
    found = tr._scenario_provisions("un-communication")
    assert [p["id"] for p in found["provisions"]] == ["Declaration 5(c)", "Declaration 1"]
    assert not found["binding"]


def test_foreign_money_is_article_13():
    for key in ("fundraising", "foreign-grant", "account-frozen"):
        assert "Declaration 13" in [p["id"] for p in tr._scenario_provisions(key)["provisions"]], key


def test_unknown_scenario_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown scenario 'picnic'; known: founding"):
        tr._scenario_provisions("picnic")


def _shown(fig) -> str:
    """The figure's text as a reader sees it: line breaks and markup removed, entities decoded."""
    import html

    text = fig.layout.annotations[0].text if hasattr(fig, "layout") else fig
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text.replace("<br>", " ")))).strip()


def test_provision_figure_shows_the_quotes_and_the_clause():
    fig = figures.provision_figure("account-frozen")
    shown = _shown(fig)
    assert shown.startswith("The authorities freeze an NGO's bank account because it receives a grant from abroad.")
    for pid in ["Declaration 13", "Declaration 5(b)", "Declaration 2(1)", "ICCPR 22(1)", "ICCPR 22(2)"]:
        assert f"“{tr.PROVISIONS[pid]['text']}”" in shown, pid
    assert "ICCPR art. 22(2) (treaty, binding on its parties)" in shown
    assert "1998 Declaration art. 13 (declaration, not a treaty)" in shown
    assert "Limitation clause (ICCPR art. 22(2)): engaged." in shown
    assert "UDHR" not in shown  # only the provisions the scenario lists
    assert fig.layout.title.text == "Which provision protects it? Account frozen over a foreign grant"
    assert fig.layout.meta["alt"].startswith("The provisions that protect the situation")
    assert "22(2)): not engaged." in _shown(figures.provision_figure("meeting"))
    # Plotly does not wrap annotation text: every line is short enough for the book's column.
    for key in tr.SCENARIOS:
        lines = re.sub(r"<[^>]+>", "", figures.provision_figure(key).layout.annotations[0].text.replace("<br>", "\n"))
        assert max(len(line) for line in lines.splitlines()) <= 90, key


def test_provision_figure_is_tall_enough_for_its_longest_text():
    heights = {key: figures.provision_figure(key).layout.height for key in tr.SCENARIOS}
    assert heights["account-frozen"] > heights["meeting"]
    explorer = figures.provision_explorer_figure()
    assert explorer.layout.height >= max(heights.values())
    assert not explorer.data  # text only: the page needs no extra plotly.js trace module


def test_static_provision_explorer_has_one_entry_per_scenario_with_its_own_text():
    fig = figures.provision_explorer_figure()
    buttons = fig.layout.updatemenus[0].buttons
    assert [b.label for b in buttons] == [entry["label"] for entry in tr.SCENARIOS.values()]
    for key, button in zip(tr.SCENARIOS, buttons):
        want = figures.provision_figure(key)
        assert button.method == "relayout"
        assert button.args[0]["annotations[0].text"] == want.layout.annotations[0].text, key
        assert button.args[0]["title.text"] == want.layout.title.text
    assert fig.layout.annotations[0].text == figures.provision_figure("founding").layout.annotations[0].text
    assert "11 situations" in fig.layout.meta["alt"]


def test_provision_widget_redraws_on_a_new_situation():
    w = widgets.provision_explorer()
    assert w.current_figure.layout.title.text.endswith("Founding an association")
    before = _shown(w.current_figure)
    w.scenario.value = "police-union"
    assert w.current_figure.layout.title.text.endswith("A ban on police unions")
    after = _shown(w.current_figure)
    assert after != before
    assert f"“{tr.PROVISIONS['ICCPR 22(2)']['text']}”" in after
    assert [label for label, _ in w.scenario.options] == [e["label"] for e in tr.SCENARIOS.values()]


# ------------------------------------------------------------ chapter 5: law → type and targets


def test_classify_law_reads_the_coded_type_and_targets(law_table):
    rus = L.classify_law(law_table, "rus-2012-foreign-agents")
    assert rus["type"] == "foreign agent" and rus["country"] == "Russia" and rus["date_adopted"] == "2012-07-20"
    assert rus["targets"] == ["stigma", "administrative burden", "criminalisation"]
    assert L.classify_law(law_table, "hun-2017-lex-ngo")["targets"] == ["stigma", "administrative burden"]
    hun21 = L.classify_law(law_table, "hun-2021-lex-ngo-2021")
    assert hun21["type"] == "other" and hun21["targets"] == ["administrative burden"]
    assert L.classify_law(law_table, "rus-2020-criminal-liability-foreign-agents")["targets"] == ["criminalisation"]
    eth = L.classify_law(law_table, "eth-2019-cso-proclamation")
    assert eth["targets"] == [] and eth["missing"] == []


def test_classify_law_agrees_with_the_boolean_columns_for_every_law(law_table):
    for _, row in law_table.iterrows():
        got = L.classify_law(law_table, row["event_id"])
        want = [name for column, name in L.TARGETS.items() if bool(row[column])]
        assert got["targets"] == want and got["type"] == str(row["type"]), row["event_id"]


def test_classify_law_keeps_not_coded_apart_from_not_pursued():
    toy = pd.DataFrame(
        {
            "event_id": ["aaa-2015-x"],
            "country": ["Aland"],
            "title": ["Law X"],
            "type": ["registration"],
            "date_adopted": ["2015-03"],
            "year_adopted": [2015],
            "target_stigma": pd.array([pd.NA], dtype="boolean"),
            "target_admin_burden": pd.array([True], dtype="boolean"),
            "target_criminalisation": pd.array([False], dtype="boolean"),
        }
    )
    got = L.classify_law(toy, "aaa-2015-x")
    assert got["targets"] == ["administrative burden"] and got["missing"] == ["stigma"]


def test_classify_law_errors_name_the_law(law_table):
    with pytest.raises(ValueError, match="no law with event_id 'xxx-2099-none'"):
        L.classify_law(law_table, "xxx-2099-none")
    doubled = pd.concat([law_table.head(1), law_table.head(1)])
    with pytest.raises(ValueError, match="appears in 2 rows"):
        L.classify_law(doubled, str(law_table["event_id"].iloc[0]))
    odd = law_table.head(1).astype({"type": "string"})
    odd.loc[odd.index[0], "type"] = "decree"
    with pytest.raises(ValueError, match="unknown type 'decree'"):
        L.classify_law(odd, str(odd["event_id"].iloc[0]))


def test_classifier_figure_highlights_the_chosen_law(law_table):
    fig = L.law_classifier_figure(law_table, "geo-2024-transparency-foreign-influence")
    every, chosen, boxes = fig.data
    assert len(every.x) == len(law_table)
    assert chosen.x == (2024,)
    assert chosen.y[0] == pytest.approx(len(L.TYPE_ORDER) - 1 - L.TYPE_ORDER.index("foreign agent"), abs=0.5)
    # The diamond sits on the chosen law's own dot.
    hits = [i for i, (x, y) in enumerate(zip(every.x, every.y)) if x == chosen.x[0] and y == chosen.y[0]]
    assert len(hits) == 1 and "Georgia, 2024-06-03" in every.text[hits[0]]
    assert list(boxes.marker.color) == [L._TARGET_ON, L._TARGET_ON, L._TARGET_OFF]
    assert list(boxes.text) == ["✔ stigma", "✔ administrative burden", "— criminalisation"]
    assert fig.layout.title.text == "Georgia, 2024-06-03: foreign agent, 2 of 3 targets"
    assert "Scatter chart" in fig.layout.meta["alt"]


def test_static_classifier_menu_moves_the_diamond_onto_each_law(law_table):
    fig = L.law_classifier_by_law(law_table)
    buttons = fig.layout.updatemenus[0].buttons
    assert len(buttons) == len(law_table)
    every = fig.data[0]
    dots = set(zip(every.x, every.y))
    for button in buttons:
        data, layout, traces = button.args
        assert list(traces) == [1, 2]
        assert (data["x"][0][0], data["y"][0][0]) in dots, button.label
    russia = next(b for b in buttons if b.label.startswith("Russia, 2012-07-20"))
    assert russia.args[0]["marker.color"][1] == [L._TARGET_ON] * 3
    assert fig.layout.updatemenus[0].active == buttons.index(russia)
    eth = next(b for b in buttons if b.label.startswith("Ethiopia"))
    assert eth.args[0]["marker.color"][1] == [L._TARGET_OFF] * 3
    assert eth.args[1]["title.text"].endswith("0 of 3 targets")
    assert all(len(b.label) <= 46 for b in buttons)


def test_law_classifier_widget_redraws_on_a_new_law(law_table):
    w = L.law_classifier(law_table)
    assert w.current_law["event_id"] == "rus-2012-foreign-agents"
    first_title = w.current_figure.layout.title.text
    w.law.value = "hun-2021-lex-ngo-2021"
    assert w.current_law["targets"] == ["administrative burden"]
    assert w.current_figure.layout.title.text != first_title
    assert list(w.current_figure.data[2].marker.color) == [L._TARGET_OFF, L._TARGET_ON, L._TARGET_OFF]
    assert len(w.law.options) == len(law_table)


# ------------------------------------------------------------ the static versions in the built book


def _choose(page, gd, label_start: str) -> None:
    """Open the figure's dropdown menu and click the entry whose label starts with label_start, as a reader would."""
    gd.query_selector(".updatemenu-header-group").click()
    option = next(
        b
        for b in gd.query_selector_all(".updatemenu-dropdown-button")
        if (b.text_content() or "").strip().startswith(label_start)
    )
    option.click()


@pytest.mark.slow
@pytest.mark.xdist_group("book")
@pytest.mark.parametrize(
    ("doc", "marker", "choice", "expected"),
    [
        (
            "book/chapters/01_foundations",
            "Which provision protects it?",
            "Dissolution by a court",
            "Which provision protects it? Dissolution by a court",
        ),
        (
            "book/chapters/05_foreign_agent_laws",
            "Russia, 2012-07-20: foreign agent",
            "Tajikistan, 2015-07-21",
            "Tajikistan, 2015-07-21: foreign funding, 1 of 3 targets",
        ),
    ],
)
def test_static_interactive_is_drawn_offline_and_its_menu_works(browser, site_url, doc, marker, choice, expected):
    from test_book import _open

    page, outside, errors = _open(browser, f"{site_url}{doc}.html", site_url)
    try:
        gd = None
        # Bring each figure into view in turn, as a reader scrolling would (figures may be drawn lazily).
        targets = "document.querySelectorAll('.cs-plotly-target')"
        for i in range(page.evaluate(f"{targets}.length")):
            page.evaluate(f"i => {targets}[i].scrollIntoView({{block: 'center'}})", i)
            page.wait_for_function(f"i => {targets}[i].getAttribute('data-cs-drawn') === 'true'", arg=i, timeout=60_000)
        for candidate in page.query_selector_all(".cs-plotly-target"):
            title = candidate.query_selector(".gtitle")
            if title and (title.text_content() or "").startswith(marker):
                gd = candidate
        assert gd is not None, f"no drawn figure titled {marker!r} on {doc}"
        assert gd.query_selector(".main-svg") is not None
        gd.scroll_into_view_if_needed()
        _choose(page, gd, choice)
        page.wait_for_function(
            "([gd, want]) => gd.querySelector('.gtitle').textContent === want", arg=[gd, expected], timeout=10_000
        )
    finally:
        page.close()
    assert outside == [] and errors == [], (outside, errors)


# ------------------------------------------------------------ tables with a choice (chapters 6 and 8)


def read_table_choice(markup: str) -> dict:
    """What a TableChoice shows, read back from its HTML: the prompt, the choices (label,
    checked) in order, and per table its caption, header and rows of (text, background)."""
    from html.parser import HTMLParser

    out = {"prompt": None, "choices": [], "tables": [], "labels_for": {}, "scripts": 0}

    class Reader(HTMLParser):
        cell = None
        text = None

        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            if tag == "script":
                out["scripts"] += 1
            elif tag == "input" and a.get("type") == "radio":
                out["choices"].append({"id": a["id"], "checked": "checked" in a, "label": None})
            elif tag == "label":
                self.text, self.label_for = [], a.get("for")
            elif tag == "p" and "cs-tc-prompt" in (a.get("class") or ""):
                self.text = []
            elif tag == "div" and "cs-tc-table" in (a.get("class") or ""):
                out["tables"].append({"id": a["id"], "caption": "", "header": [], "rows": []})
            elif tag == "caption":
                self.text = []
            elif tag == "tr" and out["tables"]:
                out["tables"][-1]["rows"].append([])
            elif tag in ("td", "th"):
                style = a.get("style") or ""
                fill = re.search(r"background-color:\s*([^;]+)", style)
                self.cell, self.text = (fill.group(1) if fill else None), []

        def handle_data(self, data):
            if self.text is not None:
                self.text.append(data)

        def handle_endtag(self, tag):
            text = "".join(self.text or [])
            if tag == "label":
                out["labels_for"][self.label_for] = text
            elif tag == "p" and self.text is not None and out["prompt"] is None:
                out["prompt"] = text
            elif tag == "caption":
                out["tables"][-1]["caption"] = text
            elif tag in ("td", "th"):
                out["tables"][-1]["rows"][-1].append((text, self.cell))
            else:
                return
            self.text = None

    Reader().feed(markup)
    for choice in out["choices"]:
        choice["label"] = out["labels_for"].get(choice["id"])
    for table in out["tables"]:
        table["header"] = [t for t, _ in table["rows"].pop(0)]
    return out


def test_table_choice_shows_each_table_under_its_own_choice_without_javascript():
    from civicspace.plotting import TableChoice

    tc = TableChoice(
        "Pick one:",
        ["A", "B & C"],
        [
            ("first", "Caption <1>", [["x", ("y", "#ABCDEF")], ["z", "w"]]),
            ("second", "Caption 2", [["<b>not bold</b>", "v"]]),
        ],
        widths=[1, 3],
    )
    markup = tc._repr_html_()
    shown = read_table_choice(markup)
    assert shown["prompt"] == "Pick one:"
    assert [(c["label"], c["checked"]) for c in shown["choices"]] == [("first", True), ("second", False)]
    assert [t["caption"] for t in shown["tables"]] == ["Caption <1>", "Caption 2"]
    assert shown["tables"][0]["header"] == ["A", "B & C"]
    assert shown["tables"][0]["rows"] == [[("x", None), ("y", "#ABCDEF")], [("z", None), ("w", None)]]
    assert shown["tables"][1]["rows"] == [[("<b>not bold</b>", None), ("v", None)]]  # text, escaped
    assert shown["scripts"] == 0 and "cs-plotly" not in markup
    # The CSS shows table i exactly when choice i is checked; printing shows all tables.
    for choice, table in zip(shown["choices"], shown["tables"]):
        assert f"#{choice['id']}:checked ~ #{table['id']}" in markup
    assert "@media print" in markup
    with pytest.raises(ValueError, match=r"'Pick one:', table 'bad', row 1: 1 cells for 2 columns"):
        TableChoice("Pick one:", ["A", "B"], [("bad", "c", [["only one"]])])
    with pytest.raises(ValueError, match="no table"):
        TableChoice("Pick one:", ["A"], [])


@pytest.mark.slow
@pytest.mark.xdist_group("book")
@pytest.mark.parametrize(
    ("doc", "choice"),
    [
        ("book/chapters/06_aml_cft", "Organisation under credible investigation"),
        ("book/chapters/08_responses", "Criminal cases, staff at home (domestic)"),
    ],
)
def test_table_choice_in_the_built_book_shows_the_chosen_table_only(browser, site_url, doc, choice):
    """The book's table with a choice, clicked as a reader would: the first table shows at
    first, the chosen one after the click, never two at once; no request leaves the site."""
    from test_book import _open

    page, outside, errors = _open(browser, f"{site_url}{doc}.html", site_url)
    try:
        box = page.query_selector(".cs-table-choice")
        assert box is not None, f"{doc}: no table with a choice"
        visible = "b => Array.from(b.querySelectorAll('.cs-tc-table')).filter(t => t.offsetHeight > 0).map(t => t.querySelector('caption').textContent)"
        first = box.evaluate(visible)
        labels = box.query_selector_all("label")
        assert len(first) == 1 and first[0].startswith(labels[0].text_content())
        box.scroll_into_view_if_needed()
        next(lab for lab in labels if lab.text_content() == choice).click()
        after = box.evaluate(visible)
        assert len(after) == 1 and after[0].startswith(choice), after
        rows = box.evaluate(
            "b => Array.from(b.querySelectorAll('.cs-tc-table')).filter(t => t.offsetHeight > 0)[0]"
            ".querySelectorAll('tbody tr').length"
        )
        assert rows >= 3
    finally:
        page.close()
    assert outside == [] and errors == [], (outside, errors)


# ------------------------------------------------------------ an "Explore and answer" box under every interactive


def _chapter_files():
    from conftest import chapter_docs

    return [ROOT / f"{doc}.md" for doc in chapter_docs() if not doc.endswith("/00_jupyter_pandas")]


@pytest.mark.parametrize("path", _chapter_files(), ids=lambda p: p.stem)
def test_every_live_widget_is_followed_by_an_explore_and_answer_box(path):
    """After each live-widget cell, before the next heading: questions, then their answers in a dropdown."""
    text = path.read_text(encoding="utf-8")
    cells = [m.end() for m in re.finditer(r"```\{code-cell\}[^\n]*\n:tags: \[skip-execution\]\n", text)]
    assert cells, f"{path.name} has no live widget"
    # Blank the code cells (same length) so that a Python comment is not taken for a heading.
    prose = re.sub(r"```\{code-cell\}.*?\n```", lambda m: re.sub(r"[^\n]", " ", m.group(0)), text, flags=re.S)
    for start in cells:
        heading = re.search(r"^#{1,6} ", prose[start:], flags=re.M)
        section = text[start : start + heading.start()] if heading else text[start:]
        box = re.search(r"```\{admonition\} Explore and answer\n(.*?)\n```", section, flags=re.S)
        assert box, f"{path.name}: no 'Explore and answer' box after the widget at offset {start}"
        questions = re.findall(r"^\*\*(\d)\.\*\*", box.group(1), flags=re.M)
        assert 2 <= len(questions) <= 3, f"{path.name}: the box has {len(questions)} questions"
        answers = re.search(r"```\{dropdown\} Answers?\n(.*?)\n```", section[box.end() :], flags=re.S)
        assert answers, f"{path.name}: the questions at offset {start} have no answers in a dropdown"
        assert re.findall(r"^\*\*(\d)\.\*\*", answers.group(1), flags=re.M) == questions
