"""Small edits of a built :class:`vizkit.Figure` that compat keywords ask for.

The spec is frozen: every function returns a changed copy (``replace``), never mutates.
"""

from __future__ import annotations

import math

import numpy as np

from ..errors import LabelError, VizkitError
from ..spec import Line, Panel, Scatter


class FacetLabelsError(LabelError, AssertionError, IndexError):
    """More facet labels than facets: the originals raised ``AssertionError`` (ARENA) or ``IndexError``
    (neel-plotly); this error is both, and a :class:`~vizkit.errors.LabelError`."""


def panel_titles(fig, labels) -> object:
    """Replace the facet titles of every frame with ``labels`` (in facet order); as in the originals,
    fewer labels than facets title the first facets only."""
    labels = [str(s) for s in labels]
    per_frame = len(fig.frame_panels(0))
    if len(labels) > per_frame:
        raise FacetLabelsError(f"got {len(labels)} facet_labels but the figure has {per_frame} facets; pass at most one label per facet")
    counters: dict[int, int] = {}
    panels = []
    for p in fig.panels:
        i = counters.get(p.frame, 0)
        counters[p.frame] = i + 1
        panels.append(p.replace(title=labels[i]) if i < len(labels) else p)
    return fig.replace(panels=tuple(panels))


def axes(fig, *, x_title=None, y_title=None, x_range=None, y_range=None, x_log=None, y_log=None, y_reversed=None,
         set_x_title=False, set_y_title=False) -> object:
    """Axis titles, ranges, log scales and reversal set on every panel (``None`` keeps what is there)."""
    panels = []
    for p in fig.panels:
        x, y = p.x, p.y
        x = x.replace(**_axis_changes(x_title, set_x_title, x_range, x_log, None))
        y = y.replace(**_axis_changes(y_title, set_y_title, y_range, y_log, y_reversed))
        panels.append(p.replace(x=x, y=y))
    return fig.replace(panels=tuple(panels))


def _axis_changes(title, set_title, rng, log, rev) -> dict:
    out = {}
    if set_title:
        out["title"] = None if title in (None, "") else str(title)
    if rng is not None:
        lo, hi = (float(v) for v in rng)
        out["range"] = (lo, hi)
    if log is not None:
        out["log"] = bool(log)
    if rev is not None:
        out["reversed"] = bool(rev)
    return out


def plotly_log_ranges(fig, dim: str, rng) -> dict:
    """plotly layout entries giving every panel's ``dim`` axis the range ``rng`` on a log axis (plotly takes log10 units)."""
    lo, hi = (float(v) for v in rng)
    if lo <= 0 or hi <= 0:
        raise VizkitError(f"range_{dim} on a log axis must be positive; got {list(rng)}")
    n = len(fig.frame_panels(0))
    return {f"{dim}axis{'' if i == 0 else i + 1}_range": [math.log10(lo), math.log10(hi)] for i in range(n)}


def hide_legend(fig) -> object:
    """Every mark's legend entry turned off (``legend=False`` / ``showlegend=False``)."""
    panels = []
    for p in fig.panels:
        marks = tuple(m.replace(legend=False) if hasattr(m, "legend") else m for m in p.marks)
        panels.append(p.replace(marks=marks))
    return fig.replace(panels=tuple(panels))


def hist_norm(fig, histnorm, opacity=None) -> object:
    """plotly's ``histnorm`` "probability" / "percent" (each series' counts over its total) and a bar
    ``opacity``, applied to the histogram bars (densities are drawn by ``vk.hist`` itself)."""
    from ..spec import Bar

    scale = {"probability": 1.0, "percent": 100.0}.get(histnorm)
    panels = []
    for p in fig.panels:
        marks = []
        for m in p.marks:
            if isinstance(m, Bar):
                if scale is not None and float(np.nansum(m.y)) > 0:
                    m = m.replace(y=np.asarray(m.y, dtype=float) * (scale / float(np.nansum(m.y))))
                if opacity is not None:
                    m = m.replace(opacity=float(opacity))
            marks.append(m)
        panels.append(p.replace(marks=tuple(marks)))
    return fig.replace(panels=tuple(panels))


HISTNORMS = (None, "", "percent", "probability", "density", "probability density")


def add_marks(fig, make) -> object:
    """``make(panel)`` returns extra marks for a panel; they are drawn on top of its marks."""
    panels = [p.replace(marks=tuple(p.marks) + tuple(make(p))) for p in fig.panels]
    return fig.replace(panels=tuple(panels))


def diagonal(lo: float, hi: float) -> Line:
    """neel-plotly's ``include_diag``: a dashed grey y = x line, 30 % opaque, not in the legend."""
    return Line(x=np.array([lo, hi]), y=np.array([lo, hi]), color="gray", dash="dash", opacity=0.3, legend=False, width=1.5)


def hover_labels(fig, labels_per_panel: list[list[list[str]]]) -> tuple[object, list[str]]:
    """Per-point hover labels on the line/scatter marks of each panel (``[panel][mark][point]``).

    A mark whose points were downsampled keeps no labels (they would no longer match); the
    returned notes say so.
    """
    panels, notes = [], []
    for p, per_mark in zip(fig.panels, labels_per_panel, strict=True):
        marks, k = [], 0
        for m in p.marks:
            if isinstance(m, (Line, Scatter)) and k < len(per_mark):
                labels = per_mark[k]
                k += 1
                if len(labels) == len(m.x):
                    m = m.replace(hover_labels=tuple(labels))
                else:
                    notes.append("hover labels left out of downsampled lines")
            marks.append(m)
        panels.append(p.replace(marks=tuple(marks)))
    return fig.replace(panels=tuple(panels), notes=tuple(dict.fromkeys([*fig.notes, *notes]))), notes


def grid_panels(figs, rows: int, cols: int, titles) -> list[Panel]:
    """Panels of ``figs`` (one panel each) in plotly's subplot grid order, titled by ``titles``."""
    out = []
    titles = list(titles or [])
    for i, f in enumerate(figs):
        for p in f.frame_panels(0):
            title = titles[i] if i < len(titles) else p.title
            out.append(p.replace(title=title, frame=0))
    return out


__all__ = ["add_marks", "axes", "diagonal", "grid_panels", "hide_legend", "hover_labels", "panel_titles",
           "plotly_log_ranges"]
