"""Real notebooks' CircuitsVis call sites, replayed with ``from vizkit.compat import circuitsvis as cv``.

Each test runs a call exactly as written in a public notebook or script (the comment says where it
was found: the public-code index's file id, and the query that found it), on synthetic data of the
shapes that notebook passes (``cache["pattern", 0]`` of a cache run with ``remove_batch_dim=True``
is ``[heads, dest, src]``; without it ``[1, heads, dest, src]``; ``model.to_str_tokens(text)`` is a
list of str ...). The same call goes to the real CircuitsVis 1.43, whose HTML embeds the props its
React component receives: tokens, values, head names and colour ranges are compared with what the
vizkit figure holds. Every result must also display, convert with ``str()`` and switch backend;
where CircuitsVis raises, we raise the same type.
"""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

import vizkit as vk
from vizkit.compat import circuitsvis as cv
from vizkit.spec import Heatmap, Scatter, TokenText

torch = pytest.importorskip("torch")
real = pytest.importorskip("circuitsvis")
t = torch  # notebooks import torch as t

GEN = torch.Generator().manual_seed(7)
TEXT = "When Mary and John went to the store, Mary gave"
STR_TOKENS = ["<|endoftext|>", "When", " Mary", " and", " John", " went", " to", " the", " store", ",", " Mary", " gave"]
N = len(STR_TOKENS)
N_HEADS, N_LAYERS, D_MLP, D_VOCAB = 12, 2, 5, 40
IDS = [0, 7, 3, 9, 11, 5, 2, 8, 13, 4, 3, 6]


class Cfg:
    n_layers, n_heads, d_vocab = N_LAYERS, N_HEADS, D_VOCAB


class Model:
    """What the call sites use of a HookedTransformer: ``to_str_tokens``, ``to_tokens``, ``to_string``, ``cfg``."""

    cfg = Cfg()

    def to_str_tokens(self, x):
        if isinstance(x, str):
            return list(STR_TOKENS)
        ids = x.tolist() if hasattr(x, "tolist") else list(x)
        return [f"t{i}" for i in (ids[0] if ids and isinstance(ids[0], list) else ids)]

    def to_tokens(self, text):
        return torch.tensor([IDS])

    def to_string(self, i):
        return f"tok{int(i)}"

    def __call__(self, text):
        return LOGITS.clone()


def _pattern(*lead):
    scores = torch.randn(*lead, N, N, generator=GEN)
    return torch.softmax(scores.masked_fill(torch.triu(torch.ones(N, N, dtype=torch.bool), 1), -torch.inf), dim=-1)


class Cache(dict):
    """``cache["pattern", layer]`` / ``cache["pattern", layer, "attn"]`` / ``cache["post", layer]`` / hook names."""

    def __init__(self, batch: bool):
        super().__init__()
        lead = (1, N_HEADS) if batch else (N_HEADS,)
        for layer in range(N_LAYERS):
            self[f"blocks.{layer}.attn.hook_pattern"] = _pattern(*lead)
            self[f"blocks.{layer}.mlp.hook_post"] = torch.randn(*lead[:-1], N, D_MLP, generator=GEN)

    def __getitem__(self, key):
        if isinstance(key, tuple):
            name = {"pattern": "blocks.{}.attn.hook_pattern", "post": "blocks.{}.mlp.hook_post"}[key[0]].format(key[1])
            return super().__getitem__(name)
        return super().__getitem__(key)


model = gpt2_small = reference_gpt2 = Model()
LOGITS = torch.randn(1, N, D_VOCAB, generator=GEN)
cache = gpt2_cache = Cache(batch=False)  # run_with_cache(..., remove_batch_dim=True)
batch_cache = Cache(batch=True)  # run_with_cache(tokens)
gpt2_str_tokens = str_tokens = STR_TOKENS
gpt2_text = text = reference_text = TEXT


def display(obj):
    """IPython's ``display``: what a notebook output gets is the object's mime bundle."""
    bundle = obj._repr_mimebundle_()
    assert bundle.get("text/html"), "a notebook shows nothing"
    return bundle


def real_props(html) -> tuple[str, dict]:
    """The component and props a real CircuitsVis ``RenderedHTML`` hands its React component."""
    m = re.search(r'render\(\s*"circuits-vis-[^"]+",\s*(\w+),\s*(\{.*\})\s*\)\s*</script>', str(html), re.S)
    return m.group(1), json.loads(m.group(2))


def stands_alone(fig) -> str:
    """``str(fig)``: self-contained HTML (no network, no page-level markup) that also displays."""
    assert isinstance(fig, vk.Figure) and isinstance(fig, cv.utils.render.RenderedHTML)
    html = str(fig)
    assert html.startswith("<iframe srcdoc=") and "unpkg.com" not in html and "<html" not in html
    assert html == fig.show_code() == fig._repr_html_()
    display(fig)
    return html


def heads_match(fig, props, attention, names=None):
    """Head names, tokens, the pattern (every unmasked cell) and the top of the colour range, against CircuitsVis' props."""
    attention = np.asarray(attention, dtype=float)
    while attention.ndim > 3:
        attention = attention[0]
    names = names or props.get("attentionHeadNames") or [f"Head {i}" for i in range(len(attention))]
    assert [p.title for p in fig.panels] == names
    assert fig.meta["tokens"] == [str(tok) for tok in props["tokens"]]
    for head, mark in zip(attention, fig.marks(Heatmap), strict=True):
        kept = np.isfinite(mark.z)
        np.testing.assert_allclose(mark.z[kept], head[kept], rtol=1e-6)
        assert np.all(head[~kept] == 0)  # only the causal triangle (all zeros) is masked, as CircuitsVis greys it
    scale = fig.marks(Heatmap)[0].colorscale
    assert scale.zmax == props.get("maxValue", 1.0)  # CircuitsVis' AttentionPattern: maxValue defaults to 1
    if "minValue" in props and props["minValue"] < 0:
        assert scale.zmin == props["minValue"]


