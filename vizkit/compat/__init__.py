"""Drop-in compatibility: existing MI notebooks run on vizkit after one changed import line.

``from vizkit.compat.neel_plotly import imshow, line, scatter`` (neel-plotly),
``from vizkit.compat.arena import imshow, line, scatter, bar, hist`` (ARENA's ``plotly_utils``),
``from vizkit.compat import circuitsvis as cv`` (CircuitsVis). Every call builds a normal
:class:`vizkit.Figure` through the native figure functions, so any backend draws it and
``fig.save`` exports it. The submodules load on first use; importing this package is light.
"""

from __future__ import annotations

import importlib

__all__ = ["arena", "circuitsvis", "neel_plotly"]


def __getattr__(name: str):
    if name in __all__:
        module = importlib.import_module(f"{__name__}.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
