"""The whole-model attention view in plotly (``vk.attention(mode="heads")``, :mod:`vizkit.plan.heads`).

:func:`draw` gives one ``go.Figure``: trace 0 the thumbnail mosaic (block maxima), trace 1 the
selected head at full resolution on category axes named ``"token (position)"`` (ticks show the
tokens, thinned to fit; the hover names query and key token and position), trace 2 the token view
(token boxes as horizontal bars, coloured by what the last query attends to). A rectangle marks
the selected thumbnail.

:func:`html_parts` writes the standalone page, built for a fast first paint (issue 12): the first
view's cells as pictures before anything else (:func:`vizkit.plan.heads.prepaint`: the mosaic and the
selected head on screen before the browser has evaluated plotly.js), plotly's cartesian bundle inline (:mod:`.bundle`, a third of the full library), then the first draw, which
is the mosaic as one PNG picture (an ``image`` trace: plotly places it as it is, instead of colouring
~120 k heatmap cells in the browser at every draw) and the selected head; the token view (one
measured text box per token) and the page data follow once that draw is on screen
(:data:`POST_SCRIPT`). On the page the token view is a plot of its own placed over the figure's token
box, so a head switch redraws the heatmaps without re-measuring every token box, and the token view
only takes its new colours (:func:`_split`). The go.Figure of :func:`draw` is unchanged (one figure
of three traces, a heatmap mosaic: static images, the notebook's plotly JSON).

The page carries every head at full resolution (one byte per cell, gzip + base64,
:mod:`vizkit.plan.encoding`), inflates it with ``DecompressionStream('gzip')``, and then a click on
a thumbnail (or the arrow keys, with the plot focused) draws that head in the large panel, and
hovering a token recolours the token view. The mosaic's hover is the script's own label (head,
block of cells and its maximum, from the packed data). The plot element says what it shows in
``data-vizkit-selected`` (``"L1H3"``) and ``data-vizkit-token``, and ``data-vizkit-ready="1"`` once
every part is drawn and answers. The hover of a head drawn from the page's data shows its value
with exactly the digits the encoding holds (3 decimals below 0.1, 2 above; d3 format ``.3~f`` trims
trailing zeros); the first head, drawn from the spec, shows 4 significant digits of the exact value.

In a notebook (:func:`notebook_bundle`) the same page goes in an ``iframe srcdoc`` (gzip-compressed),
as plotly's own mime renderer runs no page script.
"""

from __future__ import annotations

import base64
import gzip
import html
import json
import re

import numpy as np

from ...plan import heads as hp
from ...plan.text import script_json
from ...plan.tokens import MONO
from ._text import colorscale, label, template_text

__all__ = ["draw", "html_parts", "notebook_bundle", "POST_SCRIPT", "TOKEN_TITLE_PX"]

MOSAIC, SELECTED, TOKENS = 0, 1, 2


def _frac(lay, box):
    """A box's plotly domains (paper fractions; y from the bottom)."""
    return ([box.x / lay.width, (box.x + box.width) / lay.width],
            [1 - (box.y + box.height) / lay.height, 1 - box.y / lay.height])


def _names(labels) -> list[str]:
    """Category names ``"token (position)"``: unique, so repeated tokens stay distinct cells."""
    return [f"{label(t)} ({i})" for i, t in enumerate(labels)]


