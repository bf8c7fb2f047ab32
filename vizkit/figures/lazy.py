"""Figure specs of Dask and Zarr data: only the aggregate (bins, raster) enters the spec.

``vk.hist`` and ``vk.imshow`` hand lazy input (see :func:`vizkit.scale.is_lazy`) to
:func:`lazy_hist` and :func:`lazy_imshow`; every backend then draws a plain Bar or Heatmap mark.
Each figure's notes say how many values were aggregated, so a reader knows the figure stands
for the whole dataset.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..errors import LabelError, ShapeError
from ..scale.aggregate import block_raster, hist_counts
from ..scale.inputs import as_dask
from ..spec import Axis, Bar, Heatmap, Panel
from ..spec.colors import CATEGORICAL
from . import _common as c


def counted_note(n_counted: int, n_values: int, n_chunks: int, what: str = "values") -> str:
    """``"1,000,000 values aggregated (in 20 chunks on Dask)"``, saying how many were left out."""
    head = f"{n_counted:,} {what} aggregated" if n_counted == n_values else f"{n_counted:,} of {n_values:,} {what} aggregated"
    return f"{head} (in {n_chunks} chunk{'s' if n_chunks != 1 else ''} on Dask)"


def left_out_notes(n_nonfinite: int, n_outside: int, outside_what: str = "outside the bins") -> list[str]:
    notes = []
    if n_nonfinite:
        notes.append(f"{n_nonfinite:,} NaN/inf value{'s' if n_nonfinite != 1 else ''} left out")
    if n_outside:
        notes.append(f"{n_outside:,} value{'s' if n_outside != 1 else ''} {outside_what} left out")
    return notes


def lazy_hist(
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
    """A histogram of every value of Dask or Zarr data, counted on Dask (exact counts).

    Parameters
    ----------
    values : dask.array.Array, Dask-backed xarray.DataArray, zarr.Array or Zarr path
        Any shape; every finite value is counted.
    nbins, range : optional
        As in ``vk.hist``: ``nbins`` bins over ``range`` (default: the finite extent).
    log_x : bool
        Log-spaced bins on a log x axis (feature densities, firing frequencies); values ≤ 0 are
        left out and counted in a note.
    log_y : bool
        Log-scaled counts.
    density : bool
        Normalise to unit area.
    """
    h = hist_counts(values, nbins=nbins, range=range, log_bins=log_x)
    counted = int(h.counts.sum())
    widths = np.diff(h.edges)
    heights = h.counts / (counted * widths) if density and counted else h.counts.astype(float)
    centres = np.sqrt(h.edges[:-1] * h.edges[1:]) if log_x else (h.edges[:-1] + h.edges[1:]) / 2
    mark = Bar(x=centres, y=heights, widths=widths, color=CATEGORICAL[0], legend=False)
    name = getattr(values, "name", None)
    panel = Panel(marks=(mark,), x=Axis(c.label_for(labels, "x", default=name if isinstance(name, str) else "value"), log=log_x),
                  y=Axis(c.label_for(labels, "y", default="density" if density else "count"), log=log_y))
    notes = [counted_note(counted, h.n_values, h.n_chunks),
             *left_out_notes(h.n_nonfinite, h.n_outside, "≤ 0 (log bins)" if log_x and range is None else "outside the range")]
    if log_y and (h.counts == 0).any():
        notes.append(f"{int((h.counts == 0).sum())} empty bin(s) not drawn on the log count axis")
    return c.figure("hist", [panel], title=title, width=width, height=height, theme=theme, backend=backend, notes=notes)


def _block_labels(n: int, factor: int, coord: Sequence | None) -> list[str]:
    """``"0–63"`` per block of ``factor`` indices, or the coordinate label itself when ``factor`` is 1."""
    labels = []
    for start in range(0, n, factor):
        stop = min(n, start + factor) - 1
        if coord is not None and factor == 1:
            labels.append(c.visible_token(str(coord[start])))
        else:
            labels.append(str(start) if stop == start else f"{start}–{stop}")
    return labels


def lazy_imshow(
    data: Any,
    dims: Sequence[str] | None = None,
    *,
    x: Sequence | None = None,
    y: Sequence | None = None,
    how: str = "auto",
    max_cells: tuple[int, int] = (1000, 1000),
    labels: dict | None = None,
    title: str | None = None,
    zmin: float | None = None,
    zmax: float | None = None,
    zmid: float | None = None,
    colorscale: str | None = None,
    width: int | None = None,
    height: int | None = None,
    backend: str | None = None,
    theme: str | None = None,
):
    """A heatmap of a huge 2-D Dask or Zarr matrix (e.g. tokens × neurons), reduced block by block.

    Parameters
    ----------
    data : 2-D dask.array.Array, Dask-backed xarray.DataArray, zarr.Array or Zarr path
    dims : sequence of str, optional
        Names of (rows, columns); default: the data's own.
    x, y : sequence, optional
        Labels of every column / row (e.g. token strings); used when a block is one cell.
    how : {"auto", "max", "maxabs", "min", "mean"}
        The block reduction (see :func:`vizkit.scale.block_raster`): by default the block
        maximum, or the largest magnitude with its sign for signed data; never a mean unless asked.
    max_cells : (int, int)
        The largest raster (rows, columns) put in the spec.
    """
    arr = as_dask(data, dims)
    if arr.ndim != 2:
        raise ShapeError(f"imshow draws 2-D data; got dims {tuple(arr.dims)} (shape {arr.shape}). Select a slice first")
    y_dim, x_dim = arr.dims
    for given, dim in ((x, x_dim), (y, y_dim)):
        if given is not None and len(given) != arr.sizes[dim]:
            raise LabelError(f"got {len(given)} labels for the {arr.sizes[dim]} entries of {dim!r}")
    raster, (fy, fx), info = block_raster(arr, shape=max_cells, how=how)
    xl = _block_labels(arr.sizes[x_dim], fx, x)
    yl = _block_labels(arr.sizes[y_dim], fy, y)
    name = arr.name if isinstance(arr.name, str) else None
    scale = c.colorscale(raster, colorscale=colorscale, zmin=zmin, zmax=zmax, zmid=zmid, title=c.label_for(labels, "color", default=name))
    x_title = c.label_for(labels, "x", x_dim, default=None if x_dim.startswith("dim_") else x_dim)
    y_title = c.label_for(labels, "y", y_dim, default=None if y_dim.startswith("dim_") else y_dim)
    mark = Heatmap(z=raster, colorscale=scale, x_labels=xl, y_labels=yl, x_title=x_title, y_title=y_title,
                   value_label=scale.title or "value")
    panel = Panel(marks=(mark,), x=Axis(x_title, labels=xl), y=Axis(y_title, labels=yl, reversed=True))
    reduction = {"max": "block maximum", "maxabs": "largest magnitude with its sign", "min": "block minimum", "mean": "block mean"}
    notes = [counted_note(info["n_values"] - info["n_nonfinite"], info["n_values"], info["n_chunks"])]
    if (fy, fx) != (1, 1):
        ny, nx = info["source_shape"]
        notes.append(f"downsampled from {ny:,}×{nx:,} to {raster.shape[0]}×{raster.shape[1]} cells "
                     f"({reduction[info['how']]} of {fy}×{fx} blocks)")
    notes += left_out_notes(info["n_nonfinite"], 0)
    return c.figure("imshow", [panel], title=title, width=width, height=height, theme=theme, backend=backend, notes=notes)
