"""The plotly backend: spec → ``plotly.graph_objects.Figure``.

Arrays go to the browser as base64 typed arrays (plotly ≥ 6 encodes numpy arrays that way).
Standalone HTML inlines plotly.js, so it renders with no network.
"""

from __future__ import annotations

import numpy as np

from ..spec import Bar, Heatmap, Line, Scatter, TokenText
from ..spec.colors import stops
from . import _layout as L

NAME = "plotly"
KINDS = "*"
FORMATS = frozenset({"html", "png", "svg", "pdf"})

_DASH = {"solid": "solid", "dash": "dash", "dot": "dot"}
_SLIDER_HEIGHT = 95  # CSS px the slider takes under the axis titles (its pad, current value, rail and ticks)


def _colorscale(name: str) -> list:
    s = stops(name)
    return [[i / (len(s) - 1), col] for i, col in enumerate(s)]


def render(fig, theme):
    from plotly.subplots import make_subplots

    rows, cols = fig.grid
    first = fig.frame_panels(0)
    titles = [L.escape(p.title) or "" for p in first] if any(p.title for p in first) else None
    out = make_subplots(rows=rows, cols=cols, subplot_titles=titles,
                        horizontal_spacing=min(0.08, 0.4 / cols) if cols > 1 else None,
                        vertical_spacing=min(0.12, 0.5 / rows) if rows > 1 else None)
    visibility: list[int] = []  # frame index of each trace
    shared_scale = _shared_scale(fig)
    for frame in range(fig.n_frames):
        for i, panel in enumerate(fig.frame_panels(frame)):
            r, col = divmod(i, cols)
            for mark in panel.marks:
                for trace in _traces(mark, panel, shared_scale, theme, fig):
                    trace.visible = frame == 0 and trace.visible is not False  # token rows: the first one
                    out.add_trace(trace, row=r + 1, col=col + 1)
                    visibility.append(frame)
            if frame == 0:
                _axes(out, panel, r + 1, col + 1, theme, L.size(fig, theme)[0] - 90)
    if shared_scale is not None:
        out.update_layout(coloraxis=_coloraxis(shared_scale, theme))
    width, height = L.size(fig, theme)
    out.update_layout(
        title={"text": L.escape(fig.title), "x": 0.5, "xanchor": "center"} if fig.title else None,
        width=width, height=height,
        font={"family": theme.font_family, "size": theme.font_size, "color": theme.foreground},
        paper_bgcolor=theme.background, plot_bgcolor=theme.panel_background,
        legend={"title": {"text": L.escape(fig.legend_title)}} if fig.legend_title else {},
        margin={"l": 60, "r": 30, "t": 70 if fig.title else 40,
                "b": 60 + (20 if fig.notes else 0) + (_SLIDER_HEIGHT if fig.slider else 0)},
        hoverlabel={"namelength": -1},
    )
    if fig.title:
        out.layout.title.font = {"size": L.title_px(fig.title, width - 30, theme)}  # centred, clipped at both ends
    if fig.slider is not None:
        out.update_layout(sliders=[_slider(fig, visibility)])
    note = L.caption(fig)
    if note:
        out.add_annotation(text=L.escape(note), xref="paper", yref="paper", x=0, y=0,
                           yshift=-50 - (_SLIDER_HEIGHT if fig.slider else 0),  # under the axis titles and the slider
                           showarrow=False, xanchor="left", yanchor="top", font={"size": max(9, theme.font_size - 2)})
    if fig.marks(TokenText):
        menu = _row_menu(out, fig)
        out.update_layout(plot_bgcolor=theme.background, barmode="overlay", updatemenus=[menu] if menu else None)
    return out


def _shared_scale(fig):
    scales = [m.colorscale for m in fig.marks(Heatmap)]
    if scales and all(s == scales[0] for s in scales):
        return scales[0]
    return None


def _coloraxis(scale, theme) -> dict:
    return {"colorscale": _colorscale(scale.name), "cmin": scale.zmin, "cmax": scale.zmax,
            "colorbar": {"title": {"text": L.escape(scale.title)}} if scale.title else {}}


def _hover_names(mark) -> tuple[str, str]:
    return (mark.y_title or "row"), (mark.x_title or "column")


