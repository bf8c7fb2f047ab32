"""The bokeh backend: a plan (:mod:`vizkit.plan`) → a bokeh layout (plots, colour bar, slider, caption).

Sizes, ticks, the shared colour scale, inks, captions, hover names and token boxes are read from
the plan; this package only turns them into bokeh models. Heatmaps are ``image`` glyphs at integer
cell positions with tick labels from the plan, so repeated tokens stay distinct columns. Every
text a user supplies (tokens, titles, labels) reaches the page as data: canvas text through
``PlainText`` (never parsed as TeX), ``Div`` s with ``render_as_text``, hover values escaped by
BokehJS. :func:`html_parts` gives export the page parts (BokehJS inline, every id from the
figure's content); export writes the page, the notebook iframe and the images (the contract in
:mod:`vizkit.backends`).

Modules: :mod:`.axes` (one plot, its ranges and ticks), :mod:`.marks` (spec marks → glyphs),
:mod:`.layout` (frames, each built alone by :func:`build_frame`; grids, legends, the page). What
the HoloViews backend draws alike lives in :mod:`vizkit.backends._bokeh_models`. Importing this
package imports no bokeh.
"""

from __future__ import annotations

from ...plan.heads import applies as _heads_view
from .._bokeh_models import embed
from .layout import build_frame, render_plan

NAME = "bokeh"
KINDS = "*"
FORMATS = frozenset({"html", "png", "svg", "pdf"})
#: Export screenshots the page (made from a static plan: SVG plots, no toolbar) in headless Chromium.
STATIC = "browser"
READY_JS, RESET_JS, SVG_JS = embed.READY_JS, embed.RESET_JS, embed.SVG_JS
#: A notebook shows the standalone page in an ``iframe srcdoc``.
NOTEBOOK = "iframe"

__all__ = ["FORMATS", "KINDS", "NAME", "NOTEBOOK", "READY_JS", "RESET_JS", "STATIC", "SVG_JS", "build_frame", "draw", "html_parts",
           "render"]


def draw(plan):
    """The bokeh layout of ``plan`` (a static plan, for image export, draws SVG plots with no toolbar)."""
    if _heads_view(plan):
        from .heads import draw as draw_heads

        return draw_heads(plan)
    return render_plan(plan)


def render(fig, theme, *, static: bool = False):
    """The bokeh layout of ``fig`` drawn with the resolved ``theme``."""
    from ...plan import plan

    return draw(plan(fig, theme, static=static))


def html_parts(plan) -> tuple[str, str]:
    """``(head, body)`` of the page: BokehJS inline, and the layout's document with ids from its content (the heads
    view's page first paints its cells as pictures, :func:`.heads.page`)."""
    key = embed.content_id(plan, NAME)
    if _heads_view(plan):
        from .heads import page

        root, prepaint = page(plan, key)
        return embed.html_parts(root, plan.title, key, prepaint=prepaint)
    return embed.html_parts(draw(plan), plan.title, key)
