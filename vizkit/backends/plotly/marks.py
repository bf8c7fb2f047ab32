"""Plotly traces of the spec's marks, read from the plan (scale sharing, hover names)."""

from __future__ import annotations

import numpy as np

from ...spec import Bar, Heatmap, Line, Scatter
from ._text import colorscale, label, template_text, unique_labels

__all__ = ["traces"]

_DASH = {"solid": "solid", "dash": "dash", "dot": "dot"}


def traces(mark, hover, plan, theme) -> list:
    """The traces of one (non-token) mark; ``hover`` is its :class:`~vizkit.plan.HoverFields`."""
    return _DRAW[type(mark)](mark, hover, plan, theme)


def _heatmap(mark, hover, plan, theme):
    import plotly.graph_objects as go

    ny, nx = mark.z.shape
    kw = {}
    if plan.shares_scale(mark):
        kw["coloraxis"] = "coloraxis"
    else:
        s = mark.colorscale
        kw.update(colorscale=colorscale(s.name), zmin=s.zmin, zmax=s.zmax, showscale=mark.show_scale)
    xs = unique_labels(mark.x_labels) if mark.x_labels is not None else np.arange(nx)
    ys = unique_labels(mark.y_labels) if mark.y_labels is not None else np.arange(ny)
    template = (f"{template_text(hover.y)}: %{{y}}<br>{template_text(hover.x)}: %{{x}}"
                f"<br>{template_text(hover.value)}: %{{z:.4g}}<extra></extra>")
    # float32 halves the payload; colours and the 4-digit hover are unchanged
    return [go.Heatmap(z=np.asarray(mark.z, dtype=np.float32), x=xs, y=ys, hovertemplate=template, hoverongaps=False, **kw)]


def _line(mark, hover, plan, theme):
    import plotly.graph_objects as go

    kw = {}
    if mark.hover_labels is not None:
        kw.update(text=[label(s) for s in mark.hover_labels], hovertemplate="%{text}: %{y:.4g}<extra>%{fullData.name}</extra>")
    return [go.Scatter(x=mark.x, y=mark.y, name=label(mark.name), mode="lines+markers" if mark.markers else "lines",
                       line={"color": mark.color, "width": mark.width * theme.line_width / 2.0, "dash": _DASH[mark.dash]},
                       opacity=mark.opacity, showlegend=bool(mark.legend and mark.name is not None),
                       legendgroup=mark.group, connectgaps=False, **kw)]


def _scatter(mark, hover, plan, theme):
    import plotly.graph_objects as go

    marker = {"size": mark.size, "opacity": mark.opacity}
    if mark.values is not None:
        s = mark.colorscale
        marker.update(color=mark.values, colorscale=colorscale(s.name), cmin=s.zmin, cmax=s.zmax, showscale=True,
                      colorbar={"title": {"text": label(s.title)}} if s.title else {})
    else:
        marker["color"] = mark.color
    kw = {}
    if mark.hover_labels is not None:
        kw.update(text=[label(s) for s in mark.hover_labels], hovertemplate="%{text}<br>(%{x:.4g}, %{y:.4g})<extra></extra>")
    return [go.Scatter(x=mark.x, y=mark.y, mode="markers", name=label(mark.name), marker=marker,
                       showlegend=bool(mark.legend and mark.name is not None), **kw)]


def _bar(mark, hover, plan, theme):
    import plotly.graph_objects as go

    kw = {"width": mark.widths} if mark.widths is not None else {}
    common = {"name": label(mark.name), "marker_color": mark.color, "opacity": mark.opacity,
              "showlegend": bool(mark.legend and mark.name is not None)}
    if mark.horizontal:
        return [go.Bar(y=mark.x, x=mark.y, orientation="h", **common, **kw)]
    return [go.Bar(x=mark.x, y=mark.y, **common, **kw)]


_DRAW = {Heatmap: _heatmap, Line: _line, Scatter: _scatter, Bar: _bar}
