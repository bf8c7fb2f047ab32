"""One panel on a matplotlib ``Axes``: its marks, colour bars, legend and the plan's axes and ticks."""

from __future__ import annotations

from ...plan.text import plain
from ...spec import Heatmap, Scatter, TokenText
from .colour import colorbar, mappable
from .marks import DRAWERS, cell_text
from .style import style_ticks

__all__ = ["draw_panel"]


def draw_panel(ax, panel_plan, plan, legend_seen: set):
    """Draw a planned panel on ``ax``; return (a shared-scale artist, token marks to draw once the layout is done)."""
    theme, panel = plan.theme, panel_plan.panel
    found, legend, tokens = None, {}, []
    for mark in panel.marks:
        if isinstance(mark, TokenText):  # drawn once the layout has sized the panel; its colour bar now
            tokens.append((ax, panel_plan.tokens))
            if not panel_plan.tokens.per_row:  # rows on their own ranges: a colour bar beside each row's name instead
                colorbar(ax.figure, mappable(mark.colorscale), mark.colorscale.replace(
                    title=panel_plan.tokens.colorbar_titles[0]), theme, [ax])
            continue
        artist, handle = DRAWERS[type(mark)](ax, mark, panel, theme)
        if isinstance(mark, Heatmap):
            cell_text(ax, mark, panel_plan, theme)
            if plan.shares_scale(mark):
                found = found or artist
            elif mark.show_scale:
                colorbar(ax.figure, artist, mark.colorscale, theme, [ax])
        elif isinstance(mark, Scatter) and mark.values is not None:
            colorbar(ax.figure, artist, mark.colorscale, theme, [ax])
        name = getattr(mark, "name", None)
        if getattr(mark, "legend", False) and name is not None:
            key = getattr(mark, "group", None) or name
            if key not in legend_seen:
                legend.setdefault(key, (handle, name))
    legend_seen.update(legend)
    if tokens and len(tokens) == len(panel.marks):
        ax.set_axis_off()
    else:
        _axes(ax, panel_plan, theme)
    if panel.title:
        ax.set_title(plain(panel.title, lines=True), color=theme.foreground, parse_math=False)
    if legend:
        _legend(ax, legend, plan.legend_title, theme)
    return found, tokens


def _legend(ax, entries: dict, title, theme) -> None:
    leg = ax.legend([h for h, _ in entries.values()], [plain(n) for _, n in entries.values()], loc="best",
                    title=plain(title), labelcolor=theme.foreground, frameon=True, framealpha=0.85,
                    facecolor=theme.panel_background, edgecolor="none")
    for text in [*leg.get_texts(), leg.get_title()]:
        text.set_parse_math(False)
    leg.get_title().set_color(theme.foreground)


def _axes(ax, panel_plan, theme) -> None:
    """Titles, the plan's ticks (thinned labels, log ticks), scales, ranges, reversal, grid and spines."""
    from matplotlib.ticker import NullLocator

    heat = any(isinstance(m, Heatmap) for m in panel_plan.marks)
    for dim in ("x", "y"):
        axis = panel_plan.axis(dim)
        mpl_axis = ax.xaxis if dim == "x" else ax.yaxis
        if axis.title:
            mpl_axis.set_label_text(plain(axis.title, lines=True), parse_math=False)
        if axis.log:
            (ax.set_xscale if dim == "x" else ax.set_yscale)("log")
        if axis.tickvals is not None:
            kwargs = {"rotation": 45, "ha": "right", "rotation_mode": "anchor"} if axis.rotated else {}
            mpl_axis.set_ticks(list(axis.tickvals), [plain(t) for t in axis.ticktext], parse_math=False, **kwargs)
            mpl_axis.set_minor_locator(NullLocator())
        if axis.range is not None:
            (ax.set_xlim if dim == "x" else ax.set_ylim)(*axis.range)
        if axis.reversed:
            mpl_axis.set_inverted(True)
        if axis.grid:  # grid lines on the numeric axes of charts
            mpl_axis.grid(True, color=theme.grid, linewidth=0.6)
    ax.set_axisbelow(True)
    for side, spine in ax.spines.items():
        spine.set_visible(not heat and side in ("left", "bottom"))
        spine.set_color(theme.foreground)
    style_ticks(ax, theme)
