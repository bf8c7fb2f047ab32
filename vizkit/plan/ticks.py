"""Ticks of each panel axis: thinned labels, log ticks as plain numbers, numeric ranges."""

from __future__ import annotations

import math

import numpy as np

from ..spec.grid import ROTATED_LABEL_LINES, Y_LABEL_LINES
from .text import label_text

__all__ = ["fit_ticks", "log_ticks", "axis_values", "finite_range", "mark_labels"]


def fit_ticks(axis, dim: str, span: float, font_px: float) -> tuple[list[int], list[str], bool]:
    """Tick positions and texts of a labelled axis that fit ``span`` pixels, and whether x labels turn 45°.

    Every label when they fit; else every k-th, as plotly thins category ticks: a y label needs
    ~1.3 lines of text; 45° x labels are parallel slanted lines, clear of each other when their
    spacing × sin 45° exceeds a line height of 1.2 (~1.7 lines of spacing).

    Texts are display text (:func:`vizkit.plan.text.label_text`): invisible characters shown, long
    labels cut with an ellipsis (the hover keeps the full label).
    """
    _, every = axis.tick_positions()
    rotated = dim == "x" and sum(len(label_text(t)) + 1 for t in every) * font_px * 0.6 > span
    room = int(span / (font_px * (ROTATED_LABEL_LINES if rotated else Y_LABEL_LINES))) if dim == "y" or rotated else len(every)
    pos, text = axis.tick_positions(max_ticks=max(2, min(60, room)))
    return pos, [label_text(t) for t in text], rotated


def axis_values(panel, dim: str) -> np.ndarray:
    """The data values the marks of ``panel`` put along its ``dim`` axis (bars: their values on the value axis)."""
    from ..spec import Bar, Line, Scatter

    out = []
    for m in panel.marks:
        if isinstance(m, (Line, Scatter)):
            out.append(m.x if dim == "x" else m.y)
        elif isinstance(m, Bar):
            out.append(m.y if (dim == "x") == m.horizontal else m.x)
    return np.concatenate([np.asarray(v, dtype=float).ravel() for v in out]) if out else np.zeros(0)


def log_ticks(values) -> tuple[list[float], list[str]] | None:
    """Ticks for a log axis over the positive finite ``values``: 1-2-5 per decade (every digit within one
    or two decades, powers of ten across many), labelled as plain numbers; ``None`` when nothing is positive.
    """
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v) & (v > 0)]
    if not v.size:
        return None
    lo, hi = float(v.min()), float(v.max())
    e0, e1 = math.floor(math.log10(lo)), math.ceil(math.log10(hi))
    decades = max(1, e1 - e0)
    mantissas = (1, 2, 3, 4, 5, 6, 7, 8, 9) if decades <= 1 else (1, 2, 3, 5) if decades <= 2 else (1, 2, 5) if decades <= 4 else (1,)
    step = max(1, math.ceil(decades / 8)) if mantissas == (1,) else 1
    ticks = [t for e in range(e0, e1 + 1, step) for m in mantissas
             if lo / 1.0001 <= (t := float(f"{m * 10.0**e:.12g}")) <= hi * 1.0001]
    if len(ticks) < 2:  # a range inside one step: a few round numbers spread over it
        ticks = sorted({float(f"{t:.2g}") for t in np.geomspace(lo, hi, 4)} if hi > lo else {float(f"{lo:.3g}")})
    return ticks, [f"{t:g}" for t in ticks]


def finite_range(values) -> tuple[float, float]:
    """(min, max) of the finite ``values``; ``(0, 1)`` when there are none."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if v.size == 0:
        return 0.0, 1.0
    return float(v.min()), float(v.max())


def mark_labels(panel, dim: str):
    """Tick text of an axis without labels of its own: a heatmap's row/column labels, bars labelled at 0..n-1."""
    from ..spec import Bar, Heatmap

    for m in panel.marks:
        if isinstance(m, Heatmap) and (m.x_labels if dim == "x" else m.y_labels) is not None:
            return m.x_labels if dim == "x" else m.y_labels
        if isinstance(m, Bar) and m.labels is not None and (dim == "y") == m.horizontal \
                and np.array_equal(m.x, np.arange(len(m.x))):
            return m.labels
    return None
