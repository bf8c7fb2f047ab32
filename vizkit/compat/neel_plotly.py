"""neel-plotly's helpers over vizkit: change ``from neel_plotly import imshow, line, scatter`` to
``from vizkit.compat.neel_plotly import imshow, line, scatter`` and the notebook runs unchanged.

Each call builds a normal :class:`vizkit.Figure` through :func:`vizkit.imshow`, :func:`vizkit.line`,
:func:`vizkit.scatter` or :func:`vizkit.hist`, so ``vk.set_backend("bokeh")`` draws it in bokeh and
``fig.save("f.pdf")`` exports it. As in neel-plotly, a call displays the figure and returns
``None``, unless ``return_fig=True``, which returns the figure.

Keywords are split as neel-plotly splits them: its own (``xaxis``, ``yaxis``, ``range_x``,
``log_y``, ``toggle_x``, ``legend``, ``hover``, ``line_labels``, ``facet_labels``,
``include_diag``, ``animation_name`` ...) and plotly express's (``title``, ``labels``, ``x``,
``zmin``, ``facet_col``, ``color_continuous_scale``, ``width`` ...). A name that is neither raises
``TypeError`` as plotly express does. A keyword only plotly can draw (``template``,
``toggle_x``) is applied in plotly and warned about, once, by any other backend.
"""

from __future__ import annotations

import numpy as np

from ..errors import ShapeError, VizkitError
from ..spec import Panel
from . import _edit
from ._figure import CompatFigure, as_compat, finish
from ._keywords import check_px, scale_name, to_numpy
from ._lines import line_or_scatter
from ._neel import DEFAULT_KWARGS, HELPER, common_layout, dim_names, slider, split_kwargs

__all__ = ["DEFAULT_KWARGS", "complex_polar", "figs_to_subplots", "histogram", "imshow", "imshow_base", "imshow_pos",
           "legend_in_plot_dict", "line", "line_or_scatter", "put_legend_in_plot", "scatter", "split_kwargs", "to_numpy"]
#: What neel-plotly's ``from neel_plotly import *`` also gave a notebook: the libraries its module
#: imported (``np``, ``px``, ``go``, ``torch`` ...), resolved on first use and only when installed.
_LIBRARIES = {"np": ("numpy", None), "torch": ("torch", None), "einops": ("einops", None), "pd": ("pandas", None),
              "px": ("plotly.express", None), "pio": ("plotly.io", None), "go": ("plotly.graph_objects", None),
              "make_subplots": ("plotly.subplots", "make_subplots"), "partial": ("functools", "partial"),
              "reduce": ("functools", "reduce"), "copy": ("copy", None), "re": ("re", None)}


def _installed(module: str) -> bool:
    import importlib.util

    try:
        return importlib.util.find_spec(module.split(".")[0]) is not None
    except (ImportError, ValueError):
        return False


__all__ += [k for k, (mod, _) in _LIBRARIES.items() if _installed(mod)]


def __getattr__(name: str):
    if name in _LIBRARIES:
        import importlib

        module, attr = _LIBRARIES[name]
        value = importlib.import_module(module)
        value = getattr(value, attr) if attr else value
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

# ------------------------------------------------------------------------------------------------
# imshow

_IMSHOW_NEUTRAL = {"binary_backend", "binary_compression_level", "binary_format", "binary_string", "contrast_rescaling"}


def imshow_base(array, **kwargs):
    """A heatmap of ``array`` (2-D, plus the dims named by index in ``facet_col`` / ``animation_frame``)."""
    custom, px = split_kwargs(kwargs)
    check_px("imshow", px)
    fig = imshow_figure(to_numpy(array), custom, px, HELPER)
    return finish(fig, custom["return_fig"])


