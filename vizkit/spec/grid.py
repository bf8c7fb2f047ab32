"""How wide a labelled facet grid may grow, shared by the figure functions (which choose the number of
columns) and the plan (which sizes the grid): one rule, so a grid the figure chose fits its labels.

A grid of labelled panels grows to show every label when it has at most :data:`LABELS_TO_FIT` per
axis, up to :data:`MAX_LABELLED_WIDTH`; past it ticks thin. A figure function that picks its own
number of columns (``facet_cols=None``) picks no more than fit every label at that width: more rows
rather than dropped labels.
"""

from __future__ import annotations

#: Room a panel's axis line, tick labels and axis title take along x and along y, before tick labels thin.
AXIS_ROOM = {"x": 90, "y": 100}
#: A grid of labelled panels grows to show every label when it has at most this many per axis...
LABELS_TO_FIT = 60
#: ... up to this width (CSS px): past it, ticks thin as the plan's tick fitting decides.
MAX_LABELLED_WIDTH = 1100
#: Width a grid spends outside its panels (colour bar, spacing), in CSS px.
GRID_CHROME = 110
#: ... and a grid of several rows grows to this height (CSS px) to label every row of each panel.
MAX_LABELLED_HEIGHT = 2400
#: Spacing of horizontal (y) tick labels, in lines of text (the plan's tick fitting uses the same).
Y_LABEL_LINES = 1.3
#: Spacing of 45° tick labels, in lines of text (the plan's tick fitting uses the same).
ROTATED_LABEL_LINES = 1.7


def labelled_width(labels: int, cols: int, font_px: float) -> int:
    """CSS px a grid of ``cols`` panels needs to show ``labels`` 45° tick labels on each panel's x axis."""
    return GRID_CHROME + cols * (AXIS_ROOM["x"] + int(labels * font_px * ROTATED_LABEL_LINES) + 1)


def columns_for_labels(labels: int, panels: int, font_px: float, most: int = 4) -> int:
    """Panels per row (at most ``most``, at least 2 where there are 2) for which ``labels`` labels per panel fit in the
    widest labelled grid: past 2 a row, ticks thin rather than the panels turning into flat strips."""
    cols = max(1, min(most, panels))
    if 0 < labels <= LABELS_TO_FIT:  # never below 2 a row: one column of wide, flat panels is no longer square cells
        while cols > 2 and labelled_width(labels, cols, font_px) > MAX_LABELLED_WIDTH:
            cols -= 1
    return cols
