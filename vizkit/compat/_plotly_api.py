"""The part of plotly's ``Figure`` API that notebooks use on a figure returned with ``return_fig=True``.

neel-plotly and ARENA return plotly figures, and notebooks poke at them::

    fig = line(..., return_fig=True)
    fig.add_hline(y=0.25)
    fig.update_layout(title="...", yaxis_range=[0, 1])
    fig.show()

A compat figure is a :class:`vizkit.Figure`, so these calls edit it in place (as plotly does) and
return it (so chains work). What the spec holds (titles, axis titles and ranges, log axes, size,
legend visibility, reference lines, added line/scatter traces) is drawn by every backend; the
rest (fonts, margins, tick formats, trace styling ...) is applied to the plotly figure and warned
about, once, by any other backend. ``fig.layout`` and ``fig.data`` read the plotly figure the
plotly backend draws.
"""

from __future__ import annotations

import numpy as np

from ..errors import UnsupportedInputError, VizkitError
from ..spec import Bar, Heatmap, Line, Scatter
from . import _edit

#: plotly's default shape colour (``add_hline``, ``add_vline``, ``add_shape``).
SHAPE_COLOR = "#444"
#: The legend group of the spec lines that stand for plotly shapes: every backend draws them as
#: lines; the plotly figure gets the shape itself (``fig.layout.shapes``, as in the originals) instead.
SHAPE_GROUP = "vizkit-compat-shape"


def shape_marks(fig, method: str, kwargs: dict, make):
    """``fig`` with the spec lines ``make(panel)`` in every panel, standing for the plotly call
    ``method(**kwargs)`` (``add_hline``, ``add_vline``, ``add_shape``) that the plotly figure gets instead."""
    fig = _edit.add_marks(fig, lambda p: [m.replace(group=SHAPE_GROUP) for m in make(p)])
    compat = fig.meta.setdefault("compat", {})
    compat.setdefault("plotly_shapes", []).append({"method": method, "kwargs": _plain(kwargs)})
    return fig


def apply_shapes(native, shapes) -> None:
    """Replace the stand-in lines of a plotly figure by the plotly shapes they stand for."""
    if not shapes:
        return
    native.data = tuple(d for d in native.data if getattr(d, "legendgroup", None) != SHAPE_GROUP)
    for frame in native.frames or ():
        frame.data = tuple(d for d in frame.data if getattr(d, "legendgroup", None) != SHAPE_GROUP)
    for entry in shapes:
        call = getattr(native, entry["method"])
        try:
            call(**entry["kwargs"], row="all", col="all")
        except Exception:  # a figure not made with make_subplots takes no row/col
            call(**entry["kwargs"])


