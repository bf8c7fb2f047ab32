"""Theme → matplotlib styling: font families, rcParams (only inside a local ``rc_context``), tick styling."""

from __future__ import annotations

import functools

from ...plan.geometry import PT_PER_PX

__all__ = ["MONO", "FALLBACK", "families", "rc", "style_ticks"]

#: The monospace family of token text.
MONO = "DejaVu Sans Mono"
_GENERIC = {"sans-serif": "DejaVu Sans", "serif": "DejaVu Serif", "monospace": "DejaVu Sans Mono"}
# Metric-compatible stand-ins, as fontconfig resolves them for the browser backends.
_ALIAS = {"helvetica": "Liberation Sans", "arial": "Liberation Sans", "times new roman": "Liberation Serif",
          "times": "Liberation Serif", "courier new": "Liberation Mono"}
#: Families for glyphs the theme font lacks (␣ ↵ ⇥, any script).
FALLBACK = ("DejaVu Sans", "Last Resort High-Efficiency")


@functools.lru_cache(maxsize=16)
def _families(css: str) -> tuple[str, ...]:
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    out: list[str] = []
    for name in (n.strip().strip("'\"") for n in css.split(",")):
        for candidate in (name, _GENERIC.get(name.lower()), _ALIAS.get(name.lower())):
            if candidate in installed and candidate not in out:
                out.append(candidate)
                break
    return tuple(out + [f for f in FALLBACK if f in installed and f not in out])


def families(css: str) -> list[str]:
    """A CSS font list as installed matplotlib families, then fallbacks for glyphs the first ones lack."""
    return list(_families(css))


def rc(theme) -> dict:
    """Theme → rcParams, used only inside a local ``rc_context`` (building and saving)."""
    fs, fg = theme.font_size * PT_PER_PX, theme.foreground
    return {
        "font.family": families(theme.font_family), "font.size": fs, "text.color": fg, "text.usetex": False,
        "axes.facecolor": theme.panel_background, "axes.edgecolor": fg, "axes.labelcolor": fg, "axes.labelsize": fs,
        "axes.titlesize": fs * 1.1, "axes.linewidth": 0.8, "grid.color": theme.grid,
        "xtick.color": fg, "ytick.color": fg, "xtick.labelsize": fs, "ytick.labelsize": fs,
        "legend.fontsize": fs, "legend.title_fontsize": fs, "legend.frameon": False,
        "figure.facecolor": theme.background, "savefig.facecolor": theme.background, "savefig.edgecolor": theme.background,
        "svg.fonttype": "none", "svg.hashsalt": "vizkit", "pdf.fonttype": 42, "image.interpolation": "none",
    }


def style_ticks(ax, theme) -> None:
    """Tick styling stored on the axes, so ticks made later (at draw time, outside our rc) look the same."""
    ax.tick_params(which="both", colors=theme.foreground, labelcolor=theme.foreground, labelsize=theme.font_size * PT_PER_PX,
                   labelfontfamily=families(theme.font_family), length=3, width=0.6)
