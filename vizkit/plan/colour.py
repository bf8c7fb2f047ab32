"""Colours decided once: the figure's shared colour scale, cell fills and the ink of text on them."""

from __future__ import annotations

import numpy as np

from ..spec.colors import palette, stops

__all__ = ["NAN_COLOR", "INK_DARK", "INK_LIGHT", "shared_scale", "fills", "inks", "ink", "scale_stops", "nonfinite_counts",
           "drawable", "inf_cells"]

#: Colour of a token or point whose value is missing (heatmap gaps stay transparent).
NAN_COLOR = "#dddddd"
#: Text ink on a light fill, and on a dark one.
INK_DARK, INK_LIGHT = "#111111", "#ffffff"


def shared_scale(fig):
    """The one colour scale every heatmap of ``fig`` uses (one colour bar for all), else ``None``."""
    from ..spec import Heatmap

    scales = [m.colorscale for m in fig.marks(Heatmap)]
    if scales and all(s == scales[0] for s in scales):
        return scales[0]
    return None


def scale_stops(scale) -> list[tuple[float, str]]:
    """``[(position in [0, 1], hex colour), ...]`` of a colour scale's stops."""
    s = stops(scale.name)
    return [(i / (len(s) - 1), colour) for i, colour in enumerate(s)]


def fills(values, scale) -> list[str]:
    """The colour of each value on ``scale`` (256 steps), :data:`NAN_COLOR` where it is missing or ±inf."""
    colours = palette(scale.name, 256)
    return [colours[round(t * 255)] if t == t else NAN_COLOR for t in scale.normalise(drawable(values))]


def ink(fill: str) -> str:
    """Near-black or white text, whichever reads better on the hex colour ``fill``."""
    lum = (0.299 * int(fill[1:3], 16) + 0.587 * int(fill[3:5], 16) + 0.114 * int(fill[5:7], 16)) / 255
    return INK_DARK if lum > 0.55 else INK_LIGHT


def inks(values, scale) -> list[str]:
    """The text ink of each value's fill on ``scale``."""
    return [ink(f) for f in fills(values, scale)]


def nonfinite_counts(values) -> tuple[int, int]:
    """``(cells at +inf, cells at -inf)`` of ``values``: drawn as marked gaps, never as an end colour."""
    v = np.asarray(values)
    if v.dtype.kind not in "fc":
        return 0, 0
    v = v.real if v.dtype.kind == "c" else v
    return int(np.count_nonzero(np.isposinf(v))), int(np.count_nonzero(np.isneginf(v)))


def drawable(values) -> np.ndarray:
    """``values`` as floats with ±inf turned into NaN: what a renderer colours (inf is a gap, not the top colour)."""
    v = np.array(values, dtype=float)
    v[np.isinf(v)] = np.nan
    return v


def inf_cells(values) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(rows, cols, sign)`` of the ±inf cells of a 2-D array (sign +1 or -1), for the marks that flag them."""
    v = np.asarray(values, dtype=float)
    rows, cols = np.nonzero(np.isinf(v))
    return rows, cols, np.sign(v[rows, cols]).astype(int)
