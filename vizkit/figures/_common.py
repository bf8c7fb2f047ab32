"""Argument normalisation shared by every figure function.

Keyword names follow plotly express and neel-plotly: ``x``/``y`` (tick labels or data),
``labels`` (axis/colour titles by role or dim name), ``title``, ``facet``/``facet_col``,
``facet_col_wrap``, ``animate``/``animation_frame``, ``zmin``/``zmax``/``zmid``,
``color_continuous_scale``/``color_continuous_midpoint``, ``log_x``/``log_y``.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from ..errors import DimensionError, ShapeError, VizkitError
from ..spec import ColorScale, Figure, Slider
from ..spec.text import visible_token  # noqa: F401  (re-exported: figure modules call c.visible_token)

#: Heatmaps with more cells than this are block-averaged before they enter the spec.
CELL_BUDGET = 1_000_000
#: Lines with more points than this are downsampled (min/max per bucket keeps peaks).
POINT_BUDGET = 4_000

_ALIASES = {
    "facet_col": "facet",
    "animation_frame": "animate",
    "color_continuous_midpoint": "zmid",
    "color_continuous_scale": "colorscale",
    "facet_col_wrap": "facet_cols",
}


def normalise_kwargs(kwargs: dict[str, Any]) -> dict[str, Any]:
    """Map plotly-express aliases to vizkit names (``facet_col`` → ``facet`` ...)."""
    out = dict(kwargs)
    for alias, name in _ALIASES.items():
        if alias in out:
            value = out.pop(alias)
            if out.get(name) is not None and value is not None:
                raise VizkitError(f"got both {alias}= and {name}=; they mean the same, pass one")
            out[name] = value
    return out


def check_unknown(kwargs: dict[str, Any], func: str) -> None:
    if kwargs:
        raise VizkitError(f"{func}() got unexpected keyword argument(s) {sorted(kwargs)}")


def label_for(labels: dict | None, *keys: str | None, default: str | None = None) -> str | None:
    """The first of ``labels[key]`` for ``keys`` (roles like ``"x"``, then dim names), else ``default``."""
    if labels:
        for k in keys:
            if k is not None and k in labels:
                return str(labels[k])
    return default


def token_labels(tokens: Sequence[str]) -> list[str]:
    return [visible_token(t) for t in tokens]


def coord_labels(da, dim: str) -> list[str] | None:
    """String labels from the coordinate of ``dim``, if it has one."""
    if dim in da.coords:
        return [str(v) for v in np.asarray(da.coords[dim].values).tolist()]
    return None


def split(da, facet: str | None, animate: str | None) -> Iterator[tuple[int, Any, str | None, Any]]:
    """Yield ``(frame, frame_label, panel_title, sub_array)`` for each facet of each frame."""
    check_split_dims(da, facet, animate)
    frames = range(da.sizes[animate]) if animate else [None]
    for fi, f in enumerate(frames):
        sub = da.isel({animate: f}) if animate else da
        flabel = _value_label(da, animate, f) if animate else None
        if facet:
            for j in range(sub.sizes[facet]):
                yield fi, flabel, f"{facet}={_value_label(da, facet, j)}", sub.isel({facet: j})
        else:
            yield fi, flabel, None, sub


def check_split_dims(da, facet: str | None, animate: str | None) -> None:
    """Raise :class:`DimensionError` unless ``facet`` and ``animate`` are distinct dims of ``da``."""
    for name, role in ((facet, "facet"), (animate, "animate")):
        if name is not None and name not in da.dims:
            raise DimensionError(f"{role}={name!r} is not a dim of the data; dims are {tuple(da.dims)}")
    if facet is not None and facet == animate:
        raise DimensionError(f"facet and animate must be different dims; both are {facet!r}")


def _value_label(da, dim: str, i: int) -> str:
    if dim in da.coords:
        return str(np.asarray(da.coords[dim].values)[i])
    return str(i)


def slider_for(da, animate: str | None) -> Slider | None:
    if animate is None:
        return None
    return Slider(name=animate, labels=[_value_label(da, animate, i) for i in range(da.sizes[animate])])


def colorscale(
    values: np.ndarray,
    *,
    colorscale: str | None = None,
    zmin: float | None = None,
    zmax: float | None = None,
    zmid: float | None = None,
    title: str | None = None,
    diverging: bool | None = None,
) -> ColorScale:
    return ColorScale.fit(values, name=colorscale, zmin=zmin, zmax=zmax, zmid=zmid, title=title, diverging=diverging)


def nan_note(values: np.ndarray, what: str = "value") -> list[str]:
    n = int(np.count_nonzero(~np.isfinite(np.asarray(values, dtype=float))))
    return [f"{n} NaN/inf {what}{'s' if n != 1 else ''} shown as gaps"] if n else []


def numeric(values, what: str = "data") -> np.ndarray:
    """``values`` as a float array, or a :class:`ShapeError` saying why they are not numbers
    (complex values, strings) instead of numpy's bare ``ValueError`` or a silent cast."""
    arr = np.asarray(values)
    if arr.dtype.kind in "biuf":
        return arr.astype(float, copy=False)
    if arr.dtype.kind == "c":
        raise ShapeError(f"{what} must be real numbers; got complex values (dtype {arr.dtype}): plot .abs(), .real "
                         f"or .angle() of them")
    try:
        return arr.astype(float)
    except (TypeError, ValueError):
        example = next((v.item() if isinstance(v, np.generic) else v for v in arr.flat), None)
        raise ShapeError(f"{what} must be numbers; got dtype {arr.dtype} (first value {example!r})") from None


