"""Recognise Dask, Dask-backed xarray and Zarr inputs, and turn them into labelled Dask arrays.

:func:`is_lazy` decides from the object's type (and, for a path, from the files on disk)
without importing dask or zarr, so figure functions can call it on every input at no cost.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..errors import DimensionError, UnsupportedInputError, describe, require

#: The pip extra that installs what this package needs.
EXTRA = "scale"


def _module(obj: Any) -> str:
    return type(obj).__module__ or ""


def is_zarr_path(obj: Any) -> bool:
    """Whether ``obj`` is a ``str``/``PathLike`` naming a Zarr store or array on disk (v2 or v3)."""
    if not isinstance(obj, (str, os.PathLike)):
        return False
    path = Path(obj)
    return path.is_dir() and any((path / marker).exists() for marker in ("zarr.json", ".zarray", ".zgroup"))


def is_lazy(obj: Any) -> bool:
    """Whether ``obj`` should be aggregated on Dask rather than loaded into memory.

    True for a ``dask.array.Array``, an ``xarray.DataArray`` backed by one, a ``zarr.Array``, and a
    path to a Zarr store or array. Imports nothing.
    """
    mod = _module(obj)
    if mod.startswith("dask.array"):
        return True
    if mod.startswith("xarray.") and type(obj).__name__ == "DataArray":
        return _module(obj.data).startswith("dask.array")
    if mod.startswith("zarr.") and type(obj).__name__ == "Array":
        return True
    return is_zarr_path(obj)


def dask_array():
    """The ``dask.array`` module, or a MissingDependencyError naming the ``scale`` extra."""
    return require("dask.array", EXTRA, "aggregating Dask or Zarr data")


def _open_zarr(path: str | os.PathLike):
    zarr = require("zarr", EXTRA, "reading a Zarr store")
    node = zarr.open(str(path), mode="r")
    if isinstance(node, zarr.Array):
        return node
    names = sorted(name for name, _ in node.arrays())
    if len(names) != 1:
        raise UnsupportedInputError(
            f"the Zarr store {str(path)!r} holds {len(names)} arrays ({', '.join(names) or 'none'}); expected one. "
            f"Name the array in the path, e.g. {str(Path(path) / (names[0] if names else 'name'))!r}")
    return node[names[0]]


def as_dask(obj: Any, dims: Sequence[str] | None = None, *, chunks: Any = "auto"):
    """``obj`` as an ``xarray.DataArray`` backed by a Dask array (nothing is computed).

    Parameters
    ----------
    obj : dask.array.Array, xarray.DataArray, zarr.Array, path to a Zarr array or store, or array-like
        A store with one array is read as that array; in-memory data is wrapped in one Dask chunk
        per ``chunks``.
    dims : sequence of str, optional
        Dim names; default: the xarray's own, the ``dims`` attribute :func:`vizkit.scale.collect`
        writes into each Zarr array, else ``dim_0, dim_1 ...``.
    chunks : optional
        Chunking for in-memory input (``dask.array.from_array``'s ``chunks``).

    Raises
    ------
    DimensionError
        ``dims`` does not name every axis.
    UnsupportedInputError
        A Zarr store holds several arrays, or ``obj`` is not array-like.
    """
    xr = require("xarray", EXTRA, "labelled Dask arrays")
    da = dask_array()
    if isinstance(obj, xr.DataArray):
        out = obj if _module(obj.data).startswith("dask.array") else obj.chunk(chunks)
        return out if dims is None else out.rename(dict(zip(out.dims, _check_dims(dims, out.ndim), strict=True)))
    name = None
    if isinstance(obj, (str, os.PathLike)):
        if not is_zarr_path(obj):
            raise UnsupportedInputError(f"expected a path to a Zarr store or array; {str(obj)!r} is not one")
        obj = _open_zarr(obj)
    if _module(obj).startswith("zarr."):
        stored = obj.attrs.get("dims")
        dims = dims if dims is not None else (tuple(stored) if stored else None)
        name = obj.attrs.get("hook") or (obj.basename if hasattr(obj, "basename") else None)
        arr = da.from_zarr(obj)
    elif _module(obj).startswith("dask.array"):
        arr = obj
    elif hasattr(obj, "shape") and hasattr(obj, "dtype"):
        arr = da.from_array(obj, chunks=chunks)
    else:
        raise UnsupportedInputError(f"expected a Dask array, a Dask-backed xarray, a Zarr array or path, or an array; got {describe(obj)}")
    dims = _check_dims(dims, arr.ndim) if dims is not None else tuple(f"dim_{i}" for i in range(arr.ndim))
    return xr.DataArray(arr, dims=dims, name=name)


def _check_dims(dims: Sequence[str], ndim: int) -> tuple[str, ...]:
    dims = (dims,) if isinstance(dims, str) else tuple(dims)
    if len(dims) != ndim:
        raise DimensionError(f"dims names {len(dims)} axes {dims}, but the data has {ndim}")
    return dims
