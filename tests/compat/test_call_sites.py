"""Real notebooks' neel-plotly / ARENA ``plotly_utils`` call sites, replayed verbatim (issue 14).

Each ``site_*`` function holds one call (or a short run of calls) exactly as a public notebook or
script wrote it, with synthetic data of the shapes and types that notebook passes (torch tensors,
lists of tensors, token-label lists, bool/int tensors ...); a comment names the source. Only the
import line differs. The checks read back what the ORIGINAL helper would have drawn (titles, axis
titles, facet titles, colour scale and its range, line names, legend, data, hover) from the figure
the call displayed, in plotly (the native figure, with the plotly extras applied) and in bokeh.

Sources (public GitHub):
  [MH]  neelnanda-io/MoverHeads, mover_analysis.py (``from neel_plotly import *``)
  [OTH] Neel Nanda's Othello-GPT probe scratch script (``from tl_othello_utils import *``, neel_plotly helpers)
  [IOI] callummcdougall/ARENA_2.0, chapter1_transformers/exercises/part3_indirect_object_identification/solutions.py
  [INT] callummcdougall/ARENA_2.0, chapter1_transformers/exercises/part2_intro_to_mech_interp/solutions.py
  [ALG] callummcdougall/ARENA_2.0, chapter1_transformers/exercises/part4_interp_on_algorithmic_model/solutions.py
  [O6]  callummcdougall/ARENA_2.0, chapter1_transformers/exercises/part6_othellogpt (``from plotly_utils import imshow``,
        ``from neel_plotly import scatter, line``)
  [NEW] the tests of a newer ARENA-style plotly_utils (keyword-only helpers, extra keywords to ``update_layout``)
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch
import torch as t

from vizkit.compat import arena
from vizkit.compat import neel_plotly as npl
from vizkit.compat._figure import CompatFigure, CompatWarning
from vizkit.errors import VizkitError
from vizkit.spec import Bar, Heatmap, Line, Scatter
from vizkit.spec.colors import stops

R = np.random.default_rng(14)
N_LAYERS, N_HEADS = 6, 8
HEAD_LABELS = [f"L{layer}H{h}" for layer in range(N_LAYERS) for h in range(N_HEADS)]  # model.all_head_labels()
BOARD_LABELS = [f"{i}{j}" for i in "ABCDEFGH" for j in "01234567"]
# clean tokens with a repeated name, as model.to_str_tokens gives them
STR_TOKENS = ["<|endoftext|>", "When", " John", " and", " Mary", " went", " to", " the", " shops", ",", " John", " gave", " the",
              " bag", " to"]
POS_LABELS = [f"{tok} {i}" for i, tok in enumerate(STR_TOKENS)]


def T(*shape, seed=None):  # noqa: N802 - a torch tensor of the given shape, reproducible
    g = torch.Generator().manual_seed(seed if seed is not None else sum(shape) * 7 + len(shape))
    return torch.randn(*shape, generator=g)


# ------------------------------------------------------------------------------------------------
# the call sites (each returns nothing, as in the notebook; the displayed figures are captured)


def site_mh_induction_scores():  # [MH]
    imshow, ind_head_scores = npl.imshow, T(N_LAYERS, N_HEADS).abs()
    imshow(ind_head_scores, xaxis="Head", yaxis="Layer", title="Induction Head Scores")


def site_mh_eigenvalue_scores():  # [MH] a real-valued tensor from complex eigenvalues
    imshow = npl.imshow
    eigenvals_resid = torch.complex(T(N_LAYERS, N_HEADS, 4), T(N_LAYERS, N_HEADS, 4, seed=3))
    eigenvals_resid_score = ((eigenvals_resid.sum(-1) / eigenvals_resid.abs().sum(-1)).real)
    imshow(eigenvals_resid_score)


def site_mh_is_movable():  # [MH] a bool tensor
    imshow = npl.imshow
    token_subset = torch.randint(0, 5, (24, 31), generator=torch.Generator().manual_seed(1))
    num_copies = torch.tril(token_subset[:, :, None] == token_subset[:, None, :], -1).sum(-1)[:, 1:]
    is_movable = num_copies > 0
    imshow(is_movable[:20], title="Is Movable", xaxis="Pos", yaxis="Prompt")
    imshow(num_copies[:20], title="Num Copies", xaxis="Pos", yaxis="Prompt")


QUANTILE_LABELS = ["0.0", "1e-3", "1e-2", "5e-2", "1e-1", "0.25", "0.5", "0.75", "9e-1", "95e-2", "99e-2", "999e-3", "1.0"]


def site_mh_quantile_lines():  # [MH] 13 lines over 48 heads, x = head labels
    line = npl.line
    head_dla_flat = T(N_LAYERS * N_HEADS, 200)
    quantiles = torch.tensor([0.0, 1e-3, 1e-2, 5e-2, 1e-1, 0.25, 0.5, 0.75, 9e-1, 95e-2, 99e-2, 999e-3, 1.0])
    head_labels, quantile_labels = HEAD_LABELS, QUANTILE_LABELS
    line(
        head_dla_flat.quantile(q=quantiles, dim=-1),
        x=head_labels,
        line_labels=quantile_labels,
        range_y=(-5, 8),
        title="Head DLA",
    )


def site_mh_list_of_lines():  # [MH] a list of two 1-D tensors
    line = npl.line
    mover_dla_flat, head_dla_flat = T(48, 100).abs(), T(48, 100, seed=5).abs() + 1
    head_labels = HEAD_LABELS
    line(
        [mover_dla_flat.quantile(0.9, dim=-1)/head_dla_flat.quantile(0.9, dim=-1),
         (mover_dla_flat/head_dla_flat).quantile(0.9, -1)],
        x=head_labels,
        range_y=(-5, 8),
        title="Mover DLA / Head DLA",
    )


def site_mh_scatter_colour_diag():  # [MH]
    scatter = npl.scatter
    mover_dla_flat, mover_attn_flat, head_dla_flat = T(48, 60), T(48, 60, seed=2), T(48, 60, seed=9)
    head_labels = HEAD_LABELS
    scatter(x=mover_dla_flat.quantile(0.9, dim=-1), y=mover_attn_flat.quantile(0.9, dim=-1), color=head_dla_flat.quantile(0.9, dim=-1), hover=head_labels, xaxis="Mover DLA", yaxis="Mover Attn")
    scatter(x=mover_dla_flat.quantile(0.9, dim=-1), y=head_dla_flat.quantile(0.9, dim=-1), color=mover_attn_flat.quantile(0.9, dim=-1), hover=head_labels, xaxis="Mover DLA", yaxis="Head DLA", include_diag=True)


def site_mh_subsample_trace():  # [MH] the returned figure's first trace, taken into a plotly subplot figure
    from plotly.subplots import make_subplots

    scatter = npl.scatter
    num, num_prompts, n_ctx = 40, 3, 9
    x, y = T(num_prompts * (n_ctx - 1)), T(num_prompts * (n_ctx - 1), seed=4)
    indices = torch.arange(num) % len(x)
    hover = [f"{p}/{b}" for b in range(num_prompts) for p in range(n_ctx-1)]
    hover = [hover[i.item()] for i in indices]
    trace = scatter(x[indices], y[indices], hover=hover, include_diag=True, title="L3H3 Mover DLA vs Head DLA",
                    xaxis="Head DLA", yaxis="Mover DLA", opacity=0.5, return_fig=True).data[0]
    fig = make_subplots(rows=1, cols=1, subplot_titles=["L3H3"])
    fig.add_trace(trace, row=1, col=1)
    SUBPLOTS.append(fig)


def site_mh_faceted_quantile_scatter():  # [MH] 2-D x and y, 1-D colour and hover broadcast, facets with labels
    scatter = npl.scatter
    head_dla_flat_no_ind, head_dla_flat = T(48, 80), T(48, 80, seed=8)
    head_labels = HEAD_LABELS
    induction = np.linspace(0, 1, 48)  # head_df.induction.values
    q = torch.tensor([0.8, 0.9, 0.95, 0.99])
    scatter(height=400,y=head_dla_flat_no_ind.quantile(q=q, dim=-1), x=head_dla_flat.quantile(q=q, dim=-1), hover=head_labels, title=f"Head DLA at quantiles", yaxis="head_dla w/o Ind", xaxis="head_dla w/ Ind", color=induction, include_diag=True, facet_col=0, facet_labels=[f"{i.item():.3f}" for i in q])  # noqa: E231, F541


def site_mh_sorted_line_vline():  # [MH] return_fig, then a plotly vline
    line = npl.line
    n_ctx = 9
    head_mover_dla = T(3 * (n_ctx - 1)).abs()
    ind = head_mover_dla.argsort(descending=True)
    label = "L3H3"
    fig = line(head_mover_dla[ind], x=[f"p={i.item() % (n_ctx-1)}/b={i.item()//(n_ctx-1)}" for i in ind], title=f"Head Mover DLA {label} Sorted", return_fig=True)
    fig.add_vline(x=len(head_mover_dla)*0.05)
    fig.show()


def site_mh_dla_vline_at_label():  # [MH] a vline placed at a category (a head label)
    line = npl.line
    decomp_resid, unembed_vec = T(2 + 48 + 6, 1, 16), T(16, seed=2)
    labels = ["embed", "pos_embed", *HEAD_LABELS, *[f"{layer}_mlp_out" for layer in range(6)]]
    label = "L3H3"
    fig = line((decomp_resid @ unembed_vec).squeeze(1), x=labels, title="Direct Logit Attr", return_fig=True)
    fig.add_vline(x=label, line_width=1, line_dash="dash", line_color="red")
    fig.show()


def site_mh_attention_of_all_heads():  # [MH] 48 lines over token labels with a repeated token
    line = npl.line
    pattern = torch.softmax(T(N_LAYERS, N_HEADS, len(STR_TOKENS)), -1)
    process_tokens_index = lambda l: [f"{s}/{i}" for i, s in enumerate(l)]  # noqa: E731, E741
    line(
        pattern.reshape(N_LAYERS * N_HEADS, -1)[:, :-1],
        line_labels = HEAD_LABELS,
        x=process_tokens_index(STR_TOKENS[:-1]),
        title="Attention of all heads",
        )


def site_oth_probe_animation():  # [OTH] 4-D: animation over moves, facets over (probe, truth)
    imshow = npl.imshow
    probe_out, state = T(3, 1, 13, 8, 8, 3), torch.randint(0, 3, (1, 13, 8, 8))
    imshow(torch.stack([torch.stack([probe_out[0, 0, j].argmax(-1), state[0, j]]) for j in range(5, 13)]), facet_col=1, animation_frame=0)


def site_oth_accuracy_facets():  # [OTH]
    imshow = npl.imshow
    even_accs, odd_accs, all_accs = torch.rand(8, 8), torch.rand(8, 8), torch.rand(8, 8)
    imshow(torch.stack([even_accs, odd_accs, all_accs]), facet_col=0, title="Accuracy Per Cell (Mean of 100 Games, Move 5-55)", facet_labels=["Odd", "Even", "All"])
    imshow(torch.stack([even_accs, odd_accs, even_accs, odd_accs, all_accs]), facet_col=0, title="Accuracy Per Cell (Mean of 100 Games, Move 5-55)", facet_labels=["Odd", "Even", "Odd (All, Flipped)", "Even (All, Flipped)", "Baseline (All)"], color_continuous_scale="Blues", zmax=1, zmin=0.75)


def site_oth_cosine_sim():  # [OTH] 128 labels on both axes, aspect equal
    imshow = npl.imshow
    grid3 = torch.nn.functional.normalize(T(32, 128), dim=0)
    board_labels = BOARD_LABELS
    imshow(grid3.T @ grid3, x = [f"{lab}{k}" for k in ["(O)", "(E)"]for lab in board_labels], y = [f"{lab}{k}" for k in ["(O)", "(E)"]for lab in board_labels], title="Cosine Sim of B-W Linear Probe Directions by Cell (Odd Probe)", aspect="equal")  # noqa: E201, E202, E251


def site_oth_transposed_lines():  # [OTH] lines = board cells, x = component labels (a numpy array of str)
    line = npl.line
    contrib, labels = T(10, 5), [f"{layer}_{c}" for layer in range(5) for c in ("attn_out", "mlp_out")]
    board_labels = BOARD_LABELS[:5]
    line(contrib.T, x=np.array(labels), line_labels=[lab for c, lab in enumerate(board_labels)], title="Contributions to probe for Black Squares")


def site_oth_facet_last_dim():  # [OTH] facet_col=2 on [8, 8, 2]
    imshow = npl.imshow
    ni = 1393
    x = torch.stack([T(8, 8), T(8, 8, seed=1)], dim=2)
    imshow(x, y=[i for i in "ABCDEFGH"], facet_col=2, facet_labels=["Blank", "Black - White"], zmin=-2, zmax=2, title=f"Input Weights for Neuron L5N{ni} via the probe")


def site_oth_imshow_pos():  # [OTH]
    imshow_pos = npl.imshow_pos
    state = torch.zeros((64,)) - 10.
    state[:60] = torch.log_softmax(T(60), -1)
    flip_state = state.flip(0)
    imshow_pos(state.reshape(8, 8), zmax=0, zmin=-6, title="Logits at move 20", y=[i for i in "ABCDEFGH"], x=[i for i in "01234567"], aspect="equal")
    imshow_pos(torch.stack([state.reshape(8, 8), flip_state.reshape(8, 8)]), zmax=0, zmin=-6, title="Logits pre and post intervening", y=[i for i in "ABCDEFGH"], x=[i for i in "01234567"], aspect="equal", facet_col=0, facet_labels=["Original", "Flipped"])


def site_oth_flip_scatter():  # [OTH] and [O6]: facets, colour on plotly's Geyser scale, hover broadcast
    scatter = npl.scatter
    scales = [0, 1, 2, 4, 8, 16]
    state, flip_state_big = torch.log_softmax(T(64), -1), torch.log_softmax(T(6, 64), -1)
    state_big = state.repeat(6, 1)  # einops.repeat(state, "d -> b d", b=6)
    color = torch.zeros((len(scales), 64)) + 0.2
    color[:, 12] = 1
    color[:, 40] = -1
    board_labels = BOARD_LABELS
    layer = 3
    scatter(y=state_big, x=flip_state_big, title=f"Original vs Flipped D2 at Layer {layer}", xaxis="Flipped", yaxis="Original", hover=board_labels, facet_col=0, facet_labels=[f"Translate by {i}x" for i in scales], color=color, color_name="Newly Legal", color_continuous_scale="Geyser")


def site_oth_list_of_boards():  # [OTH] a list of numpy boards, then of torch tensors
    imshow = npl.imshow
    board_state = R.integers(-1, 2, (8, 8)).astype(float)
    flipped = board_state.copy()
    flipped[5, 4] *= -1
    imshow([board_state, flipped], facet_col=0)
    blank_board, next_board = T(8, 8), T(8, 8, seed=3)
    imshow([blank_board, next_board], facet_col=0, title="Blank and Next Probe for Layer 5, Neuron 1393", facet_labels=["Blank", "Next"])


def site_oth_singular_values():  # [OTH]
    line = npl.line
    S_blank = torch.linalg.svdvals(T(32, 16))  # noqa: N806
    line(S_blank)


def site_oth_midpoint_and_range():  # [OTH] a list of 1-D tensors as rows, midpoint inside an explicit range
    imshow = npl.imshow
    out = [torch.rand(8) for _ in range(9)]
    out_labels = [f"{label} {act}" for label in ("blank", "next", "blank+next") for act in ("attn_out", "mlp_out", "resid_pre")]
    imshow(out, yaxis="Mode", xaxis="Layer", title="Average Fraction of Residual Captured by Blank + Next", color_continuous_midpoint=0.125, zmax=1, zmin=-0.75, y=out_labels)


def site_oth_hline_after_return():  # [OTH] return_fig=True, add_hline, show
    line = npl.line
    U_blank, U_next, U_probe = T(32, 4), T(32, 4, seed=1), T(32, 8)  # noqa: N806
    W_E = T(61, 32)  # noqa: N806
    fig = line([(W_E @ U).pow(2).sum(dim=-1) / W_E.pow(2).sum(dim=-1) for U in [U_blank, U_next, U_probe]], return_fig=True, line_labels = ["blank", "next", "blank + next"], title="Embed vs Probe Subspaces", range_y=(0, 1))  # noqa: E251
    fig.add_hline(y=0.25)
    fig.show()


def site_oth_zero_dim_tensors():  # [OTH] lists of lists of 0-d tensors
    line = npl.line
    accs = {name: [torch.tensor(0.5 + 0.05 * layer + 0.01 * k) for layer in range(8)]
            for k, name in enumerate(["attn_out", "mlp_out", "resid_post"])}
    line([[accs[act_name][layer] for layer in range(8)] for act_name in ["attn_out", "mlp_out", "resid_post"]], title="Accuracy of Next Move Prediction", line_labels=["attn_out", "mlp_out", "resid_post"], range_y=(0., 1))


def site_oth_two_lines_board_x():  # [OTH]
    line = npl.line
    vec, blank_probe, next_probe = T(32), T(32, 8, 8), T(32, 8, 8, seed=2)
    board_labels = BOARD_LABELS
    line([vec @ blank_probe.reshape(32, 64), vec @ next_probe.reshape(32, 64)], x=np.array(board_labels), title="Blank and Next Probe for Layer 5, Neuron 1393")


def site_oth_int_hover():  # [OTH] hover from an int tensor
    imshow = npl.imshow
    neuron_weights_shifted = T(40, 128)
    values, indices = neuron_weights_shifted.sort(dim=0, descending=True)
    board_labels = BOARD_LABELS
    imshow(values[:10, :], hover=indices[:10, :], x=[f"{lab} {t}" for t in ["blank", "next"] for lab in board_labels])


def site_oth_return_then_show():  # [OTH] imshow(..., return_fig=True).show()
    imshow = npl.imshow
    is_valid_move = (torch.rand(8, 8) > 0.7).float()
    imshow(is_valid_move, aspect="equal", return_fig=True).show()


def site_ioi_logit_lens():  # [IOI] xaxis_tickvals names the layers
    line = arena.line
    labels = [f"{layer}_{w}" for layer in range(6) for w in ("pre", "mid")] + ["final_post"]
    logit_lens_logit_diffs = T(len(labels)).cumsum(0)
    line(
        logit_lens_logit_diffs,
        hovermode="x unified",
        title="Logit Difference From Accumulated Residual Stream",
        labels={"x": "Layer", "y": "Logit Diff"},
        xaxis_tickvals=labels,
        width=800
    )


def site_ioi_head_logit_diffs():  # [IOI]
    imshow = arena.imshow
    per_head_logit_diffs = T(N_LAYERS, N_HEADS)
    imshow(
        per_head_logit_diffs,
        labels={"x":"Head", "y":"Layer"},  # noqa: E231
        title="Logit Difference From Each Head",
        width=600
    )


def site_ioi_resid_patching():  # [IOI] x = "token index" labels
    imshow = arena.imshow
    act_patch_resid_pre, labels = T(N_LAYERS, len(STR_TOKENS)), POS_LABELS
    imshow(
        act_patch_resid_pre,
        labels={"x": "Position", "y": "Layer"},
        x=labels,
        title="resid_pre Activation Patching",
        width=600
    )


def site_ioi_block_every():  # [IOI] facets with labels
    imshow = arena.imshow
    act_patch_block_every, labels = T(3, N_LAYERS, len(STR_TOKENS)), POS_LABELS
    imshow(
        act_patch_block_every,
        x=labels,
        facet_col=0, # This argument tells plotly which dimension to split into separate plots
        facet_labels=["Residual Stream", "Attn Output", "MLP Output"], # Subtitles of separate plots
        title="Logit Difference From Patched Attn Head Output",
        labels={"x": "Sequence Position", "y": "Layer"},
        width=1000,
    )


def site_ioi_head_all_pos_every():  # [IOI]
    imshow = arena.imshow
    act_patch_attn_head_all_pos_every = T(5, N_LAYERS, N_HEADS)
    imshow(
        act_patch_attn_head_all_pos_every,
        facet_col=0,
        facet_labels=["Output", "Query", "Key", "Value", "Pattern"],
        title="Activation Patching Per Head (All Pos)",
        labels={"x": "Head", "y": "Layer"},
    )


def site_ioi_path_patching_coloraxis():  # [IOI] a layout keyword (coloraxis) and a colour-bar label
    imshow = arena.imshow
    path_patch_head_to_final_resid_post_eq = T(N_LAYERS, N_HEADS) / 10
    imshow(
        100 * path_patch_head_to_final_resid_post_eq,
        title="Direct effect on logit difference",
        labels={"x":"Head", "y":"Layer", "color": "Logit diff. variation"},  # noqa: E231
        coloraxis=dict(colorbar_ticksuffix = "%"),  # noqa: E251
        width=600,
    )


def site_ioi_name_scatter():  # [IOI] categorical colours with a discrete sequence, title_x
    scatter = arena.scatter
    N = 10  # noqa: N806
    attn_from_end_to_io, attn_from_end_to_s = torch.rand(N), torch.rand(N)
    projection_in_io_dir, projection_in_s_dir = T(N), T(N, seed=2)
    layer, head = 9, 9
    scatter(
        x=t.concat([attn_from_end_to_io, attn_from_end_to_s], dim=0),
        y=t.concat([projection_in_io_dir, projection_in_s_dir], dim=0),
        color=["IO"] * N + ["S"] * N,
        title=f"Projection of the output of {layer}.{head} along the name<br>embedding vs attention probability on name",
        title_x=0.5,
        labels={"x": "Attn prob on name", "y": "Dot w Name Embed", "color": "Name type"},
        color_discrete_sequence=["#72FF64", "#C9A5F7"],
        width=650
    )


def site_ioi_copying_scores():  # [IOI]
    imshow = arena.imshow
    copying_results = torch.rand(2, N_LAYERS, N_HEADS)
    imshow(
        copying_results,
        facet_col=0,
        facet_labels=["Positive copying scores", "Negative copying scores"],
        title="Copying scores of attention heads' OV circuits",
        width=800
    )


def site_int_induction_scores_text():  # [INT] text_auto writes the scores in the cells
    imshow = arena.imshow
    induction_score_store, ablation_scores = torch.rand(2, 12), T(2, 12) / 10
    imshow(
        induction_score_store,
        labels={"x": "Head", "y": "Layer"},
        title="Induction Score by Head",
        text_auto=".2f",
        width=900, height=400
    )
    imshow(
        ablation_scores,
        labels={"x": "Head", "y": "Layer", "color": "Logit diff"},
        title="Logit Difference After Ablating Heads",
        text_auto=".2f",
        width=900, height=400
    )


def site_int_component_norms():  # [INT] numpy from utils.to_numpy, y labels, a lower-triangular matrix
    imshow, to_numpy = arena.imshow, lambda x: x.detach().cpu().numpy()  # transformer_lens.utils.to_numpy
    component_labels = ["Embed", "PosEmbed"] + [f"0.{h}" for h in range(12)]
    decomposed_input = T(14, 21, 8)
    for name in ("query", "key"):
        imshow(
            to_numpy(decomposed_input.pow(2).sum([-1])),
            labels={"x": "Position", "y": "Component"},
            title=f"Norms of components of {name}",
            y=component_labels,
            width=1000, height=400
        )
    decomposed_scores = T(14, 14, 21, 21)
    imshow(
        to_numpy(t.tril(decomposed_scores[0, 9])),
        title="Attention score contributions from (query, key) = (embed, output of L0H7)",
        width=800
    )


def plot_logit_attribution(model, logit_attr: t.Tensor, tokens: t.Tensor, title: str = ""):  # [INT] plotly_utils' own helper
    imshow = arena.imshow
    tokens = tokens.squeeze()
    y_labels = [f"|{tok}|_{c}" for (c, tok) in enumerate(tokens[:-1].tolist())]  # convert_tokens_to_string
    x_labels = ["Direct"] + [f"L{l}H{h}" for l in range(2) for h in range(12)]  # noqa: E741
    imshow(
        logit_attr.numpy(),
        x=x_labels, y=y_labels,
        labels={"x": "Term", "y": "Position", "color": "logit"}, title=title if title else None,
        height=18*len(y_labels), width=24*len(x_labels)
    )


def site_int_logit_attribution():  # [INT] title=None passed explicitly, size from the label counts
    tokens = torch.randint(0, 50, (1, 12), generator=torch.Generator().manual_seed(2))
    plot_logit_attribution(None, T(11, 25), tokens)
    plot_logit_attribution(None, T(11, 25, seed=4), tokens, "Logit attribution (first half of repeated sequence)")


def site_int_comp_score_hist():  # [INT] a numpy array
    hist = arena.hist
    comp_scores_baseline = np.abs(R.normal(0.03, 0.01, 300))
    hist(
        comp_scores_baseline,
        nbins=50,
        width=800,
        labels={"x": "Composition score"},
        title="Random composition scores"
    )


def site_alg_seq_len_hist():  # [ALG] a list of ints
    hist = arena.hist
    data_tuples = [("(" * int(n) + ")" * int(n), True) for n in R.integers(1, 20, 300)]
    seq_length = 42
    hist(
        [len(x) for x, _ in data_tuples],
        nbins=seq_length,
        title="Sequence lengths of brackets in dataset",
        labels={"x": "Seq len"}
    )


def site_alg_attention_bars():  # [ALG] bars with a template; labels index/value, as plotly express reads them
    bar = arena.bar
    attn_probs_20_open_query0 = torch.softmax(T(42), 0)
    bar(
        attn_probs_20_open_query0,
        title="Avg Attention Probabilities for query 0, first token '(', head 2.0",
        width=700, template="simple_white"
    )
    bar(
        attn_probs_20_open_query0.numpy(),
        title=f"Average attn probabilities on data at posn 1, with query token = '('",  # noqa: F541
        labels={"index": "Sequence position of key", "value": "Average attn over dataset"},
        height=500, width=800, yaxis_range=[0, 0.1], template="simple_white"
    )


def plot_square_as_board(state, diverging_scale=True, **kwargs):  # [O6] the notebook's own helper, verbatim
    '''Takes a square input (8 by 8) and plot it as a board. Can do a stack of boards via facet_col=0'''
    imshow, alpha = arena.imshow, "ABCDEFGH"
    kwargs = {
        "y": [i for i in alpha],
        "x": [str(i) for i in range(8)],
        "color_continuous_scale": "RdBu" if diverging_scale else "Blues",
        "color_continuous_midpoint": 0. if diverging_scale else None,
        "aspect": "equal",
        **kwargs
    }
    imshow(state, **kwargs)


def site_o6_board_log_probs():  # [O6] midpoint None given explicitly
    temp_board_state = torch.zeros((8, 8)) - 13.
    temp_board_state.flatten()[:60] = torch.log_softmax(T(60), -1)
    plot_square_as_board(temp_board_state.reshape(8, 8), zmax=0, diverging_scale=False, title="Example Log Probs")


def site_o6_probe_outputs():  # [O6] facet over the last dim of [8, 8, 3]
    probabilities = torch.softmax(T(8, 8, 3), -1)
    plot_square_as_board(probabilities, facet_col=2, facet_labels=["P(Empty)", "P(Their's)", "P(Mine)"], title="Example probe outputs after move 29 (black to play)")


def site_o6_first_moves():  # [O6] 16 facets wrapped at 8, plotly's Greys
    imshow = arena.imshow
    focus_states = R.integers(-1, 2, (2, 60, 8, 8)).astype(np.float32)
    imshow(
        focus_states[0, :16],
        facet_col=0,
        facet_col_wrap=8,
        facet_labels=[f"Move {i}" for i in range(1, 17)],
        title="First 16 moves of first game",
        color_continuous_scale="Greys",
    )


def site_o6_contributions():  # [O6] height and width, seven facets
    imshow = arena.imshow
    contributions, component, game_index, move = T(7, 8, 8), "Attention", 1, 20
    imshow(
        contributions,
        facet_col=0,
        y=list("ABCDEFGH"),
        facet_labels=[f"Layer {i}" for i in range(7)],
        title=f"{component} Layer Contributions to my vs their (Game {game_index} Move {move})",
        aspect="equal",
        width=1400,
        height=350
    )


def site_new_hist_mean_lines():  # [NEW]
    hist = arena.hist
    names = ["a", "b"]
    fig = hist([t.randn(50, generator=torch.Generator().manual_seed(0)), t.randn(50, generator=torch.Generator().manual_seed(1)) + 2],
               names=names, labels={"x": "v", "y": "n"}, add_mean_line=True, return_fig=True)
    fig.show()


def site_new_text_border_tickangle():  # [NEW] per-cell text, border, a layout keyword for every facet
    imshow = arena.imshow
    fig = imshow(T(3, 4), text=[["a"] * 4] * 3, title="T", border=True, xaxis_tickangle=45, return_fig=True)
    fig.show()


def site_new_wrapped_facets():  # [NEW] a 3-D tensor facets over dim 0; 5 facets wrapped at 3
    imshow = arena.imshow
    n = 5
    arr = np.zeros((n, 2, 2)) + np.arange(n)[:, None, None]
    fig = imshow(arr, facet_col_wrap=3, facet_labels=[f"F{i}" for i in range(n)], return_fig=True)
    fig.show()


def site_new_secondary_axis():  # [NEW]
    line = arena.line
    fig = line([t.arange(3.0), t.arange(3.0) * 10], x=[5, 6, 7], use_secondary_yaxis=True, names=["a", "b"], labels={"x": "X", "y1": "L", "y2": "R"}, return_fig=True)
    fig.show()


def site_new_layout_keyword():  # [NEW] any plotly layout keyword goes to update_layout
    line = arena.line
    fig = line(t.arange(4.0), labels={"x": "Layer", "y": "Loss"}, title_font_size=20, xaxis_title="Layer index",
               return_fig=True)
    fig.update_layout(yaxis_range=[0, 5], legend_title_text="runs")
    fig.show()


SITES = {name[5:]: fn for name, fn in sorted(globals().items()) if name.startswith("site_")}
SUBPLOTS: list = []


@pytest.fixture(scope="module")
def shown():
    """Every site run once: ``{site: [the figures it displayed, in order]}`` (display captured, not opened)."""
    out = {}
    with pytest.MonkeyPatch.context() as mp, warnings.catch_warnings():
        warnings.simplefilter("ignore", CompatWarning)
        current: list = []
        mp.setattr(CompatFigure, "show", lambda self, *a, **k: current.append(self))
        for name, fn in SITES.items():
            current.clear()
            SUBPLOTS.clear()
            fn()
            out[name] = list(current) + list(SUBPLOTS)
    return out


@pytest.fixture(scope="module")
def native(shown):
    """The plotly figure of every displayed vizkit figure (plotly extras applied), by site."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CompatWarning)
        return {name: [f.to("plotly") if isinstance(f, CompatFigure) else f for f in figs] for name, figs in shown.items()}


