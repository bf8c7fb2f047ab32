"""vk.patching: plain tensors with dims, the TL *_every stacks, TL 4 PatchingResult, a real run."""

import numpy as np
import pytest
import torch

from tests.figures.conftest import SEQ_LEN, check_snapshot, hover_cell, roundtrip, tick_texts
from vizkit.errors import DimensionError, ShapeError, VizkitError
from vizkit.figures.patching import patching
from vizkit.spec import Heatmap

TOKS = ["<bos>", " a", " b", " a", " b"]


def test_layer_by_position_with_token_labels_diverging_at_zero():
    values = torch.tensor([[0.0, 0.1, 0.9, 0.0, 0.05], [0.0, -0.2, 0.1, 0.0, 0.6]])
    fig = roundtrip(patching(values, dims=("layer", "pos"), tokens=TOKS, title="resid_pre patching"))
    check_snapshot(fig, "patching_layer_pos")
    (hm,) = fig.marks(Heatmap)
    np.testing.assert_allclose(hm.z, values.numpy())
    assert hm.x_labels == ("<bos>", "␣a", "␣b", "␣a", "␣b") and hm.y_labels == ("0", "1")
    assert hm.colorscale.name == "RdBu" and hm.colorscale.zmid == 0.0
    assert (hm.colorscale.zmin, hm.colorscale.zmax) == pytest.approx((-0.9, 0.9))  # float32 input
    assert fig.meta == {"dims": ["layer", "pos"], "patch_types": None, "metric": None}
    p = fig.to("plotly")
    assert p.layout.title.text == "resid_pre patching"
    assert tick_texts(p.layout.xaxis) == ["&lt;bos&gt;", "␣a", "␣b", "␣a", "␣b"] and tick_texts(p.layout.yaxis) == ["0", "1"]
    assert p.layout.xaxis.title.text == "pos" and p.layout.yaxis.title.text == "layer"
    assert p.layout.coloraxis.cmin == pytest.approx(-0.9) and p.layout.coloraxis.cmax == pytest.approx(0.9)
    assert p.layout.coloraxis.colorscale[0][1] == "#67001f"
    assert hover_cell(p.data[0], 1, 4) == ("1", "␣b") and float(np.asarray(p.data[0].z)[1][4]) == pytest.approx(0.6)


def test_one_panel_per_patch_type_and_layer_by_head():
    rng = np.random.default_rng(0)
    every = rng.normal(size=(5, 2, 4))  # get_act_patch_attn_head_all_pos_every: [patch_type, layer, head]
    fig = roundtrip(patching(every, dims=("patch_type", "layer", "head"), zmid=None, zmin=-3, zmax=3))
    check_snapshot(fig, "patching_every_head")
    assert len(fig.panels) == 5 and fig.facet_cols == 3 and fig.grid == (2, 3)
    hm = fig.panels[3].marks[0]
    np.testing.assert_allclose(hm.z, every[3])
    assert hm.x_labels == ("0", "1", "2", "3") and (hm.x_title, hm.y_title) == ("head", "layer")
    assert len({p.marks[0].colorscale for p in fig.panels}) == 1  # one scale for every panel
    p = fig.to("plotly")
    assert p.layout.coloraxis.cmin == -3 and p.layout.coloraxis.cmax == 3
    by_pos = patching(rng.normal(size=(2, 5, 3)), dims=("layer", "pos", "head"), tokens=TOKS)
    (hm,) = by_pos.marks(Heatmap)
    assert hm.y_labels == ("L0H0", "L0H1", "L0H2", "L1H0", "L1H1", "L1H2") and hm.z.shape == (6, 5)


@pytest.mark.parametrize(
    "call, error, words",
    [
        (lambda: patching(np.zeros((2, 5)), dims=("layer", "pos"), tokens=TOKS[:4]), VizkitError, "4"),
        (lambda: patching(np.zeros(3), dims=("layer",)), ShapeError, "patching draws 2-D sweeps"),
        (lambda: patching(np.zeros((2, 3, 4)), dims=("layer", "pos", "batch_item")), DimensionError, "layer, pos and head"),
        (lambda: patching(np.zeros((2, 3)), dims=("layer", "pos"), metric="loss"), VizkitError, "single metric"),
    ],
)
def test_bad_input_raises(call, error, words):
    with pytest.raises(error, match=words):
        call()


