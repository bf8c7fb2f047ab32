"""A large plotly figure's page carries its JSON gzip-compressed (:mod:`vizkit.backends.plotly.packed`): the same
figure as plotly's own JSON, a page well under half the size, drawn in Chromium with the exact values."""

from __future__ import annotations

import base64
import gzip
import json
import re

import numpy as np
import pytest

import vizkit as vk
from vizkit.backends.plotly.packed import PACK_FROM


def _causal(n_heads: int, n: int) -> np.ndarray:
    raw = np.tril(np.random.default_rng(7).random((n_heads, n, n)).astype(np.float32) ** 8)
    return raw / raw.sum(-1, keepdims=True)


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    pattern = _causal(4, 256)
    pattern[2, 200, 17] = 0.9999  # a one-cell spike
    fig = vk.attention(pattern, tokens=[f"t{i}" for i in range(256)], title="four heads")
    path = tmp_path_factory.mktemp("packed") / "big.html"
    fig.save(str(path), backend="plotly")
    return fig, pattern, path


def test_large_figure_json_is_compressed_and_is_plotly_s_own(big):
    from plotly.io.json import to_json_plotly

    fig, _, path = big
    text = path.read_text(encoding="utf-8")
    native = fig.to("plotly")
    plain = to_json_plotly(native.to_dict())
    assert len(plain) >= PACK_FROM
    packed = re.search(r'<script type="application/octet-stream" id="([^"]+)-spec">(.*?)</script>', text, re.S)
    assert packed, "no compressed figure in the page"
    assert json.loads(gzip.decompress(base64.b64decode(packed.group(2)))) == json.loads(plain)
    assert "Plotly.newPlot(" in text and len(packed.group(2)) < 0.5 * len(plain)


def test_small_figure_keeps_plotly_s_html():
    text = vk.imshow(np.arange(12.0).reshape(3, 4), title="small").to_html(backend="plotly")
    assert not re.search(r'<script type="application/octet-stream" id="[^"]+-spec">', text) and '"type":"heatmap"' in text  # the figure JSON inline, as plotly writes it


@pytest.mark.browser
def test_compressed_page_draws_every_head_with_exact_values(big, chromium):
    fig, pattern, path = big
    pg = chromium.new_page(viewport={"width": 1300, "height": 1100})
    errors = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    try:
        pg.goto(path.as_uri())
        pg.wait_for_function("document.querySelectorAll('.js-plotly-plot .hm image').length >= 4", timeout=30_000)
        z = pg.evaluate("() => Array.from(document.querySelector('.js-plotly-plot')._fullData[2].z[200]).slice(0, 40)")
        assert z[17] == pytest.approx(0.9999, abs=1e-6) and z[17] == pytest.approx(float(pattern[2, 200, 17]))
        assert pg.evaluate("() => document.querySelector('.js-plotly-plot').dataset.vizkitError || null") is None
        assert not errors
    finally:
        pg.close()
