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
