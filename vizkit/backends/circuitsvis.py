"""The CircuitsVis backend: attention and token-text figures as CircuitsVis's React views, offline.

Attention figures become ``AttentionHeads`` (every head of every layer, named by its panel title,
``L1H2``); token text becomes ``ColoredTokens`` (one value row) or ``ColoredTokensMulti`` (several).
Other kinds are refused, and the registry names the backends that can draw them.

vizkit writes the page itself instead of ``circuitsvis.utils.render``, whose HTML loads its
JavaScript from unpkg, whose ``_repr_html_`` probes the network, and which embeds props as raw JSON:

- the bundle shipped in the installed package (``dist/cdn/iife.js``) is inlined: no network request;
  importing this module imports nothing of circuitsvis (``render`` imports it for ``RenderedHTML``);
- props travel in a ``<script type="application/json">`` block with ``<``, ``>``, ``&``, U+2028 and
  U+2029 as ``\\u`` escapes, so no string can close the script; arrays as base64 typed arrays;
- ``ColoredTokens`` sets each token with ``innerHTML``, so tokens are HTML-escaped before they reach
  it and show as text (its hover box then shows ``&lt;`` for a ``<``); attention draws tokens on canvases;
- ids derive from the content (no ``uuid4``): the same figure gives the same bytes.

Translation: NaN cells (the masked causal triangle) become 0 and ``maskUpperTri`` follows
``meta["causal"]``, so CircuitsVis greys the triangle itself; with fewer queries than keys (a KV
cache) empty rows are prepended and the caption says so. Down-sampled heatmaps are drawn as the
spec has them (block means, position-range labels such as ``0–3`` instead of tokens; the caption
carries the note), so CircuitsVis never gets more cells than the other backends. CircuitsVis colours
run from white at 0 to one colour at ``maxValue`` (another at a negative ``minValue``): vizkit passes
the spec's ``zmin``/``zmax`` and its scale's end colours (``ColoredTokensMulti`` takes no colours).

Static export: PNG and PDF are headless-Chromium pictures of CircuitsVis views at the figure's
size (:func:`to_image`); SVG goes through the matplotlib backend, as CircuitsVis draws on canvases.
"""

from __future__ import annotations

import functools
import hashlib
import html as _html
import json

import numpy as np

from ..errors import BackendError, ExportError, MissingDependencyError
from ..spec import Heatmap, TokenText, arrays
from ..spec.colors import stops
from . import _layout as L

NAME = "circuitsvis"
KINDS = frozenset({"attention", "tokens"})
FORMATS = frozenset({"html", "png", "svg", "pdf"})

_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


# ---------------------------------------------------------------------------------------------
# Spec → component and props


def component(fig) -> tuple[str, dict]:
    """The CircuitsVis component that draws ``fig`` and its props (arrays as numpy).

    Parameters
    ----------
    fig : vizkit.Figure
        An ``"attention"`` or ``"tokens"`` figure.

    Returns
    -------
    (str, dict)
        ``("AttentionHeads", {"attention": [heads, dest, src], "tokens", "attentionHeadNames", ...})``,
        ``("ColoredTokens", {"tokens", "values", "minValue", "maxValue", ...})`` or
        ``("ColoredTokensMulti", {"tokens", "values": [tokens, rows], "labels", ...})``.
    """
    name, props, _ = _view(fig)
    return name, props


def _view(fig) -> tuple[str, dict, list[str]]:
    """Component, props and the notes this translation adds to the caption."""
    if fig.kind == "attention":
        return _attention_view(fig)
    if fig.kind == "tokens":
        return (*_token_props(fig), [])
    raise BackendError(f"the circuitsvis backend draws {sorted(KINDS)} figures; got kind {fig.kind!r}")


