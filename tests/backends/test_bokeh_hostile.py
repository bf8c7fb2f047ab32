"""Odd and hostile inputs in the bokeh and HoloViews backends (issue 13): drawn honestly or not at all.

±inf cells are hatched gaps with exact hover values (never the top or bottom colour), a heatmap
wider than a browser's largest bitmap (100,000 labelled columns) is drawn in tiles, a one-point
line shows its marker and NaN breaks a line, and no title, label, legend name, slider step or
hover field runs as markup.
"""

from __future__ import annotations

import numpy as np
import pytest

import vizkit as vk
from tests.backends.bokeh_helpers import assert_clean, bokeh_layout_of, find
from tests.browser.harness import open_page
from vizkit.spec import Heatmap
from vizkit.spec.colors import palette

BACKENDS = ["bokeh", "holoviews"]
PWN = "<img src=x onerror=window.__pwned=1>"
INF_Z = np.array([[0.0, 1.0, np.inf, np.inf], [-np.inf, np.nan, 0.5, 0.25]])


def images(root):
    from bokeh.models import GlyphRenderer, Image

    return [r for r in find(root, GlyphRenderer) if isinstance(r.glyph, Image)]


def inf_marks(root):
    from bokeh.models import GlyphRenderer

    return [r for r in find(root, GlyphRenderer) if (r.name or "").startswith("vizkit-inf")]


def as_cells(*renderers) -> tuple[np.ndarray, np.ndarray]:
    """The drawn and the hovered values of image renderers, their tiles put back together at their cells."""
    tiles = [(img, val, x, y) for r in renderers
             for img, val, x, y in zip(*(r.data_source.data.get(k, r.data_source.data["image"])  # no ±inf: image exact
                                         for k in ("image", "value", "x", "y")), strict=True)]
    ny = max(int(y + 0.5) + np.shape(img)[0] for img, _, _, y in tiles)
    nx = max(int(x + 0.5) + np.shape(img)[1] for img, _, x, _ in tiles)
    shown, exact = np.full((ny, nx), -7.0), np.full((ny, nx), -7.0)
    for img, val, x, y in tiles:
        i, j = int(y + 0.5), int(x + 0.5)
        h, w = np.shape(img)
        shown[i:i + h, j:j + w], exact[i:i + h, j:j + w] = img, val
    return shown, exact


# ---------------------------------------------------------------------------------------------
# Read off the bokeh models


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("dtype", ["float32", "float16", "bfloat16"])
def test_inf_cells_are_hatched_gaps_with_exact_hover_values(backend, dtype):
    if dtype == "bfloat16":
        torch = pytest.importorskip("torch")
        z = torch.tensor(INF_Z, dtype=torch.bfloat16)
    else:
        z = INF_Z.astype(dtype)
    fig = vk.imshow(z)
    root = bokeh_layout_of(fig, backend)
    (img,) = images(root)
    shown, exact = as_cells(img)
    finite = np.isfinite(INF_Z)
    assert np.isnan(shown[~finite]).all(), "a NaN or ±inf cell must be a gap, not a scale colour"
    np.testing.assert_array_equal(shown[finite], INF_Z[finite])
    np.testing.assert_array_equal(exact, INF_Z)  # hover reads the exact values (inf, -inf, NaN)
    (marks,) = inf_marks(root)
    quads = marks.data_source.data
    got = sorted(zip(quads["left"], quads["right"], quads["bottom"], quads["top"], quads["sign"], strict=True))
    assert got == [(-0.5, 0.5, 0.5, 1.5, "\\"), (1.5, 3.5, -0.5, 0.5, "/")]  # -inf at (1, 0); +inf at (0, 2..3), one run
    assert marks.glyph.fill_alpha == 0 and marks.glyph.hatch_pattern is not None
    assert "4 NaN/inf values shown as gaps" in fig.notes  # the caption counts them


@pytest.mark.parametrize("backend", BACKENDS)
def test_masked_attention_scores_mark_minus_inf_per_row_not_per_cell(backend):
    n = 6
    scores = np.where(np.tril(np.ones((n, n))) > 0, np.arange(n * n, dtype=float).reshape(n, n) / 10, -np.inf)
    root = bokeh_layout_of(vk.imshow(scores), backend)
    (marks,) = inf_marks(root)
    data = marks.data_source.data
    assert len(data["left"]) == n - 1  # one run per row with masked keys
    covered = sum(r - left for left, r in zip(data["left"], data["right"], strict=True))
    assert covered == np.isneginf(scores).sum()
    assert set(data["sign"]) == {"\\"}


