"""The figure spec: plain, frozen, backend-neutral data.

A :class:`Figure` holds :class:`Panel` s (facets), each with two :class:`Axis` and a tuple of
marks (:class:`Heatmap`, :class:`Line`, :class:`Scatter`, :class:`Bar`, :class:`TokenText`).
An optional :class:`Slider` pages through frames: every panel names the frame it belongs to.
Arrays are numpy; ``to_dict`` encodes them as base64 typed arrays and ``from_dict`` restores
them, so a spec survives a JSON round trip exactly.

Heatmap cells sit at integer positions ``0..n-1``; their labels are tick text. Two identical
tokens are therefore two distinct columns, never merged into one category.
"""

from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from ..errors import LabelError, ShapeError, VizkitError
from . import arrays
from .colors import check_scale

_SPEC_TYPES: dict[str, type] = {}


def _spec(cls):
    """Register a spec dataclass for the JSON round trip."""
    cls = dataclass(frozen=True, eq=False)(cls)
    _SPEC_TYPES[cls.__name__] = cls
    return cls


class _Node:
    """Shared behaviour: tuple normalisation, JSON encoding, equality by value."""

    _arrays: ClassVar[tuple[str, ...]] = ()
    _tuples: ClassVar[tuple[str, ...]] = ()

    def _set(self, name: str, value: Any) -> None:
        object.__setattr__(self, name, value)

    def _normalise(self) -> None:
        for name in self._tuples:
            value = getattr(self, name)
            if value is not None and not isinstance(value, tuple):
                self._set(name, tuple(value))

    def to_dict(self) -> dict:
        """Plain JSON-ready data (arrays as base64 with dtype and shape); ``from_dict`` rebuilds an equal spec."""
        out: dict[str, Any] = {"type": type(self).__name__}
        for f in dataclasses.fields(self):
            out[f.name] = _encode(getattr(self, f.name))
        return out

    def replace(self, **changes):
        """A copy with ``changes`` applied (the spec is frozen)."""
        return dataclasses.replace(self, **changes)

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and self.to_dict() == other.to_dict()  # type: ignore[union-attr]

    def __hash__(self) -> int:
        return hash(json.dumps(self.to_dict(), sort_keys=True))


