"""ARENA's ``plotly_utils`` helpers over vizkit: change ``from plotly_utils import imshow, line, scatter, bar, hist``
to ``from vizkit.compat.arena import imshow, line, scatter, bar, hist`` and the notebook runs unchanged.

Keywords are routed as ARENA routes them: layout keywords (``xaxis_range``, ``yaxis_title``,
``hovermode``, ``margin``, ``showlegend``, ``coloraxis_showscale`` ... see :data:`UPDATE_LAYOUT_SET`)
go to the layout, ARENA's own (``size``, ``return_fig``, ``facet_labels``, ``names``, ``add_line``,
``add_mean_line``, ``border``, ``text``, ``static``) are handled, and the rest are plotly-express
keywords (an unknown one raises ``TypeError`` as plotly express does). What vizkit's spec can
hold (titles, ranges, legend, facet titles, colour scale and midpoint, size) is drawn by every
backend; plotly-only looks (``hovermode``, ``margin``, ``template``, tick formats) are applied in
plotly and warned about, once, by the others. A call displays the figure and returns ``None``
unless ``return_fig=True``.
"""

from __future__ import annotations

import re

import numpy as np

from ..errors import ShapeError, VizkitError
from ..spec import Line, Scatter
from ..spec.colors import CATEGORICAL
from . import _edit
from ._figure import as_compat, finish
from ._keywords import check_px, scale_name, to_numpy
from ._neel import DEFAULT_KWARGS
from ._plotly_api import shape_marks
from .neel_plotly import figs_to_subplots, imshow_figure

__all__ = ["UPDATE_LAYOUT_SET", "bar", "figs_to_subplots", "hist", "imshow", "line", "reorder_list_in_plotly_way", "scatter",
           "to_numpy"]

HELPER = "arena"

#: The keywords ARENA's helpers send to ``fig.update_layout`` instead of plotly express.
UPDATE_LAYOUT_SET = frozenset({
    "xaxis_range", "yaxis_range", "yaxis2_range", "hovermode", "xaxis_title", "yaxis_title", "colorbar", "colorscale",
    "coloraxis", "title_x", "bargap", "bargroupgap", "xaxis_tickformat", "yaxis_tickformat", "title_y",
    "legend_title_text", "xaxis_showgrid", "xaxis_gridwidth", "xaxis_gridcolor", "yaxis_showgrid", "yaxis_gridwidth",
    "yaxis_gridcolor", "showlegend", "xaxis_tickmode", "yaxis_tickmode", "margin", "xaxis_visible", "yaxis_visible",
    "coloraxis_showscale", "xaxis_tickangle", "yaxis_scaleanchor", "xaxis_tickfont", "yaxis_tickfont",
})
#: Layout keywords the spec holds, drawn by every backend.
_SPEC_LAYOUT = {"xaxis_range", "yaxis_range", "xaxis_title", "yaxis_title", "legend_title_text", "showlegend",
                "coloraxis_showscale"}


