"""The bokeh backend: the native layout carries the spec's data, labels, title and colour range;
its HTML renders offline in headless Chromium; tokens stay text.

The figure catalogue (``FIGURES``) is shared with the HoloViews tests: one builder per figure
kind (and variants: facets, sliders, token rows).
"""

from __future__ import annotations

import json
import subprocess
import sys
from types import SimpleNamespace as NS

import numpy as np
import pytest

import vizkit as vk
from tests.browser.harness import open_page
from vizkit.backends import _layout as L
from vizkit.backends import load, render
from vizkit.figures._common import visible_token
from vizkit.spec import Bar, Heatmap, Line, Scatter, TokenText
from vizkit.spec import theme as themes
from vizkit.spec.colors import palette

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
}


def build(name: str):
    """The catalogue figure ``name``."""
    return FIGURES[name]()


def test_catalogue_covers_every_figure_kind():
    from vizkit.figures import KINDS

    covered = {name.split("-")[0] for name in FIGURES}  # "kind" or "kind-variant"
    assert set(KINDS) <= covered, f"figure kinds without a parity case: {set(KINDS) - covered}"


# ---------------------------------------------------------------------------------------------
# What a user reads off the bokeh layout


def text(value):
    """The string of a bokeh text property (a plain string or a ``PlainText``)."""
    return getattr(value, "text", value)


def find(root, cls):
    from bokeh.model.util import collect_models

    return [m for m in collect_models(root) if isinstance(m, cls)]


def assert_same(a, b):
    np.testing.assert_array_equal(np.asarray(a, dtype=float), np.asarray(b, dtype=float))


