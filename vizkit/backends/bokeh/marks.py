"""Spec marks → bokeh glyphs on a plot: heatmap images, lines, scatters, bars and token boxes.

Each drawer takes ``(plot, mark, fields, panel_plan, theme, shared_mapper)`` — ``fields`` are the
mark's planned hover names, ``shared_mapper`` the colour mapper of the figure's shared scale when
the mark uses it — and returns the renderers it added (for the legend) and a control widget or
None (the token-row select).
"""

from __future__ import annotations

import numpy as np

from ...plan.colour import NAN_COLOR
from ...plan.marks import CELL_TEXT_NAME, bar_geometry, cell_text
from ...plan.text import plain
from ...plan.tokens import MONO
from ...spec import Bar, Heatmap, Line, Scatter, TokenText
from ...spec.colors import CATEGORICAL
from .._bokeh_models import cells
from .._bokeh_models.hover import add_hover, bar_labels, heatmap_hover, number_formatter
from .._bokeh_models.style import DASH, color_mapper, colorbar
from .._bokeh_models.widgets import select_widget


def heatmap(p, mark, fields, panel_plan, theme, shared_mapper):
    """An ``image`` glyph with cells at integer positions, ±inf cells hatched gaps; its own colour bar unless the grid shares one."""
    from bokeh.models import ColumnDataSource

    mapper = shared_mapper or color_mapper(mark.colorscale)
    # drawn: NaN and ±inf as gaps (never a scale colour); hovered: the exact values
    source = ColumnDataSource(cells.image_data(mark.z))  # in tiles past a browser's largest bitmap
    r = p.image(image="image", x="x", y="y", dw="dw", dh="dh", source=source, color_mapper=mapper)
    cells.add_inf_marks(p, mark.z, theme.foreground)
    heatmap_hover(p, r, mark, panel_plan.panel, fields, cells.value_field(source.data))
    cell_text_glyph(p, mark, panel_plan, theme)
    if shared_mapper is None and mark.show_scale:
        p.add_layout(colorbar(mapper, mark.colorscale, theme), "right")
    return [r], None


def cell_text_glyph(p, mark, panel_plan, theme):
    """The plan's cell text as a ``text`` glyph over the cells (canvas text: never markup), in the planned inks."""
    from bokeh.core.property.vectorization import value
    from bokeh.models import ColumnDataSource

    planned = cell_text(mark, panel_plan, theme)
    if planned is None:
        return None
    source = ColumnDataSource({"x": planned.cols.astype(float), "y": planned.rows.astype(float),
                               "text": list(planned.text), "ink": list(planned.inks)})
    return p.text("x", "y", text="text", source=source, text_color="ink", text_align="center", text_baseline="middle",
                  text_font=value(theme.font_family), text_font_size=f"{planned.font_px:.1f}px", name=CELL_TEXT_NAME)


def line(p, mark, fields, panel_plan, theme, _shared_mapper):
    """A line (and its markers) whose hover shows the series name, the hover label or x, and y."""
    from bokeh.models import ColumnDataSource

    data = {"x": mark.x, "y": mark.y}
    if mark.hover_labels is not None:
        data["label"] = [plain(s) for s in mark.hover_labels]
    source = ColumnDataSource(data)
    color = mark.color or CATEGORICAL[0]
    renderers = [p.line("x", "y", source=source, line_color=color, line_width=mark.width * theme.line_width / 2.0,
                        line_alpha=mark.opacity, line_dash=DASH[mark.dash])]
    if mark.markers:
        renderers.append(p.scatter("x", "y", source=source, color=color, alpha=mark.opacity, size=6))
    tips = [("", "@label")] if fields.label else [(fields.x, "@x{num}")]
    if mark.name is not None:  # a column, not template text: names are data, never markup
        source.data["name"] = [plain(mark.name)] * len(mark.x)
        tips.insert(0, ("", "@name"))
    add_hover(p, renderers[:1], [*tips, (fields.y, "@y{num}")], {"@x": number_formatter(), "@y": number_formatter()})
    return renderers, None