class _Call:
    """One ARENA call's keywords, routed: ``post`` (layout), ``pre`` (plotly express), plotly-only extras."""

    def __init__(self, func: str, kwargs: dict, renderer, *, defaults: dict | None = None):
        self.func = func
        self.post = {k: v for k, v in kwargs.items() if k in UPDATE_LAYOUT_SET}
        self.pre = {k: v for k, v in kwargs.items() if k not in UPDATE_LAYOUT_SET}
        size = self.pre.pop("size", None) or self.pre.pop("shape", None)
        if size is not None:
            self.pre["height"], self.pre["width"] = size
        self.return_fig = bool(self.pre.pop("return_fig", False))
        if isinstance(self.post.get("margin"), int):
            self.post["margin"] = dict.fromkeys("tblr", self.post["margin"])
        self.layout: dict = {}  # applied in plotly
        self.extra_layout: dict = {}  # other layout keywords: fig.update_layout (spec when it holds them)
        self.traces: list = []
        self.axes: dict = {}
        self.plotly_only: list[str] = []
        self.not_drawn: list[str] = []
        for k, v in self.post.items():
            if k not in _SPEC_LAYOUT:
                self.layout[k] = v
                self.plotly_only.append(k)
        for k, v in (defaults or {}).items():  # the helper's own defaults: plotly applies them, nobody warns
            if k not in self.post:
                self.layout[k] = v
        if renderer is not None:
            self.not_drawn.append("renderer")

    def take(self, *names, default=None):
        return [self.pre.pop(n, default) for n in names]

    def check(self) -> None:
        """Unknown keywords: a plotly layout keyword (newer ARENA sends every extra keyword to
        ``update_layout``) goes to the layout; anything else raises as the original does."""
        from ._keywords import PX_KEYWORDS, is_layout_key

        for k in [k for k in self.pre if k not in PX_KEYWORDS[self.func]]:
            if is_layout_key(k, self.pre[k]):
                self.extra_layout[k] = self.pre.pop(k)
        check_px(self.func, self.pre)

    def template(self) -> None:
        if "template" in self.pre:
            self.layout["template"] = self.pre.pop("template")
            self.plotly_only.append("template")

    def finish(self, fig):
        p = self.post
        fig = _edit.axes(fig, x_range=p.get("xaxis_range"), y_range=p.get("yaxis_range"))
        if "xaxis_title" in p:
            fig = _edit.axes(fig, x_title=p["xaxis_title"], set_x_title=True)
        if "yaxis_title" in p:
            fig = _edit.axes(fig, y_title=p["yaxis_title"], set_y_title=True)
        if "legend_title_text" in p:
            fig = fig.replace(legend_title=p["legend_title_text"] or None)
        if p.get("showlegend") is False:
            fig = _edit.hide_legend(fig)
        if p.get("coloraxis_showscale") is False:
            fig = fig.replace(panels=tuple(pa.replace(marks=tuple(m.replace(show_scale=False) if hasattr(m, "show_scale") else m
                                                                  for m in pa.marks)) for pa in fig.panels))
        fig = as_compat(fig, HELPER, plotly_layout=self.layout, plotly_traces=self.traces, plotly_only=self.plotly_only,
                        not_drawn=self.not_drawn, plotly_axes=self.axes)
        if self.extra_layout:
            fig._layout_update(self.extra_layout)
        return finish(fig, self.return_fig)


def reorder_list_in_plotly_way(L: list, col_wrap: int) -> list:  # noqa: N803  (ARENA's name)
    """ARENA's reordering of facet labels for plotly's bottom-up wrapped facets (kept for notebooks that call it).

    vizkit lays facets out in reading order, so ``imshow(facet_labels=...)`` uses the labels as given.
    """
    out, rest = [], list(L)
    while rest:
        out.extend(rest[-col_wrap:])
        rest = rest[:-col_wrap]
    return out


def imshow(tensor, renderer=None, **kwargs):
    """ARENA ``imshow``: RdBu centred on 0; ``facet_labels``, ``border``, ``text`` (per cell), ``static``."""
    call = _Call("imshow", kwargs, renderer)
    facet_labels, border, text, static = call.take("facet_labels", "border", "text", "static")
    call.pre.setdefault("color_continuous_scale", "RdBu")
    call.pre.setdefault("color_continuous_midpoint", 0.0)
    call.check()
    if border:
        line = {"showline": True, "linewidth": 1, "linecolor": "black", "mirror": True}
        call.axes = {"x": dict(line), "y": dict(line)}
        call.plotly_only.append("border")
    if "xaxis_tickangle" in call.layout:
        call.axes.setdefault("x", {})["tickangle"] = call.layout.pop("xaxis_tickangle")
    if static:
        call.not_drawn.append("static")
    arr = to_numpy(tensor)
    if np.ndim(arr) == 3 and call.pre.get("facet_col") is None and call.pre.get("animation_frame") is None:
        call.pre["facet_col"] = 0  # newer ARENA: a 3-D tensor is one facet per leading index
    if text:
        cells = _cell_text(text, np.shape(arr), call.pre.get("facet_col"))
        if cells is not None:  # vk.imshow writes the strings in the cells, in every backend
            call.pre["text"] = cells
        else:  # a shape vizkit cannot place (per animation frame ...): ARENA's per-trace text, in plotly
            per_trace = [text] if np.ndim(arr) == 2 else list(text)
            for i, t in enumerate(per_trace):
                call.traces.append({"index": i, "update": {"text": _plain_text(t), "texttemplate": "%{text}", "textfont": {"size": 12}}})
            call.plotly_only.append("text")
    labels = dict(call.pre.get("labels") or {})
    custom = dict(DEFAULT_KWARGS, xaxis=labels.get("x"), yaxis=labels.get("y"), _given={"xaxis", "yaxis"},
                  animation_name=labels.get("animation_frame", "animation_frame"), facet_labels=facet_labels)
    fig = imshow_figure(arr, custom, call.pre, HELPER, layout=call.layout, plotly_only=call.plotly_only,
                        traces=call.traces)
    compat = fig.meta["compat"]
    call.layout, call.traces = compat["plotly_layout"], compat["plotly_traces"]
    call.plotly_only = compat["plotly_only"]
    call.not_drawn += compat["not_drawn"]
    return call.finish(fig)


