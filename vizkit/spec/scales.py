"""Scales and axes of the spec: a continuous colour scale (fitted to data once) and a panel axis."""

from __future__ import annotations

import math
from typing import ClassVar

import numpy as np

from ..errors import VizkitError
from .colors import check_scale
from .node import _Node, _spec


@_spec
class ColorScale(_Node):
    """A continuous colour scale: a named scale, its range and optional midpoint.

    ``zmin``/``zmax`` are resolved by the figure function (never left for a backend to guess),
    so every backend shows the same colour range.
    """

    name: str = "viridis"
    zmin: float = 0.0
    zmax: float = 1.0
    zmid: float | None = None
    title: str | None = None

    def __post_init__(self) -> None:
        self._set("name", check_scale(self.name))
        if not (self.zmin <= self.zmax):
            raise VizkitError(f"colour range must have zmin <= zmax; got zmin={self.zmin}, zmax={self.zmax}")
        self._set("zmin", float(self.zmin))
        self._set("zmax", float(self.zmax))
        if self.zmid is not None:
            self._set("zmid", float(self.zmid))

    def normalise(self, values: np.ndarray) -> np.ndarray:
        """Values mapped to [0, 1] on this scale (NaN stays NaN)."""
        lo, hi = self.zmin, self.zmax
        span = hi - lo if hi > lo else 1.0
        return np.clip((np.asarray(values, dtype=float) - lo) / span, 0.0, 1.0)

    @staticmethod
    def fit(
        data: np.ndarray,
        *,
        name: str | None = None,
        zmin: float | None = None,
        zmax: float | None = None,
        zmid: float | None = None,
        title: str | None = None,
        diverging: bool | None = None,
    ) -> ColorScale:
        """A scale fitted to ``data``: symmetric around ``zmid`` when one is given.

        Signed data with no explicit scale gets the diverging default centred on 0,
        non-negative data the sequential default.
        """
        from .colors import DEFAULT_DIVERGING, DEFAULT_SEQUENTIAL, is_diverging

        finite = np.asarray(data, dtype=float)
        finite = finite[np.isfinite(finite)]
        lo = float(finite.min()) if finite.size else 0.0
        hi = float(finite.max()) if finite.size else 1.0
        if diverging is None:
            diverging = (name is not None and is_diverging(name)) or (zmid is not None) or (name is None and lo < 0 < hi)
        if diverging and zmid is None and zmin is None and zmax is None:
            zmid = 0.0
        if zmid is not None and zmin is None and zmax is None:
            half = max(abs(hi - zmid), abs(lo - zmid)) or 1.0
            zmin, zmax = zmid - half, zmid + half
        zmin = lo if zmin is None else float(zmin)
        zmax = hi if zmax is None else float(zmax)
        if zmin == zmax:
            zmax = zmin + 1.0
        if name is None:
            name = DEFAULT_DIVERGING if diverging else DEFAULT_SEQUENTIAL
        return ColorScale(name=name, zmin=zmin, zmax=zmax, zmid=zmid, title=title)


@_spec
class Axis(_Node):
    """One axis of a panel.

    ``labels`` are tick texts for positions ``0..n-1`` (category-like axes: tokens, heads);
    ``None`` means a numeric axis. ``reversed`` puts the first row at the top (matrices).
    """

    title: str | None = None
    labels: tuple[str, ...] | None = None
    log: bool = False
    reversed: bool = False
    range: tuple[float, float] | None = None
    _tuples: ClassVar = ("labels", "range")

    def __post_init__(self) -> None:
        self._normalise()
        if self.labels is not None:
            self._set("labels", tuple(str(s) for s in self.labels))

    def tick_positions(self, max_ticks: int = 60) -> tuple[list[int], list[str]]:
        """Positions and texts of the ticks to draw: all labels, or every k-th when there are many."""
        if self.labels is None:
            return [], []
        n = len(self.labels)
        step = max(1, math.ceil(n / max_ticks))
        pos = list(range(0, n, step))
        return pos, [self.labels[i] for i in pos]
