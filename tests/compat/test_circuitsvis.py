"""CircuitsVis call sites, replayed: the same module layout and signatures; results are vizkit
figures that also behave like RenderedHTML, render offline, and escape every token."""

from __future__ import annotations

import inspect

import numpy as np
import pytest

import vizkit as vk
from tests.compat.conftest import RNG, TOKENS
from vizkit.compat import circuitsvis as cv
from vizkit.errors import ShapeError
from vizkit.spec import Heatmap, Scatter, TokenText

HOSTILE = "<img src=x onerror=alert(1)>"


def _causal(n_heads, n):
    a = np.tril(RNG.random((n_heads, n, n)))
    return a / a.sum(-1, keepdims=True)


def test_signatures_match_circuitsvis_1_43():
    circuitsvis = pytest.importorskip("circuitsvis")
    import importlib

    for module, name in [("attention", "attention_heads"), ("attention", "attention_pattern"),
                         ("tokens", "colored_tokens"), ("tokens", "colored_tokens_multi"),
                         ("tokens", "visualize_model_performance"), ("activations", "text_neuron_activations"),
                         ("topk_tokens", "topk_tokens"), ("topk_samples", "topk_samples"), ("logits", "token_log_probs")]:
        original = getattr(importlib.import_module(f"{circuitsvis.__name__}.{module}"), name)
        ours = getattr(getattr(cv, module), name)
        theirs = [(p.name, p.default) for p in inspect.signature(original).parameters.values()]
        assert [(p.name, p.default) for p in inspect.signature(ours).parameters.values()] == theirs, name


def test_attention_heads_with_head_names():
    pattern = _causal(3, len(TOKENS))
    fig = cv.attention.attention_heads(pattern, TOKENS, attention_head_names=["L1H0", "L1H1", "L1H2"])
    assert isinstance(fig, vk.Figure)
    assert [p.title for p in fig.panels] == ["L1H0", "L1H1", "L1H2"]
    z = fig.marks(Heatmap)[1].z
    assert np.isnan(z[0, 1]) and z[1, 0] == pytest.approx(pattern[1, 1, 0])  # causal triangle a gap, data exact
    assert fig.meta["causal"] is True
    native = fig.to("plotly")
    assert [a.text for a in native.layout.annotations][:3] == ["L1H0", "L1H1", "L1H2"]
    assert [ax.get_title() for ax in fig.to("matplotlib").axes if ax.images] == ["L1H0", "L1H1", "L1H2"]


def test_attention_default_names_bounds_and_mask():
    pattern = RNG.random((2, 4, 4))
    fig = cv.attention.attention_heads(pattern, list("abcd"), max_value=2.0, mask_upper_tri=True)
    assert [p.title for p in fig.panels] == ["Head 0", "Head 1"]
    assert fig.marks(Heatmap)[0].colorscale.zmax == 2.0
    assert np.isnan(fig.marks(Heatmap)[0].z[0, 3]) and fig.meta["causal"] is True
    unmasked = cv.attention.attention_heads(_causal(1, 4), list("abcd"), mask_upper_tri=False)
    assert not np.isnan(unmasked.marks(Heatmap)[0].z).any() and unmasked.meta["causal"] is False
    fork = cv.attention.attention_patterns(list("abcd"), pattern, attention_head_names=["x", "y"])
    assert [p.title for p in fork.panels] == ["x", "y"]
    batch_of_one = cv.attention.attention_heads(RNG.random((1, 2, 3, 3)), list("abc"))  # cache["pattern", L] with its batch
    assert len(batch_of_one.panels) == 2
    with pytest.raises(ShapeError, match=r"n_heads.*cache\['pattern', layer\]\[0\]"):
        cv.attention.attention_heads(RNG.random((2, 2, 3, 3)), list("abc"))


def test_rendered_html_behaviour_offline_and_escaped():
    fig = cv.attention.attention_heads(_causal(2, 3), ["a", HOSTILE, "c"])
    embed = str(fig)
    assert embed.startswith("<iframe srcdoc=") and "<html" not in embed  # pastes into any page, alone in a file too
    assert HOSTILE not in embed and "unpkg.com" not in embed and "<script src=" not in embed
    assert fig.show_code() == embed == fig._repr_html_() == fig.__html__() == fig.local_src == fig.cdn_src
    page = fig.to_html()
    assert page.startswith("<!DOCTYPE html>") and HOSTILE not in page and "unpkg.com" not in page


def test_colored_tokens_values_bounds_and_escaping():
    values = np.array([0.5, -1.0, 2.0])
    fig = cv.tokens.colored_tokens(["a", HOSTILE, "\n"], values, min_value=-4, max_value=4)
    (mark,) = fig.marks(TokenText)
    np.testing.assert_allclose(mark.values[0], values)
    assert (mark.colorscale.zmin, mark.colorscale.zmax) == (-4.0, 4.0)
    assert mark.tokens[2] == "↵"  # whitespace visible
    for backend in ("circuitsvis", "plotly", "bokeh"):
        assert HOSTILE not in fig.to_html(backend), backend