def draw(plan):
    """The ``go.Figure`` of a heads-view plan."""
    import plotly.graph_objects as go

    fig, theme = plan.figure, plan.theme
    meta = fig.meta
    lay = hp.layout(plan)
    li, hi = lay.head
    scale = lay.scale
    n_layers, n_heads, nq, nk = lay.n_layers, lay.n_heads, lay.n_query, lay.n_key
    value = template_text(meta.get("value_label") or "attention")
    mdx, mdy = _frac(lay, lay.mosaic)
    sdx, sdy = _frac(lay, lay.selected)
    tdx, tdy = _frac(lay, lay.tokens)
    rows, cols = lay.mosaic_shape
    mosaic = go.Heatmap(
        z=hp.thumbnails(fig, lay).astype(np.float32), coloraxis="coloraxis", hoverongaps=False, xaxis="x", yaxis="y",
        hovertemplate=f"block max {value}: %{{z:.4g}}<extra></extra>", name="thumbnails")
    xs, ys = _names(meta["key_labels"]), _names(meta["query_labels"])
    selected = go.Heatmap(
        z=hp.pattern(fig, li, hi), x=xs, y=ys, coloraxis="coloraxis", hoverongaps=False,
        xaxis="x2", yaxis="y2", name=hp.head_name(meta, li, hi),
        hovertemplate=(f"query: %{{y}}<br>key: %{{x}}<br>{value}: %{{z:.4g}}"
                       f"<extra>{label(hp.head_name(meta, li, hi))}</extra>"))
    bx, bw, bl = hp.token_boxes(fig, lay)
    fills, inks = hp.token_colours(fig, li, hi, None)
    char_px = lay.font_px * 0.62
    tokens = go.Bar(
        x=bw, base=bx - bw / 2, y=bl, orientation="h", width=0.78, text=[label(t) for t in meta["key_labels"]],
        textposition="inside", insidetextanchor="middle", textangle=0, constraintext="none",
        textfont={"family": MONO, "size": lay.font_px, "color": inks},
        marker={"color": fills, "line": {"width": 0.5, "color": "#bbbbbb"}}, showlegend=False, xaxis="x3", yaxis="y3",
        customdata=list(range(nk)), hovertemplate="%{text} (%{customdata})<extra></extra>", name="tokens")
    xt, xtext, rot = hp.selected_ticks(plan, lay, "x")
    yt, ytext, _ = hp.selected_ticks(plan, lay, "y")
    fg = theme.foreground
    axis = {"showgrid": False, "zeroline": False, "color": fg}
    layout = {
        "width": lay.width, "height": lay.height, "margin": {"l": 0, "r": 0, "t": 0, "b": 0, "autoexpand": False},
        "font": {"family": theme.font_family, "size": theme.font_size, "color": fg},
        "paper_bgcolor": theme.background, "plot_bgcolor": theme.background, "showlegend": False,
        "hoverlabel": {"namelength": -1},
        "xaxis": {**axis, "domain": mdx, "range": list(lay.mosaic_range[:2]), "side": "top", "fixedrange": True,
                  "tickvals": [h * lay.col_stride + (lay.thumb_cols - 1) / 2 for h in range(n_heads)],
                  "ticktext": [f"H{(meta.get('heads') or list(range(n_heads)))[h]}" for h in range(n_heads)],
                  "ticks": "", "tickfont": {"size": max(8, theme.font_size - 2)}},
        "yaxis": {**axis, "domain": mdy, "range": [lay.mosaic_range[3], lay.mosaic_range[2]], "fixedrange": True,
                  "scaleanchor": False,  # the picture fills its box, as the heatmap did (an image trace would pin square cells)
                  "tickvals": [ly * lay.row_stride + (lay.thumb_rows - 1) / 2 for ly in range(n_layers)],
                  "ticktext": [f"L{(meta.get('layers') or list(range(n_layers)))[ly]}" for ly in range(n_layers)],
                  "ticks": ""},
        "xaxis2": {**axis, "domain": sdx, "anchor": "y2", "type": "category", "range": [-0.5, nk - 0.5],
                   "tickvals": [xs[i] for i in xt], "ticktext": [label(t) for t in xtext],
                   "tickangle": -45 if rot else 0, "title": {"text": label(meta.get("x_title") or "key")}},
        "yaxis2": {**axis, "domain": sdy, "anchor": "x2", "type": "category", "range": [nq - 0.5, -0.5],
                   "tickvals": [ys[i] for i in yt], "ticktext": [label(t) for t in ytext],
                   "title": {"text": label(meta.get("y_title") or "query")}},
        "xaxis3": {**axis, "domain": tdx, "anchor": "y3", "visible": False, "fixedrange": True,
                   "range": [0, max(float((bx + bw / 2).max()), lay.tokens.width / char_px)]},
        "yaxis3": {**axis, "domain": tdy, "anchor": "x3", "visible": False, "fixedrange": True,
                   "range": [lay.token_lines - 0.5, -0.5]},
        "coloraxis": {"colorscale": colorscale(scale.name), "cmin": scale.zmin, "cmax": scale.zmax,
                      "colorbar": {"x": (lay.colorbar.x) / lay.width, "xanchor": "left", "thickness": lay.colorbar.width,
                                   "y": sdy[1], "yanchor": "top", "len": sdy[1] - sdy[0],
                                   "title": {"text": label(scale.title) if scale.title else None}}},
        "shapes": [_highlight(lay, li, hi)],
        "annotations": _annotations(plan, lay, li, hi),
    }
    return go.Figure(data=[mosaic, selected, tokens], layout=layout)  # one pass (update_layout re-walks every key)


