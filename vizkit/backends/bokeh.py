"""The bokeh backend: spec → a bokeh layout (plots, colour bar, slider, caption).

Heatmaps are ``image`` glyphs at integer cell positions with tick labels from the axes, so
repeated tokens stay distinct columns. Every text a user supplies (tokens, titles, labels)
reaches the page as data: canvas text through ``PlainText`` (never parsed as TeX), ``Div`` s with
``render_as_text``, hover values escaped by BokehJS. Standalone HTML inlines BokehJS and derives
every id from the figure's content.

The module reads top to bottom: the layout and its geometry, one panel, the marks, the page
around the plots (title, frame switch, caption), then the HTML page, notebook and image output.
The geometry, styling, page and output helpers are shared with the HoloViews backend, which
renders through bokeh.
"""

from __future__ import annotations

import hashlib
import html as _html
import json
import math

import numpy as np

from ..errors import BackendError
from ..spec import Bar, Heatmap, Line, Scatter, TokenText
from ..spec.colors import CATEGORICAL, palette
from . import _layout as L

NAME = "bokeh"
KINDS = "*"
FORMATS = frozenset({"html", "png", "svg", "pdf"})

DASH = {"solid": "solid", "dash": "dashed", "dot": "dotted"}
MONO = L.MONO
NAN_COLOR = L.NAN_COLOR
# Hover numbers like plotly's %{z:.4g}; NaN never reaches a formatter (BokehJS prints "NaN").
_NUM_JS = "return Number.isFinite(value) ? String(+value.toPrecision(4)) : String(value)"
_LABEL_JS = "const i = Math.round(value); const s = labels[i]; return s === undefined ? String(i) : s + ' (' + i + ')'"


def render(fig, theme, *, static: bool = False):
    """The bokeh layout of ``fig``; ``static=True`` (image export) draws SVG plots with no toolbar."""
    geo = Geometry(fig, theme, static=static)
    mapper = _mapper(geo.shared) if geo.shared is not None else None
    frames, controls = [], []
    for frame in range(fig.n_frames):
        plots = []
        for i, panel in enumerate(fig.frame_panels(frame)):
            p = _plot(panel, theme, geo, i, static, title=fig.title if geo.title_in_plot else panel.title)
            p.name = f"vizkit-panel-{frame}-{i}"  # layout.select_one({"name": ...}) finds a panel's plot
            drawn = []
            for mark in panel.marks:
                renderers, control = _MARKS[type(mark)](p, mark, panel, theme, mapper if _shares(mark, geo.shared) else None)
                drawn.append((mark, renderers))
                controls += [control] if control is not None else []
            if geo.shared is not None and geo.n_panels == 1:
                p.add_layout(_colorbar(mapper, geo.shared, theme), "right")
            _legend(p, drawn, fig, theme)
            plots.append(p)
        side = _colorbar_plot(mapper, geo.shared, theme, geo, static) if geo.cb_w else None
        frames.append(plots[0] if len(plots) == 1 else grid(plots, geo.cols, theme, static, side=side))
    return assemble(fig, theme, geo, frames, controls=controls)


# ---------------------------------------------------------------------------------------------
# Geometry: the figure's size (``_layout.size``) shared out in whole CSS pixels

_CB_WIDTH = 95  # a shared colour bar's own column
_TOOLBAR_H = 30  # a grid's toolbar, above the plots (a single plot holds its own)
_SLIDER_H = 50  # the frame slider, margins included
_SELECT_H = L.SELECT_HEIGHT  # the token-row select, margins included
_WIDGET_MARGIN = 5


