"""The cache adapter on a real TransformerLens 4 ActivationCache, a plain dict and a TL 2/3-style cache.

The model is a small ``TransformerBridge.boot_native`` model with random weights (with an MLP and
LayerNorms, so every hook kind is present); the values are compared with indexing the cache by hand.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

import vizkit as vk
from tests.figures.conftest import LegacyCache
from vizkit.adapters import transformer_lens as tla
from vizkit.errors import DimensionError, LabelError, ShapeError, UnknownHookError, UnsupportedInputError

N_LAYERS, N_HEADS, D_HEAD, D_MODEL, D_MLP, VOCAB, BATCH, POS = 2, 4, 8, 32, 64, 50, 3, 7


@pytest.fixture(scope="module")
def run():
    from transformer_lens.model_bridge import TransformerBridge

    cfg = dict(n_layers=N_LAYERS, d_model=D_MODEL, n_heads=N_HEADS, d_head=D_HEAD, d_mlp=D_MLP, d_vocab=VOCAB, n_ctx=16,
               act_fn="gelu", normalization_type="LN", seed=0)
    model = TransformerBridge.boot_native(cfg)
    tokens = torch.randint(0, VOCAB, (BATCH, POS), generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        _, cache = model.run_with_cache(tokens)
    return model, cache


# hook kind → (short name, dims without batch, shape without batch)
KINDS = {
    "attn.hook_pattern": ("pattern", ("head", "query", "key"), (N_HEADS, POS, POS)),
    "attn.hook_attn_scores": ("attn_scores", ("head", "query", "key"), (N_HEADS, POS, POS)),
    "attn.hook_q": ("q", ("pos", "head", "d_head"), (POS, N_HEADS, D_HEAD)),
    "attn.hook_k": ("k", ("pos", "head", "d_head"), (POS, N_HEADS, D_HEAD)),
    "attn.hook_v": ("v", ("pos", "head", "d_head"), (POS, N_HEADS, D_HEAD)),
    "attn.hook_z": ("z", ("pos", "head", "d_head"), (POS, N_HEADS, D_HEAD)),
    "hook_resid_pre": ("resid_pre", ("pos", "d_model"), (POS, D_MODEL)),
    "hook_resid_mid": ("resid_mid", ("pos", "d_model"), (POS, D_MODEL)),
    "hook_resid_post": ("resid_post", ("pos", "d_model"), (POS, D_MODEL)),
    "hook_attn_out": ("attn_out", ("pos", "d_model"), (POS, D_MODEL)),
    "hook_mlp_out": ("mlp_out", ("pos", "d_model"), (POS, D_MODEL)),
    "mlp.hook_pre": ("pre", ("pos", "d_mlp"), (POS, D_MLP)),
    "mlp.hook_post": ("post", ("pos", "d_mlp"), (POS, D_MLP)),
    "ln1.hook_scale": (None, ("pos", "one"), (POS, 1)),
    "ln2.hook_normalized": (None, ("pos", "d_model"), (POS, D_MODEL)),
}


@pytest.mark.parametrize("suffix", list(KINDS))
def test_every_hook_kind_by_full_name_and_short_name(run, suffix):
    _, cache = run
    short, dims, shape = KINDS[suffix]
    full = f"blocks.1.{suffix}"
    da = tla.activation(cache, full, batch=2)
    assert da.dims == dims and da.shape == shape and da.name == full
    np.testing.assert_array_equal(da.values, cache[full][2].numpy())
    if short is not None:
        by_short = tla.activation(cache, short, layer=1, batch=2)
        assert by_short.dims == dims
        np.testing.assert_array_equal(by_short.values, da.values)
        np.testing.assert_array_equal(by_short.values, cache[short, 1][2].numpy())  # what cache["pattern", 1] gives
    if "head" in dims:
        assert list(da.coords["head"].values) == list(range(N_HEADS))


@pytest.mark.parametrize("name, dims", [("hook_embed", ("pos", "d_model")), ("hook_pos_embed", ("pos", "d_model")),
                                        ("ln_final.hook_scale", ("pos", "one")), ("hook_unembed", ("pos", "d_vocab"))])
def test_model_level_hooks(run, name, dims):
    _, cache = run
    da = tla.activation(cache, name)
    assert da.dims == dims
    np.testing.assert_array_equal(da.values, cache[name][0].numpy())
    assert tla.activation(cache, "scale").name == "ln_final.hook_scale"  # short name, as get_act_name resolves it


def test_all_layers_of_a_kind_are_stacked_with_tokens_as_coordinates(run):
    _, cache = run
    toks = [f"t{i}" for i in range(POS - 1)] + ["t0"]  # a repeated token stays a separate position
    da = tla.activation(cache, "pattern", tokens=toks, batch=1)
    assert da.dims == ("layer", "head", "query", "key") and da.shape == (N_LAYERS, N_HEADS, POS, POS)
    assert list(da.coords["layer"].values) == [0, 1]
    assert list(da.coords["key"].values) == toks == list(da.coords["query"].values)
    for L in range(N_LAYERS):
        np.testing.assert_array_equal(da.sel(layer=L).values, cache["pattern", L][1].numpy())
    resid = tla.activation(cache, "resid_post", layer=[-1, 0], batch=None)
    assert resid.dims == ("layer", "batch", "pos", "d_model") and list(resid.coords["layer"].values) == [1, 0]
    np.testing.assert_array_equal(resid.sel(layer=1).values, cache["blocks.1.hook_resid_post"].numpy())


def test_batch_selection_keeps_or_drops_the_batch_dim(run):
    _, cache = run
    two = tla.activation(cache, "z", layer=0, batch=[2, 0])
    assert two.dims == ("batch", "pos", "head", "d_head") and list(two.coords["batch"].values) == [2, 0]
    np.testing.assert_array_equal(two.values, cache["blocks.0.attn.hook_z"][[2, 0]].numpy())
    last = tla.activation(cache, "z", layer=0, batch=-1)
    np.testing.assert_array_equal(last.values, cache["blocks.0.attn.hook_z"][-1].numpy())


def test_plain_dict_and_tl2_style_cache_give_the_same_arrays(run):
    _, cache = run
    plain = {k: v for k, v in cache.items()}
    legacy = LegacyCache(plain)
    want = tla.activation(cache, "pattern", layer=1)
    for other in (plain, legacy):
        got = tla.activation(other, "pattern", layer=1)
        assert got.dims == want.dims
        np.testing.assert_array_equal(got.values, want.values)
    # a cache whose batch dim was removed (cache.remove_batch_dim(), or a dict of [pos, ...] tensors)
    unbatched = {k: v[0] for k, v in plain.items() if k.endswith("hook_pattern")}
    np.testing.assert_array_equal(tla.activation(unbatched, "pattern", layer=1, batch=2).values, cache["pattern", 1][0].numpy())


def test_the_cache_is_sliced_before_it_is_converted(run, monkeypatch):
    """Only the chosen batch item of the chosen hook is ever turned into numpy."""
    import vizkit.adapters as adapters

    _, cache = run
    converted = []
    real = adapters.to_numpy
    monkeypatch.setattr(adapters, "to_numpy", lambda obj: converted.append(tuple(obj.shape)) or real(obj))
    tla.activation(cache, "pattern", batch=1)
    assert converted == [(N_HEADS, POS, POS)] * N_LAYERS


def test_bf16_and_grad_tensors_are_detached_and_upcast():
    t = torch.rand(2, 3, 5, 5, dtype=torch.bfloat16, requires_grad=True)
    da = tla.activation({"blocks.0.attn.hook_pattern": t}, "pattern", layer=0)
    assert da.dtype == np.float32
    np.testing.assert_array_equal(da.values, t[0].detach().float().numpy())


def test_vk_activation_is_the_public_name(run):
    _, cache = run
    assert vk.activation is tla.activation


def test_hook_names_resolve_like_get_act_name():
    from transformer_lens.utilities import get_act_name

    for args in [("pattern", 1), ("attn", 0), ("resid_pre", 3), ("z", 2), ("k6",), ("scale4ln1",), ("scale",), ("embed",),
                 ("pre", 5), ("post", 0), ("normalized", 2, "ln2"), ("blocks.0.attn.hook_q",), ("mlp_out", 1)]:
        assert tla.hook_name(*args) == get_act_name(*args), args


@pytest.mark.parametrize(
    "call, error, words",
    [
        (lambda c: tla.activation(c, "blocks.0.attn.hook_patern"), UnknownHookError,
         r"no hook 'blocks.0.attn.hook_patern'; did you mean \['blocks.0.attn.hook_pattern'"),
        (lambda c: tla.activation(c, "pattern", layer=5), UnknownHookError, "no hook 'blocks.5.attn.hook_pattern'"),
        (lambda c: tla.activation(c, "pattern", layer=-3), DimensionError, "layer -3 is out of range for a model with 2 layers"),
        (lambda c: tla.activation(c, "nonsense"), UnknownHookError, "no hook 'hook_nonsense'"),
        (lambda c: tla.activation(c, "pattern", layer=0, batch=3), DimensionError, "batch=3 is out of range: the cache holds 3"),
        (lambda c: tla.activation(c, "pattern", layer=0, tokens=["a"] * 6), LabelError,
         "got 6 tokens but hook 'blocks.0.attn.hook_pattern' has 7 positions"),
        (lambda c: tla.activation(c, "pattern", layer=0, tokens="the cat"), LabelError, "single string"),
        (lambda c: tla.activation(np.zeros((2, 2)), "pattern"), UnsupportedInputError, "expected an activation cache"),
        (lambda c: tla.activation({"blocks.0.attn.hook_pattern": torch.zeros(3, 3)}, "pattern", layer=0), ShapeError,
         r"should be \[batch, head, query, key\] or \[head, query, key\]"),
    ],
)
def test_bad_input_says_what_was_expected(run, call, error, words):
    _, cache = run
    with pytest.raises(error, match=words):
        call(cache)