def imshow_figure(arr: np.ndarray, custom: dict, px: dict, helper: str, *, layout: dict | None = None,
                  plotly_only: list | None = None, traces: list | None = None) -> CompatFigure:
    """The vizkit figure of a neel-plotly / ARENA ``imshow`` call (``px`` holds plotly-express keywords)."""
    from ..figures.generic import imshow as vk_imshow

    px = dict(px)
    layout = dict(layout or {})
    plotly_only = list(plotly_only or [])
    traces = list(traces or [])
    not_drawn: list[str] = []
    if px.pop("facet_row", None) is not None:
        raise VizkitError("imshow: facet_row is not supported; use facet_col (with facet_col_wrap) for the extra dim")
    facet, animate = px.pop("facet_col", None), px.pop("animation_frame", None)
    labels = dict(px.pop("labels", None) or {})
    arr = np.asarray(arr)
    names = dim_names(arr.ndim, facet, animate, labels, ("y", "x"))
    zmin, zmax = px.pop("zmin", None), px.pop("zmax", None)
    range_color = px.pop("range_color", None)
    if range_color is not None:
        zmin, zmax = range_color
    zmid = px.pop("color_continuous_midpoint", None)
    scale_arg = px.pop("color_continuous_scale", None)
    diverging = scale_arg is None and zmid is not None
    scale = scale_name(scale_arg, layout, traces, plotly_only, "color_continuous_scale",
                       "RdBu" if diverging else "viridis")
    aspect = px.pop("aspect", None)
    if aspect not in (None, "auto"):
        layout["yaxis_scaleanchor"] = "x"
        plotly_only.append("aspect")
    text_auto = px.pop("text_auto", False)  # vk.imshow writes cell values in every backend
    if "template" in px:
        layout["template"] = px.pop("template")
        plotly_only.append("template")
    origin = px.pop("origin", None)
    for k in list(px):
        if k in _IMSHOW_NEUTRAL:
            px.pop(k)
        elif k in ("facet_col_spacing", "facet_row_spacing"):
            px.pop(k)
            not_drawn.append(k)
    x_labels, y_labels = px.pop("x", None), px.pop("y", None)
    fig = vk_imshow(arr, dims=names, x=_labels_or_none(x_labels), y=_labels_or_none(y_labels),
                    facet=names[facet] if facet is not None else None,
                    animate=names[animate] if animate is not None else None,
                    labels={"color": labels["color"]} if "color" in labels else None,
                    zmin=zmin, zmax=zmax, zmid=zmid, colorscale=scale, text_auto=text_auto or None, **px)
    # neel-plotly sets the axis titles to xaxis/yaxis ("x"/"y" unless given) after plotly express drew
    # labels=..., so labels name the hover and colour bar only; ARENA passes labels' x/y as xaxis/yaxis
    x_title, y_title = custom["xaxis"], custom["yaxis"]
    fig = _edit.axes(fig, x_title=x_title, y_title=y_title, set_x_title=True, set_y_title=True,
                     y_reversed=False if origin == "lower" else None)
    fig = common_layout(fig, custom, layout, plotly_only, not_drawn)
    if animate is not None:
        fig = slider(fig, custom)
    if custom.get("facet_labels"):
        fig = _edit.panel_titles(fig, custom["facet_labels"])
    if custom.get("hover") is not None:
        traces.extend(_heatmap_hover(arr, to_numpy(custom["hover"]), str(custom["hover_name"]), facet, animate))
        plotly_only.append("hover")
    return as_compat(fig, helper, plotly_layout=layout, plotly_traces=traces, plotly_only=plotly_only, not_drawn=not_drawn)


def _heatmap_hover(arr: np.ndarray, hover: np.ndarray, name: str, facet, animate) -> list[dict]:
    """neel-plotly's heatmap ``hover``: a value per cell shown as ``name=value`` (plotly only), one
    entry per heatmap trace, in the spec's panel order (frame, then facet)."""
    try:
        hover = np.broadcast_to(hover, arr.shape)
    except ValueError:
        raise ShapeError(f"hover of shape {hover.shape} does not match the data's shape {arr.shape}") from None
    lead = [i for i in (animate, facet) if i is not None]
    cells = np.moveaxis(hover, lead, list(range(len(lead)))).reshape(-1, *[arr.shape[i] for i in range(arr.ndim) if i not in lead])
    return [{"index": i, "update": {"customdata": [[str(v) for v in row] for row in cell.tolist()]}, "hover_append": name}
            for i, cell in enumerate(cells)]


