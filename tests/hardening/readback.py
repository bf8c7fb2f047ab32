"""What a user could read off each backend's native object: every number it draws and every string it shows.

One reader per backend, built without a browser: plotly ``go.Figure`` traces and layout, bokeh's model
graph (HoloViews' layout rendered to bokeh), matplotlib's artists, CircuitsVis's props. The bad-input
suite checks the figure spec's values and labels against these.
"""

from __future__ import annotations

import html
import warnings
from dataclasses import dataclass, field

import numpy as np

from vizkit.backends import render


@dataclass
class Drawn:
    """Numbers (flat float64) and strings found in one backend's native object; ``categories`` are its
    categorical axes' factors, axis by axis (to tell a merged category)."""

    numbers: np.ndarray
    strings: set[str]
    categories: list[list[str]] = field(default_factory=list)
    hover: np.ndarray = field(default_factory=lambda: np.zeros(0))  # values shown only on hover (exact, ±inf allowed)


def _floats(value) -> np.ndarray:
    """``value`` as a flat float64 array when it is numeric (lists of arrays included), else empty."""
    if value is None or isinstance(value, (str, bytes, dict)):
        return np.zeros(0)
    if isinstance(value, (list, tuple)) and value and not isinstance(value[0], (int, float, np.number)):
        parts = [_floats(v) for v in value]
        return np.concatenate(parts) if parts else np.zeros(0)
    if isinstance(value, np.ma.MaskedArray):  # masked cells are gaps
        return np.ma.filled(value.astype(np.float64), np.nan).ravel() if value.dtype.kind in "biuf" else np.zeros(0)
    try:
        arr = np.asarray(value)
    except (ValueError, TypeError):
        return np.zeros(0)
    if arr.dtype == object:
        try:
            arr = arr.astype(float)
        except (ValueError, TypeError):
            return np.zeros(0)
    if arr.dtype.kind not in "biuf":
        return np.zeros(0)
    if isinstance(arr, np.ma.MaskedArray):
        arr = arr.filled(np.nan)
    return np.asarray(arr, dtype=np.float64).ravel()


def _parsed(value) -> np.ndarray:
    """Numbers written as text (plotly's hover customdata: ``'0.5'``, ``'inf'``, ``'1.235e+04'``)."""
    out = []
    for v in np.asarray(value, dtype=object).ravel():
        try:
            out.append(float(str(v).replace("−", "-")))
        except ValueError:
            pass
    return np.asarray(out, dtype=np.float64)


def _gapped(arr: np.ndarray) -> np.ndarray:
    """Positions of points and line vertices: plotly.js, bokeh and matplotlib skip non-finite ones (a gap), as
    checked in Chromium; ±inf there is a gap, not a value drawn."""
    return np.where(np.isinf(arr), np.nan, arr)


def _strings(value, out: set[str]) -> None:
    if isinstance(value, str):
        out.add(value)
    elif isinstance(value, dict):
        for k, v in value.items():
            _strings(k, out)
            _strings(v, out)
    elif isinstance(value, (list, tuple)):
        for v in value:
            _strings(v, out)
    elif isinstance(value, np.ndarray) and value.dtype.kind in "OU":
        for v in value.ravel():
            _strings(v, out)
    elif hasattr(value, "text") and isinstance(value.text, str):  # bokeh PlainText / Title
        out.add(value.text)
    elif type(value).__name__ == "Value" and isinstance(getattr(value, "value", None), str):  # bokeh value("legend label")
        out.add(value.value)


# ---------------------------------------------------------------------------------------------


def plotly(fig) -> Drawn:
    native = render(fig, "plotly")
    native.to_json()  # serialisable: no lone surrogate or NaN-as-JSON trouble reaches the page
    numbers, strings, categories, hover = [], set(), [], []
    for trace in native.data:
        for key in ("z", "x", "y"):
            if key in trace:
                values = _floats(trace[key])
                numbers.append(_gapped(values) if trace.type in ("scatter", "scattergl", "bar") else values)
                _strings(np.asarray(trace[key], dtype=object) if trace[key] is not None else None, strings)
        if "customdata" in trace and trace.customdata is not None:  # hover text: exact values, ±inf allowed
            hover += [_floats(trace.customdata), _parsed(trace.customdata)]
        if "marker" in trace and trace.marker is not None and "color" in trace.marker:
            numbers.append(_floats(trace.marker.color))
        for key in ("text", "name", "hovertext"):
            if key in trace:
                _strings(trace[key] if not isinstance(trace[key], np.ndarray) else trace[key].tolist(), strings)
    layout = native.layout
    for name in [k for k in layout.to_plotly_json() if k.startswith(("xaxis", "yaxis"))]:
        axis = layout[name]
        _strings(axis.ticktext, strings)
        _strings(axis.title.text if axis.title else None, strings)
        if axis.categoryarray is not None:
            categories.append([str(c) for c in axis.categoryarray])
            _strings(list(axis.categoryarray), strings)
    for ann in layout.annotations or ():
        _strings(ann.text, strings)
    _strings(layout.title.text if layout.title else None, strings)
    strings = {html.unescape(s) for s in strings}
    return Drawn(np.concatenate(numbers) if numbers else np.zeros(0), strings, categories,
                 np.concatenate(hover) if hover else np.zeros(0))


