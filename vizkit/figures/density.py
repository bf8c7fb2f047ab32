"""2-D point density: ``density(x, y)`` counts points per cell of a grid and draws the counts.

In-memory input is counted with ``numpy.histogram2d`` (exact, no Dask needed). Dask arrays,
Dask-backed xarray and Zarr arrays or paths are counted on Dask chunk by chunk
(:func:`vizkit.scale.density_counts`, same counts as numpy would give), so any number of points
becomes one small Heatmap that every backend draws.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..adapters import to_numpy
from ..errors import EmptyDataError, ShapeError, VizkitError
from ..spec import Axis, Heatmap, Panel
from ..spec.colors import DEFAULT_SEQUENTIAL
from . import _common as c


def bin_labels(edges: np.ndarray) -> list[str]:
    """Bin centres as short numbers, with just enough digits that no two bins share a label."""
    centres = (edges[:-1] + edges[1:]) / 2
    for digits in range(3, 17):
        labels = [f"{v:.{digits}g}" for v in centres]
        if len(set(labels)) == len(labels):
            return labels
    return [repr(float(v)) for v in centres]


def _in_memory_counts(x, y, nbins, range):
    xs = c.numeric(to_numpy(x), "density x").ravel()
    ys = c.numeric(to_numpy(y), "density y").ravel()
    if xs.shape != ys.shape:
        raise ShapeError(f"density needs x and y of the same length; got {xs.size} and {ys.size}")
    if xs.size == 0:
        raise EmptyDataError("density() got no points; x is empty")
    ok = np.isfinite(xs) & np.isfinite(ys)
    if not ok.any():
        raise EmptyDataError("density() got no point whose x and y are both finite")
    xf, yf = xs[ok], ys[ok]
    counts, x_edges, y_edges = np.histogram2d(xf, yf, bins=nbins, range=range)
    counted = int(counts.sum())
    return counts.astype(np.int64), x_edges, y_edges, {"n_points": int(xs.size), "n_nonfinite": int(xs.size - xf.size),
                                                       "n_outside": int(xf.size - counted), "n_chunks": None}


def density(
    x: Any,
    y: Any,
    *,
    nbins: int | tuple[int, int] = 200,
    range: tuple[tuple[float, float], tuple[float, float]] | None = None,
    log_color: bool = True,
    colorscale: str | None = None,
    labels: dict | None = None,
    title: str | None = None,
    width: int | None = None,
    height: int | None = None,
    backend: str | None = None,
    theme: str | None = None,
):
    """The density of the points ``(x[i], y[i])``: how many fall in each cell of an ``nbins`` grid.

    Parameters
    ----------
    x, y : array-like, torch.Tensor, dask.array.Array, Dask-backed xarray.DataArray, zarr.Array or Zarr path
        Point coordinates, paired element by element (any shape, same for both). Dask and Zarr
        input is counted on Dask, chunk by chunk, on the active ``dask.distributed`` client if any.
    nbins : int or (int, int)
        Cells along x and along y.
    range : ((xlo, xhi), (ylo, yhi)), optional
        The grid's extent; default: the extent of the points whose x and y are both finite.
        Points outside are left out and counted in a note.
    log_color : bool
        Colour by log₁₀ of the count (the default: densities span decades), else by the count.
        Empty cells are left blank either way.
    colorscale : str, optional
        A sequential scale name (default: the theme's sequential scale).
    labels : dict, optional
        Titles by role: ``"x"``, ``"y"``, ``"color"``.
    title : str, optional
        Figure title.
    width, height : int, optional
        Size in CSS pixels.
    backend, theme : str, optional
        Per-call backend and theme.

    Returns
    -------
    vizkit.Figure
        One Heatmap (rows: y bins, bottom to top; columns: x bins); its notes say how many
        points were aggregated and how many were left out.
    """
    if isinstance(nbins, bool) or not (np.isscalar(nbins) or len(nbins) == 2):
        raise VizkitError(f"nbins must be an int or a pair (nx, ny); got {nbins!r}")
    from ..scale import is_lazy

    if is_lazy(x) or is_lazy(y):
        from ..scale.aggregate import density_counts

        d = density_counts(x, y, nbins=nbins, range=range)
        counts, x_edges, y_edges = d.counts, d.x_edges, d.y_edges
        info = {"n_points": d.n_points, "n_nonfinite": d.n_nonfinite, "n_outside": d.n_outside, "n_chunks": d.n_chunks}
    else:
        counts, x_edges, y_edges, info = _in_memory_counts(x, y, nbins, range)
    z = counts.T.astype(float)  # rows are y bins
    z[z == 0] = np.nan  # an empty cell is blank, not the lowest colour
    if log_color:
        z = np.log10(z)
    color_title = c.label_for(labels, "color", default="log₁₀ count" if log_color else "count")
    # a cell holding one point gets a visible colour, not the scale's blank-looking lowest end
    lowest = np.log10(0.5) if log_color else 0.0
    scale = c.colorscale(z, colorscale=colorscale or DEFAULT_SEQUENTIAL, title=color_title, diverging=False, zmin=lowest)
    xl, yl = bin_labels(x_edges), bin_labels(y_edges)
    x_title, y_title = c.label_for(labels, "x", default="x"), c.label_for(labels, "y", default="y")
    mark = Heatmap(z=z, colorscale=scale, x_labels=xl, y_labels=yl, x_title=x_title, y_title=y_title, value_label=color_title)
    panel = Panel(marks=(mark,), x=Axis(x_title, labels=xl), y=Axis(y_title, labels=yl))
    counted = int(counts.sum())
    where = f" (in {info['n_chunks']} chunk{'s' if info['n_chunks'] != 1 else ''} on Dask)" if info["n_chunks"] else ""
    notes = [f"{counted:,} of {info['n_points']:,} points aggregated{where}" if counted != info["n_points"]
             else f"{counted:,} points aggregated{where}"]
    if info["n_nonfinite"]:
        notes.append(f"{info['n_nonfinite']:,} points with a NaN/inf coordinate left out")
    if info["n_outside"]:
        notes.append(f"{info['n_outside']:,} points outside the range left out")
    notes.append("empty cells are blank" + ("; colour is log₁₀ of the count" if log_color else ""))
    return c.figure("density", [panel], title=title, width=width, height=height, theme=theme, backend=backend, notes=notes)
