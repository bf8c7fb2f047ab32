"""The whole-model attention view in bokeh (``vk.attention(mode="heads")``, :mod:`vizkit.plan.heads`).

A column of: the thumbnail mosaic (block maxima, the selected head framed) beside the selected head
at full resolution (``image`` glyphs; token ticks thinned to fit; hover names query and key token and
position and the value), then the token view (boxes and text), then the caption.

Interactivity is ``CustomJS``: on the first tap or token hover the page inflates every head (one byte
per cell, gzip + base64, :mod:`vizkit.plan.encoding`) with ``DecompressionStream('gzip')``; a tap on a
thumbnail (or the arrow keys, once the mosaic was tapped) draws that head large, and hovering a
token recolours the token view by what it attends to (blue) and what attends to it (red). A head
drawn from the page's data hovers with exactly the digits the encoding holds (3 decimals below 0.1,
2 above); the first head, drawn from the spec, with 4 significant digits. The selected head's name
is the selected plot's title and the page body's ``data-vizkit-selected``.

:func:`page` adds the standalone page's first paint (:func:`vizkit.plan.heads.prepaint`): the mosaic
and the selected head as pictures, exactly where BokehJS then draws their ``image`` glyphs. BokehJS
puts a plot's frame after its title and axes, measured in the browser; on an interactive page the
plots' ``min_border_top``/``min_border_left`` are set above what those can measure (:func:`_borders`)
and the title's height is fixed, so the frames sit where Python says (:func:`_frames`) in any font.
"""

from __future__ import annotations

import html
import json
import math
import unicodedata

import numpy as np

from ...plan import heads as hp
from ...plan.text import plain
from .._bokeh_models.embed import PAGE_DATA
from .._bokeh_models.style import color_mapper, colorbar, font, style_plot

__all__ = ["draw", "page"]

#: Sets up the page state once (inflating every head's codes), then runs the callback's action on it.
_SETUP_JS = r"""
const S = window.__vizkitHeads = window.__vizkitHeads || {};
if (!S[selected.id]) {
  const D = JSON.parse(holder.data.text[0] || document.getElementById(holder.data.element[0]).textContent);
  const st = S[selected.id] = {D: D, sel: D.selected.slice(), pos: D.shape[3] - 1, codes: null};
  const L = D.shape[0], H = D.shape[1], NQ = D.shape[2], NK = D.shape[3], OFF = NK - NQ, M = D.book.missing;
  const vals = D.book.values, texts = D.book.texts, ndarray = Bokeh.require('core/util/ndarray').ndarray;
  const at = (l, h, q, k) => st.codes[((l * H + h) * NQ + q) * NK + k];
  const colour = (c, lut) => {
    if (c === M) return ['#ffffff', D.inks[0]];
    const t = (vals[c] - D.zmin) / ((D.zmax - D.zmin) || 1), i = Math.round(Math.max(0, Math.min(1, t)) * 255);
    return [lut.fill[i], lut.ink[i]];
  };
  st.recolour = () => {
    const fill = new Array(NK), ink = new Array(NK), pos = st.pos, l = st.sel[0], h = st.sel[1];
    for (let j = 0; j < NK; j++) {
      let c = ['#ffffff', D.inks[0]];
      if (j <= pos && pos - OFF >= 0) c = colour(at(l, h, pos - OFF, j), D.to);
      else if (j > pos && j - OFF >= 0) c = colour(at(l, h, j - OFF, pos), D.by);
      fill[j] = c[0]; ink[j] = c[1];
    }
    tokens.data = Object.assign({}, tokens.data, {fill: fill, ink: ink});
    token_title.text = D.names[l][h] + ': what \u2018' + D.key[pos] + '\u2019 (' + pos +
      ') attends to (blue) and what attends to it (red) \u00b7 hover a token';
    document.body.dataset.vizkitToken = String(pos);
  };
  st.select = (l, h) => {
    if (l < 0 || h < 0 || l >= L || h >= H) return;
    st.sel = [l, h];
    const z = new Float32Array(NQ * NK), t = new Array(NQ * NK);  // image row q at y = q (the y range is reversed)
    for (let i = 0; i < NQ * NK; i++) {
      const c = st.codes[(l * H + h) * NQ * NK + i];
      z[i] = c === M ? NaN : vals[c]; t[i] = c === M ? '' : texts[c];
    }
    value_texts.data = {texts: t};
    selected.data = {image: [ndarray(z, {dtype: 'float32', shape: [NQ, NK]})], exact: [0]};
    const g = 0.4 * (D.col_stride - D.thumb_cols);
    frame.left = h * D.col_stride - 0.5 - g; frame.right = h * D.col_stride - 0.5 + D.thumb_cols + g;
    frame.top = l * D.row_stride - 0.5 - g; frame.bottom = l * D.row_stride - 0.5 + D.thumb_rows + g;
    plot.title.text = D.names[l][h];
    document.body.dataset.vizkitSelected = D.names[l][h];
    st.recolour();
  };
  const b64 = D.codes;
  st.ready = fetch('data:application/octet-stream;base64,' + b64).then(r => r.arrayBuffer())
    .catch(() => Uint8Array.from(atob(b64), c => c.charCodeAt(0)).buffer)
    .then(buf => new Response(new Blob([new Uint8Array(buf)]).stream().pipeThrough(new DecompressionStream('gzip'))).arrayBuffer())
    .then(buf => {
      st.codes = new Uint8Array(buf);
      document.addEventListener('keydown', (e) => {
        const m = {ArrowLeft: [0, -1], ArrowRight: [0, 1], ArrowUp: [-1, 0], ArrowDown: [1, 0]}[e.key];
        if (!m || !st.focused) return;
        e.preventDefault(); st.select(st.sel[0] + m[0], st.sel[1] + m[1]);
      });
    });
  st.ready.catch(e => { document.body.dataset.vizkitError = String(e); console.error('vizkit heads view:', e); });
}
const st = S[selected.id];
"""