def test_there_are_at_least_forty_real_call_sites():
    import ast
    import inspect
    import textwrap

    helpers = {"imshow", "imshow_pos", "line", "scatter", "bar", "hist", "plot_square_as_board"}
    calls = 0
    for fn in SITES.values():
        tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
        calls += sum(isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in helpers for n in ast.walk(tree))
    assert calls >= 40, calls


def test_every_site_displays(shown):
    for name, figs in shown.items():
        assert figs, f"{name} displayed nothing"
        for f in figs:
            if isinstance(f, CompatFigure):
                assert f.panels and f.marks(), name


# ------------------------------------------------------------------------------------------------
# what the originals drew, read back from the plotly figure (and the spec)


def _plain(labels) -> tuple:
    return tuple(s.replace("\u2423", " ") for s in labels)


def _rgb(colour: str) -> tuple:
    from plotly.colors import hex_to_rgb, unlabel_rgb

    return tuple(int(v) for v in (hex_to_rgb(colour) if colour.startswith("#") else unlabel_rgb(colour)))


def _ann(native) -> list[str]:
    return [a.text for a in native.layout.annotations]


def _scale_range(fig) -> tuple[float, float]:
    s = fig.marks(Heatmap)[0].colorscale
    return s.zmin, s.zmax


def test_neel_imshow_axis_titles_are_xaxis_yaxis(shown, native):
    (fig,), (nat,) = shown["mh_induction_scores"], native["mh_induction_scores"]
    assert nat.layout.title.text == "Induction Head Scores"
    assert (nat.layout.xaxis.title.text, nat.layout.yaxis.title.text) == ("Head", "Layer")
    z = fig.marks(Heatmap)[0].z
    assert z.shape == (N_LAYERS, N_HEADS)
    # RdBu centred on 0: plotly's auto range around the midpoint is symmetric
    assert _scale_range(fig) == pytest.approx((-np.abs(z).max(), np.abs(z).max()))
    assert nat.layout.coloraxis.colorscale[0][1] == stops("RdBu")[0]
    (nat2,) = native["mh_eigenvalue_scores"]  # no xaxis/yaxis: neel-plotly's defaults "x" and "y"
    assert (nat2.layout.xaxis.title.text, nat2.layout.yaxis.title.text) == ("x", "y")