class Geometry:
    """Where the figure's ``width × height`` CSS pixels go: title, controls, panels, colour bar, slider, caption.

    Every part has a fixed whole-pixel size and the parts add up to exactly the figure's size,
    so a PNG is ``size × scale`` pixels and an SVG or PDF page is ``size``. From top to bottom:
    the title (when it is not the single plot's own), the grid's toolbar, the grid of panels
    (``col_w`` × ``row_h``, with the shared colour bar's column ``cb_w`` on the right), a select
    over token rows, the frame slider and the caption. ``static`` (image export) drops the toolbar.
    """

    def __init__(self, fig, theme, *, static: bool = False):
        self.width, self.height = L.size(fig, theme)
        first = fig.frame_panels(0)
        self.n_panels = len(first)
        self.rows, self.cols = fig.grid
        self.shared = _shared_scale(fig)
        self.title_in_plot = self.n_panels == 1 and not first[0].title
        self.title_h = 0 if self.title_in_plot or not fig.title else round(theme.title_size * 2.2)
        self.caption_size = max(9, theme.font_size - 2)
        self.caption_line = round(self.caption_size * 1.4)
        note = L.caption(fig)
        lines = math.ceil(len(note) * self.caption_size * 0.55 / (self.width - 2 * _WIDGET_MARGIN)) if note else 0
        self.caption_h = lines * self.caption_line + (8 if note else 0)
        self.slider_h = _SLIDER_H if fig.slider is not None else 0
        self.select_h = _SELECT_H if token_rows(fig) > 1 else 0
        self.cb_w = _CB_WIDTH if self.shared is not None and self.n_panels > 1 else 0
        self.toolbar_h = _TOOLBAR_H if self.n_panels > 1 and theme.interactive and not static else 0
        self.col_w = _split(self.width - self.cb_w, self.cols, 120)
        chrome_h = self.title_h + self.toolbar_h + self.select_h + self.slider_h + self.caption_h
        self.row_h = _split(self.height - chrome_h, self.rows, 100)

    @property
    def grid_h(self) -> int:
        return sum(self.row_h)

    def tick_span(self, dim: str) -> int:
        """Pixels along a panel's ``dim`` axis for its tick labels (axis, title and toolbar taken off); the
        narrowest panel's, so every panel of the grid thins its ticks alike."""
        return min(self.col_w) - 90 if dim == "x" else min(self.row_h) - 100

    def panel_size(self, i: int) -> tuple[int, int]:
        """(width, height) of panel ``i`` (grid order) of a frame."""
        row, col = divmod(i, self.cols)
        return self.col_w[col], self.row_h[row]


def _split(total: int, n: int, minimum: int) -> list[int]:
    """``n`` whole sizes, each at least ``minimum``, adding up to ``total`` (the first ones 1 px larger)."""
    base, extra = divmod(max(int(total), n * minimum), n)
    return [base + (i < extra) for i in range(n)]


def token_rows(fig) -> int:
    """How many value rows the figure's token text has (a select switches them when there are several)."""
    return max((m.values.shape[0] for m in fig.marks(TokenText)), default=1)


def _shared_scale(fig):
    scales = [m.colorscale for m in fig.marks(Heatmap)]
    if scales and all(s == scales[0] for s in scales):
        return scales[0]
    return None


def _shares(mark, shared) -> bool:
    return isinstance(mark, Heatmap) and shared is not None and mark.colorscale == shared


def _mapper(scale, nan_color="rgba(0, 0, 0, 0)"):
    from bokeh.models import LinearColorMapper

    return LinearColorMapper(palette=palette(scale.name, 256), low=scale.zmin, high=scale.zmax, nan_color=nan_color)


def _colorbar(mapper, scale, theme):
    from bokeh.models import ColorBar

    bar = ColorBar(color_mapper=mapper, title=scale.title, width=14, padding=6)
    style_colorbar(bar, theme)
    return bar


def style_colorbar(bar, theme) -> None:
    """Theme a colour bar like the plot around it (shared with the HoloViews backend)."""
    family, size = font(theme.font_family), f"{theme.font_size}px"
    bar.background_fill_color, bar.border_line_color = theme.background, None
    bar.major_label_text_color = bar.title_text_color = theme.foreground
    bar.major_label_text_font = bar.title_text_font = family
    bar.major_label_text_font_size = bar.title_text_font_size = size
    bar.title_text_font_style = "normal"


def _colorbar_plot(mapper, scale, theme, geo, static):
    """A narrow plot holding only the colour bar every heatmap of the grid shares (its last column)."""
    from bokeh.plotting import figure

    p = figure(width=geo.cb_w, height=geo.grid_h, toolbar_location=None, tools="", min_border_left=0,
               outline_line_color=None, output_backend="svg" if static else "canvas")
    p.xaxis.visible = p.yaxis.visible = False
    p.xgrid.visible = p.ygrid.visible = False
    p.background_fill_color = p.border_fill_color = theme.background
    p.add_layout(_colorbar(mapper, scale, theme), "left")
    return p


def grid(plots, cols, theme, static=False, side=None):
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


# ---------------------------------------------------------------------------------------------
# One panel


