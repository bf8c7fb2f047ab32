"""The bokeh backend: the native layout carries the spec's data, labels, title and colour range;
its HTML renders offline in headless Chromium; tokens stay text.

The figure catalogue and the readers shared with the HoloViews tests live in
:mod:`tests.backends.bokeh_helpers`.
"""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

import vizkit as vk
from tests.backends.bokeh_helpers import (  # noqa: F401  (_duck_model_and_cache: tests/export/test_static.py imports it from here)
    DEEP_TEXT,
    DRAWN_PANELS,
    FIGURES,
    HOSTILE,
    RNG,
    SHOWN,
    TICKS_JS,
    TOKENS,
    _duck_model_and_cache,
    assert_clean,
    assert_same,
    bokeh_layout_of,
    build,
    check_hostile_slider_title_and_caption,
    check_layout_follows_the_plan,
    find,
    text,
)
from tests.browser.harness import open_page
from vizkit.backends import load, render
from vizkit.plan.ticks import axis_values, log_ticks
from vizkit.spec import Bar, Heatmap, Line, Scatter, TokenText
from vizkit.spec import theme as themes
from vizkit.spec.colors import palette
from vizkit.spec.text import visible_token


def test_catalogue_covers_every_figure_kind():
    from vizkit.figures import KINDS

    covered = {name.split("-")[0] for name in FIGURES}  # "kind" or "kind-variant"
    assert set(KINDS) <= covered, f"figure kinds without a parity case: {set(KINDS) - covered}"


# ---------------------------------------------------------------------------------------------
# What a user reads off the bokeh layout


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
            values = axis_values(panel, "x" if axis is panel.x else "y")
            positive = values[np.isfinite(values) & (values > 0)]
            want = dict(zip(*log_ticks(positive), strict=True))
            assert min(want) >= positive.min() / 1.0001 and max(want) <= positive.max() * 1.0001
        else:
            want = {}
        assert {k: text(v) for k, v in ax.major_label_overrides.items()} == want
        assert isinstance(scale, LogScale) == axis.log
        if axis.reversed:
            assert rng.start > rng.end if isinstance(rng, Range1d) else rng.flipped


def frame_swap_args(layout):
    """The args of the slider's in-page frame swap (frames built lazily, issue 12), or None if every frame is built."""
    from bokeh.models import Slider

    sliders = find(layout, Slider)
    callbacks = sliders[0].js_property_callbacks["change:value"] if sliders else []
    return callbacks[0].args if callbacks and "sources" in callbacks[0].args else None


def check_swapped_panel(swap, frame, i, panel):
    """Frame ``frame``'s panel ``i`` as the slider shows it: its heatmaps' values and its title, read off the page's data."""
    per_panel = len(swap["frames"][0]) // len(swap["plots"])
    values = swap["frames"][frame][i * per_panel:(i + 1) * per_panel]
    heatmaps = [m for m in panel.marks if isinstance(m, Heatmap)]
    assert len(heatmaps) == len(panel.marks) == len(values)
    for v, mark in zip(values, heatmaps, strict=True):
        np.testing.assert_array_equal(v, mark.z)
    assert swap["titles"][frame][i] in (panel.title, None if panel.title else "")


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_parity_with_the_spec(name):
    from bokeh.models import ColorBar, Div, Slider

    fig = build(name)
    layout = render(fig, "bokeh")
    divs = [text(d.text) for d in find(layout, Div)]
    swap = frame_swap_args(layout)
    for frame in range(fig.n_frames):
        for i, panel in enumerate(fig.frame_panels(frame)):
            if swap is not None and frame > 0:  # built lazily: the page holds frame k's values and titles as data
                check_swapped_panel(swap, frame, i, panel)
                continue
            p = layout.select_one({"name": f"vizkit-panel-{frame}-{i}"})
            check_panel(p, panel)
            if len(fig.frame_panels(0)) == 1 and not panel.title:
                assert text(p.title.text) == fig.title
            else:
                assert text(p.title.text if p.title else None) == panel.title
                assert fig.title is None or fig.title in divs
    heat_scales = {json.dumps(m.colorscale.to_dict()) for m in fig.marks(Heatmap)}
    if len(heat_scales) == 1 and len(fig.frame_panels(0)) > 1:  # one shared colour bar for each frame's grid
        assert len(find(layout, ColorBar)) == (1 if swap is not None else fig.n_frames)
    if fig.notes:
        assert " · ".join(fig.notes) in divs
    sliders = find(layout, Slider)
    assert len(sliders) == (fig.slider is not None)
    if fig.slider is not None:
        assert sliders[0].format.args["labels"] == list(fig.slider.labels)
        frames = sliders[0].js_property_callbacks["change:value"][0].args["frames"]
        if swap is not None:  # one frame of plots, every frame's values
            assert len(frames) == fig.n_frames and frames[0] == [None] * len(frames[1])
        else:
            assert [f.visible for f in frames] == [True] + [False] * (fig.n_frames - 1)


@pytest.mark.parametrize("static", [False, True])
@pytest.mark.parametrize("name", sorted(FIGURES))
def test_the_layout_draws_what_the_plan_decides(name, static):
    """Ticks, panel widths, caption (with the static frame note for an image) and colour range: the plan's, not the backend's own."""
    from bokeh.models import Div

    fig = build(name)
    root = load("bokeh").render(fig, themes.get(), static=static)
    check_layout_follows_the_plan(root, fig, themes.get(), static=static)
    if static and fig.slider is not None:  # a picture says which one frame it shows
        assert any("a static image shows one frame" in text(d.text) for d in find(root, Div))


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
    root = bokeh_layout_of(fig, backend)
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
    root = bokeh_layout_of(fig, backend)
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
        root = bokeh_layout_of(fig, backend, theme)
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
    root = bokeh_layout_of(fig, backend)
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
    code = ("import sys, vizkit.backends.bokeh, vizkit.backends.holoviews, vizkit.backends._bokeh_models\n"
            "print([m for m in ('bokeh', 'holoviews', 'panel') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# ---------------------------------------------------------------------------------------------
# In the browser


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


@pytest.mark.browser
def test_hostile_slider_labels_title_and_caption_stay_text(tmp_path, chromium):
    check_hostile_slider_title_and_caption(tmp_path, chromium, "bokeh")


@pytest.mark.browser
def test_notebook_bundle_renders_offline_in_an_iframe(tmp_path, chromium):
    from vizkit.export.notebook import mimebundle

    fig = build("imshow")
    bundle = mimebundle(fig, "bokeh", theme=themes.get().name)  # export wraps the backend's page in the iframe
    assert set(bundle) == {"text/html", "text/plain"} and bundle["text/plain"].startswith("<vizkit.Figure")
    assert bundle["text/html"].startswith('<div class="vizkit-output" style="contain: inline-size;"><iframe srcdoc=')  # the frame in its column-wide box
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
