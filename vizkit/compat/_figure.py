"""The figure every compat helper returns, and the rules they share.

A compat call builds a normal :class:`vizkit.Figure` through the native figure functions. What
the spec cannot hold (a plotly template, ``hovermode``, a log-axis toggle button, per-cell text)
travels in ``meta["compat"]``:

``plotly_layout``
    keywords for ``plotly.graph_objects.Figure.update_layout``, applied to the native plotly
    figure; the other backends cannot honour them.
``plotly_traces``
    keywords for ``update_traces`` (``{"selector": type, "update": {...}}`` entries, or
    ``{"index": i, "update": {...}}`` for one trace).
``plotly_axes``
    keywords for ``update_xaxes`` / ``update_yaxes`` (``{"x": {...}, "y": {...}}``).
``plotly_only``
    the names the user passed that only plotly honours: drawing with another backend warns
    once, naming them.
``not_drawn``
    names vizkit accepts (so the notebook runs) but draws in no backend: every draw warns once.

:class:`CompatFigure` is a :class:`vizkit.Figure` whose ``to``/``to_html``/``save``/``show``/
notebook display apply ``plotly_layout`` in plotly and give the one warning elsewhere.
"""

from __future__ import annotations

import dataclasses
import warnings

from ..errors import VizkitWarning
from ..spec import Figure
from ._plotly_api import PlotlyFigureAPI
from ._plotly_api import plain_copy as _plain

__all__ = ["CompatFigure", "CompatWarning", "as_compat", "finish"]


class CompatWarning(VizkitWarning):
    """A keyword of the original helper that the backend drawing the figure cannot honour."""


@dataclasses.dataclass(frozen=True, eq=False, repr=False)
class CompatFigure(PlotlyFigureAPI, Figure):
    """A :class:`vizkit.Figure` made by a compat helper (``vizkit.compat.neel_plotly``, ``arena``, ``circuitsvis``).

    Everything a Figure does works; in addition, plotly-only keywords of the original call are
    applied to the native plotly figure, and drawing with a backend that cannot honour them
    warns once (:class:`CompatWarning`) naming them.

    As the originals return plotly figures, the common plotly ``Figure`` methods work on it, in
    place: ``update_layout``, ``update_xaxes``/``update_yaxes``, ``update_traces``,
    ``add_hline``/``add_vline``, ``add_shape(type="line")``, ``add_trace(go.Scatter(...))``,
    ``write_html``/``write_image``, ``show(renderer=...)``; ``fig.layout`` and ``fig.data`` read
    the plotly figure the plotly backend draws.
    """

    # -- what the original call asked for beyond the spec -----------------------------------------
    @property
    def compat(self) -> dict:
        return self.meta.get("compat", {})

    def _choose(self, backend: str | None) -> str:
        """The backend that draws: ``backend``, the figure's own, then the setting in force."""
        from .._config import get_backend

        return get_backend(backend if backend is not None else self.backend)

    def _prepare(self, backend: str | None) -> str:
        """The backend name that will draw, after giving the one warning it needs."""
        name = self._choose(backend)
        unhonoured = list(self.compat.get("not_drawn", ()))
        if name != "plotly":
            unhonoured = list(self.compat.get("plotly_only", ())) + unhonoured
        warned = self.__dict__.setdefault("_warned", set())
        if unhonoured and name not in warned:
            warned.add(name)
            where = "any backend" if name == "plotly" else f"the {name!r} backend"
            only = " (plotly draws the plotly-only ones: vk.set_backend('plotly'))" if name != "plotly" and self.compat.get("plotly_only") else ""
            warnings.warn(
                f"{self.compat.get('helper', 'compat')}.{self.kind}: keyword(s) {', '.join(unhonoured)} "
                f"cannot be drawn by {where}; the figure is drawn without them{only}",
                CompatWarning, stacklevel=3)
        return name

    def _native_plotly(self, **options):
        native = Figure.to(self, "plotly", **options)
        apply_plotly(native, self.compat)
        return native

    # -- the conveniences of Figure, plotly extras applied ------------------------------------------
    def to(self, backend: str | None = None, **options):
        name = self._prepare(backend)
        if name == "plotly":
            return self._native_plotly(**options)
        return Figure.to(self, name, **options)

    def to_html(self, backend: str | None = None, **options) -> str:
        name = self._prepare(backend)
        if name == "plotly" and self._has_plotly_extras() and not options:
            return self._native_plotly().to_html(include_plotlyjs=True, full_html=True,
                                                 config={"displaylogo": False, "responsive": True})
        return Figure.to_html(self, name, **options)

    def _export_bytes(self, fmt: str, backend: str | None = None, *, theme: str | None = None, **options) -> bytes | None:
        """The file content when the plotly extras must be drawn (HTML and images in plotly), else ``None``:
        the exporter (``vk.save``, ``fig.save``, ``vizkit export``) then writes the spec as for any figure."""
        name = self._prepare(backend)
        if name != "plotly" or not self._has_plotly_extras() or fmt not in ("html", "png", "svg", "pdf") or theme:
            return None
        if fmt == "html":
            return None if options else self.to_html("plotly").encode("utf-8")
        from ..export.browser import plotly_image

        options = dict(options)
        dpi = options.pop("dpi", None)
        scale = options.pop("scale", None) or (float(dpi) / 96 if dpi else 1.0)
        if set(options) - {"width", "height", "timeout"}:
            return None  # frame=, notes=: the spec's static path handles them (without the extras)
        if options.get("width") is not None:
            from ..export import _paper_width

            options["width"] = _paper_width(options["width"])
        return plotly_image(self._native_plotly(), fmt, scale=scale, **options)

    def show(self, backend: str | None = None, renderer: str | None = None, validate: bool = True, **kwargs) -> None:
        """Display as :meth:`vizkit.Figure.show` does. plotly's ``renderer`` (also given first, as
        ``fig.show("browser")``) and ``config`` are accepted: vizkit displays in the notebook,
        or in a browser outside one."""
        if backend is not None and renderer is None and not _is_backend(backend):
            backend, renderer = None, backend
        name = self._prepare(backend)
        from ..export import notebook

        if notebook._in_kernel():  # the display a notebook shows: the plotly extras applied, as _repr_mimebundle_ does
            from IPython.display import display

            bundle = self._plotly_bundle() if name == "plotly" and self._has_plotly_extras() else notebook.mimebundle(self, name)
            display(bundle, raw=True)
            return
        Figure.show(self, name)  # outside a kernel: a page in the browser, written by the exporter (extras applied)

    def _repr_mimebundle_(self, include=None, exclude=None):
        name = self._prepare(None)
        if name == "plotly" and self._has_plotly_extras():
            return self._plotly_bundle()
        from ..export.notebook import mimebundle

        return mimebundle(self, name)

    def _plotly_bundle(self) -> dict:
        """The plotly backend's notebook bundle, drawn from the native figure with the extras applied
        (plotly.js inline once per kernel, in every output on Colab, as the backend sends it)."""
        import json
        import sys

        import plotly.io as pio

        from ..backends import plotly as plotly_backend

        native = self._native_plotly()
        sent = getattr(plotly_backend, "_JS_SENT", {"done": False})
        inline = "google.colab" in sys.modules or not sent["done"]
        html = native.to_html(include_plotlyjs=bool(inline), full_html=False, config={"displaylogo": False, "responsive": True})
        sent["done"] = True
        return {"application/vnd.plotly.v1+json": json.loads(pio.to_json(native, validate=False)), "text/html": html,
                "text/plain": repr(self)}

    def _has_plotly_extras(self) -> bool:
        return bool(self.compat.get("plotly_layout") or self.compat.get("plotly_traces") or self.compat.get("plotly_axes")
                    or self.compat.get("plotly_calls") or self.compat.get("plotly_shapes"))

    # -- JSON: a compat figure is saved as a plain Figure (its extras stay in meta) -------------------
    def to_dict(self) -> dict:
        out = Figure.to_dict(self)
        out["type"] = "Figure"
        return out



