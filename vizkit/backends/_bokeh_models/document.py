"""The standalone page of a bokeh layout (BokehJS inline, ids from the content), its notebook
iframe, and its image drawn by headless Chromium.

Until export writes every page itself (issue 11's contract), the bokeh and HoloViews backends
both write their pages here.
"""

from __future__ import annotations

import hashlib
import html as _html
import json

from ...errors import BackendError
from ...plan.geometry import figure_size

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>html, body {{ margin: 0; background: {bg}; }} body {{ padding: {pad}px; }} .vizkit-figure {{ display: inline-block; }}</style>
{js}
{css}
</head>
<body>
<div class="vizkit-figure" id="{key}"><div id="{key}-root" style="display: contents;"></div></div>
<script type="application/json" id="{key}-json">{payload}</script>
<script type="text/javascript">{embed}</script>
<script type="text/javascript">{resize}</script>
</body>
</html>
"""
_PAD = 8  # around the figure in a browser tab or notebook iframe (image export removes it)
# BokehJS reads the document from the JSON script and draws it (bokeh's own embed script, fixed:
# Panel rewrites bokeh's template when imported, and vizkit's output must not depend on that).
# The JSON is HTML-escaped, so no token can close the script; embed_items unescapes it.
_EMBED = ("(function () { const fn = () => Bokeh.safely(() => Bokeh.embed.embed_items("
          "document.getElementById('KEY-json').textContent, ITEMS));"
          " if (document.readyState != 'loading') fn(); else document.addEventListener('DOMContentLoaded', fn); })();")
# Inside a notebook's iframe (srcdoc, same origin) the frame fits the drawn figure.
_RESIZE = ("(function () { try { const f = window.frameElement; if (!f) return;"
           " const fit = () => { const d = document.documentElement;"
           " f.style.height = (d.scrollHeight + 4) + 'px'; f.style.width = (d.scrollWidth + 4) + 'px'; };"
           " new ResizeObserver(fit).observe(document.body); fit(); } catch (e) {} })();")



def content_key(fig, theme, *extra) -> str:
    """An id prefix derived from the figure's content (deterministic output, no uuid)."""
    digest = hashlib.sha1(fig.to_json(sort_keys=True).encode())
    digest.update(repr((theme.name, *extra)).encode())
    return "vizkit-" + digest.hexdigest()[:12]


def standalone_html(root, fig, theme, key: str) -> str:
    """A complete page with BokehJS inline, the document as escaped JSON, and ids from ``key``.

    Raises :class:`~vizkit.errors.BackendError` if any model would need a script or stylesheet
    from the network (bokeh extensions such as Panel's).
    """
    from bokeh.core.json_encoder import serialize_json
    from bokeh.document import Document
    from bokeh.embed.bundle import bundle_for_objs_and_resources
    from bokeh.model.util import collect_models

    doc = Document(title=fig.title or "vizkit figure")
    models = collect_models(root, doc.config)
    for i, model in enumerate(models):  # ids from content, not bokeh's counter
        model._id = f"{key}-{i}"
    doc.add_root(root)
    bundle = bundle_for_objs_and_resources([doc], inline_resources({type(m) for m in models}))
    if bundle.js_files or bundle.css_files:
        raise BackendError(f"bokeh output would load {bundle.js_files + bundle.css_files} from the network; "
                           f"vizkit writes only self-contained pages")
    js, css = bundle
    doc_json = doc.to_json(deferred=False)
    used = {type(m).__view_model__ for m in models}  # not every data model some import registered
    doc_json["defs"] = [d for d in doc_json.get("defs", []) if d.get("name") in used]
    docs_json = {f"{key}-doc": doc_json}
    items = [{"docid": f"{key}-doc", "roots": {root.id: f"{key}-root"}, "root_ids": [root.id]}]
    return _PAGE.format(title=_html.escape(fig.title or "vizkit figure"), bg=theme.background, pad=_PAD, js=js, css=css,
                        key=key, payload=_html.escape(serialize_json(docs_json), quote=False),
                        embed=_EMBED.replace("KEY", key).replace("ITEMS", json.dumps(items)), resize=_RESIZE)


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


def iframe_bundle(page: str, fig, theme) -> dict:
    """A notebook bundle: the standalone page in an ``iframe srcdoc``.

    Self-contained (BokehJS inside, no ``output_notebook()`` needed) and isolated from the
    notebook's own scripts, so it displays the same in JupyterLab, classic Notebook, VS Code
    and Colab, offline. The frame starts at the figure's size and fits the drawn page.
    """
    width, height = figure_size(fig, theme)
    frame = (f'<iframe srcdoc="{_html.escape(page, quote=True)}" title="{_html.escape(fig.title or "vizkit figure")}" '
             f'style="border: 0; width: {width + 2 * _PAD + 4}px; max-width: 100%; height: {height + 2 * _PAD + 4}px;" '
             f'loading="eager"></iframe>')
    return {"text/html": frame, "text/plain": repr(fig)}


# ---------------------------------------------------------------------------------------------
# Static images of the page (shared with HoloViews)

READY_JS = "window.Bokeh !== undefined && Bokeh.documents.length > 0 && Bokeh.documents[0].is_idle"
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


def image(page: str, fig, theme, fmt: str, *, scale: float, timeout: float) -> bytes:
    """PNG, SVG or PDF of a page made by :func:`standalone_html`, drawn in headless Chromium."""
    from ...export.browser import html_to_image

    width, height = figure_size(fig, theme)
    return html_to_image(page, fmt, width=width + 40, height=height + 40, scale=scale, timeout=timeout,
                         selector=".vizkit-figure", ready_js=READY_JS, svg_js=SVG_JS)