def _plot(panel, theme, geo, index, static, title):
    from bokeh.models import FixedTicker, Range1d
    from bokeh.plotting import figure

    width, height = geo.panel_size(index)
    chrome = theme.interactive and not static and not any(isinstance(m, TokenText) for m in panel.marks)
    p = figure(width=width, height=height, title=title, tools="pan,wheel_zoom,box_zoom,reset,save" if chrome else "",
               toolbar_location="right" if chrome else None,
               x_axis_type="log" if panel.x.log else "linear", y_axis_type="log" if panel.y.log else "linear",
               output_backend="svg" if static else "canvas")
    p.toolbar.logo = None
    heat = [m for m in panel.marks if isinstance(m, Heatmap)]
    for axis, ax_models, n, dim in ((panel.x, p.xaxis, heat[0].z.shape[1] if heat else None, "x"),
                                    (panel.y, p.yaxis, heat[0].z.shape[0] if heat else None, "y")):
        if axis.range is not None:
            setattr(p, f"{dim}_range", Range1d(*axis.range))
        elif n is not None:
            setattr(p, f"{dim}_range", Range1d(-0.5, n - 0.5))
        rng = getattr(p, f"{dim}_range")
        if axis.reversed:
            if isinstance(rng, Range1d):
                rng.start, rng.end = rng.end, rng.start
            else:
                rng.flipped = True
        ax_models.axis_label = axis.title
        if axis.labels is not None:
            pos, text, rotated = L.fit_ticks(axis, dim, geo.tick_span(dim), theme.font_size)
            ax_models.ticker = FixedTicker(ticks=pos)
            ax_models.major_label_overrides = dict(zip(pos, text, strict=True))
            getattr(p, f"{dim}grid").visible = False
            if rotated:
                ax_models.major_label_orientation = math.pi / 4
        elif axis.log and (ticks := L.log_ticks(L.axis_values(panel, dim))) is not None:
            ax_models.ticker = FixedTicker(ticks=ticks[0], minor_ticks=[])
            ax_models.major_label_overrides = dict(zip(*ticks, strict=True))
    style_plot(p, theme)
    return p
def font(family: str) -> str:
    """A CSS font list canvas text accepts: names with spaces quoted."""
    names = [n.strip().strip("'\"") for n in family.split(",")]
    return ", ".join(f"'{n}'" if " " in n else n for n in names)



def style_plot(p, theme, legend_title: str | None = None) -> None:
    """Theme a bokeh plot: fonts, sizes, colours (shared with the HoloViews backend)."""
    from bokeh.models import ColorBar

    size, family = f"{theme.font_size}px", font(theme.font_family)
    p.background_fill_color = theme.panel_background
    p.border_fill_color = theme.background
    p.outline_line_color = theme.grid
    if p.title is not None:
        text, width = getattr(p.title.text, "text", p.title.text) or "", p.width or 600
        # bokeh centres a title on the frame and clips what overflows the canvas on the left: a title too
        # long to centre starts at the frame's left edge instead, smaller if even the plot is too narrow
        title_px = L.title_px(text, width - 40, theme)
        p.title.text_font, p.title.text_font_size, p.title.text_color = family, f"{title_px}px", theme.foreground
        p.title.align = "center" if L.text_px(text, title_px) <= width - 160 else "left"
    for ax in p.axis:
        ax.axis_label_text_font = ax.major_label_text_font = family
        ax.axis_label_text_font_size, ax.major_label_text_font_size = size, size
        ax.axis_label_text_color = ax.major_label_text_color = theme.foreground
        ax.axis_line_color = ax.major_tick_line_color = ax.minor_tick_line_color = theme.foreground
        ax.axis_label_text_font_style = "normal"
    for grid in p.grid:
        if grid.grid_line_color is not None:  # None: hidden on purpose
            grid.grid_line_color = theme.grid
    for legend in p.legend:
        legend.title = legend_title
        legend.click_policy = "hide"
        legend.background_fill_color, legend.border_line_color = theme.background, None
        legend.label_text_color = legend.title_text_color = theme.foreground
        legend.label_text_font = legend.title_text_font = family
        legend.label_text_font_size = legend.title_text_font_size = size
        if legend in p.right:  # beside the frame: at its top, as bokeh's own outside legends are (HoloViews puts them low)
            legend.location = "top_left"
    for bar in p.select({"type": ColorBar}):
        style_colorbar(bar, theme)
    if p.toolbar is not None:
        p.toolbar.logo = None


def _num_formatter():
    from bokeh.models import CustomJSHover

    return CustomJSHover(code=_NUM_JS)


def _hover(p, renderers, tooltips, formatters):
    """Tooltips whose names are plain text and whose values are placeholders only (BokehJS escapes them)."""
    from bokeh.models import HoverTool

    p.add_tools(HoverTool(renderers=renderers, tooltips=[(str(k), v) for k, v in tooltips], formatters=formatters))


# ---------------------------------------------------------------------------------------------
# Marks


