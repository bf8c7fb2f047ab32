"""What the bokeh and HoloViews tests share: the figure catalogue, readers of bokeh models, browser checks.

The figure catalogue (``FIGURES``) has one builder per figure kind (and variants: facets,
sliders, token rows), built from small real-shaped data.
"""

from __future__ import annotations

from types import SimpleNamespace as NS

import numpy as np

import vizkit as vk
from tests.browser.harness import open_page
from vizkit.spec import Heatmap
from vizkit.spec.text import visible_token

HOSTILE = ["<bos>", " When", "<img src=x onerror=alert(1)>", " Mary", "</script><script>alert(1)</script>", " Mary",
           "$$x^2$$", "\n"]
TOKENS = ["<bos>", " When", " Mary", " and", " John", " went", " Mary"]
SHOWN = [visible_token(t) for t in HOSTILE]  # what a figure shows: whitespace made visible, nothing else changed
RNG = np.random.default_rng(0)


# ---------------------------------------------------------------------------------------------
# The catalogue: every figure kind, built from small real-shaped data


def _attention():
    from vizkit.figures.attention import attention

    n = len(TOKENS)
    pat = np.tril(RNG.random((3, n, n)) + 0.05)
    return attention(pat / pat.sum(-1, keepdims=True), tokens=TOKENS, title="Attention L0")


def _attention_slider():
    from vizkit.figures.attention import attention

    n = len(TOKENS)
    pat = np.tril(RNG.random((2, 2, n, n)) + 0.05)
    return attention(pat / pat.sum(-1, keepdims=True), tokens=TOKENS, mode="slider")


def _patching():
    from vizkit.figures.patching import patching

    return patching(RNG.normal(size=(3, len(TOKENS))), tokens=TOKENS, dims=("layer", "pos"), title="Residual patching")


def _loss_curves():
    from vizkit.figures.curves import loss_curves

    steps = np.arange(1, 201)
    return loss_curves({"lr=1e-3": 3 / steps**0.3 + RNG.random(200) * 0.1, "lr=3e-3": 3 / steps**0.4}, smooth=0.9,
                       log_y=True, title="Loss")


def _tokens():
    from vizkit.figures.tokens import tokens

    return tokens(TOKENS, RNG.normal(size=(2, len(TOKENS))), row_labels=["L0N1", "L1N7"], title="Neuron activations")


def _head_scores():
    from vizkit.figures.heads import head_scores

    return head_scores({"induction": RNG.random((2, 4)), "previous token": RNG.random((2, 4))}, title="Head scores")


def _duck_model_and_cache():
    """A TransformerLens-shaped model (weights only) and cache, small enough to read."""
    L, H, dh, d, V, P = 2, 2, 3, 6, 7, 5
    model = NS(cfg=NS(n_layers=L, normalization_type="LN", eps=1e-5), W_U=RNG.normal(size=(d, V)), b_U=RNG.normal(size=V),
               W_O=RNG.normal(size=(L, H, dh, d)), ln_final=NS(w=np.ones(d), b=np.zeros(d)))
    cache = {"hook_embed": RNG.normal(size=(1, P, d)), "hook_pos_embed": RNG.normal(size=(1, P, d))}
    for layer in range(L):
        cache[f"blocks.{layer}.hook_resid_pre"] = RNG.normal(size=(1, P, d))
        cache[f"blocks.{layer}.hook_attn_out"] = RNG.normal(size=(1, P, d))
        cache[f"blocks.{layer}.attn.hook_z"] = RNG.normal(size=(1, P, H, dh))
    cache[f"blocks.{L - 1}.hook_resid_post"] = RNG.normal(size=(1, P, d))
    return model, cache, TOKENS[:P]


def _logit_lens():
    from vizkit.figures.lens import logit_lens

    model, cache, toks = _duck_model_and_cache()
    return logit_lens(cache, model, answers=[1, 2], tokens=toks)


def _dla():
    from vizkit.figures.lens import dla

    model, cache, toks = _duck_model_and_cache()
    return dla(cache, model, 3, tokens=toks)