@pytest.mark.parametrize("backend", BACKENDS)
def test_100k_labelled_columns_are_drawn_exactly_in_tiles(backend):
    from vizkit.backends._bokeh_models.cells import TILE

    z = np.random.default_rng(1).random((2, 100_000))
    root = bokeh_layout_of(vk.imshow(z, x=[f"t{i}" for i in range(100_000)]), backend)
    shown, exact = as_cells(*images(root))
    np.testing.assert_array_equal(shown, z)  # every cell, no block means
    np.testing.assert_array_equal(exact, z)
    for r in images(root):
        assert all(max(np.shape(img)) <= TILE for img in r.data_source.data["image"])


@pytest.fixture(scope="module")
def wide_pages():
    """The page of a 2 x (3 tiles + 1) heatmap with a label per column, from each backend (HTML text)."""
    from vizkit.backends._bokeh_models.cells import TILE

    n = 3 * TILE + 1
    fig = vk.imshow(np.random.default_rng(3).random((2, n)), x=[f"k{i}q" for i in range(n)])
    return n, {backend: fig.to_html(backend=backend) for backend in BACKENDS}


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_tiled_heatmap_page_holds_each_column_label_once(wide_pages, backend):
    """Every tile shares one hover: the labels are in the page once, not once per tile (issue 13: 25 copies of
    100,000 labels made the HoloViews page 28 MB and took 36 s to write)."""
    n, html = wide_pages[0], wide_pages[1][backend]
    for i in (1, n // 2 + 1, n - 2):  # off the planned ticks: the hover's labels alone hold them
        label = f'"k{i}q"'  # as a JSON string (the bare text also turns up by chance in base64 data)
        assert html.count(label) == 1, (label, html.count(label))


def test_holoviews_page_of_a_tiled_heatmap_is_as_small_as_bokehs(wide_pages):
    sizes = {backend: len(html) for backend, html in wide_pages[1].items()}
    assert sizes["holoviews"] <= 1.25 * sizes["bokeh"], sizes


# ---------------------------------------------------------------------------------------------
# In the browser


def _pixel(page, x_frac: float, y_frac: float):
    """The RGBA of the plot canvas at a fraction of the frame (x from the left, y from the top)."""
    return page.evaluate("""([fx, fy]) => {
      const v = [...Bokeh.index.all_views()].find(v => v.frame && v.canvas_view);
      const f = v.frame.bbox, c = v.canvas_view.primary.canvas, r = c.width / v.canvas_view.bbox.width;
      const px = v.canvas_view.primary.ctx.getImageData(Math.round((f.x + fx * f.width) * r), Math.round((f.y + fy * f.height) * r), 1, 1).data;
      return [...px]; }""", [x_frac, y_frac])


@pytest.mark.browser
@pytest.mark.parametrize("backend", BACKENDS)
def test_inf_cell_is_not_drawn_in_the_top_colour_and_hovers_infinity(tmp_path, chromium, backend):
    z = np.array([[0.0, 1.0], [np.inf, 0.5]])  # y down: row 0 on top
    fig = vk.imshow(z, zmin=0, zmax=1)
    report = open_page(chromium, fig.save(tmp_path / "inf.html", backend=backend), wait_for=".bk-Canvas")
    page = report.page
    page.wait_for_timeout(300)
    top = palette(fig.marks(Heatmap)[0].colorscale.name, 256)[-1]
    top_rgb = [int(top[k:k + 2], 16) for k in (1, 3, 5)]
    finite_top = _pixel(page, 0.75, 0.25)  # the cell holding 1.0
    assert max(abs(a - b) for a, b in zip(finite_top[:3], top_rgb, strict=True)) <= 8
    inf_cell = _pixel(page, 0.15, 0.6)  # inside the +inf cell, off the hatch lines' centre
    assert max(abs(a - b) for a, b in zip(inf_cell[:3], top_rgb, strict=True)) > 60, inf_cell
    box = page.locator(".bk-Canvas").first.bounding_box()
    frame = page.evaluate("() => { const f = [...Bokeh.index.all_views()].find(v => v.frame).frame.bbox;"
                          " return {x: f.x, y: f.y, w: f.width, h: f.height}; }")
    page.mouse.move(box["x"] + frame["x"] + frame["w"] * 0.25, box["y"] + frame["y"] + frame["h"] * 0.75)
    page.wait_for_timeout(400)
    tips = page.locator(".bk-Tooltip").evaluate_all("els => els.map(el => (el.shadowRoot || el).textContent)")
    assert any("Infinity" in t for t in tips), tips
    assert_clean(report)


@pytest.mark.browser
@pytest.mark.parametrize("backend", BACKENDS)
def test_100k_columns_draw_a_filled_frame(tmp_path, chromium, backend):
    fig = vk.imshow(np.random.default_rng(2).random((2, 100_000)) * 0.5 + 0.5, zmin=0, zmax=1,
                    x=[f"t{i}" for i in range(100_000)])
    report = open_page(chromium, fig.save(tmp_path / "wide.html", backend=backend), wait_for=".bk-Canvas", timeout=60_000)
    page = report.page
    page.wait_for_timeout(500)
    for fx in (0.02, 0.5, 0.98):
        r, g, b, a = _pixel(page, fx, 0.5)
        assert a == 255 and (r, g, b) != (255, 255, 255), (fx, r, g, b)  # values ≥ 0.5: never the blank background
    assert_clean(report)


@pytest.mark.browser
@pytest.mark.parametrize("backend", BACKENDS)
def test_one_point_line_shows_its_marker_and_nan_breaks_a_line(tmp_path, chromium, backend):
    from bokeh.models import GlyphRenderer, Line, Scatter

    root = bokeh_layout_of(vk.line(np.array([3.0])), backend)
    points = [r for r in find(root, GlyphRenderer) if isinstance(r.glyph, Scatter)]
    assert [list(r.data_source.data["y"]) for r in points] == [[3.0]]
    y = np.array([1.0, 2.0, np.nan, 3.0, 2.0])
    root = bokeh_layout_of(vk.line(y), backend)
    (line,) = [r for r in find(root, GlyphRenderer) if isinstance(r.glyph, Line)]
    drawn = np.asarray(line.data_source.data["y"], dtype=float)
    assert np.isnan(drawn[2]) and np.array_equal(drawn[[0, 1, 3, 4]], y[[0, 1, 3, 4]])  # BokehJS breaks a line at NaN
    report = open_page(chromium, vk.line(np.array([3.0])).save(tmp_path / "one.html", backend=backend), wait_for=".bk-Canvas")
    report.page.wait_for_timeout(300)
    r, g, b, _ = _pixel(report.page, 0.5, 0.5)  # the marker at the centre of its auto range
    assert (r, g, b) != (255, 255, 255)
    assert_clean(report)


@pytest.mark.browser
@pytest.mark.parametrize("backend", BACKENDS)
def test_markup_in_every_text_runs_nothing_and_reads_literally(tmp_path, chromium, backend):
    from bokeh.models import Legend

    tokens = ["a", PWN, "<b>b</b>"]
    z = np.random.default_rng(3).random((2, 2, 3, 3))
    fig = vk.attention(np.tril(z) + 0.01, tokens=tokens, mode="slider", title=PWN)
    report = open_page(chromium, fig.save(tmp_path / "attn.html", backend=backend), wait_for=".bk-Canvas")
    page = report.page
    line = vk.line(np.arange(6.0).reshape(2, 3), dims=("run", "step"), names=[PWN, "<i>x</i>"], labels={"y": PWN}, title=PWN)
    report2 = open_page(chromium, line.save(tmp_path / "line.html", backend=backend), wait_for=".bk-Canvas")
    for rep in (report, report2):
        rep.page.wait_for_timeout(300)
        assert rep.page.evaluate("() => window.__pwned") is None
        assert rep.page.locator("img, b, i").count() == 0
        assert_clean(rep)
    legend = [item.label.value for lg in find(bokeh_layout_of(line, backend), Legend) for item in lg.items]
    assert PWN in legend
    page.locator(".noUi-handle").first.focus()
    page.keyboard.press("End")
    page.wait_for_timeout(300)
    assert page.evaluate("() => window.__pwned") is None and page.locator("img").count() == 0



# ---------------------------------------------------------------------------------------------
# Issue 12: slider frames built lazily, every frame still reachable exactly


def _whole_model_slider(layers: int, heads: int = 3, n: int = 6):
    rng = np.random.default_rng(layers)
    pat = np.tril(rng.random((layers, heads, n, n)) + 0.01)
    pat[-1, 0, 4, 2] = np.inf  # a frame brings ±inf cells the first frame does not have
    return vk.attention(pat / np.nansum(np.where(np.isinf(pat), 0, pat), -1, keepdims=True), tokens=list("abcdef"),
                        mode="slider")


@pytest.mark.parametrize("backend", BACKENDS)
def test_slider_page_model_count_does_not_grow_with_frames(backend):
    from bokeh.model.util import collect_models
    from bokeh.models import Plot

    counts = {}
    for layers in (2, 8):
        root = bokeh_layout_of(_whole_model_slider(layers), backend)
        counts[layers] = len(collect_models(root))
        assert len(find(root, Plot)) <= 3 + 1  # one frame of plots (3 heads), and a colour-bar plot
    assert counts[2] == counts[8], counts


@pytest.mark.browser
@pytest.mark.parametrize("backend", BACKENDS)
def test_slider_reaches_every_frame_with_its_exact_values_titles_and_inf_marks(tmp_path, chromium, backend):
    fig = _whole_model_slider(4)
    report = open_page(chromium, fig.save(tmp_path / "slider.html", backend=backend), wait_for=".bk-Canvas")
    page = report.page
    read = """() => [...Bokeh.index.all_views()]
      .filter(v => (v.model.name || '').startsWith('vizkit-panel') && v.el.getBoundingClientRect().width > 0)
      .map(v => { const rs = v.model.renderers, img = rs.find(r => r.glyph.type === 'Image').data_source.data;
                  const inf = rs.find(r => (r.name || '').startsWith('vizkit-inf')).data_source.data;
                  return {name: v.model.name, title: v.model.title.text.text, value: Array.from(img.value[0]),
                          image: Array.from(img.image[0]).map(String), inf: inf.left.length}; })"""
    handle = page.locator(".noUi-handle").first
    handle.focus()
    for k in range(fig.n_frames):
        if k:
            page.keyboard.press("ArrowRight")
            page.wait_for_timeout(250)
        shown = page.evaluate(read)
        panels = fig.frame_panels(k)
        assert [s["name"] for s in shown] == [f"vizkit-panel-{k}-{i}" for i in range(len(panels))]
        for s, panel in zip(shown, panels, strict=True):
            z = panel.marks[0].z
            np.testing.assert_array_equal(np.reshape(s["value"], z.shape), z)  # exact, every cell
            assert s["image"].count("NaN") == int((~np.isfinite(z)).sum())  # NaN and ±inf drawn as gaps
            assert s["inf"] == int(np.isinf(z).sum())
            assert s["title"] == (panel.title or "")
    assert_clean(report)


# ---------------------------------------------------------------------------------------------
# Long labels: a real plot area, ticks shortened with an ellipsis (the plan's) that do not overlap, full text in hover

LABEL_GEOMETRY_JS = """() => { const pv = [...Bokeh.index.all_views()].find(v => v.frame && v.model.below);
  const ax = pv.model.below.find(m => m.ticker), f = pv.frame.bbox, ctx = document.createElement('canvas').getContext('2d');
  const size = parseFloat(ax.major_label_text_font_size);
  ctx.font = size + 'px ' + ax.major_label_text_font;
  const ticks = [...ax.ticker.ticks].sort((a, b) => a - b);
  const labels = ticks.map(t => { const v = ax.major_label_overrides.get(t); return typeof v === 'string' ? v : v.text; });
  return {w: f.width, h: f.height, size, rotated: ax.major_label_orientation !== 'horizontal',
          x: ticks.map(t => pv.frame.x_scale.compute(t)), widths: labels.map(s => ctx.measureText(s).width), labels}; }"""


@pytest.mark.browser
@pytest.mark.parametrize("backend", BACKENDS)
def test_a_5000_character_label_keeps_a_real_plot_and_ticks_do_not_overlap(tmp_path, chromium, backend):
    labels = ["a" * 5000, PWN * 20, "c", PWN, "e" * 300, "f"]
    fig = vk.imshow(np.random.default_rng(4).random((2, len(labels))), x=labels)
    report = open_page(chromium, fig.save(tmp_path / "long.html", backend=backend), wait_for=".bk-Canvas")
    page = report.page
    page.wait_for_timeout(300)
    geo = page.evaluate(LABEL_GEOMETRY_JS)
    assert geo["w"] >= 200 and geo["h"] >= 100, geo  # today: a 0 px tall plot area
    assert all(len(s) <= 60 for s in geo["labels"]) and geo["labels"][0].endswith("…")
    gaps = np.diff(geo["x"])
    if geo["rotated"]:  # parallel labels at 45°: their baselines are gap·sin 45° apart, and need a line's height
        assert (gaps * np.sin(np.pi / 4) >= geo["size"]).all(), (gaps, geo["size"])
    else:
        halves = np.asarray(geo["widths"]) / 2
        assert (gaps >= halves[:-1] + halves[1:]).all(), (gaps, geo["widths"])
    box = page.locator(".bk-Canvas").first.bounding_box()
    frame = page.evaluate("() => { const f = [...Bokeh.index.all_views()].find(v => v.frame).frame.bbox;"
                          " return {x: f.x, y: f.y, w: f.width, h: f.height}; }")
    page.mouse.move(box["x"] + frame["x"] + frame["w"] / len(labels) * 1.5, box["y"] + frame["y"] + frame["h"] * 0.25)
    page.wait_for_timeout(400)
    tips = page.locator(".bk-Tooltip").evaluate_all("els => els.map(el => (el.shadowRoot || el).textContent)")
    assert any(PWN * 20 in t for t in tips), tips  # the full label, as text
    assert page.evaluate("() => window.__pwned") is None and page.locator("img").count() == 0
    assert_clean(report)