def test_bool_and_int_tensors(shown):
    is_movable, num_copies = shown["mh_is_movable"]
    assert is_movable.marks(Heatmap)[0].z.shape == (20, 30)
    assert set(np.unique(is_movable.marks(Heatmap)[0].z)) <= {0, 1}
    assert _scale_range(is_movable) == (-1.0, 1.0)  # plotly's range for 0/1 around midpoint 0
    assert is_movable.title == "Is Movable" and num_copies.title == "Num Copies"
    assert num_copies.marks(Heatmap)[0].z.max() == num_copies.marks(Heatmap)[0].z.max()  # finite ints


def test_quantile_lines_named_by_line_labels_over_head_labels(shown, native):
    (fig,), (nat,) = shown["mh_quantile_lines"], native["mh_quantile_lines"]
    assert [d.name for d in nat.data] == QUANTILE_LABELS
    assert nat.layout.legend.title.text == "Color"  # neel-plotly's color_name
    assert tuple(nat.layout.yaxis.range) == (-5, 8)
    assert fig.panels[0].x.labels == tuple(HEAD_LABELS)
    assert (nat.layout.xaxis.title.text, nat.layout.yaxis.title.text) == ("x", "y")
    (nat2,) = native["mh_list_of_lines"]
    assert [d.name for d in nat2.data] == ["0", "1"]  # the line dim's index, as px names them


