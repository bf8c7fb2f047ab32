"""Notebook display: each backend's mime bundle (JupyterLab, classic Notebook, VS Code, Colab, nbconvert).

A backend declares ``NOTEBOOK``: ``"bundle"`` (its own ``notebook_bundle(plan)``, plotly's mime
JSON plus HTML), ``"iframe"`` (its standalone page in an ``iframe srcdoc``, :mod:`.pages`) or ``"png"``.

Every output stands alone (clearing any other output never blanks it), needs no network, and is
light: the JavaScript libraries travel gzip-compressed (base64, inflated in the page with
``DecompressionStream``) and the figure data compactly (numbers as typed binary arrays).

* **plotly**: JupyterLab and VS Code draw the ``application/vnd.plotly.v1+json`` mime with their
  own plotly.js. The ``text/html`` (classic Notebook, nbconvert HTML, Colab, docs pages) carries the
  figure JSON gzip-compressed and its own compressed plotly.js: plotly's *cartesian* bundle
  (``_assets/plotly-cartesian.min.js.gz``: every trace vizkit draws, 0.5 MB compressed against 1.5 MB
  for the full library) when it holds every trace type of the figure and is the version plotly.py
  ships, else the full library. It is loaded only if the page has no plotly.js yet, so a page with
  many outputs loads it once and any one output still draws with the others cleared. Option
  ``"notebook.plotlyjs"`` ``= "once"`` (:func:`vizkit.set_option`, or ``VIZKIT_NOTEBOOK_PLOTLYJS``)
  puts the full library in the session's first plotly output only: lighter, but clearing that
  output blanks the others in an HTML export.
* **bokeh, HoloViews, CircuitsVis**: the standalone page, gzip-compressed, in an iframe first sized to
  the figure; plus, when drawn in a running kernel, a static PNG of the same figure, both as
  ``image/png`` (nbconvert to PDF or Markdown) and as an ``<img>`` inside the ``text/html`` that the
  output's script hides once the live figure can run. Viewers that run no output scripts (an
  untrusted notebook in JupyterLab, whose sanitizer drops iframes and scripts, or a code host) show
  the picture. Option ``"notebook.png_fallback"`` ``= False`` (or ``VIZKIT_NOTEBOOK_PNG=0``) leaves it out.

**Width.** Figures size to the output column, never wider than planned: plotly's HTML output is
``autosize`` in an element ``max-width`` the plan's width (in JupyterLab's own renderer a figure wider
than :data:`FIXED_WIDTH_MAX` autosizes to the column); an iframe page wider than its column is zoomed
down to fit it, aspect kept (the colour bar stays in view). Standalone HTML and static images keep
their planned size.
"""

from __future__ import annotations

import base64
import functools
import gzip
import json
from pathlib import Path

from ..backends.plotly import bundle as _bundle
from ..errors import BackendError
from . import pages

__all__ = ["FIXED_WIDTH_MAX", "PLOTLY_MIME", "CARTESIAN_TRACES", "mimebundle", "png_fallback_enabled", "plotly_html",
           "plotlyjs_bundle", "show"]

_SENT = {"plotlyjs": False}
PLOTLY_MIME = "application/vnd.plotly.v1+json"
_PLOTLY_CONFIG = {"displaylogo": False, "responsive": True}
#: JupyterLab's plotly renderer fills the output column when a layout has no width: a figure planned at most this wide
#: keeps its width there (it fits any column from about 800 px), a wider one (a grid of panels) autosizes to the column.
FIXED_WIDTH_MAX = 800
_ASSETS = Path(__file__).with_name("_assets")
CARTESIAN_TRACES = _bundle.CARTESIAN_TRACES
CARTESIAN_VERSION = _bundle.CARTESIAN_VERSION


def png_fallback_enabled() -> bool:
    """Whether iframe outputs carry a static PNG (option ``"notebook.png_fallback"``, default ``VIZKIT_NOTEBOOK_PNG`` or on)."""
    from .._config import get_option

    return bool(get_option("notebook.png_fallback"))


def _plotlyjs_mode() -> str:
    from .._config import get_option

    return get_option("notebook.plotlyjs")


def _in_kernel() -> bool:
    """Whether we run in a Jupyter kernel (where outputs are saved into a notebook)."""
    import sys

    if "IPython" not in sys.modules:
        return False
    from IPython import get_ipython

    ip = get_ipython()
    return ip is not None and getattr(ip, "kernel", None) is not None


