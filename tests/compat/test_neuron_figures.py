"""The native neuron views behind the CircuitsVis compat calls (vizkit.figures.neurons): data,
labels and the errors for wrong shapes."""

from __future__ import annotations

import numpy as np
import pytest

from tests.compat.conftest import RNG
from vizkit.errors import LabelError, ShapeError, VizkitError
from vizkit.figures import neurons
from vizkit.spec import TokenText


def test_neuron_activations_labels_and_shared_scale():
    # clearly signed values (the low end is far below 0), so the shared scale is diverging around 0 whatever
    # order the suite runs in; values that only dip below 0 are the next test's case
    a = np.array([0.4, -0.2, -0.1, 0.5, 1.2, -0.9]).reshape(3, 1, 2)
    b = np.array([3.0, -4.5, 0.7, 2.2]).reshape(2, 1, 2)
    fig = neurons.neuron_activations([["x", "y", "z"], ["p", "q"]], [a, b], first_dimension_labels=["L5"],
                                     second_dimension_labels=["N7", "N9"], sample_labels=["one", "two"])
    marks = fig.marks(TokenText)
    assert marks[0].row_labels == ("Layer L5 · Neuron N7", "Layer L5 · Neuron N9")
    assert [p.title for p in fig.panels] == ["one", "two"]
    assert marks[0].colorscale == marks[1].colorscale
    top = max(np.abs(a).max(), np.abs(b).max())
    assert marks[0].colorscale.zmax == pytest.approx(top) and marks[0].colorscale.zmid == 0.0


def test_neuron_activations_that_only_dip_below_zero_get_a_sequential_scale():
    # post-GELU activations: the smallest value is -0.17, far smaller in size than the largest
    acts = np.array([0.0, -0.17, 2.5, 0.3, 4.0, -0.05]).reshape(3, 1, 2)
    scale = neurons.neuron_activations(["x", "y", "z"], acts).marks(TokenText)[0].colorscale
    assert scale.zmid is None and scale.zmax == pytest.approx(4.0)


def test_neuron_activations_errors():
    with pytest.raises(ShapeError, match=r"\[tokens, layers, neurons\]"):
        neurons.neuron_activations(["a", "b"], RNG.normal(size=(2, 3)))
    with pytest.raises(LabelError, match="2 tokens but activations for 3"):
        neurons.neuron_activations(["a", "b"], RNG.normal(size=(3, 1, 1)))
    with pytest.raises(LabelError, match="dimension labels"):
        neurons.neuron_activations(["a"], RNG.normal(size=(1, 2, 1)), first_dimension_labels=["only one"])


def test_topk_tokens_max_k_and_errors():
    acts = RNG.normal(size=(1, 5, 1))
    fig = neurons.topk_tokens([list("abcde")], [acts], max_k=1)
    row = fig.marks(TokenText)[0].values[0]
    assert np.flatnonzero(np.isfinite(row)).tolist() == sorted([int(acts[0, :, 0].argmax()), int(acts[0, :, 0].argmin())])
    with pytest.raises(ShapeError, match="max_k"):
        neurons.topk_tokens([list("ab")], [RNG.normal(size=(1, 2, 1))], max_k=0)
    with pytest.raises(ShapeError, match="one entry per token"):
        neurons.topk_tokens([list("ab")], [RNG.normal(size=(1, 3, 1))])


def test_token_log_probs_checks_shapes():
    with pytest.raises(VizkitError, match="for a prompt of 3 tokens"):
        neurons.token_log_probs(["a", "b", "c"], RNG.normal(size=(3, 4)), [["x"] * 4] * 2, [0, 1], [0.0, 0.0])


def _views():
    toks = ["The", " <b>", "\t", "end"]
    return {
        "neuron_activations": neurons.neuron_activations(toks, RNG.normal(size=(4, 2, 2))),
        "topk_tokens": neurons.topk_tokens([toks, toks[:3]], [RNG.normal(size=(2, 4, 2)), RNG.normal(size=(2, 3, 2))], max_k=2),
        "topk_samples": neurons.topk_samples([[[toks, toks[:2]], [toks[1:], toks]]],
                                             [[[RNG.random(4), RNG.random(2)], [RNG.random(3), RNG.random(4)]]]),
        "token_log_probs": neurons.token_log_probs(toks, np.log(RNG.dirichlet(np.ones(3), size=3)), [["a", "b", "c"]] * 3,
                                                   [0, 2, 5], [-0.1, -1.0, -3.0]),
    }


@pytest.mark.parametrize("backend", ["plotly", "bokeh", "holoviews", "matplotlib"])
def test_every_plotting_backend_draws_the_neuron_views(backend):
    for kind, fig in _views().items():
        assert fig.kind == kind
        assert fig.to(backend) is not None, kind


def test_circuitsvis_backend_refuses_them_and_names_who_can():
    from vizkit.errors import UnsupportedFigureError

    for fig in _views().values():
        with pytest.raises(UnsupportedFigureError, match="'plotly'"):
            fig.to("circuitsvis")