def tokens_match(fig, props):
    (mark,) = fig.marks(TokenText)
    assert list(fig.meta["tokens"]) == [str(tok) for tok in props["tokens"]]
    values = np.asarray(props["values"], dtype=float)
    if values.ndim == 2:  # ColoredTokensMulti: [tokens, K]
        np.testing.assert_allclose(mark.values, values.T, rtol=1e-6)
        assert list(mark.row_labels) == props.get("labels", [str(i) for i in range(values.shape[1])])
        return mark
    np.testing.assert_allclose(mark.values[0], values, rtol=1e-6)
    lo, hi = props.get("minValue", values.min()), props.get("maxValue", values.max())
    if values.min() >= 0:  # CircuitsVis colours from white at 0 up to maxValue
        assert (mark.colorscale.zmin, mark.colorscale.zmax) == (0.0, hi)
    else:
        assert mark.colorscale.zmin <= lo and mark.colorscale.zmax >= hi
    return mark


# -- attention ---------------------------------------------------------------------------------------------------


def test_arena_attention_patterns_with_head_names():
    # find_string "cv.attention.attention_patterns(" (file 1248866480, an ARENA 1.2 solution; also 14968554410)
    attention_pattern = gpt2_cache["pattern", 0]
    html = display(cv.attention.attention_patterns(
        tokens=gpt2_str_tokens,
        attention=attention_pattern,
        attention_head_names=[f"L0H{i}" for i in range(12)],
    ))
    assert html["text/html"]
    fig = cv.attention.attention_patterns(tokens=gpt2_str_tokens, attention=attention_pattern,
                                          attention_head_names=[f"L0H{i}" for i in range(12)])
    _, props = real_props(real.attention.attention_heads(attention_pattern, gpt2_str_tokens,
                                                         attention_head_names=[f"L0H{i}" for i in range(12)]))
    heads_match(fig, props, attention_pattern)
    stands_alone(fig)


def test_attention_patterns_of_a_cache_with_its_batch():
    # find_string "cv.attention.attention_patterns(" (file 5938403959, and 31196209069: plot_attention_heads)
    for layer in range(model.cfg.n_layers):
        attention_pattern = batch_cache["pattern", layer]
        fig = cv.attention.attention_patterns(tokens=str_tokens, attention=attention_pattern)
        _, props = real_props(real.attention.attention_patterns(tokens=str_tokens, attention=attention_pattern))
        assert np.asarray(props["attention"]).shape == (1, N_HEADS, N, N)  # CircuitsVis passes the batch on (and draws nothing useful)
        heads_match(fig, {"tokens": props["tokens"]}, attention_pattern)
        display(fig)


def test_attention_heads_of_batch_item_zero():
    # find_string "cv.attention.attention_heads(" (file 2021965065): cache["pattern", 0][0], tokens from to_str_tokens
    html = cv.attention.attention_heads(
        tokens=reference_gpt2.to_str_tokens(reference_text),
        attention=batch_cache["pattern", 0][0]
    )
    _, props = real_props(real.attention.attention_heads(tokens=reference_gpt2.to_str_tokens(reference_text),
                                                         attention=batch_cache["pattern", 0][0]))
    heads_match(html, props, batch_cache["pattern", 0][0])
    display(html)
    html = cv.attention.attention_patterns(
        tokens=reference_gpt2.to_str_tokens(reference_text),
        attention=cache["pattern", 0]
    )
    heads_match(html, {"tokens": STR_TOKENS}, cache["pattern", 0])


def test_attention_heads_head_names_and_attn_key():
    # find_string "cv.attention.attention_heads(" (file 60632118854) and the ARENA streamlit page (26235397444)
    attention_pattern = gpt2_cache["pattern", 0]
    fig = cv.attention.attention_heads(tokens=gpt2_str_tokens, attention=attention_pattern,
                                       attention_head_names=[f"L0H{i}" for i in range(12)])
    _, props = real_props(real.attention.attention_heads(tokens=gpt2_str_tokens, attention=attention_pattern,
                                                         attention_head_names=[f"L0H{i}" for i in range(12)]))
    heads_match(fig, props, attention_pattern)
    fig = cv.attention.attention_heads(tokens=gpt2_str_tokens, attention=attention_pattern)
    heads_match(fig, real_props(real.attention.attention_heads(tokens=gpt2_str_tokens, attention=attention_pattern))[1],
                attention_pattern)


def test_attention_heads_stacked_patterns_show_code_in_a_titled_div():
    # find_string "cv.attention.attention_heads(" (file 27469225713): heads stacked, .show_code() pasted into a div
    labels = ["L0H3", "L1H7"]
    patterns = torch.stack([cache["pattern", 0][3], cache["pattern", 1][7]], dim=0)
    plot = cv.attention.attention_heads(
        attention=patterns, tokens=str_tokens, attention_head_names=labels
    ).show_code()
    title_html = "<h2>Induction heads</h2><br/>"
    page = f"<div style='max-width: {str(700)}px;'>{title_html + plot}</div>"
    assert page.count("<iframe") == 1 and "<body" not in page
    fig = cv.attention.attention_heads(attention=patterns, tokens=str_tokens, attention_head_names=labels)
    heads_match(fig, real_props(real.attention.attention_heads(attention=patterns, tokens=str_tokens,
                                                               attention_head_names=labels))[1], patterns)


def test_attention_heads_positional_and_all_layers():
    # find_string "cv.attention.attention_heads(" (file 10972602365): positional attention, names of every layer's heads
    n_layers, n_heads = N_LAYERS, N_HEADS
    patterns = torch.cat((batch_cache["pattern", 0], batch_cache["pattern", 1]), dim=1)[0]
    fig = cv.attention.attention_heads(
        patterns,
        attention_head_names=[f"head{i}.{j}" for i in range(n_layers) for j in range(n_heads)],
        tokens=STR_TOKENS,
    )
    heads_match(fig, real_props(real.attention.attention_heads(
        patterns, attention_head_names=[f"head{i}.{j}" for i in range(n_layers) for j in range(n_heads)],
        tokens=STR_TOKENS))[1], patterns)
    avg_patterns = torch.cat((batch_cache["pattern", 0], batch_cache["pattern", 1]), dim=1).mean(dim=0)
    avg = cv.attention.attention_heads(avg_patterns, attention_head_names=[f"head{i}.{j}" for i in range(n_layers)
                                                                           for j in range(n_heads)], tokens=STR_TOKENS)
    assert len(avg.panels) == n_layers * n_heads


