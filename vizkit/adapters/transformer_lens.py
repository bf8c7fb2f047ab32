"""TransformerLens caches → labelled arrays.

Works on TransformerLens 4 ``TransformerBridge`` caches, TL 2/3 ``HookedTransformer`` caches and
plain dicts of hook name → tensor alike: all three map the classic hook names
(``blocks.1.attn.hook_pattern``) to tensors, and that is all this module reads. TransformerLens
itself is never imported: short names (``("pattern", 1)``) are resolved here the way
``transformer_lens.utils.get_act_name`` resolves them.

The cache is sliced before anything is converted: one hook, one batch item (or the chosen
items), one layer at a time. A whole cache is never copied.

>>> act = activation(cache, "pattern", layer=1)              # doctest: +SKIP
>>> act.dims                                                 # doctest: +SKIP
('head', 'query', 'key')
>>> activation(cache, "resid_pre", tokens=str_tokens).dims   # every layer, stacked   # doctest: +SKIP
('layer', 'pos', 'd_model')
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..errors import DimensionError, LabelError, ShapeError, UnknownHookError, UnsupportedInputError, describe
from . import _xarray

__all__ = ["activation", "hook_name", "hook_dims", "is_cache", "n_layers", "layers_of"]

#: Dims of each hook kind, without the batch dim, keyed by the hook name with ``blocks.{L}.`` removed.
HOOK_DIMS: dict[str, tuple[str, ...]] = {
    "attn.hook_pattern": ("head", "query", "key"),
    "attn.hook_attn_scores": ("head", "query", "key"),
    "attn.hook_q": ("pos", "head", "d_head"),
    "attn.hook_k": ("pos", "head", "d_head"),
    "attn.hook_v": ("pos", "head", "d_head"),
    "attn.hook_z": ("pos", "head", "d_head"),
    "attn.hook_rot_q": ("pos", "head", "d_head"),
    "attn.hook_rot_k": ("pos", "head", "d_head"),
    "attn.hook_result": ("pos", "head", "d_model"),
    "hook_q_input": ("pos", "head", "d_model"),
    "hook_k_input": ("pos", "head", "d_model"),
    "hook_v_input": ("pos", "head", "d_model"),
    "hook_resid_pre": ("pos", "d_model"),
    "hook_resid_mid": ("pos", "d_model"),
    "hook_resid_post": ("pos", "d_model"),
    "hook_attn_in": ("pos", "d_model"),
    "hook_mlp_in": ("pos", "d_model"),
    "hook_attn_out": ("pos", "d_model"),
    "hook_mlp_out": ("pos", "d_model"),
    "hook_embed": ("pos", "d_model"),
    "hook_pos_embed": ("pos", "d_model"),
    "mlp.hook_pre": ("pos", "d_mlp"),
    "mlp.hook_pre_linear": ("pos", "d_mlp"),
    "mlp.hook_post": ("pos", "d_mlp"),
    "mlp.hook_mid": ("pos", "d_mlp"),
    "ln1.hook_scale": ("pos", "one"),
    "ln2.hook_scale": ("pos", "one"),
    "ln_final.hook_scale": ("pos", "one"),
    "ln1.hook_normalized": ("pos", "d_model"),
    "ln2.hook_normalized": ("pos", "d_model"),
    "ln_final.hook_normalized": ("pos", "d_model"),
    "hook_tokens": ("pos",),
    "hook_unembed": ("pos", "d_vocab"),
    # TL 4 bridge hooks around each component
    "unembed.hook_out": ("pos", "d_vocab"),
    "embed.hook_in": ("pos",),
    "pos_embed.hook_in": ("pos",),
    "hook_in": ("pos", "d_model"),
    "hook_out": ("pos", "d_model"),
    "attn.hook_in": ("pos", "d_model"),
    "attn.hook_out": ("pos", "d_model"),
    "mlp.hook_in": ("pos", "d_model"),
    "mlp.hook_out": ("pos", "d_model"),
}

# TransformerLens' own aliases (utils.get_act_name), so the same short names work here.
_NAME_ALIASES = {"attn": "pattern", "attn_logits": "attn_scores", "key": "k", "query": "q", "value": "v",
                 "mlp_pre": "pre", "mlp_mid": "mid", "mlp_post": "post"}
_ATTN_NAMES = {"k", "v", "q", "z", "rot_k", "rot_q", "result", "pattern", "attn_scores"}
_MLP_NAMES = {"pre", "post", "mid", "pre_linear"}
_LAYER_TYPES = {"a": "attn", "m": "mlp", "b": "", "block": "", "blocks": "", "attention": "attn"}
_BLOCK = re.compile(r"^blocks\.(\d+)\.(.+)$")
_TOKEN_DIMS = ("pos", "query", "key")


def hook_name(name: str, layer: int | None = None, layer_type: str | None = None) -> str:
    """The full hook name of a short name, as ``transformer_lens.utils.get_act_name`` gives it.

    ``hook_name("pattern", 1) == "blocks.1.attn.hook_pattern"``, ``hook_name("resid_pre", 0) ==
    "blocks.0.hook_resid_pre"``, ``hook_name("scale") == "ln_final.hook_scale"``,
    ``hook_name("k6") == "blocks.6.attn.hook_k"``; a full name comes back unchanged.
    """
    if ("." in name or name.startswith("hook_")) and layer is None and layer_type is None:
        return name
    match = re.match(r"([a-z_]+?)(\d+)([a-z]?.*)$", name)
    if match is not None and layer is None:
        name, layer_s, layer_type = match.groups()
        layer = int(layer_s)
        layer_type = layer_type or None
    name = _NAME_ALIASES.get(name, name)
    if name in _ATTN_NAMES:
        layer_type = "attn"
    elif name in _MLP_NAMES:
        layer_type = "mlp"
    elif layer_type in _LAYER_TYPES:
        layer_type = _LAYER_TYPES[layer_type]
    full = f"blocks.{layer}." if layer is not None else ""
    if layer_type:
        full += f"{layer_type}."
    full += f"hook_{name}"
    if name in ("scale", "normalized") and layer is None:
        full = f"ln_final.{full}"
    return full


def hook_dims(full_name: str) -> tuple[str, ...] | None:
    """Dims (without batch) of the hook ``full_name``, or ``None`` for a hook kind vizkit does not know."""
    m = _BLOCK.match(full_name)
    return HOOK_DIMS.get(m.group(2) if m else full_name)


def is_cache(obj: Any) -> bool:
    """Whether ``obj`` looks like an activation cache: a mapping with hook-name keys.

    TL 4 and TL 2/3 ``ActivationCache`` and plain dicts qualify; xarray objects (which also have
    ``keys``) do not.
    """
    if hasattr(obj, "dims") or not (hasattr(obj, "keys") and hasattr(obj, "__getitem__")):
        return False
    try:
        return any(_BLOCK.match(str(k)) or str(k).startswith("hook_") or str(k) in HOOK_DIMS for k in obj.keys())
    except TypeError:
        return False


def layers_of(cache: Any, suffix: str | None = None) -> list[int]:
    """The layer indices present in ``cache`` (for hooks ending in ``suffix`` when given), sorted."""
    out = set()
    for key in cache.keys():
        m = _BLOCK.match(str(key))
        if m and (suffix is None or m.group(2) == suffix):
            out.add(int(m.group(1)))
    return sorted(out)


def n_layers(cache: Any) -> int:
    """The number of layers of the model that filled ``cache`` (from its ``blocks.{L}`` keys)."""
    layers = layers_of(cache)
    if not layers:
        raise UnknownHookError("the cache holds no per-layer hooks ('blocks.{L}....'); is it an activation cache?")
    return layers[-1] + 1


def activation(
    cache: Any,
    name: str,
    layer: int | Sequence[int] | None = None,
    *,
    batch: int | Sequence[int] | None = 0,
    tokens: Sequence[str] | None = None,
):
    """One activation of ``cache`` as an :class:`xarray.DataArray` with named dims.

    Parameters
    ----------
    cache : ActivationCache or dict
        TL 4 / TL 2/3 ``ActivationCache`` or a dict of hook name → tensor (or array).
    name : str
        A full hook name (``"blocks.1.attn.hook_pattern"``) or a short name (``"pattern"``,
        ``"resid_pre"``, ``"z"``, ``"scale"`` ...) resolved with ``layer``, as
        ``cache["pattern", 1]`` does.
    layer : int or sequence of int, optional
        The layer of a per-layer hook (negative counts from the end). ``None`` for a per-layer
        short name stacks every layer along a new ``layer`` dim; a list stacks those layers.
    batch : int, sequence of int or None
        The batch item to keep (its dim is dropped), several items (kept as dim ``batch``), or
        ``None`` for all. Ignored for caches without a batch dim.
    tokens : sequence of str, optional
        Token strings, attached as coordinates of the ``pos`` / ``query`` / ``key`` dims.

    Returns
    -------
    xarray.DataArray
        Dims from the hook kind: ``pattern``/``attn_scores`` → ``head, query, key``;
        ``resid_*``/``attn_out``/``mlp_out``/``embed`` → ``pos, d_model``; ``q``/``k``/``v``/``z`` →
        ``pos, head, d_head``; ``mlp pre/post`` → ``pos, d_mlp``; preceded by ``layer`` when
        stacked and by ``batch`` when several items are kept. The ``head`` and ``layer`` dims
        carry their indices as coordinates. The array's name is the hook name.
    """
    xr = _xarray.xarray()

    if not is_cache(cache):
        raise UnsupportedInputError(
            f"expected an activation cache (TransformerLens ActivationCache or a dict of hook name → tensor); got {describe(cache)}"
        )
    if not isinstance(name, str):
        raise UnknownHookError(f"a hook name must be a string like 'blocks.0.attn.hook_pattern' or 'pattern'; got {name!r}")
    keys = [str(k) for k in cache.keys()]
    stacked = layer is None and name not in keys and hook_name(name) not in keys and _per_layer_suffix(name) is not None
    if stacked or (layer is not None and not np.isscalar(layer)):
        suffix = _per_layer_suffix(name)
        if suffix is None:
            raise UnknownHookError(f"{name!r} is not a per-layer hook, so it cannot be stacked over layers; pass a full hook name")
        present = layers_of(cache, suffix)
        if not present:
            raise _unknown(hook_name(name) if layer is None else f"blocks.{{L}}.{suffix}", keys)
        chosen = present if layer is None else [_layer_index(int(v), cache, keys) for v in layer]  # type: ignore[union-attr]
        parts = [_one(cache, f"blocks.{L}.{suffix}", keys, batch, tokens) for L in chosen]
        out = xr.concat(parts, dim="layer").assign_coords(layer=chosen)
        return out.rename(f"blocks.*.{suffix}")
    if layer is not None:
        layer = _layer_index(int(layer), cache, keys)
    full = name if name in keys else hook_name(name, layer)
    return _one(cache, full, keys, batch, tokens)


def _per_layer_suffix(name: str) -> str | None:
    """``"attn.hook_pattern"`` for ``"pattern"`` or ``"blocks.3.attn.hook_pattern"``; ``None`` if not per-layer."""
    m = _BLOCK.match(name)
    if m:
        return m.group(2)
    if "." in name or name.startswith("hook_"):
        return None
    full = hook_name(name, 0)
    m = _BLOCK.match(full)
    return m.group(2) if m else None


def _layer_index(layer: int, cache, keys) -> int:
    if layer < 0:
        cfg = getattr(getattr(cache, "model", None), "cfg", None)
        total = getattr(cfg, "n_layers", None) or n_layers(cache)
        if layer < -total:
            raise DimensionError(f"layer {layer} is out of range for a model with {total} layers")
        layer += total
    return layer


def _unknown(full: str, keys: list[str]) -> UnknownHookError:
    close = difflib.get_close_matches(full, keys, n=3, cutoff=0.6)
    kinds = sorted({_BLOCK.sub(r"blocks.{L}.\2", k) for k in keys})
    hint = f"; did you mean {close}?" if close else ""
    return UnknownHookError(
        f"the cache has no hook {full!r}{hint} It holds {len(keys)} hooks of these kinds: "
        f"{kinds[:24]}{' ...' if len(kinds) > 24 else ''}. Run the model with run_with_cache() without a names_filter "
        f"that drops it"
    )


def _one(cache, full: str, keys: list[str], batch, tokens):
    """One hook, sliced to the batch items first, then converted."""
    xr = _xarray.xarray()

    from . import to_numpy

    if full not in keys:
        raise _unknown(full, keys)
    tensor = cache[full]
    dims = hook_dims(full)
    ndim = len(tensor.shape)
    has_batch = getattr(cache, "has_batch_dim", None)
    if dims is not None:
        if ndim == len(dims) + 1:
            has_batch = True
        elif ndim == len(dims):
            has_batch = False
        else:
            raise ShapeError(f"hook {full!r} should be [batch, {', '.join(dims)}] or [{', '.join(dims)}]; got {describe(tensor)}")
    elif has_batch is None:
        has_batch = ndim > 1
    if has_batch:
        n_batch = int(tensor.shape[0])
        if batch is None:
            sliced, keep = tensor, list(range(n_batch))
        elif np.isscalar(batch):
            b = int(batch)  # type: ignore[arg-type]
            if not -n_batch <= b < n_batch:
                raise DimensionError(f"batch={b} is out of range: the cache holds {n_batch} batch item(s)")
            sliced, keep = tensor[b], None
        else:
            keep = [int(b) for b in batch]  # type: ignore[union-attr]
            bad = [b for b in keep if not -n_batch <= b < n_batch]
            if bad:
                raise DimensionError(f"batch items {bad} are out of range: the cache holds {n_batch} batch item(s)")
            sliced = tensor[keep]
    else:
        sliced, keep = tensor, None
    values = to_numpy(sliced)
    names = dims if dims is not None else tuple(f"dim_{i}" for i in range(values.ndim - (keep is not None)))
    if keep is not None:
        names = ("batch", *names)
    da = xr.DataArray(values, dims=names, name=full)
    if keep is not None:
        da = da.assign_coords(batch=keep)
    if "head" in da.dims:
        da = da.assign_coords(head=np.arange(da.sizes["head"]))
    if tokens is not None:
        da = _with_tokens(da, tokens, full)
    return da


def _with_tokens(da, tokens, full: str):
    if isinstance(tokens, str):
        raise LabelError(f"tokens must be a list of token strings; got the single string {tokens!r}")
    tokens = [str(t) for t in tokens]
    token_dims = [d for d in _TOKEN_DIMS if d in da.dims]
    if not token_dims:
        raise LabelError(f"hook {full!r} has no position dim to label with tokens (dims {tuple(da.dims)})")
    for d in token_dims:
        n = da.sizes[d]
        if d == "query" and len(tokens) != n and len(tokens) == da.sizes.get("key"):
            labels = tokens[len(tokens) - n:]  # fewer queries than keys: generation with a KV cache
        elif len(tokens) != n:
            raise LabelError(f"got {len(tokens)} tokens but hook {full!r} has {n} positions along {d!r}; "
                             f"pass the tokens of the same prompt and batch item")
        else:
            labels = tokens
        da = da.assign_coords({d: labels})
    return da
