"""Figure functions: thin builders from data to a :class:`vizkit.Figure` spec.

They never import a backend. ``KINDS`` lists every figure kind vizkit draws, in the order the
docs show them; it is declared once, as data, in the leaf registry.
"""

from .._registry import FIGURE_KINDS as KINDS

__all__ = ["KINDS"]