def _cell_text(text, shape: tuple, facet) -> np.ndarray | None:
    """ARENA's ``text`` as one string per cell of the data: a 2-D list of strings for 2-D data; for
    faceted data one 2-D list shared by every facet, or one per facet. ``None`` when it does not fit."""
    cells = np.asarray(_plain_text(text), dtype=object)
    if cells.shape == tuple(shape):
        if len(shape) == 3 and facet not in (None, 0):
            return None if cells.shape[0] != shape[facet] else np.moveaxis(cells, 0, facet)
        return cells
    if len(shape) == 3 and facet is not None and cells.ndim == 2:
        rest = tuple(n for i, n in enumerate(shape) if i != facet)
        if cells.shape == rest:
            return np.broadcast_to(np.expand_dims(cells, facet), shape)
    if len(shape) == 3 and facet is not None and cells.ndim == 3 and cells.shape[0] == shape[facet]:
        moved = np.moveaxis(cells, 0, facet)
        return moved if moved.shape == tuple(shape) else None
    return None


def _plain_text(t):
    return to_numpy(t).tolist() if hasattr(t, "shape") else t


def _series(y) -> tuple[list[np.ndarray], bool]:
    """ARENA's reading of ``y``: a list of arrays is several series (plotly's wide form), else one array."""
    if isinstance(y, (list, tuple)) and len(y) and not isinstance(y[0], (int, float)) and np.ndim(to_numpy(y[0])) > 0:
        return [np.asarray(to_numpy(v), dtype=float).ravel() for v in y], True
    arr = np.asarray(to_numpy(y), dtype=float)
    if arr.ndim == 2:
        return list(arr), True
    if arr.ndim != 1:
        raise ShapeError(f"line/bar/hist take a 1-D tensor, a 2-D tensor (one series per row) or a list of them; got shape {arr.shape}")
    return [arr], False


def line(y, renderer=None, **kwargs):
    """ARENA ``line``: ``names``, ``xaxis_tickvals``, ``hovermode="x unified"``, ``use_secondary_yaxis``."""
    from ..figures.generic import line as vk_line

    call = _Call("line", kwargs, renderer, defaults={"hovermode": "x unified"})
    names, tickvals, secondary = call.take("names", "xaxis_tickvals", "use_secondary_yaxis")
    call.template()
    labels = dict(call.pre.pop("labels", None) or {})
    x = call.pre.pop("x", None)
    colours = call.pre.pop("color_discrete_sequence", None)
    opts = {k: call.pre.pop(k) for k in ("title", "width", "height", "log_x", "log_y", "markers") if k in call.pre}
    call.check()
    series, wide = _series(y)
    if secondary:
        return call.finish(_secondary(series, x, names, labels, opts, call))
    call.not_drawn.extend(call.pre)
    lengths = {len(s) for s in series}
    if len(lengths) != 1:
        raise ShapeError(f"line: the series have different lengths {[len(s) for s in series]}; pass x per series with use_secondary_yaxis, or pad them")
    if tickvals is not None:
        if x is None:
            x = [str(v) for v in tickvals]
        else:
            call.axes.setdefault("x", {}).update(tickmode="array", tickvals=to_numpy(x).tolist(), ticktext=[str(v) for v in tickvals])
            call.plotly_only.append("xaxis_tickvals")
    names = list(names) if names is not None else ([f"wide_variable_{i}" for i in range(len(series))] if wide else None)
    x_title, y_title = _wide_titles(labels, wide)
    data = np.stack(series) if wide else series[0]
    fig = vk_line(data, dims=("variable", "x") if wide else ("x",), x=_x_list(x), names=names if wide else None,
                  labels={"x": x_title, "y": y_title, "color": labels.get("variable", "variable")}, **opts)
    if names is not None and not wide:
        fig = fig.replace(panels=tuple(p.replace(marks=tuple(m.replace(name=str(names[0]), legend=True) for m in p.marks))
                                       for p in fig.panels))
    if colours:
        fig = fig.replace(panels=tuple(p.replace(marks=tuple(m.replace(color=list(colours)[i % len(colours)])
                                                             for i, m in enumerate(p.marks))) for p in fig.panels))
    return call.finish(fig)