def apply_plotly(native, compat: dict) -> None:
    """Apply ``compat["plotly_layout"]`` and ``compat["plotly_traces"]`` to a plotly figure in place."""
    layout = dict(compat.get("plotly_layout") or {})
    if layout:
        native.update_layout(**layout)
    for entry in compat.get("plotly_traces") or ():
        if entry.get("index") is not None:
            if entry["index"] < len(native.data):
                trace = native.data[entry["index"]]
                trace.update(**entry["update"])
                if entry.get("hover_append") and trace.hovertemplate:
                    extra = f"<br>{entry['hover_append']}=%{{customdata}}"
                    trace.hovertemplate = trace.hovertemplate.replace("<extra>", extra + "<extra>", 1)
            continue
        selector = {"type": entry["selector"]} if entry.get("selector") else None
        native.update_traces(selector=selector, **entry["update"])
    from ._plotly_api import apply_shapes

    apply_shapes(native, compat.get("plotly_shapes"))
    for call in compat.get("plotly_calls") or ():
        if call["method"] == "slider_prefix":  # the current-value prefix of the figure's sliders
            for slider in native.layout.sliders or ():
                slider.currentvalue.prefix = call["kwargs"]["prefix"]
            continue
        getattr(native, call["method"])(**call["kwargs"])
    axes = compat.get("plotly_axes") or {}
    if axes.get("x"):
        native.update_xaxes(**axes["x"])
    if axes.get("y"):
        native.update_yaxes(**axes["y"])


def _is_backend(name) -> bool:
    from .._registry import check_backend_name

    try:
        check_backend_name(name)
    except Exception:
        return False
    return True


def as_compat(fig: Figure, helper: str, *, plotly_layout: dict | None = None, plotly_traces: list | None = None,
              plotly_only: list[str] | None = None, not_drawn: list[str] | None = None, plotly_axes: dict | None = None,
              **changes) -> CompatFigure:
    """``fig`` as a :class:`CompatFigure` carrying what the original call asked for beyond the spec."""
    meta = dict(fig.meta)
    before = dict(meta.get("compat") or {})
    meta["compat"] = {
        "helper": helper,
        "plotly_layout": _plain(plotly_layout or {}),
        "plotly_traces": _plain(list(plotly_traces or [])),
        "plotly_axes": _plain(dict(plotly_axes or {})),
        "plotly_only": sorted(set(plotly_only or ())),
        "not_drawn": sorted(set(not_drawn or ())),
    }
    for key in ("plotly_shapes", "plotly_calls"):  # recorded while the figure was built (reference lines)
        if before.get(key):
            meta["compat"][key] = list(before[key])
    fields = {f.name: getattr(fig, f.name) for f in dataclasses.fields(Figure)}
    fields.update(changes)
    fields["meta"] = meta
    return CompatFigure(**fields)


def finish(fig: CompatFigure, return_fig: bool):
    """The helpers' display rule: return the figure when asked, else show it and return ``None``."""
    if return_fig:
        return fig
    fig.show()
    return None
