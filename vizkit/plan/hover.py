"""Hover field names: what each value is called in a tooltip, the same in every backend."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["HoverFields", "hover_fields"]


@dataclass(frozen=True)
class HoverFields:
    """The names of a mark's hover fields (raw text: each backend escapes as its renderer needs).

    ``x`` and ``y`` name the positions (a heatmap's column and row), ``value`` the colour value
    (heatmaps, coloured points, tokens); ``label`` is ``True`` when each point carries its own label.
    """

    x: str
    y: str
    value: str | None = None
    label: bool = False


def hover_fields(mark, panel) -> HoverFields:
    """The :class:`HoverFields` of ``mark`` drawn in ``panel``."""
    from ..spec import Bar, Heatmap, Line, Scatter, TokenText

    if isinstance(mark, Heatmap):
        return HoverFields(x=mark.x_title or "column", y=mark.y_title or "row", value=mark.value_label)
    if isinstance(mark, TokenText):
        return HoverFields(x="token", y="row", value=mark.value_label)
    if isinstance(mark, Bar):
        pos_axis, val_axis = (panel.y, panel.x) if mark.horizontal else (panel.x, panel.y)
        return HoverFields(x=pos_axis.title or "x", y=val_axis.title or "value", label=mark.labels is not None)
    if isinstance(mark, (Line, Scatter)):
        value = mark.colorscale.title or "value" if isinstance(mark, Scatter) and mark.values is not None else None
        return HoverFields(x=panel.x.title or "x", y=panel.y.title or "y", value=value, label=mark.hover_labels is not None)
    raise TypeError(f"no hover fields for {type(mark).__name__}")  # pragma: no cover