def _wide_titles(labels: dict, wide: bool) -> tuple[str, str]:
    """Axis titles: ``labels`` x/y; several series fall back to plotly express's wide-form "index"/"value".

    (Older ARENA versions passed a list straight to plotly express, whose wide form ignored labels x/y;
    newer ones apply them, as a notebook passing them means.)"""
    if wide:
        return labels.get("x", labels.get("index", "index")), labels.get("y", labels.get("value", "value"))
    return labels.get("x", "x"), labels.get("y", "y")


def _x_list(x):
    """ARENA hands ``x`` to plotly express as given: a list, tuple, range, array, tensor or Series."""
    if x is None:
        return None
    if isinstance(x, (list, tuple, range)):
        return list(x)
    return list(to_numpy(x).tolist())


def _secondary(series, x, names, labels, opts, call):
    """``use_secondary_yaxis``: the spec has one y axis per panel, so the two series get a panel each."""
    from ..figures.generic import line as vk_line

    if len(series) != 2:
        raise ShapeError(f"use_secondary_yaxis draws exactly two series; got {len(series)}")
    if x is None:
        xs = [np.arange(len(s)) for s in series]
    elif np.ndim(to_numpy(x[0])) == 0:  # one x shared by both series (newer ARENA)
        xs = [x, x]
    else:
        xs = list(x)
    names = list(names) if names is not None else ["yaxis1", "yaxis2"]
    panels = []
    for i, (s, xv) in enumerate(zip(series, xs, strict=True)):
        f = vk_line({str(names[i]): s}, x=_x_list(xv), labels={"x": labels.get("x"), "y": labels.get(f"y{i + 1}")})
        p = f.panels[0]
        panels.append(p.replace(marks=tuple(m.replace(color=CATEGORICAL[i], legend=True) for m in p.marks)))
    fig = vk_line({str(names[0]): series[0]}, x=_x_list(xs[0]), **opts)
    call.not_drawn.append("use_secondary_yaxis")
    note = "use_secondary_yaxis: each series is drawn in its own panel with its own y axis (vizkit has no second y axis)"
    return fig.replace(panels=tuple(panels), facet_cols=1, notes=(*fig.notes, note))