def check_panel(p, panel):
    """Data, colour range, axis titles and tick labels of one panel's plot equal the spec's."""
    from bokeh.models import GlyphRenderer, HBar, Image, LogScale, Range1d, Rect, VBar
    from bokeh.models import Line as BkLine
    from bokeh.models import Scatter as BkScatter
    from bokeh.models import Text as BkText

    glyphs = iter(r for r in p.renderers if isinstance(r, GlyphRenderer))
    for mark in panel.marks:
        r = next(glyphs)
        data = r.data_source.data
        if isinstance(mark, Heatmap):
            assert isinstance(r.glyph, Image)
            assert_same(data["image"][0], mark.z)
            mapper = r.glyph.color_mapper
            assert (mapper.low, mapper.high) == (mark.colorscale.zmin, mark.colorscale.zmax)
            assert list(mapper.palette) == palette(mark.colorscale.name, 256)
            hover = [t for t in p.tools if getattr(t, "renderers", None) == [r]][0]
            assert hover.formatters["$x"].args["labels"] == list(mark.x_labels or panel.x.labels)
            assert hover.formatters["$y"].args["labels"] == list(mark.y_labels or panel.y.labels)
        elif isinstance(mark, Line):
            assert isinstance(r.glyph, BkLine)
            assert_same(data["x"], mark.x)
            assert_same(data["y"], mark.y)
            if mark.markers:
                assert isinstance(next(glyphs).glyph, BkScatter)
        elif isinstance(mark, Scatter):
            assert isinstance(r.glyph, BkScatter)
            assert_same(data["x"], mark.x)
            assert_same(data["y"], mark.y)
            if mark.values is not None:
                assert_same(data["value"], mark.values)
                mapper = r.glyph.fill_color.transform
                assert (mapper.low, mapper.high) == (mark.colorscale.zmin, mark.colorscale.zmax)
        elif isinstance(mark, Bar):
            assert isinstance(r.glyph, HBar if mark.horizontal else VBar)
            assert_same(data["x"], mark.x)
            assert_same(data["top"], mark.y)
            if mark.widths is not None:
                assert_same(data["width"], mark.widths)
        elif isinstance(mark, TokenText):
            assert isinstance(r.glyph, Rect)
            assert list(data["token"]) == list(mark.tokens)
            assert_same(data["value"], mark.values[0])
            mapper = r.glyph.fill_color.transform
            assert (mapper.low, mapper.high) == (mark.colorscale.zmin, mark.colorscale.zmax)
            label = next(glyphs)
            assert isinstance(label.glyph, BkText) and label.data_source is r.data_source
    if any(isinstance(m, TokenText) for m in panel.marks):
        return
    for axis, ax, scale, rng in ((panel.x, p.xaxis[0], p.x_scale, p.x_range), (panel.y, p.yaxis[0], p.y_scale, p.y_range)):
        assert text(ax.axis_label) == axis.title
        if axis.labels is not None:
            want = dict(zip(*axis.tick_positions(), strict=True))
        elif axis.log:  # plain-number ticks in every decade the data covers
            values = L.axis_values(panel, "x" if axis is panel.x else "y")
            positive = values[np.isfinite(values) & (values > 0)]
            want = dict(zip(*L.log_ticks(positive), strict=True))
            assert min(want) >= positive.min() / 1.0001 and max(want) <= positive.max() * 1.0001
        else:
            want = {}
        assert {k: text(v) for k, v in ax.major_label_overrides.items()} == want
        assert isinstance(scale, LogScale) == axis.log
        if axis.reversed:
            assert rng.start > rng.end if isinstance(rng, Range1d) else rng.flipped


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_parity_with_the_spec(name):
    from bokeh.models import ColorBar, Div, Slider

    fig = build(name)
    layout = render(fig, "bokeh")
    divs = [text(d.text) for d in find(layout, Div)]
    for frame in range(fig.n_frames):
        for i, panel in enumerate(fig.frame_panels(frame)):
            p = layout.select_one({"name": f"vizkit-panel-{frame}-{i}"})
            check_panel(p, panel)
            if len(fig.frame_panels(0)) == 1 and not panel.title:
                assert text(p.title.text) == fig.title
            else:
                assert text(p.title.text if p.title else None) == panel.title
                assert fig.title is None or fig.title in divs
    heat_scales = {json.dumps(m.colorscale.to_dict()) for m in fig.marks(Heatmap)}
    if len(heat_scales) == 1 and len(fig.frame_panels(0)) > 1:  # one shared colour bar for each frame's grid
        assert len(find(layout, ColorBar)) == fig.n_frames
    if fig.notes:
        assert " · ".join(fig.notes) in divs
    sliders = find(layout, Slider)
    assert len(sliders) == (fig.slider is not None)
    if fig.slider is not None:
        assert sliders[0].format.args["labels"] == list(fig.slider.labels)
        frames = sliders[0].js_property_callbacks["change:value"][0].args["frames"]
        assert [f.visible for f in frames] == [True] + [False] * (fig.n_frames - 1)


def test_heatmap_cells_sit_at_integer_positions_with_repeated_tokens_distinct():
    fig = build("imshow")
    p = render(fig, "bokeh").select_one({"name": "vizkit-panel-0-0"})
    image = p.renderers[0]
    assert (image.data_source.data["x"][0], image.data_source.data["dw"][0]) == (-0.5, 7)
    assert p.xaxis[0].ticker.ticks == list(range(7))
    labels = [text(v) for v in p.xaxis[0].major_label_overrides.values()]
    assert labels.count("␣Mary") == 2  # two columns, not one merged category
    assert image.glyph.color_mapper.nan_color == "rgba(0, 0, 0, 0)"  # NaN cells are gaps


