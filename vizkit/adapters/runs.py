"""Training runs from whatever the user holds → ``[(name, steps, values)]``.

Runs come as a dict of name → values (lengths may differ; pandas Series keep their index as
steps), a pandas DataFrame (wide: one column per run, the index or a ``step`` column as steps;
long: a step column, a run column and one value column), a list of runs, or a ``[run, step]``
array. pandas is never imported here unless the user already has.
"""

from __future__ import annotations

import sys
from typing import Any

import numpy as np

from ..errors import EmptyDataError, LabelError, ShapeError, UnsupportedInputError, VizkitError, describe
from . import to_numpy

__all__ = ["runs"]


def runs(held: Any, x: Any = None, names=None) -> tuple[list[tuple[str, np.ndarray, np.ndarray]], str, str | None]:
    """``held`` as a list of ``(name, steps, values)`` and the default x and y titles.

    Parameters
    ----------
    held : dict, pandas.DataFrame, list, array-like or torch.Tensor
        The runs (see the module docstring).
    x : str, sequence or dict, optional
        Steps: a DataFrame column name, one sequence for every run, or a dict run → steps.
    names : sequence of str, optional
        Run names for a list or ``[run, step]`` array of runs.
    """
    return _runs(held, x, names)




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