def _fields(glyph, data) -> set[str]:
    """The data-source columns a bokeh glyph draws (positions, sizes, colours, text): not hover-only columns."""
    out = set()
    for value in glyph.properties_with_values(include_defaults=True).values():
        name = getattr(value, "field", None) or (value.get("field") if isinstance(value, dict) else None) or (
            value if isinstance(value, str) else None)
        if name in data:
            out.add(name)
    return out


def _bokeh_root(root) -> Drawn:
    from bokeh.model.util import collect_models
    from bokeh.models import ColumnDataSource, FactorRange, GlyphRenderer

    numbers, strings, categories = [], set(), []
    models = collect_models(root)
    drawn_columns, gapped, hover = {}, {}, []
    for model in models:
        if isinstance(model, GlyphRenderer) and isinstance(model.data_source, ColumnDataSource):
            fields = _fields(model.glyph, model.data_source.data)
            drawn_columns.setdefault(model.data_source.id, set()).update(fields)
            if type(model.glyph).__name__ in ("Line", "MultiLine", "Scatter", "Circle"):  # positions: non-finite is a gap
                gapped.setdefault(model.data_source.id, set()).update(fields)
    for model in models:
        if isinstance(model, ColumnDataSource):
            for name, column in model.data.items():
                values = _floats(column)
                if name in gapped.get(model.id, ()):
                    numbers.append(_gapped(values))
                elif name in drawn_columns.get(model.id, ()):
                    numbers.append(values)
                else:
                    hover.append(values)
                _strings(column if not isinstance(column, np.ndarray) else column.tolist(), strings)
        elif type(model).__name__ == "CustomJS":  # a select's or slider's other rows/frames: shown when picked
            for value in model.args.values():
                hover.append(_floats(value))
        elif isinstance(model, FactorRange):
            categories.append([str(f) for f in model.factors])
        for name, value in model.properties_with_values(include_defaults=False).items():
            if name != "data":
                _strings(value, strings)
    return Drawn(np.concatenate(numbers) if numbers else np.zeros(0), strings, categories,
                 np.concatenate(hover) if hover else np.zeros(0))


def bokeh(fig) -> Drawn:
    return _bokeh_root(render(fig, "bokeh"))


def holoviews(fig) -> Drawn:
    """The HoloViews object rendered to bokeh, plus its HoloMaps' key labels (the row or frame selector's
    options, which HoloViews' widgets show outside the bokeh models) and its Layout title (an HTML Div: shown unescaped)."""
    import holoviews as hv

    from vizkit.backends.holoviews import bokeh_layout
    from vizkit.spec import theme as themes

    drawn = _bokeh_root(bokeh_layout(fig, themes.get()))
    native = render(fig, "holoviews")
    for obj in [native, *(native.values() if isinstance(native, hv.Layout) else ())]:
        if isinstance(obj, hv.HoloMap):
            for key in obj.keys():
                for dim, value in zip(obj.kdims, key if isinstance(key, tuple) else (key,), strict=True):
                    drawn.strings.add(dim.pprint_value(value))
    drawn.strings |= {html.unescape(s) for s in drawn.strings}
    return drawn


def matplotlib(fig) -> Drawn:
    import matplotlib.pyplot as plt
    from matplotlib.collections import Collection
    from matplotlib.image import AxesImage
    from matplotlib.lines import Line2D
    from matplotlib.patches import Rectangle
    from matplotlib.text import Text

    native = render(fig, "matplotlib")
    try:
        numbers, strings = [], set()
        for artist in native.findobj():
            if isinstance(artist, AxesImage):
                numbers.append(_floats(artist.get_array()))
            elif isinstance(artist, Line2D):
                numbers += [_gapped(_floats(artist.get_xdata())), _gapped(_floats(artist.get_ydata()))]
            elif isinstance(artist, Collection):
                numbers.append(_gapped(_floats(artist.get_offsets())))
                if artist.get_array() is not None:
                    numbers.append(_floats(artist.get_array()))
            elif isinstance(artist, Rectangle):
                numbers += [_floats([artist.get_height(), artist.get_width(), artist.get_x(), artist.get_y()])]
            elif isinstance(artist, Text):
                strings.add(artist.get_text())
        return Drawn(np.concatenate(numbers) if numbers else np.zeros(0), strings)
    finally:
        plt.close(native)


def circuitsvis(fig) -> Drawn:
    native = render(fig, "circuitsvis")
    numbers, strings = [], set()
    for value in native.props.values():
        numbers.append(_floats(value))
        _strings(value, strings)
    if native.component.startswith("ColoredTokens"):  # set with innerHTML: what shows is the unescaped text
        strings = {html.unescape(s) for s in strings}
    import re

    for part in re.findall(r'<div class="vizkit-cv-(?:title|caption)"[^>]*>(.*?)</div>', str(native), re.S):
        strings.add(html.unescape(part))
    return Drawn(np.concatenate(numbers) if numbers else np.zeros(0), strings)


READERS = {"plotly": plotly, "bokeh": bokeh, "holoviews": holoviews, "matplotlib": matplotlib, "circuitsvis": circuitsvis}


def read(fig, backend: str) -> Drawn:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # size warnings are tested elsewhere
        return READERS[backend](fig)
