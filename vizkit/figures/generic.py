"""Generic figures of any tensor: imshow, line, scatter, bar, hist."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..adapters import to_dataarray, to_numpy, with_coord
from ..errors import DimensionError, LabelError, ShapeError, VizkitError
from ..spec import Axis, Bar, Heatmap, Line, Panel, Scatter
from ..spec.colors import CATEGORICAL
from . import _common as c
from ._keywords import TEXT_COORD, cell_text, figure_function, text_format


def _prep(data, dims, what: str = "data"):
    """``data`` as a numeric DataArray (strings and complex numbers refused)."""
    da = to_dataarray(data, dims)
    if da.dtype.kind not in "biuf":
        da = da.copy(data=c.numeric(da.values, what))
    return da


def _split_dims(da, facet, animate):
    """``facet``/``animate`` as dim names (plotly-express dim indices accepted), checked, and the panel count bounded."""
    facet, animate = c.split_dim(da, facet, "facet"), c.split_dim(da, animate, "animate")
    c.check_split_dims(da, facet, animate)
    if facet is not None:
        c.check_panel_count(da.sizes[facet], facet, da.sizes[facet])
    return facet, animate


@figure_function
def imshow(
    data: Any,
    dims: Sequence[str] | None = None,
    *,
    x: Sequence | None = None,
    y: Sequence | None = None,
    labels: dict | None = None,
    title: str | None = None,
    facet: str | None = None,
    facet_cols: int | None = None,
    animate: str | None = None,
    zmin: float | None = None,
    zmax: float | None = None,
    zmid: float | None = None,
    colorscale: str | None = None,
    width: int | None = None,
    height: int | None = None,
    backend: str | None = None,
    theme: str | None = None,
    kind: str = "imshow",
    value_label: str | None = None,
    text: Any = None,
    text_auto: bool | str = False,
    text_label: str | None = None,
):
    """A heatmap of a 2-D slice of any tensor (rows on y, columns on x).

    Parameters
    ----------
    data : array-like, torch.Tensor or xarray.DataArray
        2-D, or higher with the extra dims named in ``facet``/``animate``.
    dims : sequence of str, optional
        One name per axis (``("layer", "pos")``); xarray input keeps its own.
    zmin, zmax, zmid : float, optional
        Colour range; ``zmid`` (alias ``color_continuous_midpoint``) centres a diverging scale.
        Signed data is centred on 0 by default; data that only dips slightly below 0 (GELU
        activations) gets a sequential scale.
    kind, value_label : str, optional
        The figure kind and the hover/colour-bar name of the value (for figures built on imshow).
    text, text_auto, text_label
        Text written in the cells (see the shared keywords); ``text_label`` names it in the hover
        (default ``"text"``, or ``"value"`` for ``text_auto``).
    """
    from ..scale import is_lazy

    if is_lazy(data):  # Dask/Zarr: aggregated chunk by chunk on Dask, only the raster enters the spec
        if facet is not None or animate is not None:
            raise VizkitError("imshow of Dask/Zarr data draws one 2-D raster; got facet=/animate=. "
                              "Select a slice first (data[i] or .sel(...)), then call imshow once per slice")
        from .lazy import lazy_imshow

        if text is not None or text_auto:
            raise VizkitError("imshow of Dask/Zarr data draws an aggregated raster, which cannot hold cell text; got "
                              "text=/text_auto=. Select a small slice first (data[i] or .sel(...)) and compute it")
        return lazy_imshow(data, dims, x=x, y=y, labels=labels, title=title, zmin=zmin, zmax=zmax, zmid=zmid,
                           colorscale=colorscale, width=width, height=height, backend=backend, theme=theme)
    da = _prep(data, dims)
    facet, animate = _split_dims(da, facet, animate)
    plotted = [d for d in da.dims if d not in (facet, animate)]
    if len(plotted) != 2:
        raise ShapeError(
            f"imshow draws 2-D data; got dims {tuple(da.dims)} (shape {da.shape}). "
            f"Select a slice, or name the extra dims with facet= or animate="
        )
    y_dim, x_dim = plotted
    if x is not None:
        da = with_coord(da, x_dim, _labels_list(x), what="x labels")
    if y is not None:
        da = with_coord(da, y_dim, _labels_list(y), what="y labels")
    gaps = c.nan_note(da.values)  # counted before any downsampling, which could hide them
    text_format(text_auto)  # a bad format fails before any work
    cells = cell_text(da, text, text_auto) if text is not None else None  # checked against the data before downsampling
    da, note = c.coarsen_to_budget(da, y_dim, x_dim, c.CELL_BUDGET // max(1, _n_panels(da, facet, animate)))
    if note is not None and (text is not None or text_auto):  # one string per cell cannot sit on a block of cells
        cells, gaps = None, [*gaps, "cell text not shown: the heatmap was downsampled"]
    elif text is None:
        cells = cell_text(da, None, text_auto)
    if cells is not None:
        da = da.assign_coords({TEXT_COORD: (da.dims, cells)})
    values = np.asarray(da.values, dtype=float)
    scale = c.colorscale(values, colorscale=colorscale, zmin=zmin, zmax=zmax, zmid=zmid,
                         title=c.label_for(labels, "color", da.name if isinstance(da.name, str) else None))
    x_title = c.label_for(labels, "x", x_dim, default=None if x_dim.startswith("dim_") else x_dim)
    y_title = c.label_for(labels, "y", y_dim, default=None if y_dim.startswith("dim_") else y_dim)
    panels = []
    for frame, _, ptitle, sub in c.split(da, facet, animate):
        sub = sub.transpose(y_dim, x_dim)
        xl, yl = c.coord_labels(sub, x_dim), c.coord_labels(sub, y_dim)
        cell_strings = sub.coords[TEXT_COORD].values if TEXT_COORD in sub.coords else None
        mark = Heatmap(z=sub.values, colorscale=scale, x_labels=xl, y_labels=yl, x_title=x_title, y_title=y_title,
                       value_label=value_label or scale.title or "value", text=cell_strings,
                       text_label=text_label or ("value" if text is None else "text"))
        panels.append(Panel(marks=(mark,), x=Axis(x_title, labels=xl or _index_labels(sub, x_dim)),
                            y=Axis(y_title, labels=yl or _index_labels(sub, y_dim), reversed=True), title=ptitle, frame=frame))
    return c.figure(kind, panels, title=title, facet_cols=facet_cols or (min(4, len(panels)) if facet else 1),
                    slider=c.slider_for(da, animate), width=width, height=height, theme=theme, backend=backend,
                    notes=[note, *gaps])


def _index_labels(da, dim):
    return [str(i) for i in range(da.sizes[dim])]


def _n_panels(da, facet, animate) -> int:
    return (da.sizes[facet] if facet else 1) * (da.sizes[animate] if animate else 1)


def _labels_list(values) -> list:
    """``values`` as a list; string labels (tokens) with their whitespace made visible, as everywhere."""
    if isinstance(values, str):
        raise LabelError(f"expected a list of labels; got the single string {values!r}")
    try:
        out = list(to_numpy(values)) if hasattr(values, "shape") else list(values)
    except TypeError:
        raise LabelError(f"expected a list of labels; got {type(values).__name__}") from None
    return [c.visible_token(v) if isinstance(v, str) else v for v in out]


@figure_function(aliases={"color": "line"})
def line(
    data: Any,
    dims: Sequence[str] | None = None,
    *,
    x: Sequence | None = None,
    line: str | None = None,
    names: Sequence[str] | None = None,
    labels: dict | None = None,
    title: str | None = None,
    facet: str | None = None,
    animate: str | None = None,
    log_x: bool = False,
    log_y: bool = False,
    markers: bool = False,
    width: int | None = None,
    height: int | None = None,
    backend: str | None = None,
    theme: str | None = None,
    kind: str = "line",
    facet_cols: int | None = None,
):
    """Lines of any tensor: 1-D → one line; 2-D → one line per row (or per value of ``line``).

    Parameters
    ----------
    data : array-like, torch.Tensor, xarray.DataArray or dict of name → 1-D array
        A dict draws one line per entry, named by its key.
    x : sequence, optional
        x values (numbers) or tick labels (strings, e.g. tokens).
    line : str, optional
        The dim whose values become separate lines (default: the first of two dims;
        alias ``color``).
    names : sequence of str, optional
        Legend names for the lines (default: the coordinate of the ``line`` dim).
    markers : bool
        Draw a marker at every point (a line of one point always gets one).
    """
    if isinstance(data, dict):
        if not data:
            from ..errors import EmptyDataError

            raise EmptyDataError("line() got an empty dict; expected name → 1-D values")
        arrays = [c.numeric(to_numpy(v), f"line {k!r}").ravel() for k, v in data.items()]
        lengths = {len(a) for a in arrays}
        if len(lengths) != 1:
            raise ShapeError(f"a dict of lines needs equal lengths; got lengths {[len(a) for a in arrays]}. Use loss_curves() for runs of different length")
        data, dims, names = np.stack(arrays), ("line", dims[0] if dims else "x"), names or list(data)
    da = _prep(data, dims)
    facet, animate = _split_dims(da, facet, animate)
    plotted = [d for d in da.dims if d not in (facet, animate)]
    if len(plotted) == 1:
        line_dim, x_dim = None, plotted[0]
    elif len(plotted) == 2:
        if line is not None and line not in plotted:
            raise DimensionError(f"line={line!r} is not a dim of the data; dims are {tuple(da.dims)}")
        line_dim = line or plotted[0]
        x_dim = plotted[1] if line_dim == plotted[0] else plotted[0]
    else:
        raise ShapeError(f"line draws 1-D or 2-D data; got dims {tuple(da.dims)} (shape {da.shape}). Name extra dims with facet= or animate=")
    xs, xlabels = _x_values(da, x_dim, x)
    if line_dim is not None and names is not None:
        da = with_coord(da, line_dim, list(names), what="names")
    line_names = (c.coord_labels(da, line_dim) or _index_labels(da, line_dim)) if line_dim else [None]
    panels, notes = [], []
    for frame, _, ptitle, sub in c.split(da, facet, animate):
        marks = []
        for i, lname in enumerate(line_names):
            ys = c.log_gaps((sub.isel({line_dim: i}) if line_dim else sub).values, log_y)
            px, py = c.downsample_minmax(c.log_gaps(xs, log_x and xlabels is None), ys)
            if len(px) < len(xs):
                notes.append(f"lines downsampled from {len(xs)} to about {len(px)} points (min/max per bucket)")
            marks.append(Line(x=px, y=py, name=lname, color=CATEGORICAL[i % len(CATEGORICAL)], markers=markers or c.lone_point(py),
                              legend=line_dim is not None and frame == 0 and ptitle in (None, _first_title(da, facet)),
                              group=lname))
        panels.append(Panel(marks=tuple(marks), title=ptitle, frame=frame,
                            x=Axis(c.label_for(labels, "x", x_dim, default=_default_title(x_dim)), labels=xlabels, log=log_x),
                            y=Axis(c.label_for(labels, "y", "value", default=da.name if isinstance(da.name, str) else None), log=log_y)))
    return c.figure(kind, panels, title=title, facet_cols=facet_cols or (min(4, len(panels)) if facet else 1),
                    slider=c.slider_for(da, animate), width=width, height=height, theme=theme, backend=backend,
                    legend_title=c.label_for(labels, "color", line_dim, default=line_dim if line_dim and line_dim != "line" else None),
                    notes=[*sorted(set(notes)), *c.nan_note(da.values),
                           *c.log_note(x=xs if log_x and xlabels is None else None, y=da.values if log_y else None)])


def _first_title(da, facet):
    return f"{facet}={c._value_label(da, facet, 0)}" if facet else None


def _default_title(dim: str) -> str | None:
    return None if dim.startswith("dim_") or dim == "x" else dim


def _x_values(da, x_dim, x) -> tuple[np.ndarray, list[str] | None]:
    """Numeric x positions and, for string labels (tokens), their tick texts."""
    n = da.sizes[x_dim]
    if x is None:
        coord = c.coord_labels(da, x_dim) if x_dim in da.coords else None
        if coord is None:
            return np.arange(n, dtype=float), None
        x = list(np.asarray(da.coords[x_dim].values))
    values = _labels_list(x)
    if len(values) != n:
        raise LabelError(f"x has {len(values)} values but the data has {n} points along {x_dim!r}")
    try:
        return np.asarray(values, dtype=float), None
    except (TypeError, ValueError):
        return np.arange(n, dtype=float), [str(v) for v in values]


@figure_function(aliases={"text": "hover"})
def scatter(
    x: Any,
    y: Any,
    *,
    color: Any = None,
    hover: Sequence[str] | None = None,
    name: str | None = None,
    labels: dict | None = None,
    title: str | None = None,
    log_x: bool = False,
    log_y: bool = False,
    colorscale: str | None = None,
    zmid: float | None = None,
    size: float = 8.0,
    width: int | None = None,
    height: int | None = None,
    backend: str | None = None,
    theme: str | None = None,
):
    """Points ``(x[i], y[i])``; ``color`` is a colour name or per-point values on a scale.

    Parameters
    ----------
    color : str or array-like, optional
        One CSS colour for all points, or one value per point (coloured on ``colorscale``,
        centred on ``zmid`` when given).
    hover : sequence of str, optional
        A label per point (e.g. token strings) shown in the hover.
    """
    xs = c.numeric(to_numpy(x), "scatter x").ravel()
    ys = c.numeric(to_numpy(y), "scatter y").ravel()
    if xs.size == 0:
        from ..errors import EmptyDataError

        raise EmptyDataError("scatter() got no points; x is empty")
    if xs.shape != ys.shape:
        raise ShapeError(f"scatter needs x and y of the same length; got {xs.size} and {ys.size}")
    values = scale = None
    point_color = CATEGORICAL[0]
    if color is not None and not isinstance(color, str):
        values = c.numeric(to_numpy(color), "scatter color values").ravel()
        if values.shape != xs.shape:
            raise ShapeError(f"color needs one value per point; got {values.size} values for {xs.size} points")
        scale = c.colorscale(values, colorscale=colorscale, zmid=zmid, title=c.label_for(labels, "color"))
    elif isinstance(color, str):
        point_color = color
    mark = Scatter(x=c.log_gaps(xs, log_x), y=c.log_gaps(ys, log_y), name=name, color=point_color, values=values, colorscale=scale, size=size,
                   hover_labels=None if hover is None else [str(h) for h in hover], legend=name is not None)
    panel = Panel(marks=(mark,), x=Axis(c.label_for(labels, "x"), log=log_x), y=Axis(c.label_for(labels, "y"), log=log_y))
    return c.figure("scatter", [panel], title=title, width=width, height=height, theme=theme, backend=backend,
                    notes=[*c.nan_note(np.concatenate([xs, ys]), "coordinate"),
                           *c.log_note(x=xs if log_x else None, y=ys if log_y else None)])


@figure_function
def bar(
    values: Any,
    x: Sequence | None = None,
    *,
    dims: Sequence[str] | None = None,
    names: Sequence[str] | None = None,
    labels: dict | None = None,
    title: str | None = None,
    horizontal: bool = False,
    log_y: bool = False,
    width: int | None = None,
    height: int | None = None,
    backend: str | None = None,
    theme: str | None = None,
):
    """Bars: 1-D values → one series; 2-D → one series per row, grouped side by side.

    Parameters
    ----------
    x : sequence of str, optional
        A label per bar (e.g. ``["L0H0", "L0H1", ...]``).
    names : sequence of str, optional
        Legend names for the series of 2-D input.
    """
    da = _prep(values, dims, "bar values")
    if da.ndim == 1:
        da = da.expand_dims("series")
    if da.ndim != 2:
        raise ShapeError(f"bar draws 1-D or 2-D values; got shape {da.shape}")
    s_dim, x_dim = da.dims
    n_series, n = da.shape
    xl = _labels_list(x) if x is not None else (c.coord_labels(da, x_dim) or [str(i) for i in range(n)])
    if len(xl) != n:
        raise LabelError(f"x has {len(xl)} labels but there are {n} bars")
    if names is not None and len(names) != n_series:
        raise LabelError(f"names has {len(names)} entries but there are {n_series} series")
    snames = list(names) if names is not None else (c.coord_labels(da, s_dim) if n_series > 1 else [None])
    w = 0.8 / n_series
    marks = []
    for i in range(n_series):
        offset = -0.4 + w * (i + 0.5)
        marks.append(Bar(x=np.arange(n) + (offset if n_series > 1 else 0.0), y=da.values[i], name=snames[i],
                         color=CATEGORICAL[i % len(CATEGORICAL)], widths=np.full(n, w), labels=None,
                         legend=n_series > 1, horizontal=horizontal))
    cat = Axis(c.label_for(labels, "x", x_dim, default=_default_title(x_dim)), labels=[str(v) for v in xl])
    val = Axis(c.label_for(labels, "y", default=da.name if isinstance(da.name, str) else None), log=log_y)
    panel = Panel(marks=tuple(marks), x=val if horizontal else cat, y=cat.replace(reversed=True) if horizontal else val)
    return c.figure("bar", [panel], title=title, width=width, height=height, theme=theme, backend=backend,
                    notes=[*c.nan_note(da.values), *c.log_note(**{"x" if horizontal else "y": da.values if log_y else None})])


@figure_function
def hist(
    values: Any,
    *,
    nbins: int = 50,
    range: tuple[float, float] | None = None,
    log_x: bool = False,
    log_y: bool = False,
    density: bool = False,
    labels: dict | None = None,
    title: str | None = None,
    width: int | None = None,
    height: int | None = None,
    backend: str | None = None,
    theme: str | None = None,
):
    """A histogram of all finite values of any tensor (``nbins`` equal bins over ``range``).

    Parameters
    ----------
    values : array-like, torch.Tensor, or dict of name → array
        A dict overlays one translucent histogram per entry on shared bins.
    density : bool
        Normalise each histogram to unit area.
    log_x : bool
        Log-spaced bins on a log x axis (feature densities, firing frequencies); values ≤ 0 are
        left out and counted in a note.

    Dask arrays, Dask-backed xarray, Zarr arrays and Zarr paths are counted on Dask, chunk by chunk
    (exact counts, on the active ``dask.distributed`` client if there is one): only the counts
    enter the figure.
    """
    from ..scale import is_lazy

    if is_lazy(values):
        from .lazy import lazy_hist

        return lazy_hist(values, nbins=nbins, range=range, log_x=log_x, log_y=log_y, density=density, labels=labels,
                         title=title, width=width, height=height, backend=backend, theme=theme)
    series = values if isinstance(values, dict) else {None: values}
    flat = {k: c.numeric(to_numpy(v), "hist values").ravel() for k, v in series.items()}
    finite = {k: v[np.isfinite(v)] for k, v in flat.items()}
    allv = np.concatenate(list(finite.values())) if finite else np.array([])
    if allv.size == 0:
        from ..errors import EmptyDataError

        raise EmptyDataError("hist() got no finite values to count")
    if nbins < 1:
        raise VizkitError(f"nbins must be at least 1; got {nbins}")
    non_positive = 0
    if log_x:
        positive = allv[allv > 0]
        non_positive = int(allv.size - positive.size)
        if positive.size == 0:
            raise VizkitError(f"hist(log_x=True) needs positive values; all {allv.size} finite values are ≤ 0")
        lo, hi = range if range is not None else (float(positive.min()), float(positive.max()))
        if not 0 < lo <= hi:
            raise VizkitError(f"hist(log_x=True) needs a positive range; got {(lo, hi)}")
        edges = np.geomspace(lo, hi if hi > lo else lo * 10, nbins + 1)
    else:
        edges = np.histogram_bin_edges(allv, bins=nbins, range=range)
    marks = []
    for i, (k, v) in enumerate(finite.items()):
        counts, _ = np.histogram(v, bins=edges, density=density)
        centres = np.sqrt(edges[:-1] * edges[1:]) if log_x else (edges[:-1] + edges[1:]) / 2
        marks.append(Bar(x=centres, y=counts, widths=np.diff(edges), name=k,
                         color=CATEGORICAL[i % len(CATEGORICAL)], opacity=0.6 if len(finite) > 1 else 1.0,
                         legend=k is not None))
    panel = Panel(marks=tuple(marks), x=Axis(c.label_for(labels, "x", default="value"), log=log_x),
                  y=Axis(c.label_for(labels, "y", default="density" if density else "count"), log=log_y))
    dropped = sum(int(v.size - finite[k].size) for k, v in flat.items())
    notes = [f"{dropped} NaN/inf values left out"] if dropped else []
    if non_positive:
        notes.append(f"{non_positive} values ≤ 0 left out (log-spaced bins)")
    return c.figure("hist", [panel], title=title, width=width, height=height, theme=theme, backend=backend, notes=notes)
