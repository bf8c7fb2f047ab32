"""The plotly heads view's standalone page (issue 12, first paint): what it carries and how it draws.

The page inlines plotly's cartesian bundle (not the full library), draws the thumbnails as one PNG
picture of the block maxima (not a heatmap plotly colours cell by cell in the browser), and adds
the token view and the page data once that first draw is on screen. Read back here: the picture's
pixels against the data (a planted spike in the top colour), the first draw's traces, and in
Chromium the finished view (token view drawn, mosaic hover and click answered from the packed data).
"""

from __future__ import annotations

import base64
import io
import json
import re

import numpy as np
import pytest

import vizkit as vk
from tests.patterns import causal_softmax
from vizkit.backends.plotly import bundle
from vizkit.plan import encoding
from vizkit.spec.colors import palette

TOKENS = [f" t{i}" for i in range(96)]




@pytest.fixture(scope="module")
def model():
    p = causal_softmax(2, 12, 96, seed=3, temp=1.0)
    p[1, 5, 60, :61] = 0.02 / 60
    p[1, 5, 60, 13] = 0.98  # planted spike
    return p


@pytest.fixture(scope="module")
def page_html(model, tmp_path_factory):
    fig = vk.attention(model, tokens=TOKENS, backend="plotly")  # thumbnails of 96 tokens: block maxima
    path = tmp_path_factory.mktemp("heads-page") / "page.html"
    fig.save(str(path), backend="plotly")
    return path


def _first_draw(text: str) -> list:
    start = text.index("var data = ") + len("var data = ")
    data, _ = json.JSONDecoder().raw_decode(text, start)
    return data


def _pictures(text: str) -> list[tuple[np.ndarray, dict]]:
    """The pre-paint's pictures: ``(RGBA pixels, {left, top, width, height})`` each, in page order."""
    from PIL import Image

    out = []
    for src, style in re.findall(r'<img alt="" src="data:image/png;base64,([^"]+)" id="[^"]+-prepaint-\d" elementtiming="vizkit-prepaint" style="([^"]+)"',
                                  text):
        with Image.open(io.BytesIO(base64.b64decode(src))) as im:
            rgba = np.asarray(im.convert("RGBA"))
        out.append((rgba, {k: float(v) for k, v in re.findall(r"(left|top|width|height): ([\d.]+)px", style)}))
    return out


def test_page_carries_the_cartesian_bundle_not_the_full_library(page_html):
    text = page_html.read_text(encoding="utf-8")
    assert text.count('data-plotlyjs="cartesian"') == 1 and "plotly.js (cartesian - minified) v" in text
    assert "plotly.js v" not in text  # the full library's banner
    assert len(text) < len(bundle.source("cartesian")) + 400_000


def test_first_draw_is_the_mosaic_picture_and_the_selected_head_and_the_token_view_follows(model, page_html):
    text = page_html.read_text(encoding="utf-8")
    data = _first_draw(text)
    mosaic, selected = data  # the token view is a plot of its own, drawn after the first paint
    assert mosaic["type"] == "image" and mosaic["hoverinfo"] == "skip" and selected["type"] == "heatmap"
    page = json.loads(re.search(r'<script type="application/json" id="[^"]+-heads">(.*?)</script>', text, re.S).group(1))
    (bars,) = page["tokens"]["data"]
    assert bars["type"] == "bar" and bars["text"][:2] == ["␣t0", "␣t1"] and len(bars["text"]) == 96
    # the picture: the block maxima in the colour axis' 256 colours, transparent gaps; the spike in the top colour
    assert mosaic["source"] == ""  # read from the pre-paint's first picture, the same PNG (not carried twice)
    assert re.search(r'data\[0\]\.source = document\.getElementById\("[^"]+-prepaint-0"\)\.src', text)
    rgba = _pictures(text)[0][0]
    f, rs, cs = page["factor"], page["row_stride"], page["col_stride"]
    assert f > 1
    spike = palette("Blues", 256)[round(0.98 * 255)]  # the planted value's colour (a block mean would be far lighter)
    r, c = 1 * rs + 60 // f, 5 * cs + 13 // f
    assert "#" + "".join(f"{int(v):02x}" for v in rgba[r, c, :3]) == spike and rgba[r, c, 3] == 255
    assert rgba[0, page["thumb_cols"], 3] == 0  # the gap between thumbnails is transparent
    masked = np.where(np.triu(np.ones((96, 96), dtype=bool), 1), np.nan, model)  # the causal mask is a gap
    small = encoding.block_extreme(masked, f, f)
    expected = encoding.rgba_image(small[0, 0], palette("Blues", 256), 0.0, 1.0)
    assert np.array_equal(rgba[:page["thumb_rows"], :page["thumb_cols"]], expected)