def _highlight(lay, li: int, hi: int) -> dict:
    """The rectangle around the selected thumbnail."""
    x0, y0 = hi * lay.col_stride - 0.5, li * lay.row_stride - 0.5
    return {"type": "rect", "xref": "x", "yref": "y", "x0": x0 - 0.4 * lay.gap_cells, "y0": y0 - 0.4 * lay.gap_cells,
            "x1": x0 + lay.thumb_cols + 0.4 * lay.gap_cells, "y1": y0 + lay.thumb_rows + 0.4 * lay.gap_cells,
            "line": {"color": "#d62728", "width": 2}, "name": "vizkit-selected"}


def selected_title(meta, li: int, hi: int, static: bool) -> str:
    hint = "" if static else " · click a thumbnail (or ←↑→↓) to select a head"
    return f"<b>{label(hp.head_name(meta, li, hi))}</b>{hint}"


def token_title(meta, li: int, hi: int, pos: int, static: bool) -> str:
    tok = label(meta["key_labels"][pos])
    what = f"{label(hp.head_name(meta, li, hi))}: what ‘{tok}’ ({pos}) attends to (blue) and what attends to it (red)"
    return what + ("" if static else " · hover a token")


def _annotations(plan, lay, li: int, hi: int) -> list[dict]:
    meta = plan.figure.meta
    H = lay.height
    small = {"size": plan.theme.font_size}
    out = [
        {"name": "vizkit-selected-title", "text": selected_title(meta, li, hi, plan.static), "xref": "paper",
         "yref": "paper", "x": lay.selected.x / lay.width, "y": 1 - (lay.selected.y - 6) / H, "xanchor": "left",
         "yanchor": "bottom", "showarrow": False, "font": small},
        {"name": "vizkit-mosaic-title", "text": hp.mosaic_title(lay, plan.static),
         "xref": "paper", "yref": "paper", "x": lay.mosaic.x / lay.width,
         "y": 1 - (lay.mosaic.y - plan.theme.font_size - 12) / H, "xanchor": "left", "yanchor": "bottom",
         "showarrow": False, "font": small},
        {"name": "vizkit-token-title", "text": token_title(meta, li, hi, len(meta["key_labels"]) - 1, plan.static),
         "xref": "paper", "yref": "paper", "x": lay.tokens.x / lay.width, "y": 1 - (lay.tokens.y - 4) / H,
         "xanchor": "left", "yanchor": "bottom", "showarrow": False, "font": small},
    ]
    if plan.title:
        out.append({"name": "vizkit-title", "text": label(plan.title), "xref": "paper", "yref": "paper", "x": 0.5,
                    "y": 1 - 8 / H, "xanchor": "center", "yanchor": "top", "showarrow": False,
                    "font": {"size": plan.title_px}})
    if hp.caption(plan):
        out.append({"name": "vizkit-caption", "text": label(hp.caption(plan)).replace("\n", "<br>"), "xref": "paper",
                    "yref": "paper", "x": 0, "y": 1 - lay.caption_y / H, "xanchor": "left", "yanchor": "top",
                    "showarrow": False, "font": {"size": plan.caption_px}})
    return out


