"""Heatmap panels and grid axis titles, shared by attention, patching, head scores and imshow."""

from __future__ import annotations

import numpy as np

from ..spec import Axis, ColorScale, Heatmap, Panel


def heatmap_panel(z, scale: ColorScale, *, x_labels=None, y_labels=None, x_title=None, y_title=None,
                  value_label: str = "value", title: str | None = None, frame: int = 0,
                  x_axis_title: str | None = None, y_axis_title: str | None = None) -> Panel:
    """One panel holding one heatmap: rows on y (first row on top), labelled columns on x.

    Cells without labels are labelled by their index. The axis titles default to the hover
    names ``x_title``/``y_title``.
    """
    z = np.asarray(z)
    z = z if z.dtype in (np.float32, np.float64) else z.astype(float)  # float32 stays float32: half the bytes on a page
    mark = Heatmap(z=z, colorscale=scale, x_labels=x_labels, y_labels=y_labels, x_title=x_title,
                   y_title=y_title, value_label=value_label)
    ny, nx = z.shape
    xl = list(x_labels) if x_labels is not None else [str(i) for i in range(nx)]
    yl = list(y_labels) if y_labels is not None else [str(i) for i in range(ny)]
    return Panel(marks=(mark,), title=title, frame=frame,
                 x=Axis(x_axis_title if x_axis_title is not None else x_title, labels=xl),
                 y=Axis(y_axis_title if y_axis_title is not None else y_title, labels=yl, reversed=True))


def outer_titles(i: int, n: int, cols: int, x_title: str | None, y_title: str | None) -> tuple[str, str]:
    """Axis titles of panel ``i`` of ``n`` in a grid: x titles on the bottom row, y on the left column."""
    cols = max(1, min(cols, n))
    bottom = i + cols >= n
    return (x_title or "") if bottom else "", (y_title or "") if i % cols == 0 else ""
