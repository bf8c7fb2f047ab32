"""Geometry of marks that every backend draws alike: bars, and the text written in heatmap cells."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["bar_geometry", "cell_text", "CellText", "hidden_text_note", "MIN_TEXT_PX", "HIDDEN_TEXT_NOTE", "CELL_TEXT_NAME"]


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


#: The name bokeh and HoloViews give the renderer of a heatmap's cell text (tests find it by it).
CELL_TEXT_NAME = "vizkit-cell-text"
#: The smallest cell text drawn, in CSS px: below it the text is hidden (and the caption says so).
MIN_TEXT_PX = 8.0
#: The caption note of a heatmap whose cell text is hidden because its cells are too small.
HIDDEN_TEXT_NOTE = "cell text hidden: the cells are too small to hold it (enlarge the figure; the hover shows it)"


@dataclass(frozen=True, eq=False)
class CellText:
    """The text written in a heatmap's cells, as every backend draws it.

    ``rows``/``cols`` index the cells with text (blank and ±inf cells have none: a gap's mark is
    drawn there); ``text`` is each one's display text (:func:`vizkit.plan.text.plain`: escape it
    again for a renderer that reads markup); ``inks`` the colour that reads on its fill (the
    theme's foreground on a gap); ``font_px`` the size that fits every cell.
    """

    rows: np.ndarray
    cols: np.ndarray
    text: tuple[str, ...]
    inks: tuple[str, ...]
    font_px: float


def _text_em(text: str) -> float:
    """Width of ``text`` in ems: wide (CJK) characters 1, others :data:`~vizkit.plan.captions.CHAR_EM`."""
    import unicodedata

    from .captions import CHAR_EM

    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else CHAR_EM for ch in text)


def _plot_area(mark, panel_plan, theme) -> tuple[float, float]:
    """The pixels of a panel's plot area: the cell less the y title and tick labels on the left, the colour bar
    and its title (plotly writes it across the top of the bar) on the right, the x ticks and title below.
    A conservative estimate (plotly's layout, the tightest), the same in every backend, so all decide alike."""
    from .captions import CHAR_EM
    from .geometry import AXIS_ROOM, COLORBAR_WIDTH

    cell, font = panel_plan.cell, theme.font_size
    y_ticks = max((len(t) for t in panel_plan.y.ticktext or ()), default=0)
    x_ticks = max((len(t) for t in panel_plan.x.ticktext or ()), default=0)
    left = max(60.0, 40 + y_ticks * CHAR_EM * font)  # the y title, tick labels and ticks
    bar_title = (mark.colorscale.title or mark.value_label or "") if mark.show_scale else ""
    right = max(float(COLORBAR_WIDTH), 20 + len(bar_title) * CHAR_EM * font) if mark.show_scale else 20.0
    bottom = AXIS_ROOM["y"] + (max(0.0, 0.71 * x_ticks * CHAR_EM * font - 2 * font) if panel_plan.x.rotated else 0.0)
    return cell.width - left - right, cell.height - bottom


def _shown(mark) -> list[tuple[int, int, str]]:
    """``(row, col, display text)`` of each cell with text to write (not blank, not at ±inf)."""
    from .text import plain

    if getattr(mark, "text", None) is None:
        return []
    z = np.asarray(mark.z, dtype=float)
    return [(r, c, plain(t)) for r, row in enumerate(mark.text) for c, t in enumerate(row) if t and not np.isinf(z[r, c])]


def cell_text(mark, panel_plan, theme) -> CellText | None:
    """The :class:`CellText` of heatmap ``mark`` in ``panel_plan``, or ``None``: no text, or cells too small for it.

    All of a heatmap's text shows at one size or none does (never a part, never overlapping):
    the size is the theme's font, shrunk to fit the widest text in 95% of a cell's width and 70% of its
    height, and the text is hidden when that is under :data:`MIN_TEXT_PX`. It depends on the panel
    plan and theme alone, so every backend (and the caption note) decides alike.
    """
    from .colour import drawable, fills, ink

    shown = _shown(mark)
    if not shown:
        return None
    z = np.asarray(mark.z, dtype=float)
    ny, nx = z.shape
    width, height = _plot_area(mark, panel_plan, theme)
    cell_w, cell_h = width / nx, height / ny
    widest = max(_text_em(t) for _, _, t in shown)
    font_px = min(float(theme.font_size), 0.7 * cell_h, 0.95 * cell_w / max(widest, 1e-9))
    if font_px < MIN_TEXT_PX:
        return None
    rows = np.array([r for r, _, _ in shown], dtype=int)
    cols = np.array([c for _, c, _ in shown], dtype=int)
    values = drawable(z[rows, cols])
    inks = tuple(ink(f) if v == v else theme.foreground for f, v in zip(fills(values, mark.colorscale), values, strict=True))
    return CellText(rows, cols, tuple(t for _, _, t in shown), inks, round(font_px, 1))


def hidden_text_note(panel_plans, theme) -> str | None:
    """:data:`HIDDEN_TEXT_NOTE` when a heatmap of ``panel_plans`` has cell text too big for its cells."""
    from ..spec import Heatmap

    for pp in panel_plans:
        for m in pp.marks:
            if isinstance(m, Heatmap) and _shown(m):
                if cell_text(m, pp, theme) is None:
                    return HIDDEN_TEXT_NOTE
    return None