def test_scatter_colour_hover_and_diag(shown, native):
    plain, diag = shown["mh_scatter_colour_diag"]
    n_plain, n_diag = native["mh_scatter_colour_diag"]
    points = plain.marks(Scatter)[0]
    assert points.hover_labels == tuple(f"data={h}" for h in HEAD_LABELS)  # hover_name defaults to "data"
    assert points.colorscale.title == "Color"
    assert n_plain.data[0].marker.colorscale[0][1].lower() in ("rgb(12,51,131)", "#0c3383")  # Portland
    assert (n_diag.layout.xaxis.title.text, n_diag.layout.yaxis.title.text) == ("Mover DLA", "Head DLA")
    (shape,) = n_diag.layout.shapes  # include_diag is a plotly shape, as neel-plotly adds it
    lo = min(points.x.min(), diag.marks(Scatter)[0].y.min(), diag.marks(Scatter)[0].x.min())
    assert shape.line.dash == "dash" and shape.opacity == 0.3 and shape.x0 == pytest.approx(float(lo))
    assert len(n_diag.data) == 1


def test_a_returned_trace_goes_into_a_plotly_subplot_figure(native):
    (sub,) = native["mh_subsample_trace"]  # return_fig=True: only the notebook's own subplot figure is shown
    trace = sub.data[0]
    assert trace.type == "scatter" and len(trace.x) == 40 and trace.marker.opacity == 0.5
    assert list(trace.text)[:2] == ["data=0/0", "data=1/0"]  # hover labels travel with the trace


