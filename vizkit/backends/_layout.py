"""Helpers every backend shares: figure size, tick thinning, label escaping, hover text."""

from __future__ import annotations

import html

import numpy as np


def size(fig, theme) -> tuple[int, int]:
    """(width, height) in CSS pixels: the figure's own, else the theme's scaled by the facet grid."""
    rows, cols = fig.grid
    width = fig.width or (theme.width if cols == 1 else min(1600, max(theme.width, int(theme.width * 0.55) * cols)))
    height = fig.height or (theme.height if rows == 1 else min(2400, int(theme.height * 0.75) * rows + 60))
    if fig.kind == "tokens" and not fig.height:
        lines, value_rows = _token_lines(fig)
        select = SELECT_HEIGHT if value_rows > 1 else 0  # the interactive backends' row selector
        height = max(160 + select, min(height, 60 + 34 * lines + select))
    return int(width), int(height)


#: Height of the value-row selector of a token-text figure with several rows, in CSS pixels.
SELECT_HEIGHT = 60


def _token_lines(fig) -> tuple[int, int]:
    """(wrapped lines of text, value rows) of a token-text figure."""
    from ..spec import TokenText

    marks = fig.marks(TokenText)
    if not marks:
        return 1, 1
    return len(wrap_tokens(marks[0].tokens)), marks[0].values.shape[0]


def wrap_tokens(tokens, max_chars: int = 90) -> list[list[int]]:
    """Token indices laid out in lines of at most ``max_chars`` characters (newlines break)."""
    lines, cur, width = [], [], 0
    for i, tok in enumerate(tokens):
        w = max(1, len(tok))
        if cur and width + w > max_chars:
            lines.append(cur)
            cur, width = [], 0
        cur.append(i)
        width += w
        if "\n" in tok or "↵" in tok:
            lines.append(cur)
            cur, width = [], 0
    if cur:
        lines.append(cur)
    return lines or [[]]


def escape(text: str | None) -> str | None:
    """Data text (tokens, names) for renderers that read HTML-like markup: ``<``, ``>``, ``&`` escaped."""
    return None if text is None else html.escape(str(text), quote=False)


def fmt(value: float) -> str:
    if value != value:
        return "NaN"
    return f"{value:.4g}"


def finite_range(values: np.ndarray) -> tuple[float, float]:
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if v.size == 0:
        return 0.0, 1.0
    return float(v.min()), float(v.max())


def caption(fig) -> str | None:
    return " · ".join(fig.notes) if fig.notes else None


def bar_geometry(mark, panel) -> tuple[np.ndarray, np.ndarray, float]:
    """Bar centres, widths (given, else 0.8 of the closest spacing) and base (below the smallest bar on a log axis)."""
    x = np.asarray(mark.x, dtype=float)
    if mark.widths is not None:
        widths = np.asarray(mark.widths, dtype=float)
    else:
        gaps = np.diff(np.unique(x))
        widths = np.full(len(x), 0.8 * (float(gaps.min()) if gaps.size else 1.0))
    base = 0.0
    if (panel.x if mark.horizontal else panel.y).log:
        positive = mark.y[np.isfinite(mark.y) & (mark.y > 0)]
        base = float(positive.min()) / 3 if positive.size else 1.0
    return x, widths, base
