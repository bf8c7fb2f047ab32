"""collect(): activations of the committed induction model over token batches into a Zarr store,
resumed after a SIGKILL with every finished chunk kept, and refused when settings differ."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("zarr")
pytest.importorskip("dask.array")

from vizkit.errors import VizkitError  # noqa: E402
from vizkit.scale import collect  # noqa: E402
from vizkit.scale.collect import PROGRESS, StoreMismatchError  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
N_BATCHES = 8
HOOKS = ["blocks.1.hook_resid_post", "blocks.0.attn.hook_pattern"]
REDUCE = {"blocks.1.hook_resid_post": "tokens", "blocks.0.attn.hook_pattern": None}


def _batch(i):
    from vizkit_gallery.data.models import induction_batch

    return induction_batch(6, seed=100 + i, batch=3)


@pytest.fixture(scope="module")
def model():
    from vizkit_gallery.data.models import load_induction_model

    return load_induction_model()


class _Counting:
    """The model, counting the batches it is run on."""

    def __init__(self, inner):
        self.inner, self.runs = inner, 0

    def run_with_cache(self, *args, **kwargs):
        self.runs += 1
        return self.inner.run_with_cache(*args, **kwargs)


_CHILD = textwrap.dedent("""
    import sys, time
    from vizkit_gallery.data.models import induction_batch, load_induction_model
    from vizkit.scale import collect

    def batches():
        for i in range({n}):
            if i >= 3:
                time.sleep(0.4)  # a slow data loader: the test kills this process during the run
            yield induction_batch(6, seed=100 + i, batch=3)

    collect(load_induction_model(), {hooks!r}, batches(), store=sys.argv[1], reduce={reduce!r}, progress=False)
    print("finished")
