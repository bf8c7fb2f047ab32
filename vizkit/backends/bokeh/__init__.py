"""The bokeh backend: spec → a bokeh layout (plots, colour bar, slider, caption).

Heatmaps are ``image`` glyphs at integer cell positions with tick labels from the axes, so
repeated tokens stay distinct columns. Every text a user supplies (tokens, titles, labels)
reaches the page as data: canvas text through ``PlainText`` (never parsed as TeX), ``Div`` s with
``render_as_text``, hover values escaped by BokehJS. Standalone HTML inlines BokehJS and derives
every id from the figure's content.

Modules: :mod:`.axes` (one plot, its ranges and ticks), :mod:`.marks` (spec marks → glyphs),
:mod:`.layout` (frames, grids, legends, the page); what the HoloViews backend draws alike lives
in :mod:`vizkit.backends._bokeh_models`. Importing this package imports no bokeh.
"""

from __future__ import annotations

from .._bokeh_models import document
from .layout import build_frame, render_plan

NAME = "bokeh"
KINDS = "*"
FORMATS = frozenset({"html", "png", "svg", "pdf"})

__all__ = ["FORMATS", "KINDS", "NAME", "build_frame", "mimebundle", "render", "render_plan", "to_html", "to_image"]


def render(fig, theme, *, static: bool = False):
    """The bokeh layout of ``fig``; ``static=True`` (image export) draws SVG plots with no toolbar."""
    from ...plan import plan

    return render_plan(plan(fig, theme, static=static))


def to_html(fig, theme, *, static: bool = False) -> str:
    """Standalone HTML with BokehJS inline (no CDN, no network); ids derived from the content."""
    return document.standalone_html(render(fig, theme, static=static), fig, theme,
                                    document.content_key(fig, theme, NAME, static))


def mimebundle(fig, theme) -> dict:
    """Notebook display: the standalone page in an iframe, plus ``text/plain``."""
    return document.iframe_bundle(to_html(fig, theme), fig, theme)


def to_image(fig, fmt: str, theme, *, scale: float = 1.0, width: int | None = None, height: int | None = None,
             timeout: float = 60.0) -> bytes:
    """PNG, SVG or PDF through headless Chromium; SVG and PDF are vector (plots drawn as SVG)."""
    if width is not None or height is not None:
        fig = fig.replace(width=width or fig.width, height=height or fig.height)
    return document.image(to_html(fig, theme, static=True), fig, theme, fmt, scale=scale, timeout=timeout)
