"""Every chapter executes from top to bottom without error, live-widget cells included."""

import pytest
from conftest import chapter_docs, execute_chapter

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("book")]


@pytest.mark.parametrize("doc", chapter_docs())
def test_chapter_executes_without_error(doc):
    nb = execute_chapter(doc)  # raises CellExecutionError, naming the cell, on any error
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert errors == []
    if doc.endswith("/00_jupyter_pandas"):
        return  # chapter 0 teaches Jupyter and pandas: it has no interactive of its own
    # The live widget cell really built a widget (its output is a widget view, not a traceback).
    widget_outputs = [
        o
        for c in nb.cells
        if "skip-execution" in c.metadata.get("tags", [])
        for o in c.get("outputs", [])
        if "application/vnd.jupyter.widget-view+json" in o.get("data", {})
    ]
    assert widget_outputs, "the chapter's live widget produced no widget view"


def test_chapters_are_markdown_notebooks_with_the_course_preamble():
    """Chapters are text (MyST), start with the jupytext header and call setup_notebook()."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    for doc in chapter_docs():
        text = (root / f"{doc}.md").read_text(encoding="utf-8")
        assert text.startswith("---\njupytext:"), doc
        assert "cs.setup_notebook()" in text, f"{doc} does not set up the offline plotly renderer"
        assert "read_csv(" not in text, f"{doc} opens a CSV by path: use a loader from civicspace.data"
