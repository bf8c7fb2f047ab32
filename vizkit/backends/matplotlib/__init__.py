"""The matplotlib backend: a :class:`~vizkit.plan.Plan` → ``matplotlib.figure.Figure`` (static PNG, SVG and PDF).

Sizes are CSS pixels at :data:`~vizkit.plan.PX_PER_INCH` (96), as in a browser (so a PDF from
matplotlib has the same page size as one from plotly or bokeh): a 700 px figure is 7.29 in wide,
the ``paper`` theme's 312 px is one 3.25 in column, and 1 px of font, line or marker size is
0.75 pt. The figure is drawn on its own Agg canvas: nothing here imports ``pyplot``, selects a
backend or changes ``rcParams`` outside a local ``rc_context``, and importing this package imports
no matplotlib at all. (``rc_context`` is process-wide while it is active: two threads drawing with
different themes at the same moment may mix their defaults.)

Every text a user supplies (tokens, titles, labels, names) is drawn literally: ``parse_math`` is
off for each such ``Text``, so ``$x^2$`` or ``\\frac`` never reach mathtext, and control characters
are shown as visible symbols (:func:`vizkit.plan.text.plain`: ``\\n`` → ↵, ``\\t`` → ⇥) so they
neither break a tick label nor ask a font for a missing glyph (titles and captions keep ``\\n`` as
a line break and are wrapped at spaces when too long). A static figure cannot slide: a figure with
a slider draws its first frame and the plan's caption says so. Exports are deterministic (fixed
SVG hash salt, no dates in SVG or PDF metadata), with text kept as text in SVG and PDF.

Modules: :mod:`.figure` (the figure, its size), :mod:`.axes` (one panel), :mod:`.marks`,
:mod:`.tokens`, :mod:`.colour` (colormaps, colour bars), :mod:`.style` (fonts, rcParams).
"""

from __future__ import annotations

import io

from ...errors import ExportError
from ...plan.geometry import PX_PER_INCH, with_size
from ...plan.heads import applies as _heads_view
from . import heads
from .colour import colormap
from .figure import draw as _draw
from .figure import size as _plan_size
from .style import families

__all__ = ["NAME", "KINDS", "FORMATS", "STATIC", "NOTEBOOK", "INTERACTIVE", "draw", "render", "image", "size",
           "to_image", "save_native", "colormap", "families"]

NAME = "matplotlib"
KINDS = "*"
FORMATS = frozenset({"png", "svg", "pdf"})
STATIC = "native"
NOTEBOOK = "png"
INTERACTIVE = False


def draw(plan):
    """The ``matplotlib.figure.Figure`` of ``plan`` (the heads view of :mod:`.heads`, or panels of :mod:`.figure`)."""
    return heads.draw(plan) if _heads_view(plan) else _draw(plan)


def _plan(fig, theme):
    from ...plan import plan

    return plan(fig, theme, static=True)


def render(fig, theme):
    """The matplotlib figure of ``fig`` drawn with the resolved ``theme``."""
    return draw(_plan(fig, theme))


def size(fig, theme) -> tuple[int, int]:
    """(width, height) in CSS px of ``fig`` drawn with ``theme`` (the plan's, grown for stacked token rows).

    A static image shows every slider frame as a grid (:func:`vizkit.plan.static.static_figure`), so that is what is sized.
    """
    from ...plan.static import static_figure

    planned = _plan(static_figure(fig), theme)
    return heads.size(planned) if _heads_view(planned) else _plan_size(planned)


def image(plan, fmt: str, *, dpi: float = PX_PER_INCH) -> bytes:
    """PNG, SVG or PDF bytes of ``plan``, byte-identical for the same figure.

    SVG and PDF are vector (text kept as text) and sized in CSS px at 96 per inch; ``dpi`` (pixels
    per inch) only affects PNG.
    """
    if fmt not in FORMATS:
        raise ExportError(f"the {NAME!r} backend writes {sorted(FORMATS)}; got {fmt!r}")
    if not dpi > 0:
        raise ExportError(f"the resolution must be positive; got dpi={dpi!r}")
    return save_native(draw(plan), fmt, plan.theme, dpi=float(dpi), title=plan.title)


def to_image(fig, fmt: str, theme, *, scale: float | None = None, width: int | None = None, height: int | None = None,
             timeout: float = 60.0, dpi: float | None = None) -> bytes:
    """``image`` of ``fig`` with ``theme``: ``scale`` PNG pixels per CSS px or ``dpi`` (default the theme's),
    ``width``/``height`` overriding the figure's size; ``timeout`` is accepted for parity (no browser)."""
    if scale is not None and dpi is not None:
        raise ExportError(f"pass scale= or dpi=, not both; got scale={scale!r} and dpi={dpi!r}")
    resolution = float(dpi) if dpi is not None else PX_PER_INCH * float(scale) if scale is not None else float(theme.dpi)
    return image(_plan(with_size(fig, width, height), theme), fmt, dpi=resolution)


def save_native(out, fmt: str, theme, *, dpi: float, title: str | None = None) -> bytes:
    """The bytes of a drawn figure; fixed metadata and SVG hash salt, so output is reproducible."""
    import matplotlib as mpl

    from .style import rc

    metadata = {"png": {"Software": "vizkit"}, "svg": {"Date": None}, "pdf": {"CreationDate": None}}[fmt]
    if title:  # invisible and control characters shown: a NUL would make the SVG invalid XML
        from ...plan.text import plain

        metadata["Title"] = plain(title)
    buffer = io.BytesIO()
    with mpl.rc_context(rc(theme)):
        out.savefig(buffer, format=fmt, dpi=dpi if fmt == "png" else PX_PER_INCH, facecolor=theme.background,
                    metadata=metadata)
    return _unique_svg_image_ids(buffer.getvalue()) if fmt == "svg" else buffer.getvalue()


def _unique_svg_image_ids(svg: bytes) -> bytes:
    """Number repeated ``<image id=...>``: matplotlib names a raster (an image, a rasterized colour bar) by a hash
    of its pixels, so two identical ones wrote one id twice, an invalid SVG. Nothing refers to these ids."""
    import re

    seen: dict[bytes, int] = {}

    def renamed(match):
        oid = match.group(2)
        seen[oid] = seen.get(oid, 0) + 1
        return match.group(0) if seen[oid] == 1 else match.group(1) + oid + b"-" + str(seen[oid]).encode() + b'"'

    return re.sub(rb'(<image\b[^>]*?\bid=")([^"]+)"', renamed, svg)
