"""CircuitsVis ``circuitsvis.examples``: ``hello`` (its example component: a paragraph, no figure)."""

from __future__ import annotations

import html

from .rendered import RenderedHTML

__all__ = ["RenderedHTML", "hello"]


def hello(name):
    """``<p>Hello, {name}!</p>`` as CircuitsVis' ``Hello`` component draws it (``name`` is escaped: text, never markup)."""
    src = f"<p>Hello, {html.escape(str(name))}!</p>"
    return RenderedHTML(src, src)
