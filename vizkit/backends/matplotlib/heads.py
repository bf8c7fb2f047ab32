"""The whole-model attention view as a picture (``vk.attention(mode="heads")``, :mod:`vizkit.plan.heads`).

No interactivity: the thumbnail mosaic (block maxima; the selected head framed in red), the selected
head at full resolution with thinned token ticks and its colour bar, and the token view coloured by
what the last query attends to in the selected head. Axes sit where :func:`vizkit.plan.heads.layout`
puts them, so PNG, SVG and PDF match the interactive backends' arrangement.
"""

from __future__ import annotations

from ...plan import heads as hp
from ...plan.geometry import PT_PER_PX, PX_PER_INCH
from ...plan.text import plain
from .colour import colormap
from .style import rc, style_ticks

__all__ = ["draw", "size"]


def size(plan) -> tuple[int, int]:
    """(width, height) in CSS px of the heads view of ``plan``."""
    lay = hp.layout(plan)
    return lay.width, lay.height


def _axes(out, lay, box):
    return out.add_axes((box.x / lay.width, 1 - (box.y + box.height) / lay.height, box.width / lay.width,
                         box.height / lay.height))


def draw(plan):
    """The ``matplotlib.figure.Figure`` of a heads-view plan (Agg canvas, not known to pyplot)."""
    import matplotlib as mpl
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle

    fig, theme = plan.figure, plan.theme
    meta = fig.meta
    lay = hp.layout(plan)
    li, hi = lay.head
    scale = lay.scale
    cmap, norm = colormap(scale)
    fs = theme.font_size * PT_PER_PX
    n_layers, n_heads, nk = lay.n_layers, lay.n_heads, lay.n_key
    with mpl.rc_context(rc(theme)):
        out = Figure(figsize=(lay.width / PX_PER_INCH, lay.height / PX_PER_INCH), dpi=PX_PER_INCH,
                     facecolor=theme.background)
        FigureCanvasAgg(out)
        # the mosaic
        ax = _axes(out, lay, lay.mosaic)
        ax.set_gid("vizkit-heads-mosaic")
        ax.imshow(hp.thumbnails(fig, lay), cmap=cmap, norm=norm, interpolation="nearest", aspect="auto")
        ax.set_xticks([h * lay.col_stride + (lay.thumb_cols - 1) / 2 for h in range(n_heads)],
                      [f"H{(meta.get('heads') or list(range(n_heads)))[h]}" for h in range(n_heads)], fontsize=fs * 0.85)
        ax.set_yticks([r * lay.row_stride + (lay.thumb_rows - 1) / 2 for r in range(n_layers)],
                      [f"L{(meta.get('layers') or list(range(n_layers)))[r]}" for r in range(n_layers)], fontsize=fs * 0.85)
        x0, x1, y0, y1 = lay.mosaic_range
        ax.set_xlim(x0, x1)
        ax.set_ylim(y1, y0)
        ax.xaxis.tick_top()
        ax.tick_params(length=0)
        for s in ax.spines.values():
            s.set_visible(False)
        style_ticks(ax, theme)
        g = 0.4 * lay.gap_cells
        ax.add_patch(Rectangle((hi * lay.col_stride - 0.5 - g, li * lay.row_stride - 0.5 - g), lay.thumb_cols + 2 * g,
                               lay.thumb_rows + 2 * g, fill=False, edgecolor="#d62728", linewidth=1.5))
        out.text(lay.mosaic.x / lay.width, 1 - (lay.mosaic.y - theme.font_size - 14) / lay.height,
                 plain(hp.mosaic_title(lay, True)), fontsize=fs, color=theme.foreground, va="bottom", ha="left")
        # the selected head
        ax = _axes(out, lay, lay.selected)
        ax.set_gid("vizkit-heads-selected")
        im = ax.imshow(hp.pattern(fig, li, hi), cmap=cmap, norm=norm, interpolation="nearest", aspect="auto")
        xt, xtext, rot = hp.selected_ticks(plan, lay, "x")
        yt, ytext, _ = hp.selected_ticks(plan, lay, "y")
        ax.set_xticks(xt, [plain(t) for t in xtext], rotation=45 if rot else 0, ha="right" if rot else "center")
        ax.set_yticks(yt, [plain(t) for t in ytext])
        ax.set_xlabel(plain(meta.get("x_title") or "key"), parse_math=False)
        ax.set_ylabel(plain(meta.get("y_title") or "query"), parse_math=False)
        style_ticks(ax, theme)
        out.text(lay.selected.x / lay.width, 1 - (lay.selected.y - 6) / lay.height, plain(hp.head_name(meta, li, hi)),
                 fontsize=fs, fontweight="bold", color=theme.foreground, va="bottom", ha="left")
        cax = _axes(out, lay, lay.colorbar)
        cb = out.colorbar(im, cax=cax)
        cb.outline.set_visible(False)
        style_ticks(cax, theme)
        if scale.title:
            cb.set_label(plain(scale.title, lines=True), parse_math=False, color=theme.foreground)
        # the token view
        ax = _axes(out, lay, lay.tokens)
        ax.set_gid("vizkit-heads-tokens")
        ax.set_axis_off()
        bx, bw, bl = hp.token_boxes(fig, lay)
        fills, inks = hp.token_colours(fig, li, hi, None)
        char_px = lay.font_px * 0.62
        ax.set_xlim(0, max(float((bx + bw / 2).max()), lay.tokens.width / char_px))
        ax.set_ylim(lay.token_lines - 0.5, -0.5)
        for t, x, w, line, fill, ink in zip(meta["key_labels"], bx, bw, bl, fills, inks, strict=True):
            ax.add_patch(Rectangle((x - w / 2, line - 0.39), w, 0.78, facecolor=fill, edgecolor="#bbbbbb", linewidth=0.5))
            ax.text(x, line, plain(t), ha="center", va="center", fontsize=lay.font_px * PT_PER_PX, color=ink,
                    family="monospace", parse_math=False)
        pos = nk - 1
        out.text(lay.tokens.x / lay.width, 1 - (lay.tokens.y - 4) / lay.height,
                 plain(f"{hp.head_name(meta, li, hi)}: what ‘{meta['key_labels'][pos]}’ ({pos}) attends to (blue) "
                       f"and what attends to it (red)"), fontsize=fs, color=theme.foreground, va="bottom", ha="left",
                 parse_math=False)
        if plan.title:
            out.text(0.5, 1 - 8 / lay.height, plain(plan.title, lines=True), fontsize=plan.title_px * PT_PER_PX,
                     color=theme.foreground, va="top", ha="center", parse_math=False)
        if hp.caption(plan):
            out.text(0.01, 1 - lay.caption_y / lay.height, plain(hp.caption(plan), lines=True),
                     fontsize=plan.caption_px * PT_PER_PX, color=theme.foreground, alpha=0.8, va="top", ha="left",
                     parse_math=False)
    return out
