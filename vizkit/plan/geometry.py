"""Pixel geometry of a figure: its size, the facet grid's cells and the room around them.

Every size is in CSS pixels. :data:`PX_PER_INCH` (96, as browsers use for PDF) converts them to
inches for every backend and for ``dpi`` options; :data:`PT_PER_PX` to points.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..spec.grid import AXIS_ROOM, LABELS_TO_FIT, MAX_LABELLED_HEIGHT, MAX_LABELLED_WIDTH, Y_LABEL_LINES, labelled_width

__all__ = ["PX_PER_INCH", "PT_PER_PX", "MAX_GRID_WIDTH", "SELECT_HEIGHT", "SLIDER_HEIGHT", "COLORBAR_WIDTH",
           "Cell", "Geometry", "figure_size", "with_size", "geometry", "split"]

#: CSS pixels per inch: what browsers use for PDF, and what every backend uses for sizes and dpi.
PX_PER_INCH = 96
#: Points per CSS pixel (72 points per inch).
PT_PER_PX = 72 / PX_PER_INCH
#: Widest default size of a facet grid: it fits JupyterLab's output column with the sidebar open (about 950 px,
#: less the notebook frame's padding), so the shared colour bar stays in view.
MAX_GRID_WIDTH = 900
#: Height of the value-row selector of a token-text figure with several rows (interactive backends).
SELECT_HEIGHT = 60
#: Height of a frame slider, margins included.
SLIDER_HEIGHT = 50
#: Width of a shared colour bar's own column beside a facet grid.
COLORBAR_WIDTH = 95
#: Smallest panel size a grid is shrunk to.
MIN_CELL = (120, 100)


def figure_size(fig, theme, *, static: bool = False) -> tuple[int, int]:
    """(width, height) in CSS pixels: the figure's own, else the theme's scaled by the facet grid.

    A token-text figure without its own height gets the height its wrapped lines need (in a ``static``
    image, every value row stacked: :func:`vizkit.plan.tokens.stacked_rows`).
    """
    from .tokens import LINE_PX, line_px, token_lines, token_units

    rows, cols = fig.grid
    grid_width = getattr(theme, "grid_width", None)
    if fig.width:
        width = fig.width
    elif cols == 1:
        width = theme.width
    elif grid_width:  # paper: the page width, whatever the panel count
        width = grid_width
    else:
        width = min(max(MAX_GRID_WIDTH, theme.width), max(theme.width, int(theme.width * 0.55) * cols))
        # every token label where it can be shown: a grid too narrow for its labels grows (up to
        # MAX_LABELLED_WIDTH) rather than dropping every other label
        labels = max((len(p.x.labels) for p in fig.frame_panels(0) if p.x.labels is not None), default=0)
        if 0 < labels <= LABELS_TO_FIT:
            width = max(width, min(MAX_LABELLED_WIDTH, labelled_width(labels, cols, theme.font_size)))
    height = fig.height or (theme.height if rows == 1 else min(2400, int(theme.height * 0.75) * rows + 60))
    if not fig.height:  # long x labels turned 45° hang below each row of panels: room for them, not a squeezed plot
        height = min(max(height, MAX_LABELLED_HEIGHT), height + rows * rotated_label_room(fig, width, cols, theme.font_size))
    if fig.kind == "tokens" and not fig.height:
        lines, value_rows = token_lines(fig)
        select = SELECT_HEIGHT if value_rows > 1 and not static else 0
        stacked = static and value_rows > 1  # every row in the picture: it grows past the theme's height
        need = 80 + round((line_px(fig, width, theme) if stacked else LINE_PX) * token_units(fig, static)) + select
        height = max(200 + select, need if stacked else min(height, need))
    return int(width), int(height)


def rotated_label_room(fig, width: int, cols: int, font_px: float) -> int:
    """CSS px that 45° x tick labels hang below a panel beyond the axis room every panel has (0 when they
    lie flat or are short): the longest label's display text (cut at the plan's label length) × sin 45°."""
    from .text import label_text
    from .ticks import mark_labels

    span = (width - COLORBAR_WIDTH) / max(1, cols) - AXIS_ROOM["x"]
    room = 0
    for panel in fig.frame_panels(0):
        labels = panel.x.labels if panel.x.labels is not None else mark_labels(panel, "x")
        if not labels:
            continue
        shown = [label_text(str(t)) or "" for t in labels]
        if sum(len(t) + 1 for t in shown) * font_px * 0.6 <= span:
            continue  # they lie flat
        drop = 0.71 * max(len(t) for t in shown) * font_px * 0.7  # wide letters (w, m) are ~0.7 em
        room = max(room, math.ceil(drop - (AXIS_ROOM["y"] - 3 * font_px)))
    return max(0, room)


def with_size(fig, width: int | None = None, height: int | None = None):
    """``fig`` with an export's ``width``/``height`` override applied (``None`` keeps the figure's own)."""
    if width is None and height is None:
        return fig
    return fig.replace(width=int(width) if width else fig.width, height=int(height) if height else fig.height)


def split(total: int, n: int, minimum: int) -> tuple[int, ...]:
    """``n`` whole sizes, each at least ``minimum``, adding up to ``total`` (the first ones 1 px larger)."""
    base, extra = divmod(max(int(total), n * minimum), n)
    return tuple(base + (i < extra) for i in range(n))


@dataclass(frozen=True)
class Cell:
    """One panel's box in the figure, in CSS pixels from the top-left corner."""

    row: int
    col: int
    x: int
    y: int
    width: int
    height: int


