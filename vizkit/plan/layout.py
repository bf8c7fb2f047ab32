"""The plan dataclasses and :func:`plan`, the pure step from (Figure, Theme) to them."""

from __future__ import annotations

from dataclasses import dataclass

from . import captions as _captions
from .colour import fills, inks, shared_scale
from .geometry import Cell, Geometry, geometry
from .hover import HoverFields, hover_fields
from .marks import hidden_text_note
from .ticks import axis_values, fit_ticks, log_ticks, mark_labels
from .tokens import StackedRows, TokenBoxes, colorbar_titles, per_row, row_scales, stacked_rows, token_layout

__all__ = ["AxisPlan", "TokenPlan", "PanelPlan", "Plan", "plan"]


@dataclass(frozen=True)
class AxisPlan:
    """One panel axis as every backend draws it.

    ``labels`` are all the labels of a labelled axis (positions ``0..n-1``; ``None``: numeric).
    ``tickvals``/``ticktext`` are the ticks to draw (labels thinned to fit, or log ticks as plain
    numbers); ``None`` leaves a numeric axis to the backend's own ticks. ``rotated``: x labels at 45°.
    ``range`` is the axis range (the spec's, else ``(-0.5, n - 0.5)`` around heatmap cells).
    ``grid``: draw grid lines (numeric axes of charts only). Texts are raw: escape with
    :func:`vizkit.plan.text.escape` or :func:`~vizkit.plan.text.plain` as the renderer needs.
    """

    dim: str
    title: str | None
    labels: tuple[str, ...] | None
    tickvals: tuple[float, ...] | None
    ticktext: tuple[str, ...] | None
    rotated: bool
    log: bool
    reversed: bool
    range: tuple[float, float] | None
    grid: bool


@dataclass(frozen=True, eq=False)
class TokenPlan:
    """A token-text mark laid out: boxes in character units, each value row's fills and inks."""

    mark: object
    boxes: TokenBoxes
    fills: tuple[tuple[str, ...], ...]
    inks: tuple[tuple[str, ...], ...]
    row_labels: tuple[str, ...]
    #: The colour scale of each value row (all the mark's own scale unless ``row_ranges="each"``).
    scales: tuple = ()
    #: The colour bar title of each value row (names the row and its range when rows have their own).
    colorbar_titles: tuple[str, ...] = ()
    #: Where each value row goes down the plot: stacked under its name in a static image with several rows.
    rows: StackedRows | None = None

    @property
    def stacked(self) -> bool:
        """Whether every value row is drawn, stacked (a static image), rather than one picked by a selector."""
        return self.rows is not None and self.rows.stacked

    @property
    def y_end(self) -> float:
        """The bottom of the plot's y range in line units (its top is ``-0.5``)."""
        return self.rows.y_end if self.rows is not None else float(self.boxes.line.max()) + 0.5

    @property
    def per_row(self) -> bool:
        """Whether the value rows have their own colour ranges (a colour bar per row)."""
        return per_row(self.mark)


@dataclass(frozen=True, eq=False)
class PanelPlan:
    """One panel: its spec, where it sits, its two axes, and per mark the hover fields."""

    panel: object
    index: int
    frame: int
    cell: Cell
    title: str | None
    x: AxisPlan
    y: AxisPlan
    marks: tuple
    hover: tuple[HoverFields, ...]
    tokens: TokenPlan | None

    def axis(self, dim: str) -> AxisPlan:
        return self.x if dim == "x" else self.y


@dataclass(frozen=True, eq=False)
class Plan:
    """Everything about a figure that is the same in every backend (see :mod:`vizkit.plan`)."""

    figure: object
    theme: object
    static: bool
    geometry: Geometry
    panels: tuple[PanelPlan, ...]
    shared_scale: object
    title: str | None
    title_px: int
    title_in_plot: bool
    notes: tuple[str, ...]
    caption: str | None
    caption_px: int
    legend_title: str | None
    slider: object
    n_frames: int

    @property
    def width(self) -> int:
        return self.geometry.width

    @property
    def height(self) -> int:
        return self.geometry.height

    def frame(self, k: int = 0) -> tuple[PanelPlan, ...]:
        """The panels of slider frame ``k``, in grid order."""
        return tuple(p for p in self.panels if p.frame == k)

    def shares_scale(self, mark) -> bool:
        """Whether ``mark`` is coloured on the figure's shared scale (one colour bar for all)."""
        from ..spec import Heatmap

        return isinstance(mark, Heatmap) and self.shared_scale is not None and mark.colorscale == self.shared_scale

    def with_notes(self, extra) -> Plan:
        """This plan with a backend's translation notes added to the caption (geometry refitted)."""
        if not extra:
            return self
        return plan(self.figure, self.theme, static=self.static, extra_notes=extra)


