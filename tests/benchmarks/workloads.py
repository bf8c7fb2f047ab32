"""The benchmark's workloads: causal softmax attention patterns that look like a real model's.

Each head mixes the patterns a researcher meets in a real transformer — attention to the first
(BOS) token, previous-token heads, induction-like heads attending one period back, and diffuse
heads at varied temperatures — and every head carries planted one-cell spikes (a query putting
almost all of its weight on one earlier key), so a view that averages blocks visibly loses them.
Generation is deterministic (seeded per head), float32, and the upper (future) triangle is 0.

Sizes follow issue 12: the whole model (12 layers × 12 heads × 256²), one layer (12 × 256²), one
head at 4096 tokens and 12 heads at 2048 tokens. First comes one head at 16 tokens: each library's
start-up (its JavaScript evaluated, one small heatmap laid out and drawn), the first paint below which
no page of that library comes in the same run. ``VIZKIT_BENCH_QUICK=1`` shrinks them for a smoke run.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

#: Spikes planted per head: (query fraction, key fraction) of the head's size; values ≈ 0.97–1.0.
SPIKES_PER_HEAD = 6


@dataclass(frozen=True)
class Workload:
    """One attention tensor to draw: ``shape`` is ``(layer, head, query, key)`` with ``layer``/``head`` possibly 1."""

    name: str
    label: str
    layers: int
    heads: int
    n: int

    @property
    def shape(self) -> tuple[int, int, int, int]:
        return (self.layers, self.heads, self.n, self.n)

    @property
    def cells(self) -> int:
        return self.layers * self.heads * self.n * self.n

    @property
    def panels_per_view(self) -> int:
        """Heatmaps visible at once in a one-layer-at-a-time view (what the first paint must show)."""
        return self.heads


def quick() -> bool:
    """True when ``VIZKIT_BENCH_QUICK=1`` asks for the small smoke-run sizes."""
    return os.environ.get("VIZKIT_BENCH_QUICK", "") not in ("", "0")


def workloads() -> list[Workload]:
    """The five workloads, smallest first (a contender hopeless on a small one is not run on bigger ones)."""
    if quick():
        return [
            Workload("floor", "one head 16² (each library's start-up)", 1, 1, 16),
            Workload("layer", "one layer 4 × 64²", 1, 4, 64),
            Workload("model", "whole model 3 × 4 × 64²", 3, 4, 64),
            Workload("head", "one head 512²", 1, 1, 512),
            Workload("heads", "4 heads × 256²", 1, 4, 256),
        ]
    return [
        Workload("floor", "one head 16² (each library's start-up)", 1, 1, 16),
        Workload("layer", "one layer 12 × 256²", 1, 12, 256),
        Workload("model", "whole model 12 × 12 × 256²", 12, 12, 256),
        Workload("head", "one head 4096²", 1, 1, 4096),
        Workload("heads", "12 heads × 2048²", 1, 12, 2048),
    ]


def tokens(n: int) -> list[str]:
    """``n`` token strings with repeats and whitespace, like ``model.to_str_tokens`` of real text."""
    words = [" the", " cat", " sat", " on", " a", " mat", ".", " and", " then", " it", " saw", " dog", ",", " Mary",
             " John", " went", " to", " store", "\n", " gave", " drink", " quickly", " because", " of"]
    rng = np.random.default_rng(1234)
    return ["<|endoftext|>"] + [words[i] for i in rng.integers(0, len(words), size=n - 1)]


def head_pattern(n: int, kind: int, seed: int) -> np.ndarray:
    """One ``[n, n]`` causal softmax pattern of the given kind (0 BOS, 1 previous token, 2 induction, 3 diffuse)."""
    rng = np.random.default_rng(seed)
    temperature = (0.6, 1.0, 1.5, 2.5)[seed % 4]
    scores = rng.standard_normal((n, n), dtype=np.float32) * np.float32(temperature)
    q = np.arange(n)
    if kind == 0:
        scores[:, 0] += 4.0
    elif kind == 1:
        scores[q[1:], q[1:] - 1] += 6.0
    elif kind == 2:
        period = max(2, n // 8)
        rows = q[period + 1:]
        scores[rows, rows - period + 1] += 7.0
        scores[:, 0] += 2.0
    scores[np.triu_indices(n, 1)] = -np.inf
    # planted spikes: a query that puts nearly all of its weight on one earlier key
    for _ in range(SPIKES_PER_HEAD):
        qi = int(rng.integers(n // 4, n))
        ki = int(rng.integers(1, qi))
        scores[qi, ki] = scores[qi, :qi + 1].max() + 12.0
    scores -= scores.max(axis=1, keepdims=True)
    np.exp(scores, out=scores)
    scores /= scores.sum(axis=1, keepdims=True)
    return scores


def pattern(w: Workload) -> np.ndarray:
    """The workload's ``(layer, head, query, key)`` float32 tensor (deterministic)."""
    out = np.empty(w.shape, dtype=np.float32)
    for layer in range(w.layers):
        for head in range(w.heads):
            seed = 1000 * layer + head
            out[layer, head] = head_pattern(w.n, (layer + head) % 4, seed)
    return out


def materialise(w: Workload, folder: Path) -> tuple[Path, Path]:
    """Write the workload's tensor (``.npy``) and tokens (one per line, JSON) once; return both paths."""
    import json

    folder.mkdir(parents=True, exist_ok=True)
    array_path, tokens_path = folder / f"{w.name}-{w.n}.npy", folder / f"{w.name}-{w.n}.tokens.json"
    if not array_path.exists():
        tmp = folder / f".{array_path.name}.tmp.npy"
        np.save(tmp, pattern(w))
        os.replace(tmp, array_path)
    if not tokens_path.exists():
        tmp = folder / f".{tokens_path.name}.tmp"
        tmp.write_text(json.dumps(tokens(w.n)))
        os.replace(tmp, tokens_path)
    return array_path, tokens_path
