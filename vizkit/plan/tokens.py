"""Token boxes: how token-coloured text wraps into lines and where each token's box goes."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["MONO", "wrap_tokens", "token_lines", "token_layout", "TokenBoxes", "per_row", "row_scales",
           "colorbar_titles", "row_ranges_note"]

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


def per_row(mark) -> bool:
    """Whether the value rows of a token-text mark are coloured on their own ranges (``row_ranges="each"``
    with more than one row: one row's own range is the mark's)."""
    return getattr(mark, "row_ranges", "shared") == "each" and mark.values.shape[0] > 1


def row_scales(mark) -> tuple:
    """The colour scale of each value row of ``mark``: its own scale for every row (``row_ranges="shared"``),
    or, with ``row_ranges="each"``, that scale's name, midpoint and title on a range fitted to the row.

    A row's range is symmetric around the scale's midpoint when it has one (so the midpoint keeps its
    colour: white at 0 on a diverging scale), else the row's smallest to largest finite value. ±inf and
    NaN are not part of any range (they are gaps, never the top colour); a row with no finite value, or
    one value, keeps the shared range.
    """
    from ..spec import ColorScale

    scale, n = mark.colorscale, mark.values.shape[0]
    if not per_row(mark):
        return (scale,) * n
    out = []
    for row in np.asarray(mark.values, dtype=float):
        finite = row[np.isfinite(row)]
        if not finite.size:
            out.append(scale)
            continue
        lo, hi = float(finite.min()), float(finite.max())
        if scale.zmid is not None:
            half = max(abs(hi - scale.zmid), abs(lo - scale.zmid))
            lo, hi = (scale.zmid - half, scale.zmid + half) if half > 0 else (scale.zmin, scale.zmax)
        elif lo == hi:
            lo, hi = scale.zmin, scale.zmax
        out.append(ColorScale(name=scale.name, zmin=lo, zmax=hi, zmid=scale.zmid, title=scale.title))
    return tuple(out)


def colorbar_titles(mark, scales, row_labels) -> tuple[str, ...]:
    """The colour bar title of each value row: the value's name, and with ``row_ranges="each"`` the row
    whose range it shows and that range (``"logit (probs: -1 to 1)"``), short enough for a vertical bar."""
    from .text import number_text

    name = mark.colorscale.title or mark.value_label
    if not per_row(mark):
        return (name,) * len(scales)
    return tuple(f"{name} ({row}: {number_text(s.zmin)} to {number_text(s.zmax)})"
                 for row, s in zip(row_labels, scales, strict=True))


def row_ranges_note(fig) -> str | None:
    """The caption note of a token text whose value rows each have their own colour range, else ``None``."""
    from ..spec import TokenText

    if not any(per_row(m) for m in fig.marks(TokenText)):
        return None
    return "each value row has its own colour range (shown with the row): compare colours within a row, not across rows"
