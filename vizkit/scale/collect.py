"""Collect activations over a dataset into a resumable Zarr store, and read them back lazily.

:func:`collect` runs a model over token batches with ``run_with_cache`` (only the named hooks),
reduces each hook on the fly if asked, and appends one Zarr chunk per batch and hook. After each
batch it rewrites a small progress record atomically, so a run killed at any moment resumes at
the first unfinished batch and keeps every finished one. A store written for other hooks, another
reduction or other shapes is refused with :class:`StoreMismatchError`, never mixed.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..adapters.transformer_lens import hook_dims
from ..errors import UnknownHookError, VizkitError, describe, require
from .inputs import EXTRA

#: The progress record inside the store (JSON, rewritten atomically after every batch).
PROGRESS = "vizkit_progress.json"
#: Per-hook reductions: what is stored for each sequence of a batch.
REDUCTIONS = {
    None: "every position: rows are sequences ('batch', 'pos', ...)",
    "tokens": "every position, one row per token ('token', ...)",
    "max": "the maximum over positions, one row per sequence ('batch', ...)",
    "sample": "`positions` randomly chosen positions per sequence, one row per token ('token', ...)",
}
_FORMAT = 1


class StoreMismatchError(VizkitError):
    """An existing store was written with other hooks, reductions or shapes than this run."""


def _write_json_atomic(path: Path, record: dict) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w") as fh:
            json.dump(record, fh, indent=1)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _plan(hooks, reduce, positions) -> dict[str, dict]:
    """``{hook: {"reduce": ..., "dims": (...)}}`` for the requested hooks, checked."""
    names = [hooks] if isinstance(hooks, str) else list(hooks)
    if not names or len(set(names)) != len(names):
        raise VizkitError(f"hooks must be one or more distinct hook names; got {hooks!r}")
    plan = {}
    for name in names:
        how = reduce.get(name) if isinstance(reduce, dict) else reduce
        if how not in REDUCTIONS:
            raise VizkitError(f"reduce for {name!r} must be one of {list(REDUCTIONS)}; got {how!r}")
        dims = hook_dims(name)
        if dims is None or dims[:1] != ("pos",) and dims[:1] != ("head",):
            raise UnknownHookError(f"{name!r} is not a TransformerLens hook vizkit knows "
                                   f"(expected e.g. 'blocks.0.mlp.hook_post' or 'blocks.1.hook_resid_post')")
        if how is not None and dims[0] != "pos":
            raise VizkitError(f"reduce={how!r} works over the 'pos' dim; {name!r} has dims {dims}: use reduce=None for it")
        if how == "sample" and (positions is None or int(positions) < 1):
            raise VizkitError(f"reduce='sample' needs positions=k (k ≥ 1 positions per sequence); got positions={positions!r}")
        stored = ("batch", *dims) if how is None else (("batch",) if how == "max" else ("token",)) + dims[1:]
        plan[name] = {"reduce": how, "dims": list(stored)}
    kinds = {spec["reduce"] for spec in plan.values()}
    if {"tokens", "sample"} <= kinds:
        raise VizkitError("reduce='tokens' and reduce='sample' cannot share one store (their rows differ): collect them separately")
    if isinstance(reduce, dict) and set(reduce) - set(names):
        raise VizkitError(f"reduce names hooks that are not collected: {sorted(set(reduce) - set(names))}")
    return plan


def _sampled_positions(n_seq: int, n_pos: int, k: int, seed: int, batch_index: int) -> np.ndarray:
    """``[n_seq, k]`` sorted positions per sequence, the same for a batch whenever it is (re)run."""
    if k > n_pos:
        raise VizkitError(f"positions={k} but the sequences have only {n_pos} positions")
    rng = np.random.default_rng([seed, batch_index])
    return np.sort(np.stack([rng.choice(n_pos, size=k, replace=False) for _ in range(n_seq)]), axis=1)


def _reduced(acts: np.ndarray, how: str | None, picks: np.ndarray | None) -> np.ndarray:
    if how is None:
        return acts
    if how == "max":
        return acts.max(axis=1)
    if how == "tokens":
        return acts.reshape(-1, *acts.shape[2:])
    rows = np.arange(acts.shape[0])[:, None]
    return acts[rows, picks].reshape(-1, *acts.shape[2:])


def _run(model, tokens, plan: dict, seed: int, positions, batch_index: int) -> dict[str, np.ndarray]:
    """One batch through the model: ``{array name: rows to append}``."""
    import torch

    wanted = set(plan)
    with torch.no_grad():
        _, cache = model.run_with_cache(tokens, names_filter=lambda name: name in wanted)
    missing = sorted(wanted - set(cache.keys()))
    if missing:
        raise UnknownHookError(f"the model's cache has no hook {missing}; it has e.g. {sorted(cache.keys())[:5]}")
    ids = np.asarray(tokens.detach().cpu() if hasattr(tokens, "detach") else tokens)
    n_seq, n_pos = ids.shape
    sampled = any(spec["reduce"] == "sample" for spec in plan.values())
    picks = _sampled_positions(n_seq, n_pos, int(positions), seed, batch_index) if sampled else None
    out = {name: _reduced(cache[name].detach().float().cpu().numpy(), spec["reduce"], picks) for name, spec in plan.items()}
    out["input_ids"] = ids.astype(np.int64)
    kinds = {spec["reduce"] for spec in plan.values()}
    if kinds & {"tokens", "sample"}:
        pos = picks if "sample" in kinds else np.broadcast_to(np.arange(n_pos), (n_seq, n_pos))
        out["token_seq"] = np.broadcast_to(np.arange(n_seq)[:, None], pos.shape).reshape(-1).astype(np.int64)
        out["token_pos"] = np.asarray(pos).reshape(-1).astype(np.int64)
    return out


def _check_tokens(tokens, i: int):
    shape = getattr(tokens, "shape", None)
    if shape is None or len(shape) != 2 or 0 in tuple(shape):
        raise VizkitError(f"batch {i} must be a [batch, pos] tensor of token ids; got {describe(tokens)}")


def _signature(plan, rows: dict[str, np.ndarray], positions, seed) -> dict:
    return {"format": _FORMAT, "hooks": plan, "positions": positions, "seed": seed,
            "row_shapes": {k: list(v.shape[1:]) for k, v in rows.items()},
            "batch_rows": {k: int(v.shape[0]) for k, v in rows.items()}}


def _mismatch(store: Path, old: dict, new: dict) -> StoreMismatchError:
    diffs = [f"{key}: store has {old.get(key)!r}, this run {new.get(key)!r}"
             for key in ("format", "hooks", "positions", "seed", "row_shapes", "batch_rows") if old.get(key) != new.get(key)]
    return StoreMismatchError(f"the Zarr store {str(store)!r} was written by a run with other settings, and vizkit never mixes "
                              f"two runs in one store. Differences: {'; '.join(diffs)}. Use a new store path, or pass "
                              f"overwrite=True to delete the old store and start again")


def collect(model: Any, hooks: str | Sequence[str], batches: Iterable, *, store: str | os.PathLike,
            reduce: str | dict | None = None, positions: int | None = None, seed: int = 0,
            overwrite: bool = False, progress: bool = True, total: int | None = None):
    """Run ``model`` over token batches and append the named hooks' activations to a Zarr store.

    Parameters
    ----------
    model : TransformerLens model (HookedTransformer or TL 4 TransformerBridge)
        Anything with ``run_with_cache(tokens, names_filter=...)``.
    hooks : str or sequence of str
        Full hook names (``"blocks.0.mlp.hook_post"``); only these are cached.
    batches : iterable of [batch, pos] token-id tensors
        The same batches in the same order on every run (a resumed run skips the finished ones
        without running the model on them). Every batch has the same shape except perhaps the last.
    store : path
        The Zarr store (a folder), created if missing, resumed if it holds an unfinished run of the
        same settings.
    reduce : None, "tokens", "max", "sample", or dict of hook → one of those
        ``None`` keeps ``[batch, pos, ...]``; ``"tokens"`` flattens to one row per token;
        ``"max"`` keeps each sequence's maximum over positions (per neuron); ``"sample"`` keeps
        ``positions`` random positions per sequence (seeded by ``seed`` and the batch index).
    overwrite : bool
        Delete an existing store first.
    progress : bool
        Show a tqdm progress bar (when tqdm is installed).
    total : int, optional
        Number of batches, for the progress bar when ``batches`` has no ``len``.

    Returns
    -------
    xarray.DataArray or xarray.Dataset
        Dask-backed, reading the store lazily: a DataArray for one hook (a ``str``), else a Dataset
        with one variable per hook. Dims as the cache adapter names them (``pos``, ``d_mlp``,
        ``d_model``, ``head`` ...) after ``batch`` or ``token``; token rows carry ``seq`` and ``pos``
        coordinates.

    Raises
    ------
    StoreMismatchError
        ``store`` holds a run of other hooks, reductions, positions or shapes.
    """
    zarr = require("zarr", EXTRA, "collect()")
    plan = _plan(hooks, reduce, positions)
    store = Path(store)
    with _exclusive(store):  # one writer at a time: two processes collecting into one store would interleave batches
        if overwrite and store.exists():
            import shutil

            shutil.rmtree(store)
        record_path = store / PROGRESS
        record = json.loads(record_path.read_text()) if record_path.exists() else None
        if record is None and store.exists() and any(store.iterdir()):
            raise StoreMismatchError(f"{str(store)!r} exists and is not a store written by vizkit.collect (no {PROGRESS}); "
                                     f"use a new path, or overwrite=True to delete it")
        if record is not None:
            wanted = {"format": _FORMAT, "hooks": plan, "positions": positions, "seed": seed}
            if any(record["signature"].get(k) != v for k, v in wanted.items()):
                raise _mismatch(store, record["signature"], {**record["signature"], **wanted})
            group = zarr.open_group(str(store), mode="a")
            for name, n in record["rows"].items():  # drop rows of a batch that was being written when the run died
                if group[name].shape[0] != n:
                    group[name].resize((n, *group[name].shape[1:]))
        done = record["batches_done"] if record else 0
        bar = _progress_bar(progress, batches, total, done)
        try:
            for i, tokens in enumerate(batches):
                if i < done:
                    continue
                _check_tokens(tokens, i)
                if record is not None and record.get("ended_short"):
                    raise VizkitError(f"batch {i - 1} was shorter than the others, so it had to be the last; got another batch after it")
                rows = _run(model, tokens, plan, seed, positions, i)
                if "token_seq" in rows:
                    rows["token_seq"] = rows["token_seq"] + (record["rows"]["input_ids"] if record else 0)
                if record is None:
                    record = _create(zarr, store, rows, _signature(plan, rows, positions, seed))
                    group = zarr.open_group(str(store), mode="a")
                else:
                    _check_rows(store, record, rows, plan, positions, seed)
                for name, values in rows.items():
                    group[name].append(values, axis=0)
                record["rows"] = {name: int(group[name].shape[0]) for name in rows}
                record["batches_done"] = i + 1
                record["ended_short"] = any(v.shape[0] < record["signature"]["batch_rows"][k] for k, v in rows.items())
                _write_json_atomic(record_path, record)
                bar.update(1)
        finally:
            bar.close()
    if record is None:
        from ..errors import EmptyDataError

        raise EmptyDataError("collect() got no batches; expected an iterable of [batch, pos] token tensors")
    return open_store(store, names=[hooks] if isinstance(hooks, str) else list(hooks), single=isinstance(hooks, str))



@contextlib.contextmanager
def _exclusive(store: Path):
    """Hold an exclusive lock on ``store`` (a ``.lock`` file beside it) across processes.

    A second process collecting into the same store waits, then resumes from the first one's
    record, which finished every batch: it writes nothing twice.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX: no inter-process lock
        yield
        return
    store.parent.mkdir(parents=True, exist_ok=True)
    with open(store.parent / f".{store.name}.lock", "a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

def _check_rows(store: Path, record: dict, rows: dict, plan, positions, seed) -> None:
    sig = record["signature"]
    new = _signature(plan, rows, positions, seed)
    short = all(v.shape[0] <= sig["batch_rows"][k] for k, v in rows.items())
    if sig["row_shapes"] != new["row_shapes"] or not short:
        raise _mismatch(store, sig, new)


def _create(zarr, store: Path, rows: dict, signature: dict) -> dict:
    group = zarr.open_group(str(store), mode="w")
    for name, values in rows.items():
        dims = signature["hooks"][name]["dims"] if name in signature["hooks"] else (
            ["seq", "pos"] if name == "input_ids" else ["token"])
        arr = group.create_array(name, shape=(0, *values.shape[1:]), chunks=values.shape, dtype=values.dtype)
        arr.attrs.update({"dims": dims, "hook": name})
    record = {"signature": signature, "batches_done": 0, "rows": {k: 0 for k in rows}, "ended_short": False}
    _write_json_atomic(store / PROGRESS, record)
    return record


def _progress_bar(enabled: bool, batches, total, done: int):
    try:
        from tqdm.auto import tqdm
    except ImportError:
        enabled = False
    if not enabled:
        class _Off:
            def update(self, n):
                pass

            def close(self):
                pass

        return _Off()
    n = total if total is not None else (len(batches) if hasattr(batches, "__len__") else None)
    return tqdm(total=n, initial=done, desc="vizkit.collect", unit="batch")


def open_store(store: str | os.PathLike, names: Sequence[str] | None = None, *, single: bool = False):
    """A store written by :func:`collect` as Dask-backed xarray (nothing is read until computed).

    Parameters
    ----------
    store : path
    names : sequence of str, optional
        Hooks to open (default: every hook in the store).
    single : bool
        Return the one hook's DataArray instead of a Dataset.
    """
    zarr = require("zarr", EXTRA, "reading a collect() store")
    xr = require("xarray", EXTRA, "reading a collect() store")
    da = require("dask.array", EXTRA, "reading a collect() store")
    record_path = Path(store) / PROGRESS
    if not record_path.exists():
        raise StoreMismatchError(f"{str(store)!r} is not a store written by vizkit.collect (no {PROGRESS})")
    record = json.loads(record_path.read_text())
    group = zarr.open_group(str(store), mode="r")
    names = list(names) if names is not None else list(record["signature"]["hooks"])
    variables = {}
    for name in names:
        n = record["rows"][name]
        arr = da.from_zarr(group[name])[:n]  # rows past the record belong to an unfinished batch
        variables[name] = xr.DataArray(arr, dims=record["signature"]["hooks"][name]["dims"], name=name)
    coords = {}
    if "token_seq" in record["rows"]:
        n = record["rows"]["token_seq"]
        coords = {"seq": ("token", group["token_seq"][:n]), "pos": ("token", group["token_pos"][:n])}
    out = xr.Dataset(variables).assign_coords({k: v for k, v in coords.items() if "token" in xr.Dataset(variables).dims})
    out.attrs.update({"store": str(store), "batches": record["batches_done"]})
    return out[names[0]] if single else out
