"""Attention patterns: one head, every head of a layer, or every layer (grid or slider).

The figure takes what the user already holds: a TransformerLens ``ActivationCache`` (TL 4 bridge
caches and TL 2/3 caches alike), a plain dict of hook name → tensor, HuggingFace
``outputs.attentions``, or a raw pattern tensor (read by :func:`vizkit.adapters.attention.patterns`,
which says how each layout is read). Query is on y (first row on top), key on x; cells sit at
integer positions, so repeated tokens stay distinct columns.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..adapters.attention import patterns
from ..errors import LabelError, ShapeError, VizkitError
from ..spec import ColorScale, Slider
from ..spec.masks import CAUSAL_TOL, is_causal  # noqa: F401  (CAUSAL_TOL re-exported)
from . import _common as c
from ._keywords import figure_function
from ._panels import heatmap_panel, outer_titles
from .window import attention_window

__all__ = ["attention", "is_causal", "patterns", "heatmap_panel", "outer_titles"]



@figure_function
def attention(
    source: Any,
    layer: int | Sequence[int] | None = None,
    heads: int | Sequence[int] | None = None,
    *,
    tokens: Sequence[str] | None = None,
    batch: int = 0,
    dims: Sequence[str] | None = None,
    mode: str = "grid",
    query: Any = None,
    key: Any = None,
    labels: dict | None = None,
    title: str | None = None,
    zmin: float | None = None,
    zmax: float | None = None,
    zmid: float | None = None,
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
        A TransformerLens cache, a dict of hook name → tensor (``"blocks.0.attn.hook_pattern"``),
        ``outputs.attentions`` (tuple of ``[batch, head, query, key]``, or the model output
        holding it), or a raw pattern: ``[query, key]`` (one head), ``[head, query, key]``, a
        torch ``[batch, head, query, key]`` as ``cache["pattern", L]`` gives it (pass
        ``layer=L`` to name the layer), or a numpy ``[layer, head, query, key]`` stack.
    layer : int or sequence of int, optional
        The layer(s) to draw; default every layer. For a raw pattern of one layer, the name of
        that layer in the panel titles.
    heads : int or sequence of int, optional
        The head(s) to draw in each chosen layer; default every head.
    tokens : sequence of str, optional
        Token strings (``model.to_str_tokens(...)``) labelling the key positions (and the
        queries, which are the last positions); whitespace is made visible, duplicates stay
        distinct, the BOS token is shown.
    batch : int
        The batch item of a cache, HuggingFace output or batch-first tensor.
    dims : sequence of str, optional
        Axis names of a raw pattern among ``batch``, ``layer``, ``head``, ``query``, ``key``, for a
        layout the defaults above do not read.
    mode : {"grid", "slider"}
        Several layers: a layer × head grid, or one layer at a time under a layer slider.
    zmin, zmax : float, optional
        Colour range (default: from 0, or the lowest value if below 0, to the largest value shown).
    colorscale : str, optional
        A sequential scale name (default ``"Blues"``).
    facet_cols : int, optional
        Panels per row (default: all heads of a layer in one row when drawing several layers).
    query, key : (int, int), optional
        A window of query × key positions, ``(start, stop)`` with ``stop`` excluded (``None`` for
        all): every cell of it is drawn at full resolution, labelled ``"token @position"``, with its
        exact value in the hover. A long pattern's overview shows the largest value of each block
        (a one-cell spike stays visible); a window reaches that cell
        (:func:`vizkit.figures.window.attention_window`).

    Returns
    -------
    vizkit.Figure
        ``kind="attention"``; ``meta`` holds ``layers``, ``heads`` (``None`` where not known),
        ``tokens`` and ``causal``.
    """
    if mode not in ("grid", "slider"):
        raise VizkitError(f"mode must be 'grid' or 'slider'; got {mode!r}")
    if query is not None or key is not None:  # the exact cells of a window (vizkit/figures/window.py)
        return attention_window(source, layer, heads, query=query, key=key, tokens=tokens, batch=batch, dims=dims, mode=mode, labels=labels, title=title, zmin=zmin, zmax=zmax, zmid=zmid, colorscale=colorscale, facet_cols=facet_cols, width=width, height=height, backend=backend, theme=theme)  # noqa: E501
    da = patterns(source, layer, heads, batch=batch, dims=dims)
    n_query, n_key = da.sizes["query"], da.sizes["key"]
    qlabels, klabels = _query_key_labels(da, tokens, n_query, n_key)
    values = np.asarray(da.values)
    values = values if values.dtype in (np.float32, np.float64) else values.astype(float)
    notes = c.nan_note(values)
    causal = is_causal(values)
    if causal:
        values = np.where(np.triu(np.ones((n_query, n_key), dtype=bool), k=1 + n_key - n_query), np.nan, values)
        notes.append("upper triangle masked (causal attention)")
    value_label = c.label_for(labels, "color", default="attention")
    scale = _scale(values, colorscale, zmin, zmax, zmid, value_label)
    layers = _known(da, "layer")
    head_ids = _known(da, "head")
    n_layers, n_heads = da.sizes["layer"], da.sizes["head"]
    slider = None
    if mode == "slider" and n_layers > 1:
        slider = Slider(name="layer", labels=[str(v) for v in layers or range(n_layers)])
    budget = c.CELL_BUDGET // max(1, n_layers * n_heads)
    if facet_cols is None:
        facet_cols = n_heads if n_layers > 1 and not slider else min(4, n_heads)
    per_frame = n_heads if slider else n_layers * n_heads
    x_title = c.label_for(labels, "x", "key", default="key")
    y_title = c.label_for(labels, "y", "query", default="query")
    panels, coarse_note = [], None
    for li in range(n_layers):
        for hi in range(n_heads):
            z, ql, kl, coarse_note = _fit_budget(values[li, hi], qlabels, klabels, budget)
            i = hi if slider else li * n_heads + hi
            x_axis, y_axis = outer_titles(i, per_frame, facet_cols, x_title, y_title)
            panels.append(heatmap_panel(z, scale, x_labels=kl, y_labels=ql, x_title=x_title, y_title=y_title,
                                        value_label=value_label, title=_head_title(layers, head_ids, li, hi),
                                        frame=li if slider else 0, x_axis_title=x_axis, y_axis_title=y_axis))
    meta = {"layers": layers, "heads": head_ids, "tokens": None if tokens is None else [str(t) for t in tokens],
            "causal": causal, "batch": int(batch)}
    return c.figure("attention", panels, title=title, facet_cols=facet_cols, slider=slider, width=width,
                    height=height, theme=theme, backend=backend, notes=[coarse_note, *notes], meta=meta)


