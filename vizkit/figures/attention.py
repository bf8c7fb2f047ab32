"""Attention patterns: one head, every head of a layer, or every layer (heads view, grid or slider).

The figure takes what the user already holds: a TransformerLens ``ActivationCache`` (TL 4 bridge
caches and TL 2/3 caches alike), a plain dict of hook name → tensor, HuggingFace
``outputs.attentions``, or a raw pattern tensor (read by :func:`vizkit.adapters.attention.patterns`,
which says how each layout is read). Query is on y (first row on top), key on x; cells sit at
integer positions, so repeated tokens stay distinct columns.

The whole-model view (``mode="heads"``, the default over several layers in a backend that draws it,
issue 12) keeps the grid's panels for any backend that does not know the view and adds, in ``meta``,
every head's full-resolution pattern (``meta["patterns"]``, float32 ``[layer, head, query, key]``,
the causal triangle NaN), the query/key labels and the selected head: backends draw thumbnails of
every head, the selected head at full resolution and a token view from them (:mod:`vizkit.plan.heads`).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from .._config import resolve_theme
from ..adapters.attention import patterns
from ..errors import LabelError, ShapeError, VizkitError
from ..spec import ColorScale, Slider
from ..spec.grid import columns_for_labels
from ..spec.masks import CAUSAL_TOL, is_causal  # noqa: F401  (CAUSAL_TOL re-exported)
from . import _common as c
from ._keywords import figure_function
from ._panels import heatmap_panel, outer_titles
from .window import attention_window

__all__ = ["attention", "is_causal", "patterns", "heatmap_panel", "outer_titles", "block_max"]



@figure_function
def attention(
    source: Any,
    layer: int | Sequence[int] | None = None,
    heads: int | Sequence[int] | None = None,
    *,
    tokens: Sequence[str] | None = None,
    batch: int = 0,
    dims: Sequence[str] | None = None,
    mode: str | None = None,
    selected: Sequence[int] | None = None,
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
    mode : {"heads", "grid", "slider"}, optional
        ``"heads"``: every head of every layer as a thumbnail (block maxima, never means), one
        selected head large at full resolution with token labels and exact hover, and a token view
        (hover a token: what it attends to, what attends to it); clicking a thumbnail selects
        another head, and the standalone page carries every head at full resolution. ``"grid"``:
        a layer × head grid; ``"slider"``: one layer at a time under a layer slider. Default:
        ``"heads"`` over several layers when the backend in force draws it (plotly, bokeh, HoloViews,
        matplotlib as a picture, CircuitsVis as its own heads view), else ``"grid"``.
    selected : (int, int), optional
        ``(layer, head)`` drawn large in the heads view (default: the first head of the first layer).
    zmin, zmax : float, optional
        Colour range (default: from 0, or the lowest value if below 0, to the largest value shown).
    colorscale : str, optional
        A sequential scale name (default ``"Blues"``).
    facet_cols : int, optional
        Panels per row (default: all heads of a layer in one row when drawing several layers as a grid; for
        one layer up to 4, fewer when 4 would be too narrow to label every token, so the grid grows taller
        rather than dropping labels).
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
    if mode not in (None, "heads", "grid", "slider"):
        raise VizkitError(f"mode must be 'heads', 'grid' or 'slider'; got {mode!r}")
    if query is not None or key is not None:  # the exact cells of a window (vizkit/figures/window.py)
        return attention_window(source, layer, heads, query=query, key=key, tokens=tokens, batch=batch, dims=dims, mode=mode, labels=labels, title=title, zmin=zmin, zmax=zmax, zmid=zmid, colorscale=colorscale, facet_cols=facet_cols, width=width, height=height, backend=backend, theme=theme)  # noqa: E501
    da = patterns(source, layer, heads, batch=batch, dims=dims)
    mode = _mode(mode, da.sizes["layer"], backend)
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
    if facet_cols is None:  # one layer: up to 4 heads a row, fewer when that would drop token labels
        facet_cols = n_heads if n_layers > 1 and not slider else columns_for_labels(
            len(klabels), n_heads, resolve_theme(theme).font_size)
    per_frame = n_heads if slider else n_layers * n_heads
    x_title = c.label_for(labels, "x", "key", default="key")
    y_title = c.label_for(labels, "y", "query", default="query")
    panels = []
    small, ql, kl, coarse_note = _fit_budget(values, qlabels, klabels, budget)
    for li in range(n_layers):
        for hi in range(n_heads):
            z = small[li, hi]
            i = hi if slider else li * n_heads + hi
            x_axis, y_axis = outer_titles(i, per_frame, facet_cols, x_title, y_title)
            panels.append(heatmap_panel(z, scale, x_labels=kl, y_labels=ql, x_title=x_title, y_title=y_title,
                                        value_label=value_label, title=_head_title(layers, head_ids, li, hi),
                                        frame=li if slider else 0, x_axis_title=x_axis, y_axis_title=y_axis))
    meta = {"layers": layers, "heads": head_ids, "tokens": None if tokens is None else [str(t) for t in tokens],
            "causal": causal, "batch": int(batch)}
    if mode == "heads":
        meta.update(_heads_meta(values, layers, head_ids, selected, qlabels, klabels, x_title, y_title, value_label))
        meta["grid_note"] = coarse_note  # the grid panels' note: the heads view draws every head in full instead
    elif selected is not None:
        raise VizkitError(f"selected= picks the head drawn large in mode='heads'; got it with mode={mode!r}")
    return c.figure("attention", panels, title=title, facet_cols=facet_cols, slider=slider, width=width,
                    height=height, theme=theme, backend=backend, notes=[coarse_note, *notes], meta=meta)


def _mode(mode: str | None, n_layers: int, backend: str | None) -> str:
    """The mode to draw: ``"heads"`` by default over several layers when the backend in force draws that
    view (the registry says which do), else ``"grid"``; an explicit ``"heads"`` such a backend cannot draw
    fails here, at the figure call, naming the backends that can."""
    from .._config import get_backend
    from .._registry import ATTENTION_HEADS_BACKENDS, check_backend_name
    from ..errors import UnsupportedFigureError

    name = check_backend_name(get_backend(backend))
    if mode is None:
        return "heads" if n_layers > 1 and name in ATTENTION_HEADS_BACKENDS else "grid"
    if mode == "heads" and name not in ATTENTION_HEADS_BACKENDS:
        can = ", ".join(repr(n) for n in sorted(ATTENTION_HEADS_BACKENDS))
        raise UnsupportedFigureError(f"the {name!r} backend cannot draw the attention heads view (mode='heads'); "
                                     f"backends that can: {can}. Pass backend=..., or mode='grid' / 'slider'")
    return mode


def _heads_meta(values, layers, head_ids, selected, qlabels, klabels, x_title, y_title, value_label) -> dict:
    """What the heads view needs beyond the grid's panels: every pattern at full resolution and the selected head."""
    n_layers, n_heads = values.shape[:2]
    sel = (0, 0)
    if selected is not None:
        if isinstance(selected, (str, bytes)) or not hasattr(selected, "__len__") or len(selected) != 2:
            raise VizkitError(f"selected= takes (layer, head); got {selected!r}")
        want = [int(v) for v in selected]
        ids = (layers or list(range(n_layers)), head_ids or list(range(n_heads)))
        try:
            sel = tuple(ids[k].index(want[k]) for k in range(2))
        except ValueError:
            raise VizkitError(f"selected={tuple(want)} is not drawn: the layers are {ids[0]} and the heads "
                              f"{ids[1]}") from None
    return {"mode": "heads", "patterns": np.asarray(values, dtype=np.float32), "selected": list(sel),
            "query_labels": list(qlabels), "key_labels": list(klabels), "x_title": x_title, "y_title": y_title,
            "value_label": value_label}


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
    """Sequential from 0 (or the lowest value, if below 0) unless the caller centres it with ``zmid``.

    The scale depends only on the finite range, so it is fitted to ``[lowest, highest]``: one pass over a
    whole model's patterns in their own dtype instead of a float64 copy."""
    finite = values[np.isfinite(values)]
    lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    span = np.array([lo, hi])
    if zmid is not None:
        return c.colorscale(span, colorscale=colorscale, zmin=zmin, zmax=zmax, zmid=zmid, title=title)
    return c.colorscale(span, colorscale=colorscale or "Blues", zmin=min(0.0, lo) if zmin is None else zmin,
                        zmax=zmax, title=title, diverging=False)