def test_attention_heads_bounds_and_token_ids():
    # find_string "cv.attention.attention_heads(" (file 38741880286): tokens typed List[int], max_value=1, min_value=-1
    tokens = IDS
    attention = cache["pattern", 1][:4] - cache["pattern", 0][:4]  # a difference of patterns: signed
    result = cv.attention.attention_heads(
        tokens=tokens,
        attention=attention,
        max_value=1,
        min_value=-1,
    )
    _, props = real_props(real.attention.attention_heads(tokens=tokens, attention=attention, max_value=1, min_value=-1))
    heads_match(result, props, attention)
    scale = result.marks(Heatmap)[0].colorscale
    assert (scale.zmin, scale.zmax) == (-1.0, 1.0) and scale.name == "RdBu"  # white at 0, as CircuitsVis
    assert len(str(result)) > 0


def test_attention_heads_mask_upper_tri_from_config():
    # find_string "cv.attention.attention_heads(" (file 52055716186): patterns[first_layer][0], mask_upper_tri=config...
    patterns = {0: batch_cache["pattern", 0]}
    first_layer = min(patterns.keys())
    attention = patterns[first_layer][0]
    head_names = [f"{first_layer}.{h}" for h in range(attention.shape[0])]
    for mask in (True, False):
        fig = cv.attention.attention_heads(attention=attention, tokens=STR_TOKENS, attention_head_names=head_names,
                                           mask_upper_tri=mask)
        _, props = real_props(real.attention.attention_heads(attention=attention, tokens=STR_TOKENS,
                                                             attention_head_names=head_names, mask_upper_tri=mask))
        assert props["maskUpperTri"] is mask and fig.meta["causal"] is mask
        heads_match(fig, props, attention)


def test_attention_pattern_one_head_and_unsqueezed():
    # find_string "cv.attention.attention_pattern(" (file 52483696656): one head, then .unsqueeze(0) for patterns
    attention = cache["pattern", 1][6]
    one = cv.attention.attention_pattern(tokens=str_tokens, attention=attention)
    _, props = real_props(real.attention.attention_pattern(tokens=str_tokens, attention=attention))
    heads_match(one, props, attention[None], names=[None])  # one pattern, untitled as CircuitsVis draws it
    heads = cv.attention.attention_patterns(tokens=str_tokens, attention=attention.unsqueeze(0))
    heads_match(heads, {"tokens": STR_TOKENS}, attention[None])
    stands_alone(one)


def test_attention_pattern_of_a_hook_name_and_str_written_out():
    # find_string "cv.attention.attention_pattern(" (file 66300449860): cache[hook][0, head], str(html) returned
    seqs = torch.tensor([IDS])
    layer, head = 1, 4
    pat = batch_cache[f"blocks.{layer}.attn.hook_pattern"][0, head]
    tokens = [model.to_string(tok) for tok in seqs[0]]
    html = cv.attention.attention_pattern(tokens=tokens, attention=pat.cpu())
    out = str(html)
    _, props = real_props(real.attention.attention_pattern(tokens=tokens, attention=pat.cpu()))
    heads_match(html, props, pat[None], names=[None])
    assert out.startswith("<iframe")


def test_attention_pattern_positional_attention_first_raises_as_circuitsvis():
    # find_string "cv.attention.attention_pattern(" (file 27201759689): written for the fork's (attention, tokens) order
    layer_patterns = batch_cache["pattern", 1].mean(dim=0)
    head, cutoff = 8, 10
    with pytest.raises(TypeError):
        real.attention.attention_pattern(layer_patterns[head, :cutoff, :cutoff],
                                         tokens=model.to_str_tokens(torch.tensor([IDS])[0][:cutoff]))
    with pytest.raises(TypeError):
        cv.attention.attention_pattern(
            layer_patterns[head, :cutoff, :cutoff], tokens=model.to_str_tokens(torch.tensor([IDS])[0][:cutoff])
        )
    # the fork's order given positionally is read as the fork means it
    fork = cv.attention.attention_patterns(layer_patterns[:, :cutoff, :cutoff], STR_TOKENS[:cutoff])
    assert len(fork.panels) == N_HEADS and fork.meta["tokens"] == STR_TOKENS[:cutoff]


def test_attention_heads_of_a_stacked_selection_of_heads():
    # find_string "cv.attention.attention_heads(" (file 65763385833): t.stack of [0, head] slices, names "layer.head"
    top_heads = [(0, 2), (1, 5), (1, 9)]
    attn_patterns = [batch_cache["pattern", layer][0, head] for layer, head in top_heads]
    attn_patterns_for_important_heads = t.stack(attn_patterns)
    str_tokens = [f"t{i}" for i in IDS]
    fig = cv.attention.attention_heads(
        attention=attn_patterns_for_important_heads,
        tokens=str_tokens,
        attention_head_names=[f"{layer}.{head}" for layer, head in top_heads],
    )
    heads_match(fig, real_props(real.attention.attention_heads(
        attention=attn_patterns_for_important_heads, tokens=str_tokens,
        attention_head_names=[f"{layer}.{head}" for layer, head in top_heads]))[1], attn_patterns_for_important_heads)


def test_attention_in_bfloat16():
    # bf16 models (Gemma, Llama) cache bf16 patterns: CircuitsVis' .tolist() reads them, so must we
    attention = cache["pattern", 0].to(torch.bfloat16)
    fig = cv.attention.attention_heads(attention, STR_TOKENS)
    heads_match(fig, real_props(real.attention.attention_heads(attention, STR_TOKENS))[1], attention.float())


# -- tokens ------------------------------------------------------------------------------------------------------


def test_colored_tokens_with_a_python_list_of_values():
    # find_string "cv.tokens.colored_tokens(" (file 27278635591): values a python list with one spike
    toks = torch.tensor(IDS)
    values = [0 for _ in range(len(toks))]
    values[4 + 1] = 2.5
    out = display(cv.tokens.colored_tokens(tokens=model.to_str_tokens(
        toks,
        ),
        values=values

    ))
    assert out["text/html"]
    fig = cv.tokens.colored_tokens(tokens=model.to_str_tokens(toks), values=values)
    tokens_match(fig, real_props(real.tokens.colored_tokens(tokens=model.to_str_tokens(toks), values=values))[1])


def test_colored_tokens_positive_color():
    # find_string "cv.tokens.colored_tokens(" (file 27926779775): positive_color='blue'
    values = [0.0] * N
    values[3] = 1.7
    fig = cv.tokens.colored_tokens(tokens=STR_TOKENS, values=values, positive_color='blue')
    mark = tokens_match(fig, real_props(real.tokens.colored_tokens(tokens=STR_TOKENS, values=values,
                                                                   positive_color="blue"))[1])
    assert mark.colorscale.name == "Blues" and not fig.compat["not_drawn"]


