"""CircuitsVis ``circuitsvis.tokens``: ``colored_tokens``, ``colored_tokens_multi``, ``visualize_model_performance``."""

from __future__ import annotations

import numpy as np

from ...errors import ShapeError
from ._colors import scale_for
from ._inputs import CircuitsVisInputError, numeric
from ._inputs import str_tokens as _str_tokens
from .rendered import RenderedHTML, rendered

__all__ = ["RenderedHTML", "colored_tokens", "colored_tokens_multi", "visualize_model_performance"]


def colored_tokens(tokens, values, min_value=None, max_value=None, negative_color=None, positive_color=None):
    """Tokens coloured by one value each (CircuitsVis ``ColoredTokens``): white at 0, ``positive_color`` at
    ``max_value`` (default: the largest value), ``negative_color`` at ``min_value`` (default: the smallest).

    As in CircuitsVis, 0 is white whatever the values: non-negative values run from 0 (not from
    their smallest value) to ``max_value``.
    """
    from ...figures.tokens import tokens as vk_tokens

    toks = _str_tokens(tokens)
    arr = numeric(values)
    if arr.ndim > 1 and sum(n > 1 for n in arr.shape) <= 1:  # [1, n] or [n, 1]: one row of values
        arr = arr.ravel()
    if arr.ndim != 1:
        raise ShapeError(f"colored_tokens takes one value per token; got values of shape {arr.shape} "
                         f"(for several rows of values use colored_tokens_multi)")
    not_drawn: list[str] = []
    finite = arr[np.isfinite(arr)]
    lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    signed = lo < 0 or (min_value is not None and min_value < 0)
    scale = scale_for(negative_color, positive_color, signed, not_drawn)
    if signed:  # white at 0 (as CircuitsVis): a range symmetric around 0, so a linear scale puts 0 in its middle
        half = max(abs(float(min_value) if min_value is not None else lo),
                   abs(float(max_value) if max_value is not None else hi)) or 1.0
        zmin, zmax = -half, half
    else:  # CircuitsVis' white is 0: min_value colours negative values only
        zmin = 0.0
        zmax = float(max_value) if max_value is not None else (hi if hi > 0 else 1.0)
    fig = vk_tokens(toks, arr, zmin=zmin, zmax=zmax, colorscale=scale)
    return rendered(fig, not_drawn=not_drawn)


def colored_tokens_multi(tokens, values, labels=None):
    """Tokens coloured by one of ``K`` value rows (``values`` ``[S tokens, K]``), a selector per row
    named by ``labels`` (CircuitsVis ``ColoredTokensMulti``)."""
    from ...figures.tokens import tokens as vk_tokens

    toks = _str_tokens(tokens)
    arr = numeric(values)
    if arr.ndim != 2:
        raise CircuitsVisInputError(f"colored_tokens_multi takes values of shape [tokens, K]; got shape {arr.shape}")
    if len(toks) != arr.shape[0]:
        raise CircuitsVisInputError(f"Number of tokens ({len(toks)}) must equal first dimension of values tensor, shape {arr.shape}")
    if labels and len(labels) != arr.shape[1]:
        raise CircuitsVisInputError(f"Number of labels ({len(labels)}) must equal second dimension of values tensor, shape {arr.shape}")
    rows = [str(v) for v in labels] if labels else [str(i) for i in range(arr.shape[1])]
    fig = vk_tokens(toks, arr.T, row_labels=rows)
    return rendered(fig)


def visualize_model_performance(tokens, str_tokens, logits):
    """The logit, log prob and prob of each true next token, as token colours (CircuitsVis)."""
    ids = np.asarray(numeric(tokens))
    lg = numeric(logits)
    if ids.ndim == 2:
        if ids.shape[0] != 1:
            raise CircuitsVisInputError(f"tokens must be rank 1, or rank 2 with a dummy batch dimension. Shape: {ids.shape}")
        ids = ids[0]
    if lg.ndim == 3:
        if lg.shape[0] != 1:
            raise CircuitsVisInputError(f"logits must be rank 2, or rank 3 with a dummy batch dimension. Shape: {lg.shape}")
        lg = lg[0]
    if len(str_tokens) != len(ids):
        raise CircuitsVisInputError(f"Must have same number of tokens and str_tokens; got {len(ids)} and {len(str_tokens)}")
    if lg.ndim != 2 or lg.shape[0] != len(ids):
        raise CircuitsVisInputError(f"Must have the same number of tokens and logit vectors; got {len(ids)} tokens and "
                                    f"logits of shape {lg.shape}")
    lg = lg[:-1]
    shifted = lg - lg.max(axis=-1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    nxt = ids[1:].astype(int)[:, None]
    values = np.stack([np.take_along_axis(lg, nxt, -1)[:, 0], np.take_along_axis(log_probs, nxt, -1)[:, 0],
                       np.exp(np.take_along_axis(log_probs, nxt, -1)[:, 0])], axis=1)
    return colored_tokens_multi(_str_tokens(str_tokens)[1:], values, ["logits", "log_probs", "probs"])
