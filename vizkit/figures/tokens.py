"""Token-coloured text: each token's background shows a value (activation, loss, attribution).

Several rows of values (one per neuron, head or layer) travel in one mark and are selectable.
Tokens are data, never markup: backends escape them; whitespace is made visible here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..adapters import to_dataarray
from ..errors import LabelError, ShapeError, VizkitError
from ..spec import Axis, Panel, TokenText
from ..spec.marks import ROW_RANGES
from . import _common as c
from ._keywords import figure_function


@figure_function
def tokens(
    tokens: Sequence[str],
    values: Any,
    *,
    row_labels: Sequence[str] | None = None,
    zmin: float | None = None,
    zmax: float | None = None,
    zmid: float | None = None,
    colorscale: str | None = None,
    row_ranges: str = "shared",
    value_label: str = "value",
    labels: dict | None = None,
    title: str | None = None,
    width: int | None = None,
    height: int | None = None,
    backend: str | None = None,
    theme: str | None = None,
):
    """Text whose tokens are coloured by ``values``.

    Parameters
    ----------
    tokens : sequence of str
        Token strings (``model.to_str_tokens(...)``); repeated tokens stay separate.
    values : array-like, torch.Tensor or xarray.DataArray
        ``[tokens]`` or ``[rows, tokens]`` (a DataArray's first-dim coordinate names the rows).
        With one value fewer than tokens (TransformerLens' ``loss_per_token=True``: the value at
        ``i`` is the loss of predicting token ``i + 1``), each value goes on the token it
        predicts, the first token has none, and a note says so.
    row_labels : sequence of str, optional
        A name per value row (``["L0N12", "L1N3"]``), shown in the row selector.
    zmin, zmax, zmid : float, optional
        Colour range. Signed values get a diverging scale centred at ``zmid=0``; non-negative
        values a sequential scale from their minimum to their maximum.
    colorscale : str, optional
        A scale name (default ``"RdBu"`` for signed values, ``"Blues"`` otherwise).
    row_ranges : {"shared", "each"}
        ``"shared"`` (default): every value row on one colour range, so colours compare across rows.
        ``"each"``: each row on its own range (symmetric around ``zmid`` for signed values, so 0 stays
        the middle colour; the row's minimum to maximum otherwise), and the colour bar shows the
        selected row's range; for rows of different units (probabilities next to logits), where one
        shared range would draw the small-valued row nearly blank. Not with ``zmin``/``zmax``.
    value_label : str
        Name of the value in the hover and the colour bar (``labels={"color": ...}`` also sets it).

    Returns
    -------
    vizkit.Figure
        ``kind="tokens"`` with one :class:`~vizkit.spec.TokenText` mark; ``meta["tokens"]``
        holds the raw token strings.
    """
    if isinstance(tokens, str):
        raise LabelError(f"tokens must be a list of token strings; got the single string {tokens!r}. "
                         f"Use model.to_str_tokens(text) to split it")
    toks = [str(t) for t in tokens]
    da = to_dataarray(values)
    if da.ndim not in (1, 2):
        raise ShapeError(f"token values must be [tokens] or [rows, tokens]; got shape {da.shape}")
    value_label = c.label_for(labels, "color", default=value_label)
    if row_ranges not in ROW_RANGES:
        raise VizkitError(f"row_ranges must be one of {', '.join(map(repr, ROW_RANGES))}; got {row_ranges!r}")
    if row_ranges == "each" and (zmin is not None or zmax is not None):
        raise VizkitError(f"row_ranges='each' fits a colour range to each value row, so it takes no zmin/zmax; got "
                          f"zmin={zmin!r}, zmax={zmax!r}. Pass row_ranges='shared' for one range, or leave zmin/zmax out")
    notes = []
    if da.shape[-1] == len(toks) - 1:
        da = _shift_to_predicted(da)
        notes.append(f"{len(toks) - 1} values for {len(toks)} tokens: each is shown on the token it predicts "
                     f"(value i belongs to token i + 1, as TransformerLens' per-token loss); the first token has none")
    if da.shape[-1] != len(toks):
        raise LabelError(f"got {len(toks)} tokens but {da.shape[-1]} values per row (values of shape {da.shape}); "
                         f"pass the values of the same prompt")
    if row_labels is None and da.ndim == 2:
        row_labels = c.coord_labels(da, da.dims[0])
    arr = np.asarray(da.values, dtype=float)
    finite = arr[np.isfinite(arr)]
    signed = bool(finite.size and finite.min() < 0)
    scale = c.colorscale(arr, colorscale=colorscale, zmin=zmin, zmax=zmax,
                         zmid=zmid if zmid is not None else (0.0 if signed else None),
                         title=value_label, diverging=signed or None)
    mark = TokenText(tokens=c.token_labels(toks), values=arr, colorscale=scale, row_labels=row_labels,
                     value_label=value_label, row_ranges=row_ranges)
    meta = {"tokens": toks, "rows": None if mark.row_labels is None else list(mark.row_labels)}
    return c.figure("tokens", [Panel(marks=(mark,), x=Axis(), y=Axis())], title=title, width=width, height=height,
                    theme=theme, backend=backend, notes=[*notes, *c.nan_note(arr[..., 1:] if notes else arr)], meta=meta)


def _shift_to_predicted(da):
    """``da`` with a NaN first along its last dim: values ``0 .. n-2`` move onto tokens ``1 .. n-1``."""
    import xarray as xr

    values = np.asarray(da.values, dtype=float)
    pad = np.full((*values.shape[:-1], 1), np.nan)
    return xr.DataArray(np.concatenate([pad, values], axis=-1), dims=da.dims,
                        coords={d: da.coords[d] for d in da.dims[:-1] if d in da.coords}, name=da.name)