def test_faceted_scatter_with_broadcast_colour_and_labels(shown, native):
    (fig,), (nat,) = shown["mh_faceted_quantile_scatter"], native["mh_faceted_quantile_scatter"]
    assert [p.title for p in fig.panels] == ["0.800", "0.900", "0.950", "0.990"]
    assert fig.height == 400
    for p in fig.panels:
        (pts,) = [m for m in p.marks if isinstance(m, Scatter)]
        np.testing.assert_allclose(pts.values, np.linspace(0, 1, 48))
        assert pts.hover_labels[5] == f"data={HEAD_LABELS[5]}"
    assert len(nat.layout.shapes) == 4  # the diagonal in every facet
    assert nat.layout.title.text == "Head DLA at quantiles"


def test_vlines_at_a_position_and_at_a_category(shown, native):
    (fig,), (nat,) = shown["mh_sorted_line_vline"], native["mh_sorted_line_vline"]
    assert nat.layout.shapes[0].x0 == pytest.approx(24 * 0.05)
    assert len(nat.data) == 1 and fig.marks(Line)[1].dash == "solid"  # the vline is a line in other backends
    (fig2,), (nat2,) = shown["mh_dla_vline_at_label"], native["mh_dla_vline_at_label"]
    labels = fig2.panels[0].x.labels
    shape = nat2.layout.shapes[0]
    assert shape.x0 == labels.index("L3H3") and shape.line.color == "red" and shape.line.dash == "dash"