def _traces(mark, panel, shared_scale, theme, fig):
    import plotly.graph_objects as go

    if isinstance(mark, Heatmap):
        ny, nx = mark.z.shape
        kw = {}
        if shared_scale is not None and mark.colorscale == shared_scale:
            kw["coloraxis"] = "coloraxis"
        else:
            kw.update(colorscale=_colorscale(mark.colorscale.name), zmin=mark.colorscale.zmin, zmax=mark.colorscale.zmax,
                      showscale=mark.show_scale)
        yname, xname = _hover_names(mark)
        xs = unique_labels(mark.x_labels) if mark.x_labels is not None else np.arange(nx)
        ys = unique_labels(mark.y_labels) if mark.y_labels is not None else np.arange(ny)
        hover = (f"{L.escape(yname)}: %{{y}}<br>{L.escape(xname)}: %{{x}}"
                 f"<br>{L.escape(mark.value_label)}: %{{z:.4g}}<extra></extra>")
        # float32 halves the payload; colours and the 4-digit hover are unchanged
        return [go.Heatmap(z=np.asarray(mark.z, dtype=np.float32), x=xs, y=ys, hovertemplate=hover, hoverongaps=False, **kw)]
    if isinstance(mark, Line):
        kw = {}
        if mark.hover_labels is not None:
            kw.update(text=[L.escape(s) for s in mark.hover_labels], hovertemplate="%{text}: %{y:.4g}<extra>%{fullData.name}</extra>")
        return [go.Scatter(x=mark.x, y=mark.y, name=L.escape(mark.name), mode="lines+markers" if mark.markers else "lines",
                           line={"color": mark.color, "width": mark.width * theme.line_width / 2.0, "dash": _DASH[mark.dash]},
                           opacity=mark.opacity, showlegend=bool(mark.legend and mark.name is not None),
                           legendgroup=mark.group, connectgaps=False, **kw)]
    if isinstance(mark, Scatter):
        marker = {"size": mark.size, "opacity": mark.opacity}
        if mark.values is not None:
            s = mark.colorscale
            marker.update(color=mark.values, colorscale=_colorscale(s.name), cmin=s.zmin, cmax=s.zmax, showscale=True,
                          colorbar={"title": {"text": L.escape(s.title)}} if s.title else {})
        else:
            marker["color"] = mark.color
        kw = {}
        if mark.hover_labels is not None:
            kw.update(text=[L.escape(s) for s in mark.hover_labels], hovertemplate="%{text}<br>(%{x:.4g}, %{y:.4g})<extra></extra>")
        return [go.Scatter(x=mark.x, y=mark.y, mode="markers", name=L.escape(mark.name), marker=marker,
                           showlegend=bool(mark.legend and mark.name is not None), **kw)]
    if isinstance(mark, Bar):
        kw = {"width": mark.widths} if mark.widths is not None else {}
        if mark.horizontal:
            return [go.Bar(y=mark.x, x=mark.y, orientation="h", name=L.escape(mark.name), marker_color=mark.color,
                           opacity=mark.opacity, showlegend=bool(mark.legend and mark.name is not None), **kw)]
        return [go.Bar(x=mark.x, y=mark.y, name=L.escape(mark.name), marker_color=mark.color, opacity=mark.opacity,
                       showlegend=bool(mark.legend and mark.name is not None), **kw)]
    if isinstance(mark, TokenText):
        return _token_traces(mark, theme, L.size(fig, theme)[0] - 90)
    raise TypeError(f"plotly backend: unknown mark {type(mark).__name__}")  # pragma: no cover


def unique_labels(labels) -> list[str]:
    """Escaped labels made unique by appending zero-width spaces to repeats.

    Heatmap cells then sit on a category axis whose ticks and hover read the token itself,
    while two identical tokens stay two columns (plotly would merge equal categories). This
    keeps the payload O(n) instead of an O(n²) per-cell hover array.
    """
    seen: dict[str, int] = {}
    out = []
    for label in labels:
        text = L.escape(label)
        k = seen.get(text, 0)
        seen[text] = k + 1
        out.append(text + "\u200b" * k)
    return out


def _token_traces(mark, theme, width: int):
    """Token boxes as horizontal bars laid out like text, one trace per value row (a menu picks the row).

    Each token is a bar as wide as its text (:func:`_layout.token_layout`), coloured by its value
    on the spec's scale, with the (escaped) token written inside in black or white, whichever
    reads better. An invisible marker trace carries the colour bar, so it shows the scale's
    zmin..zmax whichever row is chosen.
    """
    import plotly.graph_objects as go

    xs, ys, widths, _, font_px = L.token_layout(mark, width, theme)
    s = mark.colorscale
    text = [L.escape(t) for t in mark.tokens]
    traces = []
    for r in range(mark.values.shape[0]):
        values = mark.values[r]
        traces.append(go.Bar(
            x=widths, base=xs - widths / 2, y=ys, orientation="h", width=0.78, text=text,
            textposition="inside", insidetextanchor="middle", textangle=0, constraintext="none",
            textfont={"family": L.MONO, "size": font_px, "color": L.inks(values, s)},
            marker={"color": L.fills(values, s), "line": {"width": 0}},
            customdata=[L.fmt(v) for v in values],
            hovertemplate=f"%{{text}}<br>{L.escape(mark.value_label)}: %{{customdata}}<extra></extra>",
            name=L.escape(mark.row_labels[r]) if mark.row_labels else None, showlegend=False,
            visible=r == 0, meta={"vizkit_row": r},
        ))
    traces.append(go.Scatter(
        x=[None], y=[None], mode="markers", hoverinfo="skip", showlegend=False, meta={"vizkit_colorbar": True},
        marker={"colorscale": _colorscale(s.name), "cmin": s.zmin, "cmax": s.zmax, "color": [s.zmin], "showscale": True,
                "colorbar": {"title": {"text": L.escape(s.title or mark.value_label), "side": "right"}, "orientation": "h",
                             "x": 0.5, "xanchor": "center", "y": 0, "yanchor": "top", "ypad": 8, "len": 0.6,
                             "thickness": 12}},  # under the text, so one line of tokens still gets a readable bar
    ))
    return traces


