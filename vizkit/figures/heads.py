"""Head scores: a layer × head heatmap, and the standard scores computed from a cache.

``head_scores`` draws any ``[layer, head]`` scores, including what TransformerLens's
``head_detector.detect_head`` returns (a ``[n_layers, n_heads]`` tensor with -1 for heads left
out). ``induction_scores``, ``previous_token_scores`` and ``duplicate_token_scores`` compute the
usual scores from the attention patterns of a cache run on a sequence that repeats after
``offset`` tokens.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..adapters import to_dataarray
from ..errors import EmptyDataError, ShapeError, VizkitError
from . import _common as c
from .attention import _is_cache, _is_hf, heatmap_panel, outer_titles, patterns

#: ``detect_head`` fills heads it did not score with this value.
UNSCORED = -1.0


def head_scores(
    scores: Any,
    *,
    labels: dict | None = None,
    title: str | None = None,
    zmin: float | None = None,
    zmax: float | None = None,
    zmid: float | None = None,
    colorscale: str | None = None,
    facet_cols: int | None = None,
    width: int | None = None,
    height: int | None = None,
    backend: str | None = None,
    theme: str | None = None,
):
    """Per-head scores as a layer (y) × head (x) heatmap; a dict draws one panel per score.

    Parameters
    ----------
    scores : tensor, array, DataArray, or dict of name → one of those
        ``[layer, head]`` scores: ``detect_head(...)`` output (its -1 "not scored" heads are
        drawn as gaps), :func:`induction_scores` ..., or any tensor. A dict such as
        ``{"induction": ind, "previous token": prev}`` draws the scores side by side on one scale.
    labels : dict, optional
        Titles by role: ``{"color": "score", "x": "head", "y": "layer"}``.
    zmin, zmax, zmid, colorscale
        Colour range and scale. Non-negative scores: a sequential scale from 0; signed scores
        (``error_measure="abs"``, DLA) a diverging scale centred at 0.
    facet_cols : int, optional
        Panels per row for a dict of scores (default up to 3).
    title, width, height, backend, theme
        As for every figure.
    """
    items = scores if isinstance(scores, dict) else {None: scores}
    if not items:
        raise EmptyDataError("head_scores() got an empty dict; expected name → [layer, head] scores")
    arrays, notes = {}, []
    for name, value in items.items():
        da = _as_layer_head(value, name)
        arr = np.asarray(da.values, dtype=float)
        unscored = _unscored(arr)
        if unscored.any():
            arr = np.where(unscored, np.nan, arr)
            notes.append(f"{int(unscored.sum())} head{'s' if unscored.sum() != 1 else ''} not scored "
                         f"(detect_head's -1){f' in {name}' if name else ''}, shown as gaps")
        arrays[name] = (da, arr)
    values = np.concatenate([a.ravel() for _, a in arrays.values()])
    finite = values[np.isfinite(values)]
    signed = bool(finite.size and finite.min() < 0)
    value_label = c.label_for(labels, "color", default=_score_name(items, arrays))
    scale = c.colorscale(values, colorscale=colorscale, zmin=0.0 if zmin is None and not signed else zmin,
                         zmax=zmax, zmid=zmid if zmid is not None else (0.0 if signed else None), title=value_label,
                         diverging=signed or None)
    x_title = c.label_for(labels, "x", default="head")
    y_title = c.label_for(labels, "y", default="layer")
    cols = facet_cols or min(3, len(arrays))
    panels = []
    for i, (name, (da, arr)) in enumerate(arrays.items()):
        x_axis, y_axis = outer_titles(i, len(arrays), cols, x_title, y_title)
        panels.append(heatmap_panel(arr, scale, x_labels=_coord(da, "head"), y_labels=_coord(da, "layer"),
                                    x_title=x_title, y_title=y_title, value_label=value_label,
                                    title=None if name is None else str(name), x_axis_title=x_axis, y_axis_title=y_axis))
    best = {str(k): _top_head(da, arr) for k, (da, arr) in arrays.items()}
    return c.figure("head_scores", panels, title=title, facet_cols=cols, width=width, height=height, theme=theme,
                    backend=backend, notes=[*notes, *c.nan_note(values[~np.isnan(values)])], meta={"top_head": best})


def _as_layer_head(value, name):
    da = to_dataarray(value)
    if da.ndim != 2:
        what = f"scores {name!r}" if name else "scores"
        raise ShapeError(f"{what} must be [layer, head]; got shape {da.shape}")
    if all(d.startswith("dim_") for d in da.dims):
        da = da.rename(dict(zip(da.dims, ("layer", "head"), strict=True)))
    if set(da.dims) == {"layer", "head"}:
        da = da.transpose("layer", "head")
    return da


def _unscored(arr: np.ndarray) -> np.ndarray:
    """Cells holding ``detect_head``'s -1 filler: exactly -1 while every other score is in [0, 1]."""
    hit = arr == UNSCORED
    rest = arr[~hit & np.isfinite(arr)]
    if not hit.any() or (rest.size and (rest.min() < 0 or rest.max() > 1)):
        return np.zeros(arr.shape, dtype=bool)
    return hit