#: The page's script after the first draw (``{plot_id}`` is the plot element's id).
POST_SCRIPT = r"""
(function () {
  var gd = document.getElementById('{plot_id}');
  var tk = document.getElementById('{plot_id}-tokens');  // the token view: its own plot, redrawn apart from the heatmaps
  var src = document.getElementById('{plot_id}-heads');
  if (!gd || !tk || !src) return;
  // after the first draw is on screen (its heatmap images decoded and a frame painted): nothing below delays it
  var images = function () {
    var all = gd.querySelectorAll('.hm image');
    return Promise.all(Array.prototype.map.call(all, function (im) { return im.decode ? im.decode().catch(function () {}) : null; }));
  };
  // (a page in a hidden tab or collapsed notebook output gets no animation frames: a timer goes on regardless)
  var painted = function () {
    return new Promise(function (resolve) { requestAnimationFrame(function () { setTimeout(resolve, 0); }); setTimeout(resolve, 300); });
  };
  var within = function (p) { return Promise.race([p, new Promise(function (resolve) { setTimeout(resolve, 300); })]); };
  Promise.resolve(gd.__vizkitFirstDraw).then(function () { return within(images()); }).then(painted).then(function () {
  var pre = document.getElementById('{plot_id}-prepaint');  // the pictures painted before plotly.js: the plot covers them now
  if (pre) pre.remove();
  var D = JSON.parse(src.textContent);
  var L = D.shape[0], H = D.shape[1], NQ = D.shape[2], NK = D.shape[3], OFF = NK - NQ;
  var values = D.book.values, MISSING = D.book.missing;
  var sel = D.selected.slice(), pos = NK - 1, codes = null;
  var annIndex = function (plot, name) { var a = plot.layout.annotations || []; for (var i = 0; i < a.length; i++) if (a[i].name === name) return i; return -1; };
  var esc = function (s) { return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'); };
  gd.setAttribute('tabindex', '0');
  gd.dataset.vizkitSelected = D.names[sel[0]][sel[1]];
  var at = function (l, h, q, k) { return codes[((l * H + h) * NQ + q) * NK + k]; };
  var colour = function (code, lut) {
    if (code === MISSING) return ['#ffffff', D.inks[0]];
    var t = (values[code] - D.zmin) / ((D.zmax - D.zmin) || 1), i = Math.round(Math.max(0, Math.min(1, t)) * 255);
    return [lut.fill[i], lut.ink[i]];
  };
  var tokenUpdate = function () {  // the token view's colours and title for the hovered token in the selected head
    var fills = new Array(NK), inks = new Array(NK);
    for (var j = 0; j < NK; j++) {
      var c = null;
      if (j <= pos && pos - OFF >= 0) c = colour(at(sel[0], sel[1], pos - OFF, j), D.to);
      else if (j > pos && j - OFF >= 0) c = colour(at(sel[0], sel[1], j - OFF, pos), D.by);
      else c = ['#ffffff', D.inks[0]];
      fills[j] = c[0]; inks[j] = c[1];
    }
    var lay = {}, i = annIndex(tk, 'vizkit-token-title');
    if (i >= 0) lay['annotations[' + i + '].text'] = esc(D.names[sel[0]][sel[1]]) + ': what \u2018' + esc(D.key[pos]) + '\u2019 (' + pos +
      ') attends to (blue) and what attends to it (red) \u00b7 hover a token';
    return {fills: fills, inks: inks, layout: lay};
  };
  var recolour = function () {
    var t = tokenUpdate(), shown = pos;
    return Plotly.update(tk, {'marker.color': [t.fills], 'textfont.color': [t.inks]}, t.layout, [0]).then(function () {
      gd.dataset.vizkitToken = String(shown);
    });
  };
  var select = function (l, h) {
    if (l < 0 || h < 0 || l >= L || h >= H) return Promise.resolve();
    sel = [l, h];
    var z = new Array(NQ);
    for (var q = 0; q < NQ; q++) {
      var zr = new Array(NK), base = ((l * H + h) * NQ + q) * NK;
      for (var k = 0; k < NK; k++) { var c = codes[base + k]; zr[k] = c === MISSING ? null : values[c]; }
      z[q] = zr;
    }
    var name = D.names[l][h], lay = {}, i = annIndex(gd, 'vizkit-selected-title');
    if (i >= 0) lay['annotations[' + i + '].text'] = '<b>' + esc(name) + '</b> \u00b7 click a thumbnail (or \u2190\u2191\u2192\u2193) to select a head';
    var x0 = h * D.col_stride - 0.5, y0 = l * D.row_stride - 0.5, g = 0.4 * (D.col_stride - D.thumb_cols);
    lay['shapes[0].x0'] = x0 - g; lay['shapes[0].x1'] = x0 + D.thumb_cols + g;
    lay['shapes[0].y0'] = y0 - g; lay['shapes[0].y1'] = y0 + D.thumb_rows + g;
    // the codebook's values shown with exactly their digits (d3 '.3~f': 0.047, 0.47), never more
    var tpl = 'query: %{y}<br>key: %{x}<br>' + esc(D.value_label) + ': %{z:' + D.book.format + '}<extra>' + esc(name) + '</extra>';
    // the selected head first (one redraw of the heatmap plot), then the token view's colours (its own plot, so the
    // 256 measured token boxes are not redrawn with the heatmap)
    return Plotly.update(gd, {z: [z], hovertemplate: [tpl], name: [name]}, lay, [1]).then(function () {
      gd.dataset.vizkitSelected = name;
      return painted();  // the new head on screen first, then the token view's colours
    }).then(recolour);
  };
  var inflate = function (b64) {
    var stream = function (bytes) { return new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'))).arrayBuffer(); };
    return fetch('data:application/octet-stream;base64,' + b64).then(function (r) { return r.arrayBuffer(); })
      .catch(function () { return Uint8Array.from(atob(b64), function (c) { return c.charCodeAt(0); }).buffer; })
      .then(function (buf) { return stream(new Uint8Array(buf)); });
  };
  var T = D.tokens;  // the token view, left out of the first draw
  var shown = Plotly.newPlot(tk, T.data, T.layout, T.config);
  return Promise.all([shown, inflate(D.codes)]).then(function (got) {
    var buf = got[1];
    codes = new Uint8Array(buf);  // the first head stays as drawn: the spec's own values, hover to 4 significant digits
    // the mosaic is a picture (plotly's hover would name a colour): its hover is this label, from the page's data
    var tip = document.createElement('div');
    tip.className = 'vizkit-mosaic-hover';
    tip.style.cssText = 'position: fixed; display: none; pointer-events: none; z-index: 1000; padding: 3px 6px; white-space: pre;' +
      ' border: 1px solid #444; border-radius: 2px; background: #fff; color: #222; font: 12px Arial, sans-serif;';
    document.body.appendChild(tip);
    var mosaicHover = function (m, e) {
      if (!m) { tip.style.display = 'none'; return; }
      var l = m.l, h = m.h, r = m.r, c = m.c, F = D.factor;
      var q0 = r * F, q1 = Math.min(NQ, q0 + F) - 1, k0 = c * F, k1 = Math.min(NK, k0 + F) - 1, lo = -1, hi = -1;
      for (var q = q0; q <= q1; q++) for (var k = k0; k <= k1; k++) {
        var code = at(l, h, q, k);
        if (code === MISSING) continue;
        if (hi < 0 || values[code] > values[hi]) hi = code;
        if (lo < 0 || values[code] < values[lo]) lo = code;
      }
      var where = F > 1 ? 'queries ' + q0 + '\u2013' + q1 + ', keys ' + k0 + '\u2013' + k1
                        : 'query: ' + D.query[q0] + ' (' + q0 + '), key: ' + D.key[k0] + ' (' + k0 + ')';
      var best = hi < 0 ? null : (lo >= 0 && Math.abs(values[lo]) > Math.abs(values[hi]) ? lo : hi);
      tip.textContent = D.names[l][h] + '\n' + where + '\n' + (F > 1 ? 'block max ' : '') + D.value_label + ': ' +
        (best === null ? 'none (masked)' : D.book.texts[best]);
      tip.style.left = (e.clientX + 14) + 'px'; tip.style.top = (e.clientY + 14) + 'px';
      tip.style.display = 'block';
    };
    // the mosaic (a picture plotly does not hover: 'skip') answers the pointer itself: its cell under the pointer
    var mosaicAt = function (e) {
      var xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis, r = gd.getBoundingClientRect();
      // a mouse event names a whole CSS pixel: its centre decides the cell (a thumbnail cell is about one pixel)
      var cx = e.clientX % 1 === 0 ? e.clientX + 0.5 : e.clientX, cy = e.clientY % 1 === 0 ? e.clientY + 0.5 : e.clientY;
      var px = cx - r.left - xa._offset, py = cy - r.top - ya._offset;
      if (px < 0 || py < 0 || px > xa._length || py > ya._length) return null;
      var x = Math.round(xa.p2l(px)), y = Math.round(ya.p2l(py));
      if (x < 0 || y < 0 || x % D.col_stride >= D.thumb_cols || y % D.row_stride >= D.thumb_rows) return null;
      var l = Math.floor(y / D.row_stride), h = Math.floor(x / D.col_stride);
      return l < L && h < H ? {l: l, h: h, r: y % D.row_stride, c: x % D.col_stride} : null;
    };
    gd.addEventListener('click', function (e) {
      var m = mosaicAt(e);
      if (!m) return;
      gd.focus({preventScroll: true});
      select(m.l, m.h);
    });
    gd.addEventListener('mousemove', function (e) { mosaicHover(mosaicAt(e), e); });
    gd.addEventListener('mouseleave', function () { tip.style.display = 'none'; });
    tk.on('plotly_hover', function (ev) {
      var p = ev && ev.points && ev.points[0];
      if (!p || p.pointNumber === pos) return;
      pos = p.pointNumber; recolour();
    });
    gd.addEventListener('keydown', function (e) {
      var m = {ArrowLeft: [0, -1], ArrowRight: [0, 1], ArrowUp: [-1, 0], ArrowDown: [1, 0]}[e.key];
      if (!m) return;
      e.preventDefault(); select(sel[0] + m[0], sel[1] + m[1]);
    });
    gd.dataset.vizkitReady = '1';
  });
  }).catch(function (e) { gd.dataset.vizkitError = String(e); if (window.console) console.error('vizkit heads view:', e); });
})();
"""


