"""The HoloViews backend: spec → HoloViews elements (bokeh extension).

``render`` returns what HoloViews users compose, hand to Panel or datashade: an ``Image`` per
heatmap (integer cell positions, tick labels from the axes, so repeated tokens stay distinct),
``Curve``, ``Scatter``, ``Rectangles`` for bars and token boxes with ``Labels`` for token text,
overlaid per panel, in a ``Layout`` for facets and ``HoloMap`` s for a slider (and for several
token rows). Styling that HoloViews has no option for (theme fonts, labelled heatmap hover,
literal text) is applied by plot hooks that reuse the bokeh backend.

Standalone HTML does not go through ``hv.save`` (which loads Panel's CSS from a CDN): each
frame is rendered to bokeh models with ``hv.render`` and written by the bokeh backend's page
writer, with BokehJS inline. HoloViews' plotting is imported only when a figure is drawn, and
``Store.current_backend`` is restored afterwards.
"""

from __future__ import annotations

import contextlib
import threading
from types import SimpleNamespace

import numpy as np

from ..spec import Bar, Heatmap, Line, Scatter, TokenText
from ..spec.colors import CATEGORICAL, palette
from . import _layout as L
from . import bokeh as B

NAME = "holoviews"
KINDS = "*"
FORMATS = frozenset({"html", "png", "svg", "pdf"})

_STORE_LOCK = threading.RLock()  # one thread at a time switches HoloViews' global backend


@contextlib.contextmanager
def _bokeh_store():
    """HoloViews with its bokeh plotting loaded; the user's ``Store.current_backend`` comes back after.

    HoloViews validates options and renders against the *current* backend, so it is ``"bokeh"``
    inside the block (importing ``holoviews.plotting.bokeh`` also switches it, the first time).
    """
    import holoviews as hv
    from holoviews import Store

    with _STORE_LOCK:
        before = Store.current_backend
        import holoviews.plotting.bokeh  # noqa: F401  (registers the bokeh renderer and its options)

        Store.current_backend = "bokeh"
        try:
            yield hv
        finally:
            Store.current_backend = before


def render(fig, theme):
    """The HoloViews object of ``fig``: an element or Overlay, a Layout of facets, HoloMaps to page through."""
    with _bokeh_store() as hv:
        keys, dim = _pages(hv, fig)
        pages = {k: _frame_panels(hv, fig, theme, *k) for k in keys}
        if dim is None:
            panels = pages[keys[0]]
        else:
            panels = [hv.HoloMap({k[dim[1]]: pages[k][i] for k in keys}, kdims=[dim[0]]) for i in range(len(pages[keys[0]]))]
        first = fig.frame_panels(0)
        title_in_plot = len(first) == 1 and not first[0].title  # else the figure's title heads a Layout
        out = _compose(hv, fig, theme, panels, title=None if title_in_plot else fig.title)
        note = L.caption(fig)
        if note:  # below the last panel, as a bokeh Title (HoloViews has no caption)
            last = panels[-1]
            _add_hooks(hv, last, [lambda plot, _e: _add_caption(plot.state, note, theme)])
        return out


def _pages(hv, fig):
    """The (frame, token row) pairs to draw, and the HoloMap dimension paging through them (if any)."""
    tokens = fig.marks(TokenText)
    n_rows = tokens[0].values.shape[0] if tokens else 1
    if fig.slider is not None:
        labels = fig.slider.labels
        return [(k, 0) for k in range(fig.n_frames)], (_index_dim(hv, fig.slider.name, labels), 0)
    if n_rows > 1:
        labels = tokens[0].row_labels or [f"row {r}" for r in range(n_rows)]
        return [(0, r) for r in range(n_rows)], (_index_dim(hv, "row", labels), 1)
    return [(0, 0)], None


def _index_dim(hv, name, labels):
    """A key dimension over ``0..n-1`` that shows ``labels`` (repeated labels stay separate keys)."""
    labels = tuple(labels)
    return hv.Dimension(name, values=list(range(len(labels))), value_format=lambda k: labels[int(k)])


def _compose(hv, fig, theme, panels, *, title=None, static=False):
    """One untitled panel as is; several, or one under a title, in a Layout (one toolbar, none for
    static or non-interactive themes)."""
    if len(panels) == 1 and not title:
        return panels[0]
    layout = hv.Layout(panels).cols(fig.grid[1])
    # HoloViews writes a Layout's title into an HTML Div unescaped, so it gets escaped text.
    return layout.opts(title=L.escape(title) or "", shared_axes=False, backend="bokeh",
                       toolbar="above" if theme.interactive and not static else None)


