"""Spec marks → HoloViews elements with bokeh options: ``Image``, ``Curve``, ``Scatter``, ``Rectangles``, ``Labels``.

Each maker takes ``(hv, mark, fields, panel_plan, theme, ctx)`` — ``fields`` the mark's planned
hover names, ``ctx`` the page's token row and whether this panel draws the colour bar — and
returns a list of elements. Hovers show what the bokeh backend's show, every name and label
from a data column, never tooltip template text.
"""

from __future__ import annotations

import numpy as np

from ...plan.colour import NAN_COLOR
from ...plan.marks import CELL_TEXT_NAME, bar_geometry, cell_text
from ...plan.text import plain
from ...plan.tokens import MONO
from ...spec import Bar, Heatmap, Line, Scatter, TokenText
from ...spec.colors import CATEGORICAL, palette
from .._bokeh_models import cells
from .._bokeh_models.hover import bar_labels, heatmap_hover
from .._bokeh_models.style import DASH


def _cmap(scale):
    return palette(scale.name, 256)


def image(hv, mark, fields, panel_plan, theme, ctx):
    """An ``Image`` of the whole heatmap with cells at integer positions (``z[0, 0]`` at x=0, y=0), ±inf cells
    hatched gaps, the bokeh backend's hover.

    A heatmap wider or taller than a browser's largest bitmap is still one ``Image`` (all its cells, for
    HoloViews users); its bokeh plot draws it as the bokeh backend does: one image glyph whose source holds
    one image per tile (:func:`vizkit.backends._bokeh_models.cells.image_data`), one hover, one inf mark.
    """
    scale, panel = mark.colorscale, panel_plan.panel
    z = cells.values(mark.z)
    ny, nx = z.shape
    # drawn: NaN and ±inf as gaps (never a scale colour); the hook adds the exact values for hover and hatches ±inf
    img = hv.Image(np.flipud(cells.drawn(z)), bounds=(-0.5, -0.5, nx - 0.5, ny - 0.5),
                   kdims=[hv.Dimension("x", label=fields.x), hv.Dimension("y", label=fields.y)],
                   vdims=[hv.Dimension("z", label=fields.value)])
    index = next(k for k, m in enumerate(panel_plan.marks) if m is mark)
    out = [img.opts(cmap=_cmap(scale), clim=(scale.zmin, scale.zmax), colorbar=mark.show_scale and ctx.colorbar,
                    clipping_colors={"NaN": "transparent"}, colorbar_opts={"title": scale.title} if scale.title else {},
                    hooks=[_cells_hook(mark, z, f"{cells.INF_NAME}-{index}", panel, fields, theme)], backend="bokeh")]
    text = cell_text(mark, panel_plan, theme)
    if text is not None:  # hv.Labels: canvas text (never markup) over the cells, in the planned inks
        labels = hv.Labels((text.cols.astype(float), text.rows.astype(float), np.asarray(text.text, dtype=object),
                            np.asarray(text.inks, dtype=object)), kdims=["x", "y"], vdims=["text", "ink"])
        out.append(labels.opts(text_color="ink", text_font_size=f"{text.font_px:.1f}px", text_align="center",
                               text_baseline="middle", hooks=[_cell_font(theme.font_family)], backend="bokeh"))
    return out


def _cell_font(family: str):
    """Cell text in the theme's font (HoloViews would read a font list as a column name)."""
    def hook(plot, _element):
        from bokeh.core.property.vectorization import value

        plot.handles["glyph"].text_font = value(family)
        plot.handles["glyph_renderer"].name = CELL_TEXT_NAME

    return hook


def _cells_hook(mark, z, name, panel, fields, theme):
    """The plot hook of heatmap ``z``: exact values for hover, in tiles past a browser's largest bitmap;
    hatched ±inf cells (renderer ``name``); the labelled hover (once)."""

    def hook(plot, _element):
        p, source = plot.state, plot.handles["source"]
        if max(z.shape) > cells.TILE:  # one image per tile, every cell exact (what the bokeh backend's source holds)
            source.data = cells.image_data(z)
        elif cells.infinite(z):  # HoloViews flips the image back for bokeh: the source's image rows are z's
            source.data["value"] = [z]  # rows; exact values beside the drawn ones (gaps at ±inf), as cells.image_data
        marks = [r for r in p.renderers if getattr(r, "name", None) == name]
        if marks:  # HoloViews runs hooks again each time a HoloMap changes frame
            marks[0].data_source.data = cells.inf_runs(z)
        else:
            cells.add_inf_marks(p, z, theme.foreground).name = name
            heatmap_hover(p, plot.handles["glyph_renderer"], mark, panel, fields, cells.value_field(source.data))

    return hook


