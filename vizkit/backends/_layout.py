"""Helpers every backend shares: figure size, tick thinning, label escaping, hover text."""

from __future__ import annotations

import html
import math

import numpy as np

from ..spec.colors import palette

#: Monospace fonts for token text, in every backend that takes a CSS font list.
MONO = "'DejaVu Sans Mono', Menlo, Consolas, monospace"
#: Colour of a token or point whose value is missing (heatmap gaps stay transparent).
NAN_COLOR = "#dddddd"


#: Widest default size of a facet grid, in CSS pixels: it fits a notebook cell or the gallery on a laptop
#: screen (pass ``width=`` for more).
MAX_GRID_WIDTH = 1000


def size(fig, theme) -> tuple[int, int]:
    """(width, height) in CSS pixels: the figure's own, else the theme's scaled by the facet grid."""
    rows, cols = fig.grid
    width = fig.width or (theme.width if cols == 1 else
                          min(max(MAX_GRID_WIDTH, theme.width), max(theme.width, int(theme.width * 0.55) * cols)))
    height = fig.height or (theme.height if rows == 1 else min(2400, int(theme.height * 0.75) * rows + 60))
    if fig.kind == "tokens" and not fig.height:
        lines, value_rows = _token_lines(fig)
        select = SELECT_HEIGHT if value_rows > 1 else 0  # the interactive backends' row selector
        height = max(200 + select, min(height, 80 + 34 * lines + select))
    return int(width), int(height)


#: Height of the value-row selector of a token-text figure with several rows, in CSS pixels.
SELECT_HEIGHT = 60


def _token_lines(fig) -> tuple[int, int]:
    """(wrapped lines of text, value rows) of a token-text figure."""
    from ..spec import TokenText

    marks = fig.marks(TokenText)
    if not marks:
        return 1, 1
    return len(wrap_tokens(marks[0].tokens)), marks[0].values.shape[0]


def wrap_tokens(tokens, max_chars: int = 90) -> list[list[int]]:
    """Token indices laid out in lines of at most ``max_chars`` characters (newlines break)."""
    lines, cur, width = [], [], 0
    for i, tok in enumerate(tokens):
        w = max(1, len(tok))
        if cur and width + w > max_chars:
            lines.append(cur)
            cur, width = [], 0
        cur.append(i)
        width += w
        if "\n" in tok or "↵" in tok:
            lines.append(cur)
            cur, width = [], 0
    if cur:
        lines.append(cur)
    return lines or [[]]


#: Average glyph width of the UI fonts, in ems: how wide a line of text is before it is drawn.
CHAR_EM = 0.58


def text_px(text: str, font_px: float) -> float:
    """Estimated width in pixels of one line of ``text`` at ``font_px``."""
    return CHAR_EM * len(text) * font_px


def title_px(text: str, room: float, theme) -> int:
    """The theme's title size, shrunk (down to 9 px) so ``text`` fits ``room`` pixels: plotly and bokeh
    clip a title wider than the figure instead of wrapping it."""
    return int(max(9, min(theme.title_size, room / max(1.0, text_px(text, 1.0)))))


def fit_ticks(axis, dim: str, span: float, font_px: float) -> tuple[list[int], list[str], bool]:
    """Tick positions and texts of a labelled axis that fit ``span`` pixels, and whether x labels turn 45°.

    Every label when they fit; else every k-th, as plotly thins category ticks: a y label needs
    ~1.3 lines of text; 45° x labels are parallel slanted lines, clear of each other when their
    spacing × sin 45° exceeds a line (~1.9 lines of spacing). Shared so every backend shows the
    same ticks.
    """
    _, every = axis.tick_positions()
    rotated = dim == "x" and sum(len(t) + 1 for t in every) * font_px * 0.6 > span
    room = int(span / (font_px * (1.9 if rotated else 1.3))) if dim == "y" or rotated else len(every)
    pos, text = axis.tick_positions(max_ticks=max(2, min(60, room)))
    return pos, text, rotated


def axis_values(panel, dim: str) -> np.ndarray:
    """The data values the marks of ``panel`` put along its ``dim`` axis (bars: their values on the value axis)."""
    from ..spec import Bar, Line, Scatter

    out = []
    for m in panel.marks:
        if isinstance(m, (Line, Scatter)):
            out.append(m.x if dim == "x" else m.y)
        elif isinstance(m, Bar):
            out.append(m.y if (dim == "x") == m.horizontal else m.x)
    return np.concatenate([np.asarray(v, dtype=float).ravel() for v in out]) if out else np.zeros(0)


