"""The matplotlib backend: spec → ``matplotlib.figure.Figure`` (static PNG, SVG and PDF).

Sizes are CSS pixels at 96 per inch, as in a browser (so a PDF from matplotlib has the same
page size as one from plotly or bokeh): a 700 px figure is 7.29 in wide, the ``paper`` theme's
312 px is one 3.25 in column, and 1 px of font, line or marker size is 0.75 pt. The figure is drawn on its own Agg canvas: nothing here imports ``pyplot``, selects a
backend or changes ``rcParams`` outside a local ``rc_context``, and importing this module
imports no matplotlib at all. (``rc_context`` is process-wide while it is active: two threads
drawing with different themes at the same moment may mix their defaults.)

Every text a user supplies (tokens, titles, labels, names) is drawn literally: ``parse_math``
is off for each such ``Text``, so ``$x^2$`` or ``\\frac`` never reach mathtext, and control
characters are shown as visible symbols (``\\n`` → ↵, ``\\t`` → ⇥) so they neither break a tick
label nor ask a font for a missing glyph (titles and captions keep ``\\n`` as a line break and
are wrapped at spaces when too long). A static figure cannot slide: a figure with a slider
draws its first frame and says so in the caption. Exports are deterministic (fixed SVG hash
salt, no dates in SVG or PDF metadata), with text kept as text in SVG and PDF.
"""

from __future__ import annotations

import base64
import functools
import io
import textwrap

import numpy as np

from ..errors import ExportError
from ..spec import Bar, Heatmap, Line, Scatter, TokenText
from ..spec.colors import CATEGORICAL, stops
from . import _layout as L

NAME = "matplotlib"
KINDS = "*"
FORMATS = frozenset({"png", "svg", "pdf"})

PX_PER_INCH = 96  # the themes' sizes are CSS px; the figure is px / 96 inches, as in a browser
PT_PER_PX = 72 / PX_PER_INCH
NAN_COLOR = L.NAN_COLOR
_DASH = {"solid": "-", "dash": "--", "dot": ":"}
_MONO = "DejaVu Sans Mono"
_GENERIC = {"sans-serif": "DejaVu Sans", "serif": "DejaVu Serif", "monospace": "DejaVu Sans Mono"}
# Metric-compatible stand-ins, as fontconfig resolves them for the browser backends.
_ALIAS = {"helvetica": "Liberation Sans", "arial": "Liberation Sans", "times new roman": "Liberation Serif",
          "times": "Liberation Serif", "courier new": "Liberation Mono"}
_FALLBACK = ("DejaVu Sans", "Last Resort High-Efficiency")  # glyphs the theme font lacks (␣ ↵ ⇥, any script)
_VISIBLE = str.maketrans({"\n": "↵", "\t": "⇥", "\r": "↵", **{chr(c): chr(0x2400 + c) for c in range(32) if c not in (9, 10, 13)}})


# ---------------------------------------------------------------------------------------------
# The figure


