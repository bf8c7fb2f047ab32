"""The bokeh layout of a planned figure: one frame per slider step (a plot or a grid of plots), then the page.

:func:`render_plan` builds each frame with :func:`build_frame`, which draws one frame from the plan
alone; a slider over frames that differ only in heatmap values builds frame 0 and swaps the values
in the page (issue 12).
"""

from __future__ import annotations

from ...plan.text import plain
from .._bokeh_models import lazy
from .._bokeh_models.page import assemble
from .._bokeh_models.sizes import grid_height
from .._bokeh_models.style import color_mapper, colorbar, legend_outside, style_plot
from .axes import new_plot
from .marks import DRAWERS


def render_plan(plan):
    """The bokeh layout of ``plan``; a static plan (image export) draws SVG plots with no toolbar.

    A slider whose frames differ only in heatmap values and titles builds frame 0 alone and fills
    it with frame ``k``'s values in the page (:mod:`vizkit.backends._bokeh_models.lazy`); other
    sliders build every frame.
    """
    mapper = color_mapper(plan.shared_scale) if plan.shared_scale is not None else None
    if lazy.swappable(plan):
        root, controls = build_frame(plan, 0, mapper)
        plots = [root.select_one({"name": f"vizkit-panel-0-{p.index}"}) for p in plan.frame(0)]
        return assemble(plan, [root], controls=controls, swap=lazy.frame_swap(plan, plots))
    frames, controls = [], []
    for frame in range(plan.n_frames):
        root, frame_controls = build_frame(plan, frame, mapper)
        frames.append(root)
        controls += frame_controls
    return assemble(plan, frames, controls=controls)


def build_frame(plan, frame: int, mapper):
    """Frame ``frame``: its plot (or grid of plots with the shared colour bar), and the controls its marks made.

    ``mapper`` is the colour mapper of the plan's shared scale (None if there is none): every frame
    uses the same one, so the colour range never changes as the slider moves.
    """
    theme = plan.theme
    panels = plan.frame(frame)
    plots, controls = [], []
    for panel_plan in panels:
        p = new_plot(plan, panel_plan, title=plan.title if plan.title_in_plot else panel_plan.title)
        p.name = f"vizkit-panel-{frame}-{panel_plan.index}"  # layout.select_one({"name": ...}) finds a panel's plot
        drawn = []
        for mark, fields in zip(panel_plan.marks, panel_plan.hover, strict=True):
            shared = mapper if plan.shares_scale(mark) else None
            renderers, control = DRAWERS[type(mark)](p, mark, fields, panel_plan, theme, shared)
            drawn.append((mark, renderers))
            controls += [control] if control is not None else []
        if plan.shared_scale is not None and len(panels) == 1:
            p.add_layout(colorbar(mapper, plan.shared_scale, theme), "right")
        add_legend(p, drawn, plan)
        plots.append(p)
    if len(plots) == 1:
        return plots[0], controls
    side = colorbar_plot(mapper, plan) if plan.geometry.colorbar_width else None
    return grid(plots, plan.geometry.cols, theme, plan.static, side=side), controls


def colorbar_plot(mapper, plan):
    """A narrow plot holding only the colour bar every heatmap of the grid shares (its last column)."""
    from bokeh.plotting import figure

    theme = plan.theme
    p = figure(width=plan.geometry.colorbar_width, height=grid_height(plan), toolbar_location=None, tools="",
               min_border_left=0, outline_line_color=None, output_backend="svg" if plan.static else "canvas")
    p.xaxis.visible = p.yaxis.visible = False
    p.xgrid.visible = p.ygrid.visible = False
    p.background_fill_color = p.border_fill_color = theme.background
    p.add_layout(colorbar(mapper, plan.shared_scale, theme), "left")
    return p


def grid(plots, cols: int, theme, static: bool = False, side=None):
    """A grid of ``plots``, ``cols`` per row; ``side`` (the shared colour bar) spans every row of an extra column.

    The colour bar lives inside the grid rather than in a row beside it: a grid nested in a row in a
    column collapses to zero size when Panel embeds it (the gallery's bokeh pane), though not in a
    standalone page.
    """
    from bokeh.layouts import gridplot

    out = gridplot(plots, ncols=cols, toolbar_location="above" if theme.interactive and not static else None)
    out.toolbar.logo = None
    if side is not None:
        rows = -(-len(plots) // cols)
        out.children = [*out.children, (side, 0, cols, rows, 1)]
    return out


def add_legend(p, drawn, plan) -> None:
    """One legend entry per named series (series of one group share an entry) among ``drawn`` (mark, renderers)."""
    from bokeh.core.property.vectorization import value
    from bokeh.models import Legend, LegendItem

    items: dict[str, list] = {}
    names: dict[str, str] = {}
    for mark, renderers in drawn:
        if getattr(mark, "legend", False) and getattr(mark, "name", None) is not None:
            key = getattr(mark, "group", None) or mark.name
            items.setdefault(key, []).extend(renderers)
            names.setdefault(key, mark.name)
    if not items:
        return
    legend = Legend(items=[LegendItem(label=value(plain(names[k])), renderers=r) for k, r in items.items()])
    if legend_outside(p.width) and p.output_backend != "svg":
        p.add_layout(legend, "right")
    else:  # a narrow plot (paper theme) keeps its frame, and BokehJS' SVG backend collapses the frame next to
        # an outside legend (bokeh/bokeh#15014): the legend goes inside, top right
        legend.location, legend.background_fill_alpha = "top_right", 0.8
        p.add_layout(legend, "center")
    style_plot(p, plan.theme, plan.legend_title)