def curve(hv, mark, fields, panel_plan, theme, ctx):
    """A Curve (and its markers) whose hover shows series name, hover label or x, and y (columns)."""
    kdims, vdims = [hv.Dimension("x", label=fields.x)], [hv.Dimension("y", label=fields.y)]
    label = plain(mark.name) if mark.legend and mark.name is not None else ""
    color = mark.color or CATEGORICAL[0]
    columns, extra = [], []
    tips = [("", "@{hover}")] if fields.label else [(fields.x, "@{x}")]
    if mark.hover_labels is not None:
        columns.append(np.asarray([plain(s) for s in mark.hover_labels], dtype=object))
        extra.append(hv.Dimension("hover", label="label"))
    if mark.name is not None:
        columns.append(np.asarray([plain(mark.name)] * len(mark.x), dtype=object))
        extra.append(hv.Dimension("series", label="series"))
        tips.insert(0, ("", "@{series}"))
    tips.append((fields.y, "@{y}"))
    curve = hv.Curve((mark.x, mark.y, *columns), kdims, vdims + extra, label=label).opts(
        color=color, line_width=mark.width * theme.line_width / 2.0, alpha=mark.opacity, line_dash=DASH[mark.dash],
        tools=["hover"], hover_tooltips=tips, show_legend=bool(label), backend="bokeh")
    if not mark.markers:
        return [curve]
    return [curve, hv.Scatter((mark.x, mark.y), kdims, vdims, label=label).opts(color=color, size=6, backend="bokeh")]


def scatter(hv, mark, fields, panel_plan, theme, ctx):
    """Points, coloured by value (with a colour bar) when the mark has values."""
    kdims = [hv.Dimension("x", label=fields.x)]
    vdims = [hv.Dimension("y", label=fields.y)]
    data = [mark.x, mark.y]
    opts = dict(size=mark.size, alpha=mark.opacity, tools=["hover"], show_legend=bool(mark.legend and mark.name))
    if mark.values is not None:
        s = mark.colorscale
        vdims += [hv.Dimension("value", label=fields.value), "fill"]
        data += [mark.values, np.where(np.isfinite(mark.values), mark.values, np.nan)]  # ±inf: the gap colour, not an end colour
        opts.update(color="fill", cmap=_cmap(s), clim=(s.zmin, s.zmax), colorbar=True, clipping_colors={"NaN": NAN_COLOR})
    else:
        opts["color"] = mark.color or CATEGORICAL[0]
    tips = [(d.label, "@{" + d.name + "}") for d in kdims + vdims if d != "fill"]
    if fields.label:
        vdims.append(hv.Dimension("label", label="label"))
        data.append(np.asarray([plain(s) for s in mark.hover_labels], dtype=object))
        tips.insert(0, ("", "@{label}"))
    label = plain(mark.name) if mark.legend and mark.name is not None else ""
    return [hv.Scatter(tuple(data), kdims, vdims, label=label).opts(hover_tooltips=tips, backend="bokeh", **opts)]


def bars(hv, mark, fields, panel_plan, theme, ctx):
    """Bars as rectangles: numeric centres and widths, vertical or horizontal, any axis type.

    The hover shows what the bokeh backend's does (series name, category, value); a labelled bar's
    category shows under its axis title alone.
    """
    panel = panel_plan.panel
    x, widths, base = bar_geometry(mark, panel)
    cat_axis, val_axis = (panel.y, panel.x) if mark.horizontal else (panel.x, panel.y)
    lo, hi, bottom = x - widths / 2, x + widths / 2, np.full(len(x), base)
    top = np.where(np.isfinite(mark.y), mark.y, np.nan)  # ±inf: no bar (a gap), never one off the axis
    corners = (bottom, lo, top, hi) if mark.horizontal else (lo, bottom, hi, top)
    labels = bar_labels(mark, panel)
    columns, vdims = [mark.y], [hv.Dimension("value", label=fields.y)]
    tips = [(fields.y, "@{value}")]
    if labels is not None:
        columns.append(np.asarray(labels, dtype=object))
        vdims.append(hv.Dimension("category", label=cat_axis.title or "category"))
        tips.insert(0, (cat_axis.title or "", "@{category}"))
    else:
        columns.append(x)
        vdims.append(hv.Dimension("position", label=fields.x))
        tips.insert(0, (fields.x, "@{position}"))
    if mark.name is not None:
        columns.append(np.asarray([plain(mark.name)] * len(x), dtype=object))
        vdims.append(hv.Dimension("series", label="series"))
        tips.insert(0, ("", "@{series}"))
    rects = hv.Rectangles((*corners, *columns), vdims=vdims, label=plain(mark.name) if mark.legend and mark.name is not None else "")
    color = mark.color or CATEGORICAL[0]
    lim = {("xlim" if mark.horizontal else "ylim"): (base, None)} if val_axis.log and val_axis.range is None else {}
    return [rects.opts(color=color, line_color=color, alpha=mark.opacity, tools=["hover"], hover_tooltips=tips,
                       backend="bokeh", **lim)]


def tokens(hv, mark, fields, panel_plan, theme, ctx):
    """Token boxes at their planned places coloured by value row ``ctx.row`` (on that row's planned range,
    its colour bar titled with it when rows have their own), the token drawn as canvas text (never
    markup) in the planned ink. A static image draws every row where the plan stacks them (:func:`_stacked`)."""
    planned = panel_plan.tokens
    if planned.stacked:
        return _stacked(hv, planned, fields, theme)
    bar_title = {"colorbar_opts": {"title": planned.colorbar_titles[ctx.row]}} if planned.per_row else {}
    return _token_row(hv, planned, ctx.row, fields, colorbar=True, **bar_title)