def render(fig, theme):
    """The ``matplotlib.figure.Figure`` of ``fig`` (Agg canvas, constrained layout, not known to pyplot).

    Parameters
    ----------
    fig : vizkit.Figure
        The spec to draw. A slider's first frame is drawn (the caption says which).
    theme : vizkit.spec.theme.Theme
        Fonts, colours and size.

    Returns
    -------
    matplotlib.figure.Figure
        Sized ``fig.width x fig.height`` CSS px (else the theme's) at 100 px per inch.
    """
    import matplotlib as mpl
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.layout_engine import ConstrainedLayoutEngine

    width, height = size(fig, theme)
    panels = fig.frame_panels(0)
    rows, cols = fig.grid
    with mpl.rc_context(_rc(theme)):
        out = Figure(figsize=(width / PX_PER_INCH, height / PX_PER_INCH), dpi=PX_PER_INCH, facecolor=theme.background,
                     layout=ConstrainedLayoutEngine(h_pad=4 / 72, w_pad=4 / 72, hspace=0.04, wspace=0.04))
        FigureCanvasAgg(out)
        axes = out.subplots(rows, cols, squeeze=False).ravel()
        for ax in axes[len(panels):]:
            ax.remove()
        axes = list(axes[: len(panels)])
        shared = _shared_scale(fig)
        panel_px = (width / cols, height / rows)
        legend_seen: set[str] = set()
        mappable, tokens = None, []
        for i, (ax, panel) in enumerate(zip(axes, panels, strict=True)):
            ax.set_gid(f"vizkit-panel-0-{i}")
            found, toks = _panel(ax, panel, fig, theme, shared, panel_px, legend_seen)
            mappable = mappable or found
            tokens += toks
        if shared is not None and mappable is not None and any(m.show_scale for m in fig.marks(Heatmap)):
            _colorbar(out, mappable, shared, theme, axes)
        if fig.title:
            size_pt = theme.title_size * PT_PER_PX
            out.suptitle(_wrap(_plain(fig.title, lines=True), width * PT_PER_PX, size_pt), fontsize=size_pt,
                         color=theme.foreground, parse_math=False)
        note = caption(fig)
        if note:
            size_pt = max(9, theme.font_size - 2) * PT_PER_PX
            out.supxlabel(_wrap(note, width * PT_PER_PX, size_pt), x=0.01, ha="left", fontsize=size_pt, color=theme.foreground,
                          alpha=0.8, parse_math=False)
        if tokens:  # token boxes are laid out in points inside the space the layout gives their panel
            out.get_layout_engine().execute(out)
            for ax, mark in tokens:
                _tokens(ax, mark, theme)
    return out


def size(fig, theme) -> tuple[int, int]:
    """(width, height) in CSS px: :func:`_layout.size`, grown for stacked token rows that need more height.

    ``fig.height`` always wins; the automatic height of a ``tokens`` figure makes room for every
    value row as its own block (the interactive backends switch rows instead).
    """
    width, height = L.size(fig, theme)
    marks = fig.marks(TokenText)
    if marks and not fig.height and len(fig.frame_panels(0)) == 1:
        fs = (theme.font_size + 1) * PT_PER_PX
        _, need = _token_geometry(marks[0], (width - 120) * PT_PER_PX, fs)
        chrome = (theme.title_size * 2.2 if fig.title else 12) + (theme.font_size * 2.2 if fig.notes else 0) + 16
        height = max(height, int(np.ceil(need / PT_PER_PX + chrome)))
    return width, height


def caption(fig) -> str | None:
    """The notes under the figure, plus which frame a slider figure shows."""
    notes = list(fig.notes)
    if fig.slider is not None:
        s = fig.slider
        notes.append(f"showing {s.name} = {s.labels[0]} (frame 1 of {len(s.labels)}; a static figure cannot slide)")
    return _plain(" · ".join(notes), lines=True) if notes else None


def _rc(theme) -> dict:
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


@functools.lru_cache(maxsize=16)
def _families(css: str) -> tuple[str, ...]:
    """A CSS font list as installed matplotlib families, then fallbacks for glyphs the first ones lack."""
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    out: list[str] = []
    for name in (n.strip().strip("'\"") for n in css.split(",")):
        for candidate in (name, _GENERIC.get(name.lower()), _ALIAS.get(name.lower())):
            if candidate in installed and candidate not in out:
                out.append(candidate)
                break
    return tuple(out + [f for f in _FALLBACK if f in installed and f not in out])


def families(css: str) -> list[str]:
    """A CSS font list as installed matplotlib families, then fallbacks for glyphs the first ones lack."""
    return list(_families(css))


def _plain(text, lines: bool = False) -> str | None:
    """User text with control characters shown as symbols (drawn with ``parse_math=False``).

    ``lines=True`` keeps newlines as line breaks (titles, captions); tokens, ticks and names show ↵.
    """
    if text is None:
        return None
    return "\n".join(part.translate(_VISIBLE) for part in str(text).split("\n")) if lines else str(text).translate(_VISIBLE)


def _wrap(text: str, width_pt: float, size_pt: float) -> str:
    """``text`` broken at spaces into lines that fit ``width_pt`` (``Text(wrap=True)`` would ignore ``parse_math=False``)."""
    chars = max(12, int((width_pt - 12) / (0.58 * size_pt)))
    return "\n".join(line if len(line) <= chars else textwrap.fill(line, chars, break_long_words=False, break_on_hyphens=False)
                     for line in text.split("\n"))