def log_note(**axes) -> list[str]:
    """A note per log axis whose values (``x=..., y=...``; ``None`` for a linear axis) hold finite
    values ≤ 0: a log axis cannot draw them, and a figure must not drop them silently."""
    out = []
    for axis, values in axes.items():
        if values is None:
            continue
        v = np.asarray(values, dtype=float)
        n = int(np.count_nonzero(v[np.isfinite(v)] <= 0))
        if n:
            out.append(f"{n} non-positive value{'s' if n != 1 else ''} cannot be drawn on the log {axis} axis")
    return out


def coarsen_to_budget(da, y_dim: str, x_dim: str, budget: int = CELL_BUDGET):
    """Block-average ``da`` along its two plotted dims until it fits in ``budget`` cells.

    Returns ``(da, note)``; the note says the original and new sizes (``None`` when untouched).
    """
    ny, nx = da.sizes[y_dim], da.sizes[x_dim]
    if ny * nx <= budget:
        return da, None
    factor = math.ceil(math.sqrt(ny * nx / budget))
    small = da.coarsen({y_dim: factor, x_dim: factor}, boundary="pad").mean()
    note = f"downsampled from {ny}×{nx} to {small.sizes[y_dim]}×{small.sizes[x_dim]} cells (block mean of {factor}×{factor})"
    return small, note


def downsample_minmax(x: np.ndarray, y: np.ndarray, budget: int = POINT_BUDGET) -> tuple[np.ndarray, np.ndarray]:
    """Keep the first, min, max and last point of each bucket so peaks and spikes survive."""
    n = len(x)
    if n <= budget:
        return x, y
    buckets = max(1, budget // 4)
    edges = np.linspace(0, n, buckets + 1).astype(int)
    keep: list[int] = []
    yf = np.where(np.isfinite(y), y, np.nan)
    for a, b in zip(edges[:-1], edges[1:], strict=True):
        if b <= a:
            continue
        seg = yf[a:b]
        idx = {a, b - 1}
        if np.isfinite(seg).any():
            idx.add(a + int(np.nanargmin(seg)))
            idx.add(a + int(np.nanargmax(seg)))
        keep.extend(sorted(idx))
    keep_arr = np.array(sorted(set(keep)))
    return x[keep_arr], y[keep_arr]


def figure(kind: str, panels: list, **kwargs) -> Figure:
    """Build the :class:`Figure`, dropping ``None`` options."""
    notes = tuple(n for n in kwargs.pop("notes", ()) if n)
    fig = Figure(kind=kind, panels=tuple(panels), notes=notes, **{k: v for k, v in kwargs.items() if v is not None})
    if fig.backend is not None:  # a misspelt or unable backend fails at the call, not later when the figure shows
        from ..backends import resolve

        resolve(fig)
    if fig.theme is not None:
        from ..spec.theme import check_theme_name

        check_theme_name(fig.theme)
    return fig
