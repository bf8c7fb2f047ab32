"""Head scores as labelled arrays, computed on the committed induction model without drawing anything."""

import numpy as np
import pytest
import xarray as xr

import vizkit.analysis as va
from vizkit.errors import ShapeError, VizkitError


def test_scores_are_layer_by_head_arrays_that_find_the_real_heads(induction):
    ind = induction
    prev = va.previous_token_scores(ind.cache)
    ind_scores = va.induction_scores(ind.cache, ind.offset)
    dup = va.duplicate_token_scores(ind.cache, ind.offset)
    n_layers, n_heads = ind.model.cfg.n_layers, ind.model.cfg.n_heads
    for scores, name in ((prev, "previous-token score"), (ind_scores, "induction score"), (dup, "duplicate-token score")):
        assert isinstance(scores, xr.DataArray) and scores.dims == ("layer", "head") and scores.name == name
        assert scores.shape == (n_layers, n_heads)
        assert scores.coords["layer"].values.tolist() == list(range(n_layers))
        assert ((scores.values >= 0) & (scores.values <= 1)).all()
    # the model's previous-token head is in layer 0 and its induction head in layer 1 (it is a 2-layer induction model)
    assert int(np.argmax(prev.values)) // n_heads == 0 and float(prev.max()) > 0.7
    assert int(np.argmax(ind_scores.values)) // n_heads == 1 and float(ind_scores.max()) > 0.5
    # the stripe by hand on the cache's own pattern
    pat = ind.cache["pattern", 1][0].numpy()
    q = np.arange(ind.offset + 1, pat.shape[-1])  # after BOS, the repeated half
    np.testing.assert_allclose(ind_scores.values[1], pat[:, q, q - ind.offset + 1].mean(-1), rtol=1e-5)


def test_first_token_scores_and_batch_average(induction):
    ind = induction
    first = va.first_token_scores(ind.cache, batch=[0, 1])
    want = np.mean([np.stack([ind.cache["pattern", L][b, :, :, 0].mean(-1).numpy() for L in range(2)]) for b in (0, 1)],
                   axis=0)
    np.testing.assert_allclose(first.values, want, rtol=1e-5)
    assert first.name == "first-token score"


def test_plain_dict_and_tl2_caches_give_the_same_scores(induction):
    ind = induction
    want = va.induction_scores(ind.cache, ind.offset)
    xr.testing.assert_allclose(va.induction_scores(ind.dict_cache, ind.offset), want)
    xr.testing.assert_allclose(va.induction_scores(ind.legacy_cache, ind.offset), want)


def test_the_score_helpers_are_reachable_from_vk_figures_heads():
    """The figure module re-exports the analysis functions, so older imports keep working."""
    from vizkit.figures import heads

    assert heads.induction_scores is va.induction_scores and heads.previous_token_scores is va.previous_token_scores


@pytest.mark.parametrize("offset", [0, -3, 2.5, True])
def test_bad_offsets_are_refused(offset):
    with pytest.raises(VizkitError, match="offset must be a positive int"):
        va.induction_scores(np.ones((1, 1, 4, 4)), offset)


def test_an_offset_longer_than_the_sequence_says_so():
    with pytest.raises(ShapeError, match="too few for the stripe"):
        va.induction_scores(np.tril(np.ones((1, 1, 4, 4))), 10)
