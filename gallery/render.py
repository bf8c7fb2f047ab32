"""A vizkit figure in a Panel pane, per backend, and clicked cells mapped back to the figure's labels.

:func:`prepare` does the slow part (rendering the native object, drawing a PNG) and may run in a
worker thread; :func:`pane` wraps the result in a Panel pane and must run in the session's thread
(bokeh models belong to one document, so nothing rendered here is shared between sessions).

========== ===================================================================================
plotly     ``pn.pane.Plotly`` (its ``click_data`` drives the linked view)
bokeh      ``pn.pane.Bokeh`` of the bokeh backend's layout (a Tap on a heatmap drives it too)
holoviews  ``pn.pane.HoloViews`` of the HoloViews object (bokeh extension)
matplotlib ``pn.pane.PNG`` drawn at twice the CSS size (sharp on HiDPI screens)
circuitsvis ``pn.pane.HTML`` holding the backend's ``<iframe srcdoc=...>``: its scripts run inside
           the frame, isolated from Panel's page, and every attribute is escaped by the backend
========== ===================================================================================

Zoom re-aggregation (:func:`prepare_live`): in a server session, an example that defines
``interactive(**params)`` (returning a HoloViews object, e.g. a :func:`vizkit.scale.zoomable_raster`
DynamicMap) is served live instead of its static figure when the backend is bokeh or holoviews,
so zooming re-aggregates from the full data on the server. Downloads stay the static figure.
An example's optional ``BACKENDS`` tuple limits the backends the page offers for it (see ``view.py``).
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

PNG_SCALE = 2.0


@dataclass
class Rendered:
    backend: str
    native: Any
    width: int
    height: int
    fig: Any
    live: bool = False  # ``native`` is an example's ``interactive(...)`` HoloViews object, re-aggregated by the server


def prepare(fig, backend: str) -> Rendered:
    """The native object of ``fig`` in ``backend`` (or PNG bytes / iframe HTML), with its CSS size."""
    from vizkit.export import to_bytes

    from .library import css_size

    width, height = css_size(fig)
    if backend == "matplotlib":
        native = to_bytes(fig, "png", "matplotlib", scale=PNG_SCALE)
        width, height = _png_size(native, PNG_SCALE)
    elif backend == "circuitsvis":
        native = _iframe(fig.to_html(backend="circuitsvis"), fig, width, height)
    else:
        if backend == "holoviews":
            _holoviews_on_bokeh()
        native = fig.to(backend)
    return Rendered(backend, native, int(width), int(height), fig)


def _png_size(png: bytes, scale: float) -> tuple[int, int]:
    """The CSS size of a PNG drawn at ``scale`` pixels per CSS pixel (read from its IHDR header)."""
    return round(int.from_bytes(png[16:20], "big") / scale), round(int.from_bytes(png[20:24], "big") / scale)


def _iframe(page: str, fig, width: int, height: int) -> str:
    """A standalone page in an ``iframe srcdoc``: its scripts run isolated from Panel's page.

    The height is a first guess (the page's own script fits its frame once drawn); every
    attribute is escaped, so the page's text (token strings) stays data.
    """
    guess = width + 180 if fig.kind == "attention" and not fig.height else height + 60
    return (f'<iframe srcdoc="{html.escape(page, quote=True)}" title="{html.escape(fig.title or "vizkit figure", quote=True)}" '
            f'style="border: 0; width: {width + 16}px; max-width: 100%; height: {guess}px;" loading="eager"></iframe>')


LIVE_BACKENDS = ("bokeh", "holoviews")


def prepare_live(example, params: dict, fig, backend: str) -> Rendered | None:
    """The example's ``interactive(**params)`` object for a server session, or None (no such hook, or a
    backend that is not drawn by bokeh). Runs the hook, which computes the first view, in the worker."""
    hook = getattr(example.module(), "interactive", None)
    if backend not in LIVE_BACKENDS or not callable(hook):
        return None
    from .library import css_size

    _holoviews_on_bokeh()
    width, height = css_size(fig)
    return Rendered(backend, hook(**params), int(width), int(height), fig, live=True)


def prepare_shared(cat, fig, backend: str) -> Rendered:
    """:func:`prepare`, shared by every session where it can be.

    PNGs and CircuitsVis pages are plain data: drawn once per figure for all sessions (the
    catalogue's ``views`` cache). Plotly, bokeh and HoloViews objects are rendered per session
    (a pane links to and mutates them; bokeh models belong to one document).
    """
    from .thumbnails import MPL_LOCK

    if backend not in ("matplotlib", "circuitsvis"):
        return prepare(fig, backend)

    def compute():
        if backend == "matplotlib":
            with MPL_LOCK:
                return fig, prepare(fig, backend)
        return fig, prepare(fig, backend)

    held, rendered = cat.views.get((backend, id(fig)), compute)
    return rendered if held is fig else compute()[1]  # an id reused after the figure left the cache


def _holoviews_on_bokeh() -> None:
    """Make bokeh HoloViews' current backend in this process (the gallery draws HoloViews with bokeh only).

    ``import holoviews`` leaves ``Store.current_backend == "matplotlib"`` without loading matplotlib's
    options, and ``pn.pane.HoloViews(obj, backend="bokeh")`` still looks options up there
    (``KeyError: 'matplotlib'``). The vizkit backend switches to bokeh only while it renders.
    """
    import holoviews as hv
    import holoviews.plotting.bokeh  # noqa: F401  (registers the bokeh renderer)

    if hv.Store.current_backend != "bokeh":
        hv.Store.current_backend = "bokeh"


def pane(r: Rendered, css_class: str = "vk-figure", *, tags: tuple[str, ...] = ()):
    """A Panel layout showing ``r``: the backend's pane in a column with CSS classes ``css_class``,
    ``vk-backend-{name}`` and ``tags`` (bokeh panes drop classes given to them, so the column holds them)."""
    import panel as pn

    inner = _pane(r)
    return pn.Column(inner, margin=0, css_classes=[css_class, f"vk-backend-{r.backend}", *tags])


def _pane(r: Rendered):
    import panel as pn

    css = ["vk-plot"]

    if r.live:
        return pn.pane.HoloViews(r.native, backend="bokeh", css_classes=[*css, "vk-live"])
    if r.backend == "plotly":
        return pn.pane.Plotly(r.native, config={"displaylogo": False, "responsive": False},
                              width=r.width, height=r.height, css_classes=css)
    if r.backend == "bokeh":
        return pn.pane.Bokeh(r.native, css_classes=css)
    if r.backend == "holoviews":
        # HoloMaps (a slider, token rows) get Panel widgets: they live in the pane's layout, not the pane
        hv_pane = pn.pane.HoloViews(r.native, backend="bokeh", widget_location="top_left", css_classes=css)
        return hv_pane.layout if hv_pane.widget_box.objects else hv_pane
    if r.backend == "matplotlib":
        # Drawn at twice its CSS size; shown at most that size, scaled down when the page is narrower.
        import base64

        src = "data:image/png;base64," + base64.b64encode(r.native).decode("ascii")
        alt = html.escape(r.fig.title or "figure", quote=True)
        return pn.pane.HTML(f'<img class="vk-img" src="{src}" alt="{alt}" width="{r.width}" height="{r.height}" '
                            f'style="display: block; max-width: 100%; height: auto;">',
                            width=r.width, styles={"max-width": "100%"}, css_classes=[*css, "vk-png"])
    if r.backend == "circuitsvis":
        return pn.pane.HTML(r.native, width=r.width + 24, styles={"max-width": "100%"}, css_classes=[*css, "vk-iframe"])
    raise ValueError(f"the gallery cannot show the {r.backend!r} backend")


# ---------------------------------------------------------------------------------------------
# Clicked cells → the figure's own labels


def plotly_traces(fig) -> list:
    """The mark behind each plotly trace, in the order the plotly backend adds them."""
    from vizkit.spec import TokenText

    out = []
    for frame in range(fig.n_frames):
        for panel in fig.frame_panels(frame):
            for mark in panel.marks:
                n = mark.values.shape[0] if isinstance(mark, TokenText) else 1
                out += [(panel, mark)] * n
    return out


def cell_labels(panel, mark, row: int, col: int) -> tuple[str, str]:
    """The (x, y) labels of heatmap cell ``[row, col]``: the spec's own labels, else the indices."""
    xs = mark.x_labels if mark.x_labels is not None else panel.x.labels
    ys = mark.y_labels if mark.y_labels is not None else panel.y.labels
    x = xs[col] if xs is not None and 0 <= col < len(xs) else str(col)
    y = ys[row] if ys is not None and 0 <= row < len(ys) else str(row)
    return str(x), str(y)


def plotly_click(fig, click_data: dict | None) -> tuple[str, str] | None:
    """The (x, y) labels of the heatmap cell in plotly ``click_data``, or None (not a heatmap cell)."""
    from vizkit.spec import Heatmap

    points = (click_data or {}).get("points") or []
    if not points:
        return None
    point = points[0]
    traces = plotly_traces(fig)
    curve = point.get("curveNumber")
    number = point.get("pointNumber")
    if isinstance(curve, int) and 0 <= curve < len(traces) and isinstance(number, (list, tuple)) and len(number) == 2:
        panel, mark = traces[curve]
        if isinstance(mark, Heatmap):
            return cell_labels(panel, mark, int(number[0]), int(number[1]))
        return None
    if "x" in point and "y" in point:  # plotly's category labels: escaped, repeats padded with zero-width spaces
        import html

        return html.unescape(str(point["x"])).rstrip("\u200b"), html.unescape(str(point["y"])).rstrip("\u200b")
    return None


def bokeh_heatmap_plots(fig, root) -> list:
    """``(plot, panel, mark)`` for each heatmap panel of every frame in a bokeh-backend layout."""
    from vizkit.spec import Heatmap

    out = []
    for frame in range(fig.n_frames):
        for i, panel in enumerate(fig.frame_panels(frame)):
            mark = next((m for m in panel.marks if isinstance(m, Heatmap)), None)
            plot = root.select_one({"name": f"vizkit-panel-{frame}-{i}"}) if mark is not None else None
            if plot is not None:
                out.append((plot, panel, mark))
    return out


def bokeh_cell(mark, x: float, y: float) -> tuple[int, int] | None:
    """The (row, col) of the heatmap cell under data coordinates ``(x, y)`` (cells centred on integers)."""
    import math

    ny, nx = mark.z.shape
    col, row = int(math.floor(x + 0.5)), int(math.floor(y + 0.5))
    if 0 <= col < nx and 0 <= row < ny:
        return row, col
    return None
