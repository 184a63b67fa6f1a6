"""Live interactives for Jupyter (they need a kernel; the book shows plotly versions).

Each widget only wires controls to a pure figure builder (in :mod:`civicspace.figures`
or the chapter's module), so what it draws is what the unit tests check. Every
chapter's widget is a :class:`LiveFigure`: copy :class:`RatificationExplorer` to add one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import ipywidgets as widgets
import pandas as pd
from IPython.display import display

from . import figures


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


class RatificationExplorer(LiveFigure):
    """A treaty menu and a year slider over :func:`figures.ratification_map`.

    ``current_figure`` holds the figure for the current choice (the tests read it).
    """

    def __init__(self, df: pd.DataFrame, treaty: str = "ICCPR", year: int = 2022):
        self.df = df
        codes = list(dict.fromkeys(df["treaty"].astype(str)))
        self.treaty = widgets.Dropdown(options=codes, value=treaty, description="Treaty")
        self.year = widgets.IntSlider(
            value=year, min=1966, max=2022, step=1, description="End of year", continuous_update=False
        )
        super().__init__([widgets.HBox([self.treaty, self.year])], controls=(self.treaty, self.year))

    def figure(self):
        """The map for the current treaty and year."""
        return figures.ratification_map(self.df, self.treaty.value, self.year.value)


def ratification_explorer(df: pd.DataFrame, treaty: str = "ICCPR", year: int = 2022) -> RatificationExplorer:
    """Return the live ratification explorer for the treaty table ``df``."""
    return RatificationExplorer(df, treaty=treaty, year=year)


class ProvisionExplorer(LiveFigure):
    """A menu of situations over :func:`figures.provision_figure` (chapter 1: which provision protects it?).

    ``current_figure`` holds the table for the current situation (the tests read it).
    """

    def __init__(self, scenario: str = "founding"):
        from . import treaties

        options = [(entry["label"], key) for key, entry in treaties.SCENARIOS.items()]
        self.scenario = widgets.Dropdown(options=options, value=scenario, description="Situation",
                                         layout=widgets.Layout(width="420px"))
        super().__init__([self.scenario], controls=(self.scenario,))

    def figure(self):
        """The table for the current situation."""
        return figures.provision_figure(self.scenario.value)


def provision_explorer(scenario: str = "founding") -> ProvisionExplorer:
    """Return the live "which provision protects it?" explorer of chapter 1."""
    return ProvisionExplorer(scenario=scenario)
