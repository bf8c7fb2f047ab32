"""What CircuitsVis calls receive in real notebooks, read the way CircuitsVis reads it.

- tokens: ``model.to_str_tokens(...)`` (a list of str), but also token ids (a list of int, or a
  tensor/array of them): CircuitsVis serialises whatever it gets to JSON, so every token becomes
  its ``str`` here (a tensor of ids gives ``"464"``, never ``"tensor(464)"``);
- errors: where CircuitsVis' Python asserts (``assert activations.ndim == 3``), a notebook may
  ``except AssertionError``: :class:`CircuitsVisInputError` is a :class:`vizkit.errors.ShapeError`
  (a clear message) that is also an ``AssertionError``.
"""

from __future__ import annotations

import numpy as np

from ...errors import ShapeError
from .._keywords import to_numpy

__all__ = ["CircuitsVisInputError", "str_tokens", "is_str_list", "numeric"]


class CircuitsVisInputError(ShapeError, AssertionError):
    """Input CircuitsVis rejects with a failed ``assert``: a :class:`~vizkit.errors.ShapeError` that is an ``AssertionError`` too."""


def str_tokens(tokens, name: str = "tokens") -> list[str]:
    """``tokens`` (list of str or ids, tensor or array of ids) as a list of str."""
    if isinstance(tokens, str):
        raise ShapeError(f"{name} must be a list of token strings (model.to_str_tokens(text)); got the single string {tokens!r}")
    if hasattr(tokens, "tolist") and not isinstance(tokens, (list, tuple)):  # a tensor or array of token ids
        tokens = np.asarray(to_numpy(tokens)).tolist()
        if not isinstance(tokens, list):
            tokens = [tokens]
    return [_one(t) for t in tokens]


def _one(token) -> str:
    if isinstance(token, str):
        return token
    if hasattr(token, "item") and getattr(token, "ndim", 1) == 0:  # a 0-d tensor or numpy scalar
        token = token.item()
    return str(token)


def is_str_list(value) -> bool:
    """Whether ``value`` is a flat list of tokens (its first item a str), as CircuitsVis' ``typeof tokens[0] === "string"``."""
    return isinstance(value, (list, tuple)) and len(value) > 0 and isinstance(value[0], str)


def numeric(value) -> np.ndarray:
    """``value`` (tensor of any dtype and device, array, nested lists) as a float array."""
    return np.asarray(to_numpy(value), dtype=float)