def _add_hooks(hv, obj, hooks):
    for target in (obj.values() if isinstance(obj, hv.HoloMap) else [obj]):
        current = hv.Store.lookup_options("bokeh", target, "plot").kwargs.get("hooks", [])
        target.opts(hooks=[*current, *hooks], backend="bokeh")


def _add_caption(p, note, theme) -> None:
    """The caption under plot ``p``, once: HoloViews runs hooks again each time a HoloMap changes frame."""
    if not any(getattr(r, "name", None) == "vizkit-caption" for r in p.below):
        p.add_layout(_caption_title(note, theme), "below")


def _caption_title(note, theme):
    from bokeh.models import PlainText, Title

    return Title(text=PlainText(note), name="vizkit-caption", align="left", text_font_size=f"{max(9, theme.font_size - 2)}px",
                 text_font_style="normal", text_color=theme.foreground, text_font=B.font(theme.font_family))


def _frame_panels(hv, fig, theme, frame, row=0, *, static=False):
    """One HoloViews element (or Overlay) per panel of ``frame``; token figures show value row ``row``."""
    geo = B.Geometry(fig, theme, static=static)
    panels = fig.frame_panels(frame)
    out = []
    for i, panel in enumerate(panels):
        width, height = geo.panel_size(i)
        # Heatmaps sharing a scale share one colour bar, drawn inside the last panel of the first row:
        # that panel also takes the colour bar's column of the figure's width.
        bar_here = geo.shared is None or i == min(geo.cols, len(panels)) - 1
        ctx = SimpleNamespace(row=row, width=width, colorbar=bar_here)
        elements = [e for mark in panel.marks for e in _ELEMENTS[type(mark)](hv, mark, panel, theme, ctx)]
        legend = any(getattr(m, "legend", False) and getattr(m, "name", None) is not None for m in panel.marks)
        obj = hv.Overlay(elements) if len(elements) > 1 or legend else elements[0]
        opts = _panel_opts(fig, panel, theme, geo, width, height)
        if geo.cb_w and i % geo.cols == min(geo.cols, len(panels)) - 1:
            # the colour bar's column: bokeh aligns the frames of a grid column, so every panel in it is as
            # wide as the one holding the bar (else theirs shrink by the bar's width)
            opts["width"] += geo.cb_w
        if isinstance(obj, hv.Overlay):
            # inside when narrow, and for static (SVG) export, where BokehJS collapses the frame next to an
            # outside legend (bokeh/bokeh#15014)
            opts["legend_position"] = "right" if B.legend_outside(width) and not static else "top_right"
        obj = obj.opts(backend="bokeh", **opts)
        _add_hooks(hv, obj, [lambda plot, _e: B.style_plot(plot.state, theme, fig.legend_title)])
        out.append(obj)
    return out


def _panel_opts(fig, panel, theme, geo, width, height) -> dict:
    heat = [m for m in panel.marks if isinstance(m, Heatmap)]
    tokens = [m for m in panel.marks if isinstance(m, TokenText)]
    title = (fig.title if geo.title_in_plot else panel.title) or ""
    opts = dict(width=width, height=height, title=title.replace("{", "{{").replace("}", "}}"),  # str.format'd
                toolbar="right" if theme.interactive and not tokens else None, xlabel=panel.x.title or "",
                ylabel=panel.y.title or "", logx=panel.x.log, logy=panel.y.log, invert_yaxis=panel.y.reversed,
                invert_xaxis=panel.x.reversed, bgcolor=theme.panel_background, show_grid=not heat and not tokens)
    for axis, dim in ((panel.x, "x"), (panel.y, "y")):
        if axis.labels is not None:
            pos, text, rotated = L.fit_ticks(axis, dim, geo.tick_span(dim), theme.font_size)
            opts[f"{dim}ticks"] = list(zip(pos, text, strict=True))
            if rotated:
                opts["xrotation"] = 45
        elif axis.log and (ticks := L.log_ticks(L.axis_values(panel, dim))) is not None:
            opts[f"{dim}ticks"] = list(zip(*ticks, strict=True))
        if axis.range is not None:
            opts[f"{dim}lim"] = tuple(axis.range)
        elif heat:
            n = heat[0].z.shape[1 if dim == "x" else 0]
            opts[f"{dim}lim"] = (-0.5, n - 0.5)
    if tokens:
        _, ys, _, x_end, _ = L.token_layout(tokens[0], width, theme)
        opts.update(xaxis=None, yaxis=None, show_frame=False, bgcolor=theme.background, invert_yaxis=True,
                    xlim=(-0.5, x_end), ylim=(-0.5, ys.max() + 0.5))
    return opts


# ---------------------------------------------------------------------------------------------
# Marks → elements


def _cmap(scale):
    return palette(scale.name, 256)


