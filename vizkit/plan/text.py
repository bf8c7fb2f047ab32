"""Display text of data strings, decided once for every backend.

Tokens, labels, titles and names are data. Every backend shows the same *display text*:

- invisible characters made visible: C0/C1 controls as Unicode control pictures or ``⟨U+0085⟩``,
  bidi controls (U+202A–202E, U+2066–2069, U+200E/F), zero-width and other format characters
  (category Cf), line/paragraph separators and lone surrogates as ``⟨U+202E⟩`` (so ``'ab\\u202edc'``
  never reads ``abcd``, a NUL never makes an SVG invalid XML, and a label can never hold a raw
  zero-width character a backend uses to tell duplicates apart);
- very long labels (tick text) cut to :data:`MAX_LABEL_CHARS` with an ellipsis by :func:`label_text`
  (the hover keeps the full :func:`visible` text; :func:`vizkit.plan.notes.display_notes` counts them).

A renderer that reads HTML-like markup (plotly, CircuitsVis, HTML pages) gets :func:`escape` d text;
a renderer that draws literally (matplotlib with ``parse_math=False``, bokeh's ``PlainText``) gets
:func:`plain` text. Numbers in hovers and captions use :func:`number_text`.
"""

from __future__ import annotations

import html
import json
import re

from ..spec.text import visible_token

__all__ = ["escape", "plain", "script_json", "script_safe", "visible", "label_text", "shorten", "is_shortened", "number_text", "visible_token",
           "VISIBLE_CONTROLS", "MAX_LABEL_CHARS", "ELLIPSIS", "INVISIBLE"]

#: Control characters as visible symbols: newline and carriage return ↵, tab ⇥, the others their
#: Unicode "control picture" (U+2400 + code), so no tick label breaks and no font lacks the glyph.
VISIBLE_CONTROLS = str.maketrans({"\n": "↵", "\t": "⇥", "\r": "↵",
                                  **{chr(c): chr(0x2400 + c) for c in range(32) if c not in (9, 10, 13)}})

#: The longest tick/category label drawn in full; longer ones end in :data:`ELLIPSIS`.
MAX_LABEL_CHARS = 50
ELLIPSIS = "…"

#: Characters a reader cannot see or that change how their neighbours read: C0 controls (but tab,
#: newline, carriage return, which :data:`VISIBLE_CONTROLS` handles), DEL and C1 controls, soft hyphen,
#: Arabic/Syriac/Mongolian format marks, zero-width space/joiners, LRM/RLM, line and paragraph
#: separators, bidi embeddings/overrides/isolates, word joiner and invisible operators, BOM,
#: interlinear annotation marks, lone surrogates, tag characters.
INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u0600-\u0605\u061c\u06dd\u070f\u180e"
                       "\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb\ud800-\udfff"
                       "\U000110bd\U000110cd\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e007f]")


def _shown(match: re.Match) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # ␀ ␁ ... (control pictures)
    if code == 0x7F:
        return "\u2421"  # ␡
    return f"⟨U+{code:04X}⟩"


def visible(text: str | None) -> str | None:
    """``text`` with every invisible or reordering character (see :data:`INVISIBLE`) shown as a symbol.

    Tab, newline and carriage return are left alone (:func:`plain` and :func:`visible_token` decide
    how they show). ``None`` stays ``None``.
    """
    if text is None:
        return None
    text = str(text)
    return INVISIBLE.sub(_shown, text) if INVISIBLE.search(text) else text


def shorten(text: str, limit: int = MAX_LABEL_CHARS) -> str:
    """``text`` cut to ``limit`` characters, the last one an ellipsis, when it is longer."""
    return text if len(text) <= limit else text[: max(0, limit - 1)] + ELLIPSIS


def is_shortened(text: str | None, limit: int = MAX_LABEL_CHARS) -> bool:
    """Whether :func:`label_text` cuts ``text``."""
    return text is not None and len(visible(text)) > limit


def label_text(text: str | None, limit: int = MAX_LABEL_CHARS) -> str | None:
    """Tick and category text: :func:`visible`, newlines/tabs as ↵/⇥, cut to ``limit`` with an ellipsis."""
    if text is None:
        return None
    return shorten(visible(text).translate(VISIBLE_CONTROLS), limit)


def escape(text: str | None) -> str | None:
    """``text`` for renderers that read HTML-like markup: invisible characters shown, ``<``, ``>`` and ``&`` escaped.

    Newlines stay (a title may break lines); ``None`` stays ``None``.
    """
    return None if text is None else html.escape(visible(text), quote=False)


def plain(text: str | None, *, lines: bool = False) -> str | None:
    """``text`` with control and invisible characters shown as symbols, for renderers that draw text literally.

    Parameters
    ----------
    text : str or None
    lines : bool
        Keep ``\\n`` as a line break (titles, captions); tokens, ticks and names show ↵ instead.
    """
    if text is None:
        return None
    text = visible(text)
    if lines:
        return "\n".join(part.translate(VISIBLE_CONTROLS) for part in text.split("\n"))
    return text.translate(VISIBLE_CONTROLS)


def number_text(value: float) -> str:
    """A value as hover and caption text: 4 significant digits, ``NaN`` for a missing one, ``inf`` kept."""
    if value != value:
        return "NaN"
    return f"{value:.4g}"


def script_json(value) -> str:
    """``value`` as JSON that no string in it can end the ``<script>`` element it sits in (:func:`script_safe`)."""
    return script_safe(json.dumps(value, separators=(",", ":")))


def script_safe(json_text: str) -> str:
    """JSON text safe inside a ``<script>`` element: ``<``, ``>`` and ``&`` (which JSON holds only inside its strings)
    written as ``\\u`` escapes, which ``JSON.parse`` reads back as the same characters."""
    return json_text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