def test_colored_tokens_slice_of_a_score_tensor():
    # find_string "cv.tokens.colored_tokens(" (file 20392293361): scores[seq, lo:hi] of a torch tensor
    scores = torch.rand(3, N, generator=GEN)
    seq, min_index, max_index = 1, 2, 9
    fig = cv.tokens.colored_tokens(
        tokens=str_tokens[min_index:max_index],
        values=scores[seq, min_index:max_index],
    )
    tokens_match(fig, real_props(real.tokens.colored_tokens(tokens=str_tokens[min_index:max_index],
                                                            values=scores[seq, min_index:max_index]))[1])
    stands_alone(fig)


def test_colored_tokens_masked_values_of_shifted_tokens():
    # find_string "cv.tokens.colored_tokens(" (file 20712328680): to_str_tokens(toks[1:]), mask * values[:-1]
    toks = torch.tensor(IDS)
    values = torch.randn(N, generator=GEN)
    mask = (torch.arange(N - 1) % 3 == 0).float()
    masked_vals = mask * values[:-1]
    fig = cv.tokens.colored_tokens(
        tokens=model.to_str_tokens(toks[1:]), values=masked_vals
    )
    tokens_match(fig, real_props(real.tokens.colored_tokens(tokens=model.to_str_tokens(toks[1:]), values=masked_vals))[1])


def test_colored_tokens_bounds_and_whitespace_tokens():
    # find_string "cv.tokens.colored_tokens(" (file 27614214775): tokens.extend(["\n      ", ' ']), min 0.1, max 1
    tokens = list(STR_TOKENS[:6])
    values = [0.2, 0.5, 0.9, 0.05, 0.3, 0.7]
    tokens.extend(["\n      ", ' '])
    values.extend([0, 0])
    fig = cv.tokens.colored_tokens(tokens=tokens, values=values, min_value=0.1, max_value=1)
    _, props = real_props(real.tokens.colored_tokens(tokens=tokens, values=values, min_value=0.1, max_value=1))
    mark = tokens_match(fig, props)
    assert (mark.colorscale.zmin, mark.colorscale.zmax) == (0.0, 1.0)  # CircuitsVis: 0 white, min_value only for negatives
    assert all(tok.strip() for tok in mark.tokens)  # whitespace tokens drawn visibly


def test_colored_tokens_of_a_probe_output_with_a_batch_row():
    # find_string "cv.tokens.colored_tokens(" (file 37382202273): res[0] of a [batch, seq] sigmoid output
    t_strs = [s.replace("Ġ", " ") for s in ["The", "Ġcat", "Ġsat", "Ġon", "Ġthe", "Ġmat"]]
    res = torch.rand(1, 6, generator=GEN)
    fig = cv.tokens.colored_tokens(t_strs, res[0])
    tokens_match(fig, real_props(real.tokens.colored_tokens(t_strs, res[0]))[1])


def test_colored_tokens_multi_of_a_zeros_tensor_with_labels():
    # find_string "colored_tokens_multi(" (files 398854385, 17881200): values torch.zeros(len, 4), four labels
    math_tokens = STR_TOKENS
    values = torch.zeros(len(math_tokens), 4)
    values[2:5] = torch.tensor([0.3, 1.0, 0.0, 2.0])
    fig = cv.tokens.colored_tokens_multi(
        tokens=math_tokens,
        values=values,
        labels=["kl", "they differ", "math pred", "r1 pred"],
    )
    tokens_match(fig, real_props(real.tokens.colored_tokens_multi(tokens=math_tokens, values=values,
                                                                  labels=["kl", "they differ", "math pred", "r1 pred"]))[1])
    stands_alone(fig)


def test_colored_tokens_multi_vstack_transposed():
    # find_string "colored_tokens_multi(" (file 22759262042): torch.vstack([...]).T, three labels
    tags, gt_tags, end_ent = torch.rand(N, generator=GEN), torch.rand(N, generator=GEN), torch.rand(N, generator=GEN)
    fig = cv.tokens.colored_tokens_multi(
        tokens=str_tokens,
        values=torch.vstack([ls for ls in (tags, gt_tags, end_ent.cpu())]).T,
        labels=["Pred Tags", "ground Truth", "end probe"],
    )
    tokens_match(fig, real_props(real.tokens.colored_tokens_multi(
        tokens=str_tokens, values=torch.vstack([tags, gt_tags, end_ent]).T,
        labels=["Pred Tags", "ground Truth", "end probe"]))[1])


def test_colored_tokens_multi_of_token_ids_str_written_into_a_page():
    # find_string "colored_tokens_multi(" (file 1000042510): tokens a slice of token ids, str() pasted into a flex page
    input_seq_toks = torch.tensor(IDS)
    pref_len = 3
    tokens_cropped = input_seq_toks[pref_len:]
    mses_cropped_SL = torch.rand(N - pref_len, 2, generator=GEN)
    values_normed = mses_cropped_SL / mses_cropped_SL.max(dim=0).values[None]
    hookpoints = [f"blocks.{i}.hook_resid_pre" for i in range(0, 8, 4)]
    toks_html = str(
        cv.tokens.colored_tokens_multi(
            tokens=tokens_cropped,
            values=values_normed,
            labels=hookpoints,
        )
    )
    website = f"""<div style="display: flex;"><div style="flex: 1;">{toks_html}</div></div>"""
    assert website.count("<iframe") == 1
    fig = cv.tokens.colored_tokens_multi(tokens=tokens_cropped, values=values_normed, labels=hookpoints)
    assert fig.marks(TokenText)[0].tokens == tuple(str(i) for i in IDS[pref_len:])  # "9", never "tensor(9)"
    tokens_match(fig, real_props(real.tokens.colored_tokens_multi(tokens=tokens_cropped, values=values_normed,
                                                                  labels=hookpoints))[1])