def _attention_view(fig) -> tuple[str, dict, list[str]]:
    panels = sorted((p for p in fig.panels if any(isinstance(m, Heatmap) for m in p.marks)), key=lambda p: p.frame)
    if not panels:
        raise BackendError("an attention figure needs heatmap panels; this one has none")
    marks = [next(m for m in p.marks if isinstance(m, Heatmap)) for p in panels]
    shapes = {m.z.shape for m in marks}
    if len(shapes) != 1:
        raise BackendError(f"CircuitsVis draws heads of one shape; got heatmaps of shapes {sorted(shapes)}")
    n_query, n_key = shapes.pop()
    if n_query > n_key:
        raise BackendError(f"CircuitsVis needs at most as many queries as keys; got {n_query} × {n_key}")
    z = np.stack([m.z for m in marks]).astype(np.result_type(np.float32, *(m.z.dtype for m in marks)))
    missing = ~np.isfinite(z)
    upper = np.triu(np.ones((n_query, n_key), dtype=bool), k=1 + n_key - n_query)
    causal = fig.meta.get("causal")
    if causal is None:  # not made by vk.attention: causal when nothing sits above the diagonal
        causal = bool(upper.any() and np.all(missing[:, upper] | (z[:, upper] == 0)))
    z, notes = np.where(missing, 0.0, z), []
    if n_query < n_key:  # the queries are the last positions: zero rows for the first ones
        z = np.concatenate([np.zeros((len(marks), n_key - n_query, n_key), dtype=z.dtype), z], axis=1)
        notes.append(f"rows 0–{n_key - n_query - 1} are empty: the pattern has only the last {n_query} queries")
    tokens = fig.meta.get("tokens")
    if tokens is None or len(tokens) != n_key:  # no tokens, or a down-sampled pattern: the x labels
        tokens = list(marks[0].x_labels or panels[0].x.labels or map(str, range(n_key)))
    scale = marks[0].colorscale
    colours = stops(scale.name)
    return "AttentionHeads", {
        "attention": z, "tokens": [str(t) for t in tokens],
        "attentionHeadNames": [p.title or f"Head {i}" for i, p in enumerate(panels)],
        "minValue": scale.zmin, "maxValue": scale.zmax, "negativeColor": colours[0], "positiveColor": colours[-1],
        "maskUpperTri": bool(causal)}, notes


def _token_props(fig) -> tuple[str, dict]:
    marks = fig.marks(TokenText)
    if len(marks) != 1:
        raise BackendError(f"a token-text figure needs exactly one TokenText mark; got {len(marks)}")
    mark = marks[0]
    raw = fig.meta.get("tokens")
    raw = raw if raw is not None and len(raw) == len(mark.tokens) else mark.tokens
    tokens = [_html.escape(str(t), quote=False) for t in raw]  # ColoredTokens sets them with innerHTML
    scale = mark.colorscale
    values = np.asarray(mark.values, dtype=np.float64)
    if values.shape[0] == 1:
        colours = stops(scale.name)
        return "ColoredTokens", {"tokens": tokens, "values": values[0], "minValue": scale.zmin, "maxValue": scale.zmax,
                                 "negativeColor": colours[0], "positiveColor": colours[-1]}
    labels = list(mark.row_labels) if mark.row_labels is not None else [str(i) for i in range(values.shape[0])]
    n = values.shape[0]
    return "ColoredTokensMulti", {"tokens": tokens, "values": values.T, "labels": labels,
                                  "positiveBounds": [scale.zmax] * n, "negativeBounds": [scale.zmin] * n}


def _static_parts(fig) -> tuple[list[dict], int, list[str]]:
    """What a picture shows, which cannot hover through a head or row selector: every head of the
    first slider frame as an ``AttentionPattern`` in the facet grid of the other backends, or every
    value row as a ``ColoredTokens`` line, each under its name.
    """
    name, props, notes = _view(fig)
    if name == "ColoredTokensMulti":
        colours = stops(fig.marks(TokenText)[0].colorscale.name)
        line = {"tokens": props["tokens"], "minValue": props["negativeBounds"][0], "maxValue": props["positiveBounds"][0],
                "negativeColor": colours[0], "positiveColor": colours[-1]}
        return [{"component": "ColoredTokens", "title": label, "props": {**line, "values": props["values"][:, r]}}
                for r, label in enumerate(props["labels"])], 1, notes
    if name != "AttentionHeads":
        return [{"component": name, "props": props}], 1, notes
    shown = len(fig.frame_panels(0))
    single = {k: v for k, v in props.items() if k not in ("attention", "attentionHeadNames")}
    parts = [{"component": "AttentionPattern", "title": props["attentionHeadNames"][i],
              "props": {"attention": props["attention"][i], **single}} for i in range(shown)]
    if fig.slider is not None:
        notes = [*notes, f"static image: {fig.slider.name} {fig.slider.labels[0]} of {len(fig.slider.labels)}"]
    return parts, fig.grid[1], notes


