"""neel-plotly's ``line_or_scatter``: a tensor's dims taken by role, drawn by :func:`vizkit.line` or :func:`vizkit.scatter`.

After ``animation_frame`` and ``facet_col`` (dim indices) are taken out, a line figure draws one
remaining dim as x, or two as (a line per index of the first, x = the second); a scatter draws
the one remaining dim as points. ``x``, ``color`` and ``hover`` are broadcast to the data's
shape from the right, as neel-plotly's ``broadcast_up`` does.
"""

from __future__ import annotations

import numpy as np

from ..errors import ShapeError, VizkitError
from ..spec import ColorScale, Line, Scatter, Slider
from ..spec.colors import CATEGORICAL
from . import _edit
from ._figure import as_compat, finish
from ._keywords import check_px, scale_name, to_numpy
from ._neel import HELPER, common_layout, slider, split_kwargs
from ._plotly_api import shape_marks

#: plotly-express keywords that change nothing drawn (rendering hints).
_NEUTRAL = {"render_mode"}
#: keywords neel-plotly itself passes to plotly express: passing them again is plotly's TypeError.
_TAKEN = {"labels", "hover_data", "data_frame"}


def line_or_scatter(y, x=None, mode="multi", squeeze=True, plot_type=None, animation_frame=None, facet_col=None, **kwargs):
    """The vizkit figure of a neel-plotly ``line`` or ``scatter`` call, shown unless ``return_fig=True``."""
    if plot_type not in ("line", "scatter"):
        raise VizkitError(f"plot_type must be 'line' or 'scatter'; got {plot_type!r}")
    custom, px = split_kwargs(kwargs)
    for name in _TAKEN & set(px):
        raise TypeError(f"{plot_type}() got multiple values for keyword argument '{name}'")
    check_px(plot_type, px)
    arr = to_numpy(y)
    if squeeze:
        arr = arr.squeeze()
    arr = np.atleast_1d(np.asarray(arr, dtype=float))
    roles = _roles(arr, plot_type, animation_frame, facet_col)
    order = [i for i in (animation_frame, facet_col) if i is not None] + roles
    data = np.transpose(arr, order)  # [frame?, facet?, line?, x]
    n_lead = len(order) - len(roles)

    def along(values, what):
        if values is None:
            return None
        v = to_numpy(values)
        try:
            v = np.broadcast_to(v, arr.shape)
        except ValueError:
            raise ShapeError(f"{what} of shape {v.shape} does not broadcast to the data's shape {arr.shape}") from None
        return np.transpose(v, order)

    xs, color, hover = along(x, "x"), along(custom["color"], "color"), along(custom["hover"], "hover")
    layout, traces, plotly_only, not_drawn = {}, [], [], []
    if "template" in px:
        layout["template"] = px.pop("template")
        plotly_only.append("template")
    options = {k: px.pop(k) for k in ("title", "width", "height") if k in px}
    wrap = px.pop("facet_col_wrap", None)
    for k in [k for k in px if k in _NEUTRAL]:
        px.pop(k)
    names = _names(custom, n_lead, animation_frame, facet_col, len(roles))
    animate = names[0] if animation_frame is not None else None
    facet = names[n_lead - 1] if facet_col is not None else None
    if plot_type == "line":
        fig = _line(data, xs, names, custom, px, options, wrap, animate, facet, names[-2] if len(roles) == 2 else None)
    else:
        scale = scale_name(px.pop("color_continuous_scale", None), layout, traces, plotly_only, "color_continuous_scale",
                           "viridis", trace="scatter", default="Portland")
        fig = _scatter(data, xs, color, custom, px, options, wrap, scale, animate, facet)
    not_drawn.extend(px)
    fig = _hover(fig, hover, custom, n_lead)
    if custom["include_diag"]:
        finite = [a[np.isfinite(a)] for a in (data, xs) if a is not None and a.dtype.kind in "biuf"]
        lo, hi = min(float(a.min()) for a in finite if a.size), max(float(a.max()) for a in finite if a.size)
        # neel-plotly adds a plotly shape (fig.layout.shapes); other backends draw the same line
        fig = shape_marks(fig, "add_shape", dict(type="line", x0=lo, y0=lo, x1=hi, y1=hi, line={"color": "gray", "dash": "dash"},
                                                 opacity=0.3), lambda p: [_edit.diagonal(lo, hi)])
    if animation_frame is not None and custom["animation_maxrange_y"] and custom["range_y"] is None:
        fin = data[np.isfinite(data)]
        if fin.size:
            fig = _edit.axes(fig, y_range=(float(fin.min()), float(fin.max())))
    fig = common_layout(fig, custom, layout, plotly_only, not_drawn)
    if animation_frame is not None:
        fig = slider(fig, custom)
    if custom["facet_labels"]:
        fig = _edit.panel_titles(fig, custom["facet_labels"])
    fig = as_compat(fig, HELPER, plotly_layout=layout, plotly_traces=traces, plotly_only=plotly_only, not_drawn=not_drawn)
    return finish(fig, custom["return_fig"])


def _roles(arr, plot_type, animation_frame, facet_col) -> list[int]:
    free = list(range(arr.ndim))
    for what, i in (("animation_frame", animation_frame), ("facet_col", facet_col)):
        if i is not None:
            if i not in free:
                raise ShapeError(f"{what}={i!r} is not a free dim of the data of shape {arr.shape} (after squeeze)")
            free.remove(i)
    if len(free) == 1 or (plot_type == "line" and len(free) == 2):
        return free
    most = "two (lines × x)" if plot_type == "line" else "one"
    raise ShapeError(f"Input tensor has too many dimensions: {arr.shape}. A {plot_type} draws {most} dims after "
                     f"animation_frame/facet_col; dims left: {free}. Select a slice or pass facet_col=/animation_frame=")


