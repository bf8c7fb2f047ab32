"""Zoom re-aggregation where a server is present: HoloViews DynamicMaps that re-aggregate on every zoom.

A fixed raster stretched by a zoom shows big blurry cells; here every change of the visible
x/y range (HoloViews ``RangeXY`` stream, driven by the bokeh plot in a Panel server or notebook)
aggregates the data inside the new range again, from the full data, and only the new grid
travels to the browser:

- :func:`zoomable_density` recounts the points of a 2-D density on Dask (the same exact counts
  as :func:`vizkit.scale.density_counts`);
- :func:`zoomable_raster` reduces the cells of a huge matrix (tokens × neurons, a long-context
  attention head) block by block with the block maximum (or largest magnitude with its sign),
  down to the exact cells once the range is small enough (:func:`raster_in_range`).
"""

from __future__ import annotations

import contextlib
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import ShapeError, VizkitError, require
from .aggregate import _HOWS, _raster_block, block_raster, density_counts
from .inputs import EXTRA, as_dask, is_lazy


@contextlib.contextmanager
def _bokeh_options(hv):
    """Make bokeh HoloViews' current backend while options are set: ``.opts(...)`` validates against the
    current backend, which plain ``import holoviews`` leaves at matplotlib (not loaded here)."""
    before = hv.Store.current_backend
    hv.Store.current_backend = "bokeh"
    try:
        yield
    finally:
        hv.Store.current_backend = before


def zoomable_density(x: Any, y: Any, *, nbins: int | tuple[int, int] = 300, log_color: bool = True,
                     labels: tuple[str, str] = ("x", "y"), engine: str = "numpy", width: int = 600, height: int = 500):
    """A HoloViews ``DynamicMap`` of the point density of ``(x, y)``, re-binned at each zoom.

    Parameters
    ----------
    x, y : Dask arrays, Dask-backed xarray, Zarr arrays or paths, or array-likes of one shape
    nbins : int or (int, int)
        Cells across the visible range, whatever the zoom.
    log_color : bool
        Colour by log₁₀ of the count (empty cells blank, as in ``density``).
    labels : (str, str)
        Axis titles.
    engine : {"numpy", "datashader"}
        How each view is counted (see :func:`vizkit.scale.density_counts`).
    width, height : int
        Plot size in CSS pixels.

    Returns
    -------
    holoviews.DynamicMap
        Show it in Panel (``pn.pane.HoloViews(dmap)``) or a notebook with the bokeh extension; its
        ``callback`` can be called with ``x_range``/``y_range`` to get the :class:`holoviews.Image`
        of a given range. The first frame covers every finite point.
    """
    hv = require("holoviews", EXTRA, "zoomable densities")
    require("holoviews.plotting.bokeh", EXTRA, "zoomable densities")  # registers the bokeh options used below
    full = density_counts(x, y, nbins=nbins, engine=engine)
    extent = ((full.x_edges[0], full.x_edges[-1]), (full.y_edges[0], full.y_edges[-1]))
    kdims = [hv.Dimension("x", label=labels[0]), hv.Dimension("y", label=labels[1])]
    vdim = hv.Dimension("z", label="log₁₀ count" if log_color else "count")

    def image(x_range=None, y_range=None):
        if x_range is None or y_range is None:
            counts = full
        else:
            counts = density_counts(x, y, nbins=nbins, range=(tuple(map(float, x_range)), tuple(map(float, y_range))), engine=engine)
        z = counts.counts.T.astype(float)
        z[z == 0] = np.nan
        if log_color:
            z = np.log10(z)
        bounds = (counts.x_edges[0], counts.y_edges[0], counts.x_edges[-1], counts.y_edges[-1])
        with _bokeh_options(hv):
            return hv.Image(z[::-1], bounds=bounds, kdims=kdims, vdims=[vdim]).opts(
                cmap="Blues", colorbar=True, clipping_colors={"NaN": "white"}, tools=["hover"], width=width, height=height,
                title=f"{int(counts.counts.sum()):,} points in view, re-binned on Dask")

    stream = hv.streams.RangeXY(x_range=extent[0], y_range=extent[1])
    return hv.DynamicMap(image, streams=[stream])


# ---------------------------------------------------------------------------------------------
# A huge matrix (tokens × neurons, a long-context attention head), re-reduced at every zoom


