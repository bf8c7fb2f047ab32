"""CircuitsVis ``circuitsvis.utils``: ``render`` (``RenderedHTML``, ``render``)."""

from . import render

__all__ = ["render"]