def _heatmap(p, mark, panel, theme, shared_mapper):
    from bokeh.models import ColumnDataSource

    ny, nx = mark.z.shape
    mapper = shared_mapper or _mapper(mark.colorscale)
    source = ColumnDataSource({"image": [np.asarray(mark.z, dtype=float)], "x": [-0.5], "y": [-0.5], "dw": [nx], "dh": [ny]})
    r = p.image(image="image", x="x", y="y", dw="dw", dh="dh", source=source, color_mapper=mapper)
    heatmap_hover(p, r, mark, panel, "@image")
    if shared_mapper is None and mark.show_scale:
        p.add_layout(_colorbar(mapper, mark.colorscale, theme), "right")
    return [r], None


def heatmap_hover(p, renderer, mark, panel, value_field: str) -> None:
    """Hover of a heatmap: row and column labels (with their index) and the value, as plotly shows it."""
    from bokeh.models import CustomJSHover

    ny, nx = mark.z.shape
    xl = list(mark.x_labels or panel.x.labels or [str(i) for i in range(nx)])
    yl = list(mark.y_labels or panel.y.labels or [str(i) for i in range(ny)])
    _hover(p, [renderer], [(mark.y_title or "row", "$y{label}"), (mark.x_title or "column", "$x{label}"),
                           (mark.value_label, value_field + "{num}")],
           {"$y": CustomJSHover(args={"labels": yl}, code=_LABEL_JS), "$x": CustomJSHover(args={"labels": xl}, code=_LABEL_JS),
            value_field: _num_formatter()})


def _line(p, mark, panel, theme, _):
    from bokeh.models import ColumnDataSource

    data = {"x": mark.x, "y": mark.y}
    if mark.hover_labels is not None:
        data["label"] = list(mark.hover_labels)
    source = ColumnDataSource(data)
    color = mark.color or CATEGORICAL[0]
    renderers = [p.line("x", "y", source=source, line_color=color, line_width=mark.width * theme.line_width / 2.0,
                        line_alpha=mark.opacity, line_dash=DASH[mark.dash])]
    if mark.markers:
        renderers.append(p.scatter("x", "y", source=source, color=color, alpha=mark.opacity, size=6))
    tips = [("", "@label")] if mark.hover_labels is not None else [(panel.x.title or "x", "@x{num}")]
    if mark.name is not None:  # a column, not template text: names are data, never markup
        source.data["name"] = [mark.name] * len(mark.x)
        tips.insert(0, ("", "@name"))
    _hover(p, renderers[:1], [*tips, (panel.y.title or "y", "@y{num}")], {"@x": _num_formatter(), "@y": _num_formatter()})
    return renderers, None


def _scatter(p, mark, panel, theme, _):
    from bokeh.models import ColumnDataSource
    from bokeh.transform import transform

    data = {"x": mark.x, "y": mark.y}
    if mark.hover_labels is not None:
        data["label"] = list(mark.hover_labels)
    color = mark.color or CATEGORICAL[0]
    if mark.values is not None:
        data["value"] = mark.values
        mapper = _mapper(mark.colorscale, nan_color=NAN_COLOR)
        color = transform("value", mapper)
        p.add_layout(_colorbar(mapper, mark.colorscale, theme), "right")
    r = p.scatter("x", "y", source=ColumnDataSource(data), size=mark.size, fill_color=color, line_color=color,
                  fill_alpha=mark.opacity, line_alpha=mark.opacity)
    tips = [("", "@label")] if mark.hover_labels is not None else []
    tips += [(panel.x.title or "x", "@x{num}"), (panel.y.title or "y", "@y{num}")]
    if mark.values is not None:
        tips.append((mark.colorscale.title or "value", "@value{num}"))
    _hover(p, [r], tips, {"@x": _num_formatter(), "@y": _num_formatter(), "@value": _num_formatter()})
    return [r], None


def _bar(p, mark, panel, theme, _):
    from bokeh.models import ColumnDataSource

    x, widths, base = L.bar_geometry(mark, panel)
    cat_axis, val_axis = (panel.y, panel.x) if mark.horizontal else (panel.x, panel.y)
    if val_axis.log and val_axis.range is None:  # the axis starts at the bars' base, not at log(0)
        rng = p.x_range if mark.horizontal else p.y_range
        rng.start = base
    labels = bar_labels(mark, panel)
    data = {"x": x, "top": mark.y, "width": widths}
    if labels is not None:
        data["label"] = labels
    if mark.name is not None:
        data["name"] = [mark.name] * len(x)
    source = ColumnDataSource(data)
    color = mark.color or CATEGORICAL[0]
    style = dict(source=source, fill_color=color, line_color=color, fill_alpha=mark.opacity, line_alpha=mark.opacity)
    if mark.horizontal:
        r = p.hbar(y="x", right="top", left=base, height="width", **style)
    else:
        r = p.vbar(x="x", top="top", bottom=base, width="width", **style)
    tips = [(cat_axis.title or "", "@label")] if labels is not None else [(cat_axis.title or "x", "@x{num}")]
    _hover(p, [r], [*([("", "@name")] if mark.name is not None else []), *tips, (val_axis.title or "value", "@top{num}")],
           {"@x": _num_formatter(), "@top": _num_formatter()})
    return [r], None


