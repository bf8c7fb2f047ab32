"""The exact cells of a window of a long attention pattern: ``vk.attention(..., query=(a, b), key=(c, d))``.

A 4096-token head has 16.7 million cells; the overview of :func:`vizkit.attention` keeps the
largest value of each block so a spike still shows, but one block stands for 25 cells and its
hover names a range of positions. This module draws a window of the pattern instead: every cell
of query positions ``[a, b)`` × key positions ``[c, d)`` at full resolution, each labelled with
its token and position, with its exact value in the hover. It is how a cell seen as a block in
the overview is reached.

:func:`vizkit.figures.attention.attention` calls :func:`attention_window` when ``query=`` or
``key=`` is given; everything else (the cache adapters, the causal mask, the colour scale) is read
the same way as there.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..adapters.attention import patterns
from ..errors import LabelError, ShapeError, VizkitError
from ..spec import Slider
from ..spec.masks import is_causal
from . import _common as c
from ._panels import heatmap_panel, outer_titles

__all__ = ["attention_window", "window_bounds", "window_labels"]


def window_bounds(window: Any, name: str, lo: int, hi: int) -> tuple[int, int]:
    """``(start, stop)`` of a window given as ``(start, stop)``, ``slice(start, stop)`` or ``None`` (all of ``[lo, hi)``).

    Positions are absolute (``start`` included, ``stop`` excluded, as a Python slice); ``None``
    at either end means the first / last position. Anything else is a :class:`VizkitError`
    saying what was expected.
    """
    if window is None:
        return lo, hi
    if isinstance(window, slice):
        if window.step not in (None, 1):
            raise VizkitError(f"{name}= draws every cell of a window; got slice step {window.step!r}, expected none")
        window = (window.start, window.stop)
    if isinstance(window, (str, bytes)) or not isinstance(window, Sequence) or len(window) != 2:
        raise VizkitError(f"{name}= must be a (start, stop) pair of positions, as in {name}=({lo}, {min(hi, lo + 64)}); "
                          f"got {window!r}")
    start, stop = window
    start = lo if start is None else start
    stop = hi if stop is None else stop
    for v in (start, stop):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
            raise VizkitError(f"{name}= positions must be integers; got {window!r}")
    start, stop = int(start), int(stop)
    if not lo <= start < stop <= hi:
        raise VizkitError(f"{name}=({start}, {stop}) is not a window of the {name} positions {lo}–{hi - 1} "
                          f"(expected {lo} ≤ start < stop ≤ {hi})")
    return start, stop


def window_labels(tokens: Sequence[str] | None, start: int, stop: int) -> list[str]:
    """``"token @position"`` for each position of ``[start, stop)`` (the position alone without tokens).

    The position keeps every label distinct (repeated tokens are different cells) and says where
    in the long sequence the cell sits.
    """
    if tokens is None:
        return [str(i) for i in range(start, stop)]
    shown = c.token_labels(tokens[start:stop])
    return [f"{t} @{i}" for t, i in zip(shown, range(start, stop), strict=True)]


def attention_window(
    source: Any,
    layer: int | Sequence[int] | None = None,
    heads: int | Sequence[int] | None = None,
    *,
    query: Any = None,
    key: Any = None,
    tokens: Sequence[str] | None = None,
    batch: int = 0,
    dims: Sequence[str] | None = None,
    mode: str | None = "grid",
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
    """Query positions ``query`` × key positions ``key`` of attention patterns, every cell drawn.

    Same inputs as :func:`vizkit.attention`; ``query`` and ``key`` are ``(start, stop)`` position
    windows (stop excluded; ``None`` for all positions). Every cell is drawn at full resolution
    (no block reduction): a window holds at most ``CELL_BUDGET`` cells over all its panels, else
    a :class:`VizkitError` asks for a narrower window or fewer heads. The colour scale is fitted
    to the window. ``mode="slider"`` pages through layers; any other mode draws a grid.
    """
    da = patterns(source, layer, heads, batch=batch, dims=dims)
    n_query, n_key = da.sizes["query"], da.sizes["key"]
    offset = n_key - n_query if n_query <= n_key else 0  # the queries are the last positions (KV cache)
    q0, q1 = window_bounds(query, "query", offset, offset + n_query)
    k0, k1 = window_bounds(key, "key", 0, n_key)
    if tokens is None:
        tokens = c.coord_labels(da, "key")
    elif isinstance(tokens, str):
        raise LabelError(f"tokens must be a list of token strings; got the single string {tokens!r}")
    if tokens is not None:
        tokens = [str(t) for t in tokens]
        if n_query > n_key:
            raise ShapeError(f"the attention pattern has more queries ({n_query}) than keys ({n_key}), so one token list "
                             f"cannot label both; draw the window without tokens=")
        if len(tokens) != n_key:
            raise LabelError(f"got {len(tokens)} tokens but the attention pattern has {n_key} key positions "
                             f"(query × key = {n_query} × {n_key}); pass the tokens of the same prompt and batch item")
    n_layers, n_heads = da.sizes["layer"], da.sizes["head"]
    cells = (q1 - q0) * (k1 - k0)
    if cells * n_layers * n_heads > c.CELL_BUDGET:
        raise VizkitError(f"the window query=({q0}, {q1}) × key=({k0}, {k1}) is {q1 - q0}×{k1 - k0} = {cells:,} cells per head, "
                          f"× {n_layers * n_heads} head(s) = {cells * n_layers * n_heads:,}; a window is drawn at full "
                          f"resolution, at most {c.CELL_BUDGET:,} cells in all: narrow query=/key= or choose layer=/heads=")
    full = np.asarray(da.values)
    causal = is_causal(full)
    values = full[..., q0 - offset:q1 - offset, k0:k1]
    values = values.astype(float) if values.dtype not in (np.float32, np.float64) else values.copy()
    notes = [f"query positions {q0}–{q1 - 1} × key positions {k0}–{k1 - 1} of a {n_query}×{n_key} pattern, "
             f"every cell at full resolution", *c.nan_note(values)]
    if causal:
        after = np.arange(k0, k1)[None, :] > np.arange(q0, q1)[:, None]  # key after query: masked
        if after.any():
            values = np.where(after, np.nan, values)
            notes.append("cells with the key after the query masked (causal attention)")
    value_label = c.label_for(labels, "color", default="attention")
    finite = values[np.isfinite(values)]
    if zmid is not None:
        scale = c.colorscale(values, colorscale=colorscale, zmin=zmin, zmax=zmax, zmid=zmid, title=value_label)
    else:
        lo = float(finite.min()) if finite.size else 0.0
        scale = c.colorscale(values, colorscale=colorscale or "Blues", zmin=min(0.0, lo) if zmin is None else zmin,
                             zmax=zmax, title=value_label, diverging=False)
    layers = [int(v) for v in np.asarray(da.coords["layer"].values)] if "layer" in da.coords else None
    head_ids = [int(v) for v in np.asarray(da.coords["head"].values)] if "head" in da.coords else None
    slider = Slider(name="layer", labels=[str(v) for v in layers or range(n_layers)]) if mode == "slider" and n_layers > 1 else None
    if facet_cols is None:
        facet_cols = n_heads if n_layers > 1 and not slider else min(4, n_heads)
    per_frame = n_heads if slider else n_layers * n_heads
    x_title = c.label_for(labels, "x", "key", default="key")
    y_title = c.label_for(labels, "y", "query", default="query")
    ql, kl = window_labels(tokens, q0, q1), window_labels(tokens, k0, k1)
    panels = []
    for li in range(n_layers):
        for hi in range(n_heads):
            i = hi if slider else li * n_heads + hi
            x_axis, y_axis = outer_titles(i, per_frame, facet_cols, x_title, y_title)
            head = f"H{head_ids[hi]}" if head_ids is not None else None
            name = head if layers is None else f"L{layers[li]}{head or ''}"
            panels.append(heatmap_panel(values[li, hi], scale, x_labels=kl, y_labels=ql, x_title=x_title, y_title=y_title,
                                        value_label=value_label, title=name, frame=li if slider else 0,
                                        x_axis_title=x_axis, y_axis_title=y_axis))
    # "causal" tells a backend to mask the upper triangle itself (CircuitsVis' maskUpperTri): right only when the
    # window's queries are its last keys; elsewhere the NaN cells above carry the mask.
    meta = {"layers": layers, "heads": head_ids, "tokens": None if tokens is None else list(tokens),
            "causal": causal and q1 == k1 and q0 >= k0,
            "batch": int(batch), "window": {"query": [q0, q1], "key": [k0, k1]}}
    return c.figure("attention", panels, title=title, facet_cols=facet_cols, slider=slider, width=width,
                    height=height, theme=theme, backend=backend, notes=notes, meta=meta)