def test_repeated_tokens_stay_separate_lines_keep_names(shown, native):
    (fig,), (nat,) = shown["mh_attention_of_all_heads"], native["mh_attention_of_all_heads"]
    assert [d.name for d in nat.data] == HEAD_LABELS
    # every position keeps its own tick (two " John"); vizkit shows a leading space as a visible "␣"
    assert _plain(fig.panels[0].x.labels) == tuple(f"{s}/{i}" for i, s in enumerate(STR_TOKENS[:-1]))


def test_facet_and_animation_dims(shown, native):
    (fig,) = shown["oth_probe_animation"]
    assert fig.slider is not None and len(fig.slider.labels) == 8
    assert fig.slider.name == "snapshot"  # neel-plotly's animation_name
    assert len(fig.frame_panels(0)) == 2
    assert [p.title for p in fig.frame_panels(0)] == ["facet_col=0", "facet_col=1"]  # plotly express's facet titles
    (nat,) = native["oth_probe_animation"]
    assert nat.layout.sliders[0].currentvalue.prefix == "snapshot="  # neel-plotly's prefix


def test_accuracy_facets_titles_and_explicit_range(shown, native):
    three, five = shown["oth_accuracy_facets"]
    n3, n5 = native["oth_accuracy_facets"]
    assert _ann(n3)[:3] == ["Odd", "Even", "All"]
    assert [p.title for p in five.panels] == ["Odd", "Even", "Odd (All, Flipped)", "Even (All, Flipped)", "Baseline (All)"]
    assert _scale_range(five) == (0.75, 1.0)
    assert five.marks(Heatmap)[0].colorscale.name == "Blues"
    assert n5.layout.coloraxis.cmin == 0.75 and n5.layout.coloraxis.cmax == 1.0


def test_square_matrix_with_many_labels(shown, native):
    (fig,), (nat,) = shown["oth_cosine_sim"], native["oth_cosine_sim"]
    assert fig.panels[0].x.labels[:2] == ("A0(O)", "A1(O)") and len(fig.panels[0].y.labels) == 128
    assert nat.layout.yaxis.scaleanchor == "x"  # aspect="equal"
    assert _scale_range(fig)[1] == pytest.approx(1.0, abs=1e-5)


def test_transposed_lines_with_numpy_string_x(shown, native):
    (fig,), (nat,) = shown["oth_transposed_lines"], native["oth_transposed_lines"]
    assert [d.name for d in nat.data] == BOARD_LABELS[:5]
    assert len(fig.marks(Line)) == 5 and fig.panels[0].x.labels[0] == "0_attn_out"


def test_facet_over_the_last_dim(shown, native):
    (fig,), (nat,) = shown["oth_facet_last_dim"], native["oth_facet_last_dim"]
    assert [p.title for p in fig.panels] == ["Blank", "Black - White"]
    assert _scale_range(fig) == (-2.0, 2.0)
    assert fig.panels[0].y.labels == tuple("ABCDEFGH")
    assert nat.layout.title.text == "Input Weights for Neuron L5N1393 via the probe"


def test_imshow_pos_blues_without_midpoint(shown, native):
    one, two = shown["oth_imshow_pos"]
    for fig in (one, two):
        s = fig.marks(Heatmap)[0].colorscale
        assert (s.name, s.zmid, s.zmin, s.zmax) == ("Blues", None, -6.0, 0.0)
    assert [p.title for p in two.panels] == ["Original", "Flipped"]


def test_flip_scatter_geyser_is_applied_in_plotly(shown, native):
    (fig,), (nat,) = shown["oth_flip_scatter"], native["oth_flip_scatter"]
    assert [p.title for p in fig.panels] == [f"Translate by {i}x" for i in [0, 1, 2, 4, 8, 16]]
    pts = fig.panels[0].marks[0]
    assert pts.colorscale.title == "Newly Legal" and pts.values[12] == 1.0 and pts.values[40] == -1.0
    assert pts.hover_labels[3] == f"data={BOARD_LABELS[3]}"
    import plotly.express as px

    geyser = px.colors.get_colorscale("Geyser")
    assert nat.data[0].marker.colorscale[0][1] == geyser[0][1]  # plotly's own scale, as the original drew


def test_lists_of_boards_and_tensors(shown, native):
    boards, probes = shown["oth_list_of_boards"]
    assert [p.title for p in boards.panels] == ["facet_col=0", "facet_col=1"]
    assert [p.title for p in probes.panels] == ["Blank", "Next"]
    assert probes.title == "Blank and Next Probe for Layer 5, Neuron 1393"


def test_single_line_of_singular_values(shown, native):
    (fig,), (nat,) = shown["oth_singular_values"], native["oth_singular_values"]
    assert len(fig.marks(Line)) == 1 and np.all(np.diff(fig.marks(Line)[0].y) <= 0)
    assert not nat.data[0].showlegend


def test_midpoint_inside_an_explicit_range(shown, native):
    (fig,), (nat,) = shown["oth_midpoint_and_range"], native["oth_midpoint_and_range"]
    assert _scale_range(fig) == (-0.75, 1.0)
    assert (nat.layout.xaxis.title.text, nat.layout.yaxis.title.text) == ("Layer", "Mode")
    assert fig.panels[0].y.labels[0] == "blank attn_out" and fig.marks(Heatmap)[0].z.shape == (9, 8)


def test_hline_after_return_fig(shown, native):
    (fig,), (nat,) = shown["oth_hline_after_return"], native["oth_hline_after_return"]
    assert [d.name for d in nat.data] == ["blank", "next", "blank + next"]
    assert nat.layout.shapes[0].y0 == 0.25 and nat.layout.shapes[0].type == "line"
    assert tuple(nat.layout.yaxis.range) == (0, 1)
    (rule,) = [m for m in fig.marks(Line) if m.name is None]  # the hline, drawn as a line by the other backends
    assert list(rule.y) == [0.25, 0.25] and not rule.legend


def test_zero_dim_tensors_and_board_x(shown, native):
    (fig,), (nat,) = shown["oth_zero_dim_tensors"], native["oth_zero_dim_tensors"]
    assert [d.name for d in nat.data] == ["attn_out", "mlp_out", "resid_post"]
    np.testing.assert_allclose(fig.marks(Line)[1].y, [0.51 + 0.05 * layer for layer in range(8)], rtol=1e-6)
    (fig2,) = shown["oth_two_lines_board_x"]
    assert len(fig2.marks(Line)) == 2 and fig2.panels[0].x.labels == tuple(BOARD_LABELS)


def test_int_hover_on_a_heatmap(native):
    (nat,) = native["oth_int_hover"]
    assert "data=%{customdata}" in nat.data[0].hovertemplate
    assert np.asarray(nat.data[0].customdata).shape == (10, 128)


def test_arena_logit_lens_line(shown, native):
    (fig,), (nat,) = shown["ioi_logit_lens"], native["ioi_logit_lens"]
    assert nat.layout.hovermode == "x unified" and fig.width == 800
    assert (nat.layout.xaxis.title.text, nat.layout.yaxis.title.text) == ("Layer", "Logit Diff")
    assert list(nat.layout.xaxis.ticktext) == [f"{layer}_{w}" for layer in range(6) for w in ("pre", "mid")] + ["final_post"]


