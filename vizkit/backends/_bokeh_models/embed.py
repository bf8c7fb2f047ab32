"""A bokeh layout as page parts for export: BokehJS inline, the document as escaped JSON, ids from the content.

Export wraps ``(head, body)`` in the one standalone page (:mod:`vizkit.export.pages`), shows it
in a notebook iframe, and screenshots it for PNG, SVG and PDF with :data:`READY_JS` and
:data:`SVG_JS` (the backend contract in :mod:`vizkit.backends`). A page with a pre-paint (the heads
view's first cells as pictures, :func:`vizkit.plan.heads.prepaint`) carries BokehJS in its body, after
the pictures, as text its script runs once the pictures are on screen.
"""

from __future__ import annotations

import html
import json

from ...errors import BackendError
from ...plan.heads import RUN_INERT_JS, WHEN_PAINTED_JS
from ...plan.text import script_safe
from ...spec.digest import content_digest

__all__ = ["READY_JS", "RESET_JS", "SVG_JS", "PAGE_DATA", "html_parts", "content_id", "inline_resources"]

#: The tag of a ``ColumnDataSource({"text": [json_text]})`` holding a page's data for its ``CustomJS``
#: (the heads view's packed heads). A page carries that text in a ``<script type="application/json">`` of its
#: own beside the document instead: BokehJS then parses, unescapes and decodes a document of a few hundred KB,
#: not one of several MB. The source keeps ``{"text": [""], "element": [that script's id]}``: the page's script
#: reads ``holder.data.text[0] || document.getElementById(holder.data.element[0]).textContent``.
PAGE_DATA = "vizkit-page-data"

# BokehJS reads the document from the JSON script and draws it (bokeh's own embed script, fixed:
# Panel rewrites bokeh's template when imported, and vizkit's output must not depend on that).
# The JSON is HTML-escaped, so no token can close the script; embed_items unescapes it.
_EMBED = ("(function () { const fn = () => Bokeh.safely(() => Bokeh.embed.embed_items("
          "document.getElementById('KEY-json').textContent, ITEMS));"
          " if (document.readyState != 'loading') fn(); else document.addEventListener('DOMContentLoaded', fn); })();")
_BODY = """<div class="vizkit-figure" id="{key}"><div id="{key}-root" style="display: contents;"></div></div>
{data}<script type="application/json" id="{key}-json">{payload}</script>
<script type="text/javascript">{embed}</script>"""
# With a pre-paint: its markup first in the figure (whose top-left is the layout's), in a layer moved by half a px
# as BokehJS moves everything it draws on a canvas (``translate(0.5, 0.5)``, for crisp lines), so a picture's pixels
# fall where BokehJS then draws the same cells; then BokehJS's scripts as inert text, the document, and the script
# that runs them (_LOAD).
_PREPAINT_BODY = """<div class="vizkit-figure" id="{key}" style="position: relative; vertical-align: top;">\
<div id="{key}-prepaint-layer" style="position: absolute; left: 0; top: 0; transform: translate(0.5px, 0.5px);">\
{prepaint}</div><div id="{key}-root" style="display: contents;"></div></div>
{libs}
{data}<script type="application/json" id="{key}-json">{payload}</script>
<script type="text/javascript">{load}</script>"""
#: The type of a script element holding a BokehJS bundle as text, which :data:`_LOAD` runs.
_LIB_TYPE = "text/x-vizkit-bokehjs"
# Once the pictures are on screen (vizkit.plan.heads.WHEN_PAINTED_JS: the browser's paint record of each, at most
# 1 s: a background tab paints nothing), runs BokehJS
# (each bundle as a script in its holder's place, evaluated at once), draws the document, and removes the
# pictures' layer once BokehJS has drawn the layout over it (its root view finished: every plot painted), in the
# next animation frame.
# (BokehJS in a plain script after the pictures: Chromium's parser ran it at once, before any paint, in about a
# third of the loads here, whenever it had the whole file already.) Without BokehJS (a script error, scripts off)
# the pictures stay.
_LOAD = ("(function () { var key = 'KEY', fig = document.getElementById(key);"
         " var done = function () { var layer = document.getElementById(key + '-prepaint-layer'); if (layer) layer.remove(); };"
         " var wait = function () { var roots = (Bokeh.index && Bokeh.index.roots) || [];"
         " for (var i = 0; i < roots.length; i++) { var v = roots[i];"
         " if (v.el && fig.contains(v.el) && v.has_finished()) { requestAnimationFrame(done); return; } }"
         " if (Date.now() - t0 < 60000) requestAnimationFrame(wait); }, t0 = 0;"
         " var draw = function () { Bokeh.safely(() => Bokeh.embed.embed_items(document.getElementById(key + '-json').textContent, ITEMS));"
         " t0 = Date.now(); requestAnimationFrame(wait); };"
         " var run = function () {"
         " (RUN_INERT)(Array.prototype.slice.call(document.querySelectorAll('script[type=\"LIB_TYPE\"][id^=\"' + key + '-lib-\"]')));"
         " if (!window.Bokeh) return;"
         " if (document.readyState != 'loading') draw(); else document.addEventListener('DOMContentLoaded', draw); };"
         " var pictures = Array.prototype.slice.call(document.querySelectorAll('#' + key + '-prepaint img'));"
         " (WHEN_PAINTED)(pictures, run); })();"
         ).replace("LIB_TYPE", _LIB_TYPE).replace("WHEN_PAINTED", WHEN_PAINTED_JS).replace("RUN_INERT", RUN_INERT_JS)