def _names(custom, n_lead, animation_frame, facet_col, n_roles) -> list[str]:
    """Dim names of the transposed data: animation, facet, line, x (as neel-plotly labels them)."""
    names = []
    if animation_frame is not None:
        names.append(str(custom["animation_name"]))
    if facet_col is not None:
        names.append(str(custom["facet_name"]))
    if n_roles == 2:
        names.append(str(custom["color_name"]))
    names.append(str(custom["xaxis"]))
    out = []
    for n in names:  # dim names must be distinct
        while n in out:
            n += " "
        out.append(n)
    return out


def _x_values(xs, data, n_lead):
    """The one x vector a line figure shares, and whether the lines have x values of their own."""
    if xs is None:
        return None, False
    first = xs[(0,) * (xs.ndim - 1)]
    if xs.dtype.kind in "biuf" and not np.array_equal(np.broadcast_to(first, xs.shape), xs, equal_nan=True):
        return None, True
    return list(first.tolist()), False


def _line(data, xs, names, custom, px, options, wrap, animate, facet, line_dim):
    from ..figures.generic import line as vk_line

    colours = px.pop("color_discrete_sequence", None)
    n_lead = (animate is not None) + (facet is not None)
    shared, own = _x_values(xs, data, n_lead)
    fig = vk_line(data, dims=names, x=shared, line=line_dim, names=custom["line_labels"],
                  labels={"x": custom["xaxis"], "y": custom["yaxis"], "color": custom["color_name"]},
                  facet=facet, animate=animate, markers=bool(custom["markers"]),
                  **({"facet_cols": wrap} if wrap else {}), **options)
    if own:  # neel-plotly broadcasts x to the data's shape: each line keeps its own x values
        rows = xs.reshape(-1, xs.shape[-1])
        k, panels = 0, []
        for p in fig.panels:
            marks = []
            for m in p.marks:
                if isinstance(m, Line) and len(m.x) == rows.shape[1]:
                    m = m.replace(x=np.asarray(rows[k], dtype=float))
                    k += 1
                marks.append(m)
            panels.append(p.replace(marks=tuple(marks)))
        if k != rows.shape[0]:
            raise VizkitError(f"line: could not give each of the {rows.shape[0]} lines its own x (found {k} lines)")
        fig = fig.replace(panels=tuple(panels))
    if colours:
        colours = list(colours)
        fig = fig.replace(panels=tuple(p.replace(marks=tuple(m.replace(color=colours[i % len(colours)])
                                                             for i, m in enumerate(p.marks))) for p in fig.panels))
    return fig


def _scatter(data, xs, color, custom, px, options, wrap, scale, animate, facet):
    from ..figures.generic import scatter as vk_scatter

    zmid = px.pop("color_continuous_midpoint", None)
    range_color = px.pop("range_color", None)
    opacity = px.pop("opacity", None)
    n_lead = (animate is not None) + (facet is not None)
    lead_shape = data.shape[:n_lead]
    xs = np.broadcast_to(np.arange(data.shape[-1], dtype=float), data.shape) if xs is None else xs
    numeric = color is not None and color.dtype.kind in "biuf"
    shared = None
    if numeric:
        lo, hi = (range_color if range_color is not None else (None, None))
        shared = ColorScale.fit(color, name=scale, zmin=lo, zmax=hi, zmid=zmid, title=str(custom["color_name"]))
    labels = {"x": custom["xaxis"], "y": custom["yaxis"], "color": custom["color_name"]}
    panels = []
    for idx in np.ndindex(*lead_shape) if lead_shape else [()]:
        ys, xv = data[idx], xs[idx]
        if color is not None and not numeric:
            cats = color[idx]
            marks = []
            for i, cat in enumerate(dict.fromkeys(cats.tolist())):
                sel = cats == cat
                marks.append(Scatter(x=xv[sel].astype(float), y=ys[sel], name=str(cat), color=CATEGORICAL[i % len(CATEGORICAL)]))
            p = vk_scatter(xv, ys, labels=labels).panels[0].replace(marks=tuple(marks))
        else:
            p = vk_scatter(xv, ys, color=color[idx] if numeric else None, labels=labels, colorscale=scale).panels[0]
            if shared is not None:
                p = p.replace(marks=tuple(m.replace(colorscale=shared) for m in p.marks))
        if opacity is not None:
            p = p.replace(marks=tuple(m.replace(opacity=float(opacity)) for m in p.marks))
        frame = idx[0] if animate else 0
        title = f"{facet}={idx[-1]}" if facet else None
        panels.append(p.replace(frame=int(frame), title=title))
    base = vk_scatter(xs[(0,) * n_lead], data[(0,) * n_lead], **options)
    n_facets = lead_shape[-1] if facet else 1
    slider = Slider(name=animate, labels=[str(i) for i in range(lead_shape[0])]) if animate else None
    legend_title = str(custom["color_name"]) if color is not None and not numeric else None
    return base.replace(panels=tuple(panels), slider=slider, legend_title=legend_title,
                        facet_cols=wrap or (min(4, n_facets) if facet else 1))


def _hover(fig, hover, custom, n_lead):
    """neel-plotly's ``hover``: a value per point shown on hover as ``hover_name=value``."""
    if hover is None:
        return fig
    name = str(custom["hover_name"])
    per_panel = []
    lead_shape = hover.shape[:n_lead]
    for idx in np.ndindex(*lead_shape) if lead_shape else [()]:
        h = hover[idx]
        rows = h.reshape(-1, h.shape[-1]) if h.ndim >= 1 else h.reshape(1, 1)
        per_panel.append([[f"{name}={v}" for v in row.tolist()] for row in rows])
    fig, _ = _edit.hover_labels(fig, per_panel)
    return fig
