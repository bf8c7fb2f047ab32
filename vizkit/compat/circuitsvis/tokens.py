"""CircuitsVis ``circuitsvis.tokens``: ``colored_tokens``, ``colored_tokens_multi``, ``visualize_model_performance``."""

from __future__ import annotations

import numpy as np

from ...errors import LabelError, ShapeError
from .._keywords import to_numpy
from ._colors import scale_for
from .rendered import rendered

__all__ = ["colored_tokens", "colored_tokens_multi", "visualize_model_performance"]


def colored_tokens(tokens, values, min_value=None, max_value=None, negative_color=None, positive_color=None):
    """Tokens coloured by one value each (CircuitsVis ``ColoredTokens``): white at 0, ``positive_color`` at
    ``max_value``, ``negative_color`` at ``min_value``."""
    from ...figures.tokens import tokens as vk_tokens

    arr = np.asarray(to_numpy(values), dtype=float).ravel()
    not_drawn: list[str] = []
    finite = arr[np.isfinite(arr)]
    signed = bool(finite.size and finite.min() < 0) or (min_value is not None and min_value < 0)
    scale = scale_for(negative_color, positive_color, signed, not_drawn)
    fig = vk_tokens(list(tokens), arr, zmin=min_value, zmax=max_value, colorscale=scale)
    return rendered(fig, not_drawn=not_drawn)


def colored_tokens_multi(tokens, values, labels=None):
    """Tokens coloured by one of ``K`` value rows (``values`` ``[S tokens, K]``), a selector per row
    named by ``labels`` (CircuitsVis ``ColoredTokensMulti``)."""
    from ...figures.tokens import tokens as vk_tokens

    arr = np.asarray(to_numpy(values), dtype=float)
    if arr.ndim != 2:
        raise ShapeError(f"colored_tokens_multi takes values of shape [tokens, K]; got shape {arr.shape}")
    if len(tokens) != arr.shape[0]:
        raise LabelError(f"Number of tokens ({len(tokens)}) must equal first dimension of values tensor, shape {arr.shape}")
    if labels and len(labels) != arr.shape[1]:
        raise LabelError(f"Number of labels ({len(labels)}) must equal second dimension of values tensor, shape {arr.shape}")
    fig = vk_tokens(list(tokens), arr.T, row_labels=list(labels) if labels else [str(i) for i in range(arr.shape[1])])
    return rendered(fig)


def visualize_model_performance(tokens, str_tokens, logits):
    """The logit, log prob and prob of each true next token, as token colours (CircuitsVis)."""
    ids = np.asarray(to_numpy(tokens))
    lg = np.asarray(to_numpy(logits), dtype=np.float64)
    if ids.ndim == 2:
        if ids.shape[0] != 1:
            raise ShapeError(f"tokens must be rank 1, or rank 2 with a dummy batch dimension. Shape: {ids.shape}")
        ids = ids[0]
    if lg.ndim == 3:
        if lg.shape[0] != 1:
            raise ShapeError(f"logits must be rank 2, or rank 3 with a dummy batch dimension. Shape: {lg.shape}")
        lg = lg[0]
    if len(str_tokens) != len(ids):
        raise LabelError(f"Must have same number of tokens and str_tokens; got {len(ids)} and {len(str_tokens)}")
    if lg.shape[0] != len(ids):
        raise ShapeError(f"Must have the same number of tokens and logit vectors; got {len(ids)} and {lg.shape[0]}")
    lg = lg[:-1]
    shifted = lg - lg.max(axis=-1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    nxt = ids[1:].astype(int)[:, None]
    values = np.stack([np.take_along_axis(lg, nxt, -1)[:, 0], np.take_along_axis(log_probs, nxt, -1)[:, 0],
                       np.exp(np.take_along_axis(log_probs, nxt, -1)[:, 0])], axis=1)
    return colored_tokens_multi(list(str_tokens)[1:], values, ["logits", "log_probs", "probs"])
