"""Token boxes: how token-coloured text wraps into lines and where each token's box goes."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["MONO", "wrap_tokens", "token_lines", "token_layout", "TokenBoxes", "per_row", "row_scales",
           "colorbar_titles", "row_ranges_note", "StackedRows", "stacked_rows", "token_units", "line_px", "LINE_PX"]

#: CSS px of one wrapped line of token text in a figure's automatic height.
LINE_PX = 34
#: Line units of a value row's name above its block in a stacked (static) token text, and with rows on
#: their own ranges (the name line then carries the row's colour bar with its end values).
LABEL_UNITS, LABEL_UNITS_RANGE = 1.0, 1.5
#: Line units between two stacked value rows.
ROW_GAP = 0.4

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


def line_px(fig, width: int, theme) -> float:
    """CSS px of one line of stacked token text in a figure ``width`` px wide: :data:`LINE_PX`, less when the
    font shrinks to fit the longest line (a narrow paper column), so the picture is not mostly gaps."""
    from ..spec import TokenText

    marks = fig.marks(TokenText)
    if not marks:
        return float(LINE_PX)
    shrink = token_layout(marks[0], width, theme).font_px / (theme.font_size + 1)
    return LINE_PX * min(1.0, max(0.5, shrink))


def token_units(fig, static: bool = False) -> float:
    """Line units down the first token-text mark of ``fig``: its wrapped lines, or in a static image with
    several value rows every row stacked under its name (:func:`stacked_rows`); ``1`` without one."""
    from ..spec import TokenText

    marks = fig.marks(TokenText)
    if not marks:
        return 1.0
    lines = len(wrap_tokens(marks[0].tokens))
    return stacked_rows(marks[0], lines, static).units


@dataclass(frozen=True)
class StackedRows:
    """Where each value row of a token text goes down the plot, in line units (one wrapped line is 1).

    Interactive output shows one row at a time (a selector picks it): every ``offset`` is 0 and there
    are no name lines. A static image (PNG, SVG, PDF) cannot select, so with several rows it stacks them
    (``stacked``): row ``r``'s token on wrapped line ``i`` is centred at ``offset[r] + i``, its name
    centred at ``label_y[r]`` in a band ``label_units`` high (which also holds the row's colour bar when
    rows have their own ranges). The plot's y range is ``(-0.5, y_end)``, top to bottom; ``units`` its extent.
    """

    stacked: bool
    offset: tuple[float, ...]
    label_y: tuple[float, ...]
    label_units: float
    y_end: float

    @property
    def units(self) -> float:
        return self.y_end + 0.5

    def fraction(self, y: float) -> float:
        """Where ``y`` (line units, down) is up the plot: 1 at the top, 0 at the bottom (plotly's paper y)."""
        return (self.y_end - y) / self.units


def stacked_rows(mark, lines: int, static: bool) -> StackedRows:
    """The :class:`StackedRows` of ``mark`` wrapped in ``lines`` lines, in a static image or not."""
    n = mark.values.shape[0]
    if not static or n < 2:
        return StackedRows(False, (0.0,) * n, (), 0.0, lines - 0.5)
    band = LABEL_UNITS_RANGE if per_row(mark) else LABEL_UNITS
    offset, label_y, top = [], [], -0.5  # top: the upper edge of the next row's name band
    for _ in range(n):
        label_y.append(top + band / 2)
        offset.append(top + band + 0.5)
        top += band + lines + ROW_GAP
    return StackedRows(True, tuple(offset), tuple(label_y), band, top - ROW_GAP)


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