# ---------------------------------------------------------------------------------------------
# A real TransformerLens patching run on the committed induction model


@pytest.fixture(scope="module")
def corrupted_run(induction):
    """Corrupt one token of the first copy; the metric is the induction prediction that needs it.

    Position ``k`` of the first copy holds token ``r_k``. In the second copy, the query holding
    ``r_{k-1}`` predicts ``r_k`` by attending to position ``k``. Swapping ``r_k`` for another
    token breaks that prediction; patching the clean residual stream back at position ``k``
    restores it.
    """
    ind = induction
    model = ind.model
    clean = ind.tokens[:1]
    k = 4
    corrupt = clean.clone()
    corrupt[0, k] = (clean[0, k] % (model.cfg.d_vocab - 1)) + 1
    query = k - 1 + SEQ_LEN
    right, wrong = int(clean[0, k]), int(corrupt[0, k])
    with torch.no_grad():
        clean_logits, clean_cache = model.run_with_cache(clean)
        corrupt_logits = model(corrupt)

    def diff(logits):
        return logits[:, query, right] - logits[:, query, wrong]

    lo, hi = diff(corrupt_logits).item(), diff(clean_logits).item()
    metrics = {"logit diff": lambda lg: diff(lg).mean(), "restored": lambda lg: ((diff(lg) - lo) / (hi - lo)).mean()}
    return dict(model=model, corrupt=corrupt, clean_cache=clean_cache, metrics=metrics, k=k, lo=lo, hi=hi,
                tokens=[f"t{int(t)}" for t in clean[0]])


def test_real_resid_pre_patching_lights_up_at_the_corrupted_repeated_token(corrupted_run):
    from transformer_lens import patching as tl_patching

    run = corrupted_run
    assert run["hi"] - run["lo"] > 2  # the corruption really breaks the induction prediction
    result = tl_patching.get_act_patch_resid_pre(run["model"], run["corrupt"], run["clean_cache"], run["metrics"]["restored"])
    fig = roundtrip(patching(result, dims=("layer", "pos"), tokens=run["tokens"], value_label="restored fraction"))
    (hm,) = fig.marks(Heatmap)
    k = run["k"]
    assert hm.z.shape == (run["model"].cfg.n_layers, len(run["tokens"]))
    assert hm.z[0, k] == pytest.approx(1.0, abs=1e-3)  # the clean token back restores everything
    assert np.abs(np.delete(hm.z[0], k)).max() < 0.05  # nothing else matters at the embeddings
    assert int(np.argmax(hm.z[1])) == k  # still position k before the induction layer
    assert hm.x_labels[k] == run["tokens"][k] and hm.value_label == "restored fraction"
    p = fig.to("plotly")
    assert tick_texts(p.layout.xaxis) == run["tokens"]
    assert p.layout.coloraxis.colorbar.title.text == "restored fraction"
    assert p.layout.coloraxis.cmin == pytest.approx(-p.layout.coloraxis.cmax)


def test_real_patching_result_with_named_metrics(corrupted_run):
    from transformer_lens import patching as tl_patching

    run = corrupted_run
    def batched(metric):  # reduce="none" wants a [batch] tensor from each metric
        return lambda logits: metric(logits).reshape(1)

    per_example = {name: batched(metric) for name, metric in run["metrics"].items()}
    result = tl_patching.get_act_patch_resid_pre(run["model"], run["corrupt"], run["clean_cache"], per_example, reduce="none")
    assert isinstance(result, tl_patching.PatchingResult) and result.metric_names == ["logit diff", "restored"]
    fig = roundtrip(patching(result, tokens=run["tokens"], metric="logit diff"))
    (hm,) = fig.marks(Heatmap)
    assert fig.meta["metric"] == "logit diff" and hm.value_label == "logit diff"
    assert hm.z[0, run["k"]] == pytest.approx(run["hi"], rel=1e-3)
    assert "mean over 1 example" in fig.notes
    with pytest.raises(VizkitError, match=r"holds 2 metrics \['logit diff', 'restored'\]; pass metric="):
        patching(result)
    with pytest.raises(DimensionError, match="unknown metric 'loss'"):
        patching(result, metric="loss")
