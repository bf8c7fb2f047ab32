"""Geometry of marks that every backend draws alike (bars)."""

from __future__ import annotations

import numpy as np

__all__ = ["bar_geometry"]


def bar_geometry(mark, panel) -> tuple[np.ndarray, np.ndarray, float]:
    """Bar centres, widths (given, else 0.8 of the closest spacing) and base (below the smallest bar on a log axis)."""
    x = np.asarray(mark.x, dtype=float)
    if mark.widths is not None:
        widths = np.asarray(mark.widths, dtype=float)
    else:
        gaps = np.diff(np.unique(x))
        widths = np.full(len(x), 0.8 * (float(gaps.min()) if gaps.size else 1.0))
    base = 0.0
    if (panel.x if mark.horizontal else panel.y).log:
        positive = mark.y[np.isfinite(mark.y) & (mark.y > 0)]
        base = float(positive.min()) / 3 if positive.size else 1.0
    return x, widths, base