def _script_json(value) -> str:
    """``value`` as JSON safe inside a ``<script>`` element (no ``</script>`` or ``<!--`` can close it)."""
    return json.dumps(value, separators=(",", ":")).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _gzip_b64(data: bytes) -> str:
    return base64.b64encode(gzip.compress(data, 9, mtime=0)).decode("ascii")


@functools.lru_cache(maxsize=1)
def _full_plotlyjs_gzip_b64() -> str:
    from plotly.offline import get_plotlyjs

    return _gzip_b64(get_plotlyjs().encode("utf-8"))


plotlyjs_bundle = _bundle.plotlyjs_bundle


#: Draws the compressed figure JSON ``ID-spec`` into the element ``ID`` with ``window.Plotly`` if the page has it, else
#: with the copy ``ID-plotlyjs`` loaded once per page (``window.__vizkitPlotlyLoads[bundle]`` is the promise every output
#: waits on). The full library sets ``window.Plotly`` (AMD ``define`` hidden, for classic Notebook); the cartesian bundle
#: stays private to vizkit (a user's 3-D plotly figure must not find a partial ``window.Plotly``): its own
#: ``window.Plotly = Plotly`` is taken back before any other script can run.
_PLOTLY_LOADER_JS = """(function () {
  var id = %(id)s, bundle = %(bundle)s, config = %(config)s;
  var node = function () { return document.getElementById(id); };
  var fail = function (e) { var el = node(); if (el) el.textContent = 'vizkit: could not draw this plotly figure (' + e + ')'; };
  if (!window.DecompressionStream) { fail('this browser has no DecompressionStream'); return; }
  var inflate = function (el) {
    var bytes = Uint8Array.from(atob(el.textContent.trim()), function (c) { return c.charCodeAt(0); });
    return new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'))).text();
  };
  var loads = window.__vizkitPlotlyLoads = window.__vizkitPlotlyLoads || {};
  var library = function () {
    if (window.Plotly) return Promise.resolve(window.Plotly);
    if (loads.full) return loads.full;
    if (loads[bundle]) return loads[bundle];
    var copy = document.getElementById(id + '-plotlyjs');
    if (!copy) return loads.cartesian || Promise.reject('no plotly.js on this page (option notebook.plotlyjs="once" and its first output cleared?)');
    loads[bundle] = inflate(copy).then(function (source) {
      if (window.Plotly) return window.Plotly;
      var s = document.createElement('script');
      if (bundle === 'full') {
        var amd = window.define; window.define = undefined;
        try { s.textContent = source; document.head.appendChild(s); } finally { window.define = amd; }
        return window.Plotly;
      }
      // the bundle ends with `window.Plotly = Plotly`: keep that copy private (taken back in the same synchronous run)
      var mod = window.__vizkitModule = {exports: {}};
      s.textContent = '(function (module, exports) {\\n' + source + '\\n})(window.__vizkitModule, window.__vizkitModule.exports);';
      try { document.head.appendChild(s); } finally { delete window.__vizkitModule; delete window.Plotly; }
      return mod.exports;
    });
    return loads[bundle];
  };
  Promise.all([library(), inflate(document.getElementById(id + '-spec'))]).then(function (got) {
    var spec = JSON.parse(got[1]), el = node();
    if (el) return got[0].newPlot(el, spec.data, spec.layout, config);
  }).catch(fail);
})();"""


def plotly_html(spec: dict, element_id: str, *, width: int, height: int, with_copy: bool = True, bundle: str | None = None) -> str:
    """The ``text/html`` of a plotly output: its element, the figure JSON and a plotly.js copy (both compressed), the loader.

    ``spec`` is the plotly JSON (``data``, ``layout``); it is data and never markup. The element is
    ``width`` CSS px at most and narrower in a narrower column (``layout.autosize``). ``with_copy=False``
    leaves the library out (the page must already have it); ``bundle`` (``"cartesian"``/``"full"``)
    defaults to :func:`plotlyjs_bundle`.
    """
    bundle = bundle or plotlyjs_bundle(spec)
    spec = {**spec, "layout": {k: v for k, v in spec.get("layout", {}).items() if k != "width"} | {"autosize": True}}
    copy = ""
    if with_copy:
        data = _bundle.cartesian_gzip_b64() if bundle == "cartesian" else _full_plotlyjs_gzip_b64()
        copy = f'<script type="application/octet-stream" id="{element_id}-plotlyjs" data-bundle="{bundle}">{data}</script>\n'
    packed = _gzip_b64(json.dumps(spec, separators=(",", ":")).encode("utf-8"))
    return (f'<div id="{element_id}" class="vizkit-figure" style="width: 100%; max-width: {int(width)}px; height: {int(height)}px;">'
            f'</div>\n<script type="application/octet-stream" id="{element_id}-spec">{packed}</script>\n{copy}'
            "<script>" + _PLOTLY_LOADER_JS % {"id": _script_json(element_id), "bundle": _script_json(bundle),
                                               "config": _script_json(_PLOTLY_CONFIG)} + "</script>")


