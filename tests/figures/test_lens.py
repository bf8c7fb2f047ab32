"""vk.logit_lens and vk.dla on the committed induction model: the numbers add up to the logits."""

import numpy as np
import pytest
import torch

from tests.figures.conftest import check_snapshot, roundtrip, tick_texts
from vizkit.errors import DimensionError, LabelError, UnsupportedInputError, VizkitError
from vizkit.figures.lens import dla, logit_lens
from vizkit.spec import Bar, Heatmap, Line


def _induction_position(ind):
    """A query in the repeated half and the token that comes next (what induction predicts)."""
    pos = ind.offset + 4
    return pos, int(ind.tokens[0, pos + 1])


def test_logit_lens_ends_at_the_model_logits_and_induction_shows_after_layer_1(induction):
    ind = induction
    pos, answer = _induction_position(ind)
    fig = roundtrip(logit_lens(ind.cache, ind.model, answers={"next": answer, "t1": 1}, pos=pos, tokens=ind.str_tokens))
    nxt, other = fig.marks(Line)
    assert (nxt.name, other.name) == ("next", "t1")
    # readable stages (issue 16), not "0_pre … final_post": the embeddings, then the stream after each layer
    assert fig.meta["stages"] == ["embed"] + [f"after L{L}" for L in range(ind.model.cfg.n_layers)]
    final = ind.logits[0, pos, [answer, 1]].numpy()
    np.testing.assert_allclose([nxt.y[-1], other.y[-1]], final, rtol=1e-4, atol=1e-4)
    assert nxt.y[-1] > nxt.y[0] + 5  # the answer is only readable after the induction layer
    assert fig.title == f"Logit lens at pos {pos} ({ind.str_tokens[pos]})"
    p = fig.to("plotly")
    assert [t.name for t in p.data] == ["next", "t1"]
    assert tick_texts(p.layout.xaxis) == fig.meta["stages"]
    assert p.layout.yaxis.title.text == "logit" and p.layout.xaxis.title.text == "residual stream"
    np.testing.assert_allclose(np.asarray(p.data[0].y)[-1], final[0], rtol=1e-4)


def test_logit_lens_probabilities_and_default_answer_is_the_top_prediction(induction):
    ind = induction
    pos, answer = _induction_position(ind)
    fig = logit_lens(ind.cache, ind.model, pos=pos, prob=True)
    (ln,) = fig.marks(Line)
    assert fig.meta["answers"] == [int(ind.logits[0, pos].argmax())] == [answer]
    probs = ind.logits[0, pos].softmax(-1).numpy()
    assert ln.y[-1] == pytest.approx(float(probs[answer]), rel=1e-4) and ln.y[-1] > 0.5
    assert ((ln.y >= 0) & (ln.y <= 1)).all() and fig.panels[0].y.title == "probability"


def test_dla_per_layer_sums_to_the_logit_and_layer_1_attention_writes_the_answer(induction):
    ind = induction
    pos, answer = _induction_position(ind)
    fig = roundtrip(dla(ind.cache, ind.model, answer, pos=pos, tokens=ind.str_tokens))
    check_snapshot(fig, "dla_layer_induction_model")
    (bars,) = fig.marks(Bar)
    labels = fig.panels[0].x.labels
    assert labels[:2] == ("embed", "pos_embed") and "L1 attn" in labels
    assert fig.meta["total"] == pytest.approx(float(ind.logits[0, pos, answer]), rel=1e-4, abs=1e-4)
    assert bars.y.sum() + fig.meta["constant"] == pytest.approx(fig.meta["total"])
    assert labels[int(np.argmax(bars.y))] == "L1 attn"  # the induction layer
    assert any("plus the constant" in n for n in fig.notes)
    p = fig.to("plotly")
    assert tick_texts(p.layout.xaxis) == list(labels)
    np.testing.assert_allclose(np.asarray(p.data[0].y), bars.y)
    assert "direct logit attribution" in p.layout.yaxis.title.text


def test_dla_per_head_finds_the_induction_head_and_logit_difference(induction):
    ind = induction
    pos, answer = _induction_position(ind)
    wrong = int(ind.tokens[0, pos])
    fig = roundtrip(dla(ind.cache, ind.model, (answer, wrong), per="head", pos=pos))
    (hm,) = fig.marks(Heatmap)
    n_layers, n_heads = ind.model.cfg.n_layers, ind.model.cfg.n_heads
    assert hm.z.shape == (n_layers, n_heads) and hm.colorscale.zmid == 0.0
    # z · W_O of each head, by hand, projected through the final layer norm scale
    with torch.no_grad():
        z = ind.cache["blocks.1.attn.hook_z"][0, pos]
        W_U = ind.model.W_U[:, answer] - ind.model.W_U[:, wrong]
        scale = ind.cache["ln_final.hook_scale"][0, pos]
        for h in range(n_heads):
            out = z[h] @ ind.model.W_O[1, h]
            expect = ((out - out.mean()) / scale * ind.model.ln_final.w) @ W_U
            assert hm.z[1, h] == pytest.approx(float(expect), rel=1e-4, abs=1e-5)
    assert np.unravel_index(np.argmax(hm.z), hm.z.shape)[0] == 1  # the best head is an induction head
    p = fig.to("plotly")
    assert p.layout.coloraxis.cmin == pytest.approx(-p.layout.coloraxis.cmax)


