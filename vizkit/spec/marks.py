"""Marks of the spec: heatmap cells, lines, points, bars and token-coloured text."""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from ..errors import LabelError, ShapeError, VizkitError
from . import arrays
from .node import _labels, _Node, _spec
from .scales import ColorScale


@_spec
class Heatmap(_Node):
    """A matrix of values drawn as coloured cells; ``z[i, j]`` is row ``i`` (y), column ``j`` (x).

    NaN cells are gaps (masked causal triangle, missing values). ``x_labels``/``y_labels`` label
    the columns/rows and appear in the hover; ``value_label`` names the value in the hover.

    ``text`` (rows of strings, the shape of ``z``) is written in the cells: data, never markup
    (every backend shows its :func:`vizkit.plan.text.visible` form), in the ink the plan picks
    for each cell's fill, and hidden (with a caption note) where the cells are too small to hold
    it. ``text_label`` names it in the hover.
    """

    z: np.ndarray
    colorscale: ColorScale
    x_labels: tuple[str, ...] | None = None
    y_labels: tuple[str, ...] | None = None
    x_title: str | None = None
    y_title: str | None = None
    value_label: str = "value"
    show_scale: bool = True
    text: tuple[tuple[str, ...], ...] | None = None
    text_label: str = "text"
    _tuples: ClassVar = ("x_labels", "y_labels")

    def __post_init__(self) -> None:
        self._set("z", arrays.as_array(self.z, ndim=2, name="Heatmap z"))
        if self.z.size == 0:
            from ..errors import EmptyDataError

            raise EmptyDataError(f"a heatmap needs at least one cell; got shape {self.z.shape}")
        self._set("x_labels", _labels(self.x_labels, self.z.shape[1], "x_labels"))
        self._set("y_labels", _labels(self.y_labels, self.z.shape[0], "y_labels"))
        if self.text is not None:
            self._set("text", cell_strings(self.text, self.z.shape))

    def to_dict(self) -> dict:
        """As every node's, without the cell-text fields while they hold their defaults (a heatmap
        without text encodes as it did before they existed)."""
        out = super().to_dict()
        if self.text is None:
            out.pop("text")
        if self.text_label == "text":
            out.pop("text_label")
        return out


def cell_strings(text, shape: tuple[int, int]) -> tuple[tuple[str, ...], ...]:
    """Per-cell text as rows of strings of ``shape``; :class:`ShapeError` when it is not that shape."""
    if isinstance(text, str):
        raise ShapeError(f"cell text must be an array of strings the shape of the data {shape}; got the single string {text!r}")
    arr = np.asarray(text, dtype=object)
    if arr.shape != tuple(shape):
        raise ShapeError(f"cell text must have the shape of the data {tuple(shape)}; got shape {arr.shape}")
    return tuple(tuple("" if v is None else str(v) for v in row) for row in arr)

    @property
    def n_missing(self) -> int:
        return int(np.count_nonzero(~np.isfinite(self.z)))


@_spec
class Line(_Node):
    """A polyline ``(x[i], y[i])``; NaN in ``y`` breaks the line (a gap)."""

    x: np.ndarray
    y: np.ndarray
    name: str | None = None
    color: str | None = None
    width: float = 2.0
    opacity: float = 1.0
    dash: str = "solid"  # solid | dash | dot
    markers: bool = False
    legend: bool = True
    group: str | None = None  # lines sharing a group toggle together in the legend
    hover_labels: tuple[str, ...] | None = None
    _tuples: ClassVar = ("hover_labels",)

    def __post_init__(self) -> None:
        self._normalise()
        self._set("x", arrays.as_array(self.x, ndim=1, name="Line x"))
        self._set("y", arrays.as_array(self.y, ndim=1, name="Line y"))
        if self.x.shape != self.y.shape:
            raise ShapeError(f"a line needs x and y of the same length; got {len(self.x)} and {len(self.y)}")
        self._set("hover_labels", _labels(self.hover_labels, len(self.x), "hover_labels"))
        if self.dash not in ("solid", "dash", "dot"):
            raise VizkitError(f"dash must be 'solid', 'dash' or 'dot'; got {self.dash!r}")


