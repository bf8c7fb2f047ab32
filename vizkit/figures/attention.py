"""Attention patterns: one head, every head of a layer, or every layer (grid or slider).

The figure takes what the user already holds: a TransformerLens ``ActivationCache`` (TL 4 bridge
caches and TL 2/3 caches alike), a plain dict of hook name → tensor, HuggingFace
``outputs.attentions``, or a raw ``[query, key]`` / ``[head, query, key]`` / ``[layer, head, query, key]`` array.
Query is on y (first row on top), key on x; cells sit at integer positions, so repeated tokens
stay distinct columns.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..adapters import to_dataarray
from ..errors import DimensionError, LabelError, ShapeError, VizkitError, describe
from ..spec import Axis, ColorScale, Heatmap, Panel, Slider
from . import _common as c

#: Values above the diagonal at most this large count as "nothing" when detecting causal masks.
CAUSAL_TOL = 1e-6
_DIMS = ("layer", "head", "query", "key")


def attention(
    source: Any,
    layer: int | Sequence[int] | None = None,
    heads: int | Sequence[int] | None = None,
    tokens: Sequence[str] | None = None,
    batch: int = 0,
    *,
    mode: str = "grid",
    title: str | None = None,
    zmax: float | None = None,
    colorscale: str | None = None,
    facet_cols: int | None = None,
    width: int | None = None,
    height: int | None = None,
    backend: str | None = None,
    theme: str | None = None,
):
    """Attention patterns as query × key heatmaps, one panel per head.

    Parameters
    ----------
    source : ActivationCache, dict, array-like, or HuggingFace attentions
        A TransformerLens cache (``cache["pattern", L]``), a dict of hook name → tensor
        (``"blocks.0.attn.hook_pattern"``), ``outputs.attentions`` (tuple of
        ``[batch, head, query, key]``, or the model output holding it), or a raw ``[query, key]``
        (one head), ``[head, query, key]`` or ``[layer, head, query, key]`` tensor, array or DataArray.
    layer : int or sequence of int, optional
        The layer(s) to draw; default every layer.
    heads : int or sequence of int, optional
        The head(s) to draw in each chosen layer; default every head.
    tokens : sequence of str, optional
        Token strings (``model.to_str_tokens(...)``) labelling query and key; whitespace is made
        visible, duplicates stay distinct, the BOS token is shown.
    batch : int
        The batch item of cache and HuggingFace input.
    mode : {"grid", "slider"}
        Several layers: a layer × head grid, or one layer at a time under a layer slider.
    zmax : float, optional
        Top of the shared colour scale (default: the largest value shown); the bottom is 0.
    colorscale : str, optional
        A sequential scale name (default ``"Blues"``).
    facet_cols : int, optional
        Panels per row (default: all heads of a layer in one row when drawing several layers).
    title, width, height, backend, theme
        As for every figure.

    Returns
    -------
    vizkit.Figure
        ``kind="attention"``; ``meta`` holds ``layers``, ``heads``, ``tokens`` and ``causal``.
    """
    if mode not in ("grid", "slider"):
        raise VizkitError(f"mode must be 'grid' or 'slider'; got {mode!r}")
    da = patterns(source, layer, heads, batch=batch)
    n_query, n_key = da.sizes["query"], da.sizes["key"]
    qlabels, klabels = _query_key_labels(da, tokens, n_query, n_key)
    values = np.asarray(da.values)
    values = values if values.dtype in (np.float32, np.float64) else values.astype(float)
    notes = c.nan_note(values)
    causal = is_causal(values)
    if causal:
        values = np.where(np.triu(np.ones((n_query, n_key), dtype=bool), k=1 + n_key - n_query), np.nan, values)
        notes.append("upper triangle masked (causal attention)")
    scale = _scale(values, colorscale, zmax)
    layers = [int(v) for v in da.coords["layer"].values]
    head_ids = [int(v) for v in da.coords["head"].values]
    one_matrix = bool(da.attrs.get("vizkit_one_matrix"))  # no "L0H0" title for a head we cannot name
    slider = None
    if mode == "slider" and len(layers) > 1:
        slider = Slider(name="layer", labels=[str(v) for v in layers])
    budget = c.CELL_BUDGET // max(1, len(layers) * len(head_ids))
    if facet_cols is None:
        facet_cols = len(head_ids) if len(layers) > 1 and not slider else min(4, len(head_ids))
    per_frame = len(head_ids) if slider else len(layers) * len(head_ids)
    panels, coarse_note = [], None
    for li, lval in enumerate(layers):
        for hi, hval in enumerate(head_ids):
            z, ql, kl, coarse_note = _fit_budget(values[li, hi], qlabels, klabels, budget)
            i = hi if slider else li * len(head_ids) + hi
            x_axis, y_axis = outer_titles(i, per_frame, facet_cols, "key", "query")
            panels.append(heatmap_panel(z, scale, x_labels=kl, y_labels=ql, x_title="key", y_title="query",
                                        value_label="attention", title=None if one_matrix else f"L{lval}H{hval}",
                                        frame=li if slider else 0,
                                        x_axis_title=x_axis, y_axis_title=y_axis))
    meta = {"layers": None if one_matrix else layers, "heads": None if one_matrix else head_ids, "tokens": None if tokens is None else [str(t) for t in tokens],
            "causal": causal, "batch": int(batch)}
    return c.figure("attention", panels, title=title, facet_cols=facet_cols, slider=slider, width=width,
                    height=height, theme=theme, backend=backend, notes=[coarse_note, *notes], meta=meta)


def heatmap_panel(z, scale: ColorScale, *, x_labels=None, y_labels=None, x_title=None, y_title=None,
                  value_label: str = "value", title: str | None = None, frame: int = 0,
                  x_axis_title: str | None = None, y_axis_title: str | None = None) -> Panel:
    """One panel holding one heatmap: rows on y (first row on top), labelled columns on x.

    Cells without labels are labelled by their index. The axis titles default to the hover
    names ``x_title``/``y_title``. (Shared by attention, patching and head scores; it
    belongs in ``_common`` next to ``imshow``'s identical inline code.)
    """
    z = np.asarray(z, dtype=float)
    mark = Heatmap(z=z, colorscale=scale, x_labels=x_labels, y_labels=y_labels, x_title=x_title,
                   y_title=y_title, value_label=value_label)
    ny, nx = z.shape
    xl = list(x_labels) if x_labels is not None else [str(i) for i in range(nx)]
    yl = list(y_labels) if y_labels is not None else [str(i) for i in range(ny)]
    return Panel(marks=(mark,), title=title, frame=frame,
                 x=Axis(x_axis_title if x_axis_title is not None else x_title, labels=xl),
                 y=Axis(y_axis_title if y_axis_title is not None else y_title, labels=yl, reversed=True))


def outer_titles(i: int, n: int, cols: int, x_title: str | None, y_title: str | None) -> tuple[str, str]:
    """Axis titles of panel ``i`` of ``n`` in a grid: x titles on the bottom row, y on the left column."""
    cols = max(1, min(cols, n))
    bottom = i + cols >= n
    return (x_title or "") if bottom else "", (y_title or "") if i % cols == 0 else ""


def is_causal(values: np.ndarray) -> bool:
    """Whether every value above the diagonal (key after query) is ~0: a causal model's pattern.

    ``values`` is ``[..., query, key]``; with fewer queries than keys (generation with a KV
    cache) the queries are the last positions.
    """
    nq, nk = values.shape[-2:]
    upper = np.triu(np.ones((nq, nk), dtype=bool), k=1 + nk - nq)
    if not upper.any():
        return False
    above = values[..., upper]
    return bool(np.all(np.abs(above[np.isfinite(above)]) <= CAUSAL_TOL))


def _scale(values: np.ndarray, colorscale: str | None, zmax: float | None) -> ColorScale:
    finite = values[np.isfinite(values)]
    lo = float(finite.min()) if finite.size else 0.0
    return c.colorscale(values, colorscale=colorscale or "Blues", zmin=min(0.0, lo), zmax=zmax,
                        title="attention", diverging=False)


def _fit_budget(z, qlabels, klabels, budget):
    """Block-average one pattern that has more cells than ``budget``; labels become position ranges."""
    nq, nk = z.shape
    if nq * nk <= budget:
        return z, qlabels, klabels, None
    import xarray as xr

    small, note = c.coarsen_to_budget(xr.DataArray(z, dims=("query", "key")), "query", "key", budget)
    f = int(np.ceil(nq / small.sizes["query"]))
    ranges = lambda n, m: [f"{i * f}–{min(n, (i + 1) * f) - 1}" for i in range(m)]  # noqa: E731
    return small.values, ranges(nq, small.sizes["query"]), ranges(nk, small.sizes["key"]), note


# ---------------------------------------------------------------------------------------------
# Sources → DataArray (layer, head, query, key)


def patterns(source: Any, layer: int | Sequence[int] | None = None, heads: int | Sequence[int] | None = None, *,
             batch: int = 0):
    """Attention patterns of ``source`` as a DataArray with dims ``(layer, head, query, key)``.

    ``layer`` and ``heads`` select layers and heads (int or list; negative counts from the end);
    the ``layer`` and ``head`` coordinates hold the original indices. A cache is read one layer
    at a time, keeping only the chosen heads.
    """
    if _is_hf(source):
        from ..adapters.hf import attentions

        held = source["attentions"] if isinstance(source, dict) else getattr(source, "attentions", source)
        return _select_heads(_pick_layers(_as_4d(attentions(held, batch=batch)), layer), heads)
    if _is_cache(source):
        return _from_cache(source, layer, heads, batch)
    if batch != 0:
        raise VizkitError(f"batch={batch} selects an item of a cache or HuggingFace output; a raw pattern array "
                          f"has no batch dim (got {describe(source)}): index it yourself")
    da = to_dataarray(source)
    if da.ndim not in (2, 3, 4):
        raise ShapeError(f"attention expects [query, key], [head, query, key] or [layer, head, query, key] patterns; "
                         f"got {describe(source)} (rank {da.ndim}). For one head of a cache pass layer= and heads=")
    if da.ndim == 2:  # one head's matrix (``cache["pattern", 1][0, 3]``): its layer and head are not known here
        if all(d.startswith("dim_") for d in da.dims):
            da = da.rename(dict(zip(da.dims, ("query", "key"), strict=True)))
        da = da.expand_dims(("layer", "head")).assign_attrs(vizkit_one_matrix=True)
    return _select_heads(_pick_layers(_as_4d(da), layer), heads)


def _as_4d(da):
    if da.ndim == 3:
        da = da.expand_dims("layer") if "layer" not in da.dims else da
    if da.ndim != 4:
        raise ShapeError(f"attention expects [head, query, key] or [layer, head, query, key] patterns; got dims {da.dims}")
    if all(d.startswith("dim_") for d in da.dims if d != "layer"):
        da = da.rename({old: new for old, new in zip(da.dims, _DIMS, strict=True) if old != new})
    missing = set(_DIMS) - set(da.dims)
    if missing:
        raise DimensionError(f"attention needs dims {_DIMS}; got {tuple(da.dims)} (missing {sorted(missing)})")
    da = da.transpose(*_DIMS)
    for dim in ("layer", "head"):
        if dim not in da.coords:
            da = da.assign_coords({dim: np.arange(da.sizes[dim])})
    return da


def _pick_layers(da, layer):
    if layer is None:
        return da
    wanted = _indices(layer, list(int(v) for v in da.coords["layer"].values), "layer")
    return da.isel(layer=wanted)


def _select_heads(da, heads):
    if heads is None:
        return da
    return da.isel(head=_indices(heads, [int(v) for v in da.coords["head"].values], "head"))


def _indices(wanted, available: list[int], what: str) -> list[int]:
    """Positions in ``available`` of the requested ``wanted`` ids (negative ids count from the end)."""
    items = [wanted] if np.isscalar(wanted) else list(wanted)
    if not items:
        raise VizkitError(f"{what}s must name at least one {what}; got an empty list")
    out = []
    for w in items:
        if not isinstance(w, (int, np.integer)) or isinstance(w, bool):
            raise VizkitError(f"{what} must be an int or a list of ints; got {w!r}")
        w = int(w)
        if w < 0 and -len(available) <= w:
            w = available[w]
        if w not in available:
            raise DimensionError(f"unknown {what} {w}: the patterns have {what}s {_span(available)}")
        out.append(available.index(w))
    return out


def _span(values: list[int]) -> str:
    return f"{values[0]}..{values[-1]}" if values == list(range(values[0], values[-1] + 1)) else str(values)


def _query_key_labels(da, tokens, n_query, n_key):
    if tokens is None:
        coord = c.coord_labels(da, "key")
        if coord is None:
            return [str(i) for i in range(n_key - n_query, n_key)], [str(i) for i in range(n_key)]
        tokens = coord
    if isinstance(tokens, str):
        raise LabelError(f"tokens must be a list of token strings; got the single string {tokens!r}")
    tokens = [str(t) for t in tokens]
    if len(tokens) != n_key:
        raise LabelError(f"got {len(tokens)} tokens but the attention pattern has {n_key} key positions "
                         f"(query × key = {n_query} × {n_key}); pass the tokens of the same prompt and batch item")
    labels = c.token_labels(tokens)
    return labels[n_key - n_query:], labels


def _is_hf(source) -> bool:
    if hasattr(source, "attentions") and not isinstance(source, dict) or (isinstance(source, dict) and "attentions" in source):
        return True
    return isinstance(source, (tuple, list)) and bool(source) and all(_is_tensor_4d(t) for t in source)


def _is_tensor_4d(t) -> bool:
    torch = sys.modules.get("torch")
    return torch is not None and isinstance(t, torch.Tensor) and t.ndim == 4


def _is_cache(source) -> bool:
    return hasattr(source, "keys") and hasattr(source, "__getitem__") and not hasattr(source, "dims")


def _from_cache(cache, layer, heads, batch):
    n_layers = _cache_layers(cache)
    from ..adapters.transformer_lens import activation

    chosen = list(range(n_layers)) if layer is None else [range(n_layers)[i] for i in _indices(layer, list(range(n_layers)), "layer")]
    import xarray as xr

    per_layer = [_select_heads(_as_4d(activation(cache, "pattern", layer=L, batch=batch)), heads) for L in chosen]
    return xr.concat(per_layer, dim="layer").assign_coords(layer=chosen)


def _cache_layers(cache) -> int:
    layers = set()
    for key in cache.keys():
        parts = str(key).split(".")
        if len(parts) >= 4 and parts[0] == "blocks" and parts[-1] == "hook_pattern" and parts[1].isdigit():
            layers.add(int(parts[1]))
    if not layers:
        from ..errors import UnknownHookError

        raise UnknownHookError("the cache holds no attention patterns (no 'blocks.{L}.attn.hook_pattern' keys); "
                               "run the model with run_with_cache() and keep the pattern hooks")
    return max(layers) + 1
