"""Plotly traces of the spec's marks, read from the plan (scale sharing, hover names)."""

from __future__ import annotations

import numpy as np

from ...plan.colour import drawable, inf_cells
from ...plan.marks import cell_text
from ...plan.text import escape, plain
from ...spec import Bar, Heatmap, Line, Scatter
from . import wide
from ._text import colorscale, label, template_text, unique_labels

__all__ = ["traces"]

_DASH = {"solid": "solid", "dash": "dash", "dot": "dot"}


def traces(mark, hover, plan, theme, panel=None) -> list:
    """The traces of one (non-token) mark; ``hover`` is its :class:`~vizkit.plan.HoverFields`, ``panel`` its panel plan."""
    if isinstance(mark, Line) and panel is not None and panel.y.log:
        return _line(mark, hover, plan, theme, log_y=True)
    if isinstance(mark, Heatmap):
        return _heatmap(mark, hover, plan, theme, panel)
    return _DRAW[type(mark)](mark, hover, plan, theme)


def _data(text: str) -> str:
    """Cell text for plotly: markup escaped and ``%{`` written ``&#37;{`` (shown literally, never a template field)."""
    return escape(plain(text)).replace("%{", "&#37;{")


def _cell_text(mark, plan, theme, panel) -> dict:
    """Heatmap keywords for the plan's cell text: escaped text in its ink (``text`` + ``texttemplate``)
    and the full text in the hover (``customdata``), also where the cells are too small to show it."""
    if mark.text is None:
        return {}
    kw = {"customdata": [[_data(t) for t in row] for row in mark.text]}
    planned = cell_text(mark, panel, theme) if panel is not None else None
    if planned is not None:
        grid = [[""] * mark.z.shape[1] for _ in range(mark.z.shape[0])]
        for r, c, t, ink in zip(planned.rows, planned.cols, planned.text, planned.inks, strict=True):
            grid[r][c] = f'<span style="color:{ink}">{_data(t)}</span>'  # the data escaped; only the ink is markup
        kw.update(text=grid, texttemplate="%{text}", textfont={"size": planned.font_px, "family": theme.font_family})
    return kw


def _heatmap(mark, hover, plan, theme, panel=None):
    import plotly.graph_objects as go

    ny, nx = mark.z.shape
    kw = {}
    if plan.shares_scale(mark):
        kw["coloraxis"] = "coloraxis"
    else:
        s = mark.colorscale
        kw.update(colorscale=colorscale(s.name), zmin=s.zmin, zmax=s.zmax, showscale=mark.show_scale)
    fy, fx = wide.factors(mark, panel)
    if fy > 1 or fx > 1:  # more cells than plotly.js draws: blocks keeping their extreme value (wide.py)
        return _blocks(mark, hover, plan, theme, fy, fx, kw)
    xs = unique_labels(mark.x_labels) if mark.x_labels is not None else np.arange(nx)
    ys = unique_labels(mark.y_labels) if mark.y_labels is not None else np.arange(ny)
    text = _cell_text(mark, plan, theme, panel)
    template = (f"{template_text(hover.y)}: %{{y}}<br>{template_text(hover.x)}: %{{x}}"
                f"<br>{template_text(hover.value)}: %{{z:.4g}}"
                + (f"<br>{template_text(mark.text_label)}: %{{customdata}}" if text else "") + "<extra></extra>")
    # float32 halves the payload; colours and the 4-digit hover are unchanged; ±inf is a gap, not an end colour
    out = [go.Heatmap(z=drawable(mark.z).astype(np.float32), x=xs, y=ys, hovertemplate=template, hoverongaps=False,
                      **kw, **text)]
    out += _inf_markers(mark.z, xs, ys, hover, theme)
    return out


