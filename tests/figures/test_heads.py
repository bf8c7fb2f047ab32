"""vk.head_scores and the score helpers, on synthetic patterns with known heads."""

import numpy as np
import pytest
import torch
import xarray as xr

from tests.figures.conftest import check_snapshot, hover_cell, roundtrip, tick_texts
from vizkit.errors import EmptyDataError, ShapeError, VizkitError
from vizkit.figures.heads import duplicate_token_scores, head_scores, induction_scores, previous_token_scores
from vizkit.spec import Heatmap


def test_scores_from_patterns_single_out_the_planted_heads(synthetic_patterns):
    pat = synthetic_patterns[0]  # [layer, head, q, k]: L0H1 previous-token, L1H2 induction (offset 5)
    prev = previous_token_scores(pat)
    ind = induction_scores(pat, 5)
    dup = duplicate_token_scores(pat, 5)
    assert prev.dims == ("layer", "head") and prev.shape == (2, 3) and prev.name == "previous-token score"
    assert prev.values[0, 1] == pytest.approx(1.0) and np.argmax(prev.values) == 1
    assert ind.values[1, 2] == pytest.approx(1.0) and np.argmax(ind.values) == 5
    # the stripe by hand: query q >= 6 (repeated tokens) on key q - 4
    q = np.arange(6, 11)
    np.testing.assert_allclose(ind.values, pat[..., q, q - 4].mean(-1), rtol=1e-6)
    np.testing.assert_allclose(dup.values, pat[..., q, q - 5].mean(-1), rtol=1e-6)
    no_bos = induction_scores(pat, 5, bos=False)  # also scores query 5 (on key 1)
    np.testing.assert_allclose(no_bos.values, pat[..., np.arange(5, 11), np.arange(1, 7)].mean(-1), rtol=1e-6)
    assert dup.values[1, 2] < 0.05  # the induction head does not look at the copy itself


def test_head_scores_heatmap_layer_by_head_and_dict_facets(synthetic_patterns):
    pat = synthetic_patterns[0]
    scores = {"induction": induction_scores(pat, 5), "previous token": previous_token_scores(pat)}
    fig = roundtrip(head_scores(scores, title="Head scores"))
    check_snapshot(fig, "head_scores_dict")
    assert [p.title for p in fig.panels] == ["induction", "previous token"]
    assert fig.meta["top_head"] == {"induction": "L1H2", "previous token": "L0H1"}
    hm = fig.panels[0].marks[0]
    assert hm.z.shape == (2, 3) and (hm.x_title, hm.y_title, hm.value_label) == ("head", "layer", "score")
    assert fig.panels[0].marks[0].colorscale == fig.panels[1].marks[0].colorscale  # one scale for both
    assert (hm.colorscale.name, hm.colorscale.zmin) == ("Blues", 0.0)
    p = fig.to("plotly")
    assert p.layout.title.text == "Head scores"
    assert tick_texts(p.layout.xaxis) == ["0", "1", "2"] and tick_texts(p.layout.yaxis) == ["0", "1"]
    assert p.layout.yaxis.autorange == "reversed" and p.layout.xaxis.title.text == "head"
    assert p.layout.coloraxis.cmin == 0.0 and p.layout.coloraxis.cmax == pytest.approx(1.0)
    np.testing.assert_allclose(np.asarray(p.data[0].z, dtype=float), scores["induction"].values, rtol=1e-6)
    assert hover_cell(p.data[0], 1, 2) == ("1", "2")


