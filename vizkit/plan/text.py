"""Display text of data strings, decided once for every backend.

Tokens, labels, titles and names are data. A renderer that reads HTML-like markup (plotly,
CircuitsVis, HTML pages) gets :func:`escape` d text; a renderer that draws literally (matplotlib
with ``parse_math=False``, bokeh's ``PlainText``) gets :func:`plain` text with control characters
shown as symbols. Numbers in hovers and captions use :func:`number_text`.
"""

from __future__ import annotations

import html

from ..spec.text import visible_token

__all__ = ["escape", "plain", "number_text", "visible_token", "VISIBLE_CONTROLS"]

#: Control characters as visible symbols: newline and carriage return ↵, tab ⇥, the others their
#: Unicode "control picture" (U+2400 + code), so no tick label breaks and no font lacks the glyph.
VISIBLE_CONTROLS = str.maketrans({"\n": "↵", "\t": "⇥", "\r": "↵",
                                  **{chr(c): chr(0x2400 + c) for c in range(32) if c not in (9, 10, 13)}})


def escape(text: str | None) -> str | None:
    """``text`` for renderers that read HTML-like markup: ``<``, ``>`` and ``&`` escaped (``None`` stays ``None``)."""
    return None if text is None else html.escape(str(text), quote=False)


def plain(text: str | None, *, lines: bool = False) -> str | None:
    """``text`` with control characters shown as symbols, for renderers that draw text literally.

    Parameters
    ----------
    text : str or None
    lines : bool
        Keep ``\\n`` as a line break (titles, captions); tokens, ticks and names show ↵ instead.
    """
    if text is None:
        return None
    if lines:
        return "\n".join(part.translate(VISIBLE_CONTROLS) for part in str(text).split("\n"))
    return str(text).translate(VISIBLE_CONTROLS)


def number_text(value: float) -> str:
    """A value as hover and caption text: 4 significant digits, ``NaN`` for a missing one, ``inf`` kept."""
    if value != value:
        return "NaN"
    return f"{value:.4g}"