def scatter(x, y, renderer=None, **kwargs):
    """ARENA ``scatter(x, y)``: ``add_line`` ("x=y", "y=x", "x=c", "y=c") and ``facet_labels``."""
    from ..figures.generic import scatter as vk_scatter

    call = _Call("scatter", kwargs, renderer)
    add_line, facet_labels = call.take("add_line", "facet_labels")
    call.template()
    labels = dict(call.pre.pop("labels", None) or {})
    facet = call.pre.pop("facet_col", None)
    wrap = call.pre.pop("facet_col_wrap", None)
    color, hover_name = call.pre.pop("color", None), call.pre.pop("hover_name", None)
    scale = scale_name(call.pre.pop("color_continuous_scale", None), call.layout, call.traces, call.plotly_only,
                       "color_continuous_scale", "viridis", trace="scatter")
    zmid, opacity = call.pre.pop("color_continuous_midpoint", None), call.pre.pop("opacity", None)
    sequence, colour_map = call.pre.pop("color_discrete_sequence", None), call.pre.pop("color_discrete_map", None)
    text, textposition = call.pre.pop("text", None), call.pre.pop("textposition", None)
    opts = {k: call.pre.pop(k) for k in ("title", "width", "height", "log_x", "log_y") if k in call.pre}
    call.check()
    call.not_drawn.extend(call.pre)
    if text is not None:  # labels written next to the points: plotly draws them
        call.traces.append({"selector": "scatter", "update": {"text": [str(t) for t in np.asarray(to_numpy(text)).ravel()],
                                                                "mode": "markers+text",
                                                                **({"textposition": textposition} if textposition else {})}})
        call.plotly_only.append("text")
    xs, ys = np.asarray(to_numpy(x), dtype=float).ravel(), np.asarray(to_numpy(y), dtype=float).ravel()
    groups = [(None, np.ones(xs.shape, bool))]
    if facet is not None:
        fv = np.asarray(to_numpy(facet)).ravel()
        groups = [(f"facet_col={v}", fv == v) for v in dict.fromkeys(fv.tolist())]
    colour = None if color is None else np.asarray(to_numpy(color)).ravel()
    hover = None if hover_name is None else [str(h) for h in np.asarray(to_numpy(hover_name)).ravel()]
    panels = []
    ax = {"x": labels.get("x", "x"), "y": labels.get("y", "y"), "color": labels.get("color", "color")}
    categories = None
    if colour is not None and colour.dtype.kind not in "iuf":  # discrete colours, one legend entry per value (px)
        colour = np.array([str(v) for v in colour.tolist()])
        categories = list(dict.fromkeys(colour.tolist()))
        palette = list(sequence) if sequence else list(CATEGORICAL)
        colour_of = {c: (colour_map or {}).get(c, palette[i % len(palette)]) for i, c in enumerate(categories)}
    for title, sel in groups:
        if categories is not None:
            hv = None if hover is None else np.array(hover)
            marks = [Scatter(x=xs[sel & (colour == c)], y=ys[sel & (colour == c)], name=c, color=colour_of[c],
                             hover_labels=None if hv is None else tuple(hv[sel & (colour == c)]),
                             **({"opacity": float(opacity)} if opacity is not None else {}))
                     for c in categories if (sel & (colour == c)).any()]
            panels.append(vk_scatter(xs[sel], ys[sel], labels=ax).panels[0].replace(marks=tuple(marks), title=title))
            continue
        f = vk_scatter(xs[sel], ys[sel], color=None if colour is None else colour[sel], labels=ax, colorscale=scale, zmid=zmid,
                       hover=None if hover is None else [h for h, s in zip(hover, sel, strict=True) if s])
        p = f.panels[0].replace(title=title)
        if opacity is not None:
            p = p.replace(marks=tuple(m.replace(opacity=float(opacity)) for m in p.marks))
        panels.append(p)
    fig = vk_scatter(xs, ys, labels=ax, **opts)
    fig = fig.replace(panels=tuple(panels), facet_cols=wrap or min(4, len(panels)),
                      legend_title=ax["color"] if categories is not None else fig.legend_title)
    if facet_labels:
        fig = _edit.panel_titles(fig, facet_labels)
    if add_line is not None:
        fig = _edit.add_marks(fig, lambda p: [_reference_line(add_line, xs, ys, call.post)])
    return call.finish(fig)


def _reference_line(spec: str, xs, ys, post) -> Line:
    """ARENA's ``add_line``: y = x over the x range, or a vertical ``x=c`` / horizontal ``y=c`` line."""
    xrange = list(post.get("xaxis_range") or [np.nanmin(xs), np.nanmax(xs)])
    yrange = list(post.get("yaxis_range") or [np.nanmin(ys), np.nanmax(ys)])
    s = str(spec).replace(" ", "")
    if s in ("x=y", "y=x"):
        lx, ly = xrange, xrange
    elif re.match("(x|y)=", s):
        try:
            c = float(s.split("=")[1])
        except ValueError:
            raise VizkitError(f"Unrecognized add_line: {spec}. Please use either 'x=y' or 'x=c' or 'y=c' for some float c.") from None
        lx, ly = ([c, c], yrange) if s[0] == "x" else (xrange, [c, c])
    else:
        raise VizkitError(f"Unrecognized add_line: {spec}. Please use either 'x=y' or 'x=c' or 'y=c' for some float c.")
    return Line(x=np.asarray(lx, float), y=np.asarray(ly, float), color=CATEGORICAL[1], legend=False, name=s)