def test_colored_tokens_multi_repr_html_written_to_a_file(tmp_path):
    # find_string "colored_tokens_multi(" (file 31115899167): html_out._repr_html_() written to token_visualization.html
    compounded = torch.rand(20, N, generator=GEN)
    str_tokens = [f"t{i}" for i in IDS]
    html_out = cv.tokens.colored_tokens_multi(str_tokens, compounded.T)
    with open(tmp_path / "token_visualization.html", "w", encoding="utf-8") as f:
        f.write(html_out._repr_html_())
    assert (tmp_path / "token_visualization.html").read_text(encoding="utf-8").startswith("<iframe")
    tokens_match(html_out, real_props(real.tokens.colored_tokens_multi(str_tokens, compounded.T))[1])


def test_colored_tokens_multi_mismatch_raises_assertion_error_as_circuitsvis():
    with pytest.raises(AssertionError):
        real.tokens.colored_tokens_multi(STR_TOKENS[:-1], torch.rand(N, 2))
    with pytest.raises(AssertionError, match="Number of tokens"):
        cv.tokens.colored_tokens_multi(STR_TOKENS[:-1], torch.rand(N, 2))


def test_visualize_model_performance_with_batch_dims():
    tokens = torch.tensor([IDS])
    fig = cv.tokens.visualize_model_performance(tokens, STR_TOKENS, LOGITS)
    tokens_match(fig, real_props(real.tokens.visualize_model_performance(tokens, STR_TOKENS, LOGITS))[1])
    with pytest.raises(AssertionError):
        real.tokens.visualize_model_performance(torch.cat([tokens, tokens]), STR_TOKENS, LOGITS)
    with pytest.raises(AssertionError):
        cv.tokens.visualize_model_performance(torch.cat([tokens, tokens]), STR_TOKENS, LOGITS)


# -- neurons -----------------------------------------------------------------------------------------------------


def neurons_match(fig, props):
    tokens = props["tokens"]
    samples = [tokens] if isinstance(tokens[0], str) else tokens
    acts = props["activations"]
    acts = [acts] if isinstance(acts[0][0][0], (int, float)) else acts
    marks = fig.marks(TokenText)
    assert len(marks) == len(samples)
    for mark, toks, a in zip(marks, samples, acts, strict=True):
        a = np.asarray(a, dtype=float)
        assert len(mark.tokens) == len(toks)
        np.testing.assert_allclose(mark.values, a.reshape(len(toks), -1).T, rtol=1e-6)
    n1, n2 = np.asarray(acts[0]).shape[1:]
    l1 = props.get("firstDimensionLabels") or list(range(n1))
    l2 = props.get("secondDimensionLabels") or list(range(n2))
    first, second = props.get("firstDimensionName", "Layer"), props.get("secondDimensionName", "Neuron")
    assert list(marks[0].row_labels) == [f"{first} {a} · {second} {b}" for a in l1 for b in l2]


def test_text_neuron_activations_of_every_layer():
    # find_string "text_neuron_activations(" (file 48642681387, ARENA 1.2): t.stack of cache["post", layer], dim=1
    neuron_activations_for_all_layers = t.stack([
        gpt2_cache["post", layer] for layer in range(gpt2_small.cfg.n_layers)
    ], dim=1)
    fig = cv.activations.text_neuron_activations(
        tokens=gpt2_str_tokens,
        activations=neuron_activations_for_all_layers
    )
    neurons_match(fig, real_props(real.activations.text_neuron_activations(
        tokens=gpt2_str_tokens, activations=neuron_activations_for_all_layers))[1])
    stands_alone(fig)


def test_text_neuron_activations_of_heads_with_second_dimension_name():
    # find_string "cv.activations.text_neuron_activations(" (file 36051472117): einops rearrange, second_dimension_name
    import einops

    per_head_direct_effect = torch.randn(N_LAYERS, 3, 4, N - 1, generator=GEN)
    owt_tokens = torch.tensor([IDS] * 4)
    batch = 2
    fig = cv.activations.text_neuron_activations(
        model.to_str_tokens(owt_tokens[batch, 1:]),
        einops.rearrange(per_head_direct_effect[:, :, batch, :], "layer head pos -> pos layer head"),
        second_dimension_name = "Head"
    )
    neurons_match(fig, real_props(real.activations.text_neuron_activations(
        model.to_str_tokens(owt_tokens[batch, 1:]),
        einops.rearrange(per_head_direct_effect[:, :, batch, :], "layer head pos -> pos layer head"),
        second_dimension_name="Head"))[1])


def test_text_neuron_activations_one_token_list_with_a_list_of_one_array():
    # find_string "cv.activations.text_neuron_activations(" (file 45505913839): activations=[loss_diffs_padded[batch_idx]]
    loss_diffs_padded = torch.randn(3, N, 4, 2, generator=GEN)
    batch_idx = 1
    DATA_STR_TOKS_PARSED = [STR_TOKENS] * 3
    html = cv.activations.text_neuron_activations(
        tokens = DATA_STR_TOKS_PARSED[batch_idx],
        activations = [loss_diffs_padded[batch_idx]],
        first_dimension_name = "loss_type",
        first_dimension_labels = ["mean, direct", "zero, direct", "mean, patched", "zero, patched"],
        second_dimension_name = "head",
        second_dimension_labels = ["10.7", "11.10"],
    )
    neurons_match(html, real_props(real.activations.text_neuron_activations(
        tokens=DATA_STR_TOKS_PARSED[batch_idx], activations=[loss_diffs_padded[batch_idx]],
        first_dimension_name="loss_type",
        first_dimension_labels=["mean, direct", "zero, direct", "mean, patched", "zero, patched"],
        second_dimension_name="head", second_dimension_labels=["10.7", "11.10"]))[1])
    assert len(str(html)) > 0


def test_text_neuron_activations_of_a_flat_list_reshaped():
    # find_string "text_neuron_activations(" (file 28114529370): torch.tensor(list).reshape(-1, 1, 1), "\n" tokens
    display_text_list = ["The", " cat", "\n", " sat", "\n"]
    activation_list = [0.5, -0.2, 0.0, 1.3, 0.0]
    activation_list = torch.tensor(activation_list).reshape(-1, 1, 1)
    fig = cv.activations.text_neuron_activations(tokens=display_text_list, activations=activation_list)
    neurons_match(fig, real_props(real.activations.text_neuron_activations(tokens=display_text_list,
                                                                           activations=activation_list))[1])


