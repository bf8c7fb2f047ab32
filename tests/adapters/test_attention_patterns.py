"""vizkit.adapters.attention.patterns: every pattern source → (layer, head, query, key), unknown indices left unlabelled."""

import numpy as np
import pytest
import torch
import xarray as xr

from vizkit.adapters.attention import PATTERN_DIMS, patterns
from vizkit.adapters.runs import runs
from vizkit.errors import DimensionError, UnknownHookError, VizkitError


def test_each_raw_layout_and_what_it_knows():
    rng = np.random.default_rng(0)
    matrix = patterns(rng.random((4, 4)))
    assert matrix.dims == PATTERN_DIMS and matrix.shape == (1, 1, 4, 4)
    assert "layer" not in matrix.coords and "head" not in matrix.coords  # nothing made up
    heads = patterns(rng.random((3, 4, 4)))
    assert heads.coords["layer"].values.tolist() == [0] and heads.coords["head"].values.tolist() == [0, 1, 2]
    assert patterns(rng.random((3, 4, 4)), layer=5).coords["layer"].values.tolist() == [5]  # layer= names it
    stack = patterns(rng.random((2, 3, 4, 4)))  # numpy 4-D: a [layer, head, ...] stack
    assert stack.coords["layer"].values.tolist() == [0, 1]
    raw = torch.tensor(rng.random((2, 3, 4, 4)))  # torch 4-D: cache["pattern", L], batch first
    one = patterns(raw, layer=1, batch=1)
    assert one.shape == (1, 3, 4, 4) and one.coords["layer"].values.tolist() == [1]
    np.testing.assert_allclose(one.values[0], raw[1].numpy())
    assert "layer" not in patterns(raw).coords
    named = patterns(raw.numpy(), dims=("batch", "head", "query", "key"), batch=1, heads=[2])
    np.testing.assert_allclose(named.values[0, 0], raw[1, 2].numpy())
    da = xr.DataArray(rng.random((4, 4, 2)), dims=("key", "query", "head"), coords={"head": [3, 9]})
    out = patterns(da)
    assert out.coords["head"].values.tolist() == [3, 9] and out.dims == PATTERN_DIMS


@pytest.mark.parametrize(
    "call, error, words",
    [
        (lambda: patterns(torch.ones(2, 3, 4, 4), layer=[0, 1]), VizkitError, "hold one layer, so layer= can only name it"),
        (lambda: patterns(torch.ones(2, 3, 4, 4), batch=2), DimensionError, r"batch=2 is out of range: the patterns hold 2"),
        (lambda: patterns(np.ones((4, 4)), heads=[0]), VizkitError, "no heads to choose from"),
        (lambda: patterns(np.ones((2, 4, 4)), dims=("head", "row", "key")), DimensionError, "unknown"),
        (lambda: patterns({"blocks.0.attn.hook_pattern": torch.ones(1, 2, 3, 3)}, layer=4), DimensionError, "unknown layer 4"),
        (lambda: patterns({"blocks.0.mlp.hook_post": torch.ones(1, 3, 8)}), UnknownHookError, "no attention patterns"),
        (lambda: patterns({"blocks.0.attn.hook_pattern": torch.ones(1, 2, 3, 3)}, dims=("a",)), VizkitError, "names its own"),
    ],
)
def test_bad_pattern_inputs(call, error, words):
    with pytest.raises(error, match=words):
        call()


def test_runs_are_read_in_the_adapters():
    series, x_title, y_title = runs({"a": [3.0, 2.0], "b": np.array([1.0])})
    assert [(n, s.tolist(), v.tolist()) for n, s, v in series] == [("a", [0.0, 1.0], [3.0, 2.0]), ("b", [0.0], [1.0])]
    assert (x_title, y_title) == ("step", "loss")


def test_a_one_layer_numpy_stack_still_knows_its_layer():
    """``np.stack`` of one layer's patterns is ``[layer, head, ...]``: its layer index 0 is known, so heads are L0H*."""
    one = patterns(np.ones((1, 3, 4, 4)))
    assert one.coords["layer"].values.tolist() == [0] and one.coords["head"].values.tolist() == [0, 1, 2]