_TAP_JS = r"""
const x = Math.round(cb_obj.x), y = Math.round(cb_obj.y), D = st.D;
if (x < 0 || y < 0 || x % D.col_stride >= D.thumb_cols || y % D.row_stride >= D.thumb_rows) return;
st.focused = true;
st.ready.then(() => st.select(Math.floor(y / D.row_stride), Math.floor(x / D.col_stride)));
"""

_TOKEN_HOVER_JS = r"""
const idx = cb_data.index && cb_data.index.indices;
if (!idx || !idx.length || idx[0] === st.pos) return;
const pos = idx[0];
st.ready.then(() => { st.pos = pos; st.recolour(); });
"""

#: The value in the selected head's hover: the spec's own value (4 significant digits) for the first head,
#: the codebook's text (the digits the encoding holds) for a head drawn from the page's data.
_VALUE_JS = r"""
if (!Number.isFinite(value)) return '';
if (source.data.exact && source.data.exact[0]) return String(+value.toPrecision(4));
const x = Math.round(special_vars.x), y = Math.round(special_vars.y);
const t = value_texts.data.texts[y * nk + x];
return t === undefined ? String(value) : t;
"""

_CELL_JS = "const i = Math.round(value); const s = labels[i]; return s === undefined ? String(i) : s + ' (' + i + ')'"


def draw(plan):
    """The bokeh layout of a heads-view plan."""
    return _build(plan)[0]


def page(plan, element_id: str) -> tuple:
    """``(layout, pre-paint markup or None)`` of a heads-view plan's page whose figure element is ``element_id``.

    The pre-paint (none on a static plan) holds the mosaic's thumbnails and the selected head as pictures
    at their plot frames, on the frames' fill, in CSS px from the layout's top-left corner.
    """
    root, lay, thumbs = _build(plan)
    if plan.static:
        return root, None
    mosaic, selected = _frames(plan, lay)
    li, hi = lay.head
    # the frames' fill under the pictures (a masked cell shows it, as in the plot)
    fill = html.escape(plan.theme.panel_background, quote=True)
    fills = "".join(f'<div style="position: absolute; left: {b.x}px; top: {b.y}px; width: {b.width}px; height: {b.height}px;'
                    f' background: {fill};"></div>' for b in (mosaic, selected))
    return root, fills + hp.prepaint(element_id, [_mosaic_picture(lay, thumbs, mosaic),
                                                   hp.picture(hp.pattern(plan.figure, li, hi), lay, selected)])