def bar(tensor, renderer=None, **kwargs):
    """ARENA ``bar``: bars of a 1-D tensor (or one series per array of a list), ``names``, ``hovermode="x unified"``."""
    from ..figures.generic import bar as vk_bar

    call = _Call("bar", kwargs, renderer, defaults={"hovermode": "x unified"})
    (names,) = call.take("names")
    call.template()
    labels = dict(call.pre.pop("labels", None) or {})
    x = call.pre.pop("x", None)
    horizontal = call.pre.pop("orientation", None) == "h"
    text_auto = call.pre.pop("text_auto", False)
    if text_auto:
        call.traces.append({"selector": "bar", "update": {"texttemplate": "%{value}" if text_auto is True else "%{value:" + str(text_auto) + "}"}})
        call.plotly_only.append("text_auto")
    opts = {k: call.pre.pop(k) for k in ("title", "width", "height", "log_y") if k in call.pre}
    if call.pre.get("barmode", "group") == "group":  # vizkit draws several series side by side
        call.pre.pop("barmode", None)
    call.check()
    call.not_drawn.extend(call.pre)
    series, wide = _series(tensor)
    names = list(names) if names is not None else ([f"wide_variable_{i}" for i in range(len(series))] if wide else None)
    values = np.stack(series) if wide else series[0]
    fig = vk_bar(values, x=None if x is None else [str(v) for v in _x_list(x)], names=names if wide else None,
                 labels=dict(zip(("x", "y"), _wide_titles(labels, wide), strict=True)),
                 horizontal=horizontal, **opts)
    if names is not None and not wide:
        fig = fig.replace(panels=tuple(p.replace(marks=tuple(m.replace(name=str(names[0]), legend=True) for m in p.marks))
                                       for p in fig.panels))
    if wide:  # plotly express's wide form titles the legend "variable"
        fig = fig.replace(legend_title=str(labels.get("variable", "variable")))
    return call.finish(fig)


def hist(tensor, renderer=None, **kwargs):
    """ARENA ``hist``: a histogram; a list of arrays (or a 2-D tensor's rows) overlaid on shared bins;
    ``add_mean_line`` marks each series' mean; ``names``, ``nbins``."""
    from ..figures.generic import hist as vk_hist

    call = _Call("histogram", kwargs, renderer, defaults={"bargap": 0, "barmode": "overlay"})
    add_mean, names = call.take("add_mean_line", "names")
    call.template()
    labels = dict(call.pre.pop("labels", None) or {})
    nbins = call.pre.pop("nbins", None) or 50
    histnorm, opacity = call.pre.pop("histnorm", None), call.pre.pop("opacity", None)
    if histnorm not in _edit.HISTNORMS:
        raise VizkitError(f"histnorm must be one of 'percent', 'probability', 'density', 'probability density'; got {histnorm!r}")
    density = histnorm in ("density", "probability density")
    call.pre.pop("barmode", None)  # vizkit overlays several series: barmode="overlay"
    opts = {k: call.pre.pop(k) for k in ("title", "width", "height", "log_y") if k in call.pre}
    range_x = call.pre.pop("range_x", None)
    call.check()
    call.not_drawn.extend(call.pre)
    series, wide = _series(tensor)
    names = list(names) if names is not None else ([f"wide_variable_{i}" for i in range(len(series))] if wide else [None])
    values = {n: s for n, s in zip(names, series, strict=True)} if wide else series[0]
    if not wide and names[0] is not None:
        values = {names[0]: series[0]}
    fig = vk_hist(values, nbins=int(nbins), density=density, range=tuple(range_x) if range_x is not None else None,
                  labels={"x": labels.get("x", "x"), "y": labels.get("y", histnorm or "count")}, **opts)
    fig = _edit.hist_norm(fig, histnorm, opacity)  # plotly express titles the y axis by histnorm
    if add_mean:
        top = max(float(np.max(m.y)) for m in fig.marks() if hasattr(m, "widths"))
        means = [float(np.nanmean(s[np.isfinite(s)])) for s in series]
        for m in means:  # ARENA's add_vline: a plotly shape with its annotation; other backends draw the line
            fig = shape_marks(fig, "add_vline", dict(x=m, line_width=3, line_dash="dash", line_color="black",
                                                     annotation_text=f"Mean = {m:.3f}", annotation_position="top"),
                              lambda p, m=m: [Line(x=np.array([m, m]), y=np.array([0.0, top * 1.05]), color="black", dash="dash",
                                                   width=3.0, name=f"Mean = {m:.3f}", legend=False,
                                                   hover_labels=(f"Mean = {m:.3f}",) * 2)])
    return call.finish(fig)