def props_json(parts: list[dict], cols: int = 1) -> str:
    """``{"cols": cols, "parts": [{"component", "props", "title"?}, ...]}`` as JSON safe inside a ``<script>``.

    Arrays become ``{"dtype", "shape", "bdata"}`` typed arrays; ``<``, ``>``, ``&``, U+2028 and U+2029
    become ``\\u`` escapes, so no string in it can end the script or start markup.
    """
    def encode(value):
        if isinstance(value, np.ndarray):
            return arrays.encode(value.astype(np.float32 if value.dtype == np.float32 else np.float64))
        return value

    data = {"cols": int(cols), "parts": [{**part, "props": {k: encode(v) for k, v in part["props"].items()}} for part in parts]}
    text = json.dumps(data, allow_nan=False, ensure_ascii=False, separators=(",", ":"))
    for char, escaped in _JSON_ESCAPES.items():
        text = text.replace(char, escaped)
    return text


# ---------------------------------------------------------------------------------------------
# HTML


@functools.lru_cache(maxsize=1)
def _bundle() -> str:
    """The CircuitsVis browser bundle of the installed package, safe to inline in a ``<script>``.

    Found with ``importlib.util.find_spec`` (imports nothing). ``</script`` and ``<!--`` occur in the
    bundle only inside string literals (React's ``"<script></script>"``), where ``<\\/`` and ``<\\!``
    mean the same characters.
    """
    import importlib.util
    import os
    import re

    spec = importlib.util.find_spec("circuitsvis")
    if spec is None or not spec.submodule_search_locations:
        raise MissingDependencyError("the circuitsvis backend needs the circuitsvis package: pip install 'vizkit[circuitsvis]'")
    path = os.path.join(spec.submodule_search_locations[0], "dist", "cdn", "iife.js")
    try:
        with open(path, encoding="utf-8") as fh:
            js = fh.read()
    except OSError as exc:
        raise BackendError(f"the installed circuitsvis has no browser bundle at {path} ({exc}); reinstall circuitsvis") from None
    js = re.sub(r"</(script)", r"<\\/\1", js, flags=re.IGNORECASE).replace("<!--", "<\\!--")
    return js.replace("//# sourceMappingURL=iife.js.map", "")  # the map is not shipped inline


# Unpacks typed arrays (NaN → null: CircuitsVis colours null white and shows no number), then renders
# each part into the view next to this script; runtime ids keep two displays of one figure apart.
_RENDER_JS = """(function () {
  var root = document.currentScript.parentElement, view = root.querySelector('.vizkit-cv-view');
  var data = JSON.parse(root.querySelector('script.vizkit-cv-props').textContent);
  var types = {f8: Float64Array, f4: Float32Array};
  function unpack(v) {
    if (v === null || typeof v !== 'object' || Array.isArray(v) || !('bdata' in v)) return v;
    var bytes = Uint8Array.from(atob(v.bdata), function (c) { return c.charCodeAt(0); });
    var flat = Array.from(new types[v.dtype](bytes.buffer), function (x) { return Number.isNaN(x) ? null : x; });
    return (function nest(offset, dims) {
      if (dims.length === 0) return flat[offset];
      var out = [], step = dims.slice(1).reduce(function (a, b) { return a * b; }, 1);
      for (var i = 0; i < dims[0]; i++) out.push(nest(offset + i * step, dims.slice(1)));
      return out;
    })(0, v.shape);
  }
  var n = window.__vizkitCvCount = (window.__vizkitCvCount || 0) + 1;
  if (data.parts.length > 1) view.style.cssText = 'display: grid; gap: 8px 16px; grid-template-columns: repeat(' + data.cols + ', minmax(0, 1fr));';
  data.parts.forEach(function (part, i) {
    var cell = document.createElement('div'), target = document.createElement('div'), props = {};
    if (part.title) {
      var head = cell.appendChild(document.createElement('div'));
      head.className = 'vizkit-cv-part-title'; head.style.fontWeight = '600'; head.textContent = part.title;
    }
    target.id = root.id + '-' + n + '-' + i;
    if (part.component === 'AttentionPattern') target.style.padding = '0 15px 4px';  // its row reaches 15px past its column
    cell.appendChild(target); view.appendChild(cell);
    for (var k in part.props) props[k] = unpack(part.props[k]);
    CircuitsVis.render(target.id, CircuitsVis[part.component], props);
  });
  root.setAttribute('data-rendered', data.parts.map(function (p) { return p.component; }).join(' '));
})();"""

