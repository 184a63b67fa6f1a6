"""The package's import surface: every chapter module reachable as ``cs.<name>``, and a
light import for exercises (each autograded submission starts a fresh kernel that runs
``import civicspace as cs`` and loads data; plotly and nbformat cost more than a second)."""

from __future__ import annotations

import subprocess
import sys
import types

import pytest

import civicspace as cs


@pytest.mark.parametrize("name", cs.SUBMODULES)
def test_every_listed_submodule_is_an_attribute(name):
    module = getattr(cs, name)
    assert isinstance(module, types.ModuleType)
    assert module.__name__ == f"civicspace.{name}"
    assert name in dir(cs)


def test_every_module_file_is_listed():
    """A new top-level module or subpackage must be added to SUBMODULES, or cs.<module> fails in notebooks."""
    from pathlib import Path

    package = Path(cs.__file__).parent
    internal = {"__init__", "cli", "course", "kernelfix"}  # command lines and infrastructure, not for notebooks
    files = {p.stem for p in package.glob("*.py")} | {p.name for p in package.iterdir() if (p / "__init__.py").is_file()}
    assert files - internal == set(cs.SUBMODULES)


def test_every_chapter_module_is_reachable_as_cs_chNN():
    """``chapters/chNN_<name>.py`` is ``cs.chNN``, found without a list; exercises and chapters match."""
    from pathlib import Path

    from civicspace.chapters import chapter_names

    names = chapter_names()
    assert names == sorted(names) and len(names) >= 12
    for name in names:
        assert getattr(cs, name[:4]).__name__ == f"civicspace.chapters.{name}"
        assert name[:4] in dir(cs)
    exercises = {p.name for p in (Path(cs.__file__).parents[2] / "exercises").iterdir() if p.name.startswith("ch")}
    assert set(names) <= exercises, set(names) - exercises


def test_unknown_chapter_raises_attribute_error():
    with pytest.raises(AttributeError, match="ch99"):
        cs.ch99  # noqa: B018


def test_unknown_attribute_raises_attribute_error():
    with pytest.raises(AttributeError, match="no_such_module"):
        cs.no_such_module  # noqa: B018


def test_loading_data_does_not_import_plotting_or_notebook_libraries():
    code = (
        "import sys, civicspace as cs; cs.data.load_treaty_ratification(); "
        "print(sorted(m for m in ('plotly', 'nbformat', 'ipywidgets', 'jsonschema') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_setup_notebook_returns_the_renderer_it_chose():
    import plotly.io as pio

    before = pio.renderers.default
    try:
        assert cs.setup_notebook(book=False) == "plotly_mimetype"
        assert pio.renderers.default == "plotly_mimetype"
    finally:
        pio.renderers.default = before
