"""The HoloViews backend: the HoloViews objects carry the spec's data, labels, title and colour
range; the HTML (rendered through bokeh, not ``hv.save``) opens offline; tokens stay text;
HoloViews' global ``Store.current_backend`` is left as the user had it.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

import vizkit as vk
from tests.backends.bokeh_helpers import (
    DEEP_TEXT,
    FIGURES,
    HOSTILE,
    RNG,
    SHOWN,
    TICKS_JS,
    assert_clean,
    assert_same,
    build,
    check_hostile_slider_title_and_caption,
    check_layout_follows_the_plan,
    find,
    text,
)
from tests.browser.harness import open_page
from vizkit.backends import render
from vizkit.plan.text import escape
from vizkit.spec import Bar, Heatmap, Line, Scatter, TokenText
from vizkit.spec import theme as themes
from vizkit.spec.colors import palette


def options(obj, group="plot") -> dict:
    """The bokeh options HoloViews holds for ``obj`` (HoloViews looks them up via its current backend)."""
    from vizkit.backends.holoviews.store import bokeh_store

    with bokeh_store() as hv:
        return hv.Store.lookup_options("bokeh", obj, group).kwargs


def pages(obj, fig) -> dict:
    """``{(page, panel index): element or Overlay}`` of a rendered figure (pages: slider frames or token rows)."""
    import holoviews as hv

    items = list(obj) if isinstance(obj, hv.Layout) else [obj]
    out = {}
    for i, item in enumerate(items):
        if isinstance(item, hv.HoloMap):
            out.update({(k, i): item[k] for k in item.keys()})
        else:
            out[(0, i)] = item
    return out


def check_panel(obj, panel, fig, row=0):
    import holoviews as hv

    elements = iter(list(obj) if isinstance(obj, hv.Overlay) else [obj])
    for mark in panel.marks:
        el = next(elements)
        if isinstance(mark, Heatmap):
            assert isinstance(el, hv.Image)
            assert_same(el.dimension_values(2, flat=False), mark.z)
            assert el[0, 0] == pytest.approx(mark.z[0, 0], nan_ok=True)  # cell (x=0, y=0) is z[0, 0]: integer positions
            assert options(el)["clim"] == (mark.colorscale.zmin, mark.colorscale.zmax)
            assert options(el, "style")["cmap"] == palette(mark.colorscale.name, 256)
            assert el.vdims[0].label == mark.value_label
        elif isinstance(mark, Line):
            assert isinstance(el, hv.Curve)
            assert_same(el.dimension_values(0), mark.x)
            assert_same(el.dimension_values(1), mark.y)
            if mark.markers:
                assert isinstance(next(elements), hv.Scatter)
        elif isinstance(mark, Scatter):
            assert isinstance(el, hv.Scatter)
            assert_same(el.dimension_values(0), mark.x)
            assert_same(el.dimension_values(1), mark.y)
            if mark.values is not None:
                assert_same(el.dimension_values("value"), mark.values)
                assert options(el)["clim"] == (mark.colorscale.zmin, mark.colorscale.zmax)
        elif isinstance(mark, Bar):
            assert isinstance(el, hv.Rectangles)
            x0, y0, x1, y1 = (el.dimension_values(d) for d in range(4))
            lo, hi, top = (y0, y1, x1) if mark.horizontal else (x0, x1, y1)
            assert_same(top, mark.y)
            np.testing.assert_allclose((lo + hi) / 2, mark.x)
            if mark.widths is not None:
                np.testing.assert_allclose(hi - lo, mark.widths)
        elif isinstance(mark, TokenText):
            assert isinstance(el, hv.Rectangles)
            assert list(el.dimension_values("token")) == list(mark.tokens)
            assert_same(el.dimension_values("value"), mark.values[row])
            assert options(el)["clim"] == (mark.colorscale.zmin, mark.colorscale.zmax)
            labels = next(elements)
            assert isinstance(labels, hv.Labels) and list(labels.dimension_values("token")) == list(mark.tokens)
    opts = options(obj)
    if any(isinstance(m, TokenText) for m in panel.marks):
        return
    for axis, dim in ((panel.x, "x"), (panel.y, "y")):
        assert opts[f"{dim}label"] == (axis.title or "")
        if axis.labels is not None:
            assert opts[f"{dim}ticks"] == list(zip(*axis.tick_positions(), strict=True))
        assert opts[f"log{dim}"] == axis.log
        assert opts[f"invert_{dim}axis"] == axis.reversed


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_parity_with_the_spec(name):
    import holoviews as hv

    fig = build(name)
    obj = render(fig, "holoviews")
    found = pages(obj, fig)
    tokens = fig.marks(TokenText)
    n_rows = tokens[0].values.shape[0] if tokens else 1
    assert len(found) == max(fig.n_frames, n_rows) * len(fig.frame_panels(0))
    for (page, i), element in found.items():
        frame, row = (page, 0) if fig.slider is not None else (0, page)
        panel = fig.frame_panels(frame)[i]
        check_panel(element, panel, fig, row)
        single = len(fig.frame_panels(0)) == 1 and not panel.title
        title = (fig.title if single else panel.title) or ""
        assert options(element)["title"] == title.replace("{", "{{").replace("}", "}}")  # HoloViews formats titles
    if isinstance(obj, hv.Layout):
        assert options(obj)["title"] == (escape(fig.title) or "")
    if fig.slider is not None:
        hmaps = [obj] if isinstance(obj, hv.HoloMap) else list(obj)
        dim = hmaps[0].kdims[0]
        assert dim.name == fig.slider.name
        assert [dim.pprint_value(k) for k in hmaps[0].keys()] == list(fig.slider.labels)


@pytest.mark.parametrize("static", [False, True])
@pytest.mark.parametrize("name", sorted(FIGURES))
def test_the_bokeh_layout_draws_what_the_plan_decides(name, static):
    """Ticks, panel widths, caption and colour range of the rendered pages: the plan's, as in the bokeh backend."""
    from vizkit.backends.holoviews import bokeh_layout

    fig = build(name)
    check_layout_follows_the_plan(bokeh_layout(fig, themes.get(), static=static), fig, themes.get(), static=static)


