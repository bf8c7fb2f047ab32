"""The HoloViews backend: spec → HoloViews elements (bokeh extension).

``render`` returns what HoloViews users compose, hand to Panel or datashade: an ``Image`` per
heatmap (integer cell positions, tick labels from the plan, so repeated tokens stay distinct),
``Curve``, ``Scatter``, ``Rectangles`` for bars and token boxes with ``Labels`` for token text,
overlaid per panel, in a ``Layout`` for facets and ``HoloMap`` s for a slider (and for several
token rows). Styling that HoloViews has no option for (theme fonts, labelled heatmap hover,
literal text) is applied by plot hooks that reuse :mod:`vizkit.backends._bokeh_models`.

Standalone HTML does not go through ``hv.save`` (which loads Panel's CSS from a CDN): each
page is rendered to bokeh models with ``hv.render`` (:mod:`.to_bokeh`) and written as the bokeh
backend's page, with BokehJS inline. HoloViews' plotting is imported only when a figure is
drawn, and ``Store.current_backend`` is restored afterwards (:mod:`.store`).

Modules: :mod:`.elements` (marks → elements), :mod:`.panels` (panels, pages, the Layout),
:mod:`.to_bokeh` (the bokeh layout of every page), :mod:`.store`.
"""

from __future__ import annotations

from ...plan.heads import applies as _heads_view
from .._bokeh_models import embed

NAME = "holoviews"
KINDS = "*"
FORMATS = frozenset({"html", "png", "svg", "pdf"})
#: Export screenshots the page (made from a static plan: SVG plots, no toolbar) in headless Chromium.
STATIC = "browser"
READY_JS, RESET_JS, SVG_JS = embed.READY_JS, embed.RESET_JS, embed.SVG_JS
#: A notebook shows the standalone page in an ``iframe srcdoc`` (no ``hv.extension`` call needed).
NOTEBOOK = "iframe"

__all__ = ["FORMATS", "KINDS", "NAME", "NOTEBOOK", "READY_JS", "RESET_JS", "STATIC", "SVG_JS", "bokeh_layout", "draw", "html_parts",
           "render"]


def draw(plan):
    """The HoloViews object of ``plan``: an element or Overlay, a Layout of facets, HoloMaps to page through."""
    if _heads_view(plan):
        from .heads import draw as draw_heads

        return draw_heads(plan)
    from .panels import add_caption, add_hooks, compose, frame_panels, pages
    from .store import bokeh_store

    with bokeh_store() as hv:
        keys, dim = pages(hv, plan)
        by_key = {k: frame_panels(hv, plan, *k) for k in keys}
        if dim is None:
            panels = by_key[keys[0]]
        else:
            panels = [hv.HoloMap({k[dim[1]]: by_key[k][i] for k in keys}, kdims=[dim[0]]) for i in range(len(by_key[keys[0]]))]
        out = compose(hv, plan, panels, title=None if plan.title_in_plot else plan.title)
        if plan.caption:  # below the last panel, as a bokeh Title (HoloViews has no caption)
            add_hooks(hv, panels[-1], [lambda plot, _e: add_caption(plot.state, plan)])
        return out


def render(fig, theme, *, static: bool = False):
    """The HoloViews object of ``fig`` drawn with the resolved ``theme``."""
    from ...plan import plan

    return draw(plan(fig, theme, static=static))


def bokeh_layout(fig, theme, *, static: bool = False):
    """Every page (slider frame or token row) of ``fig`` rendered by HoloViews to bokeh, in one layout."""
    from ...plan import plan
    from .to_bokeh import bokeh_layout as layout_of_plan

    planned = plan(fig, theme, static=static)
    if _heads_view(planned):
        from .heads import bokeh_layout as layout_of_plan
    return layout_of_plan(planned)


def html_parts(plan) -> tuple[str, str]:
    """``(head, body)`` of the page: every page rendered by HoloViews to bokeh, BokehJS inline, no Panel assets."""
    from .to_bokeh import bokeh_layout as layout_of_plan

    key = embed.content_id(plan, NAME)
    if _heads_view(plan):  # the bokeh backend's heads view, its first paint as pictures
        from .heads import bokeh_page

        root, prepaint = bokeh_page(plan, key)
        return embed.html_parts(root, plan.title, key, prepaint=prepaint)
    return embed.html_parts(layout_of_plan(plan), plan.title, key)