def _fit_budget(values, qlabels, klabels, budget):
    """Shrink every pattern of ``values[layer, head, query, key]`` that has more cells than ``budget`` by
    blocks keeping their largest-magnitude value (as :func:`~vizkit.figures._common.coarsen_to_budget`,
    in one numpy pass over all heads); labels become position ranges. Returns ``(z, qlabels, klabels, note)``."""
    nq, nk = values.shape[-2:]
    if nq * nk <= budget:
        return values, qlabels, klabels, None
    f = int(np.ceil(np.sqrt(nq * nk / budget)))
    small = block_max(values, f)
    ranges = lambda n, m: [f"{i * f}–{min(n, (i + 1) * f) - 1}" for i in range(m)]  # noqa: E731
    note = (f"downsampled from {nq}×{nk} to {small.shape[-2]}×{small.shape[-1]} cells (each block of "
            f"{f}×{f} shows its largest-magnitude value)")
    return small, ranges(nq, small.shape[-2]), ranges(nk, small.shape[-1]), note


def block_max(z: np.ndarray, factor: int | tuple[int, int]) -> np.ndarray:
    """``z[..., rows, cols]`` shrunk by ``factor`` × ``factor`` blocks (or ``(rows, cols)`` blocks; the last ones
    padded), each keeping its largest-magnitude value with its sign (the maximum of non-negative data such as
    attention): a one-cell spike keeps its full value, where a block mean would divide it by ``factor²``. An
    all-missing block stays NaN."""
    z = np.asarray(z)
    fy, fx = (factor, factor) if isinstance(factor, (int, np.integer)) else factor
    if fy <= 1 and fx <= 1:
        return z
    *lead, ny, nx = z.shape
    ry, rx = -(-ny // fy), -(-nx // fx)
    pad = np.full((*lead, ry * fy, rx * fx), np.nan, dtype=z.dtype if z.dtype.kind == "f" else float)
    pad[..., :ny, :nx] = z
    blocks = pad.reshape(*lead, ry, fy, rx, fx)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN blocks stay NaN
        hi = np.nanmax(blocks, axis=(-3, -1))
        lo = np.nanmin(blocks, axis=(-3, -1))
    return np.where(np.abs(lo) > np.abs(hi), lo, hi)


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