def test_text_neuron_activations_of_ragged_samples():
    # find_string "text_neuron_activations(" (file 12025910433): list of token lists, list of [len, 1, 1] tensors
    individual_acts = torch.rand(3, N, generator=GEN)
    decoded_tokens = [STR_TOKENS] * 3
    batch_indices, token_indices = [0, 2], [3, 7]
    activations = [individual_acts[batch_idx, : token_id + 1, None, None].clone()
                   for batch_idx, token_id in zip(batch_indices, token_indices)]  # noqa: B905 (verbatim)
    individual_tokens = [decoded_tokens[batch_idx][: token_idx + 1]
                         for batch_idx, token_idx in zip(batch_indices, token_indices)]  # noqa: B905 (verbatim)
    top_contexts = cv.activations.text_neuron_activations(individual_tokens, activations)
    neurons_match(top_contexts, real_props(real.activations.text_neuron_activations(individual_tokens, activations))[1])


def test_text_neuron_activations_wrong_rank_raises_as_circuitsvis():
    with pytest.raises(AssertionError):
        real.activations.text_neuron_activations(STR_TOKENS, torch.rand(N, D_MLP))
    with pytest.raises(AssertionError, match="tokens x layers x neurons"):
        cv.activations.text_neuron_activations(STR_TOKENS, torch.rand(N, D_MLP))
    with pytest.raises(TypeError):
        cv.activations.text_neuron_activations(STR_TOKENS, "not activations")


def test_topk_tokens_of_rearranged_numpy():
    # find_string "cv.topk_tokens.topk_tokens(" (files 68516933733, 13209920346, 5697264314; ARENA 1.2)
    import einops

    class utils:  # transformer_lens.utils.to_numpy (TransformerLens 4 moved it to transformer_lens.utilities)
        to_numpy = staticmethod(lambda x: x.detach().cpu().numpy())

    neuron_activations_for_all_layers = t.stack(
        [gpt2_cache["post", layer] for layer in range(gpt2_small.cfg.n_layers)], dim=1
    )
    neuron_activations_for_all_layers_rearranged = utils.to_numpy(
        einops.rearrange(
            neuron_activations_for_all_layers, "seq layers neurons -> 1 layers seq neurons"
        )
    )
    fig = cv.topk_tokens.topk_tokens(
        # Some weird indexing required here ¯\_(ツ)_/¯
        tokens=[gpt2_str_tokens],
        activations=neuron_activations_for_all_layers_rearranged,
        max_k=7,
        first_dimension_name="Layer",
        third_dimension_name="Neuron",
        first_dimension_labels=list(range(N_LAYERS)),
    )
    _, props = real_props(real.topk_tokens.topk_tokens(
        tokens=[gpt2_str_tokens], activations=neuron_activations_for_all_layers_rearranged, max_k=7,
        first_dimension_name="Layer", third_dimension_name="Neuron", first_dimension_labels=list(range(N_LAYERS))))
    top_vals, top_idxs = np.asarray(props["topkVals"][0]), np.asarray(props["topkIdxs"][0])  # [layers, k, neurons]
    for layer in range(N_LAYERS):
        for neuron in range(D_MLP):
            ours = fig.meta["topk"][0][layer][neuron]
            assert [p for p, _ in ours] == top_idxs[layer, :, neuron].tolist()
            np.testing.assert_allclose([v for _, v in ours], top_vals[layer, :, neuron], rtol=1e-6)
    assert fig.marks(TokenText)[0].row_labels[:2] == ("Layer 0 · Neuron 0", "Layer 0 · Neuron 1")
    stands_alone(fig)


def test_topk_tokens_length_mismatch_raises_as_circuitsvis():
    acts = [np.random.default_rng(0).normal(size=(2, N, 3))]
    with pytest.raises(AssertionError):
        real.topk_tokens.topk_tokens([STR_TOKENS, STR_TOKENS], acts)
    with pytest.raises(AssertionError, match="same length"):
        cv.topk_tokens.topk_tokens([STR_TOKENS, STR_TOKENS], acts)


def test_topk_samples_nested_lists():
    # CircuitsVis' own test shape: tokens and activations [layers][neurons][samples][tokens], ragged samples
    tokens = [[["a", "b"], ["c", "d", "e"]], [["f"], ["g", "h"]]]
    activations = [[[0.2, 1], [1, 0.0, 0]], [[0.5], [0.5, 1]]]
    fig = cv.topk_samples.topk_samples(tokens=[tokens], activations=[activations])
    _, props = real_props(real.topk_samples.topk_samples(tokens=[tokens], activations=[activations]))
    frames = [(i, j) for i in range(len(props["tokens"])) for j in range(len(props["tokens"][i]))]
    assert fig.slider.labels == tuple(f"Layer {i} · Neuron {j}" for i, j in frames)
    marks = fig.marks(TokenText)
    expected = [(tuple(s), a) for i, j in frames for s, a in zip(props["tokens"][i][j], props["activations"][i][j], strict=True)]
    assert [m.tokens for m in marks] == [e[0] for e in expected]
    for mark, (_, a) in zip(marks, expected, strict=True):
        np.testing.assert_allclose(mark.values[0], a)


# -- logits ------------------------------------------------------------------------------------------------------


def log_probs_match(fig, props):
    text, dots, truth = fig.marks(TokenText)[0], fig.marks(Scatter)[0], fig.marks(Scatter)[1]
    assert fig.meta["tokens"] == props["prompt"][1:]
    assert fig.meta["top_k_tokens"] == props["topKTokens"]
    np.testing.assert_allclose(text.values[0], props["correctTokenLogProb"], rtol=1e-5, atol=1e-6)
    k = len(props["topKTokens"][0])
    np.testing.assert_allclose(dots.values.reshape(-1, k), props["topKLogProbs"], rtol=1e-5, atol=1e-6)
    rank = np.asarray(props["correctTokenRank"])
    inside = np.flatnonzero(rank < k)
    np.testing.assert_allclose(truth.x, rank[inside])
    np.testing.assert_allclose(truth.y, inside)


def test_token_log_probs_of_to_tokens_and_batch_log_softmax():
    # find_string "cv.logits.token_log_probs" (files 33632208907, 34032194009): positional, model.to_string
    example_prompt = TEXT
    fig = cv.logits.token_log_probs(model.to_tokens(example_prompt), model(example_prompt)[0].log_softmax(dim=-1), model.to_string)
    log_probs_match(fig, real_props(real.logits.token_log_probs(
        model.to_tokens(example_prompt), model(example_prompt)[0].log_softmax(dim=-1), model.to_string))[1])
    stands_alone(fig)