_NARROW = {"|u1": (0, 255), "<u2": (0, 65535), "<i4": (-(2**31), 2**31 - 1)}


def compact(value):
    """``value`` (plotly JSON) with every float64 binary array stored in the smallest type that holds each value exactly:
    whole numbers as 1-, 2- or 4-byte integers (steps, positions, counts), float32 values widened to float64 (a model's
    activations and attention) as float32. Any other array is left as it is: nothing is rounded."""
    import numpy as np

    if isinstance(value, dict):
        if value.get("dtype") == "f8" and isinstance(value.get("bdata"), str) and set(value) <= {"dtype", "bdata", "shape"}:
            arr = np.frombuffer(base64.b64decode(value["bdata"]), dtype="<f8")
            if arr.size and np.all(np.isfinite(arr)) and np.all(arr == np.round(arr)):
                for dtype, (lo, hi) in _NARROW.items():
                    if arr.min() >= lo and arr.max() <= hi:
                        return {**value, "dtype": dtype.lstrip("<|"), "bdata": base64.b64encode(arr.astype(dtype).tobytes()).decode("ascii")}
            with np.errstate(over="ignore"):
                single = arr.astype("<f4")
            if arr.size and np.array_equal(single.astype("<f8"), arr, equal_nan=True):  # float32 data widened: exact in 4 bytes
                return {**value, "dtype": "f4", "bdata": base64.b64encode(single.tobytes()).decode("ascii")}
            return value
        return {k: compact(v) for k, v in value.items()}
    if isinstance(value, list):
        return [compact(v) for v in value]
    return value


def _plotly_bundle(module, planned) -> dict:
    bundle = dict(module.notebook_bundle(planned))
    spec = bundle.get(PLOTLY_MIME)
    if spec is not None:
        spec = compact(spec)
        if planned.width > FIXED_WIDTH_MAX:  # JupyterLab's renderer: fill the column (a fixed width loses the colour bar)
            spec = {**spec, "layout": {k: v for k, v in spec.get("layout", {}).items() if k != "width"} | {"autosize": True}}
        bundle[PLOTLY_MIME] = spec
        element_id = module.div_id(planned) if hasattr(module, "div_id") else "vizkit-plotly"
        once = _plotlyjs_mode() == "once"
        with_copy = not once or not _SENT["plotlyjs"]
        bundle["text/html"] = plotly_html(spec, element_id, width=planned.width, height=planned.height, with_copy=with_copy,
                                          bundle="full" if once else None)
        _SENT["plotlyjs"] = True
    return bundle


def _png(fig, backend: str, theme: str | None) -> str:
    from . import to_bytes

    return base64.b64encode(_palette_png(to_bytes(fig, "png", backend, theme=theme, scale=1))).decode("ascii")


def _palette_png(data: bytes) -> bytes:
    """The fallback picture as an 8-bit palette PNG when that is smaller (a figure has few distinct colours:
    a colour scale's steps, text, background), without dithering; else ``data`` unchanged."""
    try:
        import io

        from PIL import Image
    except ImportError:  # pragma: no cover - Pillow comes with matplotlib; without it the RGB PNG stays
        return data
    with Image.open(io.BytesIO(data)) as image:
        rgb = image.convert("RGB")
    small = rgb.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    out = io.BytesIO()
    small.save(out, format="PNG", optimize=True)
    return out.getvalue() if out.tell() < len(data) else data