def test_head_detector_output_unscored_heads_are_gaps_and_signed_scores_diverge():
    det = -torch.ones(2, 4)  # what detect_head(heads=[(1, 3), (0, 0)]) returns
    det[1, 3], det[0, 0] = 0.85, 0.1
    fig = roundtrip(head_scores(det, labels={"color": "induction (detect_head)"}))
    check_snapshot(fig, "head_scores_detect_head")
    (hm,) = fig.marks(Heatmap)
    assert np.isnan(hm.z).sum() == 6 and hm.z[1, 3] == pytest.approx(0.85)
    assert "6 heads not scored (detect_head's -1), shown as gaps" in fig.notes
    assert fig.meta["top_head"] == {"None": "L1H3"}
    assert hm.value_label == "induction (detect_head)"
    signed = head_scores(np.array([[-1.0, 0.5], [0.2, -0.3]]))  # error_measure="abs" scores are signed
    (hm,) = signed.marks(Heatmap)
    assert not np.isnan(hm.z).any()  # -1 is a real score here
    assert (hm.colorscale.name, hm.colorscale.zmid, hm.colorscale.zmin, hm.colorscale.zmax) == ("RdBu", 0.0, -1.0, 1.0)
    named = head_scores(xr.DataArray(np.ones((1, 2)), dims=("layer", "head"), coords={"head": [3, 5]}))
    assert named.marks(Heatmap)[0].x_labels == ("3", "5")


@pytest.mark.parametrize(
    "call, error, words",
    [
        (lambda p: head_scores(np.zeros((2, 3, 4))), ShapeError, r"scores must be \[layer, head\]; got shape \(2, 3, 4\)"),
        (lambda p: head_scores({"ind": np.zeros(3)}), ShapeError, r"scores 'ind' must be \[layer, head\]"),
        (lambda p: head_scores({}), EmptyDataError, "empty dict"),
        (lambda p: induction_scores(p[0], 0), VizkitError, "offset must be a positive int"),
        (lambda p: induction_scores(p[0], 11), ShapeError, "too few"),
        (lambda p: duplicate_token_scores(p[0], 2.5), VizkitError, "offset must be a positive int"),
    ],
)
def test_bad_input_raises(synthetic_patterns, call, error, words):
    with pytest.raises(error, match=words):
        call(synthetic_patterns)


# ---------------------------------------------------------------------------------------------
# The committed induction model


def test_head_scores_single_out_the_induction_and_previous_token_heads(induction):
    ind = induction
    ind_scores = induction_scores(ind.cache, ind.offset, batch=[0, 1])
    prev = previous_token_scores(ind.cache, batch=[0, 1])
    dup = duplicate_token_scores(ind.cache, ind.offset)
    layer, head = np.unravel_index(np.argmax(ind_scores.values), ind_scores.shape)
    assert layer == 1 and ind_scores.values[layer, head] > 0.5
    assert ind_scores.values[0].max() < 0.2  # layer 0 cannot do induction on its own
    assert np.unravel_index(np.argmax(prev.values), prev.shape)[0] == 0 and prev.values.max() > 0.7
    assert dup.values.max() < ind_scores.values.max()
    # the stripe by hand from the TransformerLens 4 cache, averaged over both batch items
    pat = ind.cache["pattern", 1].numpy()
    q = np.arange(ind.offset + 1, pat.shape[-1])
    np.testing.assert_allclose(ind_scores.values[1], pat[:, :, q, q - ind.offset + 1].mean(axis=(0, 2)), rtol=1e-5)
    fig = roundtrip(head_scores({"induction": ind_scores, "previous token": prev}))
    assert fig.meta["top_head"] == {"induction": f"L1H{head}", "previous token": f"L0H{int(np.argmax(prev.values[0]))}"}
    p = fig.to("plotly")
    z = np.asarray(p.data[0].z, dtype=float)
    assert np.unravel_index(np.argmax(z), z.shape) == (1, head)
    assert tick_texts(p.layout.yaxis) == ["0", "1"]


def test_scores_from_dict_and_tl2_style_caches_match_the_tl4_cache(induction):
    ind = induction
    want = induction_scores(ind.cache, ind.offset)
    np.testing.assert_allclose(induction_scores(ind.dict_cache, ind.offset).values, want.values)
    np.testing.assert_allclose(induction_scores(ind.legacy_cache, ind.offset).values, want.values)
    np.testing.assert_allclose(previous_token_scores(ind.legacy_cache).values, previous_token_scores(ind.cache).values)
