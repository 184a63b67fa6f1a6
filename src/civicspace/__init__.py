"""civicspace: the code behind the course "NGOs, human rights and the shrinking civic space".

Notebooks stay thin: they import this package and call one function per step, e.g.::

    import civicspace as cs
    cs.setup_notebook()
    treaties = cs.data.load_treaty_ratification()
    cs.figures.ratification_timeline(treaties, ["ICCPR", "ICESCR"])
"""

from __future__ import annotations

from . import authoritarian, countries, data, datadoc, democracy, escalation, fatf, figures, grading, laws, responses, treaties, upr, widgets
from .plotting import setup_notebook

__all__ = ["authoritarian", "democracy", "escalation", "fatf", "laws", "responses", "upr", "countries", "data", "datadoc", "figures", "grading", "treaties", "widgets", "setup_notebook"]
__version__ = "0.1.0"
