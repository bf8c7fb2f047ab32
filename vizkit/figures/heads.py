"""Head scores as a layer × head heatmap.

``head_scores`` draws any ``[layer, head]`` scores, including what TransformerLens's
``head_detector.detect_head`` returns (a ``[n_layers, n_heads]`` tensor with -1 for heads left
out). The standard scores themselves (``induction_scores``, ``previous_token_scores``,
``duplicate_token_scores``, ``first_token_scores``) are computed in :mod:`vizkit.analysis.heads`
and re-exported here.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..adapters import to_dataarray
from ..analysis.heads import duplicate_token_scores, first_token_scores, induction_scores, previous_token_scores
from ..errors import EmptyDataError, ShapeError
from . import _common as c
from ._keywords import figure_function
from ._panels import heatmap_panel, outer_titles

__all__ = ["head_scores", "previous_token_scores", "duplicate_token_scores", "induction_scores", "first_token_scores"]

#: ``detect_head`` fills heads it did not score with this value.
UNSCORED = -1.0


@figure_function
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