def _shared_scale(fig):
    scales = [m.colorscale for m in fig.marks(Heatmap)]
    return scales[0] if scales and all(s == scales[0] for s in scales) else None


def colormap(scale, bad: str | tuple = (0, 0, 0, 0)):
    """The spec's scale as a ``LinearSegmentedColormap`` and a ``Normalize(zmin, zmax)`` (NaN → ``bad``)."""
    from matplotlib.colors import LinearSegmentedColormap, Normalize

    cmap = LinearSegmentedColormap.from_list(scale.name, stops(scale.name), N=256).with_extremes(bad=bad)
    return cmap, Normalize(vmin=scale.zmin, vmax=scale.zmax)


def _mappable(scale):
    from matplotlib.cm import ScalarMappable

    cmap, norm = colormap(scale, bad=NAN_COLOR)
    return ScalarMappable(norm=norm, cmap=cmap)


def _colorbar(out, mappable, scale, theme, axes):
    cb = out.colorbar(mappable, ax=axes, pad=0.02, aspect=24, fraction=0.05)
    cb.outline.set_visible(False)
    _style_ticks(cb.ax, theme)
    if scale.title:
        cb.set_label(_plain(scale.title, lines=True), parse_math=False, color=theme.foreground)
    return cb


def _style_ticks(ax, theme) -> None:
    """Tick styling stored on the axes, so ticks made later (at draw time, outside our rc) look the same."""
    ax.tick_params(which="both", colors=theme.foreground, labelcolor=theme.foreground, labelsize=theme.font_size * PT_PER_PX,
                   labelfontfamily=families(theme.font_family), length=3, width=0.6)


# ---------------------------------------------------------------------------------------------
# One panel


def _panel(ax, panel, fig, theme, shared, panel_px, legend_seen):
    """Draw ``panel``'s marks on ``ax`` and set its axes; return (a shared-scale mappable, token marks to draw later)."""
    mappable, legend, tokens = None, {}, []
    for mark in panel.marks:
        if isinstance(mark, TokenText):  # drawn once the layout has sized the panel; its colour bar now
            tokens.append((ax, mark))
            _colorbar(ax.figure, _mappable(mark.colorscale), mark.colorscale.replace(
                title=mark.colorscale.title or mark.value_label), theme, [ax])
            continue
        artist, handle = _MARKS[type(mark)](ax, mark, panel, theme)
        if isinstance(mark, Heatmap):
            if shared is not None and mark.colorscale == shared:
                mappable = mappable or artist
            elif mark.show_scale:
                _colorbar(ax.figure, artist, mark.colorscale, theme, [ax])
        elif isinstance(mark, Scatter) and mark.values is not None:
            _colorbar(ax.figure, artist, mark.colorscale, theme, [ax])
        name = getattr(mark, "name", None)
        if getattr(mark, "legend", False) and name is not None:
            key = getattr(mark, "group", None) or name
            if key not in legend_seen:
                legend.setdefault(key, (handle, name))
    legend_seen.update(legend)
    if tokens and len(tokens) == len(panel.marks):
        ax.set_axis_off()
    else:
        _axes(ax, panel, theme, panel_px)
    if panel.title:
        ax.set_title(_plain(panel.title, lines=True), color=theme.foreground, parse_math=False)
    if legend:
        leg = ax.legend([h for h, _ in legend.values()], [_plain(n) for _, n in legend.values()], loc="best",
                        title=_plain(fig.legend_title), labelcolor=theme.foreground, frameon=True, framealpha=0.85,
                        facecolor=theme.panel_background, edgecolor="none")
        for text in [*leg.get_texts(), leg.get_title()]:
            text.set_parse_math(False)
        leg.get_title().set_color(theme.foreground)
    return mappable, tokens


