"""Activation-patching results → a labelled DataArray.

Reads a TransformerLens 4 ``PatchingResult`` by duck typing (``values``, ``axis_names``,
``metric_names``, ``has_metric_axis``, ``reduced``, ``patch_type_names``), the plain tensors the
``get_act_patch_*`` functions of TL 2/3/4 return by default, and any array with ``dims``.
TransformerLens is never imported here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..errors import DimensionError, VizkitError, describe
from . import _xarray

__all__ = ["patching_result", "is_patching_result", "BLOCK_TYPES", "HEAD_TYPES", "LAYOUTS"]

#: Patch-type names of ``get_act_patch_block_every`` and the ``attn_head_*_every`` helpers (TL 4 names).
BLOCK_TYPES = ("resid_pre", "attn_out", "mlp_out")
HEAD_TYPES = ("out", "q", "k", "v", "pattern")
#: TransformerLens axis names → vizkit dim names.
_RENAMES = {"head_index": "head", "dest_pos": "pos"}


def is_patching_result(obj: Any) -> bool:
    return all(hasattr(obj, a) for a in ("values", "axis_names", "metric_names")) and not hasattr(obj, "dims")


def patching_result(result: Any, *, dims: Sequence[str] | None = None, tokens: Sequence[str] | None = None,
                    model: Any = None):
    """``result`` as a DataArray whose dims are among ``metric, patch_type, layer, pos, head, batch``.

    Parameters
    ----------
    result : PatchingResult, tensor, array or xarray.DataArray
        A TL 4 ``PatchingResult`` keeps its own axis names, metric names and patch-type names.
        A plain tensor's dims are read from its shape among the layouts the ``get_act_patch_*``
        helpers return (:data:`LAYOUTS`), narrowed by ``tokens`` (their count is the ``pos``
        length; a dim of another length cannot be positions) and ``model`` (``cfg.n_layers``,
        ``cfg.n_heads``). When more than one layout fits, the error names each as a ``dims=``.
    dims : sequence of str, optional
        Dim names of a plain tensor (``("layer", "pos")``, ``("layer", "head")``,
        ``("patch_type", "layer", "head")`` ...).
    tokens : sequence of str, optional
        The prompt's tokens, to recognise a ``pos`` dim when ``dims`` is not given.
    model : HookedTransformer or TransformerBridge, optional
        Its ``cfg.n_layers`` and ``cfg.n_heads`` recognise the ``layer`` and ``head`` dims.
    """
    from . import to_dataarray

    if is_patching_result(result):
        if dims is not None:
            raise VizkitError(f"a PatchingResult names its own axes {list(result.axis_names)}; do not pass dims=")
        return _from_result(result)
    if dims is None and not hasattr(result, "dims"):
        dims = _infer_dims(result, tokens, model)
    da = to_dataarray(result, dims)
    da = da.rename({d: _RENAMES[d] for d in da.dims if d in _RENAMES})
    return _label_patch_types(da)


def _from_result(result):
    import numpy as np
    xr = _xarray.xarray()

    from . import to_numpy

    axes = [_RENAMES.get(str(a), str(a)) for a in result.axis_names]
    if not axes:
        raise VizkitError("this PatchingResult is flat (it was run with an index_df, one row per cell); vizkit draws "
                          "swept grids: run the sweep with index_axis_names, or plot result.to_dataframe() yourself")
    values = to_numpy(result.values)
    has_metric = bool(getattr(result, "has_metric_axis", False))
    reduced = bool(getattr(result, "reduced", True))
    names = (["metric"] if has_metric else []) + axes + ([] if reduced else ["batch"])
    if values.ndim != len(names):
        raise DimensionError(f"the PatchingResult's values have shape {values.shape}, which does not match its axes {names}")
    coords: dict[str, Any] = {}
    metric_names = [str(m) for m in (result.metric_names or [])]
    if has_metric:
        coords["metric"] = metric_names
    ptypes = getattr(result, "patch_type_names", None)
    if "patch_type" in names and ptypes is not None:
        coords["patch_type"] = [str(p) for p in ptypes]
    da = xr.DataArray(np.asarray(values), dims=names, coords=coords)
    if not has_metric and len(metric_names) == 1 and metric_names[0] != "metric":
        da = da.rename(metric_names[0])
    return da


#: What the ``get_act_patch_*`` helpers return by default, by rank: (dims, the helpers).
LAYOUTS: dict[int, list[tuple[tuple[str, ...], str]]] = {
    2: [(("layer", "pos"), "get_act_patch_resid_pre / _attn_out / _mlp_out"),
        (("layer", "head"), "get_act_patch_attn_head_*_all_pos")],
    3: [(("patch_type", "layer", "head"), "get_act_patch_attn_head_all_pos_every"),
        (("patch_type", "layer", "pos"), "get_act_patch_block_every"),
        (("layer", "pos", "head"), "get_act_patch_attn_head_*_by_pos")],
    4: [(("patch_type", "layer", "pos", "head"), "get_act_patch_attn_head_by_pos_every")],
}
_PATCH_TYPE_COUNTS = {"head": len(HEAD_TYPES), "pos": len(BLOCK_TYPES)}


def _infer_dims(result, tokens, model) -> tuple[str, ...]:
    """The one layout of :data:`LAYOUTS` that the shape (and the tokens and model, when given) fits."""
    shape = tuple(int(n) for n in getattr(result, "shape", ()))
    cfg = getattr(model, "cfg", None)
    known = {"pos": None if tokens is None else len(list(tokens)),
             "layer": getattr(cfg, "n_layers", None), "head": getattr(cfg, "n_heads", None)}
    fits = []
    for names, helper in LAYOUTS.get(len(shape), []):
        sizes = dict(zip(names, shape, strict=True))
        if "patch_type" in names:
            # the *_every stacks: 5 head patch types (out, q, k, v, pattern) or 3 block types
            other = "head" if "head" in names else "pos"
            if sizes["patch_type"] != _PATCH_TYPE_COUNTS[other]:
                continue
        if all(known[d] is None or sizes[d] == known[d] for d in names if d in known):
            fits.append((names, helper))
    if len(fits) == 1:
        return fits[0][0]
    given = ", ".join(f"{k}={v}" for k, v in known.items() if v is not None) or "no tokens= or model="
    if fits:
        options = "; ".join(f"dims={names} for {helper}" for names, helper in fits)
        raise DimensionError(f"a plain patching tensor of shape {shape} fits several layouts ({given}): pass {options}. "
                             f"Passing tokens= and model= lets vizkit tell them apart")
    options = "; ".join(f"dims={names} for {helper}" for rank in sorted(LAYOUTS) for names, helper in LAYOUTS[rank])
    raise DimensionError(f"cannot tell the dims of a plain patching tensor of shape {shape} ({given}): no layout of the "
                         f"get_act_patch_* helpers fits it. Pass dims=, e.g. {options} (got {describe(result)})")


def _label_patch_types(da):
    """Name the patch types of a plain ``*_every`` stack the way TransformerLens 4 does."""
    if "patch_type" not in da.dims or "patch_type" in da.coords:
        return da
    n = da.sizes["patch_type"]
    if n == len(HEAD_TYPES) and "head" in da.dims:
        return da.assign_coords(patch_type=list(HEAD_TYPES))
    if n == len(BLOCK_TYPES) and "pos" in da.dims and "head" not in da.dims:
        return da.assign_coords(patch_type=list(BLOCK_TYPES))
    return da