def test_titles_with_braces_draw_literally():
    from bokeh.models import Title

    from vizkit.backends.holoviews import bokeh_layout

    fig = vk.imshow(np.eye(3), title="attn {q} → {k")
    titles = [text(t.text) for t in find(bokeh_layout(fig, themes.get()), Title)]
    assert "attn {q} → {k" in titles


def test_a_heatmap_past_a_bitmap_is_one_image_with_every_cell_and_one_hover_in_its_plot():
    """HoloViews users get the whole heatmap as one ``Image``; its bokeh plot holds it in tiles, under one hover."""
    import holoviews as hv
    from bokeh.models import GlyphRenderer, HoverTool, Image

    from vizkit.backends._bokeh_models.cells import TILE
    from vizkit.backends.holoviews import bokeh_layout

    z = RNG.random((3, TILE + 5))
    z[1, TILE + 2] = np.inf
    fig = vk.imshow(z, x=[f"c{i}" for i in range(TILE + 5)])
    el = render(fig, "holoviews")
    assert isinstance(el, hv.Image)
    assert_same(el.dimension_values(2, flat=False), np.where(np.isfinite(z), z, np.nan))  # ±inf a gap, never an end colour
    root = bokeh_layout(fig, themes.get())
    [renderer] = [r for r in find(root, GlyphRenderer) if isinstance(r.glyph, Image)]
    data = renderer.data_source.data
    exact = data.get("value", data["image"])  # a separate exact column only where some cell is ±inf
    assert [np.shape(v) for v in exact] == [(3, TILE), (3, 5)]
    assert (data["x"], data["y"]) == ([-0.5, TILE - 0.5], [-0.5, -0.5])
    np.testing.assert_array_equal(np.hstack(exact), z)
    [hover] = find(root, HoverTool)
    assert hover.renderers == [renderer]
    [inf] = [r for r in find(root, GlyphRenderer) if (r.name or "").startswith("vizkit-inf")]
    assert inf.data_source.data["left"] == [TILE + 1.5]


def test_one_colour_bar_for_heatmaps_sharing_a_scale():
    import holoviews as hv

    fig = build("imshow-facets")
    images = [el for el in pages(render(fig, "holoviews"), fig).values() if isinstance(el, hv.Image)]
    assert [options(el)["colorbar"] for el in images] == [False, False, True]