#: The first draw of a page with pictures (:func:`vizkit.plan.heads.prepaint`): once they are on screen
#: (:data:`vizkit.plan.heads.WHEN_PAINTED_JS`), plotly.js is run and the mosaic and the selected head are drawn. ``gd.__vizkitFirstDraw`` is set
#: at once (POST_SCRIPT waits on it). The slots ``{data}``, ``{layout}``, ``{config}`` are JSON, ``{fill}`` sets the
#: mosaic's source from its picture, ``{run_library}`` runs plotly.js.
FIRST_DRAW = r"""
(function () {
  var gd = document.getElementById('{plot_id}');
  if (!gd) return;
  var pictures = Array.prototype.slice.call(document.querySelectorAll('#{plot_id}-prepaint img'));
  gd.__vizkitFirstDraw = new Promise(function (resolve) { ({when_painted})(pictures, resolve); }).then(function () {
    {run_library}
    window.PLOTLYENV = window.PLOTLYENV || {};
    var data = {data};
    {fill}
    return Plotly.newPlot(gd, data, {layout}, {config});
  });
})();
"""

#: CSS px above the token view's box that its plot also covers: the token view's title.
TOKEN_TITLE_PX = 30


def _split(native, lay) -> tuple[list, dict, dict]:
    """plotly's ``data`` and ``layout`` of the page's main plot (the mosaic and the selected head), and the token view
    as a plot of its own (``{"data", "layout"}``), to be placed over the main plot's token box.

    The token view is one text box per token, each measured by plotly: about a third of a redraw at 256 tokens. As its
    own plot it is left out of the first draw (drawn once the heatmaps are on screen) and out of every head switch's
    redraw (the heatmap plot redraws; the token view only takes its new colours).
    """
    figure = native.to_dict()
    data, layout = figure["data"], figure.get("layout", {})
    bars = {**data[TOKENS], "xaxis": "x", "yaxis": "y"}
    main = [data[MOSAIC], data[SELECTED]]
    title = next(a for a in layout["annotations"] if a.get("name") == "vizkit-token-title")
    main_layout = {k: v for k, v in layout.items() if k not in ("xaxis3", "yaxis3")}
    main_layout["annotations"] = [a for a in layout["annotations"] if a is not title]
    box_h, room = lay.tokens.height, TOKEN_TITLE_PX
    tokens_layout = {
        "width": lay.tokens.width, "height": box_h + room, "margin": layout["margin"], "font": layout["font"],
        "paper_bgcolor": "rgba(0,0,0,0)", "plot_bgcolor": "rgba(0,0,0,0)", "showlegend": False,
        "hoverlabel": layout.get("hoverlabel", {}),
        "xaxis": {**layout["xaxis3"], "domain": [0, 1], "anchor": "y"},
        "yaxis": {**layout["yaxis3"], "domain": [0, box_h / (box_h + room)], "anchor": "x"},
        "annotations": [{**title, "x": 0, "y": (box_h + 4) / (box_h + room)}],
    }
    return main, main_layout, {"data": [bars], "layout": tokens_layout}


