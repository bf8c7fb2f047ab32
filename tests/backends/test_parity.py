"""Every backend draws the same ticks, colour range and caption for the same figure.

Each is read back from the backend's native object (plotly layout, bokeh models, the HoloViews
layout rendered to bokeh, matplotlib artists, CircuitsVis props and page) and compared with the
plan, which decides them once (``vizkit.plan``).
"""

from __future__ import annotations

import html
import re

import numpy as np
import pytest

import vizkit as vk
from vizkit import backends
from vizkit.plan import plan
from vizkit.plan.text import plain
from vizkit.spec import theme as themes

RNG = np.random.default_rng(11)
THEME = themes.get()
TOKENS = [f" tok{i}" for i in range(80)]


def _labelled_heatmap():
    pattern = np.tril(RNG.random((1, 1, 80, 80)) + 0.01)
    return vk.attention(pattern / pattern.sum(-1, keepdims=True), tokens=TOKENS, title="Attention L0H0")


def _facet_grid():
    toks = TOKENS[:30]
    return vk.imshow(RNG.normal(size=(4, 30, 30)), dims=("head", "query", "key"), x=toks, y=toks, facet="head",
                     facet_cols=2, title="Four heads, one scale")


def _slider():
    return vk.imshow(RNG.random((3, 6, 6)), dims=("layer", "query", "key"), x=TOKENS[:6], animate="layer")


def _log_line():
    steps = np.arange(1, 301)
    return vk.line(3.0 / steps**0.5, log_y=True, title="loss")


def _notes():
    z = RNG.random((5, 5))
    z[1, 2] = np.nan
    return vk.imshow(z, x=list("abcde")).replace(notes=("1 missing cell", "<b>values</b> & more"))


FIGURES = {"labelled heatmap": _labelled_heatmap, "facet grid": _facet_grid, "slider": _slider, "log line": _log_line,
           "notes": _notes}


# ---------------------------------------------------------------------------------------------
# Reading a native object: {panel index: (x ticks, y ticks)}, (zmin, zmax) or None, caption


def _plotly(fig):
    out = backends.render(fig, "plotly")
    ticks = {}
    for i in range(len(fig.frame_panels(0))):
        axes = [out.layout[f"{d}axis{'' if i == 0 else i + 1}"] for d in "xy"]
        ticks[i] = tuple(None if a.ticktext is None else tuple(html.unescape(t) for t in a.ticktext) for a in axes)
    if out.layout.coloraxis.cmin is not None:
        scale = (out.layout.coloraxis.cmin, out.layout.coloraxis.cmax)
    else:
        scale = next(((t.zmin, t.zmax) for t in out.data if t.type == "heatmap"), None)
    captions = [html.unescape(a.text) for a in out.layout.annotations if a.xanchor == "left" and a.y == 0 and a.yref == "paper"]
    return ticks, scale, captions[0] if captions else None


def _axis_ticks(axis):
    overrides = axis.major_label_overrides or {}
    shown = getattr(axis.ticker, "ticks", None)
    return tuple(getattr(overrides[t], "text", overrides[t]) for t in shown) if overrides and shown else None


def _bokeh_models(fig, name):
    """Ticks by panel (bokeh names its panels; HoloViews' plots are listed in the layout's order, keyed
    ``-1, -2, ...``), the colour mapper's range and the texts shown as captions."""
    from bokeh.model.util import collect_models
    from bokeh.models import Div, LinearColorMapper, Plot, Title

    if name == "bokeh":
        root = backends.render(fig, "bokeh")
    else:
        from vizkit.backends.holoviews import bokeh_layout

        root = bokeh_layout(fig, THEME)
    models = collect_models(root)
    ticks = {}
    for k, p in enumerate(m for m in models if isinstance(m, Plot) and m.xaxis and m.yaxis):
        panel = p.name or ""
        key = int(panel.rsplit("-", 1)[1]) if panel.startswith("vizkit-panel-0-") else -1 - k
        if (panel.startswith("vizkit-panel-") and not panel.startswith("vizkit-panel-0-")) or (name == "bokeh" and key < 0):
            continue  # a later slider frame, or bokeh's colour-bar column
        ticks[key] = (_axis_ticks(p.xaxis[0]), _axis_ticks(p.yaxis[0]))
    mappers = [m for m in models if isinstance(m, LinearColorMapper)]
    scale = (mappers[0].low, mappers[0].high) if mappers else None
    texts = [m.text for m in models if isinstance(m, Div) and m.render_as_text]
    texts += [getattr(m.text, "text", m.text) for m in models if isinstance(m, Title) and m.name == "vizkit-caption"]
    return ticks, scale, texts


