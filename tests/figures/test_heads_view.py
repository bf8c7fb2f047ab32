"""The whole-model attention view (issue 12): the spec of ``vk.attention(mode="heads")``, its default,
the plan's geometry and thumbnails, the one-byte-per-cell encoding, and the committed induction model."""

from __future__ import annotations

import numpy as np
import pytest

import vizkit as vk
from tests.patterns import causal_softmax
from vizkit.errors import UnsupportedFigureError, VizkitError
from vizkit.plan import encoding
from vizkit.plan import heads as hp


def make_plan(fig, static=False):
    from vizkit.backends import make_plan as mp

    return mp(fig, static=static)


@pytest.fixture(scope="module")
def spiked():
    """2 layers × 3 heads × 300 tokens, tiny values but one planted spike of 0.93 at L1H2, query 200, key 17."""
    p = causal_softmax(2, 3, 300, seed=1, temp=0.1)
    p[1, 2, 200, :] = 0.0
    p[1, 2, 200, :200] = 0.07 / 200
    p[1, 2, 200, 17] = 0.93
    return p


def test_heads_is_the_default_over_several_layers_in_a_backend_that_draws_it(spiked):
    tokens = [f"w{i}" for i in range(300)]
    fig = vk.attention(spiked, tokens=tokens, backend="plotly")
    assert fig.kind == "attention" and fig.meta["mode"] == "heads"
    assert vk.attention(spiked, mode="grid", backend="plotly").meta.get("mode") is None
    assert vk.attention(spiked[:1], backend="plotly").meta.get("mode") is None  # one layer: the grid of its heads
    for name in ("bokeh", "holoviews", "circuitsvis"):  # circuitsvis: its own AttentionHeads from the grid panels
        assert vk.attention(spiked, backend=name).meta["mode"] == "heads"
    with vk.use_backend("matplotlib"):
        assert vk.attention(spiked).meta["mode"] == "heads"
    from vizkit import _registry

    _registry.register("gridonly", "vizkit.backends.matplotlib", kinds={"attention"})  # a backend without the view
    try:
        assert vk.attention(spiked, backend="gridonly").meta.get("mode") is None
        with pytest.raises(UnsupportedFigureError, match="cannot draw the attention heads view.*'plotly'"):
            vk.attention(spiked, mode="heads", backend="gridonly")
    finally:
        _registry.unregister("gridonly")
    with pytest.raises(VizkitError, match="selected= picks the head drawn large"):
        vk.attention(spiked, mode="grid", selected=(0, 1))


def test_the_spec_carries_every_head_in_full_and_the_selected_head(spiked):
    tokens = [f"w{i}" for i in range(300)]
    fig = vk.attention(spiked, tokens=tokens, selected=(1, 2), backend="plotly")
    pats = fig.meta["patterns"]
    assert pats.shape == (2, 3, 300, 300) and pats.dtype == np.float32
    lower = np.tril(np.ones((300, 300), dtype=bool))
    assert np.array_equal(pats[..., lower], spiked[..., lower])  # exact, not resampled
    assert np.isnan(pats[..., ~lower]).all()  # causal triangle masked
    assert tuple(fig.meta["selected"]) == (1, 2)
    assert list(fig.meta["key_labels"]) == tokens == list(fig.meta["query_labels"])
    # the grid panels a backend without the view draws keep the spike
    assert fig.panels[5].title == "L1H2" and fig.panels[5].marks[0].z[200, 17] == pytest.approx(0.93)
    # the spec survives JSON
    back = vk.Figure.from_json(fig.to_json())
    assert np.array_equal(back.meta["patterns"], pats, equal_nan=True) and tuple(back.meta["selected"]) == (1, 2)
    with pytest.raises(VizkitError, match=r"selected=\(5, 0\) is not drawn: the layers are \[0, 1\]"):
        vk.attention(spiked, selected=(5, 0), backend="plotly")
    with pytest.raises(VizkitError, match="selected= takes \\(layer, head\\)"):
        vk.attention(spiked, selected=3, backend="plotly")


