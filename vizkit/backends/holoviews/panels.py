"""Planned panels → HoloViews objects: one element or Overlay per panel, with the plan's sizes,
ticks, ranges and titles as bokeh options; pages (slider frames, token rows) and the Layout.
"""

from __future__ import annotations

from types import SimpleNamespace

from ...plan.text import escape
from .._bokeh_models.sizes import panel_size
from .._bokeh_models.style import font, legend_outside, style_plot
from .elements import MAKERS


def pages(hv, plan):
    """The (frame, token row) pairs to draw, and the ``(dimension, index into the pair)`` paging through them (if any)."""
    token_plans = [p.tokens for p in plan.frame(0) if p.tokens is not None]
    if plan.slider is not None:
        return [(k, 0) for k in range(plan.n_frames)], (index_dim(hv, plan.slider.name, plan.slider.labels), 0)
    if token_plans and len(token_plans[0].row_labels) > 1 and not token_plans[0].stacked:  # a picture stacks the rows
        labels = token_plans[0].row_labels
        return [(0, r) for r in range(len(labels))], (index_dim(hv, "row", labels), 1)
    return [(0, 0)], None


def index_dim(hv, name, labels):
    """A key dimension over ``0..n-1`` that shows ``labels`` (repeated labels stay separate keys)."""
    labels = tuple(labels)
    return hv.Dimension(name, values=list(range(len(labels))), value_format=lambda k: labels[int(k)])


def compose(hv, plan, panels, *, title=None):
    """One untitled panel as is; several, or one under a title, in a Layout (one toolbar, none for
    static or non-interactive themes)."""
    if len(panels) == 1 and not title:
        return panels[0]
    layout = hv.Layout(panels).cols(plan.geometry.cols)
    # HoloViews writes a Layout's title into an HTML Div unescaped, so it gets escaped text.
    return layout.opts(title=escape(title) or "", shared_axes=False, backend="bokeh",
                       toolbar="above" if plan.theme.interactive and not plan.static else None)


def add_hooks(hv, obj, hooks) -> None:
    """Append bokeh plot ``hooks`` to ``obj`` (to every element of a HoloMap)."""
    for target in (obj.values() if isinstance(obj, hv.HoloMap) else [obj]):
        current = hv.Store.lookup_options("bokeh", target, "plot").kwargs.get("hooks", [])
        target.opts(hooks=[*current, *hooks], backend="bokeh")


def add_caption(p, plan) -> None:
    """The planned caption under plot ``p``, once: HoloViews runs hooks again each time a HoloMap changes frame."""
    from bokeh.models import PlainText, Title

    if not any(getattr(r, "name", None) == "vizkit-caption" for r in p.below):
        theme = plan.theme
        p.add_layout(Title(text=PlainText(plan.caption), name="vizkit-caption", align="left",
                           text_font_size=f"{plan.geometry.caption_font_px}px", text_font_style="normal",
                           text_color=theme.foreground, text_font=font(theme.font_family)), "below")


def frame_panels(hv, plan, frame: int, row: int = 0):
    """One HoloViews element (or Overlay) per panel of ``frame``; token figures show value row ``row``."""
    theme, geo = plan.theme, plan.geometry
    panels = plan.frame(frame)
    bar_col = min(geo.cols, len(panels)) - 1  # the shared colour bar's panel: the last of the first row
    out = []
    for panel_plan in panels:
        i = panel_plan.index
        width, height = panel_size(plan, i)
        # Heatmaps sharing a scale share one colour bar, drawn inside the last panel of the first row:
        # that panel also takes the colour bar's column of the figure's width.
        ctx = SimpleNamespace(row=row, colorbar=plan.shared_scale is None or i == bar_col)
        elements = [e for mark, fields in zip(panel_plan.marks, panel_plan.hover, strict=True)
                    for e in MAKERS[type(mark)](hv, mark, fields, panel_plan, theme, ctx)]
        legend = any(getattr(m, "legend", False) and getattr(m, "name", None) is not None for m in panel_plan.marks)
        obj = hv.Overlay(elements) if len(elements) > 1 or legend else elements[0]
        opts = panel_opts(plan, panel_plan, width, height)
        if geo.colorbar_width and i % geo.cols == bar_col:
            # the colour bar's column: bokeh aligns the frames of a grid column, so every panel in it is as
            # wide as the one holding the bar (else theirs shrink by the bar's width)
            opts["width"] += geo.colorbar_width
        if isinstance(obj, hv.Overlay):
            # inside when narrow, and for static (SVG) export, where BokehJS collapses the frame next to an
            # outside legend (bokeh/bokeh#15014)
            opts["legend_position"] = "right" if legend_outside(width) and not plan.static else "top_right"
        obj = obj.opts(backend="bokeh", **opts)
        add_hooks(hv, obj, [lambda plot, _e: style_plot(plot.state, theme, plan.legend_title)])
        out.append(obj)
    return out


def panel_opts(plan, panel_plan, width: int, height: int) -> dict:
    """The bokeh plot options of one panel: size, title, toolbar, axis titles, planned ticks and ranges."""
    theme = plan.theme
    title = (plan.title if plan.title_in_plot else panel_plan.title) or ""
    x, y = panel_plan.x, panel_plan.y
    opts = dict(width=width, height=height, title=title.replace("{", "{{").replace("}", "}}"),  # str.format'd
                toolbar="right" if theme.interactive and panel_plan.tokens is None else None, xlabel=x.title or "",
                ylabel=y.title or "", logx=x.log, logy=y.log, invert_yaxis=y.reversed, invert_xaxis=x.reversed,
                bgcolor=theme.panel_background, show_grid=(x.grid or y.grid) and panel_plan.tokens is None)
    for axis in (x, y):
        dim = axis.dim
        if axis.tickvals is not None:
            ticks = [int(v) for v in axis.tickvals] if axis.labels is not None else list(axis.tickvals)
            opts[f"{dim}ticks"] = list(zip(ticks, axis.ticktext, strict=True))
            if axis.rotated:
                opts["xrotation"] = 45
        if axis.range is not None:
            opts[f"{dim}lim"] = tuple(axis.range)
    if panel_plan.tokens is not None:
        boxes = panel_plan.tokens.boxes
        opts.update(xaxis=None, yaxis=None, show_frame=False, bgcolor=theme.background, invert_yaxis=True,
                    xlim=(-0.5, boxes.x_end), ylim=(-0.5, panel_plan.tokens.y_end))
    return opts