def test_png_encoder_round_trips():
    from PIL import Image

    rgba = np.random.default_rng(0).integers(0, 256, size=(7, 5, 4), dtype=np.uint8)
    with Image.open(io.BytesIO(encoding.png(rgba))) as im:
        assert np.array_equal(np.asarray(im.convert("RGBA")), rgba)


def test_page_in_chromium_draws_the_token_view_and_answers_the_mosaic(chromium, page_html):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from browser.harness import PageReport, attach

    pg = chromium.new_page(viewport={"width": 1200, "height": 900})
    report = PageReport(pg)
    attach(pg, report)
    try:
        pg.goto(page_html.as_uri())
        pg.wait_for_selector('[data-vizkit-ready="1"]', timeout=30_000)
        bars = pg.evaluate("() => { var d = document.querySelector('.vizkit-token-view')._fullData[0]; return d._length; }")
        assert bars == 96  # the token view is drawn, every token
        assert pg.locator(".vizkit-token-view .barlayer .point").count() == 96
        # placed in the main plot's token box, under the heatmaps (not over them)
        boxes = pg.evaluate("""() => [document.querySelector('.js-plotly-plot .hm').getBoundingClientRect().bottom,
            document.querySelector('.vizkit-token-view .barlayer').getBoundingClientRect().top]""")
        assert boxes[1] > boxes[0], boxes
        data = _first_draw(page_html.read_text(encoding="utf-8"))
        page = json.loads(re.search(r'id="[^"]+-heads">(.*?)</script>', pg.content(), re.S).group(1))
        f = page["factor"]
        x, y = 5 * page["col_stride"] + 13 // f, 1 * page["row_stride"] + 60 // f
        point = pg.evaluate("""([x, y]) => { var gd = document.querySelector('.js-plotly-plot');
            var xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis, r = gd.getBoundingClientRect();
            return [r.left + xa._offset + xa.l2p(x), r.top + ya._offset + ya.l2p(y)]; }""", [x, y])
        pg.mouse.move(*point)  # a real pointer: the label shows, naming the head (a thumbnail cell is one CSS px)
        tip = pg.locator(".vizkit-mosaic-hover")
        tip.wait_for(state="visible", timeout=5000)
        assert tip.text_content().startswith("L1H5\n")
        # on the pixel holding the spike's cell (a mouse event names whole pixels): the block and its max
        pg.evaluate("""([x, y]) => document.querySelector('.js-plotly-plot').dispatchEvent(
            new MouseEvent('mousemove', {clientX: Math.floor(x), clientY: Math.floor(y), bubbles: true}))""", point)
        q0, k0 = 60 // f * f, 13 // f * f
        assert tip.text_content() == (f"L1H5\nqueries {q0}–{q0 + f - 1}, keys {k0}–{k0 + f - 1}\n"
                                      "block max attention: 0.98")
        pg.mouse.click(*point)
        pg.wait_for_function("document.querySelector('.js-plotly-plot').dataset.vizkitSelected === 'L1H5'", timeout=5000)
        assert data[0]["type"] == "image"
        assert not report.errors and not report.console_errors and not report.network_requests
    finally:
        pg.close()