def _blocks(mark, hover, plan, theme, fy: int, fx: int, kw: dict) -> list:
    """A heatmap too large for plotly.js along an axis, drawn in ``fy`` × ``fx`` blocks of extreme values on category
    axes whose names give each block's range (cell text is left out: one string cannot stand for a block)."""
    import plotly.graph_objects as go

    ny, nx = mark.z.shape
    z = wide.reduce(drawable(mark.z), fy, fx)
    xs = wide.names(mark.x_labels, nx, fx) if fx > 1 else (unique_labels(mark.x_labels) if mark.x_labels is not None
                                                              else [str(i) for i in range(nx)])
    ys = wide.names(mark.y_labels, ny, fy) if fy > 1 else (unique_labels(mark.y_labels) if mark.y_labels is not None
                                                              else [str(i) for i in range(ny)])
    value = wide.value_name(z, template_text(hover.value))
    template = (f"{template_text(hover.y)}: %{{y}}<br>{template_text(hover.x)}: %{{x}}"
                f"<br>{value}: %{{z:.4g}}<extra></extra>")
    out = [go.Heatmap(z=z.astype(np.float32), x=xs, y=ys, hovertemplate=template, hoverongaps=False, **kw)]
    rows, cols, sign = inf_cells(mark.z)
    if rows.size:  # a block holding ±inf is marked as the cell would be (its finite cells still colour it)
        keys = sorted({(int(r) // fy, int(c) // fx, int(s)) for r, c, s in zip(rows, cols, sign, strict=True)})
        return out + _inf_markers(None, xs, ys, hover, theme, cells=(np.array([k[0] for k in keys]),
                                                                     np.array([k[1] for k in keys]),
                                                                     np.array([k[2] for k in keys])))
    return out


def _inf_markers(z, xs, ys, hover, theme, cells=None) -> list:
    import plotly.graph_objects as go

    rows, cols, sign = cells if cells is not None else inf_cells(z)
    out = []
    if rows.size:  # the gaps at ±inf marked (✕ for +inf, ○ for -inf) and hovered as inf
        out.append(go.Scatter(
            x=np.asarray(xs)[cols], y=np.asarray(ys)[rows], mode="markers", showlegend=False, meta={"vizkit_inf": True},
            marker={"symbol": ["x-thin-open" if s > 0 else "circle-open" for s in sign], "size": 9, "color": theme.foreground,
                    "line": {"width": 1.5, "color": theme.foreground}},
            customdata=["+inf" if s > 0 else "-inf" for s in sign],
            hovertemplate=(f"{template_text(hover.y)}: %{{y}}<br>{template_text(hover.x)}: %{{x}}"
                           f"<br>{template_text(hover.value)}: %{{customdata}}<extra></extra>")))
    return out


def _isolated(y) -> np.ndarray:
    """Which points of a line have no drawn neighbour (a run of one between gaps): they need a marker."""
    ok = np.isfinite(y)
    left = np.concatenate([[False], ok[:-1]])
    right = np.concatenate([ok[1:], [False]])
    return ok & ~left & ~right


def _line(mark, hover, plan, theme, log_y: bool = False):
    import plotly.graph_objects as go

    y = np.asarray(mark.y, dtype=float)
    if log_y:  # zero and negative values have no place on a log axis: a gap there, not a plunge toward it
        y = np.where(y > 0, y, np.nan)
    kw = {}
    if mark.hover_labels is not None:
        kw.update(text=[label(s) for s in mark.hover_labels], hovertemplate="%{text}: %{y:.4g}<extra>%{fullData.name}</extra>")
    lone = _isolated(y)
    mode = "lines+markers" if mark.markers or lone.any() else "lines"
    if lone.any() and not mark.markers:  # markers only on the lone points, so a single point shows
        kw["marker"] = {"size": np.where(lone, 7, 0).tolist(), "color": mark.color}
    return [go.Scatter(x=mark.x, y=y, name=label(mark.name), mode=mode,
                       line={"color": mark.color, "width": mark.width * theme.line_width / 2.0, "dash": _DASH[mark.dash]},
                       opacity=mark.opacity, showlegend=bool(mark.legend and mark.name is not None),
                       legendgroup=mark.group, connectgaps=False, **kw)]


def _scatter(mark, hover, plan, theme):
    import plotly.graph_objects as go

    marker = {"size": mark.size, "opacity": mark.opacity}
    if mark.values is not None:
        s = mark.colorscale
        colour = np.where(np.isfinite(mark.values), mark.values, np.nan)  # ±inf: not an end colour (plotly draws NaN grey)
        marker.update(color=colour, colorscale=colorscale(s.name), cmin=s.zmin, cmax=s.zmax, showscale=True,
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
