"""Logit lens and direct logit attribution figures (the maths is in :mod:`vizkit.analysis.lens`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..analysis.lens import direct_logit_attribution, lens_logits, lens_top_tokens, n_positions
from ..errors import DimensionError, LabelError, VizkitError
from . import _common as c
from ._keywords import figure_function
from .generic import bar, imshow, line


@figure_function
def logit_lens(
    cache: Any,
    model: Any,
    *,
    answers: int | str | Sequence[int | str] | dict | None = None,
    tokens: Sequence[str] | None = None,
    pos: int = -1,
    batch: int = 0,
    prob: bool | None = None,
    top_tokens: bool = False,
    sublayers: bool = False,
    token_names: Callable | None = None,
    labels: dict | None = None,
    title: str | None = None,
    log_y: bool = False,
    zmin: float | None = None,
    zmax: float | None = None,
    colorscale: str | None = None,
    width: int | None = None,
    height: int | None = None,
    backend: str | None = None,
    theme: str | None = None,
):
    """The logit lens: what the residual stream predicts at every layer.

    The residual stream before each layer (``embed``, ``after L0`` ...) and after the last one
    goes through the final layer norm (with its own statistics) and the unembedding, as in
    nostalgebraist's logit lens; the last stage equals the model's own output.

    Two pictures:

    - default: lines of the logit (or probability) of chosen tokens at one position ``pos``
      across the stages (:func:`vizkit.analysis.lens_logits`);
    - ``top_tokens=True``: the classic stage × position heatmap with the top token written in
      each cell (:func:`vizkit.analysis.lens_top_tokens`); its colour is the top token's
      probability, or with one ``answers`` token that token's probability (``prob=False``: logit).
      The hover names the top token of every cell, also where cells are too small to write it.

    Parameters
    ----------
    cache : ActivationCache or dict of hook name → tensor
        From ``model.run_with_cache(tokens)``.
    model : HookedTransformer, TransformerBridge, or any object with ``cfg``, ``W_U``, ``b_U``, ``ln_final``
    answers : int, str, sequence, or dict of label → token id, optional
        The tokens to follow (ids, or strings the model's tokenizer makes one token; a string it
        splits raises an error showing the split). Default: the model's top prediction at ``pos``.
    tokens : sequence of str, optional
        The prompt's token strings, to name the position in the panel title.
    pos, batch : int
        The position (negative counts from the end) and batch item to read.
    prob : bool, optional
        Softmax probabilities over the vocabulary instead of logits (default: logits for the
        lines, probabilities for the ``top_tokens`` heatmap).
    top_tokens : bool
        Draw the stage × position heatmap with the top token in each cell (``pos`` is unused).
    sublayers : bool
        Heatmap rows after each attention and MLP (``embed``, ``L0 attn``, ``L0 mlp`` ... ``final``)
        instead of between layers.
    token_names : callable, optional
        For the heatmap: names of token ids (called with a list of ids), such as
        ``model.to_str_tokens``; needed for a model without a tokenizer (``vizkit_gallery.data.models.str_tokens``
        for the induction model), else tokens are named ``token 57``.
    """
    if top_tokens:
        return _top_token_heatmap(cache, model, answers=answers, tokens=tokens, batch=batch,
                                  prob=True if prob is None else bool(prob), sublayers=sublayers, token_names=token_names,
                                  labels=labels, title=title, zmin=zmin, zmax=zmax, colorscale=colorscale,
                                  width=width, height=height, backend=backend, theme=theme)
    if sublayers or token_names is not None:
        raise VizkitError("sublayers= and token_names= belong to the top-token heatmap: pass top_tokens=True")
    prob = bool(prob)
    da = lens_logits(cache, model, answers=answers, pos=pos, batch=batch, prob=prob)
    names = [str(n) for n in da.coords["answer"].values]
    shown = names if isinstance(answers, dict) else [c.visible_token(n) for n in names]
    stages = [str(s) for s in da.coords["stage"].values]
    where = _where(tokens, pos, n_positions(cache, batch))
    axis_labels = {"x": "residual stream", "y": str(da.name), "color": "answer", **(labels or {})}
    fig = line(da.values, dims=("answer", "stage"), x=stages, names=shown, markers=True, labels=axis_labels,
               title=title or f"Logit lens at {where}", log_y=log_y, width=width, height=height, backend=backend,
               theme=theme)
    meta = {"answers": [int(i) for i in da.coords["token_id"].values], "answer_labels": shown, "stages": stages,
            "pos": where, "prob": bool(prob), "batch": int(batch)}
    return fig.replace(kind="logit_lens", meta=meta)


def _top_token_heatmap(cache, model, *, answers, tokens, batch, prob, sublayers, token_names, labels, title, zmin, zmax,
                       colorscale, width, height, backend, theme):
    """The stage × position logit-lens heatmap, the top token written in each cell."""
    if answers is not None and not isinstance(answers, (int, np.integer, str)):
        if isinstance(answers, dict) or len(answers) != 1:
            raise VizkitError(f"the top-token heatmap colours one answer token at most; got answers={answers!r}. "
                              "Pass one token (its id or string), or none to colour by the top token's probability")
        answers = next(iter(answers))
    da = lens_top_tokens(cache, model, batch=batch, prob=prob, answer=answers, sublayers=sublayers, token_names=token_names)
    n_pos = da.sizes["pos"]
    x = list(range(n_pos))
    if tokens is not None:
        x = [str(t) for t in tokens]
        if len(x) != n_pos:
            raise LabelError(f"got {len(x)} tokens but the cache has {n_pos} positions; pass the tokens of the same prompt")
    stages = [str(s) for s in da.coords["stage"].values]
    top = da.coords["top_token"].values
    text = np.vectorize(lambda t: c.visible_token(str(t)), otypes=[object])(top)
    what = str(da.name)
    bounds = {"zmin": 0.0 if zmin is None else zmin, "zmax": 1.0 if zmax is None else zmax} if prob else {"zmin": zmin, "zmax": zmax}
    axis_labels = {"x": "position", "y": "residual stream", "color": what, **(labels or {})}
    fig = imshow(np.asarray(da.values, dtype=float), dims=("stage", "pos"), x=x, y=stages, labels=axis_labels,
                 colorscale=colorscale or ("Blues" if prob else None), title=title or "Logit lens: top token at each layer and position",
                 kind="logit_lens", value_label=what, text=text, text_label="top token", width=width, height=height,
                 backend=backend, theme=theme, **bounds)
    meta = {"stages": stages, "top_tokens": [[str(t) for t in row] for row in top],
            "top_token_ids": np.asarray(da.coords["top_token_id"].values).astype(int).tolist(), "prob": bool(prob),
            "batch": int(batch), "answer": da.attrs.get("answer_id")}
    return fig.replace(meta=meta)


@figure_function
def dla(
    cache: Any,
    model: Any,
    answer: int | str | tuple,
    *,
    per: str = "layer",
    tokens: Sequence[str] | None = None,
    pos: int = -1,
    batch: int = 0,
    labels: dict | None = None,
    title: str | None = None,
    zmin: float | None = None,
    zmax: float | None = None,
    zmid: float | None = 0.0,
    colorscale: str | None = None,
    width: int | None = None,
    height: int | None = None,
    backend: str | None = None,
    theme: str | None = None,
):
    """Direct logit attribution: how much each component writes toward ``answer``'s logit.

    Each component's output at ``pos`` is centred (LayerNorm models), divided by the final
    layer-norm scale of that position (``ln_final.hook_scale`` from the cache when present) and
    projected on ``W_U[:, answer]`` through ``ln_final.w`` (:func:`vizkit.analysis.direct_logit_attribution`).
    The attributions plus the constant ``b_ln · W_U[:, answer] + b_U[answer]`` (in
    ``meta["constant"]``) add up to the logit.

    Parameters
    ----------
    answer : int, str, or (int | str, int | str)
        A token (id or string), or a pair ``(correct, wrong)`` for the logit difference.
    per : {"layer", "head"}
        ``"layer"``: bars for the embeddings and each layer's attention (and MLP) output.
        ``"head"``: a layer × head heatmap of each head's ``z · W_O`` (biases not included);
        the colour keywords apply to it.
    tokens, pos, batch
        As for :func:`logit_lens`.
    """
    da = direct_logit_attribution(cache, model, answer, per=per, pos=pos, batch=batch)
    names = [c.visible_token(n) for n in da.attrs["answer_labels"]]
    target = names[0] if len(names) == 1 else f"{names[0]} − {names[1]}"
    constant = float(da.attrs["constant"])
    where = _where(tokens, pos, n_positions(cache, batch))
    common = dict(width=width, height=height, backend=backend, theme=theme)
    meta = {"answer": list(da.attrs["answer"]), "answer_labels": names, "pos": where, "batch": int(batch),
            "constant": constant, "per": per}
    values = np.asarray(da.values, dtype=float)
    if per == "layer":
        meta["total"] = float(values.sum() + constant)
        fig = bar(values, x=[str(v) for v in da.coords["component"].values], title=title or f"Direct logit attribution to {target} at {where}",
                  labels={"x": "component", "y": f"direct logit attribution to {target}", **(labels or {})}, **common)
        what = "logit difference" if len(names) == 2 else "logit"
        note = f"bars sum to {values.sum():.4g}; plus the constant {constant:.4g} (biases) gives the {what} {meta['total']:.4g}"
        return fig.replace(kind="dla", meta=meta, notes=(*fig.notes, note))
    meta["total"] = float(values.sum())
    fig = imshow(values, dims=("layer", "head"), zmin=zmin, zmax=zmax, zmid=zmid, colorscale=colorscale,
                 labels={"x": "head", "y": "layer", "color": "DLA", **(labels or {})},
                 title=title or f"Direct logit attribution per head to {target} at {where}", kind="dla",
                 value_label=f"DLA to {target}", **common)
    return fig.replace(meta=meta, notes=(*fig.notes, "heads only: biases, embeddings and MLPs are not shown"))


def _where(tokens, pos: int, n_pos: int) -> str:
    """``pos`` named for titles: ``"pos 9 (␣cat)"``; checks it and the tokens against the cache."""
    if not -n_pos <= pos < n_pos:
        raise DimensionError(f"pos={pos} is outside the {n_pos} positions of the cache")
    pos = pos % n_pos
    if tokens is None:
        return f"pos {pos}"
    toks = list(tokens)
    if len(toks) != n_pos:
        raise LabelError(f"got {len(toks)} tokens but the cache has {n_pos} positions; pass the tokens of the same prompt")
    return f"pos {pos} ({c.visible_token(toks[pos])})"
