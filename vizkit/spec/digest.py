"""A cheap content hash of a spec: ids derived from what a figure shows, never from ``uuid4``.

Arrays are hashed as their raw bytes (with dtype and shape), the small fields as their ``repr``,
so hashing a large heatmap costs one pass over its bytes, not a JSON text of base64 floats.
"""

from __future__ import annotations

import dataclasses
import hashlib

import numpy as np

__all__ = ["content_digest"]


def _feed(h, value) -> None:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        h.update(type(value).__name__.encode())
        for f in dataclasses.fields(value):
            h.update(f.name.encode())
            _feed(h, getattr(value, f.name))
    elif isinstance(value, np.ndarray):
        arr = np.ascontiguousarray(value)
        h.update(f"array{arr.dtype.str}{arr.shape}".encode())
        h.update(arr.tobytes())
    elif isinstance(value, (list, tuple)):
        h.update(f"{type(value).__name__}{len(value)}(".encode())
        for v in value:
            _feed(h, v)
        h.update(b")")
    elif isinstance(value, dict):
        h.update(f"dict{len(value)}(".encode())
        for k in sorted(value, key=str):
            h.update(repr(str(k)).encode())
            _feed(h, value[k])
        h.update(b")")
    else:
        h.update(repr(value).encode("utf-8", "surrogatepass"))
        h.update(b";")


def content_digest(*values, length: int = 12) -> str:
    """A hex digest of ``values`` (spec nodes, arrays, plain data), ``length`` characters long.

    Equal content gives an equal digest in every process; any changed value, label or array byte
    changes it.
    """
    h = hashlib.sha1()
    for v in values:
        _feed(h, v)
    return h.hexdigest()[:length]