def test_pre_paint_pictures_come_before_the_library_and_hold_the_cells(model, page_html):
    """The first view's cells as pictures before plotly.js (painted while the browser still reads the library): the
    mosaic, and the selected head at full resolution (one pixel per cell) in the colour axis' colours."""
    text = page_html.read_text(encoding="utf-8")
    assert text.index('data-vizkit-prepaint="1"') < text.index('data-plotlyjs="cartesian"') < text.index("var data = ")
    # the library is text until the pictures are on screen: the page's first draw runs it
    assert re.search(r'<script type="text/x-vizkit-plotlyjs" id="[^"]+-lib" data-plotlyjs="cartesian">', text)
    (mosaic, mbox), (head, hbox) = _pictures(text)
    page = json.loads(re.search(r'<script type="application/json" id="[^"]+-heads">(.*?)</script>', text, re.S).group(1))
    li, hi = page["selected"]
    masked = np.where(np.triu(np.ones((96, 96), dtype=bool), 1), np.nan, model[li, hi])
    assert head.shape == (96, 96, 4)
    assert np.array_equal(head, encoding.rgba_image(masked, palette("Blues", 256), 0.0, 1.0))
    assert head[0, 1, 3] == 0  # the masked triangle is a gap
    assert hbox["width"] >= 96 and hbox["height"] >= 96 and mosaic.shape[0] > 2 * page["thumb_rows"]


def test_pre_paint_sits_under_the_plot_and_goes_once_plotly_has_drawn(chromium, page_html, tmp_path):
    """The pictures alone (every script off) show the cells exactly where plotly then draws them; they are painted
    before plotly.js runs; once the view is ready the pictures are gone."""
    text = page_html.read_text(encoding="utf-8")
    alone = tmp_path / "pictures-only.html"
    alone.write_text(text.replace("<script>", '<script type="text/plain">'), encoding="utf-8")
    from PIL import Image

    def shot(pg):
        return np.asarray(Image.open(io.BytesIO(pg.screenshot())).convert("RGB")).astype(int)

    pg = chromium.new_page(viewport={"width": 1200, "height": 900})
    try:
        pg.goto(alone.as_uri())
        pg.wait_for_function("[...document.querySelectorAll('[data-vizkit-prepaint] img')].every(i => i.complete)")
        pictures = shot(pg)
        # when the first contentful paint came (the page has no text before plotly draws), and when plotly.js had run
        pg.add_init_script("""window.__paint = {}; new PerformanceObserver(l => { for (const e of l.getEntries())
            window.__paint[e.name] = e.startTime; }).observe({type: 'paint', buffered: true});
          Object.defineProperty(window, 'Plotly', {configurable: true, get() { return undefined; }, set(v) {
            window.__plotlyAt = performance.now();
            Object.defineProperty(window, 'Plotly', {value: v, writable: true, configurable: true, enumerable: true}); }});""")
        pg.goto(page_html.as_uri())
        pg.wait_for_selector('[data-vizkit-ready="1"]', timeout=30_000)
        paint, plotly_at = pg.evaluate("[window.__paint, window.__plotlyAt]")
        assert paint["first-contentful-paint"] < plotly_at, (paint, plotly_at)  # the pictures, before plotly.js ran
        pg.wait_for_timeout(300)
        assert pg.locator("[data-vizkit-prepaint]").count() == 0
        plot = shot(pg)
        frames = pg.evaluate("""() => { const gd = document.querySelector('.js-plotly-plot'), r = gd.getBoundingClientRect();
            return ['xaxis', 'xaxis2'].map((x, i) => { const xa = gd._fullLayout[x], ya = gd._fullLayout[i ? 'yaxis2' : 'yaxis'];
              return [r.left + xa._offset, r.top + ya._offset, xa._length, ya._length]; }); }""")
    finally:
        pg.close()
    for x, y, w, h in frames:  # inside each plot frame (the selection frame and tick labels are the plot's alone)
        x0, y0, x1, y1 = int(x) + 3, int(y) + 3, int(x + w) - 3, int(y + h) - 3
        diff = {(dy, dx): np.abs(pictures[y0 + dy:y1 + dy, x0 + dx:x1 + dx] - plot[y0:y1, x0:x1]).max(axis=2).mean()
                for dy in (-1, 0, 1) for dx in (-1, 0, 1)}
        assert min(diff, key=diff.get) == (0, 0), diff  # not a pixel off
        assert diff[0, 0] < 10, diff