""")


def _chunk_files(store: Path) -> dict[str, tuple[int, bytes]]:
    return {str(p.relative_to(store)): (p.stat().st_mtime_ns, p.read_bytes())
            for p in store.rglob("*") if p.is_file() and "/c/" in str(p)}


def test_collect_resumes_after_sigkill_keeping_every_finished_chunk(tmp_path, model):
    store = tmp_path / "acts.zarr"
    env = dict(os.environ, PYTHONPATH=str(REPO))
    child = subprocess.Popen([sys.executable, "-c", _CHILD.format(n=N_BATCHES, hooks=HOOKS, reduce=REDUCE), str(store)],
                             env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        done = 0
        while done < 3 and time.monotonic() < deadline and child.poll() is None:
            time.sleep(0.05)
            if (store / PROGRESS).exists():
                done = json.loads((store / PROGRESS).read_text())["batches_done"]
        assert done >= 3, f"the child never finished 3 batches: {child.stderr.read() if child.poll() is not None else ''}"
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == -signal.SIGKILL
    record = json.loads((store / PROGRESS).read_text())
    finished = record["batches_done"]
    assert 3 <= finished < N_BATCHES
    kept = _chunk_files(store)
    counting = _Counting(model)
    out = collect(counting, HOOKS, [_batch(i) for i in range(N_BATCHES)], store=store, reduce=REDUCE, progress=False)
    assert counting.runs == N_BATCHES - finished  # the finished batches were not run again
    after = _chunk_files(store)
    assert all(after[name] == kept[name] for name in kept if name in after)  # finished chunks untouched
    assert sum(name.startswith("blocks.1.hook_resid_post/") for name in kept) >= finished
    # the resumed store holds exactly what one uninterrupted run gives
    import torch

    with torch.no_grad():
        caches = [model.run_with_cache(_batch(i), names_filter=lambda n: n in HOOKS)[1] for i in range(N_BATCHES)]
    resid = np.concatenate([c["blocks.1.hook_resid_post"].numpy().reshape(-1, 64) for c in caches])
    pattern = np.concatenate([c["blocks.0.attn.hook_pattern"].numpy() for c in caches])
    assert out["blocks.1.hook_resid_post"].dims == ("token", "d_model")
    assert out["blocks.0.attn.hook_pattern"].dims == ("batch", "head", "query", "key")
    np.testing.assert_array_equal(out["blocks.1.hook_resid_post"].values, resid)
    np.testing.assert_array_equal(out["blocks.0.attn.hook_pattern"].values, pattern)
    assert out["seq"].values[-1] == 3 * N_BATCHES - 1 and out["pos"].values[:13].tolist() == list(range(13))
    assert out["blocks.1.hook_resid_post"].chunks[0] == (39,) * N_BATCHES  # Dask-backed, one chunk per batch


def test_reductions_max_and_sample(tmp_path, model):
    import torch

    batches = [_batch(i) for i in range(3)]
    out = collect(model, "blocks.0.hook_resid_post", batches, store=tmp_path / "max.zarr", reduce="max", progress=False)
    with torch.no_grad():
        full = np.concatenate([model.run_with_cache(b)[1]["blocks.0.hook_resid_post"].numpy() for b in batches])
    assert out.dims == ("batch", "d_model")
    np.testing.assert_array_equal(out.values, full.max(axis=1))
    sampled = collect(model, "blocks.0.hook_resid_post", batches, store=tmp_path / "s.zarr", reduce="sample",
                      positions=4, seed=3, progress=False)
    assert sampled.sizes["token"] == 9 * 4
    seq, pos = sampled["seq"].values, sampled["pos"].values
    np.testing.assert_array_equal(sampled.values, full[seq, pos])
    assert all(len(set(pos[seq == s])) == 4 for s in range(9))


def test_a_store_of_other_settings_is_refused_not_mixed(tmp_path, model):
    store = tmp_path / "acts.zarr"
    batches = [_batch(i) for i in range(2)]
    collect(model, HOOKS, batches, store=store, reduce=REDUCE, progress=False)
    before = _chunk_files(store)
    with pytest.raises(StoreMismatchError, match="other settings.*blocks.1.hook_resid_post.*new store path, or pass overwrite=True"):
        collect(model, "blocks.1.hook_resid_post", batches, store=store, reduce="max", progress=False)
    from vizkit_gallery.data.models import induction_batch

    longer = induction_batch(9, seed=2, batch=3)  # a third batch of another sequence length
    with pytest.raises(StoreMismatchError, match="row_shapes"):
        collect(model, HOOKS, [*batches, longer], store=store, reduce=REDUCE, progress=False)
    assert _chunk_files(store) == before  # nothing was appended
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "notes.txt").write_text("not a store")
    with pytest.raises(StoreMismatchError, match="not a store written by vizkit.collect"):
        collect(model, HOOKS, batches, store=tmp_path / "other", progress=False)
    with pytest.raises(VizkitError, match="reduce='sample' needs positions"):
        collect(model, HOOKS[0], batches, store=tmp_path / "x.zarr", reduce="sample")
    with pytest.raises(VizkitError, match="not a TransformerLens hook"):
        collect(model, "blocks.0.hook_nonsense", batches, store=tmp_path / "y.zarr")



_TWICE = textwrap.dedent("""
    import sys, time
    from vizkit_gallery.data.models import induction_batch, load_induction_model
    from vizkit.scale import collect

    def batches():
        for i in range(3):
            time.sleep(0.3)  # slow enough that the two runs overlap
            yield induction_batch(6, seed=100 + i, batch=2)

    out = collect(load_induction_model(), "blocks.1.hook_resid_post", batches(), store=sys.argv[1], reduce="tokens",
                  progress=False)
    print(len(set(out["seq"].values.tolist())))
""")


def test_two_processes_collecting_into_one_store_write_each_batch_once(tmp_path):
    """Two notebooks (or two test workers) building one store at once: one writes, the other waits, then
    finds every batch done; the store holds each batch once (it held them twice, interleaved, before)."""
    store = tmp_path / "shared.zarr"
    procs = [subprocess.Popen([sys.executable, "-c", _TWICE, str(store)], cwd=REPO, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outs = [p.communicate(timeout=300) for p in procs]
    assert all(p.returncode == 0 for p in procs), [err[-2000:] for _, err in outs]
    assert [out.strip().splitlines()[-1] for out, _ in outs] == ["6", "6"]  # 3 batches × 2 sequences, each once
