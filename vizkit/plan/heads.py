"""The whole-model attention view (``vk.attention(mode="heads")``, issue 12), backend-neutral.

Three parts, placed in CSS px from the figure's top-left corner:

- the **mosaic**: every head of every layer as a small thumbnail, layers as rows and heads as
  columns; a thumbnail is the head's pattern shrunk by blocks that keep their maximum (their
  largest magnitude, with its sign, for signed data): a one-cell spike stays at its full value,
  where a block mean would divide it by the block's size;
- the **selected** head, large, at full resolution, with token labels on both axes (thinned to
  fit; the hover names every cell's query and key token and position);
- the **token view**: the prompt's tokens as text; hovering token *i* colours the tokens before it
  by how much *i* attends to them and the tokens after it by how much they attend to *i*.

:func:`layout` decides sizes and positions; :func:`thumbnails` the mosaic's cells; :func:`page_data`
what an interactive page needs (every head at full resolution in one byte per cell, see
:mod:`.encoding`, the colour tables and the mosaic geometry); :func:`token_colours` the token
view's colours with one token hovered.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..figures.attention import block_max
from . import encoding
from .colour import INK_DARK, INK_LIGHT, ink
from .ticks import fit_ticks
from .tokens import wrap_tokens

__all__ = ["Box", "HeadsLayout", "applies", "layout", "thumbnails", "block_max", "head_name", "selected_ticks",
           "token_boxes", "token_colours", "mosaic_title", "caption", "pattern", "page_data", "colour_scale", "ATTENDED_BY_SCALE", "MIN_THUMB", "MAX_THUMB",
           "picture", "mosaic_picture_box", "prepaint", "PREPAINT_ATTR", "WHEN_PAINTED_JS", "RUN_INERT_JS"]

#: Thumbnail side, in CSS px: never smaller (a head must stay clickable) nor larger (it is an overview).
MIN_THUMB, MAX_THUMB = 14, 56
#: CSS px between thumbnails.
GAP = 3
#: The scale of "attends to the hovered token" in the token view (what it attends to uses the figure's own).
ATTENDED_BY_SCALE = "Reds"


@dataclass(frozen=True)
class Box:
    """A rectangle in CSS px from the figure's top-left corner."""

    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class HeadsLayout:
    """Where each part of the heads view goes, and how the thumbnails shrink the patterns.

    ``factor`` is the block side (1: thumbnails at full resolution); a thumbnail is ``thumb_rows``
    × ``thumb_cols`` cells and the mosaic puts ``gap_cells`` empty cells between thumbnails, so
    thumbnail ``(l, h)`` starts at cell row ``l * row_stride`` and column ``h * col_stride``.
    """

    width: int
    height: int
    title_height: int
    mosaic: Box
    selected: Box
    colorbar: Box
    tokens: Box
    caption_y: float
    thumb_px: float
    factor: int
    thumb_rows: int
    thumb_cols: int
    gap_cells: int
    n_layers: int
    n_heads: int
    n_query: int
    n_key: int
    head: tuple[int, int]  # the selected head: (layer, head)
    scale: Any  # the colour scale every head is drawn in (a ``spec.ColorScale``)
    token_lines: int
    line_px: float
    font_px: float

    @property
    def row_stride(self) -> int:
        return self.thumb_rows + self.gap_cells

    @property
    def col_stride(self) -> int:
        return self.thumb_cols + self.gap_cells

    @property
    def mosaic_range(self) -> tuple[float, float, float, float]:
        """``(x0, x1, y0, y1)`` of the mosaic's axes in cells: the thumbnails plus room for the selection frame."""
        rows, cols = self.mosaic_shape
        pad = 0.5 + 0.5 * self.gap_cells
        return -pad, cols - 1 + pad, -pad, rows - 1 + pad

    @property
    def mosaic_shape(self) -> tuple[int, int]:
        return (self.n_layers * self.row_stride - self.gap_cells, self.n_heads * self.col_stride - self.gap_cells)