def _matplotlib(fig):
    out = backends.render(fig, "matplotlib")
    ticks = {}
    for ax in out.axes:
        gid = ax.get_gid() or ""
        if gid.startswith("vizkit-panel-0-"):
            i = int(gid.rsplit("-", 1)[1])
            ticks[i] = tuple(tuple(t.get_text() for t in labels) or None
                             for labels in (ax.get_xticklabels(), ax.get_yticklabels()))
    bars = [a for a in out.axes if a.get_label() == "<colorbar>"]
    scale = None
    if bars:
        norm = bars[0]._colorbar.mappable.norm  # matplotlib keeps each colour bar on its axes
        scale = (norm.vmin, norm.vmax)
    caption = out.get_supxlabel() if out._supxlabel is not None else None
    return ticks, scale, None if caption is None else re.sub(r"\s+", " ", caption)


def _circuitsvis(fig):
    native = backends.render(fig, "circuitsvis")
    props = native.props
    scale = (props.get("minValue"), props.get("maxValue")) if "minValue" in props else None
    found = re.search(r'<div class="vizkit-cv-caption"[^>]*>(.*?)</div>', str(native), re.S)
    return {}, scale, html.unescape(found.group(1)) if found else None


# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_same_ticks_colour_range_and_caption(backend, name):
    fig = FIGURES[name]()
    if not backends.supports(backend, fig.kind):
        pytest.skip(f"{backend} does not draw {fig.kind!r} figures (the registry says so)")
    module = backends.load(backend)
    planned = plan(fig, THEME, static=not getattr(module, "INTERACTIVE", True))
    want_scale = None if planned.shared_scale is None else (planned.shared_scale.zmin, planned.shared_scale.zmax)
    if backend == "plotly":
        ticks, scale, caption = _plotly(fig)
    elif backend in ("bokeh", "holoviews"):
        ticks, scale, texts = _bokeh_models(fig, backend)
        caption = planned.caption if planned.caption in texts else None
    elif backend == "matplotlib":
        ticks, scale, caption = _matplotlib(fig)
    elif backend == "circuitsvis":
        ticks, scale, caption = _circuitsvis(fig)
    else:  # pragma: no cover - a third-party backend: nothing to read back here
        pytest.skip(f"no reader for the {backend!r} backend")

    assert scale is None or tuple(map(float, scale)) == pytest.approx(want_scale)
    if want_scale is not None:
        assert scale is not None, f"{backend} shows no colour range"
    want_caption = planned.caption
    assert (caption or None) == (None if want_caption is None else re.sub(r"\s+", " ", want_caption))
    def shown(panel):
        return tuple(None if a.ticktext is None else tuple(plain(t) if backend == "matplotlib" else t for t in a.ticktext)
                     for a in (panel.x, panel.y))

    if backend == "circuitsvis":
        return  # CircuitsVis draws its tokens on canvases: no axis ticks to compare
    if backend == "holoviews":  # its plots are unnamed: every panel's ticks are among the planned ones
        wanted = {shown(p) for p in planned.frame(0)}
        assert ticks and all(_only_planned(got, wanted) for got in ticks.values()), (ticks, wanted)
        return
    assert set(ticks) == {p.index for p in planned.frame(0)}, f"{backend} drew other panels"
    for panel in planned.frame(0):
        for dim, got, want in zip("xy", ticks[panel.index], shown(panel), strict=True):
            if want is not None:
                assert got == want, f"{backend} panel {panel.index} {dim} ticks"


def _only_planned(got, wanted) -> bool:
    """Whether the ticks read back match one planned panel on every axis the plan gives ticks for."""
    return any(all(w is None or g == w for g, w in zip(got, want, strict=True)) for want in wanted)
