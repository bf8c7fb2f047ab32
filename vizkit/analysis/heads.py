"""Per-head attention scores: how much each head attends along a known stripe of its pattern.

Every function takes what :func:`vizkit.adapters.attention.patterns` reads (a TransformerLens
cache, a dict of hook name → tensor, HuggingFace attentions, or a raw pattern array) and returns
a ``[layer, head]`` :class:`xarray.DataArray` in [0, 1], named after the score, with the layer and
head indices as coordinates. The sequences are assumed to repeat after ``offset`` tokens (after an
optional BOS token), as in the induction-head experiments of the TransformerLens and ARENA tutorials.

>>> scores = induction_scores(cache, offset=10)          # doctest: +SKIP
>>> scores.sel(layer=1).argmax().item()                   # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..adapters.attention import patterns
from ..errors import ShapeError, VizkitError

__all__ = ["previous_token_scores", "duplicate_token_scores", "induction_scores", "first_token_scores"]


def previous_token_scores(source: Any, *, batch: int | Sequence[int] = 0):
    """Mean attention from each query to the key just before it (queries 1 .. n-1).

    Parameters
    ----------
    source : ActivationCache, dict of hook name → tensor, HF attentions or pattern array
    batch : int or sequence of int
        Batch item(s); scores are averaged over them.

    Returns
    -------
    xarray.DataArray
        ``[layer, head]`` scores in [0, 1], named ``"previous-token score"``.
    """
    return _stripe_score(source, 1, 0, batch, "previous-token score")


def duplicate_token_scores(source: Any, offset: int, *, bos: bool = True, batch: int | Sequence[int] = 0):
    """Mean attention from each repeated token to its earlier copy ``offset`` positions back.

    The sequence (after an optional BOS token) repeats after ``offset`` tokens, so
    ``tokens[q] == tokens[q - offset]`` for every query ``q >= offset + bos``; those are scored.

    Parameters
    ----------
    source : ActivationCache, dict of hook name → tensor, HF attentions or pattern array
    offset : int
        The repeat period in tokens.
    bos : bool
        Whether position 0 is a BOS token (TransformerLens prepends one by default).
    batch : int or sequence of int
        Batch item(s); scores are averaged over them.
    """
    offset = _check_offset(offset)
    return _stripe_score(source, offset, int(bos), batch, "duplicate-token score")


def induction_scores(source: Any, offset: int, *, bos: bool = True, batch: int | Sequence[int] = 0):
    """Mean attention from each repeated token to the token after its earlier copy.

    For a sequence that repeats after ``offset`` tokens, each query ``q >= offset + bos`` is
    scored on key ``q - offset + 1`` (the stripe ``offset - 1`` below the diagonal). Parameters
    as for :func:`duplicate_token_scores`.
    """
    offset = _check_offset(offset)
    return _stripe_score(source, offset - 1, 1 + int(bos), batch, "induction score")


def first_token_scores(source: Any, *, batch: int | Sequence[int] = 0):
    """Mean attention of every query on position 0 (the BOS / ``[CLS]`` "attention sink").

    Parameters as for :func:`previous_token_scores`.
    """
    items = _items(batch)
    per_item = [patterns(source, batch=b) for b in items]
    scores = [np.asarray(da.values, dtype=float)[..., 0].mean(-1) for da in per_item]
    return _labelled(np.mean(scores, axis=0), per_item[0], "first-token score")


def _check_offset(offset) -> int:
    if isinstance(offset, bool) or not isinstance(offset, (int, np.integer)) or offset < 1:
        raise VizkitError(f"offset must be a positive int (the repeat period in tokens); got {offset!r}")
    return int(offset)


def _items(batch) -> list[int]:
    return [int(batch)] if np.isscalar(batch) else [int(b) for b in batch]


def _stripe_score(source, below: int, skip: int, batch, name: str):
    """Mean of the stripe ``below`` positions under the diagonal (after ``skip`` queries), per head."""
    per_item = [patterns(source, batch=b) for b in _items(batch)]
    scores = []
    for da in per_item:
        n = da.sizes["query"]
        if below + skip >= n:
            raise ShapeError(f"the patterns have {n} positions: too few for the stripe {below} below the diagonal "
                             f"(is the offset longer than the sequence?)")
        stripe = np.diagonal(np.asarray(da.values, dtype=float), offset=-below, axis1=-2, axis2=-1)[..., skip:]
        scores.append(stripe.mean(-1))
    return _labelled(np.mean(scores, axis=0), per_item[0], name)


def _labelled(values: np.ndarray, da, name: str):
    import xarray as xr

    coords = {dim: (da.coords[dim].values if dim in da.coords else np.arange(da.sizes[dim])) for dim in ("layer", "head")}
    return xr.DataArray(values, dims=("layer", "head"), name=name, coords=coords)
