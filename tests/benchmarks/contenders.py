"""The contenders: vizkit in each interactive backend, and the peers written the way users write them.

Every builder takes the workload's ``(layer, head, query, key)`` float32 tensor and its tokens and
returns standalone HTML (all JavaScript inline, no network) as a string. Multi-layer workloads are
drawn as each tool's users would: vizkit as ``vk.attention(patterns)`` with its default over many
layers, the heads view (every head a thumbnail, one selected head at full resolution; its first
view is those two heatmaps, and its "slider step" is the next head, by arrow key), its circuitsvis
backend one layer at a time under a slider; plotly express with ``animation_frame``, a HoloViews
``HoloMap``; plain bokeh has no slider without hand-written JavaScript, so users draw the grid of
every head; CircuitsVis shows every head as a thumbnail (``attention_heads``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Contender:
    """A tool as users call it: ``build(pattern, tokens) -> html``; ``slider`` names how to step its slider."""

    name: str
    is_vizkit: bool
    slider: str | None  # "plotly", "bokeh" (a Slider model in BokehJS), or None; a heads view steps to the next head
    heads_view: bool = False  # a multi-layer workload is drawn as vizkit's heads view

    def first_view(self, w) -> int:
        """Heatmaps the first view of workload ``w`` must show drawn: the heads view's thumbnails and selected head,
        else one per head of a layer."""
        return 2 if self.heads_view and w.layers > 1 else w.panels_per_view

    def slider_kind(self, w) -> str | None:
        """How to take one step (the next layer, or the heads view's next head) on ``w``; None: not measured."""
        if w.layers <= 1:
            return None
        return {"plotly": "plotly-heads", "bokeh": "bokeh-heads"}.get(self.slider) if self.heads_view else self.slider


def _squeeze(pattern: np.ndarray) -> np.ndarray:
    """``(1, 1, q, k)`` → ``(q, k)``; ``(1, h, q, k)`` → ``(h, q, k)``; a whole model stays 4-d."""
    if pattern.shape[0] == 1:
        pattern = pattern[0]
        if pattern.shape[0] == 1:
            pattern = pattern[0]
    return pattern


# --------------------------------------------------------------------------------------------- vizkit

def _vizkit(backend: str):
    def build(pattern, tokens):
        import vizkit as vk

        if pattern.shape[0] > 1:  # the default over many layers: the heads view (circuitsvis: a layer slider)
            fig = vk.attention(pattern, tokens=tokens, mode="slider" if backend == "circuitsvis" else None)
        else:
            fig = vk.attention(_squeeze(pattern), tokens=tokens)
        return fig.to_html(backend=backend)
    return build


# --------------------------------------------------------------------------------------------- peers

def plotly_express(pattern, tokens):
    """``px.imshow``: ``animation_frame`` over layers and ``facet_col`` over heads, as the plotly docs show."""
    import plotly.express as px

    data = _squeeze(pattern)
    if data.ndim == 4:
        fig = px.imshow(data, animation_frame=0, facet_col=1, facet_col_wrap=4, color_continuous_scale="Blues")
    elif data.ndim == 3:
        fig = px.imshow(data, facet_col=0, facet_col_wrap=4, color_continuous_scale="Blues")
    else:
        fig = px.imshow(data, color_continuous_scale="Blues")
    return fig.to_html(include_plotlyjs=True, full_html=True)


def plain_bokeh(pattern, tokens):
    """A ``gridplot`` of ``figure().image`` glyphs, one per head (every layer's heads for a whole model)."""
    from bokeh.embed import file_html
    from bokeh.layouts import gridplot
    from bokeh.plotting import figure
    from bokeh.resources import INLINE

    layers, heads, n, _ = pattern.shape
    count = layers * heads
    side = 800 if count == 1 else (250 if count <= 16 else 120)
    plots = []
    for layer in range(layers):
        for head in range(heads):
            p = figure(width=side, height=side, x_range=(0, n), y_range=(n, 0), title=f"L{layer}H{head}",
                       tooltips=[("query", "$y{0}"), ("key", "$x{0}"), ("value", "@image")])
            p.image(image=[pattern[layer, head]], x=0, y=0, dw=n, dh=n, palette="Blues256")
            plots.append(p)
    ncols = 1 if count == 1 else (4 if count <= 16 else heads)
    return file_html(gridplot(plots, ncols=ncols), INLINE, title="bokeh")


def holoviews(pattern, tokens):
    """``hv.Image`` per head in a ``Layout``; a ``HoloMap`` over layers (a slider) for a whole model."""
    import io

    import holoviews as hv

    hv.extension("bokeh", logo=False)
    layers, heads, n, _ = pattern.shape
    opts = {"cmap": "Blues", "tools": ["hover"], "invert_yaxis": True, "width": 800 if layers * heads == 1 else 250,
            "height": 800 if layers * heads == 1 else 250}
    images = {(layer, head): hv.Image(pattern[layer, head], bounds=(0, 0, n, n), kdims=["key", "query"]).opts(**opts)
              for layer in range(layers) for head in range(heads)}
    if layers > 1:
        obj = hv.HoloMap(images, kdims=["layer", "head"]).layout("head").cols(4)
    elif heads > 1:
        obj = hv.Layout([images[0, h] for h in range(heads)]).cols(4)
    else:
        obj = images[0, 0]
    buffer = io.StringIO()
    hv.save(obj, buffer, fmt="html", backend="bokeh", resources="inline")
    return buffer.getvalue()


def circuitsvis(pattern, tokens):
    """``cv.attention.attention_heads``: a thumbnail of every head, one selected head large (its offline HTML)."""
    import circuitsvis as cv

    layers, heads, n, _ = pattern.shape
    names = [f"L{layer}H{head}" for layer in range(layers) for head in range(heads)]
    rendered = cv.attention.attention_heads(attention=pattern.reshape(layers * heads, n, n), tokens=list(tokens),
                                            attention_head_names=names)
    return f"<!DOCTYPE html><html><head><meta charset='utf-8'></head><body>{rendered.local_src}</body></html>"


BUILDERS = {
    "vizkit plotly": _vizkit("plotly"),
    "vizkit bokeh": _vizkit("bokeh"),
    "vizkit holoviews": _vizkit("holoviews"),
    "vizkit circuitsvis": _vizkit("circuitsvis"),
    "plotly express": plotly_express,
    "bokeh": plain_bokeh,
    "HoloViews": holoviews,
    "CircuitsVis": circuitsvis,
}


def contenders() -> list[Contender]:
    """Every contender, vizkit first; ``slider`` says how the harness steps a whole-model view's slider."""
    return [
        Contender("vizkit plotly", True, "plotly", heads_view=True),
        Contender("vizkit bokeh", True, "bokeh", heads_view=True),
        Contender("vizkit holoviews", True, "bokeh", heads_view=True),
        Contender("vizkit circuitsvis", True, None),
        Contender("plotly express", False, "plotly"),
        Contender("bokeh", False, None),
        Contender("HoloViews", False, "bokeh"),
        Contender("CircuitsVis", False, None),
    ]