def test_dict_and_tl2_style_caches_give_the_same_figures(induction):
    ind = induction
    pos, answer = _induction_position(ind)
    want = dla(ind.cache, ind.model, answer, pos=pos)
    assert dla(ind.dict_cache, ind.model, answer, pos=pos) == want
    assert dla(ind.legacy_cache, ind.model, answer, pos=pos) == want
    lens = logit_lens(ind.cache, ind.model, answers=[answer], pos=pos)
    assert logit_lens(ind.legacy_cache, ind.model, answers=[answer], pos=pos) == lens
    no_scale = {k: v for k, v in ind.dict_cache.items() if k != "ln_final.hook_scale"}  # scale recomputed
    np.testing.assert_allclose(dla(no_scale, ind.model, answer, pos=pos).marks()[0].y, want.marks()[0].y, rtol=1e-4)


@pytest.mark.parametrize(
    "call, error, words",
    [
        (lambda i: logit_lens(i.cache, i.model, tokens=i.str_tokens[:-1]), LabelError, "got 20 tokens but the cache has 21 positions"),
        (lambda i: logit_lens(i.cache, i.model, pos=21), DimensionError, "pos=21 is outside the 21 positions"),
        (lambda i: logit_lens(i.cache, i.model, answers=[10_000]), LabelError, "outside the vocabulary"),
        (lambda i: logit_lens(i.cache, i.model, answers=["cat"]), LabelError, "no tokenizer; pass token ids"),
        (lambda i: logit_lens(i.cache, object()), UnsupportedInputError, "TransformerLens-style model"),
        (lambda i: dla(i.cache, i.model, 3, per="neuron"), VizkitError, "per must be 'layer' or 'head'"),
        (lambda i: dla(i.cache, i.model, (1, 2, 3)), VizkitError, r"\(correct, wrong\) pair"),
    ],
)
def test_bad_input_raises(induction, call, error, words):
    with pytest.raises(error, match=words):
        call(induction)


# ---------------------------------------------------------------------------------------------
# The top-token heatmap (issue 16): stage × position, the top token written in each cell


def _independent_top_tokens(ind) -> np.ndarray:
    """``[stage, pos]`` argmax of the model's own ``ln_final`` + ``unembed`` on the residual stream of batch item 0."""
    n = ind.model.cfg.n_layers
    streams = [ind.cache[f"blocks.{L}.hook_resid_pre"] for L in range(n)] + [ind.cache[f"blocks.{n - 1}.hook_resid_post"]]
    with torch.no_grad():
        return np.stack([ind.model.unembed(ind.model.ln_final(s))[0].argmax(-1).numpy() for s in streams])


def test_top_token_heatmap_writes_the_argmax_of_the_unembedded_residual_stream(induction):
    from vizkit_gallery.data.models import str_tokens

    ind = induction
    fig = roundtrip(logit_lens(ind.cache, ind.model, top_tokens=True, tokens=ind.str_tokens, token_names=str_tokens))
    heat = fig.marks(Heatmap)[0]
    want = _independent_top_tokens(ind)
    assert fig.kind == "logit_lens" and heat.z.shape == want.shape
    assert fig.meta["top_token_ids"] == want.tolist()
    assert [list(row) for row in heat.text] == [[f"t{i}" for i in row] for row in want]
    assert heat.y_labels == ("embed", "after L0", "after L1") and heat.x_labels == tuple(ind.str_tokens)
    # the colour is the top token's probability: at the last stage the model's own softmax maximum
    np.testing.assert_allclose(heat.z[-1], ind.logits[0].softmax(-1).max(-1).values.numpy(), rtol=1e-4)
    assert (heat.colorscale.zmin, heat.colorscale.zmax, heat.text_label) == (0.0, 1.0, "top token")
    trace = fig.to("plotly").data[0]
    assert trace.customdata[-1][-1] == f"t{want[-1, -1]}" and "top token: %{customdata}" in trace.hovertemplate
    assert trace.texttemplate == "%{text}"  # 21 positions × 3 stages: the tokens fit their cells at 700 px


def test_top_token_heatmap_colours_by_one_answer_and_sublayer_rows(induction):
    ind = induction
    pos, answer = _induction_position(ind)
    fig = logit_lens(ind.cache, ind.model, top_tokens=True, answers=[answer], prob=False, sublayers=True)
    heat = fig.marks(Heatmap)[0]
    assert heat.y_labels == ("embed", "L0 attn", "final")  # attention-only: no MLP rows; the last row is the output
    np.testing.assert_allclose(heat.z[-1], ind.logits[0, :, answer].numpy(), rtol=1e-4, atol=1e-4)
    assert heat.value_label == f"logit of token {answer}"  # no tokenizer and no token_names: "token 57"
    with pytest.raises(VizkitError, match="one answer token at most"):
        logit_lens(ind.cache, ind.model, top_tokens=True, answers=[1, 2])
    with pytest.raises(VizkitError, match="pass top_tokens=True"):
        logit_lens(ind.cache, ind.model, sublayers=True)
    with pytest.raises(LabelError, match="got 3 tokens but the cache has 21 positions"):
        logit_lens(ind.cache, ind.model, top_tokens=True, tokens=["a", "b", "c"])
