"""Logit lens and direct logit attribution as labelled arrays.

Both read the residual stream at one position of one batch item and project it on the
unembedding ``W_U`` through the final layer norm. They need only what TransformerLens models of
every version expose: ``W_U``, ``b_U``, ``W_O``, ``ln_final.w``/``ln_final.b`` and
``cfg.normalization_type``/``cfg.eps``/``cfg.n_layers`` (any object with those names works), and
for string answers a ``tokenizer``.

>>> lens_logits(cache, model, answers=[" Mary", " John"]).sel(answer=" Mary")   # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..adapters import to_numpy
from ..adapters.transformer_lens import activation
from ..errors import DimensionError, LabelError, UnknownHookError, UnsupportedInputError, VizkitError

__all__ = ["lens_logits", "lens_top_tokens", "direct_logit_attribution", "token_ids", "stage_labels", "sublayer_stages"]


def stage_labels(n_layers: int) -> list[str]:
    """Readable names of the residual-stream stages the lens reads: ``embed``, ``after L0`` ... ``after L{n-1}``."""
    return ["embed"] + [f"after L{L}" for L in range(n_layers)]


def lens_logits(
    cache: Any,
    model: Any,
    *,
    answers: int | str | Sequence[int | str] | dict | None = None,
    pos: int = -1,
    batch: int = 0,
    prob: bool = False,
):
    """The logit (or probability) of chosen tokens read off the residual stream before each layer and after the last.

    Parameters
    ----------
    cache : ActivationCache or dict of hook name → tensor
        From ``model.run_with_cache(tokens)``.
    model : HookedTransformer, TransformerBridge, or any object with the weights named above
    answers : int, str, sequence, or dict of label → token, optional
        The tokens to follow (ids, or strings the tokenizer maps to one token). Default: the
        model's top prediction at ``pos``.
    pos, batch : int
        The position (negative counts from the end) and batch item to read.
    prob : bool
        Softmax probabilities over the vocabulary instead of logits.

    Returns
    -------
    xarray.DataArray
        Dims ``(answer, stage)``: ``answer`` labelled by the answer names (a ``token_id``
        coordinate holds the ids), ``stage`` by :func:`stage_labels`. The last stage equals the
        model's own output. Named ``"probability"`` or ``"logit"``.
    """
    import xarray as xr

    weights = Weights(model)
    resid = np.stack([_vector(cache, "resid_pre", L, batch, pos) for L in range(weights.n_layers)]
                     + [_vector(cache, "resid_post", weights.n_layers - 1, batch, pos)])
    logits = weights.layer_norm(resid) @ weights.W_U + weights.b_U
    if prob:
        shifted = np.exp(logits - logits.max(-1, keepdims=True))
        logits = shifted / shifted.sum(-1, keepdims=True)
    ids, names = token_ids(model, answers, default=int(np.argmax(logits[-1])))
    return xr.DataArray(logits[:, ids].T, dims=("answer", "stage"), name="probability" if prob else "logit",
                        coords={"answer": names, "token_id": ("answer", ids), "stage": stage_labels(weights.n_layers)})


def lens_top_tokens(cache: Any, model: Any, *, batch: int = 0, prob: bool = True, answer: int | str | None = None,
                    sublayers: bool = False, token_names: Callable | None = None):
    """The logit lens at every stage and position: the top token and its probability (or logit).

    The data of the classic layer × position logit-lens heatmap with the top token written in
    each cell.

    Parameters
    ----------
    cache : ActivationCache or dict of hook name → tensor
    model : HookedTransformer, TransformerBridge, or any object with the weights named in the module docstring
    batch : int
        The batch item to read.
    prob : bool
        Softmax probabilities over the vocabulary (default) instead of logits.
    answer : int or str, optional
        A token to follow: the values are its probability (or logit) at every stage and position
        instead of the top token's; the top token is still given.
    sublayers : bool
        Read the residual stream after each attention and each MLP (:func:`sublayer_stages`:
        ``embed``, ``L0 attn``, ``L0 mlp`` ... ``final``), not only between layers
        (:func:`stage_labels`).
    token_names : callable, optional
        Names of token ids: called with a list of ids, returns a list of strings (``model.to_str_tokens``,
        or ``vizkit_gallery.data.models.str_tokens`` for the tokenizer-less induction model).
        Default: the model's tokenizer, else ``"token {id}"``.

    Returns
    -------
    xarray.DataArray
        Dims ``(stage, pos)``; coordinates ``top_token`` (its text) and ``top_token_id`` on
        both dims. Named ``"top-token probability"`` / ``"top-token logit"``, or with ``answer``
        ``"probability of <answer>"`` / ``"logit of <answer>"`` (its id in ``attrs["answer_id"]``).
    """
    import xarray as xr

    weights = Weights(model)
    labels, resid = _stages(cache, weights, batch, sublayers)  # resid: [stage, pos, d_model]
    logits = weights.layer_norm(resid) @ weights.W_U + weights.b_U
    top = logits.argmax(-1)
    best = np.take_along_axis(logits, top[..., None], -1)[..., 0]
    attrs = {}
    if answer is None:
        values = 1.0 / np.exp(logits - best[..., None]).sum(-1) if prob else best
        name = "top-token probability" if prob else "top-token logit"
    else:
        ids, names = token_ids(model, [answer])
        values = logits[..., ids[0]]
        if prob:
            values = np.exp(values - best) / np.exp(logits - best[..., None]).sum(-1)
        name = f"{'probability' if prob else 'logit'} of {names[0]}"
        attrs = {"answer_id": ids[0], "answer": names[0]}
    names = np.array(_names(model, top.ravel(), token_names), dtype=object).reshape(top.shape)
    return xr.DataArray(values, dims=("stage", "pos"), name=name, attrs=attrs,
                        coords={"stage": labels, "pos": np.arange(values.shape[1]),
                                "top_token": (("stage", "pos"), names), "top_token_id": (("stage", "pos"), top)})


def sublayer_stages(n_layers: int, mlp: bool = True) -> list[str]:
    """Readable names of the residual stream after each sublayer: ``embed``, ``L0 attn``, ``L0 mlp`` ... ``final``.

    The last stage (after the last layer) is ``final``: it equals the model's output. ``mlp=False``
    (attention-only models): ``embed``, ``L0 attn`` ... ``final``.
    """
    out = ["embed"]
    for L in range(n_layers):
        out += [f"L{L} attn", f"L{L} mlp"] if mlp else [f"L{L} attn"]
    return out[:-1] + ["final"]


def _stages(cache, weights: Weights, batch: int, sublayers: bool) -> tuple[list[str], np.ndarray]:
    """Stage labels and the residual stream at each ``[stage, pos, d_model]``."""
    n = weights.n_layers
    if not sublayers:
        return stage_labels(n), np.stack([_activation(cache, "resid_pre", L, batch) for L in range(n)]
                                         + [_activation(cache, "resid_post", n - 1, batch)])
    mlp = _has(cache, "blocks.0.hook_resid_mid")
    acts = [_activation(cache, "resid_pre", 0, batch)]
    for L in range(n):
        if mlp:
            acts.append(_activation(cache, "resid_mid", L, batch))
        acts.append(_activation(cache, "resid_post", L, batch))
    return sublayer_stages(n, mlp), np.stack(acts)


def _names(model, ids, token_names) -> list[str]:
    """Names of token ``ids``: from ``token_names`` (a callable on a list of ids) or the model's tokenizer."""
    ids = [int(i) for i in ids]
    if token_names is None:
        cache: dict[int, str] = {}
        return [cache.setdefault(i, _token_name(model, i)) if i not in cache else cache[i] for i in ids]
    if not callable(token_names):
        raise VizkitError(f"token_names must be a function from a list of token ids to their strings (model.to_str_tokens); "
                          f"got {type(token_names).__name__}")
    names = [str(t) for t in token_names(ids)]
    if len(names) != len(ids):
        raise LabelError(f"token_names returned {len(names)} names for {len(ids)} token ids")
    return names