@dataclass(frozen=True)
class RasterView:
    """The cells of a matrix inside one visible range, reduced block by block to fit the screen.

    Attributes
    ----------
    raster : numpy.ndarray
        ``[rows, cols]`` reduced values, first row = lowest row index of the range (NaN: a block
        with no finite value, e.g. the masked causal triangle).
    rows, cols : (int, int)
        The matrix rows / columns covered, ``(start, stop)`` with stop excluded.
    factors : (int, int)
        Matrix rows and columns per raster cell; ``(1, 1)`` is full resolution (exact cells).
    how : str
        The block reduction: ``"max"``, ``"maxabs"`` (largest magnitude, with its sign), ``"min"`` or ``"mean"``.
    n_values, n_nonfinite : int
        Matrix cells aggregated into this view, and how many of them were NaN/±inf.
    """

    raster: np.ndarray
    rows: tuple[int, int]
    cols: tuple[int, int]
    factors: tuple[int, int]
    how: str
    n_values: int
    n_nonfinite: int

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """``(left, bottom, right, top)`` in matrix coordinates (cell ``[i, j]`` centred on ``(j, i)``).

        A partial last block is drawn as wide as the others (its cell reads only the matrix's cells).
        """
        (r0, _), (c0, _), (fy, fx) = self.rows, self.cols, self.factors
        ny, nx = self.raster.shape
        return (c0 - 0.5, r0 - 0.5, c0 + nx * fx - 0.5, r0 + ny * fy - 0.5)

    def describe(self) -> str:
        """What the view stands for: values aggregated, block size and reduction."""
        ny, nx = self.raster.shape
        head = f"{self.n_values:,} values in view"
        if self.factors == (1, 1):
            return f"{head}, every cell at full resolution"
        names = {"max": "block maximum", "maxabs": "largest magnitude with its sign", "min": "block minimum", "mean": "block mean"}
        return f"{head} → {ny}×{nx} cells, {names[self.how]} of {self.factors[0]}×{self.factors[1]} blocks"


def _index_range(lo: float | None, hi: float | None, n: int) -> tuple[int, int]:
    """Indices of the cells (centred on integers, width 1) that overlap ``[lo, hi]``, clipped to ``[0, n)``."""
    if lo is None or hi is None or not (np.isfinite(lo) and np.isfinite(hi)):
        return 0, n
    lo, hi = min(lo, hi), max(lo, hi)
    start = max(0, min(n - 1, math.ceil(lo - 0.5)))
    stop = max(start + 1, min(n, math.floor(hi + 0.5) + 1))
    return start, stop


def resolve_how(matrix: Any, how: str = "auto") -> str:
    """``how`` with ``"auto"`` resolved on the whole matrix: ``"max"`` for non-negative data (attention,
    GELU-free activations), ``"maxabs"`` (largest magnitude with its sign) when anything is below 0."""
    if how not in _HOWS:
        raise VizkitError(f"how must be one of {_HOWS}; got {how!r}")
    if how != "auto":
        return how
    if isinstance(matrix, np.ndarray):
        finite = matrix[np.isfinite(matrix)]
        return "maxabs" if finite.size and float(finite.min()) < 0 else "max"
    return block_raster(matrix, shape=(1, 1), how="auto")[2]["how"]


