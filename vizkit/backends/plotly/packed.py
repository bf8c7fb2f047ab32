"""A large plotly figure's page: its JSON gzip-compressed in the page, inflated by the browser, then drawn.

plotly writes the figure JSON into the page as text (typed arrays as base64): 5.5 MB for one layer of
12 attention heads at 256 tokens, of which gzip keeps 1.7 MB (the causal mask's NaN half compresses
to almost nothing). Figures whose JSON is under :data:`PACK_FROM` bytes keep plotly's own HTML (drawn
synchronously, readable in the file).

The data stays data: the compressed JSON sits in a ``<script type="application/octet-stream">``
(base64: no character of it can end the element), and the browser only ever ``JSON.parse``-s it.
"""

from __future__ import annotations

import base64
import gzip

from ...plan.text import script_json

__all__ = ["PACK_FROM", "packed_html"]

#: Figure JSON (bytes, as estimated before writing it: arrays as base64) from which the page carries it compressed.
PACK_FROM = 1_000_000

#: Inflates the figure (``DecompressionStream``, as the heads view's page does) and draws it; a failure is shown.
_LOADER_JS = """(function () {
  var gd = document.getElementById(%(id)s), src = document.getElementById(%(spec)s);
  if (!gd || !src) return;
  var b64 = src.textContent.trim();
  fetch('data:application/octet-stream;base64,' + b64).then(function (r) { return r.arrayBuffer(); })
    .catch(function () { return Uint8Array.from(atob(b64), function (c) { return c.charCodeAt(0); }).buffer; })
    .then(function (buf) { return new Response(new Blob([buf]).stream().pipeThrough(new DecompressionStream('gzip'))).text(); })
    .then(function (text) {
      var fig = JSON.parse(text);
      window.PLOTLYENV = window.PLOTLYENV || {};
      return Plotly.newPlot(gd, fig.data, fig.layout || {}, %(config)s);
    })
    .catch(function (e) { gd.dataset.vizkitError = String(e); gd.textContent = 'vizkit: could not draw this plotly figure (' + e + ')'; });
})();"""


def _encoded_size(value) -> int:
    """About the length of ``value``'s plotly JSON without writing it: arrays as base64 (4/3 of their bytes)."""
    if isinstance(value, dict):
        return sum(len(k) + 4 + _encoded_size(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return sum(_encoded_size(v) + 1 for v in value)
    if isinstance(value, str):
        return len(value) + 2
    nbytes = getattr(value, "nbytes", None)
    return 4 * int(nbytes) // 3 if nbytes is not None else 8


def packed_html(native, div_id: str, config: dict) -> str | None:
    """The plot's ``<div>``, its compressed JSON and the loader; ``None`` when the JSON is under :data:`PACK_FROM`."""
    from plotly.io.json import to_json_plotly

    figure = native.to_dict()
    if _encoded_size(figure) < PACK_FROM:  # plotly's own HTML serialises it: not twice
        return None
    text = to_json_plotly(figure)
    layout = native.layout
    width, height = layout.width or 700, layout.height or 450
    data = base64.b64encode(gzip.compress(text.encode("utf-8"), 6, mtime=0)).decode("ascii")
    return (f'<div id="{div_id}" class="plotly-graph-div" style="height:{int(height)}px; width:{int(width)}px;"></div>'
            f'<script type="application/octet-stream" id="{div_id}-spec">{data}</script>'
            "<script>" + _LOADER_JS % {"id": script_json(div_id), "spec": script_json(div_id + "-spec"),
                                       "config": script_json(config)} + "</script>")