def test_thumbnails_keep_a_one_cell_spike_at_its_value(spiked):
    fig = vk.attention(spiked, backend="plotly")
    plan = make_plan(fig)
    lay = hp.layout(plan)
    assert lay.factor > 1  # 300 cells do not fit a thumbnail: blocks
    mosaic = hp.thumbnails(fig, lay)
    assert mosaic.shape == lay.mosaic_shape
    thumb = mosaic[lay.row_stride: lay.row_stride + lay.thumb_rows, 2 * lay.col_stride: 2 * lay.col_stride + lay.thumb_cols]
    f = lay.factor
    assert thumb[200 // f, 17 // f] == pytest.approx(0.93)  # a block mean would show about 0.93 / factor²
    assert np.nanmax(thumb[(200 // f) - 1: (200 // f) + 2, :3 + 17 // f]) == pytest.approx(0.93)
    # every other thumbnail shows its own head's maximum; the gaps between them are empty
    for li in range(2):
        for h in range(3):
            t = mosaic[li * lay.row_stride: li * lay.row_stride + lay.thumb_rows,
                       h * lay.col_stride: h * lay.col_stride + lay.thumb_cols]
            assert np.nanmax(t) == pytest.approx(np.nanmax(fig.meta["patterns"][li, h]))
    assert np.isnan(mosaic[lay.thumb_rows: lay.row_stride]).all()
    # geometry: the parts do not overlap and fit the figure
    m, s, t = lay.mosaic, lay.selected, lay.tokens
    assert m.x + m.width < s.x and s.x + s.width <= lay.width and max(m.y + m.height, s.y + s.height) < t.y
    assert t.y + t.height <= lay.height


def test_token_view_colours_what_a_token_attends_to_and_what_attends_to_it():
    p = np.zeros((1, 1, 4, 4), dtype=np.float32)
    p[0, 0] = [[1, 0, 0, 0], [0.2, 0.8, 0, 0], [0.5, 0.5, 0, 0], [0, 0, 0, 1]]
    fig = vk.attention(p, tokens=["a", "b", "c", "d"], mode="heads", backend="plotly")
    fills, inks = hp.token_colours(fig, 0, 0, 1)  # hover "b": it attends to a (0.2) and b (0.8); c attends to it (0.5)
    from vizkit.spec.colors import palette

    blues, reds = palette("Blues", 256), palette("Reds", 256)
    assert fills[:2] == [blues[round(0.2 * 255)], blues[round(0.8 * 255)]]
    assert fills[2] == reds[round(0.5 * 255)] and fills[3] == reds[0]
    assert inks[1] == "#ffffff" and inks[0] == "#111111"


def test_encoding_shows_exactly_the_digits_it_holds():
    rng = np.random.default_rng(3)
    v = np.concatenate([rng.random(20000) ** 4, [0.0, 1.0, 0.0473, 0.4731, np.nan, np.inf, -np.inf]])
    book = encoding.codebook(v)
    assert book.kind == "attention" and len(book.values) <= 255 and book.hover_format == ".3~f"
    codes = encoding.quantise(v, book)
    assert (codes[-3:] == encoding.MISSING).all()  # NaN and ±inf are gaps, never the top colour
    texts = [book.texts[c] for c in codes[:-3]]
    assert texts[-4:] == ["0.000", "1.00", "0.047", "0.47"]
    finite = v[:-3]
    for x, t in zip(finite, texts, strict=True):
        decimals = len(t.split(".")[1])
        assert abs(x - float(t)) <= 0.5 * 10 ** -decimals + 1e-7  # the shown digits are the value's own
        assert (decimals == 3) == (float(t) < 0.1)
    back = encoding.decode(codes, book)
    assert np.nanmax(np.abs(back[:-3] - finite)) <= 0.005 + 1e-7 and np.isnan(back[-3:]).all()
    assert np.array_equal(encoding.unpack(encoding.pack(codes), codes.shape), codes)
    # signed data: one decimal step, at most 255 codes, within half a step
    s = rng.normal(size=5000) * 3
    book = encoding.codebook(s)
    assert book.kind == "linear" and len(book.values) <= 255
    assert book.hover_format == f".{len(book.texts[0].split('.')[1])}~f"
    back = encoding.decode(encoding.quantise(s, book), book)
    assert np.max(np.abs(back - s)) <= book.step / 2 + 1e-9


def test_whole_model_encodes_in_well_under_a_byte_per_cell():
    p = causal_softmax(12, 12, 256, seed=0)
    book = encoding.codebook(p)
    packed = encoding.pack(encoding.quantise(np.where(np.tril(np.ones((256, 256), bool)), p, np.nan), book))
    assert len(packed) / p.size < 0.6  # base64 included; the page's JavaScript brings the rest (test_heads_view_plotly)


def test_induction_model_heads_view(induction):
    """The committed 2-layer induction model: the heads view of its TransformerLens cache."""
    from vizkit.figures.heads import induction_scores

    ind = induction
    head = int(np.argmax(induction_scores(ind.cache, ind.offset).values[1]))
    fig = vk.attention(ind.cache, tokens=ind.str_tokens, selected=(1, head), backend="plotly")
    assert fig.meta["mode"] == "heads" and tuple(fig.meta["selected"]) == (1, head)
    n = len(ind.str_tokens)
    cached = ind.cache["pattern", 1][0, head].numpy()
    lower = np.tril(np.ones((n, n), dtype=bool))
    native = fig.to("plotly")
    z = np.asarray(native.data[1].z, dtype=np.float32)
    assert np.array_equal(z[lower], cached[lower].astype(np.float32))  # the selected head, exact
    # the induction stripe: the second copy attends to the token after the first occurrence
    q = np.arange(ind.offset + 1, n)
    assert np.mean(z[q, q - ind.offset + 1]) > 0.3
    assert native.data[1].name == f"L1H{head}"
    assert [t.replace("\u200b", "") for t in native.data[2].text] == ind.str_tokens


def test_inf_is_a_gap_in_every_part_never_the_top_colour():
    p = causal_softmax(2, 2, 12, seed=4)
    p[1, 1, 9, 3] = np.inf
    fig = vk.attention(p, mode="heads", selected=(1, 1), backend="plotly")
    assert any("NaN/inf" in n for n in fig.notes)
    lay = hp.layout(make_plan(fig))
    mosaic = hp.thumbnails(fig, lay)
    assert np.isfinite(mosaic[~np.isnan(mosaic)]).all() and np.nanmax(mosaic) <= 1.0
    assert np.isnan(hp.pattern(fig, 1, 1)[9, 3])
    native = fig.to("plotly")
    assert np.isnan(np.asarray(native.data[1].z, dtype=float)[9, 3])
    book = encoding.codebook(fig.meta["patterns"])
    assert encoding.quantise(fig.meta["patterns"], book)[1, 1, 9, 3] == encoding.MISSING
