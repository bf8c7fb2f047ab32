"""Token-coloured text in matplotlib: every value row as its own block of wrapped token boxes.

Boxes are laid out in points from the panel's top-left corner, with each token's width measured
in the monospace font; line breaks come from the plan's :func:`~vizkit.plan.tokens.wrap_tokens`
and the text ink from the plan (:class:`~vizkit.plan.TokenPlan`).
"""

from __future__ import annotations

import numpy as np

from ...plan.colour import NAN_COLOR
from ...plan.geometry import PT_PER_PX
from ...plan.text import plain
from ...plan.tokens import wrap_tokens
from .colour import colormap
from .style import FALLBACK, MONO

__all__ = ["token_geometry", "draw_tokens", "needed_height", "row_colorbar"]


def token_geometry(mark, width_pt: float, fs: float):
    """Boxes of the token blocks in points from the top-left, wrapped to ``width_pt``; and the total height.

    Returns ``(rows, height)``: per value row, ``(label_y or None, [(token index, x, y, w, h)])``.
    Lines come from :func:`wrap_tokens` with the widest ``max_chars`` whose lines fit.
    """
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    prop = FontProperties(family=[MONO, *FALLBACK], size=1.0)
    measure = TextToPath()
    text_w = np.array([measure.get_text_width_height_descent(plain(t), prop, ismath=False)[0] for t in mark.tokens])
    pad, gap, box_h, pitch = 0.35 * fs, 0.25 * fs, 1.5 * fs, 1.9 * fs
    box_w = np.maximum(text_w * fs, 0.6 * fs) + 2 * pad
    max_chars = max(1, int(width_pt / (0.6 * fs)))
    while True:
        lines = wrap_tokens(mark.tokens, max_chars=max_chars)
        widest = max(sum(box_w[i] + gap for i in line) - gap for line in lines if line) if mark.tokens else 0.0
        if widest <= width_pt or max_chars == 1:
            break
        max_chars = max(1, int(max_chars * 0.85))
    n_rows = mark.values.shape[0]
    labelled = n_rows > 1 or mark.row_labels is not None
    rows, y = [], 0.0
    for _ in range(n_rows):
        label_y = None
        if labelled:
            label_y, y = y, y + 1.5 * fs
        boxes = []
        for line in lines:
            x = 0.0
            for i in line:
                boxes.append((i, x, y, box_w[i], box_h))
                x += box_w[i] + gap
            y += pitch
        rows.append((label_y, boxes))
        y += 0.6 * fs
    return rows, y - 0.6 * fs - (pitch - box_h)


def needed_height(mark, width_px: int, theme) -> float:
    """CSS px the stacked token blocks of ``mark`` need in a figure ``width_px`` wide (colour bar beside)."""
    fs = (theme.font_size + 1) * PT_PER_PX
    _, need = token_geometry(mark, (width_px - 120) * PT_PER_PX, fs)
    return need / PT_PER_PX


def draw_tokens(ax, tokens_plan, theme) -> None:
    """Token boxes coloured by value with the token drawn on them in the plan's ink; one block per value row.

    Each block is a ``PatchCollection`` holding the row's values (its colours come from the row's
    planned scale); the text and boxes shrink together when the blocks would not fit the panel. With
    rows on their own ranges, each block's name line carries that row's colour bar (:func:`row_colorbar`).
    """
    from matplotlib.collections import PatchCollection
    from matplotlib.patches import FancyBboxPatch
    from matplotlib.transforms import Affine2D, ScaledTranslation

    mark = tokens_plan.mark
    out = ax.figure
    box = ax.get_position()
    width_pt, height_pt = box.width * out.get_figwidth() * 72, box.height * out.get_figheight() * 72
    fs = (theme.font_size + 1) * PT_PER_PX
    rows, need = token_geometry(mark, width_pt, fs)
    if need > height_pt:  # shrink text and boxes together (a figure height was given)
        fs *= max(0.3, height_pt / need)
        rows, need = token_geometry(mark, width_pt, fs)
    points = Affine2D().scale(1 / 72) + out.dpi_scale_trans + ScaledTranslation(0, 1, ax.transAxes)
    for r, (label_y, boxes) in enumerate(rows):
        cmap, norm = colormap(tokens_plan.scales[r], bad=NAN_COLOR)  # the row's own range when rows have their own
        values = np.asarray(mark.values[r], dtype=float)
        if label_y is not None:
            ax.text(0, -label_y, plain(tokens_plan.row_labels[r]), transform=points, ha="left", va="top", fontsize=fs * 0.85,
                    alpha=0.85, color=theme.foreground, parse_math=False, clip_on=False).set_in_layout(False)
            if tokens_plan.per_row:
                row_colorbar(ax, tokens_plan, r, label_y, width_pt, fs, points, theme)
        patches = [FancyBboxPatch((x, -y - h), w, h, boxstyle=f"round,pad=0,rounding_size={0.2 * fs}") for _, x, y, w, h in boxes]
        coll = PatchCollection(patches, cmap=cmap, norm=norm, transform=points, edgecolor="none", clip_on=False)
        coll.set_array(values[[i for i, *_ in boxes]])
        coll.set_gid(f"vizkit-tokens-{r}-in-{ax.get_gid()}")  # an SVG id: unique across stacked token panels
        coll.set_in_layout(False)
        ax.add_collection(coll, autolim=False)
        inks = tokens_plan.inks[r]
        for i, x, y, w, h in boxes:
            ax.text(x + w / 2, -y - h / 2, plain(mark.tokens[i]), transform=points, ha="center", va="center_baseline",
                    fontsize=fs, family=[MONO, *FALLBACK], color=inks[i], parse_math=False, clip_on=False).set_in_layout(False)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)


def row_colorbar(ax, tokens_plan, r: int, label_y: float, width_pt: float, fs: float, points, theme):
    """A small horizontal colour bar of value row ``r``'s own range at the right of its name line, its
    ends written beside it; the colour bar's axes have the gid ``vizkit-tokens-colorbar-<r>-in-<panel>``."""
    from ...plan.text import number_text
    from .colour import mappable

    scale = tokens_plan.scales[r]
    lo, hi = number_text(scale.zmin), number_text(scale.zmax)
    bar_w = min(0.3 * width_pt, 12 * fs)
    x1 = width_pt - 0.62 * 0.85 * fs * len(hi) - 0.4 * fs  # room for the top value after the bar
    x0, h = x1 - bar_w, 0.6 * fs
    y_mid = -(label_y + 0.75 * fs * 0.85)
    cax = ax.inset_axes([x0, y_mid - h / 2, bar_w, h], transform=points)
    cax.set_in_layout(False)
    cax.set_gid(f"vizkit-tokens-colorbar-{r}-in-{ax.get_gid()}")
    cb = ax.figure.colorbar(mappable(scale), cax=cax, orientation="horizontal")
    cb.set_ticks([])
    cb.outline.set_visible(False)
    cb.set_label("")
    cax.set_title("")
    for x, text, ha in ((x0 - 0.3 * fs, lo, "right"), (x1 + 0.3 * fs, hi, "left")):
        ax.text(x, y_mid, text, transform=points, ha=ha, va="center", fontsize=fs * 0.8, color=theme.foreground,
                parse_math=False, clip_on=False).set_in_layout(False)
    return cb
