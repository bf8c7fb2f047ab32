"""Dataset scale: Dask/Zarr inputs, collection over a dataset, aggregation chunk by chunk.

Everything here is optional (``pip install 'vizkit[scale]'``: dask, distributed, zarr,
datashader) and loads only when used: importing this package imports none of them, and
:func:`is_lazy` answers from the object's type without importing anything.

Public names
    :func:`is_lazy`           is this a Dask array, a Dask-backed xarray, a Zarr array or a Zarr path?
    :func:`as_dask`           any of those as a labelled Dask-backed ``xarray.DataArray``
    :func:`hist_counts`       exact histogram counts on Dask (linear or log-spaced bins)
    :func:`density_counts`    exact 2-D point counts on Dask
    :func:`block_raster`      a tokens × neurons matrix reduced block by block (max, or signed max magnitude)
    :func:`collect`           run a model over token batches into a resumable Zarr store
    :func:`zoomable_density`  a HoloViews DynamicMap that re-bins a density on Dask at every zoom
    :func:`zoomable_raster`   a HoloViews DynamicMap that re-reduces a huge matrix (block max) at every zoom
    :func:`raster_in_range`   the cells of a matrix in a visible range, reduced to fit (what it draws)

The computations run on the active ``dask.distributed`` client when there is one, otherwise on
Dask's local threaded scheduler; only aggregates come back to this process. The figure specs
built from the aggregates live with the other figure functions (:mod:`vizkit.figures.lazy`:
``lazy_hist``, ``lazy_imshow``): ``vk.hist`` and ``vk.imshow`` hand lazy inputs to them.
"""

from __future__ import annotations

import importlib

from .inputs import is_lazy

_LAZY = {
    "as_dask": "vizkit.scale.inputs",
    "hist_counts": "vizkit.scale.aggregate",
    "density_counts": "vizkit.scale.aggregate",
    "block_raster": "vizkit.scale.aggregate",
    "HistCounts": "vizkit.scale.aggregate",
    "DensityCounts": "vizkit.scale.aggregate",
    "collect": "vizkit.scale.collect",
    "zoomable_density": "vizkit.scale.interactive",
    "zoomable_raster": "vizkit.scale.interactive",
    "raster_in_range": "vizkit.scale.interactive",
    "StoreMismatchError": "vizkit.scale.collect",
}

__all__ = ["is_lazy", *_LAZY]


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'vizkit.scale' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_LAZY))