def applies(plan) -> bool:
    """Whether ``plan`` is a heads view (a backend that draws it dispatches on this)."""
    meta = plan.figure.meta
    return plan.figure.kind == "attention" and meta.get("mode") == "heads" and meta.get("patterns") is not None


def caption(plan) -> str | None:
    """The plan's caption without the grid panels' downsampling note (the heads view draws every head in full)."""
    from .captions import NOTE_SEPARATOR

    grid = plan.figure.meta.get("grid_note")
    notes = [n for n in plan.notes if n != grid]
    return NOTE_SEPARATOR.join(notes) if notes else None


def head_name(meta, li: int, hi: int) -> str:
    """``"L1H3"`` from the figure's layer and head ids (indices when they are not known)."""
    layers, heads = meta.get("layers"), meta.get("heads")
    return f"L{layers[li] if layers else li}H{heads[hi] if heads else hi}"


def layout(plan) -> HeadsLayout:
    """Sizes and positions of the mosaic, the selected head, its colour bar and the token view."""
    fig, theme = plan.figure, plan.theme
    n_layers, n_heads, n_query, n_key = fig.meta["patterns"].shape
    font = theme.font_size
    width = int(fig.width or max(theme.width, 900))
    title_h = int(plan.title_px * 2.2) if plan.title else 10
    label_w = 46  # "L11" beside the mosaic's rows
    head_row = font * 2 + 4  # "H0 H1 …" above the mosaic, and its title
    ylab_w = int(min(150, 12 + font * 0.62 * max((len(t) for t in _ticktext(fig, "y")), default=4)))
    xlab_h = int(min(130, 20 + font * 0.45 * max((len(t) for t in _ticktext(fig, "x")), default=4)))
    bar_w = 70
    aspect = n_query / n_key
    # the mosaic takes about 45% of the width, the selected head the rest
    thumb = (0.45 * width - label_w - (n_heads - 1) * GAP) / n_heads
    thumb = float(max(MIN_THUMB, min(MAX_THUMB, thumb)))
    mosaic_w = n_heads * thumb + (n_heads - 1) * GAP
    mosaic_h = n_layers * thumb * aspect + (n_layers - 1) * GAP
    sel_x = label_w + mosaic_w + 30 + ylab_w
    side = max(240.0, width - sel_x - bar_w - 20)
    if side * aspect > 760:
        side = 760 / aspect
    width = max(width, int(sel_x + side + bar_w + 20))
    top = title_h + head_row
    mosaic = Box(label_w, top, mosaic_w, mosaic_h)
    selected = Box(sel_x, top, side, side * aspect)
    colorbar = Box(sel_x + side + 16, top, 14, side * aspect)
    # thumbnails: at most one cell per CSS px (block maxima beyond that)
    factor = max(1, math.ceil(n_key / thumb), math.ceil(n_query / max(1.0, thumb * aspect)))
    rows, cols = math.ceil(n_query / factor), math.ceil(n_key / factor)
    gap_cells = max(1, round(GAP * cols / thumb))
    # tokens, wrapped as text under both
    labels = fig.meta["key_labels"]
    char_px = font * 0.62
    max_chars = max(20, int((width - 40) / (char_px * 1.05)))
    lines = len(wrap_tokens(labels, max_chars))
    line_px = font * 2.0
    tok_y = top + max(mosaic_h, selected.height + xlab_h) + 34
    tokens = Box(20, tok_y, width - 40, lines * line_px + 6)
    text = caption(plan)
    caption_lines = len(text.split("\n")) if text else 0
    caption_y = tok_y + tokens.height + 8
    height = int(caption_y + caption_lines * (plan.caption_px * 1.5) + 12)
    return HeadsLayout(width=width, height=height, title_height=title_h, mosaic=mosaic, selected=selected,
                       colorbar=colorbar, tokens=tokens, caption_y=caption_y, thumb_px=thumb, factor=factor,
                       thumb_rows=rows, thumb_cols=cols, gap_cells=gap_cells, n_layers=n_layers, n_heads=n_heads,
                       n_query=n_query, n_key=n_key, head=tuple(fig.meta["selected"]), scale=colour_scale(fig),
                       token_lines=lines, line_px=line_px, font_px=float(font))