class PlotlyFigureAPI:
    """Mixin of :class:`~vizkit.compat._figure.CompatFigure`: plotly ``Figure`` methods, in place."""

    # -- in-place editing of a frozen spec --------------------------------------------------------
    def _adopt(self, new) -> None:
        """Take every field of ``new`` (an edited copy), keeping this object's identity."""
        import dataclasses

        for f in dataclasses.fields(new):
            if f.name != "meta":
                self._set(f.name, getattr(new, f.name))
        self.__dict__.pop("_warned", None)

    def _compat_record(self, key: str):
        compat = self.meta.setdefault("compat", {})
        return compat.setdefault(key, {} if key in ("plotly_layout", "plotly_axes") else [])

    def _plotly_only(self, *names: str) -> None:
        compat = self.meta.setdefault("compat", {})
        compat["plotly_only"] = sorted(set(compat.get("plotly_only", ())) | set(names))
        self.__dict__.pop("_warned", None)

    # -- layout ---------------------------------------------------------------------------------
    def update_layout(self, dict1=None, overwrite=False, **kwargs):
        """plotly's ``update_layout``: titles, axis titles/ranges, size and legend go to the spec, the rest to plotly."""
        return self._layout_update({**(dict1 or {}), **kwargs}, f"update_layout({', '.join(sorted({**(dict1 or {}), **kwargs}))})")

    def _layout_update(self, updates: dict, label: str | None = None):
        """Apply layout ``updates``; the plotly-only part is named ``label`` in warnings (``None``: by its keys)."""
        rest = self._to_spec(updates, lambda key: key)
        if rest:
            layout = self._compat_record("plotly_layout")
            layout.update(_plain(rest))
            self._plotly_only(*([label] if label else sorted(rest)))
        return self

    def _to_spec(self, updates: dict, layout_key, every_panel: bool = False) -> dict:
        """Apply to the spec each of ``updates`` it holds (under ``layout_key(key)``); the rest, for plotly alone."""
        fig, rest = self, {}
        for key, value in _flatten(updates).items():
            spec = _spec_layout(fig, layout_key(key), value, every_panel=every_panel)
            if spec is None:
                rest[key] = value
            else:
                fig = spec
        if fig is not self:
            self._adopt(fig)
        return rest

    def update_xaxes(self, patch=None, selector=None, overwrite=False, row=None, col=None, **kwargs):
        return self._update_axes("x", {**(patch or {}), **kwargs})

    def update_yaxes(self, patch=None, selector=None, overwrite=False, row=None, col=None, **kwargs):
        return self._update_axes("y", {**(patch or {}), **kwargs})

    def _update_axes(self, dim: str, updates: dict):
        rest = self._to_spec(updates, lambda key: f"{dim}axis_{key}", every_panel=True)
        if rest:
            axes = self._compat_record("plotly_axes")
            axes.setdefault(dim, {}).update(_plain(rest))
            self._plotly_only(f"update_{dim}axes({', '.join(sorted(rest))})")
        return self

    def update_traces(self, patch=None, selector=None, row=None, col=None, secondary_y=None, overwrite=False, **kwargs):
        """plotly's ``update_traces`` (marker size, opacity, line width ...): applied in plotly."""
        updates = {**(patch or {}), **kwargs}
        if isinstance(selector, dict):
            selector = selector.get("type")
        elif selector is not None and not isinstance(selector, str):
            raise VizkitError(f"update_traces: selector must be a dict like {{'type': 'scatter'}}; got {type(selector).__name__}")
        self._compat_record("plotly_traces").append({"selector": selector, "update": _plain(updates)})
        self._plotly_only(f"update_traces({', '.join(sorted(updates))})")
        return self

    def update_coloraxes(self, patch=None, **kwargs):
        return self.update_layout(coloraxis={**(patch or {}), **kwargs})

    # -- reference lines, shapes and traces -------------------------------------------------------
    def add_hline(self, y, row=None, col=None, exclude_empty_subplots=True, annotation=None, **kwargs):
        """A horizontal line at ``y`` across every panel (a spec mark, drawn by every backend)."""
        return self._add_rule("h", _position(self, "y", y), kwargs)

    def add_vline(self, x, row=None, col=None, exclude_empty_subplots=True, annotation=None, **kwargs):
        """A vertical line at ``x`` (a number, or a tick label such as a head name) across every panel."""
        return self._add_rule("v", _position(self, "x", x), kwargs)

    def _add_rule(self, orient: str, at: float, kwargs: dict):
        kwargs = dict(kwargs)
        plotly_kwargs = {("y" if orient == "h" else "x"): at, **kwargs}
        style = _line_style(kwargs)
        text = kwargs.pop("annotation_text", None)
        for k in [k for k in kwargs if k.startswith("annotation")]:
            kwargs.pop(k)
        if kwargs:
            self._plotly_only(*sorted(kwargs))
        name = str(text) if text is not None else None

        def make(panel):
            hover = (name, name) if name else None
            if orient == "h":
                lo, hi = _extent(panel, "x")
                return [Line(x=np.array([lo, hi]), y=np.array([at, at]), name=name, legend=False, hover_labels=hover, **style)]
            lo, hi = _extent(panel, "y")
            return [Line(x=np.array([at, at]), y=np.array([lo, hi]), name=name, legend=False, hover_labels=hover, **style)]

        self._adopt(shape_marks(self, f"add_{orient}line", plotly_kwargs, make))
        return self

    def add_shape(self, arg=None, type=None, x0=None, y0=None, x1=None, y1=None, row=None, col=None, **kwargs):  # noqa: A002
        """A ``type="line"`` shape from (x0, y0) to (x1, y1), drawn in every panel; other shapes raise."""
        spec = {**(arg or {}), **{k: v for k, v in dict(type=type, x0=x0, y0=y0, x1=x1, y1=y1).items() if v is not None}, **kwargs}
        if spec.get("type") != "line" or any(spec.get(k) is None for k in ("x0", "y0", "x1", "y1")):
            raise UnsupportedInputError(f"add_shape draws type='line' with x0, y0, x1, y1 in vizkit; got {spec!r}")
        rest = {k: v for k, v in spec.items() if k not in ("type", "x0", "y0", "x1", "y1", "xref", "yref")}
        style = _line_style(rest)
        if rest:
            self._plotly_only(*sorted(rest))
        line = Line(x=np.array([float(spec["x0"]), float(spec["x1"])]), y=np.array([float(spec["y0"]), float(spec["y1"])]),
                    legend=False, **style)
        self._adopt(shape_marks(self, "add_shape", spec, lambda p: [line]))
        return self

    def add_trace(self, trace, row=None, col=None, secondary_y=None, **kwargs):
        """A plotly ``go.Scatter`` (lines and/or markers) added to every panel as a vizkit mark."""
        kind = getattr(trace, "type", None) or (trace.get("type") if isinstance(trace, dict) else None)
        if kind not in ("scatter", "scattergl"):
            raise UnsupportedInputError(f"add_trace takes a plotly go.Scatter on a vizkit figure; got a {kind!r} trace")
        get = trace.__getitem__
        x, y = get("x"), get("y")
        if y is None:
            raise UnsupportedInputError("add_trace: the go.Scatter has no y values")
        y = np.asarray(y, dtype=float)
        x = np.arange(len(y), dtype=float) if x is None else np.asarray(x, dtype=float)
        mode = get("mode") or ("lines+markers" if len(y) < 20 else "lines")
        name = get("name")
        show = get("showlegend")
        legend = bool(name) and show is not False
        opacity = get("opacity")
        if "lines" in mode:
            line = get("line") or {}
            dash = _dash(line["dash"] if "dash" in line else None)
            mark = Line(x=x, y=y, name=name, color=line["color"] if "color" in line else None, dash=dash,
                        width=float(line["width"]) if "width" in line and line["width"] is not None else 2.0,
                        markers="markers" in mode, legend=legend,
                        opacity=float(opacity) if opacity is not None else 1.0)
        else:
            marker = get("marker") or {}
            mark = Scatter(x=x, y=y, name=name, color=marker["color"] if "color" in marker and isinstance(marker["color"], str) else None,
                           legend=legend, opacity=float(opacity) if opacity is not None else 0.9)
        self._adopt(_edit.add_marks(self, lambda p: [mark]))
        return self

    def add_annotation(self, arg=None, **kwargs):
        """A text annotation: applied in plotly (other backends warn)."""
        self._compat_record("plotly_calls").append({"method": "add_annotation", "kwargs": _plain({**(arg or {}), **kwargs})})
        self._plotly_only("add_annotation")
        return self

    # -- reading and writing ------------------------------------------------------------------------
    @property
    def layout(self):
        """The layout of the plotly figure the plotly backend draws. Reading works as in plotly
        (``fig.layout.title.text``); assigning (``fig.layout.title.text = "t"``,
        ``fig.layout.annotations[0].text = "Head"`` for a facet title) edits the figure as
        ``update_layout`` does."""
        return LayoutView(self, self.to("plotly").layout, ())

    @property
    def data(self):
        """The traces of the plotly figure the plotly backend draws."""
        return self.to("plotly").data

    @property
    def frames(self):
        return self.to("plotly").frames

    def write_html(self, file, *args, **kwargs):
        """plotly's ``write_html``: the figure as standalone HTML (``fig.save``)."""
        return self.save(file)

    def write_image(self, file, format=None, width=None, height=None, scale=None, **kwargs):  # noqa: A002
        """plotly's ``write_image``: PNG, SVG or PDF by suffix (or ``format``)."""
        path = str(file)
        if format and not path.lower().endswith("." + format.lower()):
            path = f"{path}.{format.lower()}"
        options = {k: v for k, v in (("width", width), ("height", height), ("scale", scale)) if v is not None}
        return self.save(path, **options)



