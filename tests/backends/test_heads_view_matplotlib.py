"""The heads view as a picture (issue 12): matplotlib draws the thumbnails, the selected head at full
resolution and the token view, and writes PNG, SVG and PDF."""

from __future__ import annotations

import numpy as np
import pytest

import vizkit as vk


@pytest.fixture(scope="module")
def fig():
    rng = np.random.default_rng(5)
    n = 150
    logits = rng.normal(size=(3, 4, n, n)).astype(np.float32) * 0.1
    logits[..., np.triu(np.ones((n, n), dtype=bool), 1)] = -np.inf
    p = np.exp(logits - logits.max(-1, keepdims=True))
    p = (p / p.sum(-1, keepdims=True)).astype(np.float32)
    p[2, 1, 120, :121] = 0.1 / 120
    p[2, 1, 120, 33] = 0.9  # one planted spike
    return vk.attention(p, tokens=[f"tok{i}" for i in range(n)], selected=(2, 1), backend="matplotlib"), p


def _axes(native, gid):
    (ax,) = [a for a in native.axes if a.get_gid() == gid]
    return ax


def test_native_figure_shows_thumbnails_and_the_selected_head(fig):
    spec, p = fig
    native = spec.to("matplotlib")
    sel = _axes(native, "vizkit-heads-selected")
    shown = np.ma.filled(sel.images[0].get_array(), np.nan)
    lower = np.tril(np.ones((150, 150), dtype=bool))
    assert np.array_equal(shown[lower], p[2, 1][lower])  # full resolution, exact
    assert [t.get_text() for t in sel.get_xticklabels()][0] == "tok0"
    mosaic = _axes(native, "vizkit-heads-mosaic")
    m = np.ma.filled(mosaic.images[0].get_array(), np.nan)
    assert np.nanmax(m) == pytest.approx(1.0)
    from vizkit.backends import make_plan
    from vizkit.plan import heads as hp

    lay = hp.layout(make_plan(spec, static=True))
    assert lay.factor > 1
    r0, c0 = 2 * lay.row_stride, 1 * lay.col_stride
    assert m[r0 + 120 // lay.factor, c0 + 33 // lay.factor] == pytest.approx(0.9)  # the spike, at its value
    assert [t.get_text() for t in mosaic.get_yticklabels()] == ["L0", "L1", "L2"]
    tokens = _axes(native, "vizkit-heads-tokens")
    assert [t.get_text() for t in tokens.texts][:3] == ["tok0", "tok1", "tok2"]


@pytest.mark.parametrize("fmt, magic", [("png", b"\x89PNG"), ("svg", b"<?xml"), ("pdf", b"%PDF")])
def test_static_files(fig, tmp_path, fmt, magic):
    spec, _ = fig
    path = tmp_path / f"heads.{fmt}"
    spec.save(str(path), backend="matplotlib")
    data = path.read_bytes()
    assert data.startswith(magic) and len(data) > 5000
    if fmt == "svg":
        assert b"tok149" in data and b"L2H1" in data  # text stays text
    if fmt == "png":
        from PIL import Image

        with Image.open(path) as im:
            w, h = im.size
        from vizkit.backends import make_plan
        from vizkit.plan import heads as hp

        lay = hp.layout(make_plan(spec, static=True))
        assert abs(w / h - lay.width / lay.height) < 0.02