def direct_logit_attribution(cache: Any, model: Any, answer: int | str | tuple, *, per: str = "layer", pos: int = -1,
                             batch: int = 0):
    """How much each component writes toward ``answer``'s logit (or a logit difference).

    Each component's output at ``pos`` is centred (LayerNorm models), divided by the final
    layer-norm scale of that position (``ln_final.hook_scale`` from the cache when present) and
    projected on ``W_U[:, answer]`` through ``ln_final.w``.

    Parameters
    ----------
    answer : int, str, or (int | str, int | str)
        A token (id or string), or a pair ``(correct, wrong)`` for the logit difference.
    per : {"layer", "head"}
        ``"layer"``: the embeddings and each layer's attention (and MLP) output, dim ``component``.
        ``"head"``: each head's ``z · W_O`` (biases not included), dims ``(layer, head)``.
    pos, batch : int
        As for :func:`lens_logits`.

    Returns
    -------
    xarray.DataArray
        The attributions. ``attrs`` hold ``answer`` (ids), ``answer_labels``, ``target`` (the
        readable answer or difference) and ``constant`` (``b_ln · W_U[:, answer] + b_U[answer]``):
        for ``per="layer"`` the values plus the constant add up to the logit.
    """
    import xarray as xr

    if per not in ("layer", "head"):
        raise VizkitError(f"per must be 'layer' or 'head'; got {per!r}")
    weights = Weights(model)
    pair = answer if isinstance(answer, tuple) else (answer,)
    if len(pair) not in (1, 2):
        raise VizkitError(f"answer must be a token or a (correct, wrong) pair; got {answer!r}")
    ids, names = token_ids(model, list(pair), default=None)
    direction = weights.W_U[:, ids[0]] - (weights.W_U[:, ids[1]] if len(ids) == 2 else 0.0)
    bias = weights.b_U[ids[0]] - (weights.b_U[ids[1]] if len(ids) == 2 else 0.0)
    scale = _final_scale(cache, weights, batch, pos)

    def project(v):
        return weights.centre(v) / scale @ (weights.ln_w * direction)

    attrs = {"answer": ids, "answer_labels": names, "constant": float(weights.ln_b @ direction + bias),
             "target": names[0] if len(names) == 1 else f"{names[0]} − {names[1]}"}
    name = f"direct logit attribution to {attrs['target']}"
    if per == "layer":
        labels, vectors = _components(cache, weights, batch, pos)
        return xr.DataArray(np.array([project(v) for v in vectors]), dims=("component",), coords={"component": labels},
                            name=name, attrs=attrs)
    per_head = np.array([[project(v) for v in _head_outputs(cache, weights, L, batch, pos)] for L in range(weights.n_layers)])
    return xr.DataArray(per_head, dims=("layer", "head"), name=name, attrs=attrs,
                        coords={"layer": np.arange(per_head.shape[0]), "head": np.arange(per_head.shape[1])})


