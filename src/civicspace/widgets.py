"""Live interactives for Jupyter (they need a kernel; the book shows plotly versions).

Each widget only wires controls to a pure figure builder in :mod:`civicspace.figures`,
so what it draws is what the unit tests check.
"""

from __future__ import annotations

import ipywidgets as widgets
import pandas as pd
from IPython.display import display

from . import figures


class RatificationExplorer(widgets.VBox):
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
        self.output = widgets.Output()
        self.current_figure = None
        super().__init__([widgets.HBox([self.treaty, self.year]), self.output])
        self.treaty.observe(self._changed, names="value")
        self.year.observe(self._changed, names="value")
        self.update()

    def _changed(self, _change) -> None:
        self.update()

    def update(self) -> None:
        """Redraw the map for the current treaty and year."""
        self.current_figure = figures.ratification_map(self.df, self.treaty.value, self.year.value)
        self.output.clear_output(wait=True)
        with self.output:
            display(self.current_figure)


def ratification_explorer(df: pd.DataFrame, treaty: str = "ICCPR", year: int = 2022) -> RatificationExplorer:
    """Return the live ratification explorer for the treaty table ``df``."""
    return RatificationExplorer(df, treaty=treaty, year=year)