def _mosaic_image(plan, lay) -> dict:
    """The thumbnails as one plotly ``image`` trace: a PNG of the mosaic's block maxima in the colour axis' 256 colours.

    plotly draws a heatmap by colouring every cell in the browser (about 0.1 s for the whole model's
    120 k mosaic cells, at first draw and again at every head switch); the picture is placed as it is,
    cell ``(r, c)`` at ``x = c``, ``y = r`` exactly as the heatmap's. Gaps (between thumbnails, the
    masked triangle, ±inf) are transparent. Its hover is the page script's (head, block and block
    maximum from the page's data): plotly's own would show the pixel's colour.
    """
    source, _ = hp.picture(hp.thumbnails(plan.figure, lay), lay)
    return {"type": "image", "source": source, "x0": 0, "y0": 0, "dx": 1, "dy": 1, "xaxis": "x", "yaxis": "y",
            "hoverinfo": "skip", "name": "thumbnails"}


def to_html(plan, div_id: str, config: dict) -> str:
    """The plots' ``<div>``s, plotly.js inline (the cartesian bundle), the first draw, the view's data and its script.

    Order: the pictures of the first view's cells (:func:`vizkit.plan.heads.prepaint`; not on a static page), the
    library (on a page with pictures as text that :data:`FIRST_DRAW` runs once they are on screen), then the first
    draw (the mosaic and the selected head, nothing else; the mosaic's PNG read from its picture), then the view's data (every head, packed; the token view's plot) and its script, which the browser
    reaches only after the first draw has run; the script waits for that draw to be on screen before
    it parses the data and draws the token view (:data:`POST_SCRIPT`). The token view is a plot of
    its own (``{div_id}-tokens``) placed over the main plot's token box (:func:`_split`).
    """
    from plotly.io.json import to_json_plotly

    from .bundle import bundle_for_types, figure_types, script

    native = draw(plan)
    lay = hp.layout(plan)
    data, layout, tokens = _split(native, lay)
    data[MOSAIC] = _mosaic_image(plan, lay)
    page = hp.page_data(plan, lay)
    page["factor"] = lay.factor
    tokens_config = {**config, "displayModeBar": False}
    page["tokens"] = {**json.loads(to_json_plotly(tokens)), "config": tokens_config}  # typed arrays as {dtype, bdata}
    ident = script_json(div_id)
    top = lay.tokens.y - TOKEN_TITLE_PX
    pre, fill = "", ""
    if not plan.static:  # the cells as pictures, painted before plotly.js is evaluated (hp.prepaint)
        li, hi = lay.head
        url, box = hp.picture(hp.pattern(plan.figure, li, hi), lay, lay.selected)
        pre = hp.prepaint(div_id, [(data[MOSAIC]["source"], hp.mosaic_picture_box(lay, lay.mosaic)), (url, box)])
        data[MOSAIC]["source"] = ""  # the same PNG, read from the first picture rather than carried twice
        fill = f"data[{MOSAIC}].source = document.getElementById({script_json(div_id + '-prepaint-0')}).src;"
    plot = (f'<div style="position: relative; height:{lay.height}px; width:{lay.width}px;">{pre}'
            f'<div id="{div_id}" class="plotly-graph-div" style="height:{lay.height}px; width:{lay.width}px;"></div>'
            f'<div id="{div_id}-tokens" class="plotly-graph-div vizkit-token-view" style="position: absolute; '
            f'left:{lay.tokens.x:.0f}px; top:{top:.0f}px; height:{lay.tokens.height + TOKEN_TITLE_PX:.0f}px; '
            f'width:{lay.tokens.width:.0f}px;"></div></div>')
    layout_js, config_js = to_json_plotly(layout), script_json(config)
    name = bundle_for_types(figure_types(native))
    if plan.static:
        draw_first = (f"<script>(function () {{ var gd = document.getElementById({ident}); if (!gd) return;"
                      f" window.PLOTLYENV = window.PLOTLYENV || {{}}; var data = {to_json_plotly(data)};"
                      f" gd.__vizkitFirstDraw = Plotly.newPlot(gd, data, {layout_js}, {config_js}); }})();</script>")
        out = plot + script(name) + draw_first
    else:
        # plotly.js as text, run once the pictures are on screen (FIRST_DRAW); in a plain script after them, Chromium
        # evaluates it before any paint in some loads (whenever it has read the whole file at once)
        slots = {"plot_id": div_id, "when_painted": hp.WHEN_PAINTED_JS, "run_library": "(" + hp.RUN_INERT_JS + ")([document.getElementById("
                 + script_json(div_id + "-lib") + ")].filter(Boolean), 'Plotly');",
                 "data": to_json_plotly(data),
                 "fill": fill, "layout": layout_js, "config": config_js}
        # one pass over the template: a slot's value (token labels in the data) is never read as a slot
        draw_first = "<script>" + re.sub(r"\{(\w+)\}", lambda m: slots.get(m.group(1), m.group(0)), FIRST_DRAW) + "</script>"
        out = plot + script(name, inert_id=div_id + "-lib") + draw_first
    out += f'<script type="application/json" id="{div_id}-heads">{script_json(page)}</script>'
    if plan.static:  # no script follows: the token view is drawn at once
        out += (f"<script>(function () {{ var T = JSON.parse(document.getElementById({script_json(div_id + '-heads')}).textContent)"
                f".tokens; Plotly.newPlot(document.getElementById({script_json(div_id + '-tokens')}), T.data, T.layout,"
                f" T.config); }})();</script>")
    else:
        out += "<script>" + POST_SCRIPT.replace("{plot_id}", div_id) + "</script>"
    return out


