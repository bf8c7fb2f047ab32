"""HuggingFace ``outputs.attentions`` → a ``(layer, head, query, key)`` DataArray.

``model(**inputs, output_attentions=True).attentions`` is a tuple with one
``[batch, head, query, key]`` tensor per layer. Each is sliced to the chosen batch item before
it is converted, so a large batch is never copied.
"""

from __future__ import annotations

from typing import Any

from ..errors import DimensionError, EmptyDataError, ShapeError, UnsupportedInputError, describe
from . import _xarray

__all__ = ["attentions", "is_hf_attentions"]

_EAGER = ("load the model with attn_implementation=\"eager\" (AutoModel.from_pretrained(path, "
          "attn_implementation=\"eager\")): the default sdpa/flash attention computes no weights to return")


def is_hf_attentions(held: Any) -> bool:
    """Whether ``held`` is HuggingFace ``outputs.attentions``, the model output holding it, or a dict with it.

    A tuple or list counts when every entry is a 4-D torch tensor (or ``None``, what sdpa attention leaves).
    """
    if isinstance(held, dict):
        return "attentions" in held
    if hasattr(held, "attentions") and not isinstance(held, (tuple, list)):
        return True
    if not isinstance(held, (tuple, list)) or not held:
        return False
    from .torch import is_tensor

    return all(t is None or (is_tensor(t) and t.ndim == 4) for t in held) and any(is_tensor(t) for t in held)


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
    xr = _xarray.xarray()

    from . import to_numpy

    if isinstance(held, dict):
        held = held.get("attentions")
    elif hasattr(held, "attentions") and not isinstance(held, (tuple, list)):
        held = held.attentions
    if held is None:
        raise UnsupportedInputError(f"the model output holds no attentions: call the model with output_attentions=True, "
                                    f"and {_EAGER}")
    if not isinstance(held, (tuple, list)):
        raise UnsupportedInputError(f"expected outputs.attentions, a tuple of [batch, head, query, key] tensors; got {describe(held)}")
    if not held:
        raise EmptyDataError(f"outputs.attentions is empty: the model returned no attention weights. Call it with "
                             f"output_attentions=True and {_EAGER}")
    per_layer = []
    for i, t in enumerate(held):
        if t is None:
            raise UnsupportedInputError(f"outputs.attentions[{i}] is None: call the model with output_attentions=True "
                                        f"and {_EAGER}")
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