@pytest.mark.parametrize("backend", ["bokeh", "holoviews"])
def test_crowded_token_axes_show_every_kth_label_as_plotly_and_matplotlib_do(backend):
    """60 tokens on a 450 px axis would print on top of each other: every k-th one is shown, at its own cell."""
    from bokeh.models import Plot

    toks = [f" t{i}" for i in range(60)]
    fig = vk.attention(np.tril(RNG.random((1, 60, 60))), tokens=toks, title="long prompt")
    if backend == "bokeh":
        root = render(fig, "bokeh")
    else:
        from vizkit.backends.holoviews import _bokeh_layout

        root = _bokeh_layout(fig, themes.get())
    p = next(p for p in find(root, Plot) if p.xaxis and p.xaxis[0].major_label_overrides)
    for axis, span in ((p.xaxis[0], p.width - 90), (p.yaxis[0], p.height - 100)):
        shown = {int(k): text(v) for k, v in axis.major_label_overrides.items()}
        pos = sorted(shown)
        step = pos[1] - pos[0]
        assert pos[0] == 0 and 2 <= step < 60 and pos == list(range(0, 60, step))  # evenly thinned, from the first
        assert all(shown[k] == visible_token(toks[k]) for k in pos)  # each label at its own token's cell
        assert len(pos) * 12 * 1.3 <= span  # and they fit (12 px font, at least 1.3 lines each)


@pytest.mark.parametrize("backend", ["bokeh", "holoviews"])
def test_every_panel_of_a_grid_shows_the_same_ticks(backend):
    """The first column is a pixel wider than the others: that must not change which tokens it labels."""
    from bokeh.models import Plot

    toks = [f" tok{i}" for i in range(18)]
    pattern = np.tril(RNG.random((12, 18, 18)))
    fig = vk.attention(pattern / pattern.sum(-1, keepdims=True), tokens=toks, facet_cols=4)
    if backend == "bokeh":
        root = render(fig, "bokeh")
    else:
        from vizkit.backends.holoviews import _bokeh_layout

        root = _bokeh_layout(fig, themes.get())
    plots = [p for p in find(root, Plot) if p.xaxis and p.xaxis[0].major_label_overrides]
    assert len(plots) == 12
    for dim in ("xaxis", "yaxis"):
        shown = {tuple((int(k), text(v)) for k, v in getattr(p, dim)[0].major_label_overrides.items()) for p in plots}
        assert len(shown) == 1, shown


@pytest.mark.parametrize("backend", ["bokeh", "holoviews"])
def test_a_long_title_is_not_clipped_on_the_left(backend):
    """bokeh centres a title on the frame and clips its overflow: a long one starts at the left edge, smaller if needed."""
    from bokeh.models import Plot

    theme = themes.get()
    short, long = "Loss", "MiniLM layer 5: attention from [CLS] to each token (mean over heads; 26% on itself, left blank)"
    for title, align in ((short, "center"), (long, "left")):
        fig = vk.tokens(TOKENS, RNG.normal(size=len(TOKENS)), title=title)
        if backend == "bokeh":
            root = render(fig, "bokeh")
        else:
            from vizkit.backends.holoviews import _bokeh_layout

            root = _bokeh_layout(fig, theme)
        (p,) = [p for p in find(root, Plot) if p.title is not None and text(p.title.text)]
        size = int(p.title.text_font_size.removesuffix("px"))
        assert text(p.title.text) == title and p.title.align == align
        assert size <= theme.title_size and 0.58 * len(title) * size <= p.width - 40  # it fits the plot's width


@pytest.mark.parametrize("backend", ["bokeh", "holoviews"])
def test_a_log_axis_over_two_decades_is_labelled_in_every_decade(backend):
    """BokehJS falls back to linear ticks there (10, 20, ... 70 crowded at the top, nothing below 10)."""
    from bokeh.models import LogAxis, Plot

    y = np.vstack([np.linspace(1.5, 2.5, 20), np.r_[np.full(10, 60.0), np.full(10, 8.0)]])
    fig = vk.line(y, log_y=True, title="residual norm")
    if backend == "bokeh":
        root = render(fig, "bokeh")
    else:
        from vizkit.backends.holoviews import _bokeh_layout

        root = _bokeh_layout(fig, themes.get())
    (p,) = find(root, Plot)
    (axis,) = [a for a in p.left if isinstance(a, LogAxis)]
    shown = {float(k): text(v) for k, v in axis.major_label_overrides.items()}
    assert shown == {2.0: "2", 3.0: "3", 5.0: "5", 10.0: "10", 20.0: "20", 30.0: "30", 50.0: "50"}
    assert list(axis.ticker.ticks) == sorted(shown)