# ---------------------------------------------------------------------------------------------
# The model's weights and the cache's vectors


class Weights:
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


def n_positions(cache, batch: int) -> int:
    """The number of positions of batch item ``batch`` in ``cache``."""
    return _activation(cache, "resid_pre", 0, batch).shape[0]


def _activation(cache, name: str, layer: int | None, batch: int) -> np.ndarray:
    return np.asarray(activation(cache, name, layer, batch=batch).values, dtype=float)


def _vector(cache, name: str, layer: int | None, batch: int, pos: int) -> np.ndarray:
    act = _activation(cache, name, layer, batch)
    n = act.shape[0]
    if not -n <= pos < n:
        raise DimensionError(f"pos={pos} is outside the {n} positions of the cache")
    return act[pos]


def _final_scale(cache, weights: Weights, batch: int, pos: int) -> float:
    if weights.norm is None:
        return 1.0
    try:
        return float(np.ravel(_vector(cache, "scale", None, batch, pos))[0])
    except UnknownHookError:
        x = weights.centre(_vector(cache, "resid_post", weights.n_layers - 1, batch, pos))
        return float(np.sqrt((x**2).mean() + weights.eps))


def _has(cache, key: str) -> bool:
    return key in set(str(k) for k in cache.keys())


def _components(cache, weights: Weights, batch: int, pos: int) -> tuple[list[str], list[np.ndarray]]:
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


def _head_outputs(cache, weights: Weights, layer: int, batch: int, pos: int) -> np.ndarray:
    """Each head's write into the residual stream, ``z[pos, head] @ W_O[head]``: ``[head, d_model]``."""
    z = _vector(cache, "z", layer, batch, pos)  # [head, d_head]
    return np.einsum("hd,hdm->hm", z, weights.W_O(layer))


# ---------------------------------------------------------------------------------------------
# Answer tokens


def token_ids(model, answers, default: int | None = None) -> tuple[list[int], list[str]]:
    """Token ids and readable names of ``answers`` (ids, strings that are one token, or a dict label → token)."""
    if answers is None:
        answers = [default]
    if isinstance(answers, dict):
        ids = [_token_id(model, v) for v in answers.values()]
        names = [str(k) for k in answers]
    else:
        if isinstance(answers, (int, np.integer, str)):
            answers = [answers]
        ids = [_token_id(model, a) for a in answers]
        names = None
    vocab = np.shape(model.W_U)[-1]
    for i in ids:
        if not 0 <= i < vocab:
            raise LabelError(f"answer token id {i} is outside the vocabulary of {vocab} tokens")
    return ids, names if names is not None else [_token_name(model, i) for i in ids]


def _token_id(model, answer) -> int:
    if isinstance(answer, str):
        return _single_token(model, answer)
    if isinstance(answer, bool) or not isinstance(answer, (int, np.integer)):
        raise LabelError(f"answers must be token ids or strings; got {answer!r}")
    return int(answer)


def _single_token(model, text: str) -> int:
    """The id of ``text`` if the tokenizer makes it exactly one token (no BOS/CLS/SEP added), else a LabelError showing the split."""
    tokenizer = getattr(model, "tokenizer", None)
    if tokenizer is None:
        raise LabelError(f"answer {text!r} is a string but the model has no tokenizer; pass token ids")
    ids = [int(i) for i in tokenizer(text, add_special_tokens=False)["input_ids"]]
    if len(ids) == 1:
        return ids[0]
    pieces = [str(p) for p in tokenizer.convert_ids_to_tokens(ids)]
    split = " + ".join(repr(p) for p in pieces) or "nothing"
    hint = f"; pass one token, e.g. {pieces[0]!r} or its id {ids[0]}" if ids else ""
    raise LabelError(f"answer {text!r} is not a single token: the model's tokenizer splits it into {len(ids)} "
                     f"token(s) {split} (ids {ids}){hint}")


def _token_name(model, i: int) -> str:
    """The raw text of token ``i`` (figures make its whitespace visible), or ``"token {i}"`` without a tokenizer."""
    tokenizer = getattr(model, "tokenizer", None)
    if tokenizer is not None and hasattr(model, "to_string"):
        return str(model.to_string([i]))
    if tokenizer is not None and hasattr(tokenizer, "decode"):
        return str(tokenizer.decode([i]))
    return f"token {i}"
