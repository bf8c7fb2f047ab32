"""Notebook display: each backend's mime bundle (JupyterLab, classic Notebook, VS Code, Colab, nbconvert).

A backend declares ``NOTEBOOK``: ``"bundle"`` (its own ``notebook_bundle(plan)``, plotly's mime
JSON plus HTML), ``"iframe"`` (its standalone page in an ``iframe srcdoc``, :mod:`.pages`) or ``"png"``.

Every output stands alone:

* **plotly**: JupyterLab and VS Code draw the ``application/vnd.plotly.v1+json`` mime. The
  ``text/html`` (classic Notebook, nbconvert HTML, Colab) carries its own gzip-compressed copy of
  plotly.js (about 2 MB instead of 4.8 MB) and loads it only if ``window.Plotly`` is missing: on a
  page with many outputs the first one loads it and the others reuse it, and any one output still
  draws with the others cleared. ``VIZKIT_NOTEBOOK_PLOTLYJS=once`` (or :data:`PLOTLYJS`) puts the copy
  in the session's first plotly output only: lighter, but clearing that output blanks the others
  in an HTML export.
* **bokeh, HoloViews, CircuitsVis**: an iframe already sized to the figure, plus, when drawn in a
  running kernel, a static ``image/png`` of the same figure after ``text/html``, for viewers that
  run no output scripts (untrusted notebooks, nbclient/papermill results on a code host). Set the
  environment variable ``VIZKIT_NOTEBOOK_PNG=0`` (or :data:`PNG_FALLBACK` ``= False``) to leave it out.
"""

from __future__ import annotations

import base64
import functools
import json
import os

from ..errors import BackendError
from . import pages

__all__ = ["PNG_FALLBACK", "PLOTLYJS", "PLOTLY_MIME", "mimebundle", "png_fallback_enabled", "plotly_html", "show"]

#: ``None``: follow ``VIZKIT_NOTEBOOK_PNG`` (on unless ``0``/``false``/``no``/``off``); ``True``/``False`` override it.
PNG_FALLBACK: bool | None = None
#: Which plotly outputs carry plotly.js: ``"each"`` (every one, compressed: any output draws alone) or ``"once"``
#: (the first of the session only: a lighter notebook that goes blank if that output is cleared).
#: ``None``: follow ``VIZKIT_NOTEBOOK_PLOTLYJS`` (default ``"each"``).
PLOTLYJS: str | None = None
_SENT = {"plotlyjs": False}
PLOTLY_MIME = "application/vnd.plotly.v1+json"
_PLOTLY_CONFIG = {"displaylogo": False, "responsive": True}


def png_fallback_enabled() -> bool:
    """Whether iframe outputs carry a static PNG (:data:`PNG_FALLBACK`, else ``VIZKIT_NOTEBOOK_PNG``)."""
    if PNG_FALLBACK is not None:
        return bool(PNG_FALLBACK)
    return os.environ.get("VIZKIT_NOTEBOOK_PNG", "1").strip().lower() not in {"0", "false", "no", "off"}


def _plotlyjs_mode() -> str:
    mode = (PLOTLYJS or os.environ.get("VIZKIT_NOTEBOOK_PLOTLYJS") or "each").strip().lower()
    if mode not in ("each", "once"):
        raise BackendError(f"VIZKIT_NOTEBOOK_PLOTLYJS must be 'each' or 'once'; got {mode!r}")
    return mode


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


@functools.lru_cache(maxsize=1)
def _plotlyjs_gzip_b64() -> str:
    import gzip

    from plotly.offline import get_plotlyjs

    return base64.b64encode(gzip.compress(get_plotlyjs().encode("utf-8"), 9, mtime=0)).decode("ascii")


#: Draws ``spec`` into the element ``id``: with ``window.Plotly`` if present, else after loading the inline copy once
#: per page (``window.__vizkitPlotly`` is the one promise every output waits on). AMD ``define`` is hidden while
#: plotly.js runs so that it sets ``window.Plotly`` in classic Notebook too.
_PLOTLY_LOADER_JS = """(function () {
  var id = %(id)s, spec = %(spec)s, config = %(config)s;
  var draw = function () { var el = document.getElementById(id); if (el) window.Plotly.newPlot(el, spec.data, spec.layout, config); };
  var fail = function (e) { var el = document.getElementById(id); if (el) el.textContent = 'vizkit: could not load plotly.js (' + e + ')'; };
  if (window.Plotly) { draw(); return; }
  if (!window.__vizkitPlotly) {
    var copy = document.getElementById(id + '-plotlyjs');
    if (!copy || !window.DecompressionStream) { fail(copy ? 'this browser has no DecompressionStream' : 'no copy'); return; }
    var bytes = Uint8Array.from(atob(copy.textContent.trim()), function (c) { return c.charCodeAt(0); });
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
    window.__vizkitPlotly = new Response(stream).text().then(function (source) {
      if (window.Plotly) return;
      var amd = window.define; window.define = undefined;
      try { var s = document.createElement('script'); s.textContent = source; document.head.appendChild(s); }
      finally { window.define = amd; }
    });
  }
  window.__vizkitPlotly.then(draw, fail);
})();"""


def plotly_html(spec: dict, element_id: str, *, width: int, height: int, with_copy: bool = True) -> str:
    """The ``text/html`` of a plotly output: its element, its own compressed plotly.js copy and the loader.

    ``spec`` is the plotly JSON (``data``, ``layout``); it is data and is escaped for the script.
    ``with_copy=False`` leaves the copy out (the page must already have plotly.js).
    """
    copy = f'<script type="application/octet-stream" id="{element_id}-plotlyjs">{_plotlyjs_gzip_b64()}</script>' if with_copy else ""
    return (f'<div id="{element_id}" class="vizkit-figure" style="width: {int(width)}px; max-width: 100%; height: {int(height)}px;">'
            f'</div>\n{copy}\n'
            "<script>" + _PLOTLY_LOADER_JS % {"id": _script_json(element_id), "spec": _script_json(spec),
                                               "config": _script_json(_PLOTLY_CONFIG)} + "</script>")


def _plotly_bundle(module, planned) -> dict:
    bundle = dict(module.notebook_bundle(planned))
    spec = bundle.get(PLOTLY_MIME)
    if spec is not None:
        element_id = module.div_id(planned) if hasattr(module, "div_id") else "vizkit-plotly"
        with_copy = _plotlyjs_mode() == "each" or not _SENT["plotlyjs"]
        bundle["text/html"] = plotly_html(spec, element_id, width=planned.width, height=planned.height, with_copy=with_copy)
        _SENT["plotlyjs"] = True
    return bundle


def _png(fig, backend: str, theme: str | None) -> str:
    from . import to_bytes

    return base64.b64encode(to_bytes(fig, "png", backend, theme=theme, scale=1)).decode("ascii")


def mimebundle(fig, backend: str | None = None, *, theme: str | None = None, png: bool | None = None) -> dict:
    """What a notebook shows for ``fig`` drawn by ``backend``, plus ``text/plain``.

    Parameters
    ----------
    png : bool, optional
        Add a static ``image/png`` after an iframe's ``text/html``. ``None`` (default): in a running
        kernel unless turned off (:func:`png_fallback_enabled`); a PNG needs a browser render.
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
        bundle = {"text/html": pages.iframe(page(module, fig, theme), title=fig.title, width=width, height=height)}
        if png if png is not None else (png_fallback_enabled() and _in_kernel()):
            bundle["image/png"] = _png(fig, module.NAME, theme)
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