def test_token_log_probs_top_k_keyword_and_str_concatenated():
    # find_string "cv.logits.token_log_probs" (file 45401771698): top_k = 5, to_string = ..., str(html) + "\n</div>\n\n"
    data_toks = torch.tensor([IDS, IDS[::-1]])
    logits_orig = torch.randn(2, N, D_VOCAB, generator=GEN)
    to_string = model.to_string
    s_orig = ""
    for batch_idx in range(2):
        html_orig = cv.logits.token_log_probs(
            data_toks[batch_idx].cpu(),
            logits_orig[batch_idx].log_softmax(-1),
            top_k = 5,
            to_string = to_string,
        )
        s_orig += str(html_orig) + "\n</div>\n\n"
        log_probs_match(html_orig, real_props(real.logits.token_log_probs(
            data_toks[batch_idx].cpu(), logits_orig[batch_idx].log_softmax(-1), top_k=5, to_string=to_string))[1])
    assert s_orig.count("<iframe") == 2


def test_token_log_probs_squeezed_completion():
    # find_string "cv.logits.token_log_probs" (file 59952490230): model(completion).squeeze(0).log_softmax(dim=-1)
    completion = TEXT
    tinystories_model = model
    fig = cv.logits.token_log_probs(
        tinystories_model.to_tokens(completion),
        tinystories_model(completion).squeeze(0).log_softmax(dim=-1),
        tinystories_model.to_string,
    )
    log_probs_match(fig, real_props(real.logits.token_log_probs(
        model.to_tokens(completion), model(completion).squeeze(0).log_softmax(dim=-1), model.to_string))[1])


def test_token_log_probs_mismatched_lengths_raise_as_circuitsvis():
    with pytest.raises(AssertionError):
        real.logits.token_log_probs(torch.tensor(IDS[:-1]), LOGITS[0].log_softmax(-1), model.to_string)
    with pytest.raises(AssertionError, match="identical"):
        cv.logits.token_log_probs(torch.tensor(IDS[:-1]), LOGITS[0].log_softmax(-1), model.to_string)


# -- module layout, imports, render ------------------------------------------------------------------------------


def test_module_layout_and_imports():
    # find_string "from circuitsvis.attention import" / "from circuitsvis.utils.render import" / "cv.tokens.RenderedHTML"
    from vizkit.compat.circuitsvis.activations import text_neuron_activations  # noqa: F401
    from vizkit.compat.circuitsvis.attention import attention_heads, attention_patterns  # noqa: F401
    from vizkit.compat.circuitsvis.tokens import colored_tokens, colored_tokens_multi  # noqa: F401
    from vizkit.compat.circuitsvis.utils.render import RenderedHTML, render  # noqa: F401

    for module in ("attention", "tokens", "activations", "topk_tokens", "topk_samples", "logits"):
        assert getattr(cv, module).RenderedHTML is RenderedHTML
        assert getattr(real, module).RenderedHTML is real.utils.render.RenderedHTML
    assert cv.__version__ == real.__version__
    fig = attention_heads(cache["pattern", 0], STR_TOKENS)
    assert isinstance(fig, cv.tokens.RenderedHTML)
    plain = RenderedHTML("<p>Hi</p>", "<p>Hi</p>")  # CircuitsVis' own RenderedHTML test
    assert plain._repr_html_() == plain.show_code() == str(plain) == "<p>Hi</p>"


def test_render_from_component_props():
    # find_string "from circuitsvis.utils.render import" (file 43741806387): render("TextNeuronActivations", ...)
    from vizkit.compat.circuitsvis.utils.render import render

    scores_reord = [[0.1, 0.5, 0.2], [0.3, 0.9]]
    tokens_reord = [["a", "b", "c"], ["d", "e"]]
    act_simp = [[[[tok * 100]] for tok in s] for s in scores_reord]
    html = render(
        "TextNeuronActivations",
        tokens=tokens_reord,
        activations=act_simp,
        firstDimensionName="Layer",
        secondDimensionName="Neuron",
        firstDimensionLabels=None,
        secondDimensionLabels=None
    )
    neurons_match(html, real_props(real.utils.render.render(
        "TextNeuronActivations", tokens=tokens_reord, activations=act_simp, firstDimensionName="Layer",
        secondDimensionName="Neuron"))[1])
    with pytest.raises(TypeError, match="colour"):
        render("ColoredTokens", tokens=["a"], values=[1.0], colour="red")


# -- files, backends, a browser ----------------------------------------------------------------------------------


def test_save_and_switch_backend(tmp_path):
    fig = cv.attention.attention_heads(cache["pattern", 0][:3], STR_TOKENS, attention_head_names=["a", "b", "c"])
    page = fig.save(tmp_path / "heads.html")
    assert "AttentionHeads" in open(page, encoding="utf-8").read()
    native = fig.to("plotly")
    assert [a.text for a in native.layout.annotations][:3] == ["a", "b", "c"]
    assert native.layout.coloraxis.cmax == 1.0  # CircuitsVis' top colour is at 1
    with vk.use_backend("bokeh"):
        bokeh_page = fig.to_html()
        fig.save(tmp_path / "heads-bokeh.html")
    assert "Bokeh" in bokeh_page and "AttentionHeads" not in bokeh_page
    assert "Bokeh" in (tmp_path / "heads-bokeh.html").read_text(encoding="utf-8")  # a chosen backend draws the file
    acts = cv.activations.text_neuron_activations(STR_TOKENS, torch.rand(N, 1, 2, generator=GEN))
    assert acts.to("matplotlib").axes


@pytest.fixture(scope="module")
def pasted_page(tmp_path_factory):
    """A page built the way notebooks paste CircuitsVis HTML: two views' ``show_code()`` in titled divs, and
    a third view's ``str()``; and a file holding one ``str()`` alone."""
    heads = cv.attention.attention_heads(cache["pattern", 0][:2], STR_TOKENS, attention_head_names=["L0H0", "L0H1"])
    tokens = cv.tokens.colored_tokens(STR_TOKENS, torch.rand(N, generator=GEN))
    logprobs = cv.logits.token_log_probs(torch.tensor(IDS), LOGITS[0].log_softmax(-1), model.to_string, top_k=3)
    layer_htmls = [f'<div id="layer_{i}"><h2>view {i}</h2>{html}</div>'
                   for i, html in enumerate([heads.show_code(), tokens.show_code(), str(logprobs)])]
    root = tmp_path_factory.mktemp("pasted")
    (root / "page.html").write_text("<html><body style='background: rgb(1, 2, 3)'>" + "".join(layer_htmls) + "</body></html>",
                                    encoding="utf-8")
    (root / "alone.html").write_text(str(tokens), encoding="utf-8")
    return root