def _ticktext(fig, dim: str) -> list[str]:
    from .text import label_text

    return [label_text(t) or "" for t in fig.meta["query_labels" if dim == "y" else "key_labels"]]


def mosaic_title(lay: HeadsLayout, static: bool) -> str:
    """What the mosaic shows: every head, and the blocks a thumbnail keeps the maximum of."""
    blocks = f" (block maxima of {lay.factor}×{lay.factor} cells)" if lay.factor > 1 else ""
    return f"every head{blocks}" + ("" if static else " · click one")


def pattern(fig, li: int, hi: int) -> np.ndarray:
    """Head ``(li, hi)`` at full resolution as float32, ±inf as NaN (a gap, never the top colour)."""
    z = np.array(fig.meta["patterns"][li, hi], dtype=np.float32)
    z[np.isinf(z)] = np.nan
    return z


def thumbnails(fig, lay: HeadsLayout) -> np.ndarray:
    """The mosaic's cells: every head's block maxima at its place, NaN between thumbnails."""
    pats = fig.meta["patterns"]
    if not np.isfinite(pats[~np.isnan(pats)]).all():  # ±inf is a gap, never the top colour
        pats = np.where(np.isinf(pats), np.nan, pats)
    small = block_max(pats, lay.factor)  # [layer, head, rows, cols]
    out = np.full(lay.mosaic_shape, np.nan)
    for li in range(lay.n_layers):
        for hi in range(lay.n_heads):
            r, c = li * lay.row_stride, hi * lay.col_stride
            out[r:r + lay.thumb_rows, c:c + lay.thumb_cols] = small[li, hi]
    return out


def selected_ticks(plan, lay: HeadsLayout, dim: str) -> tuple[list[int], list[str], bool]:
    """The selected head's tick positions and texts along ``dim``, thinned to fit its size."""
    from ..spec import Axis

    fig = plan.figure
    labels = fig.meta["key_labels" if dim == "x" else "query_labels"]
    span = lay.selected.width if dim == "x" else lay.selected.height
    return fit_ticks(Axis(None, labels=labels), dim, span, plan.theme.font_size)


def token_boxes(fig, lay: HeadsLayout) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each token's box centre, width (in monospace characters) and line (0 at the top)."""
    labels = [t for t in fig.meta["key_labels"]]
    widths = np.array([max(1, len(t)) + 1 for t in labels], dtype=float)
    xs, ys = np.zeros(len(labels)), np.zeros(len(labels))
    char_px = lay.font_px * 0.62
    for li, line in enumerate(wrap_tokens(labels, max(20, int(lay.tokens.width / (char_px * 1.05))))):
        start = 0.0
        for ti in line:
            xs[ti], ys[ti] = start + widths[ti] / 2, li
            start += widths[ti] + 0.3
    return xs, widths, ys


def _lut(name: str) -> tuple[list[str], list[str]]:
    from ..spec.colors import palette

    colours = palette(name, 256)
    return colours, [ink(c) for c in colours]


def token_colours(fig, li: int, hi: int, pos: int | None) -> tuple[list[str], list[str]]:
    """Fills and inks of the token view for head ``(li, hi)`` with token ``pos`` hovered (``None``: the last
    query): tokens up to ``pos`` by how much it attends to them, later tokens by how much they attend to it."""
    from ..spec.colors import palette

    p = fig.meta["patterns"][li, hi]
    nq, nk = p.shape
    offset = nk - nq
    pos = nk - 1 if pos is None else pos
    to, by = palette(colour_scale(fig).name, 256), palette(ATTENDED_BY_SCALE, 256)
    lo, hi_ = colour_scale(fig).zmin, colour_scale(fig).zmax
    fills = []
    for j in range(nk):
        if j <= pos and pos - offset >= 0:
            v, lut = p[pos - offset, j], to
        elif j > pos and j - offset >= 0:
            v, lut = p[j - offset, pos], by
        else:
            v, lut = np.nan, None
        if lut is None or not np.isfinite(v):
            fills.append("#ffffff")
        else:
            t = 0.0 if hi_ <= lo else min(1.0, max(0.0, (float(v) - lo) / (hi_ - lo)))
            fills.append(lut[round(t * 255)])
    return fills, [ink(f) for f in fills]