def _coord(da, dim):
    labels = c.coord_labels(da, da.dims[0 if dim == "layer" else 1])
    return labels or [str(i) for i in range(da.sizes[da.dims[0 if dim == "layer" else 1]])]


def _score_name(items, arrays) -> str:
    names = {str(da.name) for da, _ in arrays.values() if isinstance(da.name, str)}
    return names.pop() if len(names) == 1 and len(items) == 1 else "score"


def _top_head(da, arr) -> str | None:
    if not np.isfinite(arr).any():
        return None
    i, j = np.unravel_index(np.nanargmax(arr), arr.shape)
    return f"L{_coord(da, 'layer')[i]}H{_coord(da, 'head')[j]}"


# ---------------------------------------------------------------------------------------------
# Standard scores from a cache


def previous_token_scores(cache: Any, *, batch: int | Sequence[int] = 0):
    """Mean attention from each query to the key just before it (queries 1 .. n-1).

    Parameters
    ----------
    cache : ActivationCache, dict of hook name → tensor, or [layer, head, query, key] patterns
    batch : int or sequence of int
        Batch item(s) of the cache; scores are averaged over them.

    Returns
    -------
    xarray.DataArray
        ``[layer, head]`` scores in [0, 1].
    """
    return _diagonal_score(cache, 1, 0, batch, "previous-token score")


def duplicate_token_scores(cache: Any, offset: int, *, bos: bool = True, batch: int | Sequence[int] = 0):
    """Mean attention from each repeated token to its earlier copy ``offset`` positions back.

    The sequence (after an optional BOS token) repeats after ``offset`` tokens, so
    ``tokens[q] == tokens[q - offset]`` for every query ``q >= offset + bos``; those are scored.

    Parameters
    ----------
    cache : ActivationCache, dict of hook name → tensor, or [layer, head, query, key] patterns
    offset : int
        The repeat period in tokens.
    bos : bool
        Whether position 0 is a BOS token (TransformerLens prepends one by default).
    batch : int or sequence of int
        Batch item(s) of the cache; scores are averaged over them.
    """
    offset = _check_offset(offset)
    return _diagonal_score(cache, offset, int(bos), batch, "duplicate-token score")


def induction_scores(cache: Any, offset: int, *, bos: bool = True, batch: int | Sequence[int] = 0):
    """Mean attention from each repeated token to the token after its earlier copy.

    For a sequence that repeats after ``offset`` tokens, each query ``q >= offset + bos`` is
    scored on key ``q - offset + 1`` (the stripe ``offset - 1`` below the diagonal), as in the
    induction-head scores of the TransformerLens and ARENA tutorials. Parameters as for
    :func:`duplicate_token_scores`.
    """
    offset = _check_offset(offset)
    return _diagonal_score(cache, offset - 1, 1 + int(bos), batch, "induction score")


def _check_offset(offset) -> int:
    if isinstance(offset, bool) or not isinstance(offset, (int, np.integer)) or offset < 1:
        raise VizkitError(f"offset must be a positive int (the repeat period in tokens); got {offset!r}")
    return int(offset)


def _diagonal_score(cache, below: int, skip: int, batch, name: str):
    """Mean of the stripe ``below`` positions under the diagonal (after ``skip`` queries), per head."""
    import xarray as xr

    items = [batch] if np.isscalar(batch) else list(batch)
    batched = _is_cache(cache) or _is_hf(cache)
    per_item = [patterns(cache, batch=int(b)) for b in items] if batched else [patterns(cache)]
    scores = []
    for da in per_item:
        n = da.sizes["query"]
        if below + skip >= n:
            raise ShapeError(f"the patterns have {n} positions: too few for the stripe {below} below the diagonal "
                             f"(is the offset longer than the sequence?)")
        stripe = np.diagonal(np.asarray(da.values, dtype=float), offset=-below, axis1=-2, axis2=-1)[..., skip:]
        scores.append(stripe.mean(-1))
    da = per_item[0]
    return xr.DataArray(np.mean(scores, axis=0), dims=("layer", "head"), name=name,
                        coords={"layer": da.coords["layer"].values, "head": da.coords["head"].values})