def log_ticks(values) -> tuple[list[float], list[str]] | None:
    """Ticks for a log axis over the positive finite ``values``: 1-2-5 per decade (every digit within one
    or two decades, powers of ten across many), labelled as plain numbers; ``None`` when nothing is positive.

    BokehJS falls back to linear ticks on a log axis spanning under a few decades: they crowd the top
    decade and leave the lower ones bare. These are the ticks matplotlib would pick.
    """
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v) & (v > 0)]
    if not v.size:
        return None
    lo, hi = float(v.min()), float(v.max())
    e0, e1 = math.floor(math.log10(lo)), math.ceil(math.log10(hi))
    decades = max(1, e1 - e0)
    mantissas = (1, 2, 3, 4, 5, 6, 7, 8, 9) if decades <= 1 else (1, 2, 3, 5) if decades <= 2 else (1, 2, 5) if decades <= 4 else (1,)
    step = max(1, math.ceil(decades / 8)) if mantissas == (1,) else 1
    ticks = [t for e in range(e0, e1 + 1, step) for m in mantissas
             if lo / 1.0001 <= (t := float(f"{m * 10.0**e:.12g}")) <= hi * 1.0001]
    if len(ticks) < 2:  # a range inside one step: a few round numbers spread over it
        ticks = sorted({float(f"{t:.2g}") for t in np.geomspace(lo, hi, 4)} if hi > lo else {float(f"{lo:.3g}")})
    return ticks, [f"{t:g}" for t in ticks]


def escape(text: str | None) -> str | None:
    """Data text (tokens, names) for renderers that read HTML-like markup: ``<``, ``>``, ``&`` escaped."""
    return None if text is None else html.escape(str(text), quote=False)


def fmt(value: float) -> str:
    if value != value:
        return "NaN"
    return f"{value:.4g}"


def finite_range(values: np.ndarray) -> tuple[float, float]:
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if v.size == 0:
        return 0.0, 1.0
    return float(v.min()), float(v.max())


def caption(fig) -> str | None:
    return " · ".join(fig.notes) if fig.notes else None


def bar_geometry(mark, panel) -> tuple[np.ndarray, np.ndarray, float]:
    """Bar centres, widths (given, else 0.8 of the closest spacing) and base (below the smallest bar on a log axis)."""
    x = np.asarray(mark.x, dtype=float)
    if mark.widths is not None:
        widths = np.asarray(mark.widths, dtype=float)
    else:
        gaps = np.diff(np.unique(x))
        widths = np.full(len(x), 0.8 * (float(gaps.min()) if gaps.size else 1.0))
    base = 0.0
    if (panel.x if mark.horizontal else panel.y).log:
        positive = mark.y[np.isfinite(mark.y) & (mark.y > 0)]
        base = float(positive.min()) / 3 if positive.size else 1.0
    return x, widths, base


def token_layout(mark, plot_width: int, theme):
    """Where each token box goes, in character units: centres, line numbers, widths, x extent, font size.

    Lines come from :func:`wrap_tokens`; one unit is one monospace character, and the font
    shrinks when the longest line would not fit ``plot_width`` (CSS px, colour bar included).
    """
    widths = np.array([max(1, len(t)) + 1 for t in mark.tokens], dtype=float)
    xs, ys = np.zeros(len(widths)), np.zeros(len(widths))
    lines = wrap_tokens(mark.tokens)
    for li, line in enumerate(lines):
        start = 0.0
        for ti in line:
            xs[ti], ys[ti] = start + widths[ti] / 2, li
            start += widths[ti] + 0.3
    span = max(sum(widths[ti] + 0.3 for ti in line) for line in lines)
    inner = plot_width - 90  # the colour bar and borders
    char_px = min((theme.font_size + 1) * 0.62, inner / span)
    return xs, ys, widths, max(span, inner / char_px), char_px / 0.62


def fills(values, scale) -> list[str]:
    """The colour of each value on ``scale`` (256 steps), :data:`NAN_COLOR` where it is missing."""
    colours = palette(scale.name, 256)
    return [colours[round(t * 255)] if t == t else NAN_COLOR for t in scale.normalise(values)]


def inks(values, scale) -> list[str]:
    """Black or white text, whichever reads better on each token's colour."""
    out = []
    for h in fills(values, scale):
        lum = (0.299 * int(h[1:3], 16) + 0.587 * int(h[3:5], 16) + 0.114 * int(h[5:7], 16)) / 255
        out.append("#111111" if lum > 0.55 else "#ffffff")
    return out
