"""Activation-patching results: layer × position, layer × head, one panel per patch type.

Takes a TransformerLens 4 ``PatchingResult`` (its ``axis_names``, metric names and the
``patch_type_names`` of the ``*_every`` helpers), the plain tensors that TL 2/3 and TL 4 return
by default, or any tensor with ``dims``. The colour scale diverges around 0 (patching restores
or hurts the metric) and is shared by every panel.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..errors import DimensionError, ShapeError, VizkitError
from . import _common as c
from ._keywords import TEXT_COORD, cell_text, figure_function
from ._panels import heatmap_panel, outer_titles

#: Dims a patching panel can put on its axes, in the order rows are chosen (layer on y first).
_ROW_DIMS = ("layer",)
_COL_DIMS = ("pos", "head")


@figure_function
def patching(
    result: Any,
    *,
    tokens: Sequence[str] | None = None,
    dims: Sequence[str] | None = None,
    model: Any = None,
    metric: str | int | None = None,
    labels: dict | None = None,
    title: str | None = None,
    zmid: float | None = 0.0,
    zmin: float | None = None,
    zmax: float | None = None,
    colorscale: str | None = None,
    facet_cols: int | None = None,
    value_label: str | None = None,
    text: Any = None,
    text_auto: bool | str = False,
    width: int | None = None,
    height: int | None = None,
    backend: str | None = None,
    theme: str | None = None,
):
    """A heatmap of an activation-patching sweep, one panel per patch type.

    Parameters
    ----------
    result : PatchingResult, torch.Tensor, array-like or xarray.DataArray
        What ``transformer_lens.patching`` returned: a ``PatchingResult`` (TL 4, named axes and
        metrics; per-example values are averaged), a tensor from ``get_act_patch_resid_pre``
        (``[layer, pos]``), ``get_act_patch_attn_head_out_all_pos`` (``[layer, head]``),
        ``get_act_patch_block_every`` (``[patch_type, layer, pos]``) ..., or any tensor with ``dims``.
    tokens : sequence of str, optional
        Token strings labelling the ``pos`` axis (repeated tokens stay distinct columns).
    dims : sequence of str, optional
        Dim names of a plain tensor, among ``patch_type``, ``layer``, ``pos``, ``head``. Without
        them the dims are read from the shape, ``tokens`` and ``model`` (an error names the
        ``dims=`` to pass when several layouts fit).
    model : HookedTransformer or TransformerBridge, optional
        The patched model: its layer and head counts tell ``layer``, ``head`` and ``pos`` apart.
    metric : str or int, optional
        Which metric to draw when the result holds several.
    zmid, zmin, zmax : float, optional
        Colour range; by default symmetric around ``zmid=0``.
    colorscale : str, optional
        A diverging scale name (default ``"RdBu"``).
    facet_cols : int, optional
        Patch-type panels per row (default up to 3).
    value_label : str, optional
        Name of the value in the hover and colour bar (default: the metric name).
    text : array-like of str, optional
        Text for each cell, the shape of the drawn sweep (after the metric is picked and
        per-example values averaged), e.g. ``[layer, pos]``.
    text_auto : bool or str
        Write each cell's value in it (``True``: 3 significant digits, or a format like ``".2f"``).

    Returns
    -------
    vizkit.Figure
        ``kind="patching"``; ``meta`` holds ``dims``, ``patch_types`` and ``metric``.
    """
    from ..adapters.patching import patching_result

    da = patching_result(result, dims=dims, tokens=tokens, model=model)
    da, metric_name, notes = _reduce(da, metric)
    facet = "patch_type" if "patch_type" in da.dims else None
    plotted = [d for d in da.dims if d != facet]
    if len(plotted) not in (2, 3):
        raise ShapeError(f"patching draws 2-D sweeps (layer × pos, layer × head) or layer × pos × head; got dims "
                         f"{tuple(da.dims)} (shape {da.shape})")
    y_dim, x_dim = _axes(plotted)
    if tokens is not None and "pos" in da.dims and c.coord_labels(da, "pos") is None:
        from ..adapters import with_coord

        da = with_coord(da, "pos", [str(t) for t in tokens], what="tokens")
    values = np.asarray(da.values, dtype=float)
    cells = cell_text(da, text, text_auto)
    if cells is not None:
        da = da.assign_coords({TEXT_COORD: (da.dims, cells)})
    label = value_label or c.label_for(labels, "color", default=metric_name or "patched metric")
    scale = c.colorscale(values, colorscale=colorscale, zmin=zmin, zmax=zmax, zmid=zmid, title=label, diverging=True)
    types = (c.coord_labels(da, facet) or [f"patch type {i}" for i in range(da.sizes[facet])]) if facet else [None]
    cols = facet_cols or min(3, len(types))
    panels = []
    for i, ptype in enumerate(types):
        sub = da.isel({facet: i}) if facet else da
        z, ylabels = _matrix(sub, y_dim, x_dim)
        xlabels = _labels(sub, x_dim)
        y_name = c.label_for(labels, "y", default="layer × head" if isinstance(y_dim, tuple) else y_dim)
        x_name = c.label_for(labels, "x", default=x_dim)
        x_axis, y_axis = outer_titles(i, len(types), cols, x_name, y_name)
        panel = heatmap_panel(z, scale, x_labels=xlabels, y_labels=ylabels, x_title=x_name, y_title=y_name,
                              value_label=label, title=ptype, x_axis_title=x_axis, y_axis_title=y_axis)
        if cells is not None:
            strings = _matrix(sub.coords[TEXT_COORD], y_dim, x_dim, dtype=object)[0]
            heat = panel.marks[0].replace(text=strings, text_label="text" if text is not None else "value")
            panel = panel.replace(marks=(heat,))
        panels.append(panel)
    meta = {"dims": [str(d) for d in da.dims], "patch_types": None if facet is None else types, "metric": metric_name}
    return c.figure("patching", panels, title=title, facet_cols=cols, width=width, height=height, theme=theme,
                    backend=backend, notes=[*notes, *c.nan_note(values)], meta=meta)


def _reduce(da, metric):
    """Select the metric, average per-example values; returns (da, metric name, notes)."""
    notes: list[str] = []
    metric_name = str(da.name) if isinstance(da.name, str) else None
    if "metric" in da.dims:
        names = c.coord_labels(da, "metric") or [str(i) for i in range(da.sizes["metric"])]
        if metric is None:
            if len(names) > 1:
                raise VizkitError(f"the result holds {len(names)} metrics {names}; pass metric= to choose one")
            metric = 0
        if isinstance(metric, str):
            if metric not in names:
                raise DimensionError(f"unknown metric {metric!r}; the result holds {names}")
            metric = names.index(metric)
        if not 0 <= int(metric) < len(names):
            raise DimensionError(f"metric index {metric} is out of range for metrics {names}")
        metric_name = names[int(metric)]
        da = da.isel(metric=int(metric))
    elif metric is not None:
        raise VizkitError(f"metric={metric!r} was given but the result holds a single metric (dims {tuple(da.dims)})")
    if "batch" in da.dims:
        n = da.sizes["batch"]
        notes.append(f"mean over {n} example{'s' if n != 1 else ''}")
        da = da.mean("batch", keep_attrs=True)
    return da, metric_name, notes


def _axes(plotted: list[str]):
    """(y, x) dims: layer on y (layer × head rows for 3-D sweeps), pos or head on x."""
    if len(plotted) == 3:
        if set(plotted) != {"layer", "pos", "head"}:
            raise DimensionError(f"a 3-D patching sweep must have dims layer, pos and head; got {tuple(plotted)}")
        return ("layer", "head"), "pos"
    y_dim = next((d for d in plotted if d in _ROW_DIMS), plotted[0])
    x_dim = next(d for d in plotted if d != y_dim)
    return y_dim, x_dim


def _matrix(sub, y_dim, x_dim, dtype=float) -> tuple[np.ndarray, list[str]]:
    """The 2-D values of one panel (or its cell text, ``dtype=object``) and their row labels (``L0H3`` rows for layer × head)."""
    if isinstance(y_dim, tuple):
        layer, head = y_dim
        sub = sub.transpose(layer, head, x_dim)
        ls, hs = _labels(sub, layer), _labels(sub, head)
        z = np.asarray(sub.values, dtype=dtype).reshape(len(ls) * len(hs), sub.sizes[x_dim])
        return z, [f"L{layer_}H{head_}" for layer_ in ls for head_ in hs]
    sub = sub.transpose(y_dim, x_dim)
    return np.asarray(sub.values, dtype=dtype), _labels(sub, y_dim)


def _labels(da, dim: str) -> list[str]:
    labels = c.coord_labels(da, dim)
    if labels is None:
        return [str(i) for i in range(da.sizes[dim])]
    return c.token_labels(labels) if dim == "pos" else labels