def test_panels_under_the_colour_bar_keep_their_width():
    """bokeh aligns the frames of a grid column: every panel in the colour bar's column is as wide as its holder."""
    from bokeh.models import GridPlot

    from vizkit.backends.holoviews import bokeh_layout
    from vizkit.plan import plan

    pattern = np.tril(RNG.random((12, 6, 6)))
    fig = vk.attention(pattern / pattern.sum(-1, keepdims=True), facet_cols=4)
    geo = plan(fig, themes.get()).geometry
    grid = find(bokeh_layout(fig, themes.get()), GridPlot)[0]
    widths = {}
    for plot, _row, col, *_ in grid.children:
        widths.setdefault(col, set()).add(plot.width)
    assert widths == {c: {geo.col_widths[c] + (geo.colorbar_width if c == 3 else 0)} for c in range(4)}


def test_paper_theme_hides_toolbars():
    from bokeh.models import GridPlot, Plot

    from vizkit.backends.holoviews import bokeh_layout

    fig = build("imshow-facets")
    assert all(options(el)["toolbar"] is None for el in pages(render(fig, "holoviews", theme="paper"), fig).values())
    layout = bokeh_layout(fig, themes.THEMES["paper"])
    assert [g.toolbar_location for g in find(layout, GridPlot)] == [None]
    assert {p.xaxis[0].major_label_text_font_size for p in find(layout, Plot)} == {f"{themes.THEMES['paper'].font_size}px"}


def test_a_legend_beside_the_plot_sits_at_its_top():
    from bokeh.models import Legend, Plot

    from vizkit.backends.holoviews import bokeh_layout

    fig = vk.line(RNG.normal(size=(3, 20)), title="runs")  # 700 px wide: the legend goes outside, on the right
    legends = [(leg, p) for p in find(bokeh_layout(fig, themes.get()), Plot) for leg in p.select({"type": Legend})]
    assert legends and all(leg in p.right and leg.location == "top_left" for leg, p in legends)


def test_panel_slider_keeps_one_caption_as_frames_change():
    """Panel pages a HoloMap by re-running the plot hooks; the caption must not pile up under the plot."""
    import holoviews as hv
    import holoviews.plotting.bokeh  # noqa: F401
    import panel as pn
    from bokeh.document import Document
    from bokeh.models import Plot, Title

    pattern = np.tril(RNG.random((2, 2, 5, 5)))
    fig = vk.attention(pattern / pattern.sum(-1, keepdims=True), mode="slider")
    before, hv.Store.current_backend = hv.Store.current_backend, "bokeh"  # as after hv.extension("bokeh")
    try:
        pane = pn.pane.HoloViews(fig.to("holoviews"), backend="bokeh")
        root = pane.layout.get_root(Document())
        slider = pane.widget_box.objects[0]

        def captions():
            return [t.text.text for p in root.select({"type": Plot}) for t in p.below if isinstance(t, Title)]

        assert captions() == ["upper triangle masked (causal attention)"]
        slider.value = list(slider.options.values())[1]
        assert captions() == ["upper triangle masked (causal attention)"]
    finally:
        hv.Store.current_backend = before


