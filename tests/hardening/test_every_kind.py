"""The bad-input suite over every figure kind in every backend that claims it (issue 13).

For each kind, hypothesis draws odd data (random shapes; float64/32/16, ints, bools and torch
float16/bfloat16; NaN and ±inf at random places) and hostile labels (bidi controls, zero-width
characters, NUL, lone surrogates, markup, hover-template syntax, 5000-character strings). Each case
ends in exactly one of two ways:

- a :class:`VizkitError` whose message names the problem, or
- a figure whose spec holds exactly the data and (visible) labels given, and whose every backend
  draws exactly the spec: each finite value read back from the native object (plotly traces, bokeh
  data sources, HoloViews rendered to bokeh, matplotlib artists, CircuitsVis props), no ±inf drawn
  as a value, each label shown as the plan's display text (:mod:`vizkit.plan.text`), no two
  categories merged.

Small and derandomised (``VIZKIT_HARDENING_EXAMPLES`` raises the count): the directory runs in well
under 90 s on one core. No browser here: ``test_browser.py`` opens the HTML backends' pages.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

import vizkit as vk
from tests.backends.bokeh_helpers import _duck_model_and_cache
from tests.hardening.readback import read
from tests.hardening.test_properties import HOSTILE_CHARS
from vizkit._registry import FIGURE_KINDS, backends_for
from vizkit.errors import VizkitError
from vizkit.plan.text import label_text, plain, visible
from vizkit.spec import Bar, Heatmap, Line, Scatter, TokenText
from vizkit.spec.text import visible_token

EXAMPLES = int(os.environ.get("VIZKIT_HARDENING_EXAMPLES", "2"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                    phases=[Phase.explicit, Phase.generate],  # no shrinking: a failure reports its first example
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

#: Every public figure function: the registry's kinds and the neuron views.
NEURON_KINDS = ("neuron_activations", "topk_tokens", "topk_samples", "token_log_probs")
KINDS = (*FIGURE_KINDS, *NEURON_KINDS)

label = st.one_of(
    st.text(st.characters(exclude_categories=()), max_size=10),
    st.lists(st.sampled_from(HOSTILE_CHARS + ["a", "b"]), min_size=1, max_size=6).map("".join),
    st.sampled_from(["w" * 5000, "<img src=x onerror=window.__pwned=1>", "</script><script>window.__pwned=1</script>",
                     "%{z}", "<b>x</b>", "ab\u202edc", "a\u200b", "x\x00y", "\ud800", " ", "\n", ""]),
)
VALUES = [0.0, 1.0, -1.0, 0.5, -2.5, 1e-3, 37.0, 6e4, np.nan, np.inf, -np.inf]
DTYPES = ["float64", "float32", "float16", "int64", "bool", "torch.float16", "torch.bfloat16"]


def as_dtype(arr: np.ndarray, dtype: str):
    """``arr`` in ``dtype`` (a torch tensor for ``torch.*``); ints and bools take the finite values."""
    if dtype.startswith("torch."):
        import torch

        return torch.tensor(arr, dtype=torch.float64).to(getattr(torch, dtype.split(".")[1]))
    if dtype in ("int64", "bool"):
        return np.nan_to_num(arr, nan=0, posinf=0, neginf=0).astype(dtype)
    return arr.astype(dtype)


def as_float(data) -> np.ndarray:
    """What the user gave, as float64 (torch through ``float()``)."""
    if hasattr(data, "detach"):
        return data.detach().float().numpy().astype(np.float64)
    return np.asarray(data, dtype=np.float64)


@st.composite
def arrays(draw, shape, finite_only=False, exclude=()):
    n = int(np.prod(shape))
    pool = [v for v in VALUES if (np.isfinite(v) or not finite_only) and v not in exclude]
    arr = np.array(draw(st.lists(st.sampled_from(pool), min_size=n, max_size=n)), dtype=float).reshape(shape)
    return as_dtype(arr, draw(st.sampled_from(DTYPES)))


@dataclass
class Case:
    """A call, and what its figure's spec must hold: ``values`` (finite ones compared, NaN/inf kept as
    gaps) and ``labels`` (shown as their visible text)."""

    call: object
    values: np.ndarray | None = None
    labels: list[str] | None = None


# ---------------------------------------------------------------------------------------------
# One strategy per kind


def _labels(draw, n):
    return draw(st.lists(label, min_size=n, max_size=n))


@st.composite
def imshow_case(draw):
    r, c = draw(st.integers(0, 4)), draw(st.integers(0, 5))
    z, x = draw(arrays((r, c))), _labels(draw, c) if draw(st.booleans()) else None
    return Case(lambda: vk.imshow(z, x=x), as_float(z), x)


@st.composite
def line_case(draw):
    n = draw(st.integers(0, 6))
    y, x, markers = draw(arrays((n,))), _labels(draw, n) if draw(st.booleans()) else None, draw(st.booleans())
    return Case(lambda: vk.line(y, x=x, markers=markers), as_float(y), x)


@st.composite
def scatter_case(draw):
    n = draw(st.integers(0, 6))
    x, y, hover = draw(arrays((n,))), draw(arrays((n,))), _labels(draw, n)
    return Case(lambda: vk.scatter(x, y, hover=hover), np.concatenate([as_float(x), as_float(y)]), None)


@st.composite
def bar_case(draw):
    n = draw(st.integers(0, 6))
    values, x, horizontal = draw(arrays((n,))), _labels(draw, n), draw(st.booleans())
    return Case(lambda: vk.bar(values, x=x, horizontal=horizontal), as_float(values), x)


@st.composite
def hist_case(draw):
    values, name, nbins = draw(arrays((draw(st.integers(0, 30)),))), draw(label), draw(st.integers(1, 8))
    return Case(lambda: vk.hist(values, nbins=nbins, labels={"x": name}), None, None)


@st.composite
def density_case(draw):
    n = draw(st.integers(0, 30))
    x, y, nbins = draw(arrays((n,))), draw(arrays((n,))), draw(st.integers(1, 6))
    return Case(lambda: vk.density(x, y, nbins=nbins), None, None)


@st.composite
def attention_case(draw):
    n, heads = draw(st.integers(1, 5)), draw(st.integers(1, 2))
    pat = np.tril(np.ones((heads, n, n))) / np.arange(1, n + 1)[:, None]
    for value in draw(st.lists(st.sampled_from([np.nan, np.inf, -np.inf, -0.5]), max_size=2)):
        pat[draw(st.integers(0, heads - 1)), draw(st.integers(0, n - 1)), 0] = value
    pat = as_dtype(pat, draw(st.sampled_from(["float64", "float32", "float16", "torch.bfloat16"])))
    tokens = _labels(draw, n) if draw(st.booleans()) else None
    lower = np.tril(np.ones((n, n), dtype=bool))
    return Case(lambda: vk.attention(pat, tokens=tokens), np.where(lower, as_float(pat), np.nan), tokens)


@st.composite
def patching_case(draw):
    layers, n = draw(st.integers(1, 3)), draw(st.integers(1, 5))
    z, tokens = draw(arrays((layers, n))), _labels(draw, n)
    return Case(lambda: vk.patching(z, tokens=tokens, dims=("layer", "pos")), as_float(z), tokens)


@st.composite
def tokens_case(draw):
    n, rows = draw(st.integers(0, 5)), draw(st.integers(1, 2))
    tokens, values = _labels(draw, n), draw(arrays((rows, n)))
    row_labels = _labels(draw, rows) if rows > 1 else None
    return Case(lambda: vk.tokens(tokens, values if rows > 1 else values[0], row_labels=row_labels), as_float(values),
                tokens + (row_labels or []))


@st.composite
def loss_curves_case(draw):
    names = draw(st.lists(label, min_size=1, max_size=3, unique=True))
    runs = {name: draw(arrays((draw(st.integers(0, 6)),))) for name in names}
    log_y = draw(st.booleans())
    return Case(lambda: vk.loss_curves(runs, log_y=log_y), None, [n for n in names if n])


@st.composite
def head_scores_case(draw):
    names = draw(st.lists(label, min_size=1, max_size=2, unique=True))
    shape = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    # (no -1: TransformerLens's detect_head marks a head "not scored" with it, which head_scores shows as a gap
    # when the scores look like detect_head's; tests/figures covers that rule)
    scores = {name: draw(arrays(shape, exclude=(-1.0,))) for name in names}
    values = np.concatenate([as_float(s).ravel() for s in scores.values()])
    return Case(lambda: vk.head_scores(scores), values,
                [n for n in names if n])  # an empty name is an untitled panel


def _lens_case(kind):
    @st.composite
    def case(draw):
        model, cache, _ = _duck_model_and_cache()
        tokens = _labels(draw, 5)
        if kind == "logit_lens":  # (the prompt's tokens label nothing here: answers are token ids)
            return Case(lambda: vk.logit_lens(cache, model, answers=[1, 2], tokens=tokens), None, None)
        return Case(lambda: vk.dla(cache, model, 3, tokens=tokens), None, None)
    return case()


@st.composite
def neuron_activations_case(draw):
    n = draw(st.integers(1, 4))
    tokens, acts = _labels(draw, n), draw(arrays((n, draw(st.integers(1, 2)), draw(st.integers(1, 2)))))
    return Case(lambda: vk.neuron_activations(tokens, acts), None, tokens)


@st.composite
def topk_tokens_case(draw):
    n = draw(st.integers(1, 4))
    tokens, acts, k = _labels(draw, n), draw(arrays((1, n, draw(st.integers(1, 2))))), draw(st.integers(1, 3))
    return Case(lambda: vk.topk_tokens([tokens], [acts], max_k=k), None, None)


@st.composite
def topk_samples_case(draw):
    n = draw(st.integers(1, 4))
    tokens, acts = _labels(draw, n), draw(arrays((n,)))
    return Case(lambda: vk.topk_samples([[[tokens]]], [[[acts]]]), None, tokens)


@st.composite
def token_log_probs_case(draw):
    n, k = draw(st.integers(2, 4)), draw(st.integers(1, 3))
    prompt, top = _labels(draw, n), [_labels(draw, k) for _ in range(n - 1)]
    log_probs = -np.abs(as_float(draw(arrays((n - 1, k)))))
    # the first prompt token predicts nothing: the view labels the n - 1 predicted ones
    return Case(lambda: vk.token_log_probs(prompt, log_probs, top, np.zeros(n - 1, int), log_probs[:, 0]), None, prompt[1:])


CASES = {"imshow": imshow_case(), "line": line_case(), "scatter": scatter_case(), "bar": bar_case(),
         "hist": hist_case(), "density": density_case(), "attention": attention_case(), "patching": patching_case(),
         "tokens": tokens_case(), "loss_curves": loss_curves_case(), "head_scores": head_scores_case(),
         "logit_lens": _lens_case("logit_lens"), "dla": _lens_case("dla"),
         "neuron_activations": neuron_activations_case(), "topk_tokens": topk_tokens_case(),
         "topk_samples": topk_samples_case(), "token_log_probs": token_log_probs_case()}


# ---------------------------------------------------------------------------------------------
# What the spec holds, and what every backend must draw of it


def error_names_the_problem(exc: VizkitError) -> None:
    msg = str(exc)
    assert len(msg) > 15 and any(w in msg for w in ("got", "expected", "need", "must", "empty", "dtype", "shape",
                                                     "label", "has", "no ")), msg


def spec_values(fig, drawn: bool = True) -> np.ndarray:
    """The values of every mark; ``drawn``: only those a backend draws (not the other coordinate of a gapped point)."""
    parts = []
    for m in fig.marks():
        if isinstance(m, Heatmap):
            parts.append(m.z)
        elif isinstance(m, (Line, Bar)):
            parts.append(m.y)
        elif isinstance(m, Scatter):  # a point with a non-finite coordinate is a gap: its other coordinate is not drawn
            x, y = np.asarray(m.x, dtype=float), np.asarray(m.y, dtype=float)
            shown = np.isfinite(x) & np.isfinite(y) if drawn else np.ones(len(x), dtype=bool)
            parts += [x[shown], y[shown]] + ([np.asarray(m.values, dtype=float)[shown]] if m.values is not None else [])
        elif isinstance(m, TokenText):
            parts.append(m.values)
    return np.concatenate([np.asarray(p, dtype=np.float64).ravel() for p in parts]) if parts else np.zeros(0)


def spec_labels(fig) -> set[str]:
    out = {fig.title} if fig.title else set()
    for panel in fig.panels:
        if panel.title:
            out.add(panel.title)
        for axis in (panel.x, panel.y):
            out.update(axis.labels or ())
        for m in panel.marks:
            if isinstance(m, Heatmap):
                out.update((m.x_labels or ()) + (m.y_labels or ()))
            elif isinstance(m, Bar):
                out.update(m.labels or ())
            elif isinstance(m, TokenText):  # (one value row needs no row selector: its label is not shown)
                out.update(m.tokens + (m.row_labels if m.row_labels and len(m.row_labels) > 1 else ()))
            elif isinstance(m, (Line, Scatter)) and m.name is not None and m.legend:
                out.add(m.name)
    return out


def check_spec(case: Case, fig) -> None:
    """The spec holds the data given (finite values exactly, NaN/±inf as NaN/±inf) and every label, visibly."""
    if case.values is not None:
        given = np.sort(case.values[~np.isnan(case.values)])
        drawn = spec_values(fig, drawn=False)
        drawn = np.sort(drawn[~np.isnan(drawn)])
        np.testing.assert_allclose(drawn, given, rtol=1e-6)
    if case.labels is not None:
        shown = spec_labels(fig)
        for text in case.labels:
            assert {text, visible_token(text), visible(visible_token(text))} & shown, (text, sorted(shown)[:20])


def displays(text: str) -> set[str]:
    """The forms the plan's text rules allow a label to take: full visible text (hover, token views),
    tick text cut with …, literal renderers' plain text, CircuitsVis's attention-axis text."""
    from vizkit.backends.circuitsvis.props import AXIS_SPACE, AXIS_TOKEN_CHARS

    forms = {visible(text), label_text(text), plain(text), plain(label_text(text)), plain(text, lines=True)}
    forms.add(label_text(text, AXIS_TOKEN_CHARS).replace(" ", AXIS_SPACE))
    return forms


def check_backend(fig, backend: str) -> None:
    drawn = read(fig, backend)
    assert not np.isinf(drawn.numbers).any(), f"{backend} draws ±inf as a value"
    values = spec_values(fig)
    finite = np.unique(values[np.isfinite(values)].astype(np.float32))
    got = np.unique(drawn.numbers[np.isfinite(drawn.numbers)].astype(np.float32))
    missing = finite[~np.isin(finite, got)]
    if missing.size and drawn.hover.size:  # values only a hover shows, as 4 significant digits
        hover = drawn.hover[np.isfinite(drawn.hover)]
        missing = missing[~np.isclose(missing[:, None], hover[None, :], rtol=5e-4, atol=0).any(axis=1)]
    assert missing.size == 0, f"{backend} does not draw the values {missing[:8]} (draws {got[:12]})"
    stripped = {s.strip() for s in drawn.strings}
    for text in spec_labels(fig):
        if not text.strip():  # a blank title shows as no title
            continue
        assert displays(text) & drawn.strings or {f.strip() for f in displays(text)} & stripped, \
            f"{backend} does not show the label {text[:60]!r}"
    for cats in drawn.categories:
        assert len(set(cats)) == len(cats), f"{backend} merges categories: {cats}"


@pytest.mark.parametrize("kind", KINDS)
@SETTINGS
@given(data=st.data())
def test_every_kind_either_refuses_clearly_or_draws_exactly_what_it_was_given(kind, data):
    case = data.draw(CASES[kind])
    try:
        fig = case.call()
    except VizkitError as exc:
        error_names_the_problem(exc)
        return
    check_spec(case, fig)
    title = data.draw(st.none() | label, label="title")
    if title:  # a hostile title too, in every backend
        fig = fig.replace(title=title)
    for backend in backends_for(fig.kind):
        check_backend(fig, backend)


def test_the_suite_covers_every_public_figure_function():
    public = {name for name in vk.__all__ if name in KINDS or name in ("imshow", "line", "scatter", "bar", "hist")}
    assert public == set(KINDS) == set(CASES)
    assert set(FIGURE_KINDS) <= set(CASES)
