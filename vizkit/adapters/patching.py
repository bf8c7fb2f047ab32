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

__all__ = ["patching_result", "is_patching_result", "BLOCK_TYPES", "HEAD_TYPES"]

#: Patch-type names of ``get_act_patch_block_every`` and the ``attn_head_*_every`` helpers (TL 4 names).
BLOCK_TYPES = ("resid_pre", "attn_out", "mlp_out")
HEAD_TYPES = ("out", "q", "k", "v", "pattern")
#: TransformerLens axis names → vizkit dim names.
_RENAMES = {"head_index": "head", "dest_pos": "pos"}


def is_patching_result(obj: Any) -> bool:
    return all(hasattr(obj, a) for a in ("values", "axis_names", "metric_names")) and not hasattr(obj, "dims")


def patching_result(result: Any, *, dims: Sequence[str] | None = None, tokens: Sequence[str] | None = None):
    """``result`` as a DataArray whose dims are among ``metric, patch_type, layer, pos, head, batch``.

    Parameters
    ----------
    result : PatchingResult, tensor, array or xarray.DataArray
        A TL 4 ``PatchingResult`` keeps its own axis names, metric names and patch-type names.
        A plain tensor needs ``dims``, except the two shapes that tokens make unambiguous:
        ``[layer, pos]`` (``get_act_patch_resid_pre``) and ``[3, layer, pos]``
        (``get_act_patch_block_every``).
    dims : sequence of str, optional
        Dim names of a plain tensor (``("layer", "pos")``, ``("layer", "head")``,
        ``("patch_type", "layer", "head")`` ...).
    tokens : sequence of str, optional
        Used only to recognise a ``pos`` dim when ``dims`` is not given.
    """
    from . import to_dataarray

    if is_patching_result(result):
        if dims is not None:
            raise VizkitError(f"a PatchingResult names its own axes {list(result.axis_names)}; do not pass dims=")
        return _from_result(result)
    if dims is None and not hasattr(result, "dims"):
        dims = _infer_dims(result, tokens)
    da = to_dataarray(result, dims)
    da = da.rename({d: _RENAMES[d] for d in da.dims if d in _RENAMES})
    return _label_patch_types(da)


def _from_result(result):
    import numpy as np
    import xarray as xr

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


def _infer_dims(result, tokens) -> tuple[str, ...]:
    shape = tuple(getattr(result, "shape", ()))
    n_tok = None if tokens is None else len(list(tokens))
    if n_tok is not None and shape and shape[-1] == n_tok:
        if len(shape) == 2:
            return ("layer", "pos")
        if len(shape) == 3 and shape[0] == len(BLOCK_TYPES):
            return ("patch_type", "layer", "pos")
    raise DimensionError(
        f"cannot tell the dims of a plain patching tensor of shape {shape}; pass dims=, e.g. ('layer', 'pos') for "
        f"get_act_patch_resid_pre, ('layer', 'head') for get_act_patch_attn_head_out_all_pos, ('layer', 'pos', 'head') "
        f"for ..._by_pos, ('patch_type', 'layer', 'pos') for get_act_patch_block_every (got {describe(result)})"
    )


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