def _neuron_views():
    """The four neuron views (vizkit.figures.neurons), small: two neurons of two layers over the catalogue's tokens."""
    from vizkit.figures import neurons

    toks = TOKENS[:4]
    return {
        "neuron_activations": lambda: neurons.neuron_activations(toks, RNG.normal(size=(4, 2, 2)), title="Neurons"),
        "topk_tokens": lambda: neurons.topk_tokens([toks, toks[:3]], [RNG.normal(size=(2, 4, 2)), RNG.normal(size=(2, 3, 2))],
                                                   max_k=2, title="Top tokens"),
        "topk_samples": lambda: neurons.topk_samples([[[toks, toks[:2]], [toks[1:], toks]]],
                                                     [[[RNG.random(4), RNG.random(2)], [RNG.random(3), RNG.random(4)]]],
                                                     title="Top samples"),
        "token_log_probs": lambda: neurons.token_log_probs(toks, -RNG.random((3, 2)) * 3, [["a", "b"]] * 3, [0, 2, 1],
                                                           [-0.1, -1.0, -3.0], title="Log probs"),
    }


FIGURES = {
    "attention": _attention,
    "attention-slider": _attention_slider,
    "patching": _patching,
    "loss_curves": _loss_curves,
    "tokens": _tokens,
    "head_scores": _head_scores,
    "logit_lens": _logit_lens,
    "dla": _dla,
    "imshow": lambda: vk.imshow(np.where(np.eye(4, 7) > 0, np.nan, RNG.normal(size=(4, 7))), dims=("layer", "pos"),
                                x=TOKENS, title="Patching <b>effect</b>", zmid=0),
    "imshow-facets": lambda: vk.imshow(RNG.random((3, 4, 5)), dims=("head", "q", "k"), facet="head", title="Heads"),
    "imshow-slider": lambda: vk.imshow(RNG.random((3, 4, 4)), dims=("layer", "q", "k"), animate="layer", title="Layers"),
    "line": lambda: vk.line(RNG.normal(size=(2, 30)).cumsum(1), dims=("run", "step"), names=["a", "b"], title="Lines"),
    "line-tokens": lambda: vk.line(np.r_[1.0, 2.0, np.nan, 3.0, 2.0, 1.0, 0.5], x=TOKENS, log_y=True, title="Per token"),
    "scatter": lambda: vk.scatter(RNG.normal(size=40), RNG.normal(size=40), color=RNG.normal(size=40),
                                  hover=[f"p{i}" for i in range(40)], labels={"x": "PC1", "y": "PC2"}, title="Scatter"),
    "bar": lambda: vk.bar(RNG.normal(size=(2, 5)), x=["L0H0", "L0H1", "L1H0", "L1H1", "L1H1"], names=["clean", "corrupt"],
                          title="Bars"),
    "bar-horizontal": lambda: vk.bar(RNG.random(4), x=["a", "b", "c", "d"], horizontal=True, title="Horizontal"),
    "hist": lambda: vk.hist(RNG.normal(size=400), nbins=20, log_y=True, title="Histogram"),
    "density": lambda: vk.density(RNG.normal(size=3000), RNG.normal(size=3000), nbins=20, title="Density"),
    **_neuron_views(),
}


def build(name: str):
    """The catalogue figure ``name``."""
    return FIGURES[name]()


# ---------------------------------------------------------------------------------------------
# What a user reads off bokeh models


def text(value):
    """The string of a bokeh text property (a plain string or a ``PlainText``)."""
    return getattr(value, "text", value)


def find(root, cls):
    from bokeh.model.util import collect_models

    return [m for m in collect_models(root) if isinstance(m, cls)]


def bokeh_layout_of(fig, backend: str, theme=None):
    """The bokeh layout ``backend`` ("bokeh" or "holoviews") draws for ``fig`` (HoloViews: every page rendered to bokeh)."""
    from vizkit.backends import render
    from vizkit.spec import theme as themes

    theme = theme if theme is not None else themes.get()
    if backend == "bokeh":
        return render(fig, "bokeh", theme=theme.name)
    from vizkit.backends.holoviews import bokeh_layout

    return bokeh_layout(fig, theme)