def imshow(array, **kwargs):
    """neel-plotly ``imshow``: RdBu, centred on 0, ``aspect="auto"`` (each overridable)."""
    kwargs.setdefault("color_continuous_scale", "RdBu")
    kwargs.setdefault("color_continuous_midpoint", 0.0)
    kwargs.setdefault("aspect", "auto")
    return imshow_base(array, **kwargs)


def imshow_pos(array, **kwargs):
    """neel-plotly ``imshow_pos``: Blues, no midpoint (for non-negative data)."""
    kwargs.setdefault("color_continuous_scale", "Blues")
    kwargs.setdefault("aspect", "auto")
    return imshow_base(array, **kwargs)


def _labels_or_none(values):
    if values is None:
        return None
    return list(to_numpy(values).tolist()) if not isinstance(values, (list, tuple)) else list(values)


# ------------------------------------------------------------------------------------------------
# line, scatter, histogram


def line(y, x=None, mode="multi", squeeze=True, animation_frame=None, facet_col=None, **kwargs):
    """neel-plotly ``line``: one dim → one line; two → a line per row of dim 0 (x is dim 1)."""
    return line_or_scatter(y, x, mode=mode, squeeze=squeeze, plot_type="line", animation_frame=animation_frame,
                           facet_col=facet_col, **kwargs)


def scatter(x, y, *args, **kwargs):
    """neel-plotly ``scatter(x, y)``: ``color`` values on the Portland scale, ``include_diag`` adds y = x."""
    return line_or_scatter(y, x, *args, plot_type="scatter", **kwargs)


def histogram(tensor, **kwargs):
    """neel-plotly ``histogram``: a histogram of a 1-D tensor; each column of a 2-D one overlaid."""
    from ..figures.generic import hist

    custom, px = split_kwargs(kwargs)
    check_px("histogram", px)
    arr = to_numpy(tensor)
    layout, plotly_only, not_drawn = {}, [], []
    if "template" in px:
        layout["template"] = px.pop("template")
        plotly_only.append("template")
    labels = dict(px.pop("labels", None) or {})
    nbins = px.pop("nbins", None) or 50
    histnorm, opacity = px.pop("histnorm", None), px.pop("opacity", None)
    if histnorm not in _edit.HISTNORMS:
        raise VizkitError(f"histnorm must be one of 'percent', 'probability', 'density', 'probability density'; got {histnorm!r}")
    density = histnorm in ("density", "probability density")
    keep = {k: px.pop(k) for k in ("title", "width", "height", "log_y") if k in px}
    range_x = px.pop("range_x", None)
    not_drawn.extend(k for k in px)
    if arr.ndim > 2:
        raise ShapeError(f"histogram takes a 1-D tensor or a 2-D one (a histogram per column); got shape {arr.shape}")
    # plotly express reads the array as a wide frame: one series per column, named "0", "1", ... in a
    # legend titled "variable"; neel-plotly then sets the axis titles to xaxis/yaxis ("x"/"y")
    columns = arr.reshape(-1, 1) if arr.ndim <= 1 else arr
    values = {str(i): columns[:, i] for i in range(columns.shape[1])}
    fig = hist(values, nbins=nbins, density=density, range=tuple(range_x) if range_x is not None else None,
               labels={"x": custom["xaxis"], "y": custom["yaxis"]}, **keep)
    fig = _edit.hist_norm(fig.replace(legend_title=str(labels.get("variable", "variable"))), histnorm, opacity)
    fig = common_layout(fig, custom, layout, plotly_only, not_drawn)
    fig = as_compat(fig, HELPER, plotly_layout=layout, plotly_only=plotly_only, not_drawn=not_drawn)
    return finish(fig, custom["return_fig"])


# ------------------------------------------------------------------------------------------------
# figure utilities