def bar_labels(mark, panel) -> list[str] | None:
    """Each bar's category label (its own, else the category axis's tick at its position), or None."""
    if mark.labels is not None:
        return list(mark.labels)
    labels = (panel.y if mark.horizontal else panel.x).labels
    if labels is None:
        return None
    return [labels[int(round(v))] if 0 <= round(v) < len(labels) else "" for v in mark.x]


def _tokens(p, mark, panel, theme, _):
    """Token boxes (rects) coloured by value with the token drawn as canvas text; a Select picks the row."""
    from bokeh.core.property.vectorization import value
    from bokeh.models import ColumnDataSource, Range1d
    from bokeh.transform import transform

    xs, ys, widths, x_end, font_px = L.token_layout(mark, p.width, theme)
    p.x_range = Range1d(-0.5, x_end)
    p.y_range = Range1d(ys.max() + 0.5, -0.5)
    p.xaxis.visible = p.yaxis.visible = False
    p.xgrid.visible = p.ygrid.visible = False
    p.outline_line_color = None
    p.background_fill_color = theme.background
    scale = mark.colorscale
    mapper = _mapper(scale, nan_color=NAN_COLOR)
    source = ColumnDataSource({"x": xs, "y": ys, "w": widths, "token": list(mark.tokens), "value": mark.values[0],
                               "ink": L.inks(mark.values[0], scale)})
    r = p.rect("x", "y", width="w", height=0.78, source=source, fill_color=transform("value", mapper), line_color=None)
    p.text("x", "y", text="token", source=source, text_color="ink", text_align="center", text_baseline="middle",
           text_font=value(MONO), text_font_size=f"{font_px:.1f}px")
    _hover(p, [r], [("token", "@token"), (mark.value_label, "@value{num}")], {"@value": _num_formatter()})
    p.add_layout(_colorbar(mapper, scale, theme), "right")
    return [r], _row_select(mark, source, theme)


def _row_select(mark, source, theme):
    """A Select over the value rows: swaps the values (and text colours) of the token boxes."""
    from bokeh.models import CustomJS

    if mark.values.shape[0] < 2:
        return None
    names = mark.row_labels or [f"row {r}" for r in range(mark.values.shape[0])]
    select = select_widget("row", names, theme)
    select.js_on_change("value", CustomJS(
        args={"source": source, "rows": [np.asarray(v, dtype=float) for v in mark.values],
              "inks": [L.inks(v, mark.colorscale) for v in mark.values]},
        code="const k = Number(cb_obj.value); source.data = {...source.data, value: rows[k], ink: inks[k]};"))
    return select


_MARKS = {Heatmap: _heatmap, Line: _line, Scatter: _scatter, Bar: _bar, TokenText: _tokens}


def _legend(p, drawn, fig, theme) -> None:
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
    legend = Legend(items=[LegendItem(label=value(names[k]), renderers=r) for k, r in items.items()])
    if legend_outside(p.width) and p.output_backend != "svg":
        p.add_layout(legend, "right")
    else:  # a narrow plot (paper theme) keeps its frame, and BokehJS' SVG backend collapses the frame next to
        # an outside legend (bokeh/bokeh#15014): the legend goes inside, top right
        legend.location, legend.background_fill_alpha = "top_right", 0.8
        p.add_layout(legend, "center")
    style_plot(p, theme, fig.legend_title)


def legend_outside(plot_width: int) -> bool:
    """Legends sit right of plots at least this wide, inside narrower ones."""
    return plot_width >= 500


# ---------------------------------------------------------------------------------------------
# The page around the plots: title, controls, frames and their slider, caption (shared with HoloViews)


