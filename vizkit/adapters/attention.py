"""Attention patterns from whatever the user holds → a ``(layer, head, query, key)`` DataArray.

Sources, in the order they are recognised:

- HuggingFace ``outputs.attentions`` (or the model output holding it): one
  ``[batch, head, query, key]`` tensor per layer (:mod:`vizkit.adapters.hf`).
- An activation cache (TransformerLens 4 bridge, TL 2/3, or a dict of hook name → tensor):
  ``blocks.{L}.attn.hook_pattern``, read one layer at a time (:mod:`vizkit.adapters.transformer_lens`).
- A raw array. Named dims (an ``xarray.DataArray`` or ``dims=``) are used as they are, among
  ``batch``, ``layer``, ``head``, ``query`` and ``key``. Unnamed arrays are read by rank:
  ``[query, key]`` is one head whose layer and head are unknown; ``[head, query, key]`` is the
  heads of one layer (``layer=`` names it, default 0); a 4-D **torch tensor** is what
  TransformerLens hands out, ``cache["pattern", L]`` = ``[batch, head, query, key]`` (``batch=``
  picks the item, ``layer=`` names the layer); a 4-D numpy array is vizkit's stacked
  ``[layer, head, query, key]`` (``np.stack`` of per-layer patterns).

A layer or head whose index is not known has no coordinate on its dim, so figures can title
panels only with what is known (no made-up ``L0``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..errors import DimensionError, ShapeError, UnknownHookError, VizkitError, describe
from . import _xarray

__all__ = ["patterns", "PATTERN_DIMS"]

#: The dims every pattern array comes back with, in this order.
PATTERN_DIMS = ("layer", "head", "query", "key")
_KNOWN = ("batch", *PATTERN_DIMS)
_PATTERN_HOOK = "attn.hook_pattern"


def patterns(
    source: Any,
    layer: int | Sequence[int] | None = None,
    heads: int | Sequence[int] | None = None,
    *,
    batch: int = 0,
    dims: Sequence[str] | None = None,
):
    """Attention patterns of ``source`` as a DataArray with dims ``(layer, head, query, key)``.

    Parameters
    ----------
    source : ActivationCache, dict, HuggingFace attentions, tensor, array or DataArray
        See the module docstring for how each is read.
    layer : int or sequence of int, optional
        Layers to keep (negative counts from the end). For a raw array that holds one layer
        (``[head, query, key]`` or a batch-first ``[batch, head, query, key]`` tensor) an int
        names that layer instead.
    heads : int or sequence of int, optional
        Heads to keep in each layer (negative counts from the end).
    batch : int
        The batch item of a cache, HuggingFace output or batch-first tensor.
    dims : sequence of str, optional
        Names of a raw array's axes, among ``batch``, ``layer``, ``head``, ``query``, ``key``
        (``("layer", "head", "query", "key")``, ``("batch", "head", "query", "key")`` ...).

    Returns
    -------
    xarray.DataArray
        ``(layer, head, query, key)``; the ``layer`` and ``head`` coordinates hold the original
        indices where they are known and are absent where they are not.
    """
    from .hf import attentions, is_hf_attentions
    from .transformer_lens import is_cache

    if dims is not None and (is_hf_attentions(source) or is_cache(source)):
        raise VizkitError(f"dims= names the axes of a raw pattern array; {describe(source)} names its own")
    if is_hf_attentions(source):
        held = source["attentions"] if isinstance(source, dict) else getattr(source, "attentions", source)
        return _select(attentions(held, batch=batch), layer, heads)
    if is_cache(source):
        return _from_cache(source, layer, heads, batch)
    return _from_array(source, layer, heads, batch, dims)


def _from_cache(cache, layer, heads, batch):
    xr = _xarray.xarray()

    from .transformer_lens import activation, layers_of

    present = layers_of(cache, _PATTERN_HOOK)
    if not present:
        raise UnknownHookError("the cache holds no attention patterns (no 'blocks.{L}.attn.hook_pattern' keys); "
                               "run the model with run_with_cache() and keep the pattern hooks")
    n = present[-1] + 1
    chosen = list(range(n)) if layer is None else [int(i) for i in _indices(layer, list(range(n)), "layer")]
    missing = [L for L in chosen if L not in present]
    if missing:
        raise UnknownHookError(f"the cache holds no attention pattern of layer(s) {missing}; it has layers {present}")
    per_layer = [_select(activation(cache, "pattern", layer=L, batch=batch).expand_dims("layer"), None, heads)
                 for L in chosen]
    return xr.concat(per_layer, dim="layer").assign_coords(layer=chosen)


def _from_array(source, layer, heads, batch, dims):
    xr = _xarray.xarray()

    from . import to_dataarray
    from .torch import is_tensor

    named = dims is not None or (isinstance(source, xr.DataArray) and not all(str(d).startswith("dim_") for d in source.dims))
    if dims is None and isinstance(source, xr.DataArray) and not named:
        source = source.values
    if named:
        da = to_dataarray(source, dims)
        unknown = [d for d in da.dims if d not in _KNOWN]
        if unknown:
            raise DimensionError(f"attention patterns have dims among {_KNOWN}; got {tuple(da.dims)} "
                                 f"(unknown {unknown}): rename them or pass dims=")
        if "query" not in da.dims or "key" not in da.dims:
            raise DimensionError(f"attention patterns need 'query' and 'key' dims; got {tuple(da.dims)}")
    else:
        da = to_dataarray(source)
        if da.ndim not in (2, 3, 4):
            raise ShapeError(f"attention expects [query, key], [head, query, key] or [layer, head, query, key] (numpy) "
                             f"patterns, or [batch, head, query, key] (a torch tensor, as TransformerLens gives it); got "
                             f"{describe(source)} (rank {da.ndim}). For one head of a cache pass layer= and heads=; "
                             f"name other layouts with dims=")
        guess = {2: ("query", "key"), 3: ("head", "query", "key"),
                 4: ("batch", "head", "query", "key") if is_tensor(source) else PATTERN_DIMS}[da.ndim]
        da = da.rename(dict(zip(da.dims, guess, strict=True)))
        if "head" in da.dims:
            da = da.assign_coords(head=np.arange(da.sizes["head"]))
    batch_first = "batch" in da.dims
    if "batch" in da.dims:
        n_batch = da.sizes["batch"]
        if not -n_batch <= batch < n_batch:
            raise DimensionError(f"batch={batch} is out of range: the patterns hold {n_batch} batch item(s)")
        da = da.isel(batch=batch)
    elif batch != 0:
        raise VizkitError(f"batch={batch} selects an item of a cache, HuggingFace output or batch-first tensor; a raw "
                          f"pattern array has no batch dim (got {describe(source)}): index it yourself, or pass dims=")
    if "layer" in da.dims and "layer" not in da.coords:  # a stack of layers: their indices are its positions
        da = da.assign_coords(layer=np.arange(da.sizes["layer"]))
    elif "layer" not in da.dims:  # one layer: layer= names it (an int); unknown otherwise
        if layer is not None and not np.isscalar(layer):
            raise VizkitError(f"these patterns hold one layer, so layer= can only name it (an int); got {layer!r}")
        da = da.expand_dims("layer")
        if layer is not None:
            da = da.assign_coords(layer=[_int(layer, "layer")])
        elif "head" in da.dims and not batch_first:  # [head, query, key]: the heads of "a layer", shown as layer 0
            da = da.assign_coords(layer=[0])
        layer = None
    if "head" in da.dims and "head" not in da.coords:
        da = da.assign_coords(head=np.arange(da.sizes["head"]))
    elif "head" not in da.dims:
        if heads is not None:
            raise VizkitError(f"a single [query, key] matrix has no heads to choose from; got heads={heads!r}")
        da = da.expand_dims("head")
    return _select(da.transpose(*PATTERN_DIMS), layer, heads)


def _select(da, layer, heads):
    """``da`` restricted to the requested layers and heads (by their coordinate values)."""
    if layer is not None:
        da = da.isel(layer=_indices(layer, _ids(da, "layer"), "layer"))
    if heads is not None:
        da = da.isel(head=_indices(heads, _ids(da, "head"), "head"))
    return da


def _ids(da, dim: str) -> list[int]:
    if dim in da.coords:
        return [int(v) for v in np.asarray(da.coords[dim].values)]
    return list(range(da.sizes[dim]))


def _int(value, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise VizkitError(f"{what} must be an int or a list of ints; got {value!r}")
    return int(value)


def _indices(wanted, available: list[int], what: str) -> list[int]:
    """Positions in ``available`` of the requested ids (negative ids count from the end)."""
    items = [wanted] if np.isscalar(wanted) else list(wanted)
    if not items:
        raise VizkitError(f"{what}s must name at least one {what}; got an empty list")
    out = []
    for w in items:
        w = _int(w, what)
        if w < 0 and -len(available) <= w:
            w = available[w]
        if w not in available:
            raise DimensionError(f"unknown {what} {w}: the patterns have {what}s {_span(available)}")
        out.append(available.index(w))
    return out


def _span(values: list[int]) -> str:
    return f"{values[0]}..{values[-1]}" if values == list(range(values[0], values[-1] + 1)) else str(values)
