"""Training curves: one faint raw line and one bold smoothed line per run, on a step axis.

Runs come as a dict of name → values (lengths may differ), a pandas DataFrame (wide: one column
per run, the index or a ``step`` column as steps; long: a step column, a run column and one value
column), a list of runs, or a ``[run, step]`` array. Smoothing is the debiased exponential moving
average TensorBoard and W&B draw; long runs are downsampled keeping each bucket's min and max,
so loss spikes survive.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..adapters import to_numpy
from ..errors import EmptyDataError, LabelError, ShapeError, UnsupportedInputError, VizkitError, describe
from ..spec import Axis, Line, Panel
from ..spec.colors import CATEGORICAL
from . import _common as c
from ._keywords import figure_function

#: Opacity of the raw curve drawn under the smoothed one.
RAW_OPACITY = 0.3


@figure_function
def loss_curves(
    runs: Any,
    smooth: float = 0.0,
    *,
    log_x: bool = False,
    log_y: bool = False,
    x: str | Sequence | dict | None = None,
    names: Sequence[str] | None = None,
    labels: dict | None = None,
    title: str | None = None,
    width: int | None = None,
    height: int | None = None,
    backend: str | None = None,
    theme: str | None = None,
):
    """Loss (or any metric) against training step, one colour per run.

    Parameters
    ----------
    runs : dict, pandas.DataFrame, list, array-like or torch.Tensor
        ``{"lr=1e-3": losses_a, "lr=3e-3": losses_b}`` (values: sequences, tensors or pandas
        Series whose index is the step), a DataFrame, a list of runs, or one run.
    smooth : float
        EMA weight in ``[0, 1)``: 0 draws the raw curve only; 0.9 draws the raw curve faint and
        the smoothed curve bold, in the same colour and legend group.
    x : str, sequence or dict, optional
        Steps: a DataFrame column name, one sequence for every run, or a dict run → steps.
        Default: the Series/DataFrame index, else ``0, 1, 2, ...``.
    names : sequence of str, optional
        Run names for a list of runs (default ``run 0``, ``run 1``, ...).
    """
    if not 0.0 <= float(smooth) < 1.0:
        raise VizkitError(f"smooth must be in [0, 1) (0: no smoothing, 0.9: strong); got {smooth}")
    series, x_title, y_title = _runs(runs, x, names)
    marks, notes, downsampled = [], [], []
    for i, (name, steps, values) in enumerate(series):
        color = CATEGORICAL[i % len(CATEGORICAL)]
        single = c.lone_point(values)  # one point: a line through it draws nothing, a marker does
        steps, shown = c.log_gaps(steps, log_x), c.log_gaps(values, log_y)
        rx, ry = c.downsample_minmax(steps, shown)
        if len(rx) < len(steps):
            downsampled.append(name)
        if smooth > 0:
            marks.append(Line(x=rx, y=ry, name=f"{name} (raw)", color=color, width=1.0, opacity=RAW_OPACITY,
                              legend=False, group=name, markers=single))
            sx, sy = c.downsample_minmax(steps, c.log_gaps(ema(values, smooth), log_y))
            marks.append(Line(x=sx, y=sy, name=name, color=color, width=2.5, group=name, markers=single))
        else:
            marks.append(Line(x=rx, y=ry, name=name, color=color, width=2.0, group=name, markers=single))
    if downsampled:
        notes.append(f"{', '.join(downsampled)}: downsampled to about {c.POINT_BUDGET} points (min/max per bucket keeps spikes)")
    notes += c.log_note(x=np.concatenate([s for _, s, _ in series]) if log_x else None,
                        y=np.concatenate([v for _, _, v in series]) if log_y else None)
    panel = Panel(marks=tuple(marks), x=Axis(c.label_for(labels, "x", default=x_title), log=log_x),
                  y=Axis(c.label_for(labels, "y", default=y_title), log=log_y))
    all_values = np.concatenate([v for _, _, v in series])
    meta = {"runs": [n for n, _, _ in series], "smooth": float(smooth), "lengths": [int(len(v)) for _, _, v in series]}
    return c.figure("loss_curves", [panel], title=title, width=width, height=height, theme=theme, backend=backend,
                    legend_title="run" if len(series) > 1 else None, notes=[*notes, *c.nan_note(all_values)], meta=meta)


def ema(values: np.ndarray, weight: float) -> np.ndarray:
    """Debiased exponential moving average (TensorBoard's smoothing); NaN/inf points stay gaps.

    ``s_t = w s_{t-1} + (1 - w) v_t`` over the finite values, divided by ``1 - w^k`` after ``k``
    finite values so the start is not pulled toward 0. Vectorised in blocks short enough that
    ``w^-i`` stays below 1e8 (a million steps take milliseconds).
    """
    v = np.asarray(values, dtype=float)
    out = np.full(v.shape, np.nan)
    finite = np.isfinite(v)
    x = v[finite]
    if weight == 0.0 or x.size == 0:
        out[finite] = x
        return out
    block = int(min(4096, max(1, 8 * np.log(10) / -np.log(weight))))
    smoothed = np.empty(x.size)
    prev = 0.0
    for a in range(0, x.size, block):
        seg = x[a:a + block]
        powers = weight ** np.arange(seg.size)  # w^i
        smoothed[a:a + seg.size] = weight * powers * prev + (1.0 - weight) * powers * np.cumsum(seg / powers)
        prev = smoothed[a + seg.size - 1]
    out[finite] = smoothed / (1.0 - weight ** np.arange(1, x.size + 1))
    return out


# ---------------------------------------------------------------------------------------------
# Inputs → [(name, steps, values)]


def _runs(runs, x, names) -> tuple[list[tuple[str, np.ndarray, np.ndarray]], str, str | None]:
    pd = sys.modules.get("pandas")
    y_title = "loss"
    x_title = "step"
    if pd is not None and isinstance(runs, pd.DataFrame):
        runs, x_title, y_title = _from_frame(runs, x, pd)
        x = None
    elif isinstance(runs, dict):
        pass
    elif isinstance(runs, (list, tuple)) and runs and not np.isscalar(runs[0]):
        runs = _named(list(runs), names)
    else:
        arr = _values(runs, "runs")
        if arr.ndim == 1:
            runs = {(names[0] if names else "loss"): arr}
        elif arr.ndim == 2:
            runs = _named(list(arr), names)
        else:
            raise ShapeError(f"loss_curves takes one run [step] or several [run, step]; got shape {arr.shape}")
    if names is not None and isinstance(runs, dict) and len(names) != len(runs):
        raise LabelError(f"names has {len(names)} entries but there are {len(runs)} runs")
    if not runs:
        raise EmptyDataError("loss_curves() got no runs; expected a dict of name → values")
    if isinstance(x, str):
        raise VizkitError(f"x={x!r} names a column, which needs a DataFrame; got {describe(runs)}")
    out = []
    for name, raw in runs.items():
        name = str(name)
        steps, values = _steps_values(raw, name, x, pd)
        out.append((name, steps, values))
    return out, x_title, y_title


def _named(items: list, names) -> dict:
    if names is not None and len(names) != len(items):
        raise LabelError(f"names has {len(names)} entries but there are {len(items)} runs")
    return {(str(names[i]) if names is not None else f"run {i}"): v for i, v in enumerate(items)}


def _values(raw, name: str) -> np.ndarray:
    try:
        arr = np.asarray(to_numpy(raw), dtype=float)
    except (TypeError, ValueError) as exc:
        if isinstance(exc, VizkitError):
            raise
        raise UnsupportedInputError(f"run {name!r}: expected a sequence of numbers; got {describe(raw)}") from None
    return arr


def _steps_values(raw, name, x, pd) -> tuple[np.ndarray, np.ndarray]:
    index = None
    if pd is not None and isinstance(raw, pd.Series):
        index = np.asarray(raw.index, dtype=float)
    values = _values(raw, name)
    if values.ndim == 2 and 1 in values.shape:
        values = values.ravel()
    if values.ndim != 1:
        raise ShapeError(f"run {name!r} must be 1-D (one value per step); got shape {values.shape}")
    if values.size == 0:
        raise EmptyDataError(f"run {name!r} has no values")
    steps = x.get(name) if isinstance(x, dict) else x
    if steps is None:
        steps = index if index is not None else np.arange(len(values), dtype=float)
    try:
        steps = np.asarray(to_numpy(steps), dtype=float).ravel()
    except (TypeError, ValueError) as exc:
        if isinstance(exc, VizkitError):
            raise
        raise LabelError(f"run {name!r}: steps must be numbers; got {describe(steps)}") from None
    if len(steps) != len(values):
        raise LabelError(f"run {name!r} has {len(values)} values but {len(steps)} steps")
    return steps, values


def _from_frame(df, x, pd):
    """A DataFrame → dict of name → Series indexed by step; also the x and y titles."""
    if df.empty:
        raise EmptyDataError("loss_curves() got an empty DataFrame")
    step_col = x if isinstance(x, str) else ("step" if "step" in df.columns else None)
    if step_col is not None:
        if step_col not in df.columns:
            raise LabelError(f"x={step_col!r} is not a column; the DataFrame has columns {list(df.columns)}")
        df = df.set_index(step_col)
    x_title = str(step_col or df.index.name or "step")
    text = [col for col in df.columns if not pd.api.types.is_numeric_dtype(df[col])]
    numeric = [col for col in df.columns if col not in text]
    if text:  # long format: one run column and one value column
        if len(text) != 1 or len(numeric) != 1:
            raise ShapeError(f"a long DataFrame needs one run column and one value column (plus the step); got text "
                             f"columns {text} and numeric columns {numeric}")
        run_col, value_col = text[0], numeric[0]
        runs = {str(k): g[value_col].dropna() for k, g in df.groupby(run_col, sort=False)}
        return runs, x_title, str(value_col)
    if not numeric:
        raise EmptyDataError(f"the DataFrame has no numeric columns to draw; columns {list(df.columns)}")
    runs = {str(col): df[col].dropna() for col in numeric}
    return runs, x_title, str(numeric[0]) if len(numeric) == 1 else "loss"