def assemble(fig, theme, geo, frames, *, controls=()):
    """One layout of exactly the figure's size: the title, the frames (one shown at a time),
    ``controls`` (a select), the slider that switches the frames, and the caption. Sizes come from
    ``geo`` (a :class:`Geometry`)."""
    from bokeh.layouts import column
    from bokeh.models import Div

    text_style = {"font-family": theme.font_family, "color": theme.foreground}
    children = []
    if geo.title_h:
        children.append(Div(text=fig.title, render_as_text=True, width=geo.width, height=geo.title_h, margin=0,
                            styles={**text_style, "font-size": f"{theme.title_size}px", "font-weight": "bold",
                                    "text-align": "center", "line-height": f"{geo.title_h}px",
                                    "white-space": "nowrap", "overflow": "hidden"}))
    for k, frame in enumerate(frames):
        frame.visible = k == 0  # hidden frames take no room
    body = frames[0] if len(frames) == 1 else column(*frames)
    children.append(body)
    children += controls
    if fig.slider is not None:
        children.append(frame_switch(frames, fig.slider.name, fig.slider.labels, theme, width=min(geo.width, 600)))
    if geo.caption_h:
        m = _WIDGET_MARGIN
        children.append(Div(text=L.caption(fig), render_as_text=True, width=geo.width - 2 * m, height=geo.caption_h - 8,
                            margin=(4, m, 4, m), styles={**text_style, "font-size": f"{geo.caption_size}px",
                                                         "line-height": f"{geo.caption_line}px", "opacity": "0.8",
                                                         "overflow": "hidden"}))
    out = column(*children, styles={"background-color": theme.background}) if len(children) > 1 else children[0]
    literal(out)
    return out


def select_widget(name, labels, theme):
    """A Select over ``labels`` (values ``"0"``, ``"1"``, ...) with the fixed height :class:`Geometry` reserves."""
    from bokeh.models import Select

    return Select(title=name, value="0", options=[(str(k), str(s)) for k, s in enumerate(labels)], width=260,
                  height=_SELECT_H - 2 * _WIDGET_MARGIN, margin=_WIDGET_MARGIN,
                  styles={"color": theme.foreground, "font-family": theme.font_family})


def frame_switch(frames, name, labels, theme, *, width=260, select=False):
    """A Slider (or, ``select=True``, a Select) showing frame ``k`` and hiding the others, in the page (CustomJS)."""
    from bokeh.models import CustomJS, CustomJSTickFormatter, Slider

    labels = list(labels)
    show = CustomJS(args={"frames": frames}, code=(
        "const k = Math.min(Math.round(Number(cb_obj.value)), frames.length - 1);"
        " frames.forEach((f, i) => { f.visible = i === k; });"))
    if select:
        widget = select_widget(name, labels, theme)
    else:
        # no noUiSlider tooltip: it writes the formatted label as HTML; the title shows it as text
        widget = Slider(start=0, end=max(1, len(labels) - 1), value=0, step=1, title=name, disabled=len(labels) < 2, tooltips=False,
                        width=width - 2 * _WIDGET_MARGIN, height=_SLIDER_H - 2 * _WIDGET_MARGIN, margin=_WIDGET_MARGIN,
                        styles={"font-family": theme.font_family, "color": theme.foreground},
                        format=CustomJSTickFormatter(args={"labels": labels}, code="return labels[Math.round(tick)] ?? ''"))
    widget.js_on_change("value", show)
    return widget


def literal(root) -> None:
    """Make every title, axis label and tick label ``PlainText``: BokehJS reads ``$$…$$`` in strings as TeX."""
    from bokeh.model.util import collect_models
    from bokeh.models import Axis, ColorBar, PlainText, Title

    for m in collect_models(root):
        if isinstance(m, Title) and isinstance(m.text, str):
            m.text = PlainText(m.text)
        elif isinstance(m, ColorBar) and isinstance(m.title, str):
            m.title = PlainText(m.title)
        elif isinstance(m, Axis):
            if isinstance(m.axis_label, str):
                m.axis_label = PlainText(m.axis_label)
            m.major_label_overrides = {k: PlainText(v) if isinstance(v, str) else v
                                       for k, v in m.major_label_overrides.items()}


# ---------------------------------------------------------------------------------------------
# The standalone page (shared with HoloViews)

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>html, body {{ margin: 0; background: {bg}; }} body {{ padding: {pad}px; }} .vizkit-figure {{ display: inline-block; }}</style>
{js}
{css}
</head>
<body>
<div class="vizkit-figure" id="{key}"><div id="{key}-root" style="display: contents;"></div></div>
<script type="application/json" id="{key}-json">{payload}</script>
<script type="text/javascript">{embed}</script>
<script type="text/javascript">{resize}</script>
</body>
</html>
"""
_PAD = 8  # around the figure in a browser tab or notebook iframe (image export removes it)
# BokehJS reads the document from the JSON script and draws it (bokeh's own embed script, fixed:
# Panel rewrites bokeh's template when imported, and vizkit's output must not depend on that).
# The JSON is HTML-escaped, so no token can close the script; embed_items unescapes it.
_EMBED = ("(function () { const fn = () => Bokeh.safely(() => Bokeh.embed.embed_items("
          "document.getElementById('KEY-json').textContent, ITEMS));"
          " if (document.readyState != 'loading') fn(); else document.addEventListener('DOMContentLoaded', fn); })();")
# Inside a notebook's iframe (srcdoc, same origin) the frame fits the drawn figure.
_RESIZE = ("(function () { try { const f = window.frameElement; if (!f) return;"
           " const fit = () => { const d = document.documentElement;"
           " f.style.height = (d.scrollHeight + 4) + 'px'; f.style.width = (d.scrollWidth + 4) + 'px'; };"
           " new ResizeObserver(fit).observe(document.body); fit(); } catch (e) {} })();")


def content_key(fig, theme, *extra) -> str:
    """An id prefix derived from the figure's content (deterministic output, no uuid)."""
    digest = hashlib.sha1(fig.to_json(sort_keys=True).encode())
    digest.update(repr((theme.name, *extra)).encode())
    return "vizkit-" + digest.hexdigest()[:12]


