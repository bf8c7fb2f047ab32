"""The matplotlib figure of a plan: an Agg canvas, constrained layout, panels, colour bar, title, caption."""

from __future__ import annotations

import textwrap

import numpy as np

from ...plan.geometry import PT_PER_PX, PX_PER_INCH
from ...plan.text import plain
from ...spec import Heatmap, TokenText
from .axes import draw_panel
from .colour import colorbar
from .style import rc
from .tokens import draw_tokens, needed_height

__all__ = ["draw", "size"]


def size(plan) -> tuple[int, int]:
    """(width, height) in CSS px: the plan's, grown for stacked token rows that need more height.

    The figure's own height always wins; the automatic height of a ``tokens`` figure makes room for
    every value row as its own block (the interactive backends switch rows instead).
    """
    fig, theme = plan.figure, plan.theme
    width, height = plan.width, plan.height
    marks = fig.marks(TokenText)
    if marks and not fig.height and len(plan.frame(0)) == 1:
        chrome = (theme.title_size * 2.2 if fig.title else 12) + (theme.font_size * 2.2 if plan.caption else 0) + 16
        height = max(height, int(np.ceil(needed_height(marks[0], width, theme) + chrome)))
    return width, height


def _wrap(text: str, width_pt: float, size_pt: float) -> str:
    """``text`` broken at spaces into lines that fit ``width_pt`` (``Text(wrap=True)`` would ignore ``parse_math=False``)."""
    chars = max(12, int((width_pt - 12) / (0.58 * size_pt)))
    return "\n".join(line if len(line) <= chars else textwrap.fill(line, chars, break_long_words=False, break_on_hyphens=False)
                     for line in text.split("\n"))


def draw(plan):
    """The ``matplotlib.figure.Figure`` of ``plan`` (Agg canvas, constrained layout, not known to pyplot).

    Sized ``size(plan)`` CSS px at :data:`~vizkit.plan.PX_PER_INCH`; a slider's first frame is
    drawn and the plan's caption says so.
    """
    import matplotlib as mpl
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from ...plan.notes import display_notes

    plan = plan.with_notes([n for n in display_notes(plan.figure) if n not in plan.notes])  # inf gaps, shortened labels
    from matplotlib.layout_engine import ConstrainedLayoutEngine

    theme = plan.theme
    width, height = size(plan)
    panels = plan.frame(0)
    rows, cols = plan.geometry.rows, plan.geometry.cols
    with mpl.rc_context(rc(theme)):
        out = Figure(figsize=(width / PX_PER_INCH, height / PX_PER_INCH), dpi=PX_PER_INCH, facecolor=theme.background,
                     layout=ConstrainedLayoutEngine(h_pad=4 / 72, w_pad=4 / 72, hspace=0.04, wspace=0.04))
        FigureCanvasAgg(out)
        axes = out.subplots(rows, cols, squeeze=False).ravel()
        for ax in axes[len(panels):]:
            ax.remove()
        axes = list(axes[: len(panels)])
        legend_seen: set[str] = set()
        shared_artist, tokens = None, []
        for i, (ax, panel) in enumerate(zip(axes, panels, strict=True)):
            ax.set_gid(f"vizkit-panel-0-{i}")
            found, toks = draw_panel(ax, panel, plan, legend_seen)
            shared_artist = shared_artist or found
            tokens += toks
        if plan.shared_scale is not None and shared_artist is not None and any(m.show_scale for m in plan.figure.marks(Heatmap)):
            colorbar(out, shared_artist, plan.shared_scale, theme, axes)
        if plan.title:
            size_pt = theme.title_size * PT_PER_PX
            out.suptitle(_wrap(plain(plan.title, lines=True), width * PT_PER_PX, size_pt), fontsize=size_pt,
                         color=theme.foreground, parse_math=False)
        if plan.caption:
            size_pt = plan.caption_px * PT_PER_PX
            out.supxlabel(_wrap(plain(plan.caption, lines=True), width * PT_PER_PX, size_pt), x=0.01, ha="left",
                          fontsize=size_pt, color=theme.foreground, alpha=0.8, parse_math=False)
        legends_off_the_data(out, axes)
        if tokens:  # token boxes are laid out in points inside the space the layout gives their panel
            out.get_layout_engine().execute(out)
            for ax, tokens_plan in tokens:
                draw_tokens(ax, tokens_plan, theme)
    return out


#: More legend entries than this go outside the axes at once (a tall legend inside would cover data).
MAX_LEGEND_INSIDE = 6


def legends_off_the_data(fig, axes) -> None:
    """Move every legend that covers data (a line, point or bar) of its axes to the right of them.

    matplotlib's ``loc="best"`` picks the least-covering corner, but with curves that fill the
    axes every corner covers some; the check runs on the laid-out figure, and the constrained
    layout then makes room for a legend outside.
    """
    legends = [(ax, ax.get_legend()) for ax in axes if ax.get_legend() is not None]
    if not legends:
        return
    fig.get_layout_engine().execute(fig)
    renderer = fig.canvas.get_renderer()
    moved = False
    for ax, leg in legends:
        if len(leg.get_texts()) > MAX_LEGEND_INSIDE or covers_data(ax, leg.get_window_extent(renderer)):
            leg.set_loc("upper left")
            leg.set_bbox_to_anchor((1.02, 1.0), transform=ax.transAxes)
            moved = True
    if moved:
        fig.get_layout_engine().execute(fig)


def covers_data(ax, box) -> bool:
    """Whether display-space ``box`` (padded 2 px) touches a line, point or bar drawn on ``ax``."""
    import numpy as np
    from matplotlib.path import Path

    box = box.expanded((box.width + 4) / max(box.width, 1), (box.height + 4) / max(box.height, 1))
    for line in ax.get_lines():
        xy = line.get_xydata()
        xy = xy[np.all(np.isfinite(xy), axis=1)]
        if len(xy) == 0:
            continue
        pts = line.get_transform().transform(xy)
        if len(pts) == 1 or line.get_linestyle() in ("None", "none", ""):
            if box.count_contains(pts):
                return True
        elif Path(pts).intersects_bbox(box, filled=False):
            return True
    for coll in ax.collections:
        offsets = np.asarray(coll.get_offsets(), dtype=float)
        if offsets.size and box.count_contains(coll.get_offset_transform().transform(offsets[np.all(np.isfinite(offsets), axis=1)])):
            return True
    return any(patch.get_window_extent().overlaps(box) for patch in ax.patches)
