"""torch tensors → numpy, without importing torch unless the user already has."""

from __future__ import annotations

import sys

import numpy as np


def is_tensor(obj) -> bool:
    torch = sys.modules.get("torch")
    return torch is not None and isinstance(obj, torch.Tensor)


def to_numpy(tensor) -> np.ndarray:
    """Detach, move to CPU, upcast half/bfloat16 (only this tensor, which the caller has sliced)."""
    import torch

    from ..errors import UnsupportedInputError

    t = tensor.detach()
    if t.is_meta:
        raise UnsupportedInputError(
            f"got a tensor on the 'meta' device (shape {tuple(t.shape)}, dtype {t.dtype}): a meta tensor has a shape "
            f"but holds no data to plot. Run the model on a real device (cpu or cuda), or load its weights "
            f"(e.g. model.to_empty(device='cpu') then load_state_dict) before caching activations"
        )
    if t.is_complex():
        raise UnsupportedInputError(f"complex tensors cannot be plotted directly; got dtype {t.dtype}. Plot .abs() or .real")
    if t.dtype in (torch.float16, torch.bfloat16) or (t.is_floating_point() and t.dtype != torch.float64 and t.dtype != torch.float32):
        t = t.to(torch.float32)
    if t.dtype == torch.bool:
        t = t.to(torch.uint8)
    return t.cpu().numpy()