def standalone_html(root, fig, theme, key: str) -> str:
    """A complete page with BokehJS inline, the document as escaped JSON, and ids from ``key``.

    Raises :class:`~vizkit.errors.BackendError` if any model would need a script or stylesheet
    from the network (bokeh extensions such as Panel's).
    """
    from bokeh.core.json_encoder import serialize_json
    from bokeh.document import Document
    from bokeh.embed.bundle import bundle_for_objs_and_resources
    from bokeh.model.util import collect_models

    doc = Document(title=fig.title or "vizkit figure")
    models = collect_models(root, doc.config)
    for i, model in enumerate(models):  # ids from content, not bokeh's counter
        model._id = f"{key}-{i}"
    doc.add_root(root)
    bundle = bundle_for_objs_and_resources([doc], _inline_resources({type(m) for m in models}))
    if bundle.js_files or bundle.css_files:
        raise BackendError(f"bokeh output would load {bundle.js_files + bundle.css_files} from the network; "
                           f"vizkit writes only self-contained pages")
    js, css = bundle
    doc_json = doc.to_json(deferred=False)
    used = {type(m).__view_model__ for m in models}  # not every data model some import registered
    doc_json["defs"] = [d for d in doc_json.get("defs", []) if d.get("name") in used]
    docs_json = {f"{key}-doc": doc_json}
    items = [{"docid": f"{key}-doc", "roots": {root.id: f"{key}-root"}, "root_ids": [root.id]}]
    return _PAGE.format(title=_html.escape(fig.title or "vizkit figure"), bg=theme.background, pad=_PAD, js=js, css=css,
                        key=key, payload=_html.escape(serialize_json(docs_json), quote=False),
                        embed=_EMBED.replace("KEY", key).replace("ITEMS", json.dumps(items)), resize=_RESIZE)


def _inline_resources(used: set):
    """bokeh's INLINE resources, minus the external assets of models that are registered but unused.

    bokeh lists the ``__javascript__``/``__css__`` of every model class ever imported: once Panel
    is imported (HoloViews imports it), that includes CDN scripts no vizkit page uses.
    """
    from bokeh.resources import Resources

    class Inline(Resources):
        def clone(self, *, components=None):
            return Inline(mode="inline", components=components if components is not None else list(self.components))

        def _collect_external_resources(self, attr):
            found = []
            for cls in sorted(used, key=lambda c: c.__qualname__):
                value = getattr(cls, attr, None) or []
                found += [v for v in ([value] if isinstance(value, str) else value) if v not in found]
            return found

    return Inline(mode="inline")


def iframe_bundle(page: str, fig, theme) -> dict:
    """A notebook bundle: the standalone page in an ``iframe srcdoc``.

    Self-contained (BokehJS inside, no ``output_notebook()`` needed) and isolated from the
    notebook's own scripts, so it displays the same in JupyterLab, classic Notebook, VS Code
    and Colab, offline. The frame starts at the figure's size and fits the drawn page.
    """
    width, height = L.size(fig, theme)
    frame = (f'<iframe srcdoc="{_html.escape(page, quote=True)}" title="{_html.escape(fig.title or "vizkit figure")}" '
             f'style="border: 0; width: {width + 2 * _PAD + 4}px; max-width: 100%; height: {height + 2 * _PAD + 4}px;" '
             f'loading="eager"></iframe>')
    return {"text/html": frame, "text/plain": repr(fig)}


# ---------------------------------------------------------------------------------------------
# Static images of the page (shared with HoloViews)