def _image(hv, mark, panel, theme, ctx):
    ny, nx = mark.z.shape
    img = hv.Image(np.flipud(np.asarray(mark.z, dtype=float)), bounds=(-0.5, -0.5, nx - 0.5, ny - 0.5),
                   kdims=[hv.Dimension("x", label=mark.x_title or "column"), hv.Dimension("y", label=mark.y_title or "row")],
                   vdims=[hv.Dimension("z", label=mark.value_label)])
    scale = mark.colorscale

    def hover(plot, _element):
        B.heatmap_hover(plot.state, plot.handles["glyph_renderer"], mark, panel, "@image")

    return [img.opts(cmap=_cmap(scale), clim=(scale.zmin, scale.zmax), colorbar=mark.show_scale and ctx.colorbar,
                     clipping_colors={"NaN": "transparent"}, colorbar_opts={"title": scale.title} if scale.title else {},
                     hooks=[hover], backend="bokeh")]


def _curve(hv, mark, panel, theme, ctx):
    """A Curve whose hover shows what the bokeh backend's does: series name, hover label or x, and y (columns)."""
    kdims, vdims = [hv.Dimension("x", label=panel.x.title or "x")], [hv.Dimension("y", label=panel.y.title or "y")]
    label = mark.name if mark.legend and mark.name is not None else ""
    color = mark.color or CATEGORICAL[0]
    columns, extra = [], []
    tips = [("", "@{hover}")] if mark.hover_labels is not None else [(panel.x.title or "x", "@{x}")]
    if mark.hover_labels is not None:
        columns.append(np.asarray(mark.hover_labels, dtype=object))
        extra.append(hv.Dimension("hover", label="label"))
    if mark.name is not None:
        columns.append(np.asarray([mark.name] * len(mark.x), dtype=object))
        extra.append(hv.Dimension("series", label="series"))
        tips.insert(0, ("", "@{series}"))
    tips.append((panel.y.title or "y", "@{y}"))
    curve = hv.Curve((mark.x, mark.y, *columns), kdims, vdims + extra, label=label).opts(
        color=color, line_width=mark.width * theme.line_width / 2.0, alpha=mark.opacity, line_dash=B.DASH[mark.dash],
        tools=["hover"], hover_tooltips=tips, show_legend=bool(label), backend="bokeh")
    if not mark.markers:
        return [curve]
    return [curve, hv.Scatter((mark.x, mark.y), kdims, vdims, label=label).opts(color=color, size=6, backend="bokeh")]


def _scatter(hv, mark, panel, theme, ctx):
    kdims = [hv.Dimension("x", label=panel.x.title or "x")]
    vdims = [hv.Dimension("y", label=panel.y.title or "y")]
    data = [mark.x, mark.y]
    opts = dict(size=mark.size, alpha=mark.opacity, tools=["hover"], show_legend=bool(mark.legend and mark.name))
    if mark.values is not None:
        s = mark.colorscale
        vdims.append(hv.Dimension("value", label=s.title or "value"))
        data.append(mark.values)
        opts.update(color="value", cmap=_cmap(s), clim=(s.zmin, s.zmax), colorbar=True)
    else:
        opts["color"] = mark.color or CATEGORICAL[0]
    tips = [(d.label, "@{" + d.name + "}") for d in kdims + vdims]
    if mark.hover_labels is not None:
        vdims.append(hv.Dimension("label", label="label"))
        data.append(np.asarray(mark.hover_labels, dtype=object))
        tips.insert(0, ("", "@{label}"))
    label = mark.name if mark.legend and mark.name is not None else ""
    return [hv.Scatter(tuple(data), kdims, vdims, label=label).opts(hover_tooltips=tips, backend="bokeh", **opts)]


def _bars(hv, mark, panel, theme, ctx):
    """Bars as rectangles: numeric centres and widths, vertical or horizontal, any axis type.

    The hover shows what the bokeh backend's does (series name, category, value), each from a
    column: names and labels are data, never tooltip template text.
    """
    x, widths, base = L.bar_geometry(mark, panel)
    cat_axis, val_axis = (panel.y, panel.x) if mark.horizontal else (panel.x, panel.y)
    lo, hi, bottom = x - widths / 2, x + widths / 2, np.full(len(x), base)
    corners = (bottom, lo, mark.y, hi) if mark.horizontal else (lo, bottom, hi, mark.y)
    labels = B.bar_labels(mark, panel)
    columns, vdims = [mark.y], [hv.Dimension("value", label=val_axis.title or "value")]
    tips = [(val_axis.title or "value", "@{value}")]
    if labels is not None:
        columns.append(np.asarray(labels, dtype=object))
        vdims.append(hv.Dimension("category", label=cat_axis.title or "category"))
        tips.insert(0, (cat_axis.title or "", "@{category}"))
    else:
        columns.append(x)
        vdims.append(hv.Dimension("position", label=cat_axis.title or "x"))
        tips.insert(0, (cat_axis.title or "x", "@{position}"))
    if mark.name is not None:
        columns.append(np.asarray([mark.name] * len(x), dtype=object))
        vdims.append(hv.Dimension("series", label="series"))
        tips.insert(0, ("", "@{series}"))
    rects = hv.Rectangles((*corners, *columns), vdims=vdims, label=mark.name if mark.legend and mark.name is not None else "")
    color = mark.color or CATEGORICAL[0]
    lim = {("xlim" if mark.horizontal else "ylim"): (base, None)} if val_axis.log and val_axis.range is None else {}
    return [rects.opts(color=color, line_color=color, alpha=mark.opacity, tools=["hover"], hover_tooltips=tips,
                       backend="bokeh", **lim)]


