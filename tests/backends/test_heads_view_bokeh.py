"""The heads view in bokeh (issue 12): models read back, and the page in Chromium (tap a thumbnail,
arrow keys, hover a token)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest

import vizkit as vk
from vizkit.plan import encoding

TOKENS = [" The", " cat", " sat", " on", " the", " mat", ".", " <b>", " The", " cat", "\n", " sat", " on", " the",
          " mat", ".", " It", " was", " happy", "!"]


@pytest.fixture(scope="module")
def small():
    rng = np.random.default_rng(2)
    n = 20
    logits = rng.normal(size=(3, 4, n, n)).astype(np.float32) * 2
    logits[..., np.triu(np.ones((n, n), dtype=bool), 1)] = -np.inf
    p = np.exp(logits - logits.max(-1, keepdims=True))
    p = (p / p.sum(-1, keepdims=True)).astype(np.float32)
    p[2, 3, 15, :16] = 0.13 / 15
    p[2, 3, 15, 4] = 0.87
    return p


@pytest.fixture(scope="module")
def small_fig(small):
    return vk.attention(small, tokens=TOKENS, selected=(1, 2), backend="bokeh")


def _named(root, name):
    return [m for m in root.references() if getattr(m, "name", None) == name]


def test_bokeh_models_hold_the_selected_head_exactly_and_the_thumbnails(small, small_fig):
    assert small_fig.meta["mode"] == "heads"  # bokeh draws the view, so it is the default
    root = small_fig.to("bokeh")
    (sel,) = _named(root, "L1H2")
    (image,) = [r for r in sel.renderers if hasattr(r.glyph, "image")]
    z = np.asarray(image.data_source.data["image"][0])
    lower = np.tril(np.ones((20, 20), dtype=bool))
    assert np.array_equal(z[lower], small[1, 2][lower]) and np.isnan(z[~lower]).all()
    assert sel.title.text == "L1H2"
    assert sel.y_range.start > sel.y_range.end  # query 0 on top
    (mosaic,) = _named(root, "vizkit-heads-mosaic")
    m = np.asarray(mosaic.renderers[0].data_source.data["image"][0])
    stride = (m.shape[1] + 1) // 4
    assert m[2 * stride + 15, 3 * stride + 4] == pytest.approx(0.87)
    (tokens,) = _named(root, "vizkit-heads-token-source")
    assert list(tokens.data["text"])[:3] == ["␣The", "␣cat", "␣sat"] and list(tokens.data["text"])[7] == "␣<b>"
    (holder,) = _named(root, "vizkit-heads-data")
    data = json.loads(holder.data["text"][0])  # a data source (a model with no view), not a hidden Div
    codes = encoding.unpack(data["codes"], data["shape"])
    assert data["book"]["texts"][codes[2, 3, 15, 4]] == "0.87"


@pytest.fixture(scope="module")
def page(chromium, small_fig, tmp_path_factory):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from browser.harness import PageReport, attach

    path = tmp_path_factory.mktemp("heads-bokeh") / "heads.html"
    small_fig.save(str(path), backend="bokeh")
    pg = chromium.new_page(viewport={"width": 1300, "height": 1000})
    report = PageReport(pg)
    attach(pg, report)
    pg.goto(path.as_uri())
    pg.wait_for_function("window.Bokeh && Object.keys(Bokeh.index).length > 0", timeout=30_000)
    pg.wait_for_timeout(300)
    yield pg, report
    pg.close()


_VIEWS = """const all = []; const walk = (v) => { all.push(v); for (const c of (v.child_views || [])) walk(c); };
Object.values(Bokeh.index).forEach(walk);"""


def _at(pg, name, x, y):
    return pg.evaluate("([name, x, y]) => { " + _VIEWS + """
        const v = all.find(v => v.model && v.model.name === name), f = v.frame, r = v.el.getBoundingClientRect();
        return [r.left + f.x_scale.compute(x), r.top + f.y_scale.compute(y)]; }""", [name, x, y])


def test_page_in_chromium_taps_keys_and_token_hover(page, small):
    pg, report = page
    # a page carries the packed heads in a script of its own, not in the document BokehJS decodes
    holder = pg.evaluate("() => Bokeh.documents[0].get_model_by_name('vizkit-heads-data').data")
    assert holder["text"] == [""] and holder["element"][0].endswith("-data-0")
    data = pg.evaluate("(id) => JSON.parse(document.getElementById(id).textContent)", holder["element"][0])
    x = 3 * data["col_stride"] + data["thumb_cols"] / 2
    y = 2 * data["row_stride"] + data["thumb_rows"] / 2
    pg.mouse.click(*_at(pg, "vizkit-heads-mosaic", x, y))
    pg.wait_for_function("document.body.dataset.vizkitSelected === 'L2H3'", timeout=5000)
    z = pg.evaluate("() => { " + _VIEWS + """ const v = all.find(v => v.model && v.model.title && v.model.title.text === 'L2H3');
        const im = v.model.renderers.find(r => r.glyph.type === 'Image').data_source.data.image[0];
        return {shape: Array.from(im.shape), values: Array.from(im, x => Number.isNaN(x) ? null : x)}; }""")
    z = np.array([np.nan if v is None else v for v in z["values"]]).reshape(z["shape"])
    lower = np.tril(np.ones((20, 20), dtype=bool))
    assert np.max(np.abs(z[lower] - small[2, 3][lower])) <= 0.005 + 1e-6 and np.isnan(z[~lower]).all()
    assert z[15, 4] == pytest.approx(0.87)
    pg.keyboard.press("ArrowLeft")
    pg.wait_for_function("document.body.dataset.vizkitSelected === 'L2H2'", timeout=5000)
    # hover token 2 (" sat"): the token colours change
    before = pg.evaluate("() => { " + _VIEWS + " return Array.from(all.find(v => v.model && v.model.name === 'vizkit-heads-tokens').model.renderers[0].data_source.data.fill); }")
    from vizkit.backends import make_plan
    from vizkit.plan import heads as hp

    spec = vk.attention(small, tokens=TOKENS, selected=(1, 2), backend="bokeh")
    bx, bw, bl = hp.token_boxes(spec, hp.layout(make_plan(spec)))
    pg.mouse.move(*_at(pg, "vizkit-heads-tokens", float(bx[2]), float(bl[2])))
    pg.wait_for_function("document.body.dataset.vizkitToken === '2'", timeout=5000)
    after = pg.evaluate("() => { " + _VIEWS + " return Array.from(all.find(v => v.model && v.model.name === 'vizkit-heads-tokens').model.renderers[0].data_source.data.fill); }")
    assert after != before
    from vizkit.spec.colors import palette

    values = np.array(data["book"]["values"])
    codes = encoding.unpack(data["codes"], data["shape"])
    assert after[0] == palette("Blues", 256)[round(values[codes[2, 2, 2, 0]] * 255)]
    assert after[5] == palette("Reds", 256)[round(values[codes[2, 2, 5, 2]] * 255)]
    assert not report.errors and not report.console_errors and not report.network_requests


def test_static_png(small_fig, tmp_path):
    path = tmp_path / "heads.png"
    small_fig.save(str(path), backend="bokeh")
    from PIL import Image

    with Image.open(path) as im:
        rgb = np.asarray(im.convert("RGB"))
    assert rgb.shape[0] > 400 and (rgb < 100).all(axis=2).sum() > 500


def test_page_data_script_holds_markup_tokens_as_text(chromium, small, tmp_path):
    """The packed heads sit in a script element of their own: a token that closes it, or opens a script, is text."""
    hostile = list(TOKENS)
    hostile[3] = "</script><script>document.body.dataset.pwned='1'</script>"
    hostile[4] = "&lt;&amp;"
    path = tmp_path / "hostile.html"
    vk.attention(small, tokens=hostile, backend="bokeh").save(str(path), backend="bokeh")
    pg = chromium.new_page(viewport={"width": 1300, "height": 1000})
    try:
        pg.goto(path.as_uri())
        pg.wait_for_function("window.Bokeh && Object.keys(Bokeh.index).length > 0", timeout=30_000)
        holder = pg.evaluate("() => Bokeh.documents[0].get_model_by_name('vizkit-heads-data').data")
        data = pg.evaluate("(id) => JSON.parse(document.getElementById(id).textContent)", holder["element"][0])
        assert pg.evaluate("() => document.body.dataset.pwned") is None
        assert "</script><script>" in data["key"][3] and data["key"][4] == "&lt;&amp;"
    finally:
        pg.close()


# ---------------------------------------------------------------------------------------------
# The page's first paint: the cells as pictures before BokehJS, where BokehJS then draws them

def _png(url):
    import base64
    import io

    from PIL import Image

    with Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1]))) as im:
        return np.asarray(im.convert("RGBA"))


_BODY_START = '<body>\n<div class="vizkit-page">'  # the page's body (BokehJS has a "<body>" of its own)


def _prepaint_urls(text):
    import re

    return re.findall(r'<img alt="" src="(data:image/png;base64,[^"]+)" id="[^"]+-prepaint-\d"', text)


def test_page_pictures_come_before_bokehjs_and_hold_the_cells(small, tmp_path):
    """BokehJS moves from the head into the body, after the pictures: the selected head at one pixel per cell in the
    colour mapper's colours, the mosaic's thumbnails filling their frame. A static page, and any other bokeh page,
    keeps BokehJS in its head and has no pictures."""
    from vizkit.backends import make_plan
    from vizkit.plan import heads as hp
    from vizkit.spec.colors import palette

    fig = vk.attention(small, tokens=TOKENS, selected=(1, 2), backend="bokeh", title="Every head")
    text = fig.to_html(backend="bokeh")
    head, body = text.split(_BODY_START, 1)
    assert "<script" not in head
    assert body.index('data-vizkit-prepaint="1"') < body.index("<script") < body.index("Bokeh.embed.embed_items")
    mosaic, selected = (_png(u) for u in _prepaint_urls(text))
    lower = np.tril(np.ones((20, 20), dtype=bool))
    assert np.array_equal(selected, encoding.rgba_image(np.where(lower, small[1, 2], np.nan), palette("Blues", 256), 0.0, 1.0))
    assert selected[0, 1, 3] == 0  # the masked triangle is a gap: the frame's fill shows, as in the plot
    lay = hp.layout(make_plan(fig))
    rows, cols = lay.mosaic_shape
    k = 1 if lay.gap_cells % 2 == 0 else 2  # the frame spans the cells and half a gap on each side
    assert mosaic.shape[:2] == (k * (rows + lay.gap_cells), k * (cols + lay.gap_cells))
    m = hp.thumbnails(fig, lay)
    pad = k * lay.gap_cells // 2
    r, c = np.argwhere(np.isfinite(m))[0]
    assert np.array_equal(mosaic[pad + k * r, pad + k * c], encoding.rgba_image(m[r:r + 1, c:c + 1], palette("Blues", 256), 0.0, 1.0)[0, 0])
    for static in (fig.to_html(backend="bokeh", static=True), vk.attention(small[:1, :2], tokens=TOKENS, mode="grid", backend="bokeh").to_html(backend="bokeh")):
        head, body = static.split(_BODY_START, 1)
        assert "prepaint" not in static and "BEGIN bokeh.min.js" in head and "<script" not in body.split("vizkit-figure", 1)[0]


def prepaint_matches_the_plot(chromium, path, tmp_path):
    """The page at ``path`` with every script off (the pictures alone) against the page drawn by BokehJS: inside
    each image plot's frame the same pixels, best matched at no shift; the pictures' boxes are the frames BokehJS
    computes (moved by the half px BokehJS moves what it draws); the pictures painted before BokehJS was
    evaluated, and gone once it has drawn. Returns the mean differences."""
    import io

    from PIL import Image

    text = path.read_text(encoding="utf-8")
    alone = tmp_path / "pictures-only.html"
    alone.write_text(text.replace("<script>", '<script type="text/plain">').replace(
        '<script type="text/javascript"', '<script type="text/plain"'), encoding="utf-8")

    def shot(pg):
        return np.asarray(Image.open(io.BytesIO(pg.screenshot())).convert("RGB")).astype(int)

    # when the first contentful paint came, and when BokehJS had been evaluated (it sets window.Bokeh last)
    timing = """window.__paint = {}; new PerformanceObserver(l => { for (const e of l.getEntries()) window.__paint[e.name] = e.startTime; })
      .observe({type: 'paint', buffered: true});
      Object.defineProperty(window, 'Bokeh', {configurable: true, get() { return undefined; }, set(v) {
        window.__bokehAt = performance.now();
        Object.defineProperty(window, 'Bokeh', {value: v, writable: true, configurable: true, enumerable: true}); }});"""
    pictures_js = """() => { const f = document.querySelector('.vizkit-figure').getBoundingClientRect();
      return [...document.querySelectorAll('[data-vizkit-prepaint] img')].map(i => { const r = i.getBoundingClientRect();
        return [r.left - f.left, r.top - f.top, r.width, r.height]; }); }"""
    frames_js = """() => { const all = [], walk = (v) => { all.push(v); for (const c of (v.child_views || [])) walk(c); };
      Bokeh.index.roots.forEach(walk); const f = document.querySelector('.vizkit-figure').getBoundingClientRect();
      return all.filter(v => v.frame && v.model.renderers.some(r => r.glyph && r.glyph.type === 'Image')).map(v => {
        const r = v.el.getBoundingClientRect(), b = v.frame.bbox;
        return [v.model.name, r.left - f.left + b.left, r.top - f.top + b.top, b.width, b.height, f.left, f.top]; }); }"""
    pg = chromium.new_page(viewport={"width": 1300, "height": 1000})
    try:
        pg.goto(alone.as_uri())
        pg.wait_for_function("[...document.querySelectorAll('[data-vizkit-prepaint] img')].every(i => i.complete)")
        assert pg.evaluate("() => document.querySelector('[data-vizkit-prepaint]').textContent") == ""  # no text at all
        boxes = pg.evaluate(pictures_js)
        pictures = shot(pg)
        pg.add_init_script(timing)
        pg.goto(path.as_uri())
        pg.wait_for_function("window.Bokeh && Bokeh.documents.length > 0 && Bokeh.documents[0].is_idle", timeout=30_000)
        pg.wait_for_function("!document.querySelector('[data-vizkit-prepaint]')", timeout=5000)
        pg.wait_for_timeout(200)
        plot = shot(pg)
        frames = pg.evaluate(frames_js)
        paint, bokeh_at = pg.evaluate("[window.__paint, window.__bokehAt]")
    finally:
        pg.close()
    assert paint["first-contentful-paint"] < bokeh_at, (paint, bokeh_at)  # the pictures, before BokehJS ran
    assert [name for name, *_ in frames] == ["vizkit-heads-mosaic", frames[1][0]] and len(boxes) == 2
    means = []
    for (name, x, y, w, h, fx, fy), box in zip(frames, boxes, strict=True):
        assert np.allclose(box, [x + 0.5, y + 0.5, w, h], atol=0.01), (name, box, (x, y, w, h))
        x0, y0, x1, y1 = int(fx + x) + 3, int(fy + y) + 3, int(fx + x + w) - 3, int(fy + y + h) - 3
        diff = {(dy, dx): np.abs(pictures[y0 + dy:y1 + dy, x0 + dx:x1 + dx] - plot[y0:y1, x0:x1]).max(axis=2).mean()
                for dy in (-1, 0, 1) for dx in (-1, 0, 1)}
        assert min(diff, key=diff.get) == (0, 0), (name, diff)  # not a pixel off
        assert diff[0, 0] < 3, (name, diff)
        means.append(diff[0, 0])
    return means


def test_page_pictures_sit_where_bokeh_draws_the_cells(chromium, small, tmp_path):
    path = tmp_path / "heads.html"
    vk.attention(small, tokens=TOKENS, selected=(1, 2), backend="bokeh", title="Every head").save(str(path), backend="bokeh")
    prepaint_matches_the_plot(chromium, path, tmp_path)


def test_page_pictures_of_wide_tick_labels_and_many_thumbnails(chromium, tmp_path):
    """Token labels wider than a font's average (capitals, wide characters) and a thumbnail of one cell per pixel or
    so: the plots' borders still start the frames where the pictures are."""
    rng = np.random.default_rng(5)
    p = rng.random((6, 8, 48, 48)).astype(np.float32) ** 8
    tokens = ["WWWWMMMM", "汉字汉字", "ÉÉÉ", "@@%%"] + [f"tok{i}" for i in range(44)]
    path = tmp_path / "wide.html"
    vk.attention(p, tokens=tokens, selected=(5, 7), backend="bokeh").save(str(path), backend="bokeh")
    prepaint_matches_the_plot(chromium, path, tmp_path)