def _mosaic_picture(lay, thumbs, frame) -> tuple:
    """The mosaic's cells as a picture that fills its plot frame (whole CSS px), and that frame.

    A picture at the thumbnails' own box (:func:`~vizkit.plan.heads.mosaic_picture_box`, in fractional px) is
    snapped to whole px by the browser's layout, where BokehJS draws the image at the fractional place: with
    about one px per cell, many cell edges then differ by a px. The frame spans the axes' range, the cells and
    half a gap on each side: ``gap_cells / 2`` cells of nothing (each cell doubled when that is not whole).
    """
    k = 1 if lay.gap_cells % 2 == 0 else 2
    cells = np.repeat(np.repeat(thumbs, k, axis=0), k, axis=1) if k > 1 else thumbs
    url, _ = hp.picture(np.pad(cells, lay.gap_cells * k // 2, constant_values=np.nan), lay)
    return url, frame


#: BokehJS's axis and title spacing in CSS px (bokeh's defaults, which :func:`_build` keeps): a tick's outer
#: length, the standoff of tick labels and of the axis label, the padding it adds after each, a title's standoff.
_TICK_OUT, _LABEL_STANDOFF, _AXIS_LABEL_STANDOFF, _PAD, _TITLE_STANDOFF = 6, 5, 5, 3, 10
#: Above a line of text's height (a font's ascent + descent) in em, in any font a page may fall back to.
_LINE_EM = 1.6
#: CSS px between the mosaic's frame and the selected plot (its ``min_border_right``).
_GAP = 10


def _text_px_max(text: str, font_px: float) -> float:
    """Above the width of one line of ``text`` at ``font_px`` in the fonts a page may use (DejaVu Sans and Verdana
    the widest): 1.3 em a wide (East Asian, emoji) character, 1.05 em ``M``, ``W``, ``m``, ``w``, ``@``, ``%``
    and any other non-ASCII one, 0.85 em the other capitals and ``#&+<=>^~``, 0.65 em the rest."""
    em = 0.0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        if unicodedata.east_asian_width(ch) in "WF":
            em += 1.3
        elif not ch.isascii() or ch in "MWmw@%":
            em += 1.05
        elif ch.isupper() or ch in "#&+<=>^~":
            em += 0.85
        else:
            em += 0.65
    return em * font_px


def _borders(plan, lay) -> tuple[int, int, int]:
    """``(top, mosaic left, selected left)`` borders in CSS px: above what BokehJS measures for the plots' titles and
    their y axes (tick, tick labels and, on the selected head, the axis label), so the frames start there."""
    meta, font_px = plan.figure.meta, plan.theme.font_size
    top = math.ceil(_LINE_EM * plan.theme.title_size) + _TITLE_STANDOFF + 2
    layers = meta.get("layers") or list(range(lay.n_layers))
    widest = max(_text_px_max(f"L{n}", font_px) for n in layers)
    mosaic_left = math.ceil(_TICK_OUT + _LABEL_STANDOFF + widest + _PAD) + 2
    _, ytext, _ = hp.selected_ticks(plan, lay, "y")
    widest = max((_text_px_max(plain(t), font_px) for t in ytext), default=0.0)
    label = _AXIS_LABEL_STANDOFF + _LINE_EM * font_px + _PAD
    selected_left = math.ceil(_TICK_OUT + _LABEL_STANDOFF + widest + _PAD + label) + 2
    return top, mosaic_left, selected_left


def _title_height(plan) -> int:
    """The height of the title ``Div`` of an interactive page (one line, its line height fixed)."""
    return math.ceil(plan.title_px * 1.4)


def _frames(plan, lay) -> tuple:
    """The mosaic's and the selected head's plot frames on an interactive page (:class:`~vizkit.plan.heads.Box`,
    CSS px from the layout's top-left): after the title ``Div`` (its height and margins), the plots' borders
    (:func:`_borders`) and the mosaic's width."""
    from bokeh.models import Div

    top, mosaic_left, selected_left = _borders(plan, lay)
    margin = Div().margin  # bokeh's default, on every side
    y = (_title_height(plan) + 2 * margin if plan.title else 0) + top
    mw, mh = int(lay.mosaic.width), int(lay.mosaic.height)
    mosaic = hp.Box(mosaic_left, y, mw, mh)
    selected = hp.Box(mosaic_left + mw + _GAP + selected_left, y, int(lay.selected.width), int(lay.selected.height))
    return mosaic, selected


def _build(plan):
    """The layout, the heads layout and the mosaic's cells."""
    from bokeh.events import Tap
    from bokeh.layouts import column, row
    from bokeh.models import (
        BoxAnnotation,
        ColumnDataSource,
        CustomJS,
        CustomJSHover,
        Div,
        FixedTicker,
        HoverTool,
        Range1d,
        Rect,
        Text,
    )
    from bokeh.plotting import figure

    fig, theme = plan.figure, plan.theme
    meta = fig.meta
    lay = hp.layout(plan)
    li, hi = lay.head
    scale = lay.scale
    mapper = color_mapper(scale)
    n_layers, n_heads, nq, nk = lay.n_layers, lay.n_heads, lay.n_query, lay.n_key
    rows, cols = lay.mosaic_shape
    tools = "" if plan.static else "save"
    backend = "svg" if plan.static else "canvas"
    style = {"font-family": theme.font_family, "color": theme.foreground, "font-size": f"{theme.font_size}px"}

    # the mosaic
    mosaic = figure(frame_width=int(lay.mosaic.width), frame_height=int(lay.mosaic.height),
                    x_range=Range1d(*lay.mosaic_range[:2]), y_range=Range1d(lay.mosaic_range[3], lay.mosaic_range[2]), tools=tools,
                    toolbar_location=None, output_backend=backend, title=hp.mosaic_title(lay, plan.static),
                    name="vizkit-heads-mosaic")
    thumbs = hp.thumbnails(fig, lay)
    mosaic.image(image=[thumbs.astype(np.float32)], x=-0.5, y=-0.5, dw=cols, dh=rows, color_mapper=mapper)
    mosaic.xaxis.ticker = FixedTicker(ticks=[h * lay.col_stride + (lay.thumb_cols - 1) / 2 for h in range(n_heads)])
    mosaic.xaxis.major_label_overrides = {h * lay.col_stride + (lay.thumb_cols - 1) / 2: f"H{(meta.get('heads') or list(range(n_heads)))[h]}"
                                          for h in range(n_heads)}
    mosaic.yaxis.ticker = FixedTicker(ticks=[r * lay.row_stride + (lay.thumb_rows - 1) / 2 for r in range(n_layers)])
    mosaic.yaxis.major_label_overrides = {r * lay.row_stride + (lay.thumb_rows - 1) / 2: f"L{(meta.get('layers') or list(range(n_layers)))[r]}"
                                          for r in range(n_layers)}
    g = 0.4 * lay.gap_cells
    frame = BoxAnnotation(left=hi * lay.col_stride - 0.5 - g, right=hi * lay.col_stride - 0.5 + lay.thumb_cols + g,
                          top=li * lay.row_stride - 0.5 - g, bottom=li * lay.row_stride - 0.5 + lay.thumb_rows + g,
                          fill_alpha=0, line_color="#d62728", line_width=2, name="vizkit-selected-frame")
    mosaic.add_layout(frame)

    # the selected head, at full resolution (image row r at y = r; the y range is reversed: query 0 on top)
    side = lay.selected
    sel = figure(frame_width=int(side.width), frame_height=int(side.height), x_range=Range1d(-0.5, nk - 0.5),
                 y_range=Range1d(nq - 0.5, -0.5), tools=tools, toolbar_location=None, output_backend=backend,
                 title=hp.head_name(meta, li, hi), name=hp.head_name(meta, li, hi))
    z = hp.pattern(fig, li, hi)
    source = ColumnDataSource({"image": [z], "exact": [1]})
    renderer = sel.image(image="image", source=source, x=-0.5, y=-0.5, dw=nk, dh=nq, color_mapper=mapper)
    xt, xtext, rot = hp.selected_ticks(plan, lay, "x")
    yt, ytext, _ = hp.selected_ticks(plan, lay, "y")
    sel.xaxis.ticker, sel.yaxis.ticker = FixedTicker(ticks=list(xt)), FixedTicker(ticks=list(yt))
    sel.xaxis.major_label_overrides = {int(p): plain(t) for p, t in zip(xt, xtext, strict=True)}
    sel.yaxis.major_label_overrides = {int(p): plain(t) for p, t in zip(yt, ytext, strict=True)}
    if rot:
        sel.xaxis.major_label_orientation = 0.785
    sel.xaxis.axis_label = plain(meta.get("x_title") or "key")
    sel.yaxis.axis_label = plain(meta.get("y_title") or "query")
    sel.add_layout(colorbar(mapper, scale, theme), "right")
    data = hp.page_data(plan, lay)
    # the page's data (every head, packed) in a data source: a document model with no view (a hidden Div would be
    # built by the widgets bundle and hold 3 MB of text in the page's DOM); a standalone page carries the text in a
    # script element of its own beside the document (PAGE_DATA)
    holder = ColumnDataSource({"text": [json.dumps(data, separators=(",", ":"))]}, name="vizkit-heads-data",
                              tags=[PAGE_DATA])
    value_texts = ColumnDataSource({"texts": []}, name="vizkit-heads-texts")
    qlab, klab = [plain(t) for t in meta["query_labels"]], [plain(t) for t in meta["key_labels"]]
    sel.add_tools(HoverTool(renderers=[renderer], tooltips=[
        ("query", "$y{query}"), ("key", "$x{key}"), (plain(meta.get("value_label") or "attention"), "@image{value}")],
        formatters={"$y": CustomJSHover(args={"labels": qlab}, code=_CELL_JS),
                    "$x": CustomJSHover(args={"labels": klab}, code=_CELL_JS),
                    "@image": CustomJSHover(args={"source": source, "value_texts": value_texts, "nq": nq, "nk": nk},
                                            code=_VALUE_JS)}))

    # the token view
    bx, bw, bl = hp.token_boxes(fig, lay)
    fills, inks = hp.token_colours(fig, li, hi, None)
    char_px = lay.font_px * 0.62
    x_end = max(float((bx + bw / 2).max()), lay.tokens.width / char_px)
    tok = figure(frame_width=int(lay.tokens.width), frame_height=int(lay.tokens.height), x_range=Range1d(0, x_end),
                 y_range=Range1d(lay.token_lines - 0.5, -0.5), tools=tools, toolbar_location=None,
                 output_backend=backend, name="vizkit-heads-tokens")
    tok.axis.visible = False
    tok.grid.visible = False
    tok.outline_line_color = None
    tokens = ColumnDataSource({"x": bx, "y": bl, "w": bw, "text": klab, "pos": list(range(nk)), "fill": fills, "ink": inks},
                              name="vizkit-heads-token-source")
    boxes = tok.add_glyph(tokens, Rect(x="x", y="y", width="w", height=0.78, fill_color="fill", line_color="#bbbbbb",
                                       line_width=0.5))
    tok.add_glyph(tokens, Text(x="x", y="y", text="text", text_color="ink", text_align="center", text_baseline="middle",
                               text_font={"value": "monospace"}, text_font_size=f"{lay.font_px:g}px"))
    token_title = Div(text=plain(f"{hp.head_name(meta, li, hi)}: what ‘{meta['key_labels'][-1]}’ ({nk - 1}) attends to "
                                 f"(blue) and what attends to it (red)" + ("" if plan.static else " · hover a token")),
                      render_as_text=True, styles=style, name="vizkit-heads-token-title")
    parts = []
    if plan.title:
        title_style = {**style, "font-size": f"{plan.title_px}px", "font-weight": "bold"}
        fixed = {}
        if not plan.static:  # one line of a known height: the plots below start where the page's pictures are
            h = _title_height(plan)
            title_style.update({"line-height": f"{h}px", "white-space": "nowrap"})
            fixed = {"height": h}
        parts.append(Div(text=plan.title, render_as_text=True, styles=title_style, **fixed))
    parts += [row(mosaic, sel), token_title, tok]
    caption = hp.caption(plan)
    if caption:
        parts.append(Div(text=caption, render_as_text=True, width=lay.width,
                         styles={**style, "font-size": f"{plan.caption_px}px", "opacity": "0.8"}))
    for p in (mosaic, sel, tok):
        style_plot(p, theme)
        p.min_border_left = p.min_border_right = _GAP
        p.title.text_font = font(theme.font_family)
        p.grid.visible = False
    if not plan.static:  # the frames where the page's pictures are (_frames)
        top, mosaic.min_border_left, sel.min_border_left = _borders(plan, lay)
        mosaic.min_border_top = sel.min_border_top = top
    out = column(*parts, name="vizkit-heads")
    if not plan.static:
        args = {"holder": holder, "selected": source, "tokens": tokens, "token_title": token_title, "frame": frame,
                "plot": sel, "value_texts": value_texts}
        mosaic.js_on_event(Tap, CustomJS(args=args, code=_SETUP_JS + _TAP_JS))
        tok.add_tools(HoverTool(renderers=[boxes], tooltips=[("token", "@text (@pos)")],
                                callback=CustomJS(args=args, code=_SETUP_JS + _TOKEN_HOVER_JS)))
    return out, lay, thumbs