def scatter(p, mark, fields, panel_plan, theme, _shared_mapper):
    """Points, coloured by value (with a colour bar) when the mark has values."""
    from bokeh.models import ColumnDataSource
    from bokeh.transform import transform

    data = {"x": mark.x, "y": mark.y}
    if mark.hover_labels is not None:
        data["label"] = [plain(s) for s in mark.hover_labels]
    color = mark.color or CATEGORICAL[0]
    if mark.values is not None:
        data["value"], data["fill"] = mark.values, _finite(mark.values)
        mapper = color_mapper(mark.colorscale, nan_color=NAN_COLOR)
        color = transform("fill", mapper)
        p.add_layout(colorbar(mapper, mark.colorscale, theme), "right")
    r = p.scatter("x", "y", source=ColumnDataSource(data), size=mark.size, fill_color=color, line_color=color,
                  fill_alpha=mark.opacity, line_alpha=mark.opacity)
    tips = [("", "@label")] if fields.label else []
    tips += [(fields.x, "@x{num}"), (fields.y, "@y{num}")]
    if fields.value is not None:
        tips.append((fields.value, "@value{num}"))
    add_hover(p, [r], tips, {"@x": number_formatter(), "@y": number_formatter(), "@value": number_formatter()})
    return [r], None


def bar(p, mark, fields, panel_plan, theme, _shared_mapper):
    """Vertical or horizontal bars from their base; hover shows series name, category and value.

    A labelled bar's category shows under its axis title alone (no "x" stand-in for a missing one).
    """
    from bokeh.models import ColumnDataSource

    panel = panel_plan.panel
    x, widths, base = bar_geometry(mark, panel)
    cat_axis, val_axis = (panel.y, panel.x) if mark.horizontal else (panel.x, panel.y)
    if val_axis.log and val_axis.range is None:  # the axis starts at the bars' base, not at log(0)
        rng = p.x_range if mark.horizontal else p.y_range
        rng.start = base
    labels = bar_labels(mark, panel)
    data = {"x": x, "top": np.where(np.isfinite(mark.y), mark.y, np.nan), "width": widths}  # ±inf: no bar (a gap), not one off the axis
    if labels is not None:
        data["label"] = labels
    if mark.name is not None:
        data["name"] = [plain(mark.name)] * len(x)
    source = ColumnDataSource(data)
    color = mark.color or CATEGORICAL[0]
    style = dict(source=source, fill_color=color, line_color=color, fill_alpha=mark.opacity, line_alpha=mark.opacity)
    if mark.horizontal:
        r = p.hbar(y="x", right="top", left=base, height="width", **style)
    else:
        r = p.vbar(x="x", top="top", bottom=base, width="width", **style)
    tips = [(cat_axis.title or "", "@label")] if labels is not None else [(fields.x, "@x{num}")]
    add_hover(p, [r], [*([("", "@name")] if mark.name is not None else []), *tips, (fields.y, "@top{num}")],
              {"@x": number_formatter(), "@top": number_formatter()})
    return [r], None


def tokens(p, mark, fields, panel_plan, theme, _shared_mapper):
    """Token boxes (rects) at their planned places, coloured by value with the token drawn as canvas
    text in the planned ink; a Select picks the value row (a static image draws every row: :func:`_stacked`)."""
    from bokeh.models import Range1d

    planned = panel_plan.tokens
    p.x_range = Range1d(-0.5, planned.boxes.x_end)
    p.y_range = Range1d(planned.y_end, -0.5)
    p.xaxis.visible = p.yaxis.visible = False
    p.xgrid.visible = p.ygrid.visible = False
    p.outline_line_color = None
    p.background_fill_color = theme.background
    if planned.stacked:
        return _stacked(p, planned, fields, theme), None
    scale = planned.scales[0]  # the first row's: the mark's own scale unless each row has its own range
    mapper = color_mapper(scale, nan_color=NAN_COLOR)
    r, source = _token_row(p, planned, 0, fields, mapper)
    bar = colorbar(mapper, scale.replace(title=planned.colorbar_titles[0]), theme)
    p.add_layout(bar, "right")
    return [r], _row_select(planned, source, theme, mapper, bar)


def _token_row(p, planned, row: int, fields, mapper, y_offset: float = 0.0):
    """Value row ``row``'s token boxes and text, ``y_offset`` lines down; returns (box renderer, its source)."""
    from bokeh.core.property.vectorization import value
    from bokeh.models import ColumnDataSource
    from bokeh.transform import transform

    mark, (xs, ys, widths, _, font_px) = planned.mark, planned.boxes
    values = mark.values[row]
    source = ColumnDataSource({"x": xs, "y": ys + y_offset, "w": widths, "token": [plain(t) for t in mark.tokens],
                               "value": values, "fill": _finite(values), "ink": list(planned.inks[row])},
                              name=f"vizkit-token-row-{row}")
    r = p.rect("x", "y", width="w", height=0.78, source=source, fill_color=transform("fill", mapper), line_color=None)
    p.text("x", "y", text="token", source=source, text_color="ink", text_align="center", text_baseline="middle",
           text_font=value(MONO), text_font_size=f"{font_px:.1f}px")
    add_hover(p, [r], [(fields.x, "@token"), (fields.value, "@value{num}")], {"@value": number_formatter()})
    return r, source