def _row_menu(out, fig) -> dict | None:
    """A dropdown over the value rows of a token-text figure (``None`` when it has one row)."""
    rows = [t.meta["vizkit_row"] for t in out.data if isinstance(t.meta, dict) and "vizkit_row" in t.meta]
    mark = fig.marks(TokenText)[0]
    if len(rows) < 2:
        return None
    labels = mark.row_labels or tuple(f"row {r}" for r in range(len(rows)))
    buttons = [{"method": "restyle", "label": L.escape(label),
                "args": [{"visible": [not (isinstance(t.meta, dict) and "vizkit_row" in t.meta) or t.meta["vizkit_row"] == r
                                      for t in out.data]}]}
               for r, label in enumerate(labels)]
    return {"buttons": buttons, "direction": "down", "showactive": True, "active": 0, "x": 0, "xanchor": "left",
            "y": 1.0, "yanchor": "bottom", "pad": {"b": 6}}


def _axes(out, panel, row, col, theme, width: int):
    heat = next((m for m in panel.marks if isinstance(m, Heatmap)), None)
    for axis, update, labels in ((panel.x, out.update_xaxes, heat and heat.x_labels), (panel.y, out.update_yaxes, heat and heat.y_labels)):
        kw = {"title": {"text": L.escape(axis.title)} if axis.title else None, "gridcolor": theme.grid, "zeroline": False}
        if labels:
            kw.update(type="category", categoryorder="array", categoryarray=unique_labels(labels), showgrid=False)
        elif axis.labels is not None:
            pos, text = axis.tick_positions()
            kw.update(tickmode="array", tickvals=pos, ticktext=[L.escape(t) for t in text], showgrid=False)
        if axis.log:
            kw["type"] = "log"
        if axis.reversed:
            kw["autorange"] = "reversed"
        if axis.range is not None:
            kw["range"] = list(axis.range)
        update(row=row, col=col, **{k: v for k, v in kw.items() if v is not None})
    text = next((m for m in panel.marks if isinstance(m, TokenText)), None)
    if text is not None:  # character units across, one unit per wrapped line down
        _, ys, _, x_end, _ = L.token_layout(text, width, theme)
        out.update_xaxes(row=row, col=col, visible=False, range=[-0.5, x_end], fixedrange=True)
        out.update_yaxes(row=row, col=col, visible=False, range=[float(ys.max()) + 0.5, -0.5], fixedrange=True)


def _slider(fig, visibility: list[int]) -> dict:
    steps = []
    for k, label in enumerate(fig.slider.labels):
        steps.append({"method": "update", "label": label, "args": [{"visible": [f == k for f in visibility]}]})
    return {"active": 0, "currentvalue": {"prefix": f"{L.escape(fig.slider.name)}: "}, "steps": steps, "pad": {"t": 55}}


# ---------------------------------------------------------------------------------------------
# Output


def to_html(fig, theme, *, full_html: bool = True, div_id: str | None = None) -> str:
    """Standalone HTML with plotly.js inline (no CDN, no network)."""
    native = render(fig, theme)
    return native.to_html(include_plotlyjs=True, full_html=full_html, div_id=div_id or _div_id(fig),
                          config={"displaylogo": False, "responsive": True})


def _div_id(fig) -> str:
    import hashlib

    return "vizkit-" + hashlib.sha1(fig.to_json(sort_keys=True).encode()).hexdigest()[:12]


_JS_SENT = {"done": False}


def mimebundle(fig, theme) -> dict:
    """Plotly's own mime type (JupyterLab, VS Code, nteract) plus offline HTML (classic Notebook, Colab)."""
    import sys

    native = render(fig, theme)
    import json

    import plotly.io as pio

    bundle = {"application/vnd.plotly.v1+json": json.loads(pio.to_json(native, validate=False))}
    # Colab isolates each output in its own frame, so every output needs plotly.js; elsewhere the
    # library is sent once per kernel and reused by later outputs.
    inline_js = "google.colab" in sys.modules or not _JS_SENT["done"]
    html = native.to_html(include_plotlyjs=True if inline_js else False, full_html=False, div_id=_div_id(fig),
                          config={"displaylogo": False, "responsive": True})
    _JS_SENT["done"] = True
    bundle["text/html"] = html
    bundle["text/plain"] = repr(fig)
    return bundle


def to_image(fig, fmt: str, theme, *, scale: float = 1.0, width: int | None = None, height: int | None = None,
             timeout: float = 60.0) -> bytes:
    from ..export.browser import plotly_image

    return plotly_image(render(fig, theme), fmt, scale=scale, width=width, height=height, timeout=timeout)
