"""Argument normalisation shared by every figure function: labels, splits, colour scales, notes.

The keyword vocabulary itself (names, plotly-express aliases, docs) is in :mod:`._keywords`.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from ..errors import DimensionError, ShapeError
from ..spec import ColorScale, Figure, Slider
from ..spec.text import visible_token  # noqa: F401  (re-exported: figure modules call c.visible_token)

#: Heatmaps with more cells than this are block-averaged before they enter the spec.
CELL_BUDGET = 1_000_000
#: Lines with more points than this are downsampled (min/max per bucket keeps peaks).
POINT_BUDGET = 4_000

#: Panels per frame a facet may make: more would take minutes to draw and be unreadable.
MAX_PANELS = 144
#: Signed data whose most negative value is at most this fraction of its largest one gets a
#: sequential scale (GELU activations dip to about -0.17): the negatives stay visible as the lowest colours.
NEAR_NON_NEGATIVE = 0.2


def split_dim(da, value: Any, role: str) -> str | None:
    """The dim named by ``facet=``/``animate=``: a name, or an index into ``da.dims`` as plotly express takes."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        i = int(value)
        if not -da.ndim <= i < da.ndim:
            raise DimensionError(f"{role}={i} is not a dim index of data with dims {tuple(da.dims)} (rank {da.ndim})")
        return str(da.dims[i])
    raise DimensionError(f"{role}= takes a dim name or index; got {value!r}")


def check_panel_count(n: int, dim: str, size: int) -> None:
    """Refuse a facet that would make more than :data:`MAX_PANELS` panels."""
    if n > MAX_PANELS:
        raise DimensionError(f"facet={dim!r} would draw {size} panels per frame ({n} in all), more than the "
                             f"{MAX_PANELS} a figure can show readably; page through them with animate={dim!r}, or "
                             f"select fewer first (data.isel({dim}=slice(0, 16)))")


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
    """A colour scale fitted to ``values``; data that is non-negative but for a small dip below 0
    (GELU activations) gets a sequential scale from its minimum, not a diverging one."""
    if diverging is None and zmid is None and colorscale is None and near_non_negative(values):
        diverging = False
    return ColorScale.fit(values, name=colorscale, zmin=zmin, zmax=zmax, zmid=zmid, title=title, diverging=diverging)


def near_non_negative(values) -> bool:
    """Whether ``values`` dip below 0 by at most :data:`NEAR_NON_NEGATIVE` of their largest value."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if not v.size:
        return False
    lo, hi = float(v.min()), float(v.max())
    return lo < 0 < hi and -lo <= NEAR_NON_NEGATIVE * hi


def log_gaps(values, log: bool) -> np.ndarray:
    """``values`` with the points a log axis cannot draw (≤ 0) set to NaN, so a line breaks exactly there."""
    v = np.asarray(values, dtype=float)
    if not log:
        return v
    return np.where(v > 0, v, np.where(np.isfinite(v), np.nan, v))


def lone_point(y) -> bool:
    """Whether ``y`` has exactly one finite point: a line through it draws nothing, so it needs a marker."""
    return int(np.count_nonzero(np.isfinite(np.asarray(y, dtype=float)))) == 1


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
    """Shrink ``da`` along its two plotted dims by blocks until it fits in ``budget`` cells.

    Each block keeps its value of largest magnitude, with its sign (the maximum of non-negative
    data such as attention): a spike stays visible at its full height, where a block mean would
    average it away. Returns ``(da, note)``; the note says the original and new sizes (``None``
    when untouched).
    """
    ny, nx = da.sizes[y_dim], da.sizes[x_dim]
    if ny * nx <= budget:
        return da, None
    factor = math.ceil(math.sqrt(ny * nx / budget))
    blocks = da.coarsen({y_dim: factor, x_dim: factor}, boundary="pad")
    import warnings

    with warnings.catch_warnings():  # all-NaN blocks stay NaN; numpy warns about them
        warnings.simplefilter("ignore", RuntimeWarning)
        hi, lo = blocks.max(), blocks.min()
    small = hi.where(~(np.abs(lo) > np.abs(hi)), lo)
    note = (f"downsampled from {ny}×{nx} to {small.sizes[y_dim]}×{small.sizes[x_dim]} cells (each block of "
            f"{factor}×{factor} shows its largest-magnitude value)")
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
    check_backend_and_theme(fig)
    return fig


def check_backend_and_theme(fig: Figure) -> None:
    """Fail at the figure call, not later when it shows, on a misspelt theme or a backend that
    does not exist or cannot draw ``fig``'s kind. (The one place figures consult the backend
    registry, the leaf :mod:`vizkit._registry`: no backend module is imported.)"""
    if fig.backend is not None:
        from .._config import get_backend
        from .._registry import backends_for, supports
        from ..errors import UnsupportedFigureError

        name = get_backend(fig.backend)
        if not supports(name, fig.kind):
            can = ", ".join(repr(n) for n in backends_for(fig.kind))
            raise UnsupportedFigureError(
                f"the {name!r} backend cannot draw {fig.kind!r} figures; backends that can: {can}. "
                f"Pass backend=... or use vk.use_backend(...).")
    if fig.theme is not None:
        from ..spec.theme import check_theme_name

        check_theme_name(fig.theme)
