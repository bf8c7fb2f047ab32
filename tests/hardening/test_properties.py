"""Property-based bad-input suite (issue 13): every case either raises a VizkitError that names the
problem, or draws exactly the data and labels given, read back from each backend's native objects.

Default run is small (``VIZKIT_HYPOTHESIS_PROFILE=thorough`` for many more examples).
"""

from __future__ import annotations

import os
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import vizkit as vk
from vizkit._registry import backends_for
from vizkit.backends import render
from vizkit.errors import VizkitError
from vizkit.plan.text import escape, label_text, plain
from vizkit.spec import Heatmap, TokenText
from vizkit.spec.text import visible_token

settings.register_profile("default", max_examples=6, deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile("thorough", max_examples=300, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.load_profile(os.environ.get("VIZKIT_HYPOTHESIS_PROFILE", "default"))

#: Characters that have broken labels before: bidi controls, zero-width characters, NUL and other
#: controls, lone surrogates, markup and hover-template syntax.
HOSTILE_CHARS = ["\u202e", "\u202a", "\u2066", "\u2069", "\u200e", "\u200f", "\u200b", "\u200c", "\u200d", "\u2060",
                 "\ufeff", "\x00", "\x1b", "\x85", "\ud800", "\udfff", "\u2028", "<", ">", "&", "%{", "\n", "\t", " "]
label = st.one_of(
    st.text(st.characters(exclude_categories=()), max_size=12),
    st.lists(st.sampled_from(HOSTILE_CHARS + ["a", "b"]), max_size=8).map("".join),
    st.integers(60, 3000).map(lambda n: "w" * n),  # very long
    st.sampled_from(["<b>x</b>", "<img src=x onerror=window.__pwned=1>", "%{z}", "a", "a\u200b"]),
)
DTYPES = [np.float64, np.float32, np.float16, np.int64, np.bool_, np.complex128, object]
#: Backends checked by read-back here; bokeh and HoloViews are drawn too (their read-back is w2's area).
READ_BACK = ("plotly", "matplotlib")


@st.composite
def matrices(draw):
    rows, cols = draw(st.integers(0, 5)), draw(st.integers(0, 7))
    dtype = draw(st.sampled_from(DTYPES))
    z = np.asarray(draw(st.lists(st.floats(-6e4, 6e4, allow_nan=False, width=16), min_size=rows * cols,
                                 max_size=rows * cols)), dtype=float).reshape(rows, cols)
    if rows * cols and dtype in (np.float64, np.float32, np.float16):
        for value in draw(st.lists(st.sampled_from([np.nan, np.inf, -np.inf]), max_size=3)):
            z[draw(st.integers(0, rows - 1)), draw(st.integers(0, cols - 1))] = value
    return z.astype(dtype) if dtype is not object else z.astype(object)


def _error_names_the_problem(exc: VizkitError) -> None:
    msg = str(exc)
    assert len(msg) > 15 and any(w in msg for w in ("got", "expected", "need", "must", "empty", "dtype", "shape", "label")), msg


def _expected_labels(labels):
    return [visible_token(s) for s in labels]


def _check_plotly(native, mark, labels):
    heat = native.data[0]
    np.testing.assert_allclose(np.asarray(heat.z, dtype=float), np.where(np.isinf(mark.z), np.nan, mark.z),
                               rtol=1e-3, equal_nan=True)
    if labels is not None:
        cats = [str(c).rstrip("\u200b") for c in native.layout.xaxis.categoryarray]
        assert cats == [escape(s) for s in mark.x_labels]
        assert len(set(native.layout.xaxis.categoryarray)) == len(labels)  # no two columns merged
        shown = dict(zip(native.layout.xaxis.tickvals, native.layout.xaxis.ticktext, strict=True))
        for cat, text in shown.items():
            assert text == escape(label_text(mark.x_labels[list(native.layout.xaxis.categoryarray).index(cat)]))


def _check_matplotlib(native, mark, labels):
    ax = native.axes[0]
    drawn = ax.images[0].get_array()
    finite = np.isfinite(mark.z)
    np.testing.assert_allclose(np.asarray(drawn)[finite], mark.z[finite], rtol=1e-6)
    assert np.ma.getmaskarray(drawn)[~finite].all()  # NaN and ±inf are gaps
    if labels is not None:
        for pos, tick in zip(ax.get_xticks(), ax.get_xticklabels(), strict=True):
            assert tick.get_text() == plain(label_text(mark.x_labels[int(pos)]))


@given(z=matrices(), data=st.data())
def test_imshow_either_refuses_clearly_or_draws_exactly_the_data_and_labels(z, data):
    labels = data.draw(st.none() | st.lists(label, min_size=z.shape[1], max_size=z.shape[1]))
    try:
        fig = vk.imshow(z, x=labels)
    except VizkitError as exc:
        _error_names_the_problem(exc)
        return
    (mark,) = fig.marks(Heatmap)
    assert mark.z.shape == z.shape
    np.testing.assert_array_equal(np.asarray(mark.z, dtype=float), np.asarray(z, dtype=float).real)
    if labels is not None:
        assert list(mark.x_labels) == _expected_labels(labels)
    for backend in backends_for(fig.kind):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            native = render(fig, backend)
        if backend == "plotly":
            _check_plotly(native, mark, labels)
            native.to_json()  # serialisable: no lone surrogate reaches JSON
        elif backend == "matplotlib":
            _check_matplotlib(native, mark, labels)


@given(tokens=st.lists(label, min_size=1, max_size=6), data=st.data())
def test_token_text_either_refuses_clearly_or_carries_every_token_and_value(tokens, data):
    values = np.asarray(data.draw(st.lists(st.floats(allow_nan=True, allow_infinity=True, width=32),
                                           min_size=len(tokens), max_size=len(tokens))), dtype=np.float32)
    try:
        fig = vk.tokens(tokens, values)
    except VizkitError as exc:
        _error_names_the_problem(exc)
        return
    (mark,) = fig.marks(TokenText)
    assert len(mark.tokens) == len(tokens)
    np.testing.assert_array_equal(mark.values[0], values)
    for backend in backends_for(fig.kind):
        native = render(fig, backend)
        if backend == "plotly":
            bars = native.data[0]
            assert list(bars.text) == [escape(t) for t in mark.tokens]
        elif backend == "circuitsvis":
            assert len(native.props["tokens"]) == len(tokens)
            np.testing.assert_array_equal(native.props["values"], values.astype(float))


@given(n=st.integers(1, 6), heads=st.integers(1, 3), data=st.data())
def test_attention_either_refuses_clearly_or_draws_every_head(n, heads, data):
    pat = np.tril(np.ones((heads, n, n))) / np.arange(1, n + 1)[:, None]
    for value in data.draw(st.lists(st.sampled_from([np.nan, np.inf, -np.inf, -0.5]), max_size=2)):
        pat[data.draw(st.integers(0, heads - 1)), data.draw(st.integers(0, n - 1)), 0] = value
    tokens = data.draw(st.none() | st.lists(label, min_size=n, max_size=n))
    try:
        fig = vk.attention(pat, tokens=tokens)
    except VizkitError as exc:
        _error_names_the_problem(exc)
        return
    for backend in backends_for(fig.kind):
        native = render(fig, backend)
        if backend == "plotly":
            heats = [t for t in native.data if t.type == "heatmap"]
            assert len(heats) == heads
            for h, trace in enumerate(heats):
                drawn = np.asarray(trace.z, dtype=float)
                assert not np.isinf(drawn).any()  # ±inf never an end colour
                finite = np.isfinite(pat[h]) & np.tri(n, dtype=bool)  # the causal triangle above is masked
                np.testing.assert_allclose(drawn[finite], pat[h][finite], rtol=1e-6)
        elif backend == "circuitsvis":
            assert native.props["attention"].shape == (heads, n, n)


@pytest.mark.parametrize("kind", ["imshow", "line"])
def test_zero_size_input_is_a_clear_error(kind):
    with pytest.raises(VizkitError) as info:
        getattr(vk, kind)(np.zeros((0, 3)) if kind == "imshow" else np.zeros(0))
    _error_names_the_problem(info.value)
