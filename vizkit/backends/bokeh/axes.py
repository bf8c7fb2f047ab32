"""One bokeh plot of a planned panel: its size, ranges, axes, ticks and theme (marks come from :mod:`.marks`)."""

from __future__ import annotations

import math

from ...plan.text import plain
from .._bokeh_models.sizes import panel_size
from .._bokeh_models.style import style_plot

TOOLS = "pan,wheel_zoom,box_zoom,reset,save"


def new_plot(plan, panel_plan, title):
    """The empty, themed plot of ``panel_plan``: ranges, log scales, reversed axes, the planned ticks.

    A static plan (image export) draws SVG with no toolbar; token text has no toolbar either.
    """
    from bokeh.plotting import figure

    theme, static = plan.theme, plan.static
    width, height = panel_size(plan, panel_plan.index)
    chrome = theme.interactive and not static and panel_plan.tokens is None
    p = figure(width=width, height=height, title=title, tools=TOOLS if chrome else "", toolbar_location="right" if chrome else None,
               x_axis_type="log" if panel_plan.x.log else "linear", y_axis_type="log" if panel_plan.y.log else "linear",
               output_backend="svg" if static else "canvas")
    p.toolbar.logo = None
    for axis in (panel_plan.x, panel_plan.y):
        _set_range(p, axis)
        _set_ticks(p, axis)
    style_plot(p, theme)
    return p


def _set_range(p, axis) -> None:
    """The planned range (the spec's, or around heatmap cells at integer positions), reversed if asked."""
    from bokeh.models import Range1d

    if axis.range is not None:
        setattr(p, f"{axis.dim}_range", Range1d(*axis.range))
    rng = getattr(p, f"{axis.dim}_range")
    if axis.reversed:
        if isinstance(rng, Range1d):
            rng.start, rng.end = rng.end, rng.start
        else:
            rng.flipped = True


def _set_ticks(p, axis) -> None:
    """Axis title and the planned ticks (thinned labels at integer positions, or log ticks as plain numbers)."""
    from bokeh.models import FixedTicker

    ax_models = p.xaxis if axis.dim == "x" else p.yaxis
    ax_models.axis_label = axis.title
    if not axis.grid:
        getattr(p, f"{axis.dim}grid").visible = False
    if axis.tickvals is None:
        return
    ticks = [int(v) for v in axis.tickvals] if axis.labels is not None else list(axis.tickvals)
    # log ticks as plain numbers in every decade, and no minor ticks between them
    ax_models.ticker = FixedTicker(ticks=ticks) if axis.labels is not None else FixedTicker(ticks=ticks, minor_ticks=[])
    ax_models.major_label_overrides = dict(zip(ticks, [plain(t) for t in axis.ticktext], strict=True))
    if axis.rotated:
        ax_models.major_label_orientation = math.pi / 4
