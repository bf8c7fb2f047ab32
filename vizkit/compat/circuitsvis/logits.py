"""CircuitsVis ``circuitsvis.logits``: ``token_log_probs``."""

from __future__ import annotations

import numpy as np

from .._keywords import to_numpy
from ._inputs import CircuitsVisInputError
from .rendered import RenderedHTML, rendered

__all__ = ["RenderedHTML", "token_log_probs"]


def token_log_probs(token_indices, log_probs, to_string, top_k=10):
    """The prompt coloured by the log prob of each true next token, with the model's ``top_k``
    predictions and the true token's rank (CircuitsVis ``TokenLogProbs``).

    ``token_indices`` ``[N]`` (starting with BOS, which is not predicted), ``log_probs``
    ``[N, d_vocab]``, ``to_string`` maps a token id to its string.
    """
    from ...figures.neurons import token_log_probs as vk_token_log_probs

    ids = np.asarray(to_numpy(token_indices))
    lp = np.asarray(to_numpy(log_probs), dtype=np.float64)
    if ids.ndim == 2 and ids.shape[0] == 1:  # a batch of one (model.to_tokens(text))
        ids = ids[0]
    if lp.ndim == 3 and lp.shape[0] == 1:
        lp = lp[0]
    if lp.ndim != 2:
        raise CircuitsVisInputError(f"Log Probs shape must be 2D: {lp.shape}")
    if ids.ndim != 1:
        raise CircuitsVisInputError(f"Tokens shape must be 1D: {ids.shape}")
    if ids.shape[0] != lp.shape[0]:
        raise CircuitsVisInputError(f"Number of tokens and log prob vectors must be identical, {lp.shape}, {ids.shape}")
    lp = lp[:-1]
    prompt = [to_string(int(i)) for i in ids]
    order = np.argsort(-lp, axis=-1, kind="stable")
    k = min(int(top_k), lp.shape[1])
    top_idx = order[:, :k]
    top_lp = np.take_along_axis(lp, top_idx, -1)
    nxt = ids[1:].astype(int)
    rank = np.argmax(order == nxt[:, None], axis=-1)
    correct = lp[np.arange(len(nxt)), nxt]
    top_tokens = [[to_string(int(t)) for t in row] for row in top_idx.tolist()]
    return rendered(vk_token_log_probs(prompt, top_lp, top_tokens, rank, correct))
