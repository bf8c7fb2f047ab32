"""Every gallery example is a test: it builds, round-trips through JSON, renders, and shows what it claims.

Examples are discovered the way ``vizkit export`` does (``vizkit.cli.example_files`` /
``load_example``). The generic checks run on every example and every combination of its
``PARAMS`` choices; the last section checks the mechanistic-interpretability content of the key
examples on the real models (the committed induction model and the packaged MiniLM), reading
the numbers out of the built figures.
"""

from __future__ import annotations

import inspect
import itertools
import json

import numpy as np
import pytest

import vizkit as vk
from vizkit.cli import example_files, load_example
from vizkit.figures import KINDS
from vizkit.spec import Heatmap, Line, TokenText

#: One worker runs this module, so each example is built once for every test that reads it (``built``).
pytestmark = pytest.mark.xdist_group("tests/gallery/test_examples.py")

FILES = example_files()
NAMES = list(FILES)
#: A sentence unlike the default prompts: typing it must change the figure's token labels.
OTHER_SENTENCE = "the cat sat on the mat"
#: More parameter combinations than this are checked one parameter at a time instead.
MAX_COMBINATIONS = 120

_built: dict = {}


def module(name: str):
    return load_example(name, FILES[name])


def built(name: str, **params):
    """``build(**params)`` of example ``name``, once per test session."""
    key = (name, json.dumps(params, sort_keys=True, default=str))
    if key not in _built:
        _built[key] = module(name).build(**params)
    return _built[key]


def choices(spec, default) -> list:
    """The values a ``PARAMS`` entry offers: a select's list, a slider's ends and default, a text's default."""
    if isinstance(spec, str):
        return [default if isinstance(default, str) else spec]
    if isinstance(spec, tuple):
        lo, hi = spec
        return sorted({lo, hi, default if isinstance(default, int) and lo <= default <= hi else lo})
    return list(spec)


def defaults(mod) -> dict:
    return {k: p.default for k, p in inspect.signature(mod.build).parameters.items()
            if p.default is not inspect.Parameter.empty}


def heatmap(fig, title: str | None = None) -> Heatmap:
    panels = [p for p in fig.panels if title is None or p.title == title]
    return next(m for p in panels for m in p.marks if isinstance(m, Heatmap))


# ---------------------------------------------------------------------------------------------
# Every example


def test_there_are_enough_examples():
    assert len(NAMES) >= 16, NAMES


def test_importing_every_example_imports_neither_torch_nor_a_plotting_library():
    import subprocess
    import sys
    from pathlib import Path

    code = ("import sys\nfrom vizkit.cli import example_files, load_example\n"
            "for name, path in example_files().items(): load_example(name, path)\n"
            "print(sorted(m for m in ('torch', 'transformer_lens', 'transformers', 'plotly', 'bokeh', 'matplotlib') "
            "if m in sys.modules))")
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_examples_cover_every_figure_kind():
    kinds = {built(name).kind for name in NAMES}
    assert set(KINDS) <= kinds, f"no example draws {sorted(set(KINDS) - kinds)}"


@pytest.mark.parametrize("name", NAMES)
def test_example_has_a_title_paragraph_and_category(name):
    mod = module(name)
    doc = inspect.getdoc(mod) or ""
    title, _, rest = doc.partition("\n")
    assert title.strip() and not title.strip().endswith(","), f"{name}: the docstring needs a one-line title"
    assert len(rest.strip()) > 150, f"{name}: the docstring needs a paragraph on what the figure shows"
    assert isinstance(mod.CATEGORY, str) and mod.CATEGORY.strip()
    assert isinstance(getattr(mod, "ORDER", 0), (int, float))
    params, defaults_ = getattr(mod, "PARAMS", {}), defaults(mod)
    signature = inspect.signature(mod.build).parameters
    for key, spec in params.items():
        assert key in signature, f"{name}: PARAMS[{key!r}] is not a parameter of build()"
        assert key in defaults_, f"{name}: build() needs a default for {key!r}"
        if isinstance(spec, list):
            assert defaults_[key] in spec, f"{name}: the default {defaults_[key]!r} is not among the choices {spec}"
        elif isinstance(spec, tuple):
            assert spec[0] <= defaults_[key] <= spec[1]
        else:
            assert isinstance(spec, str) and defaults_[key] == spec


@pytest.mark.parametrize("name", NAMES)
def test_example_builds_round_trips_and_renders(name):
    fig = built(name)
    assert isinstance(fig, vk.Figure)
    assert fig.kind in KINDS
    assert fig.title and len(fig.title) > 10
    assert vk.Figure.from_json(fig.to_json()) == fig
    native = fig.to("plotly")
    assert len(native.data) > 0
    assert all(_has_values(trace) for trace in native.data)