@dataclass(frozen=True)
class Geometry:
    """Where the figure's ``width × height`` pixels go, top to bottom.

    The title band (``title_height``), the grid of panels (columns ``col_widths``, rows
    ``row_heights``, a shared colour bar column ``colorbar_width`` on the right), the token-row
    select (``select_height``), the frame slider (``slider_height``) and the caption
    (``caption_height``) add up to exactly ``height``. Backend chrome (a toolbar) comes out of the
    panel cells in the backend; tick thinning uses :meth:`tick_span`, which does not depend on it,
    so static and interactive output thin ticks alike.
    """

    width: int
    height: int
    rows: int
    cols: int
    title_height: int
    caption_height: int
    caption_font_px: int
    caption_line_px: int
    slider_height: int
    select_height: int
    colorbar_width: int
    col_widths: tuple[int, ...]
    row_heights: tuple[int, ...]
    cells: tuple[Cell, ...]

    @property
    def grid_height(self) -> int:
        return sum(self.row_heights)

    def tick_span(self, dim: str) -> int:
        """Pixels for the tick labels along ``dim`` of every panel: the narrowest cell's, less the axis room."""
        return (min(self.col_widths) if dim == "x" else min(self.row_heights)) - AXIS_ROOM[dim]


def geometry(fig, theme, caption: str | None, *, title_in_plot: bool, static: bool = False) -> Geometry:
    """The :class:`Geometry` of ``fig``; ``caption`` is the planned caption text (its lines take room);
    ``static``: for a picture (no token-row select; token rows stacked)."""
    width, height = figure_size(fig, theme, static=static)
    rows, cols = fig.grid
    n_panels = len(fig.frame_panels(0))
    title_height = 0 if title_in_plot or not fig.title else round(theme.title_size * 2.2)
    caption_font = max(9, theme.font_size - 2)
    caption_line = round(caption_font * 1.4)
    lines = math.ceil(len(caption) * caption_font * 0.55 / (width - 10)) if caption else 0
    caption_height = lines * caption_line + (8 if caption else 0)
    slider_height = SLIDER_HEIGHT if fig.slider is not None else 0
    from .tokens import token_lines

    select_height = SELECT_HEIGHT if token_lines(fig)[1] > 1 and not static else 0
    from .colour import shared_scale

    colorbar_width = COLORBAR_WIDTH if shared_scale(fig) is not None and n_panels > 1 else 0
    col_widths = split(width - colorbar_width, cols, MIN_CELL[0])
    bands = title_height + select_height + slider_height + caption_height
    if not fig.height and rows > 1:  # rows of labelled panels grow to label every row too (up to MAX_LABELLED_HEIGHT)
        labels = max((len(p.y.labels) for p in fig.frame_panels(0) if p.y.labels is not None), default=0)
        if 0 < labels <= LABELS_TO_FIT:
            needed = bands + rows * (AXIS_ROOM["y"] + math.ceil(labels * theme.font_size * Y_LABEL_LINES) + 1)
            height = max(height, min(MAX_LABELLED_HEIGHT, needed))
    row_heights = split(height - bands, rows, MIN_CELL[1])
    cells = []
    for i in range(n_panels):
        r, c = divmod(i, cols)
        cells.append(Cell(r, c, sum(col_widths[:c]), title_height + sum(row_heights[:r]), col_widths[c], row_heights[r]))
    return Geometry(width, height, rows, cols, title_height, caption_height, caption_font, caption_line, slider_height,
                    select_height, colorbar_width, col_widths, row_heights, tuple(cells))