def _encode(value: Any) -> Any:
    if isinstance(value, _Node):
        return value.to_dict()
    if isinstance(value, np.ndarray):
        return arrays.encode(value)
    if isinstance(value, (list, tuple)):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _encode(v) for k, v in value.items()}
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return {"float": repr(value)}
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if arrays.is_encoded(value):
            return arrays.decode(value)
        if set(value) == {"float"}:
            return float(value["float"])
        if "type" in value and value["type"] in _SPEC_TYPES:
            cls = _SPEC_TYPES[value["type"]]
            kwargs = {k: _decode(v) for k, v in value.items() if k != "type"}
            return cls(**kwargs)
        return {k: _decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return tuple(_decode(v) for v in value)
    return value


def _labels(values, n: int | None, what: str) -> tuple[str, ...] | None:
    if values is None:
        return None
    out = tuple(str(v) for v in values)
    if n is not None and len(out) != n:
        raise LabelError(f"{what} has {len(out)} labels but the data has {n} entries along that axis")
    return out


# --------------------------------------------------------------------------------------------
# Scales and axes


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


# --------------------------------------------------------------------------------------------
# Marks


@_spec
class Heatmap(_Node):
    """A matrix of values drawn as coloured cells; ``z[i, j]`` is row ``i`` (y), column ``j`` (x).

    NaN cells are gaps (masked causal triangle, missing values). ``x_labels``/``y_labels`` label
    the columns/rows and appear in the hover; ``value_label`` names the value in the hover.
    """

    z: np.ndarray
    colorscale: ColorScale
    x_labels: tuple[str, ...] | None = None
    y_labels: tuple[str, ...] | None = None
    x_title: str | None = None
    y_title: str | None = None
    value_label: str = "value"
    show_scale: bool = True
    _tuples: ClassVar = ("x_labels", "y_labels")

    def __post_init__(self) -> None:
        self._set("z", arrays.as_array(self.z, ndim=2, name="Heatmap z"))
        if self.z.size == 0:
            from ..errors import EmptyDataError

            raise EmptyDataError(f"a heatmap needs at least one cell; got shape {self.z.shape}")
        self._set("x_labels", _labels(self.x_labels, self.z.shape[1], "x_labels"))
        self._set("y_labels", _labels(self.y_labels, self.z.shape[0], "y_labels"))

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
    """

    tokens: tuple[str, ...]
    values: np.ndarray
    colorscale: ColorScale
    row_labels: tuple[str, ...] | None = None
    value_label: str = "value"
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


MARK_TYPES = (Heatmap, Line, Scatter, Bar, TokenText)


# --------------------------------------------------------------------------------------------
# Panels and the figure


@_spec
class Panel(_Node):
    """One subplot: axes, marks, and the slider frame it belongs to (0 when there is no slider)."""

    marks: tuple
    x: Axis = field(default_factory=Axis)
    y: Axis = field(default_factory=Axis)
    title: str | None = None
    frame: int = 0
    _tuples: ClassVar = ("marks",)

    def __post_init__(self) -> None:
        self._normalise()
        for m in self.marks:
            if not isinstance(m, MARK_TYPES):
                raise VizkitError(f"a panel's marks must be vizkit marks; got {type(m).__name__}")


@_spec
class Slider(_Node):
    """A slider (or animation) over frames: ``labels[k]`` names frame ``k``."""

    name: str
    labels: tuple[str, ...]
    _tuples: ClassVar = ("labels",)

    def __post_init__(self) -> None:
        self._normalise()
        self._set("labels", tuple(str(s) for s in self.labels))
        if not self.labels:
            raise VizkitError("a slider needs at least one frame")


@_spec
class Figure(_Node):
    """A complete figure: what to draw, never how.

    ``kind`` names the figure family (``"imshow"``, ``"attention"``, ``"patching"``, ...); backends
    declare the kinds they can draw. ``notes`` are shown as a caption (downsampling, NaN counts).
    ``backend`` is the per-call backend choice, ``theme`` the per-call theme (``None``: use the
    setting in force when the figure is drawn).
    """

    kind: str
    panels: tuple
    title: str | None = None
    facet_cols: int = 1
    slider: Slider | None = None
    width: int | None = None
    height: int | None = None
    legend_title: str | None = None
    notes: tuple[str, ...] = ()
    meta: dict = field(default_factory=dict)
    theme: str | None = None
    backend: str | None = None
    _tuples: ClassVar = ("panels", "notes")

    def __post_init__(self) -> None:
        self._normalise()
        if not self.panels:
            raise VizkitError("a figure needs at least one panel")
        for p in self.panels:
            if not isinstance(p, Panel):
                raise VizkitError(f"a figure's panels must be vizkit Panels; got {type(p).__name__}")
        n_frames = len(self.slider.labels) if self.slider else 1
        for p in self.panels:
            if not 0 <= p.frame < n_frames:
                raise VizkitError(f"panel frame {p.frame} is outside the slider's {n_frames} frame(s)")
        if self.facet_cols < 1:
            raise VizkitError(f"facet_cols must be at least 1; got {self.facet_cols}")
        self._set("meta", dict(self.meta))

    # -- structure ----------------------------------------------------------------------------
    @property
    def n_frames(self) -> int:
        return len(self.slider.labels) if self.slider else 1

    def frame_panels(self, frame: int = 0) -> tuple[Panel, ...]:
        """The panels of one slider frame, in grid order."""
        return tuple(p for p in self.panels if p.frame == frame)

    @property
    def grid(self) -> tuple[int, int]:
        """(rows, cols) of the facet grid of one frame."""
        n = len(self.frame_panels(0))
        cols = min(self.facet_cols, n)
        return math.ceil(n / cols), cols

    def marks(self, kind: type | None = None) -> list:
        out = [m for p in self.panels for m in p.marks]
        return [m for m in out if kind is None or isinstance(m, kind)]

    # -- JSON ------------------------------------------------------------------------------
    def to_json(self, **kwargs) -> str:
        return json.dumps(self.to_dict(), **kwargs)

    @staticmethod
    def from_dict(data: dict) -> Figure:
        """The figure ``to_dict`` (or ``json.loads`` of a saved ``.json``) describes, validated again."""
        if not isinstance(data, dict) or data.get("type") != "Figure":
            raise VizkitError(f"expected a dict made by Figure.to_dict(); got {type(data).__name__}")
        fig = _decode(data)
        return fig

    @staticmethod
    def from_json(text: str) -> Figure:
        return Figure.from_dict(json.loads(text))

    # -- conveniences (imports inside, so the spec imports no backend or exporter) --------------
    def to(self, backend: str | None = None, **options):
        """The native object of ``backend`` (plotly Figure, bokeh layout, matplotlib Figure, ...)."""
        from ..backends import render

        return render(self, backend, **options)

    def save(self, path, backend: str | None = None, **options) -> str:
        """Write the figure to ``path``; the format comes from the suffix (html, json, png, svg, pdf)."""
        from ..export import save

        return save(self, path, backend=backend, **options)

    def to_html(self, backend: str | None = None, **options) -> str:
        """Standalone HTML (all assets inline; renders with no network)."""
        from ..export import to_html

        return to_html(self, backend=backend, **options)

    def show(self, backend: str | None = None) -> None:
        """Display in a notebook (or open in a browser outside one)."""
        from ..export.notebook import show

        show(self, backend)

    def _repr_mimebundle_(self, include=None, exclude=None):
        from ..export.notebook import mimebundle

        return mimebundle(self)

    def __repr__(self) -> str:
        n = len(self.panels)
        extra = f", {self.n_frames} frames" if self.slider else ""
        return f"<vizkit.Figure kind={self.kind!r} title={self.title!r} panels={n}{extra}>"
