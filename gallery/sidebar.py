"""The gallery's sidebar: examples grouped by category, each with its thumbnail, and a filter box.

A small ``JSComponent`` (plain JavaScript, no imports, so nothing is fetched): ``items`` comes from
Python (names, titles, categories, thumbnails as ``data:`` URIs), ``selected`` goes both ways. Every
text is set with ``textContent``: titles are shown, never parsed as markup.
"""

from __future__ import annotations

from pathlib import Path

import param
from panel.custom import JSComponent

_STATIC = Path(__file__).resolve().parent / "static"


class ExampleList(JSComponent):
    """Clickable example cards grouped under their category headings."""

    items = param.List(default=[], doc="[{name, title, category, thumb, state}] in display order")
    selected = param.String(default="", doc="the name of the example shown")

    _esm = _STATIC / "sidebar.js"

    _stylesheets = [(_STATIC / "sidebar.css").read_text(encoding="utf-8")]