READY_JS = "window.Bokeh !== undefined && Bokeh.documents.length > 0 && Bokeh.documents[0].is_idle"
# The whole figure as one SVG: every visible plot exported by BokehJS, every text Div as <text>
# (wrapped as the page wraps it), each widget as its label.
SVG_JS = """
const root = document.querySelector('.vizkit-figure'), box = root.getBoundingClientRect();
const NS = 'http://www.w3.org/2000/svg', out = document.createElementNS(NS, 'svg');
out.setAttribute('xmlns', NS); out.setAttribute('width', box.width); out.setAttribute('height', box.height);
out.setAttribute('viewBox', `0 0 ${box.width} ${box.height}`);
const bg = document.createElementNS(NS, 'rect');
bg.setAttribute('width', '100%'); bg.setAttribute('height', '100%');
bg.setAttribute('fill', getComputedStyle(document.body).backgroundColor); out.appendChild(bg);
const measure = document.createElement('canvas').getContext('2d');
const wrap = (text, s, width) => {
  if (s.whiteSpace === 'nowrap') return [text];
  measure.font = `${s.fontWeight} ${s.fontSize} ${s.fontFamily}`;
  const lines = []; let line = '';
  for (const word of text.split(' ')) {
    const longer = line ? line + ' ' + word : word;
    if (line && measure.measureText(longer).width > width) { lines.push(line); line = word; } else line = longer;
  }
  return [...lines, line];
};
const write = (text, x, y, s, anchor) => {
  const t = document.createElementNS(NS, 'text');
  t.setAttribute('x', x); t.setAttribute('y', y); t.setAttribute('text-anchor', anchor);
  t.setAttribute('dominant-baseline', 'central');
  t.setAttribute('font-family', s.fontFamily); t.setAttribute('font-size', s.fontSize);
  t.setAttribute('font-weight', s.fontWeight); t.setAttribute('fill', s.color);
  if (s.opacity !== '1') t.setAttribute('opacity', s.opacity);
  t.textContent = text; out.appendChild(t);
};
for (const view of Bokeh.index.all_views()) {
  if (!(view.el instanceof Element)) continue;
  const r = view.el.getBoundingClientRect();
  if (!r.width || !r.height) continue;
  const x = r.left - box.left, y = r.top - box.top, s = getComputedStyle(view.el), type = view.model.type;
  if (type === 'Div') {
    const center = s.textAlign === 'center', lh = parseFloat(s.lineHeight) || 1.2 * parseFloat(s.fontSize);
    wrap(view.model.text, s, r.width).forEach((line, k) =>
      write(line, center ? x + r.width / 2 : x, y + lh * (k + 0.5), s, center ? 'middle' : 'start'));
  } else if (type === 'Slider' || type === 'Select') {
    const title = view.el.shadowRoot && view.el.shadowRoot.querySelector('.bk-slider-title, label');
    let text = title ? title.textContent : view.model.title;
    if (type === 'Select') text += ': ' + (view.model.options.find(o => o[0] === view.model.value) || ['', ''])[1];
    write(text, x, y + parseFloat(s.fontSize), s, 'start');
  } else if (view.renderer_views !== undefined && typeof view.export === 'function') {
    const text = view.export('svg').ctx.get_serialized_svg(true);
    const svg = new DOMParser().parseFromString(text, 'image/svg+xml').documentElement;
    svg.setAttribute('x', x); svg.setAttribute('y', y);
    out.appendChild(document.importNode(svg, true));
  }
}
return new XMLSerializer().serializeToString(out);
"""


def image(page: str, fig, theme, fmt: str, *, scale: float, timeout: float) -> bytes:
    """PNG, SVG or PDF of a page made by :func:`standalone_html`, drawn in headless Chromium."""
    from ..export.browser import html_to_image

    width, height = L.size(fig, theme)
    return html_to_image(page, fmt, width=width + 40, height=height + 40, scale=scale, timeout=timeout,
                         selector=".vizkit-figure", ready_js=READY_JS, svg_js=SVG_JS)


# ---------------------------------------------------------------------------------------------
# Output


def to_html(fig, theme, *, static: bool = False) -> str:
    """Standalone HTML with BokehJS inline (no CDN, no network); ids derived from the content."""
    return standalone_html(render(fig, theme, static=static), fig, theme, content_key(fig, theme, NAME, static))


def mimebundle(fig, theme) -> dict:
    """Notebook display: the standalone page in an iframe, plus ``text/plain``."""
    return iframe_bundle(to_html(fig, theme), fig, theme)


def to_image(fig, fmt: str, theme, *, scale: float = 1.0, width: int | None = None, height: int | None = None,
             timeout: float = 60.0) -> bytes:
    """PNG, SVG or PDF through headless Chromium; SVG and PDF are vector (plots drawn as SVG)."""
    if width is not None or height is not None:
        fig = fig.replace(width=width or fig.width, height=height or fig.height)
    return image(to_html(fig, theme, static=True), fig, theme, fmt, scale=scale, timeout=timeout)