def assert_same(a, b):
    np.testing.assert_array_equal(np.asarray(a, dtype=float), np.asarray(b, dtype=float))


# ---------------------------------------------------------------------------------------------
# In the browser

DEEP_TEXT = "el => (el.shadowRoot || el).textContent"
DRAWN_PANELS = """() => [...Bokeh.index.all_views()]
  .filter(v => (v.model.name || '').startsWith('vizkit-panel') && v.el.getBoundingClientRect().width > 0)
  .map(v => v.model.name)"""
TICKS_JS = """() => { const out = [];
  for (const m of Bokeh.documents[0].all_models)
    if (m.major_label_overrides) for (const v of m.major_label_overrides.values()) out.push(typeof v === 'string' ? v : v.text);
  return out; }"""


def assert_clean(report):
    assert report.network_requests == [] and report.failed == []
    assert report.errors == [] and report.console_errors == []
    assert report.dialogs == []


def check_hostile_slider_title_and_caption(tmp_path, chromium, backend):
    """Hostile slider name and labels, title and caption: shown as text, nothing executes (shared with HoloViews)."""
    from vizkit.spec import ColorScale, Figure, Panel, Slider

    labels = HOSTILE[2], HOSTILE[4], "<b>bold</b>"
    fig = Figure(kind="imshow", title="<i>title</i>", slider=Slider(name="<b>pos</b>", labels=labels), notes=(HOSTILE[2],),
                 panels=tuple(Panel(marks=(Heatmap(z=np.eye(2) * k, colorscale=ColorScale()),), title=f"frame {k}", frame=k)
                              for k in range(3)))
    report = open_page(chromium, fig.save(tmp_path / "slider.html", backend=backend), wait_for=".bk-Canvas")
    page = report.page
    title = page.locator(".bk-slider-title").first
    assert title.evaluate("el => el.textContent") == f"<b>pos</b>: {labels[0]}"
    page.locator(".noUi-handle").first.focus()
    page.keyboard.press("End")
    page.wait_for_timeout(300)
    assert title.evaluate("el => el.textContent") == f"<b>pos</b>: {labels[-1]}"
    texts = page.locator(".bk-Div").evaluate_all(
        "els => els.map(el => [...el.shadowRoot.children].filter(c => c.tagName !== 'STYLE').map(c => c.textContent).join(''))")
    assert "<i>title</i>" in texts and HOSTILE[2] in texts
    assert page.locator("img, b, i").count() == 0
    assert_clean(report)


def check_layout_follows_the_plan(root, fig, theme, *, static: bool = False) -> None:
    """Every drawn panel shows the plan's ticks and size, every caption is the plan's, heatmaps use the plan's shared range.

    ``root`` is the bokeh layout a backend drew for ``fig`` (HoloViews: every page rendered to bokeh).
    """
    from bokeh.models import Div, Image, Plot

    from vizkit.plan import plan

    planned = plan(fig, theme, static=static)
    plots = [p for p in find(root, Plot) if any(r.glyph is not None for r in p.renderers)]
    for panel_plan in planned.panels:
        for axis in (panel_plan.x, panel_plan.y):
            if axis.tickvals is None or panel_plan.tokens is not None:
                continue
            want = {float(v): t for v, t in zip(axis.tickvals, axis.ticktext, strict=True)}
            shown = [{float(k): text(v) for k, v in getattr(p, f"{axis.dim}axis")[0].major_label_overrides.items()}
                     for p in plots]
            assert want in shown, (axis.dim, want)
    assert {p.width for p in plots if p.toolbar_location != "above"} <= set(planned.geometry.col_widths) | {
        w + planned.geometry.colorbar_width for w in planned.geometry.col_widths}
    divs = [text(d.text) for d in find(root, Div)]
    if planned.caption:
        assert planned.caption in divs
    if planned.shared_scale is not None:
        scale = planned.shared_scale
        for r in (r for p in plots for r in p.renderers if isinstance(r.glyph, Image)):
            assert (r.glyph.color_mapper.low, r.glyph.color_mapper.high) == (scale.zmin, scale.zmax)