def test_arena_heatmaps_take_labels_as_axis_titles(shown, native):
    (nat,) = native["ioi_head_logit_diffs"]
    assert (nat.layout.xaxis.title.text, nat.layout.yaxis.title.text) == ("Head", "Layer")
    (fig,) = shown["ioi_resid_patching"]
    assert _plain(fig.panels[0].x.labels) == tuple(POS_LABELS) and fig.width == 600
    (fig,), (nat,) = shown["ioi_block_every"], native["ioi_block_every"]
    assert _ann(nat)[:3] == ["Residual Stream", "Attn Output", "MLP Output"] and fig.width == 1000
    (fig,) = shown["ioi_head_all_pos_every"]
    assert [p.title for p in fig.panels] == ["Output", "Query", "Key", "Value", "Pattern"]
    assert all(m.colorscale.zmid == 0.0 and m.colorscale.name == "RdBu" for m in fig.marks(Heatmap))


def test_arena_coloraxis_layout_keyword_and_colour_label(shown, native):
    (fig,), (nat,) = shown["ioi_path_patching_coloraxis"], native["ioi_path_patching_coloraxis"]
    assert nat.layout.coloraxis.colorbar.ticksuffix == "%"
    assert fig.marks(Heatmap)[0].colorscale.title == "Logit diff. variation"


def test_arena_categorical_scatter(shown, native):
    (fig,), (nat,) = shown["ioi_name_scatter"], native["ioi_name_scatter"]
    assert [d.name for d in nat.data] == ["IO", "S"]
    assert [d.marker.color for d in nat.data] == ["#72FF64", "#C9A5F7"]
    assert nat.layout.legend.title.text == "Name type" and nat.layout.title.x == 0.5
    assert [len(m.x) for m in fig.marks(Scatter)] == [10, 10]
    assert (nat.layout.xaxis.title.text, nat.layout.yaxis.title.text) == ("Attn prob on name", "Dot w Name Embed")


def test_arena_intro_heatmaps(shown, native):
    scores, ablation = shown["int_induction_scores_text"]
    n_scores, _ = native["int_induction_scores_text"]
    import re

    cells = [re.sub(r"<[^>]+>", "", t) for t in n_scores.data[0].text[0]]
    assert cells == [f"{v:.2f}" for v in scores.marks(Heatmap)[0].z[0]]  # text_auto=".2f" in the cells
    assert (scores.width, scores.height) == (900, 400) and ablation.marks(Heatmap)[0].colorscale.title == "Logit diff"
    q, k, tril = shown["int_component_norms"]
    assert q.panels[0].y.labels == ("Embed", "PosEmbed", *[f"0.{h}" for h in range(12)]) and q.title == "Norms of components of query"
    assert tril.marks(Heatmap)[0].z[0, 5] == 0.0 and tril.width == 800
    untitled, titled = shown["int_logit_attribution"]
    assert untitled.title is None and titled.title == "Logit attribution (first half of repeated sequence)"
    assert (untitled.height, untitled.width) == (18 * 11, 24 * 25) and untitled.panels[0].x.labels[:2] == ("Direct", "L0H0")
    (fig,), (nat,) = shown["int_comp_score_hist"], native["int_comp_score_hist"]
    assert len(fig.marks(Bar)[0].x) == 50 and nat.layout.xaxis.title.text == "Composition score" and fig.width == 800


def test_arena_hist_and_bars(shown, native):
    (fig,), (nat,) = shown["alg_seq_len_hist"], native["alg_seq_len_hist"]
    assert (nat.layout.xaxis.title.text, nat.layout.yaxis.title.text) == ("Seq len", "count")
    assert sum(m.y.sum() for m in fig.marks(Bar)) == 300 and nat.layout.bargap == 0
    one, two = shown["alg_attention_bars"]
    n1, n2 = native["alg_attention_bars"]
    assert n1.layout.template.layout.paper_bgcolor == "white" and one.width == 700
    # labels index/value do not reach a single series' axes in plotly express: "x"/"y"
    assert (n2.layout.xaxis.title.text, n2.layout.yaxis.title.text) == ("x", "y")
    assert tuple(n2.layout.yaxis.range) == (0, 0.1) and (two.height, two.width) == (500, 800)


def test_arena_board_helpers(shown, native):
    (fig,) = shown["o6_board_log_probs"]
    s = fig.marks(Heatmap)[0].colorscale
    assert (s.name, s.zmid, s.zmax) == ("Blues", None, 0.0) and s.zmin == pytest.approx(-13.0)
    (fig,) = shown["o6_probe_outputs"]
    assert [p.title for p in fig.panels] == ["P(Empty)", "P(Their's)", "P(Mine)"]
    (fig,), (nat,) = shown["o6_first_moves"], native["o6_first_moves"]
    assert fig.facet_cols == 8 and [p.title for p in fig.panels] == [f"Move {i}" for i in range(1, 17)]
    import plotly.express as px

    assert _rgb(nat.layout.coloraxis.colorscale[-1][1]) == _rgb(px.colors.get_colorscale("Greys")[-1][1])
    (fig,) = shown["o6_contributions"]
    assert (fig.width, fig.height) == (1400, 350) and len(fig.panels) == 7


def test_newer_arena_behaviours(shown, native):
    (nat,) = native["new_hist_mean_lines"]
    assert [tr.name for tr in nat.data] == ["a", "b"] and nat.layout.xaxis.title.text == "v" and len(nat.layout.shapes) == 2
    assert [a.text for a in nat.layout.annotations][:2] == [f"Mean = {m:.3f}" for m in
                                                             (shown["new_hist_mean_lines"][0].marks(Line)[0].x[0],
                                                              shown["new_hist_mean_lines"][0].marks(Line)[1].x[0])]
    (nat,) = native["new_text_border_tickangle"]
    assert nat.data[0].texttemplate == "%{text}" and nat.layout.title.text == "T" and nat.layout.xaxis.tickangle == 45
    assert nat.layout.xaxis.mirror is True
    (fig,), (nat,) = shown["new_wrapped_facets"], native["new_wrapped_facets"]
    assert [float(p.marks[0].z[0, 0]) for p in fig.panels] == [0.0, 1.0, 2.0, 3.0, 4.0]
    assert [p.title for p in fig.panels] == [f"F{i}" for i in range(5)]
    assert sorted(_ann(nat)) == [f"F{i}" for i in range(5)]
    (nat,) = native["new_secondary_axis"]
    assert [tr.name for tr in nat.data] == ["a", "b"] and list(nat.data[1].x) == [5, 6, 7]
    assert nat.layout.yaxis.title.text == "L" and nat.layout.yaxis2.title.text == "R" and nat.layout.xaxis.title.text == "X"
    (fig,), (nat,) = shown["new_layout_keyword"], native["new_layout_keyword"]
    assert nat.layout.title.font.size == 20 and nat.layout.xaxis.title.text == "Layer index"
    assert fig.panels[0].y.range == (0.0, 5.0) and fig.legend_title == "runs"


# ------------------------------------------------------------------------------------------------
# the same figures in bokeh


def _text(v):
    return getattr(v, "text", v)


