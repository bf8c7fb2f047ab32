"""Logit lens and direct logit attribution, computed from a cache plus the model's unembedding.

Both read the residual stream at one position of one batch item and project it on the
unembedding ``W_U`` through the final layer norm. They need only what TransformerLens models of
every version expose: ``W_U``, ``b_U``, ``W_O``, ``ln_final.w``/``ln_final.b`` and
``cfg.normalization_type``/``cfg.eps``/``cfg.n_layers`` (any object with those names works).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..adapters import to_numpy
from ..errors import DimensionError, LabelError, UnknownHookError, UnsupportedInputError, VizkitError
from . import _common as c
from .generic import bar, imshow, line


def logit_lens(
    cache: Any,
    model: Any,
    *,
    answers: int | str | Sequence[int | str] | dict | None = None,
    tokens: Sequence[str] | None = None,
    pos: int = -1,
    batch: int = 0,
    prob: bool = False,
    title: str | None = None,
    width: int | None = None,
    height: int | None = None,
    backend: str | None = None,
    theme: str | None = None,
):
    """The logit (or probability) of chosen tokens read off the residual stream at every layer.

    The residual stream before each layer (``resid_pre``) and after the last one goes through
    the final layer norm (with its own statistics) and the unembedding, as in nostalgebraist's
    logit lens; the last point equals the model's own output.

    Parameters
    ----------
    cache : ActivationCache or dict of hook name → tensor
        From ``model.run_with_cache(tokens)``.
    model : HookedTransformer, TransformerBridge, or any object with the weights named above
    answers : int, str, sequence, or dict of label → token id, optional
        The tokens to follow (ids, or strings the model's tokenizer maps to one token).
        Default: the model's top prediction at ``pos``.
    tokens : sequence of str, optional
        The prompt's token strings, to name the position in the panel title.
    pos, batch : int
        The position (negative counts from the end) and batch item to read.
    prob : bool
        Softmax probabilities over the vocabulary instead of logits.
    title, width, height, backend, theme
        As for every figure.
    """
    weights = _Weights(model)
    resid = np.stack([_vector(cache, "resid_pre", L, batch, pos) for L in range(weights.n_layers)]
                     + [_vector(cache, "resid_post", weights.n_layers - 1, batch, pos)])
    logits = weights.layer_norm(resid) @ weights.W_U + weights.b_U
    if prob:
        shifted = np.exp(logits - logits.max(-1, keepdims=True))
        logits = shifted / shifted.sum(-1, keepdims=True)
    ids, names = _answers(model, answers, default=int(np.argmax(logits[-1])))
    stages = [f"{L}_pre" for L in range(weights.n_layers)] + ["final_post"]
    value = "probability" if prob else "logit"
    where = _where(tokens, pos, _n_pos(cache, batch))
    fig = line(logits[:, ids].T, dims=("answer", "stage"), x=stages, names=names, markers=True,
               labels={"x": "residual stream", "y": value, "color": "answer"}, title=title or f"Logit lens at {where}",
               width=width, height=height, backend=backend, theme=theme)
    meta = {"answers": ids, "answer_labels": names, "stages": stages, "pos": where, "prob": bool(prob),
            "batch": int(batch)}
    return fig.replace(kind="logit_lens", meta=meta)


def dla(
    cache: Any,
    model: Any,
    answer: int | str | tuple,
    *,
    per: str = "layer",
    tokens: Sequence[str] | None = None,
    pos: int = -1,
    batch: int = 0,
    title: str | None = None,
    width: int | None = None,
    height: int | None = None,
    backend: str | None = None,
    theme: str | None = None,
):
    """Direct logit attribution: how much each component writes toward ``answer``'s logit.

    Each component's output at ``pos`` is centred (LayerNorm models), divided by the final
    layer-norm scale of that position (``ln_final.hook_scale`` from the cache when present) and
    projected on ``W_U[:, answer]`` through ``ln_final.w``. The attributions plus the constant
    ``b_ln · W_U[:, answer] + b_U[answer]`` (in ``meta["constant"]``) add up to the logit.

    Parameters
    ----------
    answer : int, str, or (int | str, int | str)
        A token (id or string), or a pair ``(correct, wrong)`` for the logit difference.
    per : {"layer", "head"}
        ``"layer"``: bars for the embeddings and each layer's attention (and MLP) output.
        ``"head"``: a layer × head heatmap of each head's ``z · W_O`` (biases not included).
    tokens, pos, batch
        As for :func:`logit_lens`.
    """
    if per not in ("layer", "head"):
        raise VizkitError(f"per must be 'layer' or 'head'; got {per!r}")
    weights = _Weights(model)
    pair = answer if isinstance(answer, tuple) else (answer,)
    if len(pair) not in (1, 2):
        raise VizkitError(f"answer must be a token or a (correct, wrong) pair; got {answer!r}")
    ids, names = _answers(model, list(pair), default=None)
    direction = weights.W_U[:, ids[0]] - (weights.W_U[:, ids[1]] if len(ids) == 2 else 0.0)
    bias = weights.b_U[ids[0]] - (weights.b_U[ids[1]] if len(ids) == 2 else 0.0)
    scale = _final_scale(cache, weights, batch, pos)
    project = lambda v: weights.centre(v) / scale @ (weights.ln_w * direction)  # noqa: E731
    constant = float(weights.ln_b @ direction + bias)
    target = names[0] if len(names) == 1 else f"{names[0]} − {names[1]}"
    where = _where(tokens, pos, _n_pos(cache, batch))
    common = dict(width=width, height=height, backend=backend, theme=theme)
    meta = {"answer": ids, "answer_labels": names, "pos": where, "batch": int(batch), "constant": constant, "per": per}
    if per == "layer":
        labels, vectors = _components(cache, weights, batch, pos)
        values = np.array([project(v) for v in vectors])
        meta["total"] = float(values.sum() + constant)
        fig = bar(values, x=labels, labels={"x": "component", "y": f"direct logit attribution to {target}"},
                  title=title or f"Direct logit attribution to {target} at {where}", **common)
        what = "logit difference" if len(ids) == 2 else "logit"
        note = f"bars sum to {values.sum():.4g}; plus the constant {constant:.4g} (biases) gives the {what} {meta['total']:.4g}"
        return fig.replace(kind="dla", meta=meta, notes=(*fig.notes, note))
    per_head = np.array([[project(v) for v in _head_outputs(cache, weights, L, batch, pos)]
                         for L in range(weights.n_layers)])
    meta["total"] = float(per_head.sum())
    fig = imshow(per_head, dims=("layer", "head"), zmid=0.0, labels={"x": "head", "y": "layer", "color": "DLA"},
                 title=title or f"Direct logit attribution per head to {target} at {where}", kind="dla",
                 value_label=f"DLA to {target}", **common)
    return fig.replace(meta=meta, notes=(*fig.notes, "heads only: biases, embeddings and MLPs are not shown"))


# ---------------------------------------------------------------------------------------------
# The model's weights and the cache's vectors


class _Weights:
    """The unembedding and final layer norm of a TransformerLens-style model, as numpy."""

    def __init__(self, model):
        cfg = getattr(model, "cfg", None)
        missing = [n for n in ("W_U",) if not hasattr(model, n)]
        if cfg is None or missing:
            raise UnsupportedInputError(
                f"logit lens and DLA need a TransformerLens-style model (cfg, W_U, b_U, W_O, ln_final); got "
                f"{type(model).__name__}{' without ' + ', '.join(missing) if missing else ' without cfg'}")
        self.n_layers = int(cfg.n_layers)
        self.W_U = np.asarray(to_numpy(model.W_U), dtype=float)
        d_model, d_vocab = self.W_U.shape
        b_U = getattr(model, "b_U", None)
        self.b_U = np.zeros(d_vocab) if b_U is None else np.asarray(to_numpy(b_U), dtype=float)
        self.norm = getattr(cfg, "normalization_type", None)
        self.eps = float(getattr(cfg, "eps", 1e-5))
        ln = getattr(model, "ln_final", None)
        w = getattr(ln, "w", None) if self.norm in ("LN", "RMS") else None
        b = getattr(ln, "b", None) if self.norm == "LN" else None
        self.ln_w = np.ones(d_model) if w is None else np.asarray(to_numpy(w), dtype=float)
        self.ln_b = np.zeros(d_model) if b is None else np.asarray(to_numpy(b), dtype=float)
        self.model = model

    def centre(self, x: np.ndarray) -> np.ndarray:
        return x - x.mean(-1, keepdims=True) if self.norm in ("LN", "LNPre") else x

    def layer_norm(self, x: np.ndarray) -> np.ndarray:
        """The final layer norm applied to ``x`` with its own statistics."""
        if self.norm is None:
            return x
        x = self.centre(x)
        return x / np.sqrt((x**2).mean(-1, keepdims=True) + self.eps) * self.ln_w + self.ln_b

    def W_O(self, layer: int) -> np.ndarray:
        return np.asarray(to_numpy(self.model.W_O[layer]), dtype=float)


def _activation(cache, name: str, layer: int | None, batch: int) -> np.ndarray:
    """One hook's activation for one batch item, as numpy ``[pos, ...]``."""
    from ..adapters.transformer_lens import activation

    return np.asarray(activation(cache, name, layer, batch=batch).values, dtype=float)


def _vector(cache, name: str, layer: int | None, batch: int, pos: int) -> np.ndarray:
    act = _activation(cache, name, layer, batch)
    n = act.shape[0]
    if not -n <= pos < n:
        raise DimensionError(f"pos={pos} is outside the {n} positions of the cache")
    return act[pos]


def _final_scale(cache, weights: _Weights, batch: int, pos: int) -> float:
    if weights.norm is None:
        return 1.0
    try:
        return float(np.ravel(_vector(cache, "scale", None, batch, pos))[0])
    except UnknownHookError:
        x = weights.centre(_vector(cache, "resid_post", weights.n_layers - 1, batch, pos))
        return float(np.sqrt((x**2).mean() + weights.eps))


def _has(cache, key: str) -> bool:
    return key in set(str(k) for k in cache.keys())


def _components(cache, weights: _Weights, batch: int, pos: int) -> tuple[list[str], list[np.ndarray]]:
    """Everything added into the residual stream, in order: embeddings, then each layer's outputs."""
    labels, vectors = [], []
    for key, label in (("hook_embed", "embed"), ("hook_pos_embed", "pos_embed")):
        if _has(cache, key):
            labels.append(label)
            vectors.append(_vector(cache, label, None, batch, pos))
    for L in range(weights.n_layers):
        for part in ("attn_out", "mlp_out"):
            if _has(cache, f"blocks.{L}.hook_{part}"):
                labels.append(f"L{L} {part.split('_')[0]}")
                vectors.append(_vector(cache, part, L, batch, pos))
    if not vectors:
        raise UnknownHookError("the cache holds no residual-stream components (hook_embed, blocks.L.hook_attn_out ...)")
    return labels, vectors


def _head_outputs(cache, weights: _Weights, layer: int, batch: int, pos: int) -> np.ndarray:
    """Each head's write into the residual stream, ``z[pos, head] @ W_O[head]``: ``[head, d_model]``."""
    z = _vector(cache, "z", layer, batch, pos)  # [head, d_head]
    return np.einsum("hd,hdm->hm", z, weights.W_O(layer))


def _answers(model, answers, default: int | None) -> tuple[list[int], list[str]]:
    if answers is None:
        answers = [default]
    if isinstance(answers, dict):
        return [_token_id(model, v) for v in answers.values()], [str(k) for k in answers]
    if isinstance(answers, (int, np.integer, str)):
        answers = [answers]
    ids = [_token_id(model, a) for a in answers]
    vocab = np.shape(model.W_U)[-1]
    for i in ids:
        if not 0 <= i < vocab:
            raise LabelError(f"answer token id {i} is outside the vocabulary of {vocab} tokens")
    return ids, [_token_name(model, i) for i in ids]


def _token_id(model, answer) -> int:
    if isinstance(answer, str):
        if not hasattr(model, "to_single_token") or getattr(model, "tokenizer", None) is None:
            raise LabelError(f"answer {answer!r} is a string but the model has no tokenizer; pass token ids")
        return int(model.to_single_token(answer))
    if isinstance(answer, bool) or not isinstance(answer, (int, np.integer)):
        raise LabelError(f"answers must be token ids or strings; got {answer!r}")
    return int(answer)


def _token_name(model, i: int) -> str:
    if getattr(model, "tokenizer", None) is not None and hasattr(model, "to_string"):
        return c.visible_token(model.to_string([i]))
    return f"token {i}"


def _n_pos(cache, batch: int) -> int:
    return _activation(cache, "resid_pre", 0, batch).shape[0]


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