@_spec
class Scatter(_Node):
    """Points; ``values`` (with ``colorscale``) colours them continuously, else ``color``."""

    x: np.ndarray
    y: np.ndarray
    name: str | None = None
    color: str | None = None
    values: np.ndarray | None = None
    colorscale: ColorScale | None = None
    size: float = 8.0
    opacity: float = 0.9
    hover_labels: tuple[str, ...] | None = None
    legend: bool = True
    _tuples: ClassVar = ("hover_labels",)

    def __post_init__(self) -> None:
        self._normalise()
        self._set("x", arrays.as_array(self.x, ndim=1, name="Scatter x"))
        self._set("y", arrays.as_array(self.y, ndim=1, name="Scatter y"))
        if self.x.shape != self.y.shape:
            raise ShapeError(f"a scatter needs x and y of the same length; got {len(self.x)} and {len(self.y)}")
        if self.values is not None:
            self._set("values", arrays.as_array(self.values, ndim=1, name="Scatter values"))
            if self.values.shape != self.x.shape:
                raise ShapeError(f"color values must match the points; got {len(self.values)} values for {len(self.x)} points")
            if self.colorscale is None:
                raise VizkitError("a scatter coloured by values needs a colorscale")
        self._set("hover_labels", _labels(self.hover_labels, len(self.x), "hover_labels"))


@_spec
class Bar(_Node):
    """Bars at positions ``x`` (``0..n-1`` with ``labels`` as tick text, or numeric centres).

    ``widths`` gives each bar's width on a numeric axis (histograms); ``base`` its bottom.
    """

    x: np.ndarray
    y: np.ndarray
    name: str | None = None
    color: str | None = None
    widths: np.ndarray | None = None
    labels: tuple[str, ...] | None = None
    opacity: float = 1.0
    legend: bool = True
    horizontal: bool = False
    _tuples: ClassVar = ("labels",)

    def __post_init__(self) -> None:
        self._normalise()
        self._set("x", arrays.as_array(self.x, ndim=1, name="Bar x"))
        self._set("y", arrays.as_array(self.y, ndim=1, name="Bar y"))
        if self.x.shape != self.y.shape:
            raise ShapeError(f"bars need x and y of the same length; got {len(self.x)} and {len(self.y)}")
        if self.widths is not None:
            self._set("widths", arrays.as_array(self.widths, ndim=1, name="Bar widths"))
        self._set("labels", _labels(self.labels, len(self.x), "bar labels"))


@_spec
class TokenText(_Node):
    """Token-coloured text: ``values[r, i]`` colours token ``i`` in value row ``r``.

    Several rows (for example one per neuron or head) are selectable; tokens are data, never
    markup: every renderer escapes them and makes whitespace visible.

    ``row_ranges`` is ``"shared"`` (every row on ``colorscale``'s range, so rows compare) or
    ``"each"`` (each row on its own range: ``colorscale``'s name, midpoint and title, fitted to the
    row by :func:`vizkit.plan.tokens.row_scales`; a probabilities row next to a logits row).
    """

    tokens: tuple[str, ...]
    values: np.ndarray
    colorscale: ColorScale
    row_labels: tuple[str, ...] | None = None
    value_label: str = "value"
    row_ranges: str = "shared"
    _tuples: ClassVar = ("tokens", "row_labels")

    def __post_init__(self) -> None:
        self._normalise()
        self._set("tokens", tuple(str(t) for t in self.tokens))
        values = arrays.as_array(self.values, name="token values")
        if values.ndim == 1:
            values = values[None, :]
            values.setflags(write=False)
        if values.ndim != 2:
            raise ShapeError(f"token values must be [tokens] or [rows, tokens]; got shape {values.shape}")
        if values.shape[1] != len(self.tokens):
            raise LabelError(f"got {len(self.tokens)} tokens but {values.shape[1]} values per row")
        self._set("values", values)
        self._set("row_labels", _labels(self.row_labels, values.shape[0], "row_labels"))
        if self.row_ranges not in ROW_RANGES:
            raise VizkitError(f"row_ranges must be one of {', '.join(map(repr, ROW_RANGES))}; got {self.row_ranges!r}")

    def to_dict(self) -> dict:
        """As every node's, without ``row_ranges`` while it holds its default (a token text with one
        shared range encodes as it did before the option existed)."""
        out = super().to_dict()
        if self.row_ranges == "shared":
            out.pop("row_ranges")
        return out


#: The values of :attr:`TokenText.row_ranges`: one colour range for all value rows, or one per row.
ROW_RANGES = ("shared", "each")


MARK_TYPES = (Heatmap, Line, Scatter, Bar, TokenText)