def _axes(ax, panel, theme, panel_px) -> None:
    """Titles, tick labels (thinned to fit), log scales, ranges, reversal, grid and spines of one panel."""
    heat = next((m for m in panel.marks if isinstance(m, Heatmap)), None)
    fs_px, categorical = theme.font_size, {}
    for axis, dim, n in ((panel.x, "x", heat.z.shape[1] if heat else None), (panel.y, "y", heat.z.shape[0] if heat else None)):
        mpl_axis = ax.xaxis if dim == "x" else ax.yaxis
        if axis.title:
            mpl_axis.set_label_text(_plain(axis.title, lines=True), parse_math=False)
        if axis.log:
            (ax.set_xscale if dim == "x" else ax.set_yscale)("log")
            major, minor = _log_formatters()
            mpl_axis.set_major_formatter(major)
            mpl_axis.set_minor_formatter(minor)
        labels = axis.labels if axis.labels is not None else _mark_labels(panel, dim)
        categorical[dim] = labels is not None
        if labels is not None:
            _ticks(ax, mpl_axis, dim, axis.replace(labels=labels), panel_px, fs_px)
        limits = axis.range if axis.range is not None else ((-0.5, n - 0.5) if n is not None else None)
        if limits is not None:
            (ax.set_xlim if dim == "x" else ax.set_ylim)(*limits)
        if axis.reversed:
            mpl_axis.set_inverted(True)
    for mpl_axis, dim in ((ax.xaxis, "x"), (ax.yaxis, "y")):  # grid lines on the numeric axes of charts
        if heat is None and not categorical[dim]:
            mpl_axis.grid(True, color=theme.grid, linewidth=0.6)
    ax.set_axisbelow(True)
    for side, spine in ax.spines.items():
        spine.set_visible(heat is None and side in ("left", "bottom"))
        spine.set_color(theme.foreground)
    _style_ticks(ax, theme)


def _ticks(ax, mpl_axis, dim, axis, panel_px, fs_px) -> None:
    """Tick labels from the spec (every k-th when they would not fit), literal and rotated when crowded."""
    span = panel_px[0] - 60 if dim == "x" else panel_px[1] - 50
    pos, text, crowded = L.fit_ticks(axis, dim, span, fs_px)
    kwargs = {"rotation": 45, "ha": "right", "rotation_mode": "anchor"} if crowded else {}
    mpl_axis.set_ticks(pos, [_plain(t) for t in text], parse_math=False, **kwargs)
    mpl_axis.set_minor_locator(_null_locator())


def _log_formatters():
    """Log-axis tick labels as plain numbers (0.6, 2, 1e+04) on the ticks matplotlib would label."""
    from matplotlib.ticker import LogFormatter

    class Plain(LogFormatter):
        def __call__(self, x, pos=None):
            return f"{x:.4g}" if super().__call__(x, pos) else ""

    return Plain(labelOnlyBase=True), Plain(labelOnlyBase=False)


def _null_locator():
    from matplotlib.ticker import NullLocator

    return NullLocator()


def _mark_labels(panel, dim):
    """Tick text from the marks when the axis has none: a heatmap's row/column labels, bars labelled at 0..n-1."""
    for m in panel.marks:
        if isinstance(m, Heatmap) and (m.x_labels if dim == "x" else m.y_labels) is not None:
            return m.x_labels if dim == "x" else m.y_labels
        if isinstance(m, Bar) and m.labels is not None and (dim == "y") == m.horizontal \
                and np.array_equal(m.x, np.arange(len(m.x))):
            return m.labels
    return None


# ---------------------------------------------------------------------------------------------
# Marks: each returns (artist, legend handle)


def _heatmap(ax, mark, panel, theme):
    """Cells at integer positions (row ``i`` at ``y = i``), NaN cells transparent, colours from zmin..zmax."""
    cmap, norm = colormap(mark.colorscale)
    ny, nx = mark.z.shape
    image = ax.imshow(np.asarray(mark.z, dtype=float), cmap=cmap, norm=norm, origin="lower", aspect="auto",
                      extent=(-0.5, nx - 0.5, -0.5, ny - 0.5), interpolation="none")
    return image, image


def _line(ax, mark, panel, theme):
    """A polyline: NaN breaks it; width in px (scaled by the theme), dash, opacity, markers."""
    color = mark.color or CATEGORICAL[0]
    width = mark.width * theme.line_width / 2.0 * PT_PER_PX
    (line,) = ax.plot(mark.x, mark.y, color=color, linewidth=width, alpha=mark.opacity, linestyle=_DASH[mark.dash],
                      marker="o" if mark.markers else None, markersize=6 * PT_PER_PX, label=mark.name)
    return line, line


