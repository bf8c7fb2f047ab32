"""Attention masks: the one causal-mask test the figure functions and the CircuitsVis backend share."""

from __future__ import annotations

import numpy as np

__all__ = ["CAUSAL_TOL", "upper_triangle", "is_causal"]

#: Values above the diagonal at most this large (in absolute value) count as "nothing".
CAUSAL_TOL = 1e-6


def upper_triangle(n_query: int, n_key: int) -> np.ndarray:
    """``[query, key]`` mask of the cells whose key comes after the query.

    With fewer queries than keys (generation with a KV cache) the queries are the last positions.
    """
    return np.triu(np.ones((n_query, n_key), dtype=bool), k=1 + n_key - n_query)


def is_causal(values, *, tol: float = CAUSAL_TOL) -> bool:
    """Whether every finite value above the diagonal of ``values`` (``[..., query, key]``) is within ``tol`` of 0.

    Missing values (NaN: a masked triangle) count as masked. A pattern with no cell above the
    diagonal (a single query on the last key) is not called causal.
    """
    values = np.asarray(values, dtype=float)
    n_query, n_key = values.shape[-2:]
    if n_query > n_key:  # more queries than keys is not self-attention over one prefix: nothing to call causal
        return False
    upper = upper_triangle(n_query, n_key)
    if not upper.any():
        return False
    above = values[..., upper]
    return bool(np.all(np.abs(above[np.isfinite(above)]) <= tol))