def _has_values(trace) -> bool:
    for attr in ("z", "y", "x"):
        values = getattr(trace, attr, None)
        if values is not None:
            arr = np.asarray(values, dtype=object).ravel()
            return arr.size > 0
    return False


@pytest.mark.parametrize("name", [n for n in NAMES if getattr(module(n), "PARAMS", None)])
def test_every_parameter_choice_builds(name):
    mod = module(name)
    base = defaults(mod)
    options = {k: choices(spec, base.get(k)) for k, spec in mod.PARAMS.items()}
    combos = list(itertools.product(*options.values()))
    if len(combos) > MAX_COMBINATIONS:  # one parameter at a time
        combos = [tuple(base[k] if k != key else v for k in options) for key in options for v in options[key]]
    for combo in combos:
        params = dict(zip(options, combo, strict=True))
        fig = built(name, **params)
        assert isinstance(fig, vk.Figure) and fig.kind in KINDS, params
        assert fig.title, params
        assert vk.Figure.from_json(fig.to_json()) == fig, params


@pytest.mark.parametrize("name", [n for n in NAMES if any(isinstance(s, str) for s in getattr(module(n), "PARAMS", {}).values())])
def test_a_typed_sentence_changes_the_tokens(name):
    mod = module(name)
    key = next(k for k, s in mod.PARAMS.items() if isinstance(s, str))
    before, after = _tokens_of(built(name)), _tokens_of(built(name, **{key: OTHER_SENTENCE}))
    assert before != after
    assert {"cat", "sat", "mat"} <= set(after), after
    assert not {"cat", "sat", "mat"} & set(before)


def _tokens_of(fig) -> list[str]:
    if fig.meta.get("tokens"):
        return list(fig.meta["tokens"])
    return list(fig.panels[0].x.labels)


@pytest.mark.parametrize("name", [n for n in NAMES if callable(getattr(module(n), "on_click", None))])
def test_on_click_shows_the_clicked_heads_attention(name):
    mod = module(name)
    fig = built(name)
    cell = heatmap(fig)
    n_rows, n_cols = np.shape(cell.z)
    seen = set()
    for r, c in [(0, 0), (n_rows - 1, n_cols - 1), (n_rows - 1, 0)]:
        x, y = fig.panels[0].x.labels[c], fig.panels[0].y.labels[r]
        linked = mod.on_click(x, y)
        assert isinstance(linked, vk.Figure) and linked.kind == "attention"
        assert linked.meta["layers"] == [int(y)] and linked.meta["heads"] == [int(x)]
        assert f"L{y}H{x}" in linked.title
        seen.add(linked.to_json())
    assert len(seen) == 3  # each cell, its own head


# ---------------------------------------------------------------------------------------------
# What the key examples show (real numbers of the real models)


def test_the_named_heads_are_the_top_scoring_heads():
    from vizkit_gallery.examples._shared import INDUCTION_HEAD, PREV_HEAD

    top = built("head_scores").meta["top_head"]
    assert top["previous token"] == "L{}H{}".format(*PREV_HEAD)
    assert top["induction"] == "L{}H{}".format(*INDUCTION_HEAD)


def test_previous_token_head_attends_to_the_previous_token():
    z = np.nan_to_num(heatmap(built("previous_token_head")).z)
    assert all(int(np.argmax(z[q])) == q - 1 for q in range(1, len(z)))


@pytest.mark.parametrize("seq_len", [10, 20])
def test_induction_heads_strongest_stripe_is_at_the_repeat_offset(seq_len):
    z = np.nan_to_num(heatmap(built("induction_head", seq_len=seq_len)).z)
    n = len(z)
    stripes = {d: np.mean(np.diagonal(z, offset=-d)[seq_len - d + 1:]) if d < n else 0.0 for d in range(1, n)}
    assert max(stripes, key=stripes.get) == seq_len - 1
    assert stripes[seq_len - 1] > 0.5
    second_copy = range(seq_len + 1, n)
    assert sum(int(np.argmax(z[q])) == q - seq_len + 1 for q in second_copy) >= 0.8 * len(second_copy)


def test_the_second_copy_costs_almost_nothing():
    loss = np.asarray(built("token_loss").marks(TokenText)[0].values)[0]
    assert np.nanmean(loss[1:11]) > 4.0
    assert loss[11] > 3.0  # the restart is a guess ...
    assert np.mean(loss[12:]) < 0.3
    long = np.asarray(built("token_loss", seq_len=31).marks(TokenText)[0].values)[0]
    assert long[32] < 1.5  # ... unless 31 tokens without a repeat say it must come now


