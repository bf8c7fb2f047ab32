"""Adapters: whatever the user holds → :class:`xarray.DataArray` with named dims.

numpy arrays, torch tensors (any dtype or device), xarray objects, pandas Series/DataFrames
and nested lists go through :func:`to_dataarray`. TransformerLens caches go through
:mod:`vizkit.adapters.transformer_lens`. Torch, pandas and TransformerLens are never imported
here unless the user already imported them (``sys.modules``).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..errors import DimensionError, EmptyDataError, LabelError, ShapeError, UnsupportedInputError, describe
from . import _xarray

__all__ = ["to_dataarray", "to_numpy", "with_coord"]


def to_numpy(obj: Any) -> np.ndarray:
    """A numpy view or copy of an array-like (torch tensors detached and moved to CPU)."""
    from . import torch as _torch

    if _torch.is_tensor(obj):
        return _torch.to_numpy(obj)
    xr = sys.modules.get("xarray")
    if xr is not None and isinstance(obj, xr.DataArray):
        return np.asarray(obj.values)
    pd = sys.modules.get("pandas")
    if pd is not None and isinstance(obj, (pd.Series, pd.DataFrame)):
        return obj.to_numpy()
    if isinstance(obj, np.ndarray):
        return obj
    if isinstance(obj, (list, tuple)):
        if obj and any(_is_arraylike(v) for v in obj):
            parts = [to_numpy(v) for v in obj]
            shapes = {p.shape for p in parts}
            if len(shapes) > 1:
                raise ShapeError(f"cannot stack a list of arrays with different shapes: {sorted(shapes)}")
            return np.stack(parts)
        try:
            arr = np.asarray(obj, dtype=float)
        except (ValueError, TypeError) as exc:
            raise UnsupportedInputError(
                f"expected a rectangular list of numbers; got {describe(obj)} that numpy cannot read ({exc})"
            ) from None
        return arr
    if np.isscalar(obj) and isinstance(obj, (int, float, np.number)):
        return np.asarray(obj)
    raise UnsupportedInputError(
        f"expected a numpy array, torch tensor, xarray.DataArray, pandas object or list of numbers; got {describe(obj)}"
    )


def _is_arraylike(v: Any) -> bool:
    from . import torch as _torch

    return isinstance(v, np.ndarray) or _torch.is_tensor(v)


def to_dataarray(
    obj: Any,
    dims: Sequence[str] | None = None,
    coords: dict[str, Sequence] | None = None,
    *,
    name: str | None = None,
    allow_empty: bool = False,
):
    """``obj`` as a DataArray with ``dims`` (default: kept from xarray/pandas, else ``dim_0 ...``).

    ``coords`` maps dim names to labels (token strings, head names); a label list whose length
    does not match its dim raises :class:`LabelError`.
    """
    xr = _xarray.xarray()

    if isinstance(obj, xr.DataArray):
        da = obj
        if dims is not None:
            dims = tuple(dims)
            if len(dims) != da.ndim:
                raise DimensionError(f"got {len(dims)} dim names {dims} for data with dims {da.dims} (rank {da.ndim})")
            da = da.rename(dict(zip(da.dims, dims, strict=True)))
    else:
        pd = sys.modules.get("pandas")
        if pd is not None and isinstance(obj, pd.DataFrame):
            da = xr.DataArray(
                obj.to_numpy(dtype=float),
                dims=(obj.index.name or "row", obj.columns.name or "column"),
                coords={(obj.index.name or "row"): [str(i) for i in obj.index], (obj.columns.name or "column"): [str(c) for c in obj.columns]},
            )
            if dims is not None:
                return to_dataarray(da, dims, coords, name=name, allow_empty=allow_empty)
        elif pd is not None and isinstance(obj, pd.Series):
            idx = obj.index.name or "index"
            da = xr.DataArray(obj.to_numpy(dtype=float), dims=(idx,), coords={idx: list(obj.index)})
            if dims is not None:
                return to_dataarray(da, dims, coords, name=name, allow_empty=allow_empty)
        else:
            arr = to_numpy(obj)
            if dims is None:
                dims = tuple(f"dim_{i}" for i in range(arr.ndim))
            dims = tuple(dims)
            if len(dims) != arr.ndim:
                raise ShapeError(
                    f"got {len(dims)} dim names {dims} for data of shape {arr.shape} (rank {arr.ndim}); "
                    f"give one name per axis"
                )
            if len(set(dims)) != len(dims):
                raise DimensionError(f"dim names must be distinct; got {dims}")
            da = xr.DataArray(arr, dims=dims)
    if da.size == 0 and not allow_empty:
        raise EmptyDataError(f"expected data with at least one value; got an empty array of shape {da.shape} (dims {da.dims})")
    if coords:
        for dim, labels in coords.items():
            if labels is None:
                continue
            da = with_coord(da, dim, labels)
    if name is not None:
        da = da.rename(name)
    return da


def with_coord(da, dim: str, labels: Sequence, *, what: str | None = None):
    """``da`` with ``labels`` as the coordinate of ``dim`` (checked against its length)."""
    if dim not in da.dims:
        raise DimensionError(f"cannot label dim {dim!r}: the data has dims {tuple(da.dims)}")
    labels = list(to_numpy(labels)) if _is_arraylike(labels) else list(labels)
    if len(labels) != da.sizes[dim]:
        raise LabelError(
            f"{what or 'labels for ' + repr(dim)}: got {len(labels)} labels but dim {dim!r} has length {da.sizes[dim]}"
        )
    if any(isinstance(v, str) and v.endswith("\x00") for v in labels):
        # numpy's str dtype drops trailing NULs ('a\x00' → 'a', '\x00' → ''): keep them as objects. xarray turns an
        # object array into UTF-8 strings, which cannot hold a lone surrogate: show those as ⟨U+D800⟩, as the plot will.
        import re

        import numpy as np

        labels = np.array([re.sub("[\ud800-\udfff]", lambda m: f"⟨U+{ord(m.group()):04X}⟩", v) if isinstance(v, str) else v
                           for v in labels], dtype=object)
    return da.assign_coords({dim: labels})