def _stacked(p, planned, fields, theme) -> list:
    """Every value row under its name, where the plan stacks them (a static image cannot select a row).

    Rows on one range share one colour bar at the right; rows on their own ranges each get a bar of their
    own range on their name line (a gradient ``image`` named ``vizkit-token-colorbar-<row>``, its ends
    written beside it), as in every backend.
    """
    from bokeh.models import ColumnDataSource

    rows, boxes = planned.rows, planned.boxes
    shared = None if planned.per_row else color_mapper(planned.scales[0], nan_color=NAN_COLOR)
    names = planned.colorbar_titles if planned.per_row else planned.row_labels
    renderers = []
    for r, scale in enumerate(planned.scales):
        mapper = shared or color_mapper(scale, nan_color=NAN_COLOR)
        renderers.append(_token_row(p, planned, r, fields, mapper, rows.offset[r])[0])
        if planned.per_row:
            _row_colorbar(p, planned, r, mapper, theme)
    names = ColumnDataSource({"x": [-0.5] * len(names), "y": list(rows.label_y), "text": [plain(n) for n in names]},
                             name="vizkit-token-row-names")
    p.text("x", "y", text="text", source=names, text_align="left", text_baseline="middle", text_color=theme.foreground,
           text_font_size=f"{boxes.font_px:.1f}px")
    if shared is not None:
        p.add_layout(colorbar(shared, planned.scales[0].replace(title=planned.colorbar_titles[0]), theme), "right")
    return renderers


def _row_colorbar(p, planned, r: int, mapper, theme) -> None:
    """Row ``r``'s colour bar on its name line, at the right: a gradient over its own range, ends beside it."""
    from bokeh.models import ColumnDataSource

    from ...plan.text import number_text

    rows, x_end = planned.rows, planned.boxes.x_end
    scale, h = planned.scales[r], rows.label_units * 0.3
    lo, hi = number_text(scale.zmin), number_text(scale.zmax)
    x1 = x_end - 0.9 * len(hi) - 1.0  # room for the top value after the bar
    w = min(0.3 * x_end, 20.0)
    x0 = x1 - w
    p.image(image=[np.linspace(scale.zmin, scale.zmax, 256)[None, :]], x=x0, y=rows.label_y[r] - h / 2, dw=w, dh=h,  # y grows down the page
            color_mapper=mapper, name=f"vizkit-token-colorbar-{r}")
    ends = ColumnDataSource({"x": [x0 - 0.5, x1 + 0.5], "y": [rows.label_y[r]] * 2, "text": [lo, hi],
                             "align": ["right", "left"]}, name=f"vizkit-token-colorbar-ends-{r}")
    p.text("x", "y", text="text", source=ends, text_align="align", text_baseline="middle", text_color=theme.foreground, text_font_size=f"{0.9 * planned.boxes.font_px:.1f}px")


def _finite(values) -> np.ndarray:
    """Values a colour mapper may colour: ±inf become NaN (the gap colour), never an end colour; hover keeps the exact value."""
    v = np.asarray(values, dtype=float)
    return np.where(np.isfinite(v), v, np.nan)


def _row_select(planned, source, theme, mapper, bar):
    """A Select over the value rows: swaps the values (and text inks) of the token boxes, and with rows on
    their own ranges the colour mapper's range and the colour bar's title too."""
    from bokeh.models import CustomJS

    values = planned.mark.values
    if values.shape[0] < 2:
        return None
    select = select_widget("row", planned.row_labels, theme)
    code = "const k = Number(cb_obj.value); source.data = {...source.data, value: rows[k], fill: fills[k], ink: inks[k]};"
    args = {"source": source, "rows": [np.asarray(v, dtype=float) for v in values], "fills": [_finite(v) for v in values],
            "inks": [list(i) for i in planned.inks]}
    if planned.per_row:
        args.update(mapper=mapper, bar=bar, lows=[s.zmin for s in planned.scales], highs=[s.zmax for s in planned.scales],
                    titles=list(planned.colorbar_titles))
        code += " mapper.low = lows[k]; mapper.high = highs[k]; bar.title = titles[k];"
    select.js_on_change("value", CustomJS(args=args, code=code))
    return select


#: The drawer of each spec mark type.
DRAWERS = {Heatmap: heatmap, Line: line, Scatter: scatter, Bar: bar, TokenText: tokens}