# Static pages: once the view's height has settled, shrink it (never enlarge) to fit the figure's box.
_FIT_BOX_JS = """(function () {
  var root = document.currentScript.parentElement, view = root.querySelector('.vizkit-cv-view');
  var box = +root.getAttribute('data-box-height'), last = -1, same = 0;
  (function poll() {
    var h = view.getBoundingClientRect().height;
    same = h > 0 && h === last ? same + 1 : 0; last = h;
    if (same < 5) return requestAnimationFrame(poll);
    var room = box - (root.getBoundingClientRect().height - h), s = Math.min(1, room / h);
    if (s < 1) { view.style.transform = 'scale(' + s + ')'; view.style.transformOrigin = view.style.display === 'grid' ? 'top center' : 'top left'; view.style.marginBottom = h * (s - 1) + 'px'; }
    root.style.height = box + 'px'; root.style.overflow = 'hidden';
    root.setAttribute('data-fitted', '');
  })();
})();"""

# Inside a notebook's iframe (same origin, srcdoc) the frame follows the view's height.
_FIT_FRAME_JS = """(function () {
  try {
    var frame = window.frameElement;
    if (!frame || !window.ResizeObserver) return;
    var fit = function () { frame.style.height = Math.ceil(document.body.getBoundingClientRect().height) + 'px'; };
    new ResizeObserver(fit).observe(document.body);
    fit();
  } catch (e) { /* a cross-origin parent keeps the frame's own height */ }
})();"""


def fragment(fig, theme, *, static: bool = False) -> str:
    """The figure as an HTML fragment: title, the CircuitsVis view, caption, bundle and props inline.

    Scripts find their view from ``document.currentScript``, so the fragment also works pasted
    into a larger page (several figures, or one figure twice). ``static=True`` draws what a picture
    shows (:func:`_static_parts`) in a box of exactly the figure's size (``_layout.size``).
    """
    if static:
        parts, cols, extra_notes = _static_parts(fig)
        width, height = L.size(fig, theme)
    else:
        name, props, extra_notes = _view(fig)
        parts, cols, width, height = [{"component": name, "props": props}], 1, int(fig.width or theme.width), fig.height
    payload = props_json(parts, cols)
    digest = hashlib.sha1(payload.encode("utf-8"))
    digest.update(repr((fig.title, fig.notes, width, height, static, theme.name)).encode("utf-8"))
    key = "vizkit-cv-" + digest.hexdigest()[:12]
    notes = [*fig.notes, *extra_notes]
    style = (f"width: {width}px; max-width: 100%; box-sizing: border-box; padding: 8px 12px;"
             f" {f'min-height: {int(height)}px; ' if height and not static else ''}background: {theme.background};"
             f" color: {theme.foreground}; font-family: {theme.font_family}; font-size: {theme.font_size}px;")
    title = (f'<div class="vizkit-cv-title" style="font-size: {theme.title_size}px; font-weight: 600; margin: 4px 0 8px;">'
             f"{_html.escape(fig.title)}</div>") if fig.title else ""
    caption = (f'<div class="vizkit-cv-caption" style="margin-top: 8px; opacity: 0.75;">'
               f"{_html.escape(' · '.join(notes))}</div>") if notes else ""
    fit = f"<script>{_FIT_BOX_JS}</script>" if static else ""
    return (f'<div class="vizkit-figure vizkit-cv" id="{key}" style="{_html.escape(style)}"'
            f'{f" data-box-height={int(height)}" if static else ""}>{title}<div class="vizkit-cv-view"></div>{caption}'
            f'<script type="application/json" class="vizkit-cv-props">{payload}</script>'
            f"<script>{_bundle()}</script><script>{_RENDER_JS}</script>{fit}</div>")


def _page(fig, theme, body: str) -> str:
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{_html.escape(fig.title or 'vizkit figure')}</title>\n"
            f"<style>html, body {{ margin: 0; background: {theme.background}; }}</style>\n</head>\n<body>\n"
            f"{body}\n<script>{_FIT_FRAME_JS}</script>\n</body>\n</html>\n")


def _iframe(fig, theme, page: str) -> str:
    """``page`` in an ``iframe srcdoc`` whose first height is a guess (the page's script then fits it)."""
    width = int(fig.width or theme.width)
    if fig.height:
        height = int(fig.height) + 60
    elif fig.kind == "attention":  # head thumbnails, then a zoomed pattern about as tall as it is wide
        height = width + 180
    else:
        height = L.size(fig, theme)[1] + 120 * any(m.values.shape[0] > 1 for m in fig.marks(TokenText))
    return (f'<iframe srcdoc="{_html.escape(page, quote=True)}" title="{_html.escape(fig.title or "vizkit figure")}" '
            f'style="border: 0; width: {width + 16}px; max-width: 100%; height: {height}px;" loading="eager"></iframe>')


def to_html(fig, theme, *, static: bool = False) -> str:
    """Standalone HTML: the CircuitsVis bundle and the props inline; no network; same figure, same bytes."""
    return _page(fig, theme, fragment(fig, theme, static=static))


