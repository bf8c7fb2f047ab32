"""The spec's shared machinery: frozen dataclass nodes, equality by value, and the JSON codec.

Every spec class is a frozen dataclass registered with :func:`_spec`; ``to_dict`` encodes arrays as
base64 typed arrays (:mod:`.arrays`) and non-finite floats as ``{"float": "nan"}``, and
:func:`_decode` rebuilds the registered classes, so a spec survives a JSON round trip exactly.
"""

from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from ..errors import LabelError
from . import arrays

_SPEC_TYPES: dict[str, type] = {}


def _spec(cls):
    """Register a spec dataclass for the JSON round trip."""
    cls = dataclass(frozen=True, eq=False)(cls)
    _SPEC_TYPES[cls.__name__] = cls
    return cls


class _Node:
    """Shared behaviour: tuple normalisation, JSON encoding, equality by value."""

    _arrays: ClassVar[tuple[str, ...]] = ()
    _tuples: ClassVar[tuple[str, ...]] = ()

    def _set(self, name: str, value: Any) -> None:
        object.__setattr__(self, name, value)

    def _normalise(self) -> None:
        for name in self._tuples:
            value = getattr(self, name)
            if value is not None and not isinstance(value, tuple):
                self._set(name, tuple(value))

    def to_dict(self) -> dict:
        """Plain JSON-ready data (arrays as base64 with dtype and shape); ``from_dict`` rebuilds an equal spec."""
        out: dict[str, Any] = {"type": type(self).__name__}
        for f in dataclasses.fields(self):
            out[f.name] = _encode(getattr(self, f.name))
        return out

    def replace(self, **changes):
        """A copy with ``changes`` applied (the spec is frozen)."""
        return dataclasses.replace(self, **changes)

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and self.to_dict() == other.to_dict()  # type: ignore[union-attr]

    def __hash__(self) -> int:
        return hash(json.dumps(self.to_dict(), sort_keys=True))


def _encode(value: Any) -> Any:
    if isinstance(value, _Node):
        return value.to_dict()
    if isinstance(value, np.ndarray):
        return arrays.encode(value)
    if isinstance(value, (list, tuple)):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _encode(v) for k, v in value.items()}
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return {"float": repr(value)}
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if arrays.is_encoded(value):
            return arrays.decode(value)
        if set(value) == {"float"}:
            return float(value["float"])
        if "type" in value and value["type"] in _SPEC_TYPES:
            cls = _SPEC_TYPES[value["type"]]
            kwargs = {k: _decode(v) for k, v in value.items() if k != "type"}
            return cls(**kwargs)
        return {k: _decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return tuple(_decode(v) for v in value)
    return value


def _labels(values, n: int | None, what: str) -> tuple[str, ...] | None:
    if values is None:
        return None
    out = tuple(str(v) for v in values)
    if n is not None and len(out) != n:
        raise LabelError(f"{what} has {len(out)} labels but the data has {n} entries along that axis")
    return out