def _token_row(hv, planned, row: int, fields, *, colorbar: bool, y_offset: float | None = None, **opts) -> list:
    """Value row ``row``'s boxes (``Rectangles`` on the row's planned range) and text (``Labels``), ``y_offset``
    lines down when rows are stacked."""
    mark = planned.mark
    xs, ys, widths, _, font_px = planned.boxes
    ys = ys + (y_offset or 0.0)
    s, values = planned.scales[row], mark.values[row]  # the row's own range when rows have their own
    fill = np.where(np.isfinite(values), values, np.nan)  # ±inf: the gap colour, never an end colour (hover keeps the value)
    shown = np.asarray([plain(t) for t in mark.tokens], dtype=object)  # NUL, bidi and zero-width characters shown
    value = "value" if y_offset is None else f"value_{row}"  # stacked: a dimension per row (HoloViews ranges elements of one name together)
    rects = hv.Rectangles((xs - widths / 2, ys - 0.39, xs + widths / 2, ys + 0.39, values, shown, fill),
                          vdims=[hv.Dimension(value, label=fields.value), hv.Dimension("token", label=fields.x),
                                 hv.Dimension("fill", label=planned.colorbar_titles[row])])  # the colour bar's title
    labels = hv.Labels((xs, ys, shown, np.asarray(planned.inks[row], dtype=object)), vdims=["token", "ink"])
    return [rects.opts(color="fill", cmap=_cmap(s), clim=(s.zmin, s.zmax), colorbar=colorbar, line_color=None, **opts,
                       clipping_colors={"NaN": NAN_COLOR}, tools=["hover"], backend="bokeh",
                       hover_tooltips=[(fields.value, f"@{{{value}}}"), (fields.x, "@{token}")]),
            labels.opts(text_color="ink", text_font_size=f"{font_px:.1f}px", hooks=[_mono], backend="bokeh")]


def _stacked(hv, planned, fields, theme) -> list:
    """Every value row under its name, where the plan stacks them (a static image cannot select a row).

    Rows on one range share one colour bar (the first row's); rows on their own ranges each get a bar of
    their own range on their name line (an ``Image`` gradient, group ``TokenColorbar``, ends beside it).
    """
    rows, boxes = planned.rows, planned.boxes
    names = planned.colorbar_titles if planned.per_row else planned.row_labels
    out = []
    for r in range(len(planned.scales)):
        shared_bar = {"colorbar_opts": {"title": planned.colorbar_titles[0]}} if r == 0 and not planned.per_row else {}
        out += _token_row(hv, planned, r, fields, colorbar=r == 0 and not planned.per_row, y_offset=rows.offset[r],
                          **shared_bar)
        if planned.per_row:
            out += _row_colorbar(hv, planned, r, theme)
    out.append(hv.Labels((np.full(len(names), -0.5), np.asarray(rows.label_y), np.asarray([plain(n) for n in names], dtype=object)),
                         vdims=["name"], group="TokenRowNames")
               .opts(text_align="left", text_baseline="middle", text_color=theme.foreground,
                     text_font_size=f"{boxes.font_px:.1f}px", backend="bokeh"))
    return out


def _row_colorbar(hv, planned, r: int, theme) -> list:
    """Row ``r``'s colour bar on its name line, at the right: a gradient over its own range, ends beside it."""
    from ...plan.text import number_text

    rows, x_end, font_px = planned.rows, planned.boxes.x_end, planned.boxes.font_px
    scale, h = planned.scales[r], rows.label_units * 0.3
    lo, hi = number_text(scale.zmin), number_text(scale.zmax)
    w = min(0.3 * x_end, 20.0)
    x1 = x_end - 0.9 * len(hi) - 1.0  # room for the top value after the bar
    x0, y = x1 - w, rows.label_y[r]
    bar = hv.Image(np.linspace(scale.zmin, scale.zmax, 256)[None, :], bounds=(x0, y - h / 2, x1, y + h / 2),
                   vdims=[hv.Dimension(f"range_{r}")], group="TokenColorbar")
    ends = hv.Labels(([x0 - 0.5, x1 + 0.5], [y, y], np.asarray([lo, hi], dtype=object), np.asarray(["right", "left"], dtype=object)),
                     vdims=["end", "align"], group="TokenColorbarEnds")
    return [bar.opts(cmap=_cmap(scale), clim=(scale.zmin, scale.zmax), colorbar=False, tools=[], backend="bokeh"),
            ends.opts(text_align="align", text_baseline="middle", text_color=theme.foreground,
                      text_font_size=f"{0.9 * font_px:.1f}px", backend="bokeh")]


def _mono(plot, _element):
    """Token text in a monospace font (HoloViews would read a font list as a column name)."""
    from bokeh.core.property.vectorization import value

    plot.handles["glyph"].text_font = value(MONO)


#: The element maker of each spec mark type.
MAKERS = {Heatmap: image, Line: curve, Scatter: scatter, Bar: bars, TokenText: tokens}