def raster_in_range(matrix: Any, x_range: tuple[float, float] | None = None, y_range: tuple[float, float] | None = None,
                    *, max_cells: tuple[int, int] = (600, 600), how: str = "max") -> RasterView:
    """The cells of ``matrix`` visible in ``x_range`` × ``y_range``, reduced to at most ``max_cells``.

    Parameters
    ----------
    matrix : 2-D numpy array, Dask array, Dask-backed xarray, Zarr array or path
        Rows on y, columns on x; cell ``[i, j]`` is centred on ``(x=j, y=i)``.
    x_range, y_range : (float, float), optional
        The visible range (a bokeh plot's ``x_range``/``y_range``); default: everything.
    max_cells : (int, int)
        At most this many (rows, columns) in the view: a range showing fewer matrix cells is drawn
        cell for cell (exact values).
    how : {"max", "maxabs", "min", "mean"}
        The block reduction (resolve ``"auto"`` once with :func:`resolve_how`). Numpy input is
        reduced here; lazy input on Dask (:func:`vizkit.scale.block_raster`), reading only the
        chunks in range.
    """
    if how not in _HOWS or how == "auto":
        raise VizkitError(f"how must be one of {_HOWS[1:]} (resolve 'auto' with resolve_how); got {how!r}")
    lazy = not isinstance(matrix, np.ndarray)
    arr = as_dask(matrix).data if lazy else matrix
    if arr.ndim != 2:
        raise ShapeError(f"a zoomable raster needs a 2-D matrix (rows × columns); got shape {arr.shape}")
    ny, nx = arr.shape
    r0, r1 = _index_range(*(y_range or (None, None)), ny)
    c0, c1 = _index_range(*(x_range or (None, None)), nx)
    sub = arr[r0:r1, c0:c1]
    if lazy:
        raster, factors, info = block_raster(sub, shape=max_cells, how=how)
        n_bad = info["n_nonfinite"]
    else:
        factors = (max(1, math.ceil((r1 - r0) / max_cells[0])), max(1, math.ceil((c1 - c0) / max_cells[1])))
        raster = _raster_block(sub, *factors, how)
        n_bad = int(sub.size - np.count_nonzero(np.isfinite(sub)))
    return RasterView(raster=np.asarray(raster, dtype=float), rows=(r0, r1), cols=(c0, c1), factors=tuple(factors), how=how,
                      n_values=int(sub.size), n_nonfinite=int(n_bad))


def zoomable_raster(matrix: Any, *, how: str = "auto", max_cells: int | tuple[int, int] = 600,
                    labels: tuple[str, str] = ("column", "row"), value_label: str = "value",
                    x_labels: Any = None, y_labels: Any = None,
                    cmap: str | None = None, clim: tuple[float, float] | None = None,
                    title: str | None = None, width: int = 700, height: int = 600):
    """A HoloViews ``DynamicMap`` of a huge matrix, re-reduced from the full array at every zoom.

    For a tokens × neurons activation matrix or a long-context attention head (4096² and more):
    each change of the visible range (HoloViews ``RangeXY``, driven by the bokeh plot in a Panel
    server or a notebook) reduces the cells inside the new range, block by block, to at most
    ``max_cells``; once the range holds fewer cells than that, every cell is drawn at its exact
    value. A block keeps its maximum (or the value of largest magnitude with its sign for signed
    data), never a mean, so a one-cell spike is at full intensity at every zoom.

    Parameters
    ----------
    matrix : 2-D numpy array, Dask array, Dask-backed xarray, Zarr array or path
        Rows on y (row 0 on top), columns on x. NaN cells (a masked causal triangle) are gaps.
    how : {"auto", "max", "maxabs", "min", "mean"}
        The block reduction; ``"auto"`` is ``"max"`` for non-negative data, else ``"maxabs"``.
    max_cells : int or (int, int)
        Raster cells (rows, columns) sent per view, whatever the zoom.
    labels : (str, str)
        Axis titles (x, y), e.g. ``("key", "query")`` or ``("neuron", "token")``.
    value_label : str
        The value's name in the colour bar and hover.
    x_labels, y_labels : sequence of str, optional
        A label per column / row (token strings): the hover names the cell under the cursor as
        ``"label @position"`` when the view shows every cell, and its range of positions when a
        view cell stands for a block.
    cmap, clim : optional
        Colour map and fixed colour range; default: ``"Blues"`` from 0 (or the minimum) to the
        maximum of the whole matrix for ``max``, ``"RdBu_r"`` symmetric about 0 for ``maxabs``.
        The range stays fixed while zooming, so colours compare across views.
    title : str, optional
        Put before the description of the view (values aggregated, block size) in the plot title.

    Returns
    -------
    holoviews.DynamicMap
        Its ``callback`` can be called with ``x_range``/``y_range`` to get the
        :class:`holoviews.Image` of a range; the first frame covers the whole matrix.
    """
    hv = require("holoviews", EXTRA, "zoomable rasters")
    require("holoviews.plotting.bokeh", EXTRA, "zoomable rasters")
    cells = (max_cells, max_cells) if isinstance(max_cells, int) else tuple(max_cells)
    if len(cells) != 2 or min(cells) < 1:
        raise VizkitError(f"max_cells must be a positive int or (rows, columns); got {max_cells!r}")
    if not isinstance(matrix, np.ndarray) and not is_lazy(matrix):
        matrix = np.asarray(matrix)
    if isinstance(matrix, np.ndarray):
        matrix = matrix if matrix.dtype.kind == "f" else matrix.astype(float)
    how = resolve_how(matrix, how)
    first = raster_in_range(matrix, max_cells=cells, how=how)
    ny, nx = first.rows[1], first.cols[1]
    if clim is None:
        finite = first.raster[np.isfinite(first.raster)]
        lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
        if how == "maxabs":
            top = max(abs(lo), abs(hi)) or 1.0
            clim = (-top, top)
        else:  # the block maxima hold the matrix's maximum; the bottom starts at 0 unless data goes below
            clim = (min(0.0, lo), hi if hi > min(0.0, lo) else min(0.0, lo) + 1.0)
    cmap = cmap or ("RdBu_r" if how == "maxabs" else "Blues")
    for given, n, what in ((x_labels, nx, "x_labels"), (y_labels, ny, "y_labels")):
        if given is not None and len(given) != n:
            raise VizkitError(f"{what} must label each of the {n} {'columns' if what == 'x_labels' else 'rows'}; got {len(given)} labels")
    kdims = [hv.Dimension("x", label=labels[0]), hv.Dimension("y", label=labels[1])]
    vdim = hv.Dimension("z", label=value_label)
    shown = {"view": first}  # the view on screen, read by the hover hook after each update
    hover = _HoverLabels(labels, value_label, x_labels, y_labels, (nx, ny), shown)

    def image(x_range=None, y_range=None):
        view = first if x_range is None and y_range is None else raster_in_range(matrix, x_range, y_range, max_cells=cells, how=how)
        shown["view"] = view
        name = view.describe() if title is None else f"{title}: {view.describe()}"
        # hv.Image rows run top to bottom; the view's first row is its lowest index, drawn on top (inverted y)
        with _bokeh_options(hv):
            return hv.Image(view.raster[::-1], bounds=view.bounds, kdims=kdims, vdims=[vdim]).opts(
                cmap=cmap, clim=clim, colorbar=True, clipping_colors={"NaN": "rgba(0,0,0,0)"}, tools=["hover"],
                invert_yaxis=True, title=name, width=width, height=height, framewise=False, hooks=[hover])

    stream = hv.streams.RangeXY(x_range=(-0.5, nx - 0.5), y_range=(-0.5, ny - 0.5))
    return hv.DynamicMap(image, streams=[stream])


