"""Arrays inside the spec: always numpy, JSON-encoded as base64 typed arrays.

The encoding follows plotly's typed-array form (``{"dtype", "shape", "bdata"}``) so a spec's
JSON stays small and exact: floats travel as binary, never as decimal text.
"""

from __future__ import annotations

import base64
from typing import Any

import numpy as np

_DTYPES = {"f8", "f4", "i8", "i4", "i2", "i1", "u1", "u2", "u4", "u8", "b1"}


def as_array(value: Any, *, ndim: int | None = None, name: str = "array") -> np.ndarray:
    """A read-only numpy copy of ``value`` (floats as float64 unless already float32)."""
    from ..errors import ShapeError

    arr = np.asarray(value)
    if arr.dtype == object:
        arr = arr.astype(float)
    if arr.dtype.kind == "f" and arr.dtype not in (np.float32, np.float64):
        arr = arr.astype(np.float64)
    if arr.dtype.kind not in "fiub":
        raise ShapeError(f"{name} must be numeric; got dtype {arr.dtype}")
    if ndim is not None and arr.ndim != ndim:
        raise ShapeError(f"{name} must have {ndim} dimension(s); got shape {arr.shape}")
    arr = np.array(arr, copy=True)
    arr.setflags(write=False)
    return arr


def encode(arr: np.ndarray) -> dict:
    """``{"dtype": "f8", "shape": [..], "bdata": base64}`` (little-endian)."""
    arr = np.ascontiguousarray(arr)
    code = arr.dtype.str.lstrip("<>|=")
    if code not in _DTYPES:
        arr = arr.astype(np.float64)
        code = "f8"
    data = arr.astype(arr.dtype.newbyteorder("<"), copy=False).tobytes()
    return {"dtype": code, "shape": list(arr.shape), "bdata": base64.b64encode(data).decode("ascii")}


def decode(obj: dict) -> np.ndarray:
    arr = np.frombuffer(base64.b64decode(obj["bdata"]), dtype=np.dtype("<" + obj["dtype"]) if obj["dtype"] != "b1" else bool)
    arr = arr.reshape(obj["shape"]).copy()
    arr.setflags(write=False)
    return arr


def is_encoded(obj: Any) -> bool:
    return isinstance(obj, dict) and set(obj) == {"dtype", "shape", "bdata"}