def _axis(panel, dim: str, span: float, theme) -> AxisPlan:
    from ..spec import Heatmap

    axis = panel.x if dim == "x" else panel.y
    heat = next((m for m in panel.marks if isinstance(m, Heatmap)), None)
    labels = axis.labels if axis.labels is not None else mark_labels(panel, dim)
    tickvals = ticktext = None
    rotated = False
    if labels is not None:
        pos, text, rotated = fit_ticks(axis.replace(labels=labels), dim, span, theme.font_size)
        tickvals, ticktext = tuple(float(p) for p in pos), tuple(text)
    elif axis.log and (ticks := log_ticks(axis_values(panel, dim))) is not None:
        tickvals, ticktext = tuple(ticks[0]), tuple(ticks[1])
    n = None if heat is None else heat.z.shape[1 if dim == "x" else 0]
    rng = tuple(axis.range) if axis.range is not None else ((-0.5, n - 0.5) if n is not None else None)
    return AxisPlan(dim=dim, title=axis.title, labels=None if labels is None else tuple(labels), tickvals=tickvals,
                    ticktext=ticktext, rotated=rotated, log=axis.log, reversed=axis.reversed, range=rng,
                    grid=heat is None and labels is None)


def _tokens(panel, cell: Cell, theme, static: bool = False) -> TokenPlan | None:
    from ..spec import TokenText

    mark = next((m for m in panel.marks if isinstance(m, TokenText)), None)
    if mark is None:
        return None
    boxes = token_layout(mark, cell.width, theme)
    rows = mark.values.shape[0]
    labels = tuple(mark.row_labels or tuple(f"row {r}" for r in range(rows)))
    scales = row_scales(mark)
    return TokenPlan(mark, boxes, tuple(tuple(fills(v, s)) for v, s in zip(mark.values, scales, strict=True)),
                     tuple(tuple(inks(v, s)) for v, s in zip(mark.values, scales, strict=True)), labels,
                     scales=scales, colorbar_titles=colorbar_titles(mark, scales, labels),
                     rows=stacked_rows(mark, int(boxes.line.max()) + 1, static))


def plan(fig, theme, *, static: bool = False, extra_notes=()) -> Plan:
    """The backend-neutral :class:`Plan` of ``fig`` drawn with ``theme``.

    Parameters
    ----------
    fig : vizkit.Figure
    theme : vizkit.spec.theme.Theme
        A resolved theme (the caller resolves a theme name: ``vizkit.spec.theme.THEMES[name]``).
    static : bool
        For a static image: the caption says which one frame of a slider figure it shows.
    extra_notes : sequence of str
        A backend's own translation notes, added to the caption before the static frame note.
    """
    notes = _captions.notes(fig, static=static, extra=tuple(extra_notes))
    caption = _captions.NOTE_SEPARATOR.join(notes) if notes else None
    first = fig.frame_panels(0)
    title_in_plot = len(first) == 1 and not first[0].title
    geo = geometry(fig, theme, caption, title_in_plot=title_in_plot, static=static)
    spans = {dim: geo.tick_span(dim) for dim in ("x", "y")}
    panels = []
    for frame in range(fig.n_frames):
        for i, panel in enumerate(fig.frame_panels(frame)):
            cell = geo.cells[min(i, len(geo.cells) - 1)]
            panels.append(PanelPlan(
                panel=panel, index=i, frame=frame, cell=cell, title=panel.title,
                x=_axis(panel, "x", spans["x"], theme), y=_axis(panel, "y", spans["y"], theme), marks=tuple(panel.marks),
                hover=tuple(hover_fields(m, panel) for m in panel.marks), tokens=_tokens(panel, cell, theme, static)))
    hidden = hidden_text_note(panels, theme)
    if hidden is not None and hidden not in notes:  # said in the caption, which takes room: plan again with it
        return plan(fig, theme, static=static, extra_notes=(*extra_notes, hidden))
    return Plan(figure=fig, theme=theme, static=static, geometry=geo, panels=tuple(panels), shared_scale=shared_scale(fig),
                title=fig.title, title_px=_captions.title_px(fig.title, geo.width - 30, theme) if fig.title else theme.title_size,
                title_in_plot=title_in_plot, notes=notes, caption=caption, caption_px=geo.caption_font_px,
                legend_title=fig.legend_title, slider=fig.slider, n_frames=fig.n_frames)