def test_pasted_views_render_in_chromium(chromium, pasted_page):
    from tests.browser.harness import open_page

    report = open_page(chromium, pasted_page / "page.html")
    page = report.page
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(1, 2, 3)"  # the host page untouched
    assert page.evaluate("getComputedStyle(document.body).margin") == "8px"
    frames = [f for f in page.frames if f is not page.main_frame]
    assert len(frames) == 3
    drawn = []
    for frame in frames:
        frame.wait_for_selector(".vizkit-cv[data-rendered], .plotly-graph-div .main-svg", state="attached", timeout=30_000)
        drawn.append(frame.evaluate("(document.querySelector('.vizkit-cv') || {getAttribute: () => 'plotly'})"
                                    ".getAttribute('data-rendered')"))
    assert sorted(drawn) == ["AttentionHeads", "ColoredTokens", "plotly"]
    heights = dict(zip(drawn, (f.frame_element().bounding_box()["height"] for f in frames), strict=True))
    assert heights["AttentionHeads"] > 500 and heights["ColoredTokens"] > 30 and heights["plotly"] > 300  # fitted, not collapsed
    assert not report.network_requests and not report.errors

    alone = open_page(chromium, pasted_page / "alone.html")
    frame = next(f for f in alone.page.frames if f is not alone.page.main_frame)
    frame.wait_for_selector(".vizkit-cv[data-rendered]", state="attached", timeout=30_000)
    assert frame.evaluate("document.querySelector('.vizkit-cv').getAttribute('data-rendered')") == "ColoredTokens"
    assert not alone.network_requests and not alone.errors


def test_long_prompt_is_drawn_fast_without_a_chosen_backend():
    # "Unlike CircuitsVis it stays fast on long prompts": 12 heads at 160 tokens (307k cells) take CircuitsVis'
    # component tens of seconds, so with no backend chosen the default backend draws them (CircuitsVis if chosen)
    from vizkit.backends.circuitsvis.props import SLOW_CELLS

    n = 160
    assert N_HEADS * n * n > SLOW_CELLS
    pattern = torch.softmax(torch.randn(N_HEADS, n, n, generator=GEN), dim=-1)
    fig = cv.attention.attention_heads(pattern, [f" w{i}" for i in range(n)])
    assert fig._choose(None) == vk.get_backend() != "circuitsvis"
    assert cv.attention.attention_heads(pattern[:, :8, :8], STR_TOKENS[:8])._choose(None) == "circuitsvis"
    with vk.use_backend("circuitsvis"):
        assert fig._choose(None) == "circuitsvis"


def test_signed_attribution_through_cv_circuitsvis():
    # find_string "circuitsvis.attention.attention_heads(" (files 25127908237, 21063657657): the package's own
    # `circuitsvis` attribute, signed attention attributions of the top-k heads sorted by their largest value
    attention_attr_signed = (cache["pattern", 1] - cache["pattern", 0]) * 3
    head_names_signed = [f"L1H{h}" for h in range(N_HEADS)]
    attention_attr_indices = attention_attr_signed.max(-1).values.max(-1).values.argsort(descending=True)
    attention_attr_signed = attention_attr_signed[attention_attr_indices, :, :]
    head_labels = [head_names_signed[i.item()] for i in attention_attr_indices]
    top_k = 4
    fig = cv.circuitsvis.attention.attention_heads(tokens=STR_TOKENS, attention=attention_attr_signed[:top_k],
                                                   attention_head_names=head_labels[:top_k])
    _, props = real_props(real.circuitsvis.attention.attention_heads(
        tokens=STR_TOKENS, attention=attention_attr_signed[:top_k], attention_head_names=head_labels[:top_k]))
    assert [p.title for p in fig.panels] == props["attentionHeadNames"]
    for head, mark in zip(np.asarray(props["attention"]), fig.marks(Heatmap), strict=True):
        kept = np.isfinite(mark.z)
        np.testing.assert_allclose(mark.z[kept], head[kept], rtol=1e-5)
    scale = fig.marks(Heatmap)[0].colorscale
    top = float(np.abs(attention_attr_signed[:top_k]).max())
    assert scale.zmin == -scale.zmax == -max(1.0, top)  # white at 0; never saturated past CircuitsVis' ±1 default


def test_examples_hello():
    assert str(cv.examples.hello("<b>x</b>")) == "<p>Hello, &lt;b&gt;x&lt;/b&gt;!</p>"
    assert real_props(real.examples.hello("x")) == ("Hello", {"name": "x"})


def test_colored_tokens_signed_bounds_keep_zero_white():
    # bounds given as tensors (max_value=acts.max()), asymmetric: 0 stays the middle (white) of the scale
    values = torch.tensor([-0.5, 0.0, 1.5, 3.0])
    fig = cv.tokens.colored_tokens(["a", "b", "c", "d"], values, min_value=values.min(), max_value=torch.tensor(3.0))
    scale = fig.marks(TokenText)[0].colorscale
    assert (scale.zmin, scale.zmax) == (-3.0, 3.0) and scale.normalise(np.array([0.0]))[0] == 0.5
    _, props = real_props(real.tokens.colored_tokens(["a", "b", "c", "d"], values, min_value=values.min(),
                                                     max_value=torch.tensor(3.0)))
    np.testing.assert_allclose(fig.marks(TokenText)[0].values[0], props["values"])


def test_text_neuron_activations_positive_values_start_white_at_zero():
    acts = torch.rand(N, 1, 2, generator=GEN) + 0.5  # all positive: CircuitsVis colours from white at 0, not at 0.5
    fig = cv.activations.text_neuron_activations(STR_TOKENS, acts)
    scale = fig.marks(TokenText)[0].colorscale
    assert scale.zmin == 0.0 and scale.zmax == pytest.approx(float(acts.max()))
    neurons_match(fig, real_props(real.activations.text_neuron_activations(STR_TOKENS, acts))[1])
