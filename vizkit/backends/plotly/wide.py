"""Heatmaps with more cells along an axis than plotly.js can draw: blocks that keep their extreme value.

plotly.js draws evenly spaced heatmap cells into a canvas of one pixel per cell (its ``fast``
path); with tens of thousands of cells along an axis that canvas passes what Chromium allows, and
plotly draws an empty frame without a word (100,000 labelled columns: nothing; 20,000 still draw).
Past :data:`MAX_AXIS_CELLS` cells along an axis, the plotly backend draws that axis in blocks of
consecutive cells, about one block per CSS pixel of the panel, each block showing its value of
largest magnitude with its sign (the maximum of non-negative data, never a mean: a one-cell spike
keeps its value). The category of a block names its range (``"t0 … t99 [0–99]"``), so the hover
says what was merged; the caption says how many cells each drawn cell stands for and how to see
every cell (a slice, or a backend that draws them all).
"""

from __future__ import annotations

import math

import numpy as np

from ...plan.encoding import block_extreme
from ._text import label, unique_labels

__all__ = ["MAX_AXIS_CELLS", "factors", "reduce", "names", "note"]

#: Cells along one axis that plotly.js is trusted to draw (it fails somewhere between 20,000 and 100,000).
MAX_AXIS_CELLS = 16_384
#: The fewest blocks an axis is shrunk to, whatever the panel's size.
MIN_BLOCKS = 256


def factors(mark, panel) -> tuple[int, int]:
    """Cells per drawn block along y and x (1: every cell drawn) for ``mark`` in ``panel`` (a :class:`PanelPlan`)."""
    ny, nx = np.shape(mark.z)[-2:]
    cell = getattr(panel, "cell", None)
    width, height = (cell.width, cell.height) if cell is not None else (1000, 1000)

    def one(n: int, px: int) -> int:
        return 1 if n <= MAX_AXIS_CELLS else math.ceil(n / max(MIN_BLOCKS, int(px)))
    return one(ny, height), one(nx, width)


def reduce(z, fy: int, fx: int) -> np.ndarray:
    """``z`` in blocks of ``fy`` × ``fx`` cells, each its largest-magnitude value with its sign (NaN: no finite cell)."""
    return block_extreme(z, fy, fx)


def names(labels, n: int, f: int) -> list[str]:
    """Category names of ``n`` cells drawn in blocks of ``f``: ``"first … last [i–j]"`` (escaped, unique)."""
    out = []
    for start in range(0, n, f):
        stop = min(n, start + f) - 1
        if labels is None:
            out.append(f"{start}–{stop}")
        else:
            out.append(f"{label(str(labels[start]))} … {label(str(labels[stop]))} [{start}–{stop}]")
    return unique_labels(out) if labels is not None else out


def value_name(z, value: str) -> str:
    """What a block's value is, for the hover: ``"block max attention"`` or ``"largest-magnitude x"``."""
    finite = np.asarray(z, dtype=float)
    finite = finite[np.isfinite(finite)]
    return f"block max {value}" if not finite.size or finite.min() >= 0 else f"largest-magnitude {value} in block"


def note(shape, fy: int, fx: int) -> str | None:
    """The caption's note for a heatmap of ``shape`` drawn in ``fy`` × ``fx`` blocks (None when every cell is drawn)."""
    if fy <= 1 and fx <= 1:
        return None
    ny, nx = shape[-2:]
    parts = []
    if fx > 1:
        parts.append(f"{nx:,} columns drawn as {-(-nx // fx):,} (each the largest-magnitude value of {fx} columns)")
    if fy > 1:
        parts.append(f"{ny:,} rows drawn as {-(-ny // fy):,} (each the largest-magnitude value of {fy} rows)")
    return (f"plotly draws at most {MAX_AXIS_CELLS:,} cells along an axis: " + "; ".join(parts)
            + ". Every cell: draw a slice (e.g. z[:, 5000:6000]) or use backend='bokeh' or 'matplotlib'")