def content_id(plan, backend: str) -> str:
    """The id prefix of ``plan``'s page drawn by ``backend``: from its content, so output is deterministic."""
    return "vizkit-" + content_digest(plan.figure, plan.theme.name, backend, plan.static)


def html_parts(root, title: str | None, key: str, *, prepaint: str | None = None) -> tuple[str, str]:
    """``(head, body)`` of the bokeh layout ``root``: BokehJS (and its CSS) inline for the head; for the
    body a ``vizkit-figure`` element, the document as HTML-escaped JSON, and the script that draws it.

    ``prepaint`` (markup such as :func:`vizkit.plan.heads.prepaint`'s: pictures placed in CSS px from the
    layout's top-left) goes first in the figure, and BokehJS moves from the head into the body after it, as
    text that the page's script runs once the pictures are on screen; the script removes them once BokehJS has
    drawn. Every model id derives from ``key``. Raises :class:`~vizkit.errors.BackendError` if any model
    would need a script or stylesheet from the network (bokeh extensions such as Panel's).
    """
    from bokeh.core.json_encoder import serialize_json
    from bokeh.document import Document
    from bokeh.embed.bundle import bundle_for_objs_and_resources
    from bokeh.model.util import collect_models

    doc = Document(title=title or "vizkit figure")
    models = collect_models(root, doc.config)
    for i, model in enumerate(models):  # ids from content, not bokeh's counter
        model._id = f"{key}-{i}"
    doc.add_root(root)
    bundle = bundle_for_objs_and_resources([doc], inline_resources({type(m) for m in models}))
    if bundle.js_files or bundle.css_files:
        raise BackendError(f"bokeh output would load {bundle.js_files + bundle.css_files} from the network; "
                           f"vizkit writes only self-contained pages")
    js, css = bundle
    raw = bundle.js_raw
    detached = _detach_page_data(models, key)
    try:
        doc_json = doc.to_json(deferred=False)
    finally:
        for model, data, _, _ in detached:
            model.data = data
    used = {type(m).__view_model__ for m in models}  # not every data model some import registered
    doc_json["defs"] = [d for d in doc_json.get("defs", []) if d.get("name") in used]
    docs_json = {f"{key}-doc": doc_json}
    items = [{"docid": f"{key}-doc", "roots": {root.id: f"{key}-root"}, "root_ids": [root.id]}]
    data = "".join(f'<script type="application/json" id="{element}">{text}</script>\n' for _, _, element, text in detached)
    payload = html.escape(serialize_json(docs_json), quote=False)
    if prepaint is not None:
        if any("</script" in text.lower() for text in raw):
            raise BackendError("a BokehJS bundle holds '</script': it cannot sit in a page as text")
        libs = "\n".join(f'<script type="{_LIB_TYPE}" id="{key}-lib-{i}">{text}</script>' for i, text in enumerate(raw))
        load = _LOAD.replace("KEY", key).replace("ITEMS", json.dumps(items))
        return css, _PREPAINT_BODY.format(key=key, prepaint=prepaint, libs=libs, data=data, payload=payload, load=load)
    body = _BODY.format(key=key, data=data, payload=payload, embed=_EMBED.replace("KEY", key).replace("ITEMS", json.dumps(items)))
    return f"{js}\n{css}", body


def _detach_page_data(models, key: str) -> list[tuple]:
    """Empty every :data:`PAGE_DATA` source for serialising; ``(model, its data, script id, script-safe JSON text)``."""
    detached = []
    for model in models:
        if PAGE_DATA not in (getattr(model, "tags", None) or []):
            continue
        data = dict(model.data)
        element = f"{key}-data-{len(detached)}"
        detached.append((model, data, element, script_safe(data["text"][0])))
        model.data = {"text": [""], "element": [element]}
    return detached