def _bokeh(root) -> dict:
    refs = root.references()
    kinds = lambda *names: [m for m in refs if type(m).__name__ in names]  # noqa: E731
    return {
        "texts": {_text(m.text) for m in kinds("Title", "Div")},
        "axes": {_text(m.axis_label) for m in refs if type(m).__name__.endswith("Axis")} - {None},
        "legend": [_text(getattr(it.label, "value", it.label)) for m in kinds("Legend") for it in m.items],
        "mappers": [(m.low, m.high) for m in kinds("LinearColorMapper")],
    }


@pytest.mark.parametrize("site", list(SITES))
def test_bokeh_draws_what_the_call_asked_for(shown, site):
    for fig in shown[site]:
        if not isinstance(fig, CompatFigure):
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", CompatWarning)
            view = _bokeh(fig.to("bokeh"))
        texts = " ".join(str(t) for t in view["texts"])
        if fig.title:
            assert fig.title.replace("<br>", " ").split(" ")[0] in texts, (site, fig.title, texts)
        for p in fig.frame_panels(0):
            if p.title:
                assert p.title in texts or any(p.title in str(t) for t in view["texts"]), (site, p.title)
            for title in (p.x.title, p.y.title):
                if title:
                    assert title in view["axes"], (site, title, view["axes"])
        names = [m.name for p in fig.frame_panels(0) for m in p.marks if getattr(m, "legend", False) and m.name]
        if names:
            assert set(names) <= set(view["legend"]), (site, names, view["legend"])
        heat = fig.marks(Heatmap)
        if heat and heat[0].show_scale:
            s = heat[0].colorscale
            assert any(lo == pytest.approx(s.zmin) and hi == pytest.approx(s.zmax) for lo, hi in view["mappers"]), site


# ------------------------------------------------------------------------------------------------
# input types real notebooks pass, and where the originals raise


@pytest.mark.parametrize("make", [
    lambda: T(4, 5).requires_grad_(),
    lambda: T(4, 5).bfloat16(),
    lambda: T(1, 4, 5)[0],
    lambda: torch.nn.Parameter(T(4, 5)),
    lambda: [T(5), T(5, seed=2), T(5, seed=3), T(5, seed=4)],
    lambda: T(4, 5).numpy().tolist(),
], ids=["requires_grad", "bfloat16", "indexed", "parameter", "list_of_tensors", "nested_list"])
def test_tensor_kinds_reach_the_heatmap_exactly(make):
    data = make()
    expect = (torch.stack(data) if isinstance(data, list) and isinstance(data[0], torch.Tensor) else
              torch.as_tensor(np.asarray(data, dtype=float)) if isinstance(data, list) else data).detach().float().numpy()
    for helper in (npl.imshow, arena.imshow):
        fig = helper(data, return_fig=True)
        np.testing.assert_allclose(fig.marks(Heatmap)[0].z, expect, rtol=1e-6)


def test_line_squeezes_and_takes_zero_dim_and_lists():
    fig = npl.line(T(1, 7, 1), return_fig=True)  # extra size-1 dims are squeezed, as neel-plotly squeezes
    np.testing.assert_allclose(fig.marks(Line)[0].y, T(1, 7, 1).flatten().numpy(), rtol=1e-6)
    fig = arena.line([torch.tensor(1.0), torch.tensor(2.0)], return_fig=True)  # a list of 0-d tensors: one series
    assert len(fig.marks(Line)) == 1 and list(fig.marks(Line)[0].y) == [1.0, 2.0]
    fig = arena.line(T(5), x=range(10, 15), return_fig=True)  # ARENA hands x to plotly express as given
    assert list(fig.marks(Line)[0].x) == [10, 11, 12, 13, 14]
    with pytest.raises(ValueError):  # neel-plotly's to_numpy refuses a range
        npl.line(T(5), x=range(5))


def test_renderer_keywords_are_taken():
    with pytest.MonkeyPatch.context() as mp, warnings.catch_warnings():
        warnings.simplefilter("ignore", CompatWarning)
        seen = []
        mp.setattr("vizkit.spec.Figure.show", lambda self, backend=None: seen.append(backend))
        arena.imshow(T(4, 4), renderer="browser")  # ARENA: imshow(tensor, renderer=None, ...)
        fig = npl.line(T(5), return_fig=True)
        fig.show(renderer="vscode")
        fig.show("browser")  # plotly's Figure.show takes the renderer first
    assert len(seen) == 3


@pytest.mark.parametrize("call, error", [
    (lambda: npl.line(T(4), labels={"x": "Layer"}), TypeError),  # neel-plotly passes labels= to px itself
    (lambda: npl.imshow(T(3, 3), colour="red"), TypeError),  # px.imshow: unexpected keyword
    (lambda: npl.imshow(T(3, 3), renderer="browser"), TypeError),  # neel-plotly's imshow has no renderer
    (lambda: npl.line(T(2, 3, 4)), ValueError),  # "Input tensor has too many dimensions"
    (lambda: arena.imshow(T(3, 3), xaxis="Head"), TypeError),  # old ARENA: px TypeError
    (lambda: arena.imshow(T(3, 3), xaxis="Head"), ValueError),  # newer ARENA: update_layout's ValueError
    (lambda: arena.scatter(np.arange(5), np.arange(5), add_line="z=1"), ValueError),
    (lambda: arena.imshow(np.zeros((2, 2, 2)), facet_labels=["a", "b", "c"]), AssertionError),  # newer ARENA asserts
    (lambda: npl.imshow(np.zeros((2, 2, 2)), facet_col=0, facet_labels=["a", "b", "c"]), IndexError),  # annotations[2]
])
def test_where_the_originals_raise_we_raise_the_same_type(call, error):
    with pytest.raises(error):
        call()


def test_the_plotly_figure_api_notebooks_use_on_a_returned_figure(tmp_path):
    import plotly.graph_objects as go

    fig = npl.imshow(T(2, 3, 4), facet_col=0, facet_labels=["attn", "mlp"], return_fig=True)
    assert fig.layout.title.text is None and [a.text for a in fig.layout.annotations][:2] == ["attn", "mlp"]
    fig.layout.title.text = "Patching"  # plotly-style assignment edits the figure
    fig.layout.annotations[1].text = "MLP out"
    fig.update_layout(width=640, margin=dict(l=5)).update_xaxes(title_text="Position")
    assert (fig.title, fig.width, [p.title for p in fig.panels]) == ("Patching", 640, ["attn", "MLP out"])
    assert fig.panels[1].x.title == "Position" and fig.layout.margin.l == 5
    with pytest.warns(CompatWarning, match="margin"):
        fig.to("bokeh")  # the spec parts draw everywhere; the margin only in plotly, and bokeh says so
    path = fig.write_html(tmp_path / "patching.html")
    page = (tmp_path / "patching.html").read_text()
    assert str(path).endswith("patching.html") and "Patching" in page and '"l":5' in page.replace(" ", "")

    lines = npl.line(T(2, 6), line_labels=["clean", "corrupt"], return_fig=True)
    lines.add_trace(go.Scatter(x=[0, 5], y=[0, 0], mode="lines", name="zero", line=dict(dash="dot")))
    lines.update_traces(line_width=3)
    nat = lines.to("plotly")
    assert [d.name for d in nat.data] == ["clean", "corrupt", "zero"] and nat.data[2].line.dash == "dot"
    assert all(d.line.width == 3 for d in nat.data)
    assert [m.name for m in lines.marks(Line)] == ["clean", "corrupt", "zero"]  # every backend draws the added trace
    assert lines.layout.annotations == []
    with pytest.raises(VizkitError, match="facet titles"):  # never a silent drop of an assignment
        fig.layout.annotations[0].font = {"size": 9}
