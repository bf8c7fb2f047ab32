"""Which plotly.js a page carries: vizkit's build of the *cartesian* traces when it draws every trace, else the full library.

``vizkit/export/_assets/plotly-cartesian.min.js.gz`` (MIT, built by ``scripts/build-plotly-bundle.sh``
from the plotly.js version plotly.py ships) holds every trace type vizkit draws: 1.4 MB of JavaScript
against 4.8 MB for the full library. It is plotly's cartesian bundle without its UMD wrapper (which
makes V8 compile the library twice), MapLibre's stylesheet and the world-calendars component: in
headless Chromium on a 2-core machine the browser evaluates it in about 0.25 s, against 0.57 s for
plotly's own cartesian file and 1.5–3 s for the full library, so a standalone page draws sooner; and
Python reads 0.5 MB (gzip) instead of 4.8 MB on the first figure. A figure that asks for a
non-Gregorian calendar (``xcalendar``, an axis' ``calendar``) gets the full library.

Standalone pages (:func:`script`) inline it plain (parsed while the page loads; a gzip copy
inflated with ``DecompressionStream`` paints no sooner and needs an asynchronous step);
notebook outputs (:mod:`vizkit.export.notebook`) carry it gzip-compressed.

This module imports no plotly at import time.
"""

from __future__ import annotations

import base64
import functools
import gzip
from pathlib import Path

__all__ = ["CARTESIAN_TRACES", "CARTESIAN_VERSION", "ASSET", "cartesian_gzip", "cartesian_gzip_b64", "cartesian_source",
           "trace_types", "figure_types", "CALENDARS", "plotlyjs_bundle", "bundle_for_types", "source", "script",
           "INERT_TYPE"]

#: The trace types of the shipped build: plotly's cartesian bundle's (lib/index-cartesian.js), the same version as plotly.py's plotly.js.
CARTESIAN_TRACES = frozenset({"bar", "box", "contour", "heatmap", "histogram", "histogram2d", "histogram2dcontour", "image",
                              "pie", "scatter", "scatterternary", "violin"})
CARTESIAN_VERSION = "4.1.1"
#: The shipped bundle: a package data file (``pyproject.toml`` ``package-data``), read, never imported.
ASSET = Path(__file__).resolve().parents[2] / "export" / "_assets" / "plotly-cartesian.min.js.gz"


@functools.lru_cache(maxsize=1)
def cartesian_gzip() -> bytes | None:
    """The cartesian bundle as shipped (gzip), or None when absent or not the version plotly.py draws with."""
    from plotly.offline import get_plotlyjs_version

    if get_plotlyjs_version() != CARTESIAN_VERSION or not ASSET.is_file():
        return None
    return ASSET.read_bytes()


@functools.lru_cache(maxsize=1)
def cartesian_gzip_b64() -> str | None:
    data = cartesian_gzip()
    return None if data is None else base64.b64encode(data).decode("ascii")


@functools.lru_cache(maxsize=1)
def cartesian_source() -> str | None:
    """The cartesian bundle's JavaScript, or None (see :func:`cartesian_gzip`)."""
    data = cartesian_gzip()
    return None if data is None else gzip.decompress(data).decode("utf-8")


#: A pseudo trace type for "this figure needs the world-calendars component", which the cartesian build leaves out.
CALENDARS = "calendars"


def _types(traces, axes, get) -> set[str]:
    """The trace types of ``traces`` (``"scatter"`` where none is given), and :data:`CALENDARS` when a trace or one
    of ``axes`` asks for a non-Gregorian calendar; ``get(obj, key)`` reads a JSON dict or a plotly object alike."""
    types = {get(t, "type") or "scatter" for t in traces}
    asked = [get(t, k) for t in traces for k in ("xcalendar", "ycalendar")] + [get(a, "calendar") for a in axes]
    if any(v not in (None, "gregorian") for v in asked):
        types.add(CALENDARS)
    return types


def trace_types(spec: dict) -> set[str]:
    """The trace types of a plotly JSON figure (``data`` and every frame's), ``"scatter"`` where none is given,
    and :data:`CALENDARS` when a trace or an axis asks for a non-Gregorian calendar."""
    traces = list(spec.get("data", []))
    for frame in spec.get("frames", []) or []:
        traces += list(frame.get("data", []))
    layout = spec.get("layout", {}) or {}
    axes = [v for k, v in layout.items() if k[:5] in ("xaxis", "yaxis") and isinstance(v, dict)]
    return _types(traces, axes, lambda o, k: o.get(k))


def bundle_for_types(types) -> str:
    """``"cartesian"`` when the cartesian bundle draws every one of ``types`` (and is plotly.py's version), else ``"full"``."""
    return "cartesian" if set(types) <= CARTESIAN_TRACES and cartesian_gzip() is not None else "full"


def plotlyjs_bundle(spec: dict) -> str:
    """``"cartesian"`` when plotly's cartesian bundle draws every trace of ``spec`` (and is plotly.py's version), else ``"full"``."""
    return bundle_for_types(trace_types(spec))


def figure_types(native) -> set[str]:
    """The trace types of a ``go.Figure`` (its data and frames), and :data:`CALENDARS` as :func:`trace_types` gives it."""
    traces = list(native.data)
    for frame in native.frames or ():
        traces += list(frame.data)
    layout = native.layout
    return _types(traces, [layout[k] for k in layout if k[:5] in ("xaxis", "yaxis")], lambda o, k: getattr(o, k, None))


def source(bundle: str) -> str:
    """The JavaScript of ``bundle`` (``"cartesian"`` or ``"full"``)."""
    if bundle == "cartesian":
        text = cartesian_source()
        if text is not None:
            return text
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


def script(bundle: str, *, inert_id: str | None = None) -> str:
    """A ``<script>`` element with plotly.js inline (``window.Plotly``), as a standalone page carries it.

    With ``inert_id`` the element is text the browser does not run (type :data:`INERT_TYPE`, that id): a page
    script runs it when it chooses (:data:`vizkit.plan.heads.RUN_INERT_JS`), after the page has painted what it shows first.

    The library's source never holds ``</script`` (it is shipped minified as a classic script); checked, as a
    script that did would end the element early.
    """
    text = source(bundle)
    if "</script" in text.lower():  # pragma: no cover - a plotly.js that spells it could not go inline as it is
        text = text.replace("</script", "<\\/script").replace("</SCRIPT", "<\\/SCRIPT")
    if inert_id is not None:
        return f'<script type="{INERT_TYPE}" id="{inert_id}" data-plotlyjs="{bundle}">{text}</script>'
    return f'<script type="text/javascript" data-plotlyjs="{bundle}">{text}</script>'


#: The type of a script element holding plotly.js as text the browser does not run by itself.
INERT_TYPE = "text/x-vizkit-plotlyjs"

