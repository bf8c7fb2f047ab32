"""Attention patterns for tests: causal softmax of random logits, deterministic by seed."""

from __future__ import annotations

import numpy as np


def causal_softmax(layers: int, heads: int, n: int, seed: int = 0, temp: float = 2.0) -> np.ndarray:
    """``[layers, heads, n, n]`` float32 rows summing to 1, zero above the diagonal; ``temp`` scales the logits."""
    rng = np.random.default_rng(seed)
    logits = rng.normal(size=(layers, heads, n, n)).astype(np.float32) * np.float32(temp)
    logits[..., np.triu(np.ones((n, n), dtype=bool), 1)] = -np.inf
    p = np.exp(logits - logits.max(-1, keepdims=True))
    return (p / p.sum(-1, keepdims=True)).astype(np.float32)