def html_parts(plan, div_id: str, config: dict) -> tuple[str, str]:
    """Page parts: nothing for ``<head>``; the plot, its data and script in a ``vizkit-figure`` element."""
    return "", f'<div class="vizkit-figure">{to_html(plan, div_id, config)}</div>'


def notebook_bundle(plan, div_id: str, config: dict) -> dict:
    """The notebook output: the page in an ``iframe srcdoc``, gzip-compressed (plotly's mime renderer runs no script)."""
    _, body = html_parts(plan, div_id, config)
    page = ("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><style>body { margin: 0; background: "
            f"{plan.theme.background}; }}</style></head><body>{body}</body></html>")
    data = base64.b64encode(gzip.compress(page.encode("utf-8"), 6, mtime=0)).decode("ascii")
    loader = ("<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body>"
              f"<script type=\"application/octet-stream\" id=\"vizkit-page-gz\">{data}</script><script>"
              "(function () { var b = document.getElementById('vizkit-page-gz').textContent.trim();"
              " var bytes = Uint8Array.from(atob(b), function (c) { return c.charCodeAt(0); });"
              " new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'))).text()"
              ".then(function (p) { document.open(); document.write(p); document.close(); }); })();"
              "</script></body></html>")
    lay = hp.layout(plan)
    frame = (f'<iframe srcdoc="{html.escape(loader, quote=True)}" title="{html.escape(plan.title or "vizkit figure")}" '
             f'style="border: 0; display: block; width: {lay.width + 4}px; max-width: 100%; height: {lay.height + 4}px;" '
             f'scrolling="auto" loading="eager"></iframe>')
    return {"text/html": frame}
