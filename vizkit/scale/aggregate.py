"""Aggregates of Dask arrays, computed chunk by chunk: histogram counts, 2-D densities, block rasters.

Each function builds one small task per chunk (numpy on that chunk only) and sums or stacks the
per-chunk results, so memory per worker is a few chunks whatever the size of the data. The
work runs on the active ``dask.distributed`` client when there is one (Dask picks it up), else
on the local threaded scheduler; only the aggregates travel back.

Counts are exact: a chunk's values fall in the same bins as they would in one ``numpy.histogram``
/ ``numpy.histogram2d`` call over all the data (same edges, same right-edge rule), and the
per-chunk counts are integers summed exactly.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import ShapeError, VizkitError, require
from .inputs import EXTRA, as_dask, dask_array


@dataclass(frozen=True)
class HistCounts:
    """Histogram of every value of an array.

    Attributes
    ----------
    edges : numpy.ndarray
        ``nbins + 1`` bin edges (the last bin includes its right edge, as in numpy).
    counts : numpy.ndarray
        ``nbins`` int64 counts.
    n_values : int
        Values looked at (the array's size).
    n_nonfinite : int
        NaN and ±inf values, not counted.
    n_outside : int
        Finite values outside the bins (outside ``range``, or ≤ 0 for log-spaced bins).
    n_chunks : int
        Chunks aggregated.
    """

    edges: np.ndarray
    counts: np.ndarray
    n_values: int
    n_nonfinite: int
    n_outside: int
    n_chunks: int


@dataclass(frozen=True)
class DensityCounts:
    """2-D point counts: ``counts[i, j]`` points with ``x`` in x bin ``i`` and ``y`` in y bin ``j``
    (numpy's ``histogram2d`` layout)."""

    x_edges: np.ndarray
    y_edges: np.ndarray
    counts: np.ndarray
    n_points: int
    n_nonfinite: int
    n_outside: int
    n_chunks: int


def _compute(*collections):
    import dask

    return dask.compute(*collections)


def _blocks(arr) -> list:
    return list(arr.to_delayed().ravel())


def _finite_range(block: np.ndarray, positive: bool) -> np.ndarray:
    """``[min, max, n_nonfinite]`` of a block's finite (and, for ``positive``, > 0) values."""
    v = np.asarray(block, dtype=float).ravel()
    ok = np.isfinite(v)
    n_bad = v.size - int(np.count_nonzero(ok))
    if positive:
        ok &= v > 0
    kept = v[ok]
    if kept.size == 0:
        return np.array([np.inf, -np.inf, n_bad], dtype=float)
    return np.array([kept.min(), kept.max(), n_bad], dtype=float)


def _reduce_ranges(parts: list) -> tuple[float, float, int]:
    """Combine per-chunk ``[min, max, n_bad]`` rows into one."""
    import dask

    da = dask_array()
    stacked = da.stack([da.from_delayed(dask.delayed(p), shape=(3,), dtype=float) for p in parts])
    lo, hi, bad = _compute(stacked[:, 0].min(), stacked[:, 1].max(), stacked[:, 2].sum())
    return float(lo), float(hi), int(bad)


def _outer_edges(lo: float, hi: float) -> tuple[float, float]:
    """numpy's rule for a range of equal ends: widen by 0.5 either side."""
    if lo == hi:
        return lo - 0.5, hi + 0.5
    return lo, hi


def bin_index(values: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """The bin of each finite value inside ``[edges[0], edges[-1]]`` for equal-width ``edges``,
    exactly as ``numpy.histogram``/``histogramdd`` assign it (the last bin keeps its right edge).

    The index is computed arithmetically, then corrected against the edges themselves, so a
    value sitting on an edge lands where numpy puts it (numpy's own fast path does the same).
    """
    n = len(edges) - 1
    lo, hi = edges[0], edges[-1]
    idx = ((values - lo) * (n / (hi - lo))).astype(np.intp)
    np.clip(idx, 0, n - 1, out=idx)
    idx[values < edges[idx]] -= 1
    bump = (values >= edges[idx + 1]) & (idx != n - 1)
    idx[bump] += 1
    return idx


def _hist_block(block, nbins: int, lo: float, hi: float, edges) -> np.ndarray:
    """Counts of one chunk, then ``[n_nonfinite, n_outside]``.

    numpy leaves NaN and ±inf out of explicit bins by itself, so the chunk is not copied to
    drop them; they are only counted.
    """
    v = np.asarray(block).ravel()
    n_finite = int(np.count_nonzero(np.isfinite(v)))
    counts = np.histogram(v, bins=nbins, range=(lo, hi))[0] if edges is None else np.histogram(v, bins=edges)[0]
    return np.concatenate([counts.astype(np.int64), [v.size - n_finite, n_finite - int(counts.sum())]])


def hist_counts(values: Any, *, nbins: int = 50, range: tuple[float, float] | None = None, log_bins: bool = False) -> HistCounts:
    """Exact histogram counts of every value of ``values``, computed on Dask chunk by chunk.

    Parameters
    ----------
    values : dask.array.Array, Dask-backed xarray.DataArray, zarr.Array, Zarr path or array-like
        Any shape: every value is counted.
    nbins : int
        Number of bins: equal-width (numpy's edges) or, with ``log_bins``, equal in log10.
    range : (float, float), optional
        The bins' outer edges; default: the smallest and largest finite value (smallest
        positive with ``log_bins``), found in a first pass over the chunks.
    log_bins : bool
        Log-spaced bins (feature densities, firing frequencies); values ≤ 0 are counted in
        ``n_outside``.

    Returns
    -------
    HistCounts
    """
    if int(nbins) < 1:
        raise VizkitError(f"nbins must be at least 1; got {nbins}")
    import dask

    da = dask_array()
    arr = as_dask(values).data
    if arr.size == 0:
        from ..errors import EmptyDataError

        raise EmptyDataError("hist() got an empty array; expected values to count")
    blocks = _blocks(arr)
    if range is None:
        lo, hi, _ = _reduce_ranges([dask.delayed(_finite_range)(b, log_bins) for b in blocks])
        if not math.isfinite(lo):
            from ..errors import EmptyDataError

            raise EmptyDataError(f"hist() got no {'positive ' if log_bins else ''}finite values to count")
    else:
        lo, hi = (float(range[0]), float(range[1]))
        if not (math.isfinite(lo) and math.isfinite(hi)) or lo > hi:
            raise VizkitError(f"range must be two finite numbers, low ≤ high; got {range!r}")
    if log_bins:
        if lo <= 0:
            raise VizkitError(f"log-spaced bins need a positive range; got ({lo}, {hi}). Pass range=(low > 0, high)")
        lo, hi = (lo / 2, hi * 2) if lo == hi else (lo, hi)
        edges = np.geomspace(lo, hi, int(nbins) + 1)
        edges[0], edges[-1] = lo, hi
    else:
        lo, hi = _outer_edges(lo, hi)
        edges = None
    parts = [da.from_delayed(dask.delayed(_hist_block)(b, int(nbins), lo, hi, edges), shape=(int(nbins) + 2,), dtype=np.int64)
             for b in blocks]
    (total,) = _compute(da.stack(parts).sum(axis=0))
    if edges is None:
        edges = np.histogram_bin_edges(np.array([lo, hi]), bins=int(nbins), range=(lo, hi))
    return HistCounts(edges=edges, counts=np.asarray(total[:-2], dtype=np.int64), n_values=int(arr.size),
                      n_nonfinite=int(total[-2]), n_outside=int(total[-1]), n_chunks=len(blocks))


def _pair_range(xb, yb) -> np.ndarray:
    """``[xmin, xmax, ymin, ymax]`` of the points of a chunk whose x and y are both finite."""
    x = np.asarray(xb, dtype=float).ravel()
    y = np.asarray(yb, dtype=float).ravel()
    ok = np.isfinite(x) & np.isfinite(y)
    if not ok.any():
        return np.array([np.inf, -np.inf, np.inf, -np.inf])
    x, y = x[ok], y[ok]
    return np.array([x.min(), x.max(), y.min(), y.max()])


#: Points binned at a time inside a chunk, so the index temporaries stay small whatever the chunk size.
_SLICE = 1 << 20


def _density_block(xb, yb, x_edges, y_edges) -> np.ndarray:
    """Flattened ``nx × ny`` counts of one chunk, then ``[n_nonfinite, n_outside]``."""
    x_all = np.asarray(xb).ravel()
    y_all = np.asarray(yb).ravel()
    nx, ny = len(x_edges) - 1, len(y_edges) - 1
    counts = np.zeros(nx * ny, dtype=np.int64)
    n_bad = n_outside = 0
    for start in range(0, x_all.size, _SLICE):
        x = x_all[start:start + _SLICE].astype(float, copy=False)
        y = y_all[start:start + _SLICE].astype(float, copy=False)
        ok = np.isfinite(x) & np.isfinite(y)
        inside = ok & (x >= x_edges[0]) & (x <= x_edges[-1]) & (y >= y_edges[0]) & (y <= y_edges[-1])
        n_ok, n_in = int(np.count_nonzero(ok)), int(np.count_nonzero(inside))
        n_bad += x.size - n_ok
        n_outside += n_ok - n_in
        xi, yi = bin_index(x[inside], x_edges), bin_index(y[inside], y_edges)
        counts += np.bincount(xi * ny + yi, minlength=nx * ny)
    return np.concatenate([counts, [n_bad, n_outside]])


def density_counts(x: Any, y: Any, *, nbins: int | tuple[int, int] = 200,
                   range: tuple[tuple[float, float], tuple[float, float]] | None = None, engine: str = "numpy") -> DensityCounts:
    """Exact 2-D counts of the points ``(x[i], y[i])``, computed on Dask chunk by chunk.

    Parameters
    ----------
    x, y : Dask arrays, Dask-backed xarray, Zarr arrays or paths, or array-likes of one shape
        Coordinates of each point (any shape; paired element by element).
    nbins : int or (int, int)
        Bins along x and along y.
    range : ((xlo, xhi), (ylo, yhi)), optional
        Outer edges; default: the extent of the points whose x and y are both finite.
    engine : {"numpy", "datashader"}
        ``"numpy"`` bins each chunk with numpy's edge rule (exactly ``histogram2d``'s counts);
        ``"datashader"`` aggregates with ``datashader.Canvas.points`` over a Dask DataFrame
        (needs ``dask[dataframe]``; a point on an inner cell edge may fall on the other side).

    Returns
    -------
    DensityCounts
        ``counts`` as ``numpy.histogram2d(x, y, bins=nbins, range=range)[0]`` would give.
    """
    import dask

    da = dask_array()
    xa, ya = as_dask(x).data, as_dask(y).data
    if xa.shape != ya.shape:
        raise ShapeError(f"density needs x and y of the same shape; got {xa.shape} and {ya.shape}")
    if xa.size == 0:
        from ..errors import EmptyDataError

        raise EmptyDataError("density() got no points; x is empty")
    nx, ny = (nbins, nbins) if np.isscalar(nbins) else tuple(nbins)
    nx, ny = int(nx), int(ny)
    if nx < 1 or ny < 1:
        raise VizkitError(f"nbins must be at least 1 along each axis; got {nbins}")
    ya = ya.rechunk(xa.chunks)
    xb, yb = _blocks(xa), _blocks(ya)
    if range is None:
        parts = [da.from_delayed(dask.delayed(_pair_range)(a, b), shape=(4,), dtype=float) for a, b in zip(xb, yb, strict=True)]
        s = da.stack(parts)
        bounds = [float(v) for v in _compute(s[:, 0].min(), s[:, 1].max(), s[:, 2].min(), s[:, 3].max())]
        if not math.isfinite(bounds[0]):
            from ..errors import EmptyDataError

            raise EmptyDataError("density() got no point whose x and y are both finite")
        range = ((bounds[0], bounds[1]), (bounds[2], bounds[3]))
    (xlo, xhi), (ylo, yhi) = (_outer_edges(float(a), float(b)) for a, b in range)
    x_edges = np.linspace(xlo, xhi, nx + 1)
    y_edges = np.linspace(ylo, yhi, ny + 1)
    if engine == "datashader":
        return _datashader_counts(xa, ya, x_edges, y_edges)
    if engine != "numpy":
        raise VizkitError(f"engine must be 'numpy' or 'datashader'; got {engine!r}")
    parts = [da.from_delayed(dask.delayed(_density_block)(a, b, x_edges, y_edges), shape=(nx * ny + 2,), dtype=np.int64)
             for a, b in zip(xb, yb, strict=True)]
    (total,) = _compute(da.stack(parts).sum(axis=0))
    return DensityCounts(x_edges=x_edges, y_edges=y_edges, counts=np.asarray(total[:-2]).reshape(nx, ny),
                         n_points=int(xa.size), n_nonfinite=int(total[-2]), n_outside=int(total[-1]), n_chunks=len(xb))


def _datashader_counts(xa, ya, x_edges, y_edges) -> DensityCounts:
    """The same counts aggregated by datashader (``Canvas.points`` with ``count()``) on Dask."""
    ds = require("datashader", EXTRA, "density(engine='datashader')")
    dd = require("dask.dataframe", EXTRA, "density(engine='datashader')")
    da = dask_array()
    points = dd.from_dask_array(da.stack([xa.ravel(), ya.ravel()], axis=1).astype(float), columns=["x", "y"])
    canvas = ds.Canvas(plot_width=len(x_edges) - 1, plot_height=len(y_edges) - 1,
                       x_range=(x_edges[0], x_edges[-1]), y_range=(y_edges[0], y_edges[-1]))
    ok = da.isfinite(xa) & da.isfinite(ya)
    agg, n_ok = _compute(canvas.points(points, "x", "y", agg=ds.count()), ok.sum())
    counts = np.asarray(agg.values, dtype=np.int64).T  # datashader: [y, x]
    return DensityCounts(x_edges=x_edges, y_edges=y_edges, counts=counts, n_points=int(xa.size),
                         n_nonfinite=int(xa.size - n_ok), n_outside=int(n_ok - counts.sum()), n_chunks=int(xa.npartitions))


def _raster_block(block, fy: int, fx: int, how: str) -> np.ndarray:
    """One chunk reduced over ``fy × fx`` cells: max, min, mean, or the value of largest magnitude."""
    v = np.asarray(block, dtype=float)
    v = np.where(np.isfinite(v), v, np.nan)
    ny, nx = v.shape
    v = np.pad(v, ((0, -ny % fy), (0, -nx % fx)), constant_values=np.nan)
    rows, cols = v.shape[0] // fy, v.shape[1] // fx
    cells = v.reshape(rows, fy, cols, fx).transpose(0, 2, 1, 3).reshape(rows, cols, fy * fx)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN cells stay NaN (gaps)
        if how == "max":
            return np.nanmax(cells, axis=-1)
        if how == "min":
            return np.nanmin(cells, axis=-1)
        if how == "mean":
            return np.nanmean(cells, axis=-1)
    magnitude = np.where(np.isnan(cells), -1.0, np.abs(cells))
    pick = np.take_along_axis(cells, magnitude.argmax(axis=-1)[..., None], axis=-1)[..., 0]
    return pick


_HOWS = ("auto", "max", "maxabs", "min", "mean")


def block_raster(matrix: Any, *, shape: tuple[int, int] = (1000, 1000), how: str = "auto"):
    """A 2-D array reduced block by block to at most ``shape`` cells, on Dask.

    Parameters
    ----------
    matrix : 2-D Dask array, Dask-backed xarray, Zarr array or path, or array-like
        E.g. tokens × neurons activations.
    shape : (int, int)
        The largest raster wanted (rows, columns). A matrix that already fits is returned whole.
    how : {"auto", "max", "maxabs", "min", "mean"}
        The block reduction. ``"auto"``: the maximum for non-negative data, the value of largest
        magnitude with its sign (``"maxabs"``) for signed data, so no spike is averaged away.
        ``"mean"`` only when asked.

    Returns
    -------
    raster : numpy.ndarray
        ``ceil(rows / fy) × ceil(cols / fx)`` reduced values (NaN where a block holds no finite value).
    factors : (int, int)
        Rows and columns per block ``(fy, fx)``.
    info : dict
        ``n_values`` (cells of the input), ``n_nonfinite``, ``how`` (the reduction used),
        ``n_chunks``, ``source_shape``.
    """
    if how not in _HOWS:
        raise VizkitError(f"how must be one of {_HOWS}; got {how!r}")
    arr = as_dask(matrix).data
    if arr.ndim != 2:
        raise ShapeError(f"a raster needs a 2-D matrix; got shape {arr.shape}. Select a slice first (e.g. .isel(layer=0))")
    ny, nx = arr.shape
    fy, fx = max(1, math.ceil(ny / shape[0])), max(1, math.ceil(nx / shape[1]))
    da = dask_array()
    finite = da.isfinite(arr)
    n_bad_task = arr.size - finite.sum()
    if how == "auto":
        lo_task = da.where(finite, arr, np.inf).min()
        lo, n_bad = _compute(lo_task, n_bad_task)
        how = "maxabs" if float(lo) < 0 else "max"
    else:
        (n_bad,) = _compute(n_bad_task)
    if fy == fx == 1:
        (raster,) = _compute(da.where(finite, arr, np.nan).astype(float))
    else:
        cy = fy * max(1, round(arr.chunks[0][0] / fy))
        cx = fx * max(1, round(arr.chunks[1][0] / fx))
        aligned = arr.rechunk((cy, cx))
        out_chunks = tuple(tuple(math.ceil(c / f) for c in chunks) for chunks, f in zip(aligned.chunks, (fy, fx), strict=True))
        reduced = aligned.map_blocks(_raster_block, fy, fx, how, chunks=out_chunks, dtype=float)
        (raster,) = _compute(reduced)
    info = {"n_values": int(arr.size), "n_nonfinite": int(n_bad), "how": how, "n_chunks": int(arr.npartitions),
            "source_shape": (ny, nx)}
    return np.asarray(raster, dtype=float), (fy, fx), info