def _scatter(ax, mark, panel, theme):
    """Points coloured by value on the spec's scale (NaN grey), or in one colour."""
    kwargs = {"color": mark.color or CATEGORICAL[0]}
    if mark.values is not None:
        cmap, norm = colormap(mark.colorscale, bad=NAN_COLOR)
        kwargs = {"c": np.asarray(mark.values, dtype=float), "cmap": cmap, "norm": norm, "plotnonfinite": True}
    points = ax.scatter(mark.x, mark.y, s=(mark.size * PT_PER_PX) ** 2, alpha=mark.opacity, linewidths=0,
                        label=mark.name, **kwargs)
    return points, points


def _bar(ax, mark, panel, theme):
    """Bars at ``x`` with their widths; on a log value axis they start below the smallest bar."""
    x, widths, base = L.bar_geometry(mark, panel)
    y = np.asarray(mark.y, dtype=float)
    if (panel.x if mark.horizontal else panel.y).log:
        y = np.where(y > 0, y, np.nan)  # a log axis cannot show zero or negative bars
    style = {"color": mark.color or CATEGORICAL[0], "alpha": mark.opacity, "label": mark.name, "linewidth": 0}
    if mark.horizontal:
        bars = ax.barh(x, y - base, height=widths, left=base, **style)
    else:
        bars = ax.bar(x, y - base, width=widths, bottom=base, **style)
    return bars, bars.patches[0] if bars.patches else bars


_MARKS = {Heatmap: _heatmap, Line: _line, Scatter: _scatter, Bar: _bar}


# ---------------------------------------------------------------------------------------------
# Token-coloured text


def _token_geometry(mark, width_pt: float, fs: float):
    """Boxes of the token blocks in points from the top-left, wrapped to ``width_pt``; and the total height.

    Returns ``(rows, height)``: per value row, ``(label_y or None, [(token index, x, y, w, h)])``.
    Lines come from :func:`_layout.wrap_tokens` with the widest ``max_chars`` whose lines fit.
    """
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    prop = FontProperties(family=[_MONO, *_FALLBACK], size=1.0)
    measure = TextToPath()
    text_w = np.array([measure.get_text_width_height_descent(_plain(t), prop, ismath=False)[0] for t in mark.tokens])
    pad, gap, box_h, pitch = 0.35 * fs, 0.25 * fs, 1.5 * fs, 1.9 * fs
    box_w = np.maximum(text_w * fs, 0.6 * fs) + 2 * pad
    max_chars = max(1, int(width_pt / (0.6 * fs)))
    while True:
        lines = L.wrap_tokens(mark.tokens, max_chars=max_chars)
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


def _tokens(ax, mark, theme) -> None:
    """Token boxes coloured by value with the token drawn on them in a readable ink; one block per value row.

    Each block is a ``PatchCollection`` holding the row's values (its colours come from the spec's
    scale); the text and boxes are placed in points from the panel's top-left corner and shrink
    together when the blocks would not fit the panel.
    """
    from matplotlib.collections import PatchCollection
    from matplotlib.patches import FancyBboxPatch
    from matplotlib.transforms import Affine2D, ScaledTranslation

    out = ax.figure
    box = ax.get_position()
    width_pt, height_pt = box.width * out.get_figwidth() * 72, box.height * out.get_figheight() * 72
    fs = (theme.font_size + 1) * PT_PER_PX
    rows, need = _token_geometry(mark, width_pt, fs)
    if need > height_pt:  # shrink text and boxes together (a figure height was given)
        fs *= max(0.3, height_pt / need)
        rows, need = _token_geometry(mark, width_pt, fs)
    points = Affine2D().scale(1 / 72) + out.dpi_scale_trans + ScaledTranslation(0, 1, ax.transAxes)
    cmap, norm = colormap(mark.colorscale, bad=NAN_COLOR)
    names = mark.row_labels or [f"row {r}" for r in range(len(rows))]
    for r, (label_y, boxes) in enumerate(rows):
        values = np.asarray(mark.values[r], dtype=float)
        if label_y is not None:
            ax.text(0, -label_y, _plain(names[r]), transform=points, ha="left", va="top", fontsize=fs * 0.85, alpha=0.85,
                    color=theme.foreground, parse_math=False, clip_on=False).set_in_layout(False)
        patches = [FancyBboxPatch((x, -y - h), w, h, boxstyle=f"round,pad=0,rounding_size={0.2 * fs}") for _, x, y, w, h in boxes]
        coll = PatchCollection(patches, cmap=cmap, norm=norm, transform=points, edgecolor="none", clip_on=False)
        coll.set_array(values[[i for i, *_ in boxes]])
        coll.set_gid(f"vizkit-tokens-{r}")
        coll.set_in_layout(False)
        ax.add_collection(coll, autolim=False)
        inks = _inks(values, cmap, norm)
        for i, x, y, w, h in boxes:
            ax.text(x + w / 2, -y - h / 2, _plain(mark.tokens[i]), transform=points, ha="center", va="center_baseline",
                    fontsize=fs, family=[_MONO, *_FALLBACK], color=inks[i], parse_math=False, clip_on=False).set_in_layout(False)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)


