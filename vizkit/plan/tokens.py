"""Token boxes: how token-coloured text wraps into lines and where each token's box goes."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["MONO", "wrap_tokens", "token_lines", "token_layout", "TokenBoxes"]

#: Monospace fonts for token text, in every backend that takes a CSS font list.
MONO = "'DejaVu Sans Mono', Menlo, Consolas, monospace"


def wrap_tokens(tokens, max_chars: int = 90) -> list[list[int]]:
    """Token indices laid out in lines of at most ``max_chars`` characters (a newline token ends its line)."""
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


def token_lines(fig) -> tuple[int, int]:
    """(wrapped lines of text, value rows) of a figure's first token-text mark; ``(1, 1)`` without one."""
    from ..spec import TokenText

    marks = fig.marks(TokenText)
    if not marks:
        return 1, 1
    return len(wrap_tokens(marks[0].tokens)), marks[0].values.shape[0]


@dataclass(frozen=True, eq=False)
class TokenBoxes:
    """Where each token box goes, in character units (one unit is one monospace character).

    ``x`` are box centres, ``line`` the wrapped line of each token (0 at the top), ``width`` the box
    widths, ``x_end`` the extent of the text across, ``font_px`` the font size that fits the plot.
    """

    x: np.ndarray
    line: np.ndarray
    width: np.ndarray
    x_end: float
    font_px: float

    def __iter__(self):  # unpacks as the former ``token_layout`` tuple
        return iter((self.x, self.line, self.width, self.x_end, self.font_px))


def token_layout(mark, plot_width: int, theme) -> TokenBoxes:
    """The :class:`TokenBoxes` of ``mark`` in a plot ``plot_width`` CSS px wide (colour bar included).

    Lines come from :func:`wrap_tokens`; the font shrinks when the longest line would not fit.
    """
    widths = np.array([max(1, len(t)) + 1 for t in mark.tokens], dtype=float)
    xs, ys = np.zeros(len(widths)), np.zeros(len(widths))
    lines = wrap_tokens(mark.tokens)
    for li, line in enumerate(lines):
        start = 0.0
        for ti in line:
            xs[ti], ys[ti] = start + widths[ti] / 2, li
            start += widths[ti] + 0.3
    span = max(sum(widths[ti] + 0.3 for ti in line) for line in lines)
    inner = plot_width - 90  # the colour bar and borders
    char_px = min((theme.font_size + 1) * 0.62, inner / span)
    return TokenBoxes(xs, ys, widths, float(max(span, inner / char_px)), float(char_px / 0.62))
