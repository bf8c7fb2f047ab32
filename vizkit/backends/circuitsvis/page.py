"""The CircuitsVis page body: title, view, caption, the bundle and props inline, and the scripts that draw them.

The bundle shipped in the installed package (``dist/cdn/iife.js``) is inlined: no network request.
Props travel in a ``<script type="application/json">`` block (:func:`.props.props_json`); the ids
derive from the content (no ``uuid4``), so the same figure gives the same bytes.
"""

from __future__ import annotations

import functools
import hashlib
import html
import re

from ...errors import BackendError, MissingDependencyError
from ...plan.captions import NOTE_SEPARATOR
from ...plan.text import escape
from .props import STACKED_NOTE, props_json, rows_stacked, static_parts, view

__all__ = ["fragment", "READY_JS"]


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
  // ColoredTokens sets a token with innerHTML (so it is handed escaped) but shows it again as text in its hover
  // box, first element of a `.colored-tokens > div`: decode that one text once, so a hover reads `<img`, not `&lt;img`.
  var entities = {'&lt;': '<', '&gt;': '>', '&amp;': '&'}, decoded = new WeakSet();
  function decode(box) {
    var head = box.firstElementChild, node = head && head.firstChild;
    if (!node || node.nodeType !== 3 || decoded.has(node)) return;
    node.data = node.data.replace(/&(lt|gt|amp);/g, function (e) { return entities[e]; });
    decoded.add(node);
  }
  new MutationObserver(function () {
    view.querySelectorAll('.colored-tokens > div').forEach(decode);
  }).observe(view, {childList: true, subtree: true});
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

# Plan notes a CircuitsVis note replaces: its tokens are cut shorter and have no full-text hover; its
# attention has no gap colour (±inf cells are drawn as 0, and its own note says so).
_SUPERSEDED = (re.compile(r"^\d+ labels? shortened with …"), re.compile(r"inf.* shown as marked gaps"))


def _caption(notes, extra_notes) -> str | None:
    """The plan's caption notes without those :data:`_SUPERSEDED` by this backend's own ``extra_notes``."""
    own = " ".join(extra_notes)
    drop = [pat for pat, mine in zip(_SUPERSEDED, ("shortened", "±inf"), strict=True) if mine in own]
    kept = [n for n in notes if n in extra_notes or not any(p.search(n) for p in drop)]
    return NOTE_SEPARATOR.join(kept) if kept else None


def fragment(plan) -> str:
    """The figure as an HTML fragment: title, the CircuitsVis view, caption, bundle and props inline.

    Scripts find their view from ``document.currentScript``, so the fragment also works pasted
    into a larger page (several figures, or one figure twice). A static plan draws what a picture
    shows (:func:`.props.static_parts`) in a box of exactly the plan's size.
    """
    fig, theme, static = plan.figure, plan.theme, plan.static
    if static or rows_stacked(fig):  # rows on their own ranges: stacked, as CircuitsVis' selector would keep one range
        parts, cols, extra_notes = static_parts(fig)
        extra_notes = extra_notes if static else [*extra_notes, STACKED_NOTE]
    else:
        name, props, extra_notes = view(fig)
        parts, cols = [{"component": name, "props": props}], 1
    planned = plan.with_notes(extra_notes)
    caption = _caption(planned.notes, extra_notes)
    width, height = (planned.width, planned.height) if static else (int(fig.width or theme.width), fig.height)
    payload = props_json(parts, cols)
    digest = hashlib.sha1(payload.encode("utf-8"))
    digest.update(repr((fig.title, fig.notes, width, height, static, theme.name)).encode("utf-8"))
    key = "vizkit-cv-" + digest.hexdigest()[:12]
    style = (f"width: {width}px; max-width: 100%; box-sizing: border-box; padding: 8px 12px;"
             f" {f'min-height: {int(height)}px; ' if height and not static else ''}background: {theme.background};"
             f" color: {theme.foreground}; font-family: {theme.font_family}; font-size: {theme.font_size}px;")
    title = (f'<div class="vizkit-cv-title" style="font-size: {theme.title_size}px; font-weight: 600; margin: 4px 0 8px;">'
             f"{escape(fig.title)}</div>") if fig.title else ""
    caption = (f'<div class="vizkit-cv-caption" style="margin-top: 8px; opacity: 0.75;">'
               f"{escape(caption)}</div>") if caption else ""
    fit = f"<script>{_FIT_BOX_JS}</script>" if static else ""
    return (f'<div class="vizkit-figure vizkit-cv" id="{key}" style="{html.escape(style)}"'
            f'{f" data-box-height={int(height)}" if static else ""}>{title}<div class="vizkit-cv-view"></div>{caption}'
            f'<script type="application/json" class="vizkit-cv-props">{payload}</script>'
            f"<script>{_bundle()}</script><script>{_RENDER_JS}</script>{fit}</div>")


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

