"""Long context without blurring (issue 12): a one-cell spike in a 4096² head survives the overview in
every backend, and ``vk.attention(..., query=, key=)`` reaches that cell's exact value and tokens."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import vizkit as vk
from vizkit.spec import Heatmap

N = 4096
Q, K, SPIKE = 3001, 1234, 0.93
TOKENS = [f"w{i % 97}" for i in range(N)]  # repeated strings: labels must still tell the cells apart


@pytest.fixture(scope="module")
def head():
    """A causal 4096² softmax-like head: small weights in every row (summing to 1), and in row ``Q``
    one key holding 0.93 of the weight, the rest spread over its ``Q`` other keys."""
    rng = np.random.default_rng(12)
    z = rng.random((N, N), dtype=np.float32)
    z[np.triu_indices(N, 1)] = 0
    z /= z.sum(axis=1, keepdims=True)
    z[Q] *= (1 - SPIKE) / (1 - z[Q, K])
    z[Q, K] = SPIKE
    assert z[Q, K] > 300 * np.delete(z[Q], K).max()  # a lone spike: a block mean would show ≤ 0.93/25
    return z


@pytest.fixture(scope="module")
def overview(head):
    return vk.attention(head)


def _spike_block(fig) -> tuple[int, int]:
    (mark,) = fig.marks(Heatmap)
    f = int(np.ceil(N / mark.z.shape[0]))
    return Q // f, K // f


def test_the_overview_keeps_the_block_maximum_and_says_so(overview):
    (mark,) = overview.marks(Heatmap)
    assert mark.z.shape == (820, 820)  # 5×5 blocks
    r, c = _spike_block(overview)
    assert mark.z[r, c] == pytest.approx(SPIKE)
    around = mark.z[r - 40:r + 40, c - 40:c + 40]  # away from the first rows, whose few keys hold big weights
    assert np.nanmax(around) == pytest.approx(SPIKE) and np.nanmedian(around) < 0.01
    assert mark.colorscale.zmin == 0 and mark.colorscale.zmax >= SPIKE  # the spike is inside the colour range
    assert any("each block of 5×5 shows its largest-magnitude value" in n for n in overview.notes)


def _image(backend: str, fig) -> np.ndarray:
    """The heatmap values a backend's native object will draw, rows in the spec's order."""
    native = fig.to(backend)
    if backend == "plotly":
        (trace,) = [t for t in native.data if t.type == "heatmap"]
        return np.asarray(trace.z, dtype=float)
    if backend == "bokeh":
        from bokeh.models import GlyphRenderer, Image

        (r,) = [r for r in native.select({"type": GlyphRenderer}) if isinstance(r.glyph, Image)]
        return np.asarray(r.data_source.data["image"][0], dtype=float)
    if backend == "holoviews":
        import holoviews as hv

        (img,) = native.traverse(lambda e: e, [hv.Image])
        return img.dimension_values(2, flat=False)
    if backend == "matplotlib":
        import matplotlib.pyplot as plt

        (im,) = native.axes[0].images
        out = np.ma.filled(np.ma.asarray(im.get_array(), dtype=float), np.nan)
        plt.close(native)
        return out
    raise AssertionError(backend)


@pytest.mark.parametrize("backend", ["plotly", "bokeh", "holoviews", "matplotlib"])
def test_the_spike_is_drawn_at_its_value_in_every_backend(overview, backend):
    z = _image(backend, overview)
    assert z.shape == (820, 820)
    r, c = _spike_block(overview)
    rows = {r, z.shape[0] - 1 - r}  # a backend may store rows bottom-up (y up)
    (i,) = [i for i in rows if z[i, c] == pytest.approx(SPIKE, rel=1e-6)]
    assert np.nanmax(z[i - 40:i + 40, c - 40:c + 40]) == pytest.approx(SPIKE, rel=1e-6)


def test_the_spike_is_at_its_value_in_the_circuitsvis_props(overview):
    from vizkit.backends.circuitsvis.props import SlowRenderWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SlowRenderWarning)  # 820² cells: it warns that CircuitsVis is slow
        native = overview.to("circuitsvis")
    att = np.asarray(native.props["attention"], dtype=float)
    r, c = _spike_block(overview)
    assert att.shape == (1, 820, 820) and att[0, r, c] == pytest.approx(SPIKE, rel=1e-6)
    assert native.props["minValue"] == 0 and native.props["maxValue"] >= SPIKE


def test_a_window_draws_the_exact_cells_with_their_tokens(head):
    fig = vk.attention(head, tokens=TOKENS, query=(Q - 5, Q + 3), key=(K - 4, K + 4))
    (mark,) = fig.marks(Heatmap)
    np.testing.assert_array_equal(mark.z, head[Q - 5:Q + 3, K - 4:K + 4].astype(float))  # no reduction at all
    assert mark.z[5, 4] == pytest.approx(SPIKE)
    assert mark.y_labels[5] == f"{TOKENS[Q]} @{Q}" and mark.x_labels[4] == f"{TOKENS[K]} @{K}"
    assert len(set(mark.x_labels)) == 8  # every label distinct
    assert f"query positions {Q - 5}–{Q + 2} × key positions {K - 4}–{K + 3} of a 4096×4096 pattern" in fig.notes[0]
    assert fig.meta["window"] == {"query": [Q - 5, Q + 3], "key": [K - 4, K + 4]}
    # the exact value and both tokens reach the hover of an interactive backend
    (trace,) = [t for t in fig.to("plotly").data if t.type == "heatmap"]
    assert float(trace.z[5][4]) == pytest.approx(SPIKE)
    assert trace.y[5].startswith(f"{TOKENS[Q]} @{Q}") and trace.x[4].startswith(f"{TOKENS[K]} @{K}")
    assert "%{y}" in trace.hovertemplate and "%{x}" in trace.hovertemplate and "%{z" in trace.hovertemplate


def test_a_window_across_the_diagonal_masks_the_keys_after_each_query(head):
    fig = vk.attention(head, query=(100, 110), key=(95, 115))
    (mark,) = fig.marks(Heatmap)
    after = np.arange(95, 115)[None, :] > np.arange(100, 110)[:, None]
    assert np.isnan(mark.z[after]).all()
    np.testing.assert_array_equal(mark.z[~after], head[100:110, 95:115][~after].astype(float))
    assert mark.x_labels[0] == "95" and mark.y_labels[-1] == "109"  # positions without tokens
    assert fig.meta["causal"] is False  # the NaN cells carry the mask: no backend masks a triangle again


@pytest.mark.parametrize("kwargs, words", [
    ({"query": (10, 5)}, "query=(10, 5) is not a window of the query positions 0–4095"),
    ({"key": (0, 5000)}, "expected 0 ≤ start < stop ≤ 4096"),
    ({"key": "0:10"}, "key= must be a (start, stop) pair of positions"),
    ({"query": (0.5, 9)}, "positions must be integers"),
    ({"query": slice(0, 10, 2)}, "slice step 2"),
    ({"query": (0, 2000), "key": (0, 2000)}, "4,000,000 cells per head"),
    ({"query": (0, 10), "tokens": TOKENS[:10]}, "got 10 tokens but the attention pattern has 4096 key positions"),
])
def test_bad_windows_say_what_was_expected(head, kwargs, words):
    with pytest.raises(vk.VizkitError) as info:
        vk.attention(head, **kwargs)
    assert words in str(info.value)