def test_store_backend_is_left_as_the_user_had_it():
    code = ("import holoviews as hv, numpy as np, vizkit as vk\n"
            "before = hv.Store.current_backend\n"
            "vk.imshow(np.eye(3)).to('holoviews'); vk.imshow(np.eye(3)).to_html(backend='holoviews')\n"
            "print(before, hv.Store.current_backend)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    before, after = out.stdout.split()
    assert before == after


def test_rendered_bokeh_models_keep_labels_literal_and_the_colour_range():
    from bokeh.models import Axis, LinearColorMapper, PlainText

    from vizkit.backends.holoviews import bokeh_layout

    fig = vk.imshow(RNG.normal(size=(2, len(HOSTILE))), dims=("layer", "pos"), x=HOSTILE, zmid=0)
    layout = bokeh_layout(fig, themes.get())
    xaxis = [a for a in find(layout, Axis) if len(a.major_label_overrides) == len(HOSTILE)][0]
    assert all(isinstance(v, PlainText) for v in xaxis.major_label_overrides.values())  # "$$x^2$$" is not TeX
    assert [text(v) for v in xaxis.major_label_overrides.values()] == SHOWN
    scale = fig.marks(Heatmap)[0].colorscale
    assert {(m.low, m.high) for m in find(layout, LinearColorMapper)} == {(scale.zmin, scale.zmax)}


def test_html_is_deterministic_inline_and_has_no_panel_assets():
    fig = build("imshow-facets")
    a, b = fig.to_html(backend="holoviews"), fig.to_html(backend="holoviews")
    assert a == b
    assert "<script src=" not in a and "<link" not in a and "@holoviz/panel" not in a


# ---------------------------------------------------------------------------------------------
# In the browser


@pytest.mark.browser
@pytest.mark.parametrize("name", ["imshow", "line", "attention", "patching", "tokens"])
def test_html_opens_offline_with_the_plot(tmp_path, chromium, name):
    fig = build(name)
    report = open_page(chromium, fig.save(tmp_path / f"{name}.html", backend="holoviews"), wait_for=".bk-Canvas")
    assert_clean(report)
    assert report.page.evaluate("() => Bokeh.documents[0].is_idle")
    assert report.page.locator(".bk-Canvas").count() >= len(fig.frame_panels(0))


@pytest.mark.browser
def test_hostile_tokens_stay_text_in_ticks_and_hover(tmp_path, chromium):
    fig = vk.imshow(RNG.normal(size=(2, len(HOSTILE))), dims=("layer", "pos"), x=HOSTILE, title="<b>t</b>")
    report = open_page(chromium, fig.save(tmp_path / "hostile.html", backend="holoviews"), wait_for=".bk-Canvas")
    page = report.page
    assert page.evaluate(TICKS_JS)[: len(HOSTILE)] == SHOWN
    box = page.locator(".bk-Canvas").first.bounding_box()
    frame = page.evaluate("() => { const f = [...Bokeh.index.all_views()].find(v => v.frame)?.frame.bbox;"
                          " return f && {x: f.x, y: f.y, w: f.width, h: f.height}; }")
    page.mouse.move(box["x"] + frame["x"] + frame["w"] / len(HOSTILE) * 4.5, box["y"] + frame["y"] + frame["h"] * 0.75)
    page.wait_for_timeout(400)
    tip = page.locator(".bk-Tooltip").first.evaluate(DEEP_TEXT)
    assert "</script><script>alert(1)</script> (4)" in tip
    assert page.locator("img, b").count() == 0
    assert_clean(report)


@pytest.mark.browser
def test_bar_and_line_hover_show_names_and_labels_as_text(tmp_path, chromium):
    """As in the bokeh backend: series name, category (or hover label) and value, from columns, never markup."""
    figs = {"bar": (vk.bar(np.array([1.0, 2.0]), x=[HOSTILE[2], "b"], names=[HOSTILE[4]]), (0, 0.5),
                    f"{HOSTILE[4]} {HOSTILE[2]} value: 1"),
            "line": (vk.line({HOSTILE[2]: np.array([1.0, 2.0, 3.0])}), (1, 2), f"{HOSTILE[2]} x: 1 y: 2")}
    to_screen = ("([x, y]) => { const v = [...Bokeh.index.all_views()].find(v => v.frame);"
                 " return [v.frame.x_scale.compute(x), v.frame.y_scale.compute(y)]; }")
    tip_text = ("el => [...el.shadowRoot.children].filter(c => c.tagName !== 'STYLE')"
                ".map(c => c.textContent).join('').replace(/\\s+/g, ' ').trim()")
    for name, (fig, point, want) in figs.items():
        report = open_page(chromium, fig.save(tmp_path / f"{name}.html", backend="holoviews"), wait_for=".bk-Canvas")
        page = report.page
        box = page.locator(".bk-Canvas").first.bounding_box()
        sx, sy = page.evaluate(to_screen, list(point))
        page.mouse.move(box["x"] + sx, box["y"] + sy)
        page.wait_for_timeout(400)
        assert page.locator(".bk-Tooltip").first.evaluate(tip_text) == want
        assert page.locator("img").count() == 0
        assert_clean(report)


@pytest.mark.browser
def test_token_rows_switch_with_the_select(tmp_path, chromium):
    from vizkit.figures.tokens import tokens

    fig = tokens(HOSTILE, np.stack([np.linspace(-1, 1, len(HOSTILE)), np.linspace(1, -1, len(HOSTILE))]),
                 row_labels=["up", "<i>down</i>"])
    report = open_page(chromium, fig.save(tmp_path / "tokens.html", backend="holoviews"), wait_for=".bk-Canvas")
    page = report.page
    shown = "() => [...Bokeh.index.all_views()].filter(v => v.model.type === 'Figure' && v.el.getBoundingClientRect().width > 0).length"
    texts = """() => { const out = []; for (const v of Bokeh.index.all_views())
      if (v.model.type === 'Figure' && v.el.getBoundingClientRect().width > 0)
        for (const r of v.model.renderers) if (r.data_source.data.token && r.glyph.type === 'Text') out.push(...r.data_source.data.token);
      return out; }"""
    assert page.evaluate(shown) == 1
    assert page.evaluate(texts) == list(fig.marks(TokenText)[0].tokens)
    page.locator("select").select_option(label="<i>down</i>")
    page.wait_for_timeout(300)
    assert page.evaluate(shown) == 1
    assert page.locator("img, i").count() == 0
    assert_clean(report)


@pytest.mark.browser
def test_slider_shows_one_frame_at_a_time(tmp_path, chromium):
    fig = build("imshow-slider")
    report = open_page(chromium, fig.save(tmp_path / "slider.html", backend="holoviews"), wait_for=".bk-Canvas")
    page = report.page
    # one plot shown, and it shows the slider's frame (built lazily: the same plot, frame 2's data and name)
    visible = ("() => [...Bokeh.index.all_views()].filter(v => v.model.type === 'Figure' && v.el.getBoundingClientRect().width > 0)"
               ".map(v => [v.model.name, Array.from(v.model.renderers.find(r => r.glyph.type === 'Image').data_source.data.image[0])])")
    first = page.evaluate(visible)
    page.locator(".noUi-handle").first.focus()
    page.keyboard.press("End")
    page.wait_for_timeout(300)
    last = page.evaluate(visible)
    assert len(first) == len(last) == 1 and first[0][0] != last[0][0] == "vizkit-panel-2-0"
    np.testing.assert_array_equal(np.reshape(last[0][1], (4, 4)), fig.frame_panels(2)[0].marks[0].z)
    np.testing.assert_array_equal(np.reshape(first[0][1], (4, 4)), fig.frame_panels(0)[0].marks[0].z)
    assert page.locator(".bk-slider-value").first.evaluate("el => el.textContent") == "2"
    assert_clean(report)


@pytest.mark.browser
def test_hostile_slider_labels_title_and_caption_stay_text(tmp_path, chromium):
    check_hostile_slider_title_and_caption(tmp_path, chromium, "holoviews")


@pytest.mark.browser
def test_notebook_bundle_renders_offline_in_an_iframe(tmp_path, chromium):
    from vizkit.export.notebook import mimebundle

    fig = build("line")
    bundle = mimebundle(fig, "holoviews", theme=themes.get().name)  # export wraps the backend's page in the iframe
    assert bundle["text/html"].startswith('<div class="vizkit-output" style="contain: inline-size;"><iframe srcdoc=') and bundle["text/plain"].startswith("<vizkit.Figure")
    path = tmp_path / "notebook.html"
    path.write_text(f"<!DOCTYPE html><html><body>{bundle['text/html']}</body></html>")
    report = open_page(chromium, path)
    report.page.frames[1].wait_for_selector(".bk-Canvas", state="attached")
    assert_clean(report)


@pytest.mark.browser
def test_static_export_png_and_svg_offline():
    from vizkit.export import to_bytes
    from vizkit.export.browser import recording_requests

    fig = vk.line(np.r_[1.0, 3.0, 2.0], x=["<a>", "b", "&c"], title="Static HV")
    with recording_requests() as seen:
        png = to_bytes(fig, "png", "holoviews")
        svg = to_bytes(fig, "svg", "holoviews").decode()
    assert seen == []
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert svg.startswith("<svg") and ">Static HV</text>" in svg and "&lt;a&gt;" in svg and "&amp;c" in svg
