"""Heatmaps, lines, points and bars on a matplotlib ``Axes``; each returns (artist, legend handle)."""

from __future__ import annotations

import numpy as np

from ...plan.colour import NAN_COLOR, drawable, inf_cells
from ...plan.geometry import PT_PER_PX
from ...plan.marks import CELL_TEXT_NAME, bar_geometry
from ...plan.marks import cell_text as plan_cell_text
from ...spec import Bar, Heatmap, Line, Scatter
from ...spec.colors import CATEGORICAL
from .colour import colormap

__all__ = ["DRAWERS", "cell_text"]

_DASH = {"solid": "-", "dash": "--", "dot": ":"}


def _heatmap(ax, mark, panel, theme):
    """Cells at integer positions (row ``i`` at ``y = i``), NaN cells transparent, colours from zmin..zmax.

    ±inf cells are gaps too (never the end colour), marked ✕ (+inf) or ○ (-inf).
    """
    cmap, norm = colormap(mark.colorscale)
    ny, nx = mark.z.shape
    image = ax.imshow(drawable(mark.z), cmap=cmap, norm=norm, origin="lower", aspect="auto",
                      extent=(-0.5, nx - 0.5, -0.5, ny - 0.5), interpolation="none")
    rows, cols, sign = inf_cells(mark.z)
    for s, marker in ((1, "x"), (-1, "o")):
        pick = sign == s
        if pick.any():
            ink = {"facecolors": "none", "edgecolors": theme.foreground} if marker == "o" else {"color": theme.foreground}
            ax.scatter(cols[pick], rows[pick], marker=marker, s=(7 * PT_PER_PX) ** 2, linewidths=1.2, label=None,
                       gid=f"vizkit-inf{'+' if s > 0 else '-'}", **ink)
    return image, image


def cell_text(ax, mark, panel_plan, theme) -> list:
    """The plan's cell text over a heatmap's cells: literal text (no mathtext), in the planned inks and size (the
    theme's font families come from the figure's rc context)."""
    planned = plan_cell_text(mark, panel_plan, theme)
    if planned is None:
        return []
    size = planned.font_px * PT_PER_PX
    return [ax.text(c, r, t, color=ink, fontsize=size, ha="center", va="center", parse_math=False,
                    gid=f"{CELL_TEXT_NAME}-{r}-{c}-in-{ax.get_gid()}")  # SVG ids: unique per cell and panel
            for r, c, t, ink in zip(planned.rows, planned.cols, planned.text, planned.inks, strict=True)]


def _isolated(y) -> np.ndarray:
    """Which points of a line have no drawn neighbour (a run of one between gaps): they need a marker."""
    ok = np.isfinite(y)
    return ok & ~np.concatenate([[False], ok[:-1]]) & ~np.concatenate([ok[1:], [False]])


def _line(ax, mark, panel, theme):
    """A polyline: NaN breaks it; width in px (scaled by the theme), dash, opacity, markers."""
    color = mark.color or CATEGORICAL[0]
    width = mark.width * theme.line_width / 2.0 * PT_PER_PX
    y = np.asarray(mark.y, dtype=float)
    if panel.y.log:  # zero and negative values: a gap on a log axis, not a plunge toward it
        y = np.where(y > 0, y, np.nan)
    lone = _isolated(y)
    markevery = None if mark.markers else np.flatnonzero(lone).tolist()  # a lone point (a line of one) shows as a marker
    (line,) = ax.plot(mark.x, y, color=color, linewidth=width, alpha=mark.opacity, linestyle=_DASH[mark.dash],
                      marker="o" if mark.markers or lone.any() else None, markevery=markevery or None,
                      markersize=6 * PT_PER_PX, label=mark.name)
    return line, line


def _scatter(ax, mark, panel, theme):
    """Points coloured by value on the spec's scale (NaN grey), or in one colour."""
    kwargs = {"color": mark.color or CATEGORICAL[0]}
    if mark.values is not None:
        cmap, norm = colormap(mark.colorscale, bad=NAN_COLOR)
        kwargs = {"c": np.asarray(mark.values, dtype=float), "cmap": cmap, "norm": norm, "plotnonfinite": True}
    points = ax.scatter(mark.x, mark.y, s=(mark.size * PT_PER_PX) ** 2, alpha=mark.opacity, linewidths=0,
                        label=mark.name, **kwargs)
    return points, points


def _bar(ax, mark, panel, theme):
    """Bars at ``x`` with their widths; on a log value axis they start below the smallest bar."""
    x, widths, base = bar_geometry(mark, panel)
    y = np.asarray(mark.y, dtype=float)
    y = np.where(np.isfinite(y), y, np.nan)  # ±inf: no bar (a gap), never one to the axis edge
    if (panel.x if mark.horizontal else panel.y).log:
        y = np.where(y > 0, y, np.nan)  # a log axis cannot show zero or negative bars
    style = {"color": mark.color or CATEGORICAL[0], "alpha": mark.opacity, "label": mark.name, "linewidth": 0}
    if mark.horizontal:
        bars = ax.barh(x, y - base, height=widths, left=base, **style)
    else:
        bars = ax.bar(x, y - base, width=widths, bottom=base, **style)
    return bars, bars.patches[0] if bars.patches else bars


DRAWERS = {Heatmap: _heatmap, Line: _line, Scatter: _scatter, Bar: _bar}
