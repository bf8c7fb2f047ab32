"""vk.tokens: token-coloured text, diverging for signed values, several selectable rows."""

import numpy as np
import pytest
import torch
import xarray as xr

from tests.figures.conftest import check_snapshot, roundtrip
from vizkit.errors import LabelError, ShapeError
from vizkit.figures.tokens import tokens
from vizkit.spec import TokenText
from vizkit.spec.colors import palette

TOKS = ["<|endoftext|>", "When", " Mary", " and", " John", " went", " to", " the", " store", ",", " John", "\n", " <img src=x onerror=alert(1)>"]


def test_signed_values_diverge_around_zero_and_tokens_are_visible_text():
    values = torch.linspace(-2.0, 1.0, len(TOKS))
    fig = roundtrip(tokens(TOKS, values, value_label="logit diff", title="Per-token logit difference"))
    check_snapshot(fig, "tokens_signed")
    (mark,) = fig.marks(TokenText)
    assert mark.colorscale.name == "RdBu" and (mark.colorscale.zmin, mark.colorscale.zmid, mark.colorscale.zmax) == (-2.0, 0.0, 2.0)
    assert mark.tokens[2] == "␣Mary" and mark.tokens[11] == "↵" and mark.tokens[0] == "<|endoftext|>"
    assert fig.meta["tokens"] == TOKS  # raw strings kept for backends that want them
    np.testing.assert_allclose(mark.values[0], values.numpy())
    p = fig.to("plotly")
    trace, bar = p.data  # the token boxes, and the marker trace that carries the colour bar
    assert p.layout.title.text == "Per-token logit difference"
    assert (bar.marker.cmin, bar.marker.cmax) == (-2.0, 2.0) and bar.marker.colorscale[0][1] == "#67001f"
    assert list(trace.text) == ["&lt;|endoftext|&gt;", "When", "␣Mary", "␣and", "␣John", "␣went", "␣to", "␣the", "␣store",
                                ",", "␣John", "↵", "␣&lt;img src=x onerror=alert(1)&gt;"]
    assert trace.marker.color[0] == "#67001f" and trace.marker.color[-1] == palette("RdBu", 256)[round(0.75 * 255)]  # -2, +1 on ±2
    assert [float(v) for v in trace.customdata] == pytest.approx(values.numpy(), rel=1e-3)  # the hover value of each token
    assert "logit diff: %{customdata}" in trace.hovertemplate
    widths = np.asarray(trace.x, dtype=float)
    assert widths[0] > widths[1] > widths[9]  # each box as wide as its token's text


def test_non_negative_values_use_a_sequential_scale_and_rows_keep_their_names():
    acts = xr.DataArray(np.abs(np.random.default_rng(0).normal(size=(3, len(TOKS)))), dims=("neuron", "pos"),
                        coords={"neuron": ["L0N1", "L0N7", "L1N3"]})
    fig = roundtrip(tokens(TOKS, acts, value_label="activation"))
    check_snapshot(fig, "tokens_rows")
    (mark,) = fig.marks(TokenText)
    assert mark.row_labels == ("L0N1", "L0N7", "L1N3") and mark.values.shape == (3, len(TOKS))
    assert mark.colorscale.name == "Blues" and mark.colorscale.zmid is None
    assert mark.colorscale.zmin == pytest.approx(acts.values.min()) and mark.colorscale.zmax == pytest.approx(acts.values.max())
    p = fig.to("plotly")
    assert [t.name for t in p.data[:3]] == ["L0N1", "L0N7", "L1N3"] and [t.visible for t in p.data[:3]] == [True, False, False]
    (menu,) = p.layout.updatemenus  # a dropdown picks the row; the colour-bar trace stays visible
    assert [b.label for b in menu.buttons] == ["L0N1", "L0N7", "L1N3"]
    assert menu.buttons[2].args[0]["visible"] == [False, False, True, True]
    explicit = tokens(TOKS[:2], [[1, 2], [3, 4]], row_labels=["a", "b"], colorscale="viridis", zmin=0, zmax=10)
    assert explicit.marks()[0].colorscale.name == "viridis" and explicit.marks()[0].colorscale.zmax == 10


@pytest.mark.parametrize(
    "call, error, words",
    [
        # n - 1 values are TransformerLens' per-token loss and are aligned (issue 16); n - 2 is a mismatch
        (lambda: tokens(TOKS, np.zeros(len(TOKS) - 2)), LabelError, f"got {len(TOKS)} tokens but {len(TOKS) - 2} values per row"),
        (lambda: tokens(TOKS, np.zeros((2, 2, len(TOKS)))), ShapeError, r"\[tokens\] or \[rows, tokens\]"),
        (lambda: tokens("When Mary", np.zeros(2)), LabelError, "single string"),
        (lambda: tokens(["a", "b"], np.zeros((2, 2)), row_labels=["x"]), LabelError, "row_labels has 1 labels"),
    ],
)
def test_bad_input_raises(call, error, words):
    with pytest.raises(error, match=words):
        call()