def _inks(values, cmap, norm) -> list[str]:
    """Near-black or white text, whichever reads better on each value's colour."""
    rgba = cmap(norm(np.ma.masked_invalid(values)))
    lum = 0.299 * rgba[:, 0] + 0.587 * rgba[:, 1] + 0.114 * rgba[:, 2]
    return ["#111111" if v > 0.55 else "#ffffff" for v in lum]


# ---------------------------------------------------------------------------------------------
# Output


def to_image(fig, fmt: str, theme, *, scale: float | None = None, width: int | None = None, height: int | None = None,
             timeout: float = 60.0, dpi: float | None = None) -> bytes:
    """PNG, SVG or PDF bytes, byte-identical for the same figure.

    Parameters
    ----------
    fig : vizkit.Figure
    fmt : {"png", "svg", "pdf"}
    theme : vizkit.spec.theme.Theme
    scale : float, optional
        PNG pixels per CSS px (``dpi = 96 * scale``). Default: the theme's ``dpi`` (96, or 288 for ``paper``).
    width, height : int, optional
        Figure size in CSS px, overriding the figure's own.
    timeout : float
        Accepted for parity with the browser backends; matplotlib needs no browser.
    dpi : float, optional
        PNG resolution in pixels per inch, instead of ``scale``.

    SVG and PDF are vector (text kept as text) and sized ``width x height`` at 96 px per inch;
    the resolution only affects PNG.
    """
    if fmt not in FORMATS:
        raise ExportError(f"the {NAME!r} backend writes {sorted(FORMATS)}; got {fmt!r}")
    if scale is not None and dpi is not None:
        raise ExportError(f"pass scale= or dpi=, not both; got scale={scale!r} and dpi={dpi!r}")
    resolution = float(dpi) if dpi is not None else PX_PER_INCH * float(scale) if scale is not None else float(theme.dpi)
    if not resolution > 0:
        raise ExportError(f"the resolution must be positive; got scale={scale!r}, dpi={dpi!r}")
    if width is not None or height is not None:
        fig = fig.replace(width=width or fig.width, height=height or fig.height)
    return save_native(render(fig, theme), fmt, theme, dpi=resolution, title=fig.title)


def save_native(out, fmt: str, theme, *, dpi: float, title: str | None = None) -> bytes:
    """The bytes of a rendered figure; fixed metadata and SVG hash salt, so output is reproducible."""
    import matplotlib as mpl

    metadata = {"png": {"Software": "vizkit"}, "svg": {"Date": None}, "pdf": {"CreationDate": None}}[fmt]
    if title:
        metadata["Title"] = title
    buffer = io.BytesIO()
    with mpl.rc_context(_rc(theme)):
        out.savefig(buffer, format=fmt, dpi=dpi if fmt == "png" else PX_PER_INCH, facecolor=theme.background,
                    metadata=metadata)
    return buffer.getvalue()


def mimebundle(fig, theme) -> dict:
    """Notebook display: a PNG at 96 px per inch (shown at the figure's CSS size) and ``text/plain``."""
    png = save_native(render(fig, theme), "png", theme, dpi=PX_PER_INCH, title=fig.title)
    return {"image/png": base64.b64encode(png).decode("ascii"), "text/plain": repr(fig)}