def test_colored_tokens_multi_and_model_performance():
    values = RNG.normal(size=(4, 2))
    fig = cv.tokens.colored_tokens_multi(list("abcd"), values, ["loss", "attr"])
    (mark,) = fig.marks(TokenText)
    assert mark.row_labels == ("loss", "attr")
    np.testing.assert_allclose(mark.values, values.T)
    with pytest.raises(AssertionError, match="Number of tokens"):  # CircuitsVis asserts; ours is also a ShapeError
        cv.tokens.colored_tokens_multi(list("abc"), values)
    ids, logits = np.array([0, 2, 1, 3]), RNG.normal(size=(4, 5))
    perf = cv.tokens.visualize_model_performance(ids, list("wxyz"), logits)
    (mark,) = perf.marks(TokenText)
    assert mark.row_labels == ("logits", "log_probs", "probs") and mark.tokens == ("x", "y", "z")
    logp = logits[:-1] - np.log(np.exp(logits[:-1]).sum(-1, keepdims=True))
    np.testing.assert_allclose(mark.values[1], logp[np.arange(3), ids[1:]])
    np.testing.assert_allclose(mark.values[2], np.exp(logp[np.arange(3), ids[1:]]))


def test_text_neuron_activations_rows_per_layer_and_neuron():
    acts = RNG.normal(size=(len(TOKENS), 2, 3))
    fig = cv.activations.text_neuron_activations(TOKENS, acts)
    (mark,) = fig.marks(TokenText)
    assert mark.row_labels[:4] == ("Layer 0 · Neuron 0", "Layer 0 · Neuron 1", "Layer 0 · Neuron 2", "Layer 1 · Neuron 0")
    np.testing.assert_allclose(mark.values[4], acts[:, 1, 1])
    for backend in ("plotly", "bokeh", "holoviews", "matplotlib"):
        fig.to(backend)
    many = cv.activations.text_neuron_activations([TOKENS, TOKENS[:3]], [acts, acts[:3]])
    assert [p.title for p in many.panels] == ["sample 0", "sample 1"]


def test_topk_tokens_and_samples():
    acts = [RNG.normal(size=(2, len(TOKENS), 3))]
    fig = cv.topk_tokens.topk_tokens([TOKENS], acts, max_k=2)
    (mark,) = fig.marks(TokenText)
    row = mark.values[3]  # Layer 1 · Neuron 0
    expected = acts[0][1, :, 0]
    kept = np.flatnonzero(np.isfinite(row))
    assert set(kept) == set(np.argsort(expected)[:2]) | set(np.argsort(expected)[-2:])
    assert fig.meta["topk"][0][1][0][0][0] == int(np.argmax(expected))
    samples = cv.topk_samples.topk_samples([[[["a", "b"], ["c", "d", "e"]]]], [[[[0.1, 0.9], [0.3, 0.2, 0.4]]]])
    assert samples.slider.labels == ("Layer 0 · Neuron 0",)
    assert [m.tokens for m in samples.marks(TokenText)] == [("a", "b"), ("c", "d", "e")]


def test_token_log_probs_ranks_and_predictions():
    vocab = ["<bos>", "the", " cat", " sat", HOSTILE]
    ids = np.array([0, 1, 2, 3])
    log_probs = np.log(RNG.dirichlet(np.ones(5), size=4))
    fig = cv.logits.token_log_probs(ids, log_probs, lambda i: vocab[i], top_k=3)
    text, dots = fig.marks(TokenText)[0], fig.marks(Scatter)[0]
    np.testing.assert_allclose(text.values[0], log_probs[np.arange(3), ids[1:]])
    ranks = [int(np.flatnonzero(np.argsort(-log_probs[i]) == ids[i + 1])[0]) for i in range(3)]
    truth = fig.marks(Scatter)[1]
    assert [int(y) for y in truth.y] == [i for i in range(3) if ranks[i] < 3]
    np.testing.assert_allclose(truth.x, [r for r in ranks if r < 3])
    assert fig.panels[1].x.labels == ("#1", "#2", "#3")
    assert text.colorscale == dots.colorscale  # one scale: the same log prob, the same colour
    np.testing.assert_allclose(dots.values.reshape(3, 3), -np.sort(-log_probs[:3], axis=1)[:, :3])
    assert HOSTILE not in fig.to_html("plotly")


def _page_in(html: str) -> str:
    """The standalone page an iframe output carries gzip-compressed in its ``srcdoc``."""
    import base64
    import gzip
    import html as htmllib
    import re

    packed = re.search(r'id="vizkit-page-gz">([A-Za-z0-9+/=\s]+)<', htmllib.unescape(html)).group(1)
    return gzip.decompress(base64.b64decode(packed)).decode("utf-8")


def test_backend_choice():
    fig = cv.tokens.colored_tokens(["a", "b"], [1.0, 2.0])
    assert "ColoredTokens" in _page_in(str(fig))  # no backend chosen: CircuitsVis draws the kinds it can
    vk.set_backend("plotly")
    page = _page_in(str(fig))
    assert "ColoredTokens" not in page and "Plotly" in page  # a chosen backend wins
    with vk.use_backend("bokeh"):
        bundle = fig._repr_mimebundle_()
    html = bundle["text/html"]
    if "vizkit-page-gz" in html:  # the notebook iframe carries its page gzip-compressed: read the page itself
        html = _page_in(html)
    assert "bokeh" in html.lower()
