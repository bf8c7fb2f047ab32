"""CircuitsVis ``circuitsvis.attention``: ``attention_heads``, ``attention_patterns``, ``attention_pattern``."""

from __future__ import annotations

import numpy as np

from ...errors import ShapeError
from .._keywords import to_numpy
from ._colors import scale_for
from .rendered import rendered

__all__ = ["attention_heads", "attention_pattern", "attention_patterns"]


def attention_heads(attention, tokens, attention_head_names=None, max_value=None, min_value=None, negative_color=None,
                    positive_color=None, mask_upper_tri=None):
    """Attention patterns ``[n_heads, dest, src]`` of a group of heads, one panel per head (CircuitsVis ``AttentionHeads``).

    ``attention_head_names`` names the heads (default ``Head 0``, ``Head 1`` ...); ``max_value`` /
    ``min_value`` bound the colour scale; ``mask_upper_tri`` greys the causal triangle (default:
    detected from the data).
    """
    arr = np.asarray(to_numpy(attention), dtype=float)
    if arr.ndim == 2:
        arr = arr[None]
    if arr.ndim != 3:
        raise ShapeError(f"attention_heads takes attention of shape [n_heads, dest_tokens, src_tokens]; got shape {arr.shape}")
    names = [f"Head {i}" for i in range(arr.shape[0])] if attention_head_names is None else [str(n) for n in attention_head_names]
    if len(names) != arr.shape[0]:
        raise ShapeError(f"got {len(names)} attention_head_names for {arr.shape[0]} heads")
    return _attention(arr, tokens, names, max_value, min_value, negative_color, positive_color, mask_upper_tri)


def attention_patterns(tokens, attention, attention_head_names=None):
    """CircuitsVis' deprecated ``attention_patterns(tokens, attention)`` (``[n_heads, dest, src]``); the
    widely used fork's ``attention_head_names=`` names the heads."""
    return attention_heads(attention, tokens, attention_head_names=attention_head_names)


def attention_pattern(tokens, attention, max_value=None, min_value=None, negative_color=None, show_axis_labels=None,
                      positive_color=None, mask_upper_tri=None):
    """One attention pattern ``[dest, src]`` (CircuitsVis ``AttentionPattern``)."""
    arr = np.asarray(to_numpy(attention), dtype=float)
    if arr.ndim != 2:
        raise ShapeError(f"attention_pattern takes attention of shape [dest_tokens, src_tokens]; got shape {arr.shape}")
    fig = _attention(arr[None], tokens, [None], max_value, min_value, negative_color, positive_color, mask_upper_tri)
    if show_axis_labels is False:
        fig = fig.replace(panels=tuple(p.replace(x=p.x.replace(title=None), y=p.y.replace(title=None)) for p in fig.panels))
    return fig


def _attention(arr, tokens, names, max_value, min_value, negative_color, positive_color, mask_upper_tri):
    from ...figures.attention import attention as vk_attention
    from ...spec import ColorScale, Heatmap

    not_drawn: list[str] = []
    finite = arr[np.isfinite(arr)]
    signed = bool(finite.size and finite.min() < 0) or (min_value is not None and min_value < 0)
    scale_name = scale_for(negative_color, positive_color, signed, not_drawn)
    tokens = None if tokens is None else [str(t) for t in tokens]
    fig = vk_attention(arr, tokens=tokens, zmax=max_value, colorscale=scale_name)
    causal = bool(fig.meta.get("causal"))
    n_q, n_k = arr.shape[1:]
    upper = np.triu(np.ones((n_q, n_k), dtype=bool), k=1 + n_k - n_q)
    panels, heat_i = [], 0
    scale = fig.marks(Heatmap)[0].colorscale
    if min_value is not None or signed:
        lo = float(min_value) if min_value is not None else float(finite.min())
        scale = ColorScale(name=scale.name if scale_name is None and not signed else (scale_name or "RdBu"),
                           zmin=min(lo, scale.zmax), zmax=scale.zmax, zmid=0.0 if signed else None, title=scale.title)
    for p, name in zip(fig.panels, names, strict=True):
        marks = []
        for m in p.marks:
            if isinstance(m, Heatmap):
                z = m.z
                if z.shape == (n_q, n_k):
                    if mask_upper_tri is True:
                        z = np.where(upper, np.nan, arr[heat_i])
                    elif mask_upper_tri is False:
                        z = arr[heat_i]
                heat_i += 1
                m = m.replace(z=z, colorscale=scale)
            marks.append(m)
        panels.append(p.replace(marks=tuple(marks), title=name))
    notes = fig.notes
    if mask_upper_tri is False and causal:
        notes = tuple(n for n in notes if "upper triangle masked" not in n)
    if mask_upper_tri is True and not causal:
        notes = (*notes, "upper triangle masked (mask_upper_tri=True)")
    meta = dict(fig.meta, causal=bool(mask_upper_tri) if mask_upper_tri is not None else causal)
    fig = fig.replace(panels=tuple(panels), notes=notes, meta=meta)
    return rendered(fig, not_drawn=not_drawn)