def mimebundle(fig, theme) -> dict:
    """Notebook display: the standalone page in an ``iframe srcdoc`` that grows with the view.

    The iframe isolates CircuitsVis's React from the notebook's own scripts and needs no network,
    so it displays the same in JupyterLab, classic Notebook, VS Code and Colab.
    """
    return {"text/html": _iframe(fig, theme, to_html(fig, theme)), "text/plain": repr(fig)}


def render(fig, theme):
    """The native object: a ``circuitsvis.utils.render.RenderedHTML`` that is offline and never probes.

    Its ``local_src`` and ``cdn_src`` are both :func:`fragment` (no CDN; ``str()`` gives it);
    ``_repr_html_`` is the notebook iframe of :func:`mimebundle` instead of CircuitsVis's network
    probe; ``.component`` and ``.props`` hold what the CircuitsVis component receives.
    """
    cls = _rendered_html_class()
    name, props = component(fig)
    body = fragment(fig, theme)
    out = cls(body, body)
    out.component, out.props, out.notebook_html = name, props, _iframe(fig, theme, _page(fig, theme, body))
    return out


@functools.lru_cache(maxsize=1)
def _rendered_html_class():
    try:
        from circuitsvis.utils.render import RenderedHTML
    except ImportError as exc:
        raise MissingDependencyError(f"the circuitsvis backend needs the circuitsvis package ({exc}); "
                                     f"pip install 'vizkit[circuitsvis]'") from None

    class OfflineRenderedHTML(RenderedHTML):
        """CircuitsVis's ``RenderedHTML`` whose notebook display is vizkit's offline iframe (no network probe)."""

        def _repr_html_(self) -> str:
            return self.notebook_html

    return OfflineRenderedHTML


# ---------------------------------------------------------------------------------------------
# Static export

# Truthy once the view is fitted in its box and its canvases and text have not changed for 300 ms.
READY_JS = """(() => {
  const root = document.querySelector('.vizkit-cv[data-rendered][data-fitted]');
  const view = root && root.querySelector('.vizkit-cv-view');
  if (!view || !view.childElementCount) return false;
  const canvases = [...view.querySelectorAll('canvas')];
  if (canvases.some(c => !c.width || !c.height)) return false;
  const sig = canvases.map(c => c.toDataURL()).join('|') + view.innerText;
  const now = performance.now(), s = window.__vizkitSettle || (window.__vizkitSettle = {sig: null, t: now});
  if (sig !== s.sig) { s.sig = sig; s.t = now; return false; }
  return now - s.t > 300;
})()"""


def to_image(fig, fmt: str, theme, *, scale: float = 1.0, width: int | None = None, height: int | None = None,
             timeout: float = 60.0, dpi: float | None = None) -> bytes:
    """PNG or PDF: a headless-Chromium picture of the CircuitsVis view; SVG: the matplotlib backend.

    The picture is exactly the figure's size (``_layout.size``, as for every backend). Attention
    shows every head of the first slider frame as a CircuitsVis ``AttentionPattern`` in the facet
    grid (a picture cannot hover through the head selector), shrunk to fit the height if needed.

    Parameters
    ----------
    fmt : {"png", "svg", "pdf"}
    scale : float
        Pixels per CSS pixel of a PNG.
    width, height : int, optional
        CSS size of the figure, overriding its own.
    timeout : float
        Seconds for everything; past it :class:`~vizkit.errors.ExportError`.
    dpi : float, optional
        Instead of ``scale``: PNG pixels per inch at the themes' 100 CSS px per inch (``scale = dpi / 100``).
    """
    if dpi is not None:
        scale = float(dpi) / 100
    if width is not None or height is not None:
        fig = fig.replace(width=width or fig.width, height=height or fig.height)
    if fmt == "svg":  # CircuitsVis draws on canvases: the page holds no SVG of the plot
        try:
            from . import matplotlib as _mpl
        except ImportError as exc:
            raise ExportError(f"SVG of a CircuitsVis figure is drawn by the matplotlib backend, which is not available "
                              f"({exc}); save PNG or PDF, or install matplotlib") from None
        return _mpl.to_image(fig, "svg", theme, scale=scale, timeout=timeout)
    from ..export.browser import html_to_image

    box_w, box_h = L.size(fig, theme)
    return html_to_image(to_html(fig, theme, static=True), fmt, width=box_w + 40, height=box_h + 40, scale=scale,
                         timeout=timeout, selector=".vizkit-cv", ready_js=READY_JS)