def _known(da, dim: str) -> list[int] | None:
    """The indices of ``dim`` when the patterns say them, else ``None``."""
    if dim not in da.coords:
        return None
    return [int(v) for v in np.asarray(da.coords[dim].values)]


def _head_title(layers, head_ids, li: int, hi: int) -> str | None:
    """``"L1H3"``; ``"H3"`` when the layer is not known; ``None`` when neither is."""
    head = f"H{head_ids[hi]}" if head_ids is not None else None
    if layers is None:
        return head
    return f"L{layers[li]}{head or ''}"


def _scale(values: np.ndarray, colorscale: str | None, zmin: float | None, zmax: float | None, zmid: float | None,
           title: str) -> ColorScale:
    """Sequential from 0 (or the lowest value, if below 0) unless the caller centres it with ``zmid``."""
    if zmid is not None:
        return c.colorscale(values, colorscale=colorscale, zmin=zmin, zmax=zmax, zmid=zmid, title=title)
    finite = values[np.isfinite(values)]
    lo = float(finite.min()) if finite.size else 0.0
    return c.colorscale(values, colorscale=colorscale or "Blues", zmin=min(0.0, lo) if zmin is None else zmin,
                        zmax=zmax, title=title, diverging=False)


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


def _query_key_labels(da, tokens, n_query, n_key):
    """Query and key labels: positions, or tokens. The queries are the last ``n_query`` keys
    (generation with a KV cache); with more queries than keys they are their own positions."""
    if n_query > n_key:
        if tokens is not None:
            raise ShapeError(f"the attention pattern has more queries ({n_query}) than keys ({n_key}), so the queries are "
                             f"not positions of the key sequence and one token list cannot label both: a self-attention "
                             f"pattern is [query, key] with at most as many queries as keys. Check the axis order (pass "
                             f"dims=(..., 'query', 'key')), or draw it without tokens=")
        return [str(i) for i in range(n_query)], [str(i) for i in range(n_key)]
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