class LayoutView:
    """A plotly layout (or part of one) read from the drawn figure; assignments edit the compat figure."""

    __slots__ = ("_fig", "_obj", "_path")

    def __init__(self, fig, obj, path: tuple[str, ...]):
        object.__setattr__(self, "_fig", fig)
        object.__setattr__(self, "_obj", obj)
        object.__setattr__(self, "_path", path)

    def __getattr__(self, name: str):
        value = getattr(self._obj, name)
        if name == "annotations" and not self._path:
            return [AnnotationView(self._fig, a, i) for i, a in enumerate(value)]
        from plotly.basedatatypes import BasePlotlyType

        return LayoutView(self._fig, value, (*self._path, name)) if isinstance(value, BasePlotlyType) else value

    def __getitem__(self, name):
        return self.__getattr__(name)

    def __setattr__(self, name: str, value) -> None:
        key = "_".join((*self._path, name))
        self._fig._layout_update({key: value}, f"layout.{key.replace('_', '.')}")  # the next read draws it again

    def __setitem__(self, name, value) -> None:
        self.__setattr__(name, value)

    def __eq__(self, other):
        return self._obj == (other._obj if isinstance(other, LayoutView) else other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return repr(self._obj)

    def to_plotly_json(self):
        return self._obj.to_plotly_json()


class AnnotationView(LayoutView):
    """One layout annotation; its ``text`` is a facet title, which assignment changes in the spec."""

    __slots__ = ("_index",)

    def __init__(self, fig, obj, index: int):
        super().__init__(fig, obj, ("annotations",))
        object.__setattr__(self, "_index", index)

    def __setattr__(self, name: str, value) -> None:
        titled = [i for i, p in enumerate(self._fig.frame_panels(0)) if p.title]
        if name != "text" or self._index >= len(titled):
            raise VizkitError(f"layout.annotations[{self._index}].{name} = ...: a compat figure changes the facet titles "
                              "(annotations' text) this way; use fig.add_annotation(...) or update_layout for other annotations")
        k = titled[self._index]
        counters: dict[int, int] = {}
        panels = []
        for p in self._fig.panels:
            i = counters.get(p.frame, 0)
            counters[p.frame] = i + 1
            panels.append(p.replace(title=str(value)) if i == k else p)
        self._fig._adopt(self._fig.replace(panels=tuple(panels)))


# ------------------------------------------------------------------------------------------------


def _flatten(updates: dict, prefix: str = "") -> dict:
    """plotly's nested layout dicts as magic-underscore keys (``{"xaxis": {"title": "t"}}`` → ``xaxis_title``),
    for the parts the spec can hold; other nested dicts stay whole."""
    out = {}
    for key, value in updates.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and name in ("xaxis", "yaxis", "title", "xaxis_title", "yaxis_title", "legend_title"):
            out.update(_flatten(value, name + "_"))
        else:
            out[name] = value
    return out


def _spec_layout(fig, key: str, value, *, every_panel: bool = False):
    """The figure with layout entry ``key`` applied, when the spec holds it; ``None`` when it does not."""
    if key in ("title", "title_text"):
        return fig.replace(title=None if value in (None, "") else str(value))
    if key in ("width", "height"):
        return fig.replace(**{key: None if value is None else int(value)})
    if key == "showlegend":
        return _edit.hide_legend(fig) if value is False else (fig if value else None)
    if key in ("legend_title_text", "legend_title"):
        return fig.replace(legend_title=None if value in (None, "") else str(value))
    for dim in ("x", "y"):
        ax = f"{dim}axis_"
        if not key.startswith(ax):
            continue
        sub = key[len(ax):]
        if sub in ("title", "title_text"):
            return _edit.axes(fig, **{f"{dim}_title": value, f"set_{dim}_title": True})
        if sub == "range" and value is not None and len(value) == 2 and None not in value:
            panel = fig.panels[0]
            if getattr(panel, dim).log:  # plotly takes log10 units on a log axis
                value = [10 ** float(v) for v in value]
            return _edit.axes(fig, **{f"{dim}_range": value})
        if sub == "type" and value in ("log", "linear"):
            return _edit.axes(fig, **{f"{dim}_log": value == "log"})
        if sub == "autorange" and value == "reversed":
            if dim == "y":
                return _edit.axes(fig, y_reversed=True)
            return None
    return None


def _position(fig, dim: str, value) -> float:
    """A coordinate on ``dim``: a number, or a tick label of a category axis (its first position),
    as plotly places a line at a category."""
    if isinstance(value, str):
        for panel in fig.panels:
            labels = getattr(panel, dim).labels
            if labels is not None and value in labels:
                return float(labels.index(value))
        try:
            return float(value)
        except ValueError:
            raise VizkitError(f"add_{'v' if dim == 'x' else 'h'}line: {value!r} is neither a number nor a tick label "
                              f"of the {dim} axis") from None
    try:
        return float(value)
    except (TypeError, ValueError):
        raise VizkitError(f"add_{'v' if dim == 'x' else 'h'}line takes a number or a tick label; got {value!r}") from None


def _line_style(kwargs: dict) -> dict:
    """vizkit line style from plotly's ``line_color``/``line_dash``/``line_width``/``line=dict(...)``/``opacity``."""
    line = dict(kwargs.pop("line", None) or {})
    for k in ("color", "dash", "width"):
        if f"line_{k}" in kwargs:
            line[k] = kwargs.pop(f"line_{k}")
    opacity = kwargs.pop("opacity", None)
    style = {"color": str(line.get("color") or SHAPE_COLOR), "dash": _dash(line.get("dash")),
             "width": float(line["width"]) if line.get("width") is not None else 2.0}
    if opacity is not None:
        style["opacity"] = float(opacity)
    return style


def _dash(dash) -> str:
    if dash in (None, "solid"):
        return "solid"
    return "dot" if dash == "dot" else "dash"


def _extent(panel, dim: str) -> tuple[float, float]:
    """The data extent of a panel along ``dim`` (the axis range when set), for reference lines."""
    axis = getattr(panel, dim)
    if axis.range is not None:
        return tuple(float(v) for v in axis.range)  # type: ignore[return-value]
    lo, hi = [], []
    for m in panel.marks:
        if isinstance(m, Heatmap):
            n = m.z.shape[1] if dim == "x" else m.z.shape[0]
            lo.append(-0.5), hi.append(n - 0.5)
        elif isinstance(m, (Line, Scatter, Bar)):
            v = np.asarray(getattr(m, dim), dtype=float)
            if isinstance(m, Bar) and dim == "y":
                v = np.concatenate([v, [0.0]])
            v = v[np.isfinite(v)]
            if v.size:
                lo.append(float(v.min())), hi.append(float(v.max()))
    if not lo:
        return 0.0, 1.0
    return min(lo), max(hi)


def plain_copy(value):
    """JSON-friendly copy (numpy arrays and scalars become lists and numbers), so the spec still round-trips."""
    import numpy as np

    if isinstance(value, dict):
        return {str(k): plain_copy(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain_copy(v) for v in value]
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    return value

_plain = plain_copy


__all__ = ["PlotlyFigureAPI"]