def colour_scale(fig):
    """The colour scale of the heads view's heatmaps (every head shares it)."""
    from ..spec import Heatmap

    return fig.marks(Heatmap)[0].colorscale


def page_data(plan, lay: HeadsLayout) -> dict:
    """What the page's script needs: every head's codes (packed), the codebook, colour tables, geometry, labels."""
    fig = plan.figure
    pats = fig.meta["patterns"]
    book = encoding.codebook(pats)
    scale = colour_scale(fig)
    to_fill, to_ink = _lut(scale.name)
    by_fill, by_ink = _lut(ATTENDED_BY_SCALE)
    n_layers, n_heads, nq, nk = pats.shape
    return {
        "shape": [n_layers, n_heads, nq, nk],
        "codes": encoding.pack(encoding.quantise(pats, book)),
        "book": book.to_json(),
        "selected": list(fig.meta["selected"]),
        "names": [[head_name(fig.meta, li, hi) for hi in range(n_heads)] for li in range(n_layers)],
        "query": [str(t) for t in fig.meta["query_labels"]],
        "key": [str(t) for t in fig.meta["key_labels"]],
        "value_label": fig.meta.get("value_label") or "attention",
        "zmin": scale.zmin, "zmax": scale.zmax,
        "to": {"fill": to_fill, "ink": to_ink}, "by": {"fill": by_fill, "ink": by_ink},
        "row_stride": lay.row_stride, "col_stride": lay.col_stride,
        "thumb_rows": lay.thumb_rows, "thumb_cols": lay.thumb_cols,
        "inks": [INK_DARK, INK_LIGHT],
    }



#: Marks the heads page's pre-drawn pictures (:func:`prepaint`), which the plotting library's own plot replaces.
PREPAINT_ATTR = "data-vizkit-prepaint"


def picture(values, lay: HeadsLayout, box: Box | None = None) -> tuple[str, Box | None]:
    """``values`` (2-d) as a PNG ``data:`` URL in the view's 256 colours, one pixel per cell, transparent where a
    value is not finite (masked cells, ±inf), as the heatmaps leave them; and where it goes.

    With ``box`` (the CSS px the cells fill) a picture with more cells than pixels is shrunk first by blocks
    that keep their largest magnitude (:func:`block_max`), so a one-cell spike still shows at its value where a
    browser's scaling would drop it; the returned box then covers the padded last blocks too.
    """
    import base64

    from ..spec.colors import palette

    values = np.asarray(values)
    if box is not None:
        ny, nx = values.shape
        fy, fx = max(1, math.ceil(ny / max(box.height, 1))), max(1, math.ceil(nx / max(box.width, 1)))
        if fy > 1 or fx > 1:
            values = block_max(values, (fy, fx))
            box = Box(box.x, box.y, box.width * values.shape[1] * fx / nx, box.height * values.shape[0] * fy / ny)
    scale = lay.scale
    rgba = encoding.rgba_image(values, palette(scale.name, 256), scale.zmin, scale.zmax)
    return "data:image/png;base64," + base64.b64encode(encoding.png(rgba)).decode("ascii"), box


