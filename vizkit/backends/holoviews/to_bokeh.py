"""A planned figure through HoloViews to one bokeh layout: every page (slider frame or token row)
rendered by ``hv.render``, then the same page around them as the bokeh backend's.

Each page is rendered from the plan alone by :func:`render_page`; a slider over frames that differ
only in heatmap values renders frame 0 and swaps the values in the page (issue 12).
"""

from __future__ import annotations

from .._bokeh_models import lazy
from .._bokeh_models.page import assemble
from .._bokeh_models.widgets import frame_switch
from .panels import compose, frame_panels, pages
from .store import bokeh_store


def bokeh_layout(plan):
    """The bokeh layout of ``plan``: every page rendered by HoloViews, switched in the page by a slider or select.

    A slider whose frames differ only in heatmap values and titles renders frame 0 alone and fills
    its plots with frame ``k``'s values in the page (:mod:`vizkit.backends._bokeh_models.lazy`).
    """
    if lazy.swappable(plan):
        with bokeh_store() as hv:
            root = render_page(hv, plan, 0)
        plots = panel_plots(root)
        for i, p in enumerate(plots):  # named as the bokeh backend names them; the slider renames them per frame
            p.name = f"vizkit-panel-0-{i}"
        return assemble(plan, [root], swap=lazy.frame_swap(plan, plots))
    with bokeh_store() as hv:
        keys, dim = pages(hv, plan)
        frames = [render_page(hv, plan, *key) for key in keys]
    controls = []
    if dim is not None and plan.slider is None:  # token rows: a select shows one page at a time
        labels = [dim[0].pprint_value(k) for k in dim[0].values]
        controls.append(frame_switch(frames, dim[0].name, labels, plan.theme, select=True))
    return assemble(plan, frames, controls=controls)


def layout_models(root) -> list:
    """``root`` and the layout models under it (rows, columns, grids, plots, their toolbars), breadth first.

    Only layout children are followed, never glyphs, sources or tools: a full model walk
    (``collect_models``) visits every item of every list, such as a hover's 100,000 column labels.
    """
    from bokeh.models import GridPlot, Plot

    out, todo = [], [root]
    while todo:
        m = todo.pop(0)
        out.append(m)
        if isinstance(m, (Plot, GridPlot)) and m.toolbar is not None:
            out.append(m.toolbar)
        if not isinstance(m, Plot):
            todo += [c[0] if isinstance(c, tuple) else c for c in (getattr(m, "children", None) or [])]
    return out


def panel_plots(root) -> list:
    """The plots of a rendered page in panel (grid) order: the page itself, or a grid's plots by row then column."""
    from bokeh.models import GridPlot, Plot

    if isinstance(root, Plot):
        return [root]
    grid = next(m for m in layout_models(root) if isinstance(m, GridPlot))
    return [c[0] for c in sorted(grid.children, key=lambda c: (c[1], c[2])) if isinstance(c[0], Plot)]


def render_page(hv, plan, frame: int, row: int = 0):
    """Slider frame ``frame`` (token row ``row``) rendered by HoloViews to bokeh models."""
    root = hv.render(compose(hv, plan, frame_panels(hv, plan, frame, row)), backend="bokeh")
    finish(root, plan.static)
    return root


def finish(root, static: bool) -> None:
    """No HoloViz logo on the toolbars; for image export, plots drawn as SVG (vector PDF and SVG) with no toolbar."""
    from bokeh.models import Plot, Toolbar

    for m in layout_models(root):
        if isinstance(m, Toolbar):
            m.logo = None
        elif isinstance(m, Plot) and static:
            m.output_backend = "svg"
            m.toolbar_location = None