def test_the_loss_curve_ends_far_below_its_plateau():
    fig = built("loss_curve", split=True, smooth=0.9)
    smoothed = {m.name: np.asarray(m.y) for m in fig.marks(Line) if not m.name.endswith("(raw)")}
    repeats = smoothed["repeats"]
    plateau = np.max(repeats[len(repeats) // 20:len(repeats) // 4])
    assert plateau > 3.0 and repeats[-1] < 0.1 * plateau
    assert np.max(smoothed["first copy"][len(repeats) // 2:]) > 4.0  # the first copy stays unpredictable


@pytest.mark.parametrize("corrupt, layer0_pos, layer1_pos", [("previous token", 0, 1), ("answer token", 1, 1)])
def test_residual_patching_lights_up_where_the_information_is(corrupt, layer0_pos, layer1_pos):
    from vizkit_gallery.examples._shared import CORRUPT_POS, corruption

    c = corruption(corrupt)
    z = heatmap(built("resid_patching", corrupt=corrupt)).z
    first = CORRUPT_POS - 1  # the previous token; the answer is at CORRUPT_POS
    assert int(np.argmax(z[0, :c.query])) == first + layer0_pos
    assert int(np.argmax(z[1, :c.query])) == first + layer1_pos
    assert z[0, first + layer0_pos] > 0.8 and z[1, first + layer1_pos] > 0.8


def test_head_patching_finds_the_previous_token_head_and_the_induction_heads():
    from vizkit_gallery.examples._shared import PREV_HEAD

    z = heatmap(built("head_patching", corrupt="previous token")).z
    assert tuple(int(i) for i in np.unravel_index(np.argmax(z), z.shape)) == PREV_HEAD and z[PREV_HEAD] > 0.9
    assert np.all((z[1] > 0.05) & (z[1] < 0.3))  # four induction heads share the work
    z = heatmap(built("head_patching", corrupt="answer token")).z
    assert np.all(z[1] > 0.3) and z[0].max() < 0.2


def test_induction_heads_are_restored_through_their_keys_or_their_values():
    from vizkit_gallery.examples._shared import PREV_HEAD

    fig = built("head_patching_every", corrupt="previous token")
    assert heatmap(fig, "v").z[PREV_HEAD] > 0.9
    assert np.all(heatmap(fig, "k").z[1] > 0.05) and np.all(np.abs(heatmap(fig, "v").z[1]) < 0.05)
    fig = built("head_patching_every", corrupt="answer token")
    assert np.all(heatmap(fig, "v").z[1] > 0.3) and np.all(np.abs(heatmap(fig, "k").z[1]) < 0.05)
    for corrupt in ("previous token", "answer token"):
        assert np.all(np.abs(heatmap(built("head_patching_every", corrupt=corrupt), "q").z) < 0.05)


def test_only_the_previous_token_head_is_indispensable():
    bars = {m.name: np.asarray(m.y) for m in built("head_ablation").marks()}
    labels = built("head_ablation").panels[0].x.labels
    second = dict(zip(labels, bars["second copy"], strict=True))
    assert second["L0H3"] > 4.0
    assert all(second[f"L1H{h}"] < 0.5 for h in range(4))
    assert np.all(np.abs(bars["first copy"]) < 0.1)


def test_the_previous_token_heads_qk_circuit_peaks_one_position_back():
    z = heatmap(built("qk_positional")).z
    assert all(int(np.nanargmax(z[p])) == p - 1 for p in range(1, len(z)))


def test_the_induction_heads_ov_circuit_copies():
    z = heatmap(built("ov_circuit", tokens=127)).z
    assert np.mean(np.argmax(z, axis=1) == np.arange(len(z))) > 0.95


def test_layer_one_writes_the_answer():
    lens = built("logit_lens")
    next_token = next(m for m in lens.marks(Line) if m.name.startswith("next token"))
    assert next_token.y[-1] - next_token.y[-2] > 5.0  # the jump after layer 1
    bars = built("dla_layers").marks()[0]
    labels = built("dla_layers").panels[0].x.labels
    assert labels[int(np.argmax(bars.y))] == "L1 attn"


def test_minilm_layer0_head2_is_a_previous_token_head():
    fig = built("minilm_positional_heads")
    z = heatmap(fig).z
    assert all(int(np.argmax(z[q])) == q - 1 for q in range(2, len(z)))


def test_minilm_prompt_longer_than_its_context_says_what_was_cut():
    fig = module("minilm_attention").build(prompt="! " * 600, layer=0)  # 600 tokens + [CLS] and [SEP]
    assert "the first 512 of its 602 tokens" in fig.title and "the last 90 were cut" in fig.title
    assert "cut" not in module("minilm_attention").build(layer=0).title