def test_paper_theme_has_no_toolbar_and_its_fonts():
    from bokeh.models import GridPlot, Plot

    layout = render(build("imshow-facets"), "bokeh", theme="paper")
    paper = themes.THEMES["paper"]
    plots = [p for p in find(layout, Plot) if p.name]
    assert plots and all(p.toolbar_location is None for p in plots)
    assert [g.toolbar_location for g in find(layout, GridPlot)] == [None]
    assert {p.xaxis[0].major_label_text_font_size for p in plots} == {f"{paper.font_size}px"}
    assert {p.title.text_font_size for p in plots} == {f"{paper.title_size}px"}


def test_dark_theme_colours_the_plots():
    p = render(build("line"), "bokeh", theme="dark").select_one({"name": "vizkit-panel-0-0"})
    dark = themes.THEMES["dark"]
    assert (p.background_fill_color, p.border_fill_color) == (dark.panel_background, dark.background)
    assert p.xaxis[0].major_label_text_color == dark.foreground


def test_html_is_deterministic_and_inline():
    fig = build("imshow-facets")
    a, b = fig.to_html(backend="bokeh"), fig.to_html(backend="bokeh")
    assert a == b
    assert "<script src=" not in a and "<link" not in a and "cdn.bokeh.org" not in a
    assert '"id":"p1' not in a  # no counter ids: every id comes from the content