#: Inside the notebook frame's page: zooms the figure down (never up) to the output column the frame sits in, aspect
#: kept, then lets the page's fit script size the frame to it. Runs again when the column or the figure changes size.
_ZOOM_JS = ("(function () { try {"
            " var box = document.querySelector('.vizkit-page'), f = null; try { f = window.frameElement; } catch (e) {}"
            " if (!box || !f || !f.parentElement) return;"
            " var zoom = function () { var z = parseFloat(box.style.zoom) || 1, natural = box.getBoundingClientRect().width / z;"
            f" var room = f.parentElement.clientWidth - {2 * pages.PAD}; if (!natural || room <= 0) return;"
            " var want = Math.min(1, room / natural); if (Math.abs(want - z) < 0.002) return;"
            " box.style.zoom = want < 1 ? String(want) : ''; window.dispatchEvent(new Event('resize')); };"
            " var RO = f.ownerDocument.defaultView.ResizeObserver;"
            " if (RO) new RO(zoom).observe(f.parentElement); if (window.ResizeObserver) new ResizeObserver(zoom).observe(box);"
            " window.addEventListener('load', zoom); zoom();"
            " } catch (e) {} })();")

#: Beside the frame: where output scripts run, the live frame replaces the static picture.
_SHOW_LIVE_JS = ("(function () { var s = document.currentScript, o = s && s.parentElement; if (!o) return;"
                 " var img = o.querySelector('img.vizkit-static'); if (img) img.remove();"
                 " var f = o.querySelector('iframe'); if (f) f.style.display = 'block'; })();")


def _iframe_html(page: str, *, title: str | None, width: int, height: int, png: str | None) -> str:
    """The frame in a ``vizkit-output`` box as wide as the output column whatever the frame's width (``contain:
    inline-size``: in JupyterLab's flex output row a wide frame would otherwise widen the column it is fitted to),
    after the static picture when there is one."""
    head, body_end, tail = page.rpartition("</body>")  # the page's own end: its library's source may spell the tag too
    page = f"{head}<script>{_ZOOM_JS}</script>\n{body_end}{tail}" if body_end else page
    frame = pages.iframe(page, title=title, width=width, height=height)
    img = ""
    if png is not None:
        import html as _html

        frame = frame.replace("display: block;", "display: none;", 1)  # shown by the script below, where scripts run
        img = (f'<img class="vizkit-static" src="data:image/png;base64,{png}" alt="{_html.escape(title or "vizkit figure")}" '
               f'style="max-width: 100%; height: auto;">')
    return f'<div class="vizkit-output" style="contain: inline-size;">{img}{frame}<script>{_SHOW_LIVE_JS}</script></div>'


def mimebundle(fig, backend: str | None = None, *, theme: str | None = None, png: bool | None = None) -> dict:
    """What a notebook shows for ``fig`` drawn by ``backend``, plus ``text/plain``.

    Parameters
    ----------
    png : bool, optional
        Add the static picture (``image/png``, and an ``<img>`` in the ``text/html`` for viewers that run no
        scripts) to an iframe output. ``None`` (default): in a running kernel unless turned off
        (:func:`png_fallback_enabled`); a PNG needs a browser render.
    """
    from .._config import resolve_theme
    from ..backends import make_plan, resolve
    from ..plan.geometry import PX_PER_INCH
    from . import page

    module = resolve(fig, backend)
    how = getattr(module, "NOTEBOOK", None)
    if how is None:  # a backend not yet on the plan
        return module.mimebundle(fig, resolve_theme(theme or fig.theme))
    planned = make_plan(fig, theme, static=not getattr(module, "INTERACTIVE", True))
    if how == "bundle":
        bundle = _plotly_bundle(module, planned)
    elif how == "iframe":
        size = getattr(module, "iframe_size", None)
        width, height = size(planned) if size else pages.frame_size(planned.width, planned.height)
        picture = _png(fig, module.NAME, theme) if (png if png is not None else (png_fallback_enabled() and _in_kernel())) else None
        bundle = {"text/html": _iframe_html(page(module, fig, theme), title=fig.title, width=width, height=height, png=picture)}
        if picture is not None:
            bundle["image/png"] = picture
    elif how == "png":
        image = module.image(planned, "png", dpi=PX_PER_INCH)
        bundle = {"image/png": base64.b64encode(image).decode("ascii")}
    else:
        raise BackendError(f"the {module.NAME!r} backend declares NOTEBOOK = {how!r}; expected 'bundle', 'iframe' or 'png'")
    bundle["text/plain"] = repr(fig)
    return bundle


def show(fig, backend: str | None = None) -> None:
    """Display ``fig`` in IPython if running there, else write HTML to a temp file and open it."""
    if _in_kernel():
        from IPython.display import display

        display(mimebundle(fig, backend), raw=True)
        return
    import tempfile
    import webbrowser

    from . import save

    path = tempfile.NamedTemporaryFile(prefix="vizkit-", suffix=".html", delete=False).name
    save(fig, path, backend=backend)
    webbrowser.open("file://" + path)
