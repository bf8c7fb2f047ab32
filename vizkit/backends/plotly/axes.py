"""Plotly axis settings of every panel, built once as layout dicts (no per-panel axis scans)."""

from __future__ import annotations

from ...spec import Heatmap
from . import wide
from ._text import label, unique_labels

__all__ = ["axis_name", "panel_axes"]


def axis_name(dim: str, index: int) -> str:
    """The layout key of subplot ``index``'s (1-based, row-major) ``dim`` axis: ``xaxis``, ``xaxis2``, ..."""
    return f"{dim}axis{'' if index == 1 else index}"


def _axis(axis_plan, heat_labels, spec_range, theme, blocks: tuple[list[str], int] | None = None) -> dict:
    kw = {"title": {"text": label(axis_plan.title)} if axis_plan.title else None, "gridcolor": theme.grid, "zeroline": False}
    if blocks is not None:  # cells drawn in blocks (wide.py): a category per block; a planned tick marks its cell's block
        categories, f = blocks
        kw.update(type="category", categoryorder="array", categoryarray=categories, showgrid=False)
        if axis_plan.tickvals is not None:
            kw.update(tickmode="array", tickvals=[categories[min(len(categories) - 1, int(round(v)) // f)] for v in axis_plan.tickvals],
                      ticktext=[label(t) for t in axis_plan.ticktext])
    elif heat_labels is not None:  # cells on a category axis; the plan's ticks name categories
        categories = unique_labels(heat_labels)
        kw.update(type="category", categoryorder="array", categoryarray=categories, showgrid=False)
        if axis_plan.tickvals is not None:
            kw.update(tickmode="array", tickvals=[categories[int(v)] for v in axis_plan.tickvals],
                      ticktext=[label(t) for t in axis_plan.ticktext])
    elif axis_plan.tickvals is not None:
        kw.update(tickmode="array", tickvals=list(axis_plan.tickvals), ticktext=[label(t) for t in axis_plan.ticktext])
        if axis_plan.labels is not None:
            kw["showgrid"] = False
    if axis_plan.rotated:
        kw["tickangle"] = -45
    if axis_plan.log:
        kw["type"] = "log"
    if axis_plan.reversed:
        kw["autorange"] = "reversed"
    if spec_range is not None:  # the spec's own range (heatmap cells are autoranged to -0.5..n-0.5 already)
        kw["range"] = list(spec_range)
    return {k: v for k, v in kw.items() if v is not None}


def panel_axes(panel_plan, index: int, theme) -> dict:
    """``{"xaxisN": {...}, "yaxisN": {...}}`` for the panel at subplot ``index`` (1-based)."""
    heat = next((m for m in panel_plan.marks if isinstance(m, Heatmap)), None)
    fy, fx = wide.factors(heat, panel_plan) if heat is not None else (1, 1)
    out = {}
    for dim in ("x", "y"):
        heat_labels = None if heat is None else (heat.x_labels if dim == "x" else heat.y_labels)
        blocks = None
        if heat is not None and (fy > 1 or fx > 1):  # both axes are categories, as the trace draws them (marks._blocks)
            n, f = heat.z.shape[1 if dim == "x" else 0], (fx if dim == "x" else fy)
            blocks = (wide.names(heat_labels, n, f) if f > 1 else
                      (unique_labels(heat_labels) if heat_labels is not None else [str(i) for i in range(n)]), f)
        out[axis_name(dim, index)] = _axis(panel_plan.axis(dim), heat_labels, panel_plan.panel.x.range if dim == "x" else panel_plan.panel.y.range,
                                               theme, blocks)
    if panel_plan.tokens is not None:  # character units across, one unit per wrapped line down
        boxes = panel_plan.tokens.boxes
        out[axis_name("x", index)] = {"visible": False, "range": [-0.5, boxes.x_end], "fixedrange": True}
        out[axis_name("y", index)] = {"visible": False, "range": [panel_plan.tokens.y_end, -0.5], "fixedrange": True}
    return out
