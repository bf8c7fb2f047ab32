"""The whole-model attention view in HoloViews (``vk.attention(mode="heads")``, :mod:`vizkit.plan.heads`).

:func:`draw` gives what a HoloViews user composes: a ``Layout`` of the thumbnail mosaic (an
``Image`` of block maxima, ticks ``L0…``/``H0…``) and the selected head at full resolution (an
``Image`` with token ticks and a labelled hover), cells at integer positions.

Pages, notebook frames and images render through the bokeh backend's heads view
(:mod:`vizkit.backends.bokeh.heads`): the same bokeh models, with its ``CustomJS`` (tap a
thumbnail, arrow keys, hover a token) and every head in the page at one byte per cell. HoloViews
itself has no way to restyle one element from a tap on another without a server.
"""

from __future__ import annotations

from ...plan import heads as hp
from ...plan.text import plain
from .store import bokeh_store

__all__ = ["draw", "bokeh_layout", "bokeh_page"]


def draw(plan):
    """The HoloViews ``Layout`` of a heads-view plan: mosaic, then the selected head."""
    fig, theme = plan.figure, plan.theme
    meta = fig.meta
    lay = hp.layout(plan)
    li, hi = lay.head
    scale = lay.scale
    from ...spec.colors import palette

    cmap = palette(scale.name, 256)
    n_layers, n_heads, nq, nk = lay.n_layers, lay.n_heads, lay.n_query, lay.n_key
    rows, cols = lay.mosaic_shape
    with bokeh_store() as hv:
        mosaic = hv.Image(hp.thumbnails(fig, lay), bounds=(-0.5, -0.5, cols - 0.5, rows - 0.5),
                          kdims=["head", "layer"], vdims=["block max"], label="every head")
        mosaic = mosaic.opts(
            cmap=cmap, clim=(scale.zmin, scale.zmax), frame_width=int(lay.mosaic.width),
            frame_height=int(lay.mosaic.height), xticks=[(h * lay.col_stride + (lay.thumb_cols - 1) / 2,
                                                          f"H{(meta.get('heads') or list(range(n_heads)))[h]}")
                                                         for h in range(n_heads)],
            yticks=[(rows - 1 - (r * lay.row_stride + (lay.thumb_rows - 1) / 2),
                     f"L{(meta.get('layers') or list(range(n_layers)))[r]}") for r in range(n_layers)],
            title=hp.mosaic_title(lay, True), xlabel="", ylabel="", fontsize={"title": theme.font_size + 1})
        xt, xtext, rot = hp.selected_ticks(plan, lay, "x")
        yt, ytext, _ = hp.selected_ticks(plan, lay, "y")
        name = hp.head_name(meta, li, hi)
        selected = hv.Image(hp.pattern(fig, li, hi), bounds=(-0.5, -0.5, nk - 0.5, nq - 0.5),
                            kdims=[plain(meta.get("x_title") or "key"), plain(meta.get("y_title") or "query")],
                            vdims=[plain(meta.get("value_label") or "attention")], label=name)
        # hv.Image draws row 0 at the top: query i sits at y = nq - 1 - i
        selected = selected.opts(
            cmap=cmap, clim=(scale.zmin, scale.zmax), colorbar=True, frame_width=int(lay.selected.width),
            frame_height=int(lay.selected.height), title=name, xrotation=45 if rot else 0,
            xticks=[(int(p), plain(t)) for p, t in zip(xt, xtext, strict=True)],
            yticks=[(nq - 1 - int(p), plain(t)) for p, t in zip(yt, ytext, strict=True)], tools=["hover"])
        return (mosaic + selected).opts(shared_axes=False, title=plain(plan.title) if plan.title else "")


def bokeh_layout(plan):
    """The bokeh layout pages and images are made of: the bokeh backend's heads view (interactive)."""
    from ..bokeh.heads import draw as draw_bokeh

    return draw_bokeh(plan)


def bokeh_page(plan, element_id: str):
    """``(layout, pre-paint markup or None)`` of the page: the bokeh backend's (:func:`vizkit.backends.bokeh.heads.page`)."""
    from ..bokeh.heads import page

    return page(plan, element_id)