def inline_resources(used: set):
    """bokeh's INLINE resources, minus the external assets of models that are registered but unused.

    bokeh lists the ``__javascript__``/``__css__`` of every model class ever imported: once Panel
    is imported (HoloViews imports it), that includes CDN scripts no vizkit page uses.
    """
    from bokeh.resources import Resources

    class Inline(Resources):
        def clone(self, *, components=None):
            return Inline(mode="inline", components=components if components is not None else list(self.components))

        def _collect_external_resources(self, attr):
            found = []
            for cls in sorted(used, key=lambda c: c.__qualname__):
                value = getattr(cls, attr, None) or []
                found += [v for v in ([value] if isinstance(value, str) else value) if v not in found]
            return found

    return Inline(mode="inline")


# ---------------------------------------------------------------------------------------------
# Static images of the page: export screenshots it in headless Chromium with these

READY_JS = "window.Bokeh !== undefined && Bokeh.documents.length > 0 && Bokeh.documents[0].is_idle"
#: Forgets every drawn document and view, so the page (BokehJS loaded) can draw the next figure as a fresh page would:
#: :data:`READY_JS` then reads the next figure's document (a warm export page, :mod:`vizkit.export.browser.page`).
RESET_JS = ("if (window.Bokeh) { for (const v of Bokeh.index.roots) { try { v.remove(); } catch (e) {} }"
            " Bokeh.index.clear(); Bokeh.documents.length = 0; }")
# The whole figure as one SVG: every visible plot exported by BokehJS, every text Div as <text>
# (wrapped as the page wraps it), each widget as its label.
SVG_JS = """
const root = document.querySelector('.vizkit-figure'), box = root.getBoundingClientRect();
const NS = 'http://www.w3.org/2000/svg', out = document.createElementNS(NS, 'svg');
out.setAttribute('xmlns', NS); out.setAttribute('width', box.width); out.setAttribute('height', box.height);
out.setAttribute('viewBox', `0 0 ${box.width} ${box.height}`);
const bg = document.createElementNS(NS, 'rect');
bg.setAttribute('width', '100%'); bg.setAttribute('height', '100%');
bg.setAttribute('fill', getComputedStyle(document.body).backgroundColor); out.appendChild(bg);
const measure = document.createElement('canvas').getContext('2d');
const wrap = (text, s, width) => {
  if (s.whiteSpace === 'nowrap') return [text];
  measure.font = `${s.fontWeight} ${s.fontSize} ${s.fontFamily}`;
  const lines = []; let line = '';
  for (const word of text.split(' ')) {
    const longer = line ? line + ' ' + word : word;
    if (line && measure.measureText(longer).width > width) { lines.push(line); line = word; } else line = longer;
  }
  return [...lines, line];
};
const write = (text, x, y, s, anchor) => {
  const t = document.createElementNS(NS, 'text');
  t.setAttribute('x', x); t.setAttribute('y', y); t.setAttribute('text-anchor', anchor);
  t.setAttribute('dominant-baseline', 'central');
  t.setAttribute('font-family', s.fontFamily); t.setAttribute('font-size', s.fontSize);
  t.setAttribute('font-weight', s.fontWeight); t.setAttribute('fill', s.color);
  if (s.opacity !== '1') t.setAttribute('opacity', s.opacity);
  t.textContent = text; out.appendChild(t);
};
for (const view of Bokeh.index.all_views()) {
  if (!(view.el instanceof Element)) continue;
  const r = view.el.getBoundingClientRect();
  if (!r.width || !r.height) continue;
  const x = r.left - box.left, y = r.top - box.top, s = getComputedStyle(view.el), type = view.model.type;
  if (type === 'Div') {
    const center = s.textAlign === 'center', lh = parseFloat(s.lineHeight) || 1.2 * parseFloat(s.fontSize);
    wrap(view.model.text, s, r.width).forEach((line, k) =>
      write(line, center ? x + r.width / 2 : x, y + lh * (k + 0.5), s, center ? 'middle' : 'start'));
  } else if (type === 'Slider' || type === 'Select') {
    const title = view.el.shadowRoot && view.el.shadowRoot.querySelector('.bk-slider-title, label');
    let text = title ? title.textContent : view.model.title;
    if (type === 'Select') text += ': ' + (view.model.options.find(o => o[0] === view.model.value) || ['', ''])[1];
    write(text, x, y + parseFloat(s.fontSize), s, 'start');
  } else if (view.renderer_views !== undefined && typeof view.export === 'function') {
    const text = view.export('svg').ctx.get_serialized_svg(true);
    const svg = new DOMParser().parseFromString(text, 'image/svg+xml').documentElement;
    svg.setAttribute('x', x); svg.setAttribute('y', y);
    out.appendChild(document.importNode(svg, true));
  }
}
return new XMLSerializer().serializeToString(out);
"""
