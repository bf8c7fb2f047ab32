"""CircuitsVis ``circuitsvis.attention``: ``attention_heads``, ``attention_patterns``, ``attention_pattern``.

Read as CircuitsVis draws them (its ``AttentionPattern`` component): white at 0, the positive colour at
``max_value`` (default 1, CircuitsVis' own default), the negative colour at ``min_value`` (default −1);
values past 1 widen the range to the largest value instead of all drawing as the top colour. A leading
batch dimension of 1 (``cache["pattern", layer]`` of a cache with its batch) is dropped; head names
default to ``Head 0``, ``Head 1`` ...
"""

from __future__ import annotations

import numpy as np

from ...errors import ShapeError
from ._colors import scale_for
from ._inputs import is_str_list, numeric, str_tokens
from .rendered import RenderedHTML, rendered

__all__ = ["RenderedHTML", "attention_heads", "attention_pattern", "attention_patterns"]


def attention_heads(attention, tokens, attention_head_names=None, max_value=None, min_value=None, negative_color=None,
                    positive_color=None, mask_upper_tri=None):
    """Attention patterns ``[n_heads, dest, src]`` of a group of heads, one panel per head (CircuitsVis ``AttentionHeads``).

    ``attention_head_names`` names the heads (default ``Head 0``, ``Head 1`` ...); ``max_value`` /
    ``min_value`` bound the colour scale; ``mask_upper_tri`` greys the causal triangle (default:
    when the pattern is causal, which is when CircuitsVis' default greys only zeros).
    """
    arr = _heads(attention, "attention_heads")
    names = [f"Head {i}" for i in range(arr.shape[0])] if attention_head_names is None else [str(n) for n in attention_head_names]
    if len(names) != arr.shape[0]:
        raise ShapeError(f"got {len(names)} attention_head_names for {arr.shape[0]} heads (attention of shape {arr.shape})")
    return _attention(arr, tokens, names, max_value, min_value, negative_color, positive_color, mask_upper_tri)


def attention_patterns(tokens, attention, attention_head_names=None):
    """CircuitsVis' deprecated ``attention_patterns(tokens, attention)`` (``[n_heads, dest, src]``).

    The widely used fork (ARENA's) names the heads with ``attention_head_names=`` and takes
    ``(attention, tokens)`` in that order: both work.
    """
    tokens, attention = _order(tokens, attention)
    return attention_heads(attention, tokens, attention_head_names=attention_head_names)


def attention_pattern(tokens, attention, max_value=None, min_value=None, negative_color=None, show_axis_labels=None,
                      positive_color=None, mask_upper_tri=None):
    """One attention pattern ``[dest, src]`` (CircuitsVis ``AttentionPattern``)."""
    tokens, attention = _order(tokens, attention)
    arr = numeric(attention)
    while arr.ndim > 2 and arr.shape[0] == 1:
        arr = arr[0]
    if arr.ndim != 2:
        raise ShapeError(f"attention_pattern takes one head's attention of shape [dest_tokens, src_tokens]; got shape "
                         f"{arr.shape} (for several heads use attention_heads)")
    fig = _attention(arr[None], tokens, [None], max_value, min_value, negative_color, positive_color, mask_upper_tri)
    if show_axis_labels is False:
        fig = fig.replace(panels=tuple(p.replace(x=p.x.replace(title=None), y=p.y.replace(title=None)) for p in fig.panels))
    return fig


def _order(tokens, attention):
    """``(tokens, attention)``, also when given in the fork's ``(attention, tokens)`` order."""
    if is_str_list(attention) and not is_str_list(tokens) and np.ndim(numeric(tokens)) >= 2:
        return attention, tokens
    return tokens, attention


def _heads(attention, fn: str) -> np.ndarray:
    """``attention`` as ``[heads, dest, src]``: one head ``[dest, src]`` is one panel, a batch of one is dropped."""
    arr = numeric(attention)
    shape = arr.shape
    while arr.ndim > 3 and arr.shape[0] == 1:
        arr = arr[0]
    if arr.ndim == 2:
        arr = arr[None]
    if arr.ndim != 3:
        hint = (f"; this looks like [batch, heads, dest, src] with {shape[0]} prompts: pass one, e.g. "
                f"cache['pattern', layer][0]") if len(shape) == 4 else ""
        raise ShapeError(f"{fn} takes attention of shape [n_heads, dest_tokens, src_tokens]; got shape {shape}{hint}")
    return arr


def _attention(arr, tokens, names, max_value, min_value, negative_color, positive_color, mask_upper_tri):
    from ...figures.attention import attention as vk_attention
    from ...spec import ColorScale, Heatmap

    not_drawn: list[str] = []
    finite = arr[np.isfinite(arr)]
    lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    signed = lo < 0 or (min_value is not None and min_value < 0)
    scale_name = scale_for(negative_color, positive_color, signed, not_drawn)
    top = float(max_value) if max_value is not None else max(1.0, hi)  # CircuitsVis' maxValue default: 1
    tokens = None if tokens is None else str_tokens(tokens)
    fig = vk_attention(arr, tokens=tokens, zmax=top, colorscale=scale_name)
    causal = bool(fig.meta.get("causal"))
    n_q, n_k = arr.shape[1:]
    upper = np.triu(np.ones((n_q, n_k), dtype=bool), k=1 + n_k - n_q)
    panels, heat_i = [], 0
    scale = fig.marks(Heatmap)[0].colorscale
    if signed:  # white at 0 (as CircuitsVis), the range symmetric so a linear scale puts 0 in its middle
        bottom = float(min_value) if min_value is not None else min(-1.0, lo)  # CircuitsVis' minValue default: −1
        half = max(abs(bottom), abs(top))
        scale = ColorScale(name=scale_name or "RdBu", zmin=-half, zmax=half, zmid=0.0, title=scale.title)
    elif min_value is not None and min_value > 0:  # CircuitsVis uses min_value for negative values only: 0 stays white
        scale = scale.replace(zmin=0.0)
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
