"""HuggingFace ``outputs.attentions`` → a ``(layer, head, query, key)`` DataArray.

``model(**inputs, output_attentions=True).attentions`` is a tuple with one
``[batch, head, query, key]`` tensor per layer. Each is sliced to the chosen batch item before
it is converted, so a large batch is never copied.
"""

from __future__ import annotations

from typing import Any

from ..errors import DimensionError, EmptyDataError, ShapeError, UnsupportedInputError, describe

__all__ = ["attentions"]


def attentions(held: Any, *, batch: int = 0):
    """The attention patterns of one batch item of HuggingFace ``outputs.attentions``.

    Parameters
    ----------
    held : tuple of tensors, model output, or dict
        ``outputs.attentions`` (one ``[batch, head, query, key]`` tensor per layer), the model
        output holding it, or a dict with an ``"attentions"`` entry.
    batch : int
        The batch item to keep.

    Returns
    -------
    xarray.DataArray
        Dims ``(layer, head, query, key)`` with integer ``layer`` and ``head`` coordinates.
    """
    import numpy as np
    import xarray as xr

    from . import to_numpy

    if isinstance(held, dict):
        held = held.get("attentions")
    elif hasattr(held, "attentions") and not isinstance(held, (tuple, list)):
        held = held.attentions
    if held is None:
        raise UnsupportedInputError("the model output holds no attentions: call the model with output_attentions=True")
    if not isinstance(held, (tuple, list)):
        raise UnsupportedInputError(f"expected outputs.attentions, a tuple of [batch, head, query, key] tensors; got {describe(held)}")
    if not held:
        raise EmptyDataError("outputs.attentions is empty: the model returned no attention layers")
    per_layer = []
    for i, t in enumerate(held):
        if t is None:
            raise UnsupportedInputError(f"outputs.attentions[{i}] is None: call the model with output_attentions=True "
                                        f"(and attn_implementation='eager' where SDPA drops the weights)")
        if len(t.shape) != 4:
            raise ShapeError(f"outputs.attentions[{i}] should be [batch, head, query, key]; got {describe(t)}")
        n_batch = int(t.shape[0])
        if not -n_batch <= batch < n_batch:
            raise DimensionError(f"batch={batch} is out of range: the attentions hold {n_batch} batch item(s)")
        per_layer.append(to_numpy(t[batch]))
    shapes = {a.shape for a in per_layer}
    if len(shapes) > 1:
        raise ShapeError(f"every layer's attentions must have one shape; got {sorted(shapes)}")
    values = np.stack(per_layer)
    return xr.DataArray(values, dims=("layer", "head", "query", "key"),
                        coords={"layer": np.arange(values.shape[0]), "head": np.arange(values.shape[1])}, name="attentions")