_HOVER_JS = """
const n = count, f = factor, start = origin;
const k = Math.floor((value + 0.5 - start) / f), a = start + k * f, b = Math.min(n, a + f) - 1;
if (a < 0 || a >= n) return "";
if (a === b) return (labels.length ? labels[a] + " @" : "") + a;
return "positions " + a + "–" + b;
"""


class _HoverLabels:
    """A HoloViews plot hook: hover names the cell under the cursor (its label and position at full
    resolution, its range of positions for a block), following the view on screen after each zoom."""

    def __init__(self, names, value_label, x_labels, y_labels, sizes, shown):
        self.names, self.value_label, self.shown = names, value_label, shown
        self.count = {"x": sizes[0], "y": sizes[1]}
        self.labels = {"x": None if x_labels is None else [str(v) for v in x_labels],
                       "y": None if y_labels is None else [str(v) for v in y_labels]}
        self.formatters = {}

    def __call__(self, plot, element) -> None:
        from bokeh.models import CustomJSHover, HoverTool

        view = self.shown["view"]
        origin = {"x": view.cols[0], "y": view.rows[0]}
        factor = {"x": view.factors[1], "y": view.factors[0]}
        for axis in ("x", "y"):
            given = self.labels[axis]
            args = {"labels": given or [], "count": self.count[axis], "factor": factor[axis], "origin": origin[axis]}
            if axis in self.formatters:
                self.formatters[axis].args = args
            else:
                self.formatters[axis] = CustomJSHover(code=_HOVER_JS, args=args)
        for tool in plot.state.select({"type": HoverTool}):
            tool.tooltips = [(self.names[1], "$y{custom}"), (self.names[0], "$x{custom}"), (self.value_label, "@image{0.0000}")]
            tool.formatters = {"$x": self.formatters["x"], "$y": self.formatters["y"]}