def _tokens(hv, mark, panel, theme, ctx):
    """Token boxes coloured by value row ``row``, the token drawn as canvas text (never markup)."""
    xs, ys, widths, _, font_px = L.token_layout(mark, ctx.width, theme)
    s, values = mark.colorscale, mark.values[ctx.row]
    rects = hv.Rectangles((xs - widths / 2, ys - 0.39, xs + widths / 2, ys + 0.39, values, np.asarray(mark.tokens, dtype=object)),
                          vdims=[hv.Dimension("value", label=mark.value_label), hv.Dimension("token", label="token")])
    labels = hv.Labels((xs, ys, np.asarray(mark.tokens, dtype=object), np.asarray(L.inks(values, s), dtype=object)),
                       vdims=["token", "ink"])
    return [rects.opts(color="value", cmap=_cmap(s), clim=(s.zmin, s.zmax), colorbar=True, line_color=None,
                       clipping_colors={"NaN": L.NAN_COLOR}, tools=["hover"], backend="bokeh"),
            labels.opts(text_color="ink", text_font_size=f"{font_px:.1f}px", hooks=[_mono], backend="bokeh")]


def _mono(plot, _element):
    """Token text in a monospace font (HoloViews would read a font list as a column name)."""
    from bokeh.core.property.vectorization import value

    plot.handles["glyph"].text_font = value(L.MONO)


_ELEMENTS = {Heatmap: _image, Line: _curve, Scatter: _scatter, Bar: _bars, TokenText: _tokens}


# ---------------------------------------------------------------------------------------------
# Output: every frame rendered to bokeh models, then the bokeh backend's page


def _bokeh_layout(fig, theme, *, static: bool = False):
    """Every page (slider frame or token row) rendered by HoloViews to bokeh, switched in the page."""
    with _bokeh_store() as hv:
        keys, dim = _pages(hv, fig)
        frames = []
        for key in keys:
            panels = _frame_panels(hv, fig, theme, *key, static=static)
            frames.append(hv.render(_compose(hv, fig, theme, panels, static=static), backend="bokeh"))
    _finish(frames, static)
    controls = []
    if dim is not None and fig.slider is None:  # token rows: a select shows one page at a time
        labels = [dim[0].pprint_value(k) for k in dim[0].values]
        controls.append(B.frame_switch(frames, dim[0].name, labels, theme, select=True))
    return B.assemble(fig, theme, B.Geometry(fig, theme, static=static), frames, controls=controls)


def _finish(models, static: bool) -> None:
    """No HoloViz logo on the toolbars; for image export, plots drawn as SVG (vector PDF and SVG) with no toolbar."""
    from bokeh.model.util import collect_models
    from bokeh.models import Plot, Toolbar

    for m in collect_models(*models):
        if isinstance(m, Toolbar):
            m.logo = None
        elif isinstance(m, Plot) and static:
            m.output_backend = "svg"
            m.toolbar_location = None


def to_html(fig, theme, *, static: bool = False) -> str:
    """Standalone HTML: BokehJS inline, no Panel assets, no network; ids derived from the content."""
    layout = _bokeh_layout(fig, theme, static=static)
    return B.standalone_html(layout, fig, theme, B.content_key(fig, theme, NAME, static))


def mimebundle(fig, theme) -> dict:
    """Notebook display: the standalone page in an iframe (no ``hv.extension`` call needed)."""
    return B.iframe_bundle(to_html(fig, theme), fig, theme)


def to_image(fig, fmt: str, theme, *, scale: float = 1.0, width: int | None = None, height: int | None = None,
             timeout: float = 60.0) -> bytes:
    """PNG, SVG or PDF through headless Chromium (vector plots for SVG and PDF)."""
    if width is not None or height is not None:
        fig = fig.replace(width=width or fig.width, height=height or fig.height)
    return B.image(to_html(fig, theme, static=True), fig, theme, fmt, scale=scale, timeout=timeout)
