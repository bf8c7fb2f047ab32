"""Panel sizes on a bokeh page: the plan's grid cells, less the toolbar bokeh puts above a grid.

The plan (:mod:`vizkit.plan.geometry`) decides every size; bokeh adds one piece of chrome of
its own, the toolbar of an interactive grid, which comes out of the grid's rows.
"""

from __future__ import annotations

from ...plan.geometry import MIN_CELL, SELECT_HEIGHT, SLIDER_HEIGHT, split

__all__ = ["TOOLBAR_HEIGHT", "WIDGET_MARGIN", "SELECT_HEIGHT", "SLIDER_HEIGHT", "toolbar_height", "row_heights",
           "panel_size", "grid_height"]

#: A grid's toolbar, above the plots (a single plot holds its own beside it).
TOOLBAR_HEIGHT = 30
#: Margin around a widget or the caption, inside the heights the plan reserves for them.
WIDGET_MARGIN = 5


def toolbar_height(plan) -> int:
    """Height of the grid toolbar: interactive grids of several panels only (not static export)."""
    several = len(plan.frame(0)) > 1
    return TOOLBAR_HEIGHT if several and plan.theme.interactive and not plan.static else 0


def row_heights(plan) -> tuple[int, ...]:
    """The plan's grid row heights, with the toolbar's height taken out of them."""
    geo, toolbar = plan.geometry, toolbar_height(plan)
    return split(geo.grid_height - toolbar, geo.rows, MIN_CELL[1]) if toolbar else geo.row_heights


def grid_height(plan) -> int:
    """Height of the grid of plots (the shared colour bar's plot spans it)."""
    return sum(row_heights(plan))


def panel_size(plan, index: int) -> tuple[int, int]:
    """(width, height) of the plot of panel ``index`` (grid order) of a frame."""
    row, col = divmod(index, plan.geometry.cols)
    return plan.geometry.col_widths[col], row_heights(plan)[row]
