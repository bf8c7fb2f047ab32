"""The figure spec: plain, frozen, backend-neutral data.

A :class:`Figure` holds :class:`Panel` s (facets), each with two :class:`Axis` and a tuple of
marks (:class:`Heatmap`, :class:`Line`, :class:`Scatter`, :class:`Bar`, :class:`TokenText`).
An optional :class:`Slider` pages through frames: every panel names the frame it belongs to.
Arrays are numpy; ``to_dict`` encodes them as base64 typed arrays and ``from_dict`` restores
them, so a spec survives a JSON round trip exactly.

Heatmap cells sit at integer positions ``0..n-1``; their labels are tick text. Two identical
tokens are therefore two distinct columns, never merged into one category.

This module holds the panels, the slider and the figure; the marks live in :mod:`.marks`, the
colour scale and axes in :mod:`.scales`, the dataclass machinery and JSON codec in :mod:`.node`
(all re-exported here).
"""

from __future__ import annotations

import json
import math
from dataclasses import field
from typing import ClassVar

from ..errors import VizkitError
from .marks import MARK_TYPES, Bar, Heatmap, Line, Scatter, TokenText
from .node import _decode, _Node, _spec
from .scales import Axis, ColorScale

__all__ = ["Axis", "Bar", "ColorScale", "Figure", "Heatmap", "Line", "MARK_TYPES", "Panel", "Scatter", "Slider", "TokenText"]


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
        """The native object of ``backend`` (plotly Figure, bokeh layout, matplotlib Figure, ...).

        As a notebook cell's last line a native object displays the way its library does: plotly
        draws; a bokeh layout shows a property table (``bokeh.io.output_notebook(); bokeh.io.show(obj)``
        draws it); a HoloViews object its text repr (after ``hv.extension("bokeh")`` it draws); a
        matplotlib Figure ``<Figure size ...>`` unless ``%matplotlib inline`` is active. To see the
        figure in a backend, display ``fig`` itself under ``vk.use_backend(name)`` or call
        ``fig.show(name)``.
        """
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
