"""The heads view in plotly (issue 12): the ``go.Figure`` read back, the standalone page's size and
data, the notebook output, and the page in Chromium (click a thumbnail, arrow keys, hover a token)."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

import vizkit as vk
from tests.patterns import causal_softmax
from vizkit.plan import encoding

TOKENS = [" The", " cat", " sat", " on", " the", " mat", ".", " <b>", " The", " cat", "\n", " sat", " on", " the",
          " mat", ".", " It", " was", " happy", "!"]




@pytest.fixture(scope="module")
def small():
    """3 layers × 4 heads × 20 tokens, with a planted 0.87 at L2H3 query 15 key 4."""
    p = causal_softmax(3, 4, 20, seed=2)
    p[2, 3, 15, :16] = 0.13 / 15
    p[2, 3, 15, 4] = 0.87
    return p


@pytest.fixture(scope="module")
def small_fig(small):
    return vk.attention(small, tokens=TOKENS, selected=(1, 2), backend="plotly", title="three layers")


@pytest.fixture(scope="module")
def small_html(small_fig, tmp_path_factory):
    path = tmp_path_factory.mktemp("heads") / "heads.html"
    small_fig.save(str(path), backend="plotly")
    return path


def page_data(text: str) -> dict:
    m = re.search(r'<script type="application/json" id="[^"]+-heads">(.*?)</script>', text, re.S)
    assert m, "the page carries the heads view's data"
    return json.loads(m.group(1))


def test_native_figure_holds_the_selected_head_exactly_and_every_thumbnail(small, small_fig):
    native = small_fig.to("plotly")
    mosaic, selected, tokens = native.data[:3]
    z = np.asarray(selected.z, dtype=np.float32)
    lower = np.tril(np.ones((20, 20), dtype=bool))
    assert np.array_equal(z[lower], small[1, 2][lower]) and np.isnan(z[~lower]).all()
    assert selected.name == "L1H2"
    # category names "token (position)": repeated tokens stay distinct; ticks show the tokens
    assert list(selected.x)[:2] == ["␣The (0)", "␣cat (1)"] and list(selected.x)[8] == "␣The (8)"
    assert len(set(selected.x)) == 20
    assert "&lt;b&gt;" in " ".join(native.layout.xaxis2.ticktext)  # markup in a token is shown, never parsed
    assert "query: %{y}" in selected.hovertemplate and "key: %{x}" in selected.hovertemplate
    # thumbnails at full resolution here (20 cells fit), block maxima otherwise; gaps between them
    m = np.asarray(mosaic.z, dtype=float)
    assert np.nanmax(m) == pytest.approx(1.0)
    stride = m.shape[1] // 4 + 1 if (m.shape[1] + 1) % 4 == 0 else None
    assert stride is not None
    assert m[2 * stride + 15, 3 * stride + 4] == pytest.approx(0.87)  # the planted cell, at its value
    assert [t for t in tokens.text] == ["␣The", "␣cat", "␣sat", "␣on", "␣the", "␣mat", ".", "␣&lt;b&gt;", "␣The", "␣cat",
                                        "↵", "␣sat", "␣on", "␣the", "␣mat", ".", "␣It", "␣was", "␣happy", "!"]
    assert native.layout.coloraxis.cmin == 0 and native.layout.coloraxis.cmax == pytest.approx(1.0)
    assert native.layout.shapes[0].name == "vizkit-selected"


def test_static_png_draws_through_kaleido(small_fig, tmp_path):
    path = tmp_path / "heads.png"
    small_fig.save(str(path), backend="plotly")
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    from PIL import Image

    with Image.open(path) as im:
        rgb = np.asarray(im.convert("RGB"))
    assert (rgb < 100).all(axis=2).sum() > 500  # dark cells and text are drawn, not a blank page


def test_page_carries_every_head_in_one_byte_per_cell(small, small_html):
    data = page_data(small_html.read_text(encoding="utf-8"))
    assert data["shape"] == [3, 4, 20, 20] and data["selected"] == [1, 2]
    codes = encoding.unpack(data["codes"], data["shape"])
    texts = data["book"]["texts"]
    assert texts[codes[2, 3, 15, 4]] == "0.87"
    lower = np.tril(np.ones((20, 20), dtype=bool))
    assert (codes[..., ~lower] == encoding.MISSING).all()
    values = np.array(data["book"]["values"])
    assert np.max(np.abs(values[codes[..., lower]] - small[..., lower])) <= 0.005 + 1e-6
    assert data["names"][2][3] == "L2H3" and data["key"][7] == "␣<b>"


def test_whole_model_page_is_under_one_and_a_half_bytes_per_cell(tmp_path):
    p = causal_softmax(12, 12, 256, seed=0)
    fig = vk.attention(p, tokens=[f"t{i % 50}" for i in range(256)], backend="plotly")
    path = tmp_path / "model.html"
    fig.save(str(path), backend="plotly")
    size = path.stat().st_size
    assert size / p.size <= 1.5, f"{size / 1e6:.1f} MB for {p.size} cells"
    data = page_data(path.read_text(encoding="utf-8"))
    codes = encoding.unpack(data["codes"], data["shape"])
    assert codes.shape == (12, 12, 256, 256)  # every head of every layer is in the page, at full resolution
    values = np.array(data["book"]["values"] + [np.nan] * (256 - len(data["book"]["values"])))
    lower = np.tril(np.ones((256, 256), dtype=bool))
    assert np.max(np.abs(values[codes[7, 11][lower]] - p[7, 11][lower])) <= 0.005 + 1e-6


def test_notebook_output_is_the_page_in_a_frame(small_fig, small_html):
    from vizkit.export.notebook import mimebundle

    bundle = mimebundle(small_fig, "plotly", png=False)
    assert "application/vnd.plotly.v1+json" not in bundle  # plotly's renderer would run no page script
    assert bundle["text/html"].startswith("<iframe srcdoc=")
    assert len(bundle["text/html"]) < small_html.stat().st_size  # no larger than the standalone page


@pytest.fixture(scope="module")
def page(chromium, small_html):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from browser.harness import PageReport, attach

    pg = chromium.new_page(viewport={"width": 1300, "height": 900})
    report = PageReport(pg)
    attach(pg, report)
    pg.goto(small_html.as_uri())
    pg.wait_for_selector('[data-vizkit-ready="1"]', timeout=30_000)
    yield pg, report
    pg.close()


def _point(pg, axis_x: str, axis_y: str, x, y, plot: str = ".js-plotly-plot"):
    """Page coordinates of data point ``(x, y)`` on axes ``axis_x``/``axis_y`` of the first ``plot`` element."""
    return pg.evaluate("""([ax, ay, x, y, sel]) => { var gd = document.querySelector(sel);
        var xa = gd._fullLayout[ax], ya = gd._fullLayout[ay], r = gd.getBoundingClientRect();
        return [r.left + xa._offset + xa.l2p(x), r.top + ya._offset + ya.l2p(y)]; }""", [axis_x, axis_y, x, y, plot])


def _shown_z(pg):
    return pg.evaluate("""() => { var d = document.querySelector('.js-plotly-plot').data[1];
        return {z: Array.from(d.z, r => Array.from(r)), name: d.name}; }""")


def test_page_in_chromium_clicks_keys_and_token_hover(page, small, small_fig):
    pg, report = page
    gd = pg.locator(".js-plotly-plot").first  # the heatmaps' plot (the token view is a plot of its own, after it)
    assert gd.get_attribute("data-vizkit-selected") == "L1H2"
    data = page_data(pg.content())
    # click thumbnail L2H3
    x = 3 * data["col_stride"] + data["thumb_cols"] / 2
    y = 2 * data["row_stride"] + data["thumb_rows"] / 2
    pg.mouse.click(*_point(pg, "xaxis", "yaxis", x, y))
    pg.wait_for_function("document.querySelector('.js-plotly-plot').dataset.vizkitSelected === 'L2H3'", timeout=5000)
    shown = _shown_z(pg)
    assert shown["name"] == "L2H3"
    z = np.array([[np.nan if v is None else v for v in row] for row in shown["z"]])
    lower = np.tril(np.ones((20, 20), dtype=bool))
    assert np.max(np.abs(z[lower] - small[2, 3][lower])) <= 0.005 + 1e-6 and np.isnan(z[~lower]).all()
    assert z[15, 4] == pytest.approx(0.87)
    # hover that cell: the label names query and key token and position, and shows the value's held digits
    pg.mouse.move(*_point(pg, "xaxis2", "yaxis2", 4, 15))
    pg.wait_for_selector(".hoverlayer .hovertext", timeout=5000)
    hover = pg.locator(".hoverlayer .hovertext").first.text_content()
    assert "query: ␣mat (14)" not in hover and "query: ." in hover and "(15)" in hover and "key: ␣on (3)" not in hover
    assert "key: ␣the (4)" in hover and "attention: 0.87" in hover and "0.870" not in hover and "L2H3" in hover
    # arrow keys: left → L2H2, up → L1H2
    pg.keyboard.press("ArrowLeft")
    pg.wait_for_function("document.querySelector('.js-plotly-plot').dataset.vizkitSelected === 'L2H2'", timeout=5000)
    pg.keyboard.press("ArrowUp")
    pg.wait_for_function("document.querySelector('.js-plotly-plot').dataset.vizkitSelected === 'L1H2'", timeout=5000)
    # hover token 2 (" sat") in the token view: colours change to what it attends to / what attends to it
    before = pg.evaluate("() => Array.from(document.querySelector('.vizkit-token-view').data[0].marker.color)")
    bars = small_fig.to("plotly").data[2]
    bx = [float(bars.base[2] + bars.x[2] / 2), float(bars.y[2])]
    pg.mouse.move(*_point(pg, "xaxis", "yaxis", *bx, plot=".vizkit-token-view"))  # the token view: a plot of its own
    pg.wait_for_function("document.querySelector('.js-plotly-plot').dataset.vizkitToken === '2'", timeout=5000)
    after = pg.evaluate("() => Array.from(document.querySelector('.vizkit-token-view').data[0].marker.color)")
    assert after != before
    from vizkit.spec.colors import palette

    blues, reds = palette("Blues", 256), palette("Reds", 256)
    values = np.array(data["book"]["values"])
    codes = encoding.unpack(data["codes"], data["shape"])
    assert after[0] == blues[round(values[codes[1, 2, 2, 0]] * 255)]  # " sat" attends to " The"
    assert after[5] == reds[round(values[codes[1, 2, 5, 2]] * 255)]  # " mat" attends to " sat"
    assert not report.errors and not report.console_errors and not report.network_requests
