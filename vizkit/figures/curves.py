"""Training curves: one faint raw line and one bold smoothed line per run, on a step axis.

Runs come as a dict of name → values (lengths may differ), a pandas DataFrame (wide: one column
per run, the index or a ``step`` column as steps; long: a step column, a run column and one value
column), a list of runs, or a ``[run, step]`` array (read by :mod:`vizkit.adapters.runs`). Smoothing is the debiased exponential moving
average TensorBoard and W&B draw; long runs are downsampled keeping each bucket's min and max,
so loss spikes survive.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..adapters.runs import runs as read_runs
from ..errors import VizkitError
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
    series, x_title, y_title = read_runs(runs, x, names)
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