def figs_to_subplots(figs, rows=1, cols=None, subplot_titles=[], shared_yaxes=False, shared_xaxes=False,  # noqa: B006
                     xaxis="", yaxis="", title="", reverse_y=False, reverse_x=False, colorscale="RdBu", cmid=0.0,
                     cmax=None, cmin=None, return_fig=False, showlegend=None, shared_coloraxis=True,
                     horizontal_spacing=None, vertical_spacing=None, **layout_kwargs):
    """neel-plotly ``figs_to_subplots``: the one-panel figures ``figs`` (made with ``return_fig=True``)
    as one figure on a ``rows`` × ``cols`` grid, filled column by column as neel-plotly fills it.

    Also takes the keywords of the plotly_utils variants that copied it (``showlegend``,
    ``shared_coloraxis``, ``horizontal_spacing``, ``vertical_spacing``); the spacings are plotly's
    subplot gaps, which vizkit's layout sets itself (they warn). Other keywords are layout keywords."""
    from ..spec import ColorScale, Heatmap

    figs = list(figs)
    if cols is None:
        cols = len(figs)
    if rows * cols != len(figs):
        raise VizkitError(f"figs_to_subplots needs rows * cols == len(figs); got {rows} * {cols} != {len(figs)}")
    # neel-plotly puts figure i at row 1 + i % rows, column 1 + i // rows; the spec's grid is row-major
    order = [c * rows + r for r in range(rows) for c in range(cols)]
    titles = list(subplot_titles or [])
    panels = []
    for slot, i in enumerate(order):
        p = figs[i].frame_panels(0)[0]
        panels.append(p.replace(title=titles[slot] if slot < len(titles) else None, frame=0))
    heat = [m for p in panels for m in p.marks if isinstance(m, Heatmap)]
    if heat:
        z = np.concatenate([m.z.ravel() for m in heat])
        scale = ColorScale.fit(z, name=colorscale, zmin=cmin, zmax=cmax, zmid=cmid)
        panels = [p.replace(marks=tuple(m.replace(colorscale=scale) if isinstance(m, Heatmap) else m for m in p.marks))
                  for p in panels]
    panels = [Panel(marks=p.marks, title=p.title,
                    x=p.x.replace(title=xaxis or None, reversed=bool(reverse_x) or p.x.reversed),
                    y=p.y.replace(title=yaxis or None, reversed=bool(reverse_y) or p.y.reversed)) for p in panels]
    base = figs[0]
    fig = base.replace(panels=tuple(panels), facet_cols=cols, title=title or None, slider=None,
                       notes=tuple(dict.fromkeys(n for f in figs for n in f.notes)))
    spacing = [k for k, v in (("horizontal_spacing", horizontal_spacing), ("vertical_spacing", vertical_spacing)) if v is not None]
    fig = as_compat(fig, HELPER, not_drawn=spacing)
    if showlegend is not None:
        layout_kwargs["showlegend"] = showlegend
    if layout_kwargs:
        fig._layout_update(layout_kwargs)
    return finish(fig, return_fig)


legend_in_plot_dict = dict(xanchor="right", x=0.95, title="", orientation="h", y=1.0, yanchor="top",
                           bgcolor="rgba(255, 255, 255, 0.3)")


def complex_polar(complex_tensor, **kwargs):
    """neel-plotly ``complex_polar`` (a polar scatter): vizkit has no polar axes, so this raises."""
    from ..errors import UnsupportedFigureError

    raise UnsupportedFigureError("complex_polar draws a polar scatter, which vizkit has no figure for; plot "
                                 "scatter(tensor.real, tensor.imag) or line(tensor.abs()) and line(tensor.angle()) instead")


def put_legend_in_plot(fig):
    """neel-plotly ``put_legend_in_plot``: the legend inside the plot, top right (plotly only).

    The figure is changed in place and ``None`` returned, as in neel-plotly: a plotly figure gets
    the legend layout; a compat figure records it (drawn in plotly; other backends warn).
    """
    copy = not isinstance(fig, CompatFigure)
    if copy:
        if hasattr(fig, "update_layout"):  # a plotly figure
            fig.update_layout(legend=legend_in_plot_dict)
            return None
        fig = as_compat(fig, HELPER)  # a plain vizkit Figure cannot change: the compat copy is returned
    compat = fig.meta["compat"]
    compat["plotly_layout"]["legend"] = dict(legend_in_plot_dict)
    compat["plotly_only"] = sorted(set(compat["plotly_only"]) | {"put_legend_in_plot"})
    fig.__dict__.pop("_warned", None)
    return fig if copy else None  # in place, as neel-plotly (a returned figure would display again as a cell's last line)