def test_html_does_not_change_when_panel_is_imported():
    """Panel registers bokeh models (with CDN scripts and data-model definitions) when imported;
    vizkit's page must carry none of them, so it stays the same, inline and offline."""
    code = ("import numpy as np, vizkit as vk\n"
            "fig = vk.imshow(np.eye(3))\n"
            "before = fig.to_html(backend='bokeh')\n"
            "import panel\n"
            "after = fig.to_html(backend='bokeh')\n"
            "print(before == after, '<script src=' in after)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "False"]


def test_modules_do_not_import_bokeh_or_holoviews():
    code = ("import sys, vizkit.backends.bokeh, vizkit.backends.holoviews\n"
            "print([m for m in ('bokeh', 'holoviews', 'panel') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


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


@pytest.mark.browser
@pytest.mark.parametrize("name", ["imshow", "line", "attention", "patching"])
def test_html_opens_offline_with_the_plot(tmp_path, chromium, name):
    fig = build(name)
    report = open_page(chromium, fig.save(tmp_path / f"{name}.html", backend="bokeh"), wait_for=".bk-Canvas")
    assert_clean(report)
    assert report.page.evaluate("() => Bokeh.documents[0].is_idle")
    assert report.page.evaluate(DRAWN_PANELS) == [f"vizkit-panel-0-{i}" for i in range(len(fig.frame_panels(0)))]


@pytest.mark.browser
def test_hostile_tokens_stay_text_in_ticks_and_hover(tmp_path, chromium):
    fig = vk.imshow(RNG.normal(size=(2, len(HOSTILE))), dims=("layer", "pos"), x=HOSTILE, title="</script><b>t</b>")
    report = open_page(chromium, fig.save(tmp_path / "hostile.html", backend="bokeh"), wait_for=".bk-Canvas")
    page = report.page
    assert page.evaluate(TICKS_JS)[: len(HOSTILE)] == SHOWN
    assert page.locator("img").count() == 0
    box = page.locator(".bk-Canvas").first.bounding_box()
    frame = page.evaluate("() => { const f = [...Bokeh.index.all_views()].find(v => v.frame)?.frame.bbox;"
                          " return f && {x: f.x, y: f.y, w: f.width, h: f.height}; }")
    cell_w = frame["w"] / len(HOSTILE)
    page.mouse.move(box["x"] + frame["x"] + cell_w * 2.5, box["y"] + frame["y"] + frame["h"] * 0.25)
    page.wait_for_timeout(400)
    tip = page.locator(".bk-Tooltip").first.evaluate(DEEP_TEXT)
    assert "<img src=x onerror=alert(1)> (2)" in tip
    assert_clean(report)


@pytest.mark.browser
def test_token_text_escapes_and_row_select_switches_values(tmp_path, chromium):
    from vizkit.figures.tokens import tokens

    values = np.stack([np.linspace(-1, 1, len(HOSTILE)), np.linspace(1, -1, len(HOSTILE))])
    fig = tokens(HOSTILE, values, row_labels=["up", "<i>down</i>"])
    report = open_page(chromium, fig.save(tmp_path / "tokens.html", backend="bokeh"), wait_for=".bk-Canvas")
    page = report.page
    read = """() => { for (const m of Bokeh.documents[0].all_models)
                        if (m.data && m.data.token) return {token: [...m.data.token], value: [...m.data.value]}; }"""
    before = page.evaluate(read)
    assert before["token"] == list(fig.marks(TokenText)[0].tokens)
    assert "<img src=x onerror=alert(1)>" in before["token"]
    np.testing.assert_allclose(before["value"], values[0])
    page.locator("select").select_option(label="<i>down</i>")
    page.wait_for_timeout(300)
    np.testing.assert_allclose(page.evaluate(read)["value"], values[1])
    assert page.locator("img, i").count() == 0
    assert_clean(report)


@pytest.mark.browser
def test_slider_shows_one_frame_at_a_time(tmp_path, chromium):
    fig = build("imshow-slider")
    report = open_page(chromium, fig.save(tmp_path / "slider.html", backend="bokeh"), wait_for=".bk-Canvas")
    page = report.page
    assert page.evaluate(DRAWN_PANELS) == ["vizkit-panel-0-0"]
    handle = page.locator(".noUi-handle").first
    handle.focus()
    page.keyboard.press("End")
    page.wait_for_timeout(300)
    assert page.evaluate(DRAWN_PANELS) == ["vizkit-panel-2-0"]
    assert page.locator(".bk-slider-value").first.evaluate("el => el.textContent") == "2"
    assert_clean(report)


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


@pytest.mark.browser
def test_hostile_slider_labels_title_and_caption_stay_text(tmp_path, chromium):
    check_hostile_slider_title_and_caption(tmp_path, chromium, "bokeh")


@pytest.mark.browser
def test_notebook_bundle_renders_offline_in_an_iframe(tmp_path, chromium):
    fig = build("imshow")
    bundle = load("bokeh").mimebundle(fig, themes.get())
    assert set(bundle) == {"text/html", "text/plain"} and bundle["text/plain"].startswith("<vizkit.Figure")
    assert bundle["text/html"].startswith("<iframe srcdoc=")
    path = tmp_path / "notebook.html"
    path.write_text(f"<!DOCTYPE html><html><body><p>cell output:</p>{bundle['text/html']}</body></html>")
    report = open_page(chromium, path)
    frame = report.page.frames[1]
    frame.wait_for_selector(".bk-Canvas", state="attached")
    assert frame.evaluate("() => Bokeh.documents.length") == 1
    assert_clean(report)


@pytest.mark.browser
def test_static_export_png_svg_pdf_offline():
    from vizkit.export import to_bytes
    from vizkit.export.browser import recording_requests

    fig = vk.imshow(RNG.normal(size=(2, 3)), dims=("layer", "pos"), x=["<a>", " b", "&c"], title="Static")
    with recording_requests() as seen:
        png = to_bytes(fig, "png", "bokeh", scale=2)
        svg = to_bytes(fig, "svg", "bokeh").decode()
        pdf = to_bytes(fig, "pdf", "bokeh")
    assert seen == []
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width = int.from_bytes(png[16:20], "big")
    assert width >= 2 * 700
    assert svg.startswith("<svg") and ">Static</text>" in svg and "&lt;a&gt;" in svg and "&amp;c" in svg
    assert pdf.startswith(b"%PDF")