def mosaic_picture_box(lay: HeadsLayout, frame: Box) -> Box:
    """Where the mosaic's cells fall in CSS px when its axes (:attr:`HeadsLayout.mosaic_range`) fill ``frame``:
    cell ``(r, c)`` centred at ``(c, r)``, so the picture spans ``-0.5`` to ``cols - 0.5``."""
    x0, x1, y0, y1 = lay.mosaic_range
    rows, cols = lay.mosaic_shape
    sx, sy = frame.width / (x1 - x0), frame.height / (y1 - y0)
    return Box(frame.x + (-0.5 - x0) * sx, frame.y + (-0.5 - y0) * sy, cols * sx, rows * sy)


def prepaint(element_id: str, pictures: list[tuple[str, Box]]) -> str:
    """The heads page's first paint: each ``(data URL, box)`` as an ``<img>`` at its place, before the plotting library.

    A standalone page carries the library inline (plotly.js 1.4 MB, BokehJS more), and the browser evaluates it
    before the library's plot draws anything: about 0.8 s on a 2-core machine before a single heatmap shows. The
    same cells as pictures (the mosaic's block maxima and the selected head at full resolution, one pixel per cell
    scaled without smoothing, in the same 256 colours) are painted as soon as the parser has read them; the
    library's plot, drawn over them once it is ready, brings the axes, token labels, hover and selection, and the
    page's script then removes the pictures. They take no pointer events and are hidden from assistive technology:
    the plot is the figure.
    """
    style = "position: absolute; image-rendering: pixelated; pointer-events: none;"
    imgs = "".join(
        f'<img alt="" src="{url}" id="{element_id}-prepaint-{i}" elementtiming="vizkit-prepaint" style="{style} left: {b.x:.2f}px; top: {b.y:.2f}px;'
        f' width: {b.width:.2f}px; height: {b.height:.2f}px;">' for i, (url, b) in enumerate(pictures))
    return (f'<div id="{element_id}-prepaint" {PREPAINT_ATTR}="1" aria-hidden="true" '
            f'style="position: absolute; left: 0; top: 0; pointer-events: none;">{imgs}</div>')


#: A JavaScript function ``(pictures, run)``: calls ``run`` (once, in a task of its own) as soon as every one of the
#: ``pictures`` (:func:`prepaint`'s ``<img>`` elements) has been painted, by the browser's own record (Element
#: Timing: each carries an ``elementtiming`` attribute); where the browser keeps no such record, once they are
#: decoded and a frame has followed; and 1 s after it was called in any case (a background tab paints nothing).
#: A page runs its plotting library with it: evaluated before the pictures are on screen, the library would hold
#: the main thread through the paint (Chromium does that in some loads when it has read the whole file at once).
WHEN_PAINTED_JS = r"""function (pictures, run) {
  var done = false, go = function () { if (!done) { done = true; setTimeout(run, 0); } };
  var left = pictures.slice();
  var types = (window.PerformanceObserver && PerformanceObserver.supportedEntryTypes) || [];
  if (types.indexOf('element') >= 0 && left.length) {
    var seen = new PerformanceObserver(function (list) {
      list.getEntries().forEach(function (e) { var i = left.indexOf(e.element); if (i >= 0) left.splice(i, 1); });
      if (!left.length) { seen.disconnect(); go(); }
    });
    seen.observe({type: 'element', buffered: true});
  } else {
    Promise.all(pictures.map(function (im) { return im.decode ? im.decode().catch(function () {}) : null; }))
      .then(function () { requestAnimationFrame(function () { setTimeout(go, 0); }); });
  }
  setTimeout(go, 1000);
}"""


#: A JavaScript function ``(scripts, name)``: runs each of ``scripts`` (``<script>`` elements holding a library as
#: text of a type the browser does not run, placed after the pictures) as a classic script in its place, in order,
#: evaluated at once; with ``name``, when the page already has ``window[name]`` (another figure on the page ran that
#: library), they are only removed.
RUN_INERT_JS = r"""function (scripts, name) {
  var have = !!(name && window[name]);
  scripts.forEach(function (lib) {
    if (!have) { var s = document.createElement('script'); s.text = lib.textContent; lib.after(s); }
    lib.remove();
  });
}"""
