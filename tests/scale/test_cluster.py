"""On a real two-worker cluster: data several times a worker's memory limit streams through
within that limit, and a worker killed mid-computation is survived with an exact result."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import numpy as np
import pytest

da = pytest.importorskip("dask.array")

from tests.scale.conftest import WORKER_MEMORY  # noqa: E402
from vizkit.scale import hist_counts  # noqa: E402


def _peak_rss_bytes() -> int:
    """The worker process's peak resident memory over its life (Linux ``VmHWM``; unlike
    ``ru_maxrss`` it is not inherited from the test process that spawned the worker)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmHWM in /proc/self/status")


def _worker_pids(client) -> dict[str, int]:
    return client.run(os.getpid)


def test_data_several_times_a_workers_memory_streams_through_within_its_limit(cluster):
    n_chunks, chunk = 100, 1_250_000  # 1.25e8 float64 = 1 GB generated chunk by chunk: 3.2× one worker's 300 MiB
    values = da.random.default_rng(11).random(n_chunks * chunk, chunks=chunk)
    assert values.nbytes > 3 * WORKER_MEMORY
    workers_before = _worker_pids(cluster)
    h = hist_counts(values, nbins=64, range=(0.0, 1.0))
    assert h.counts.sum() == values.size and h.n_chunks == n_chunks  # every value counted, none lost
    assert np.all(np.abs(h.counts / (values.size / 64) - 1) < 0.01)  # uniform values: flat counts
    assert _worker_pids(cluster) == workers_before  # no worker was killed for memory and restarted
    peaks = cluster.run(_peak_rss_bytes)
    assert max(peaks.values()) < WORKER_MEMORY, {k: f"{v / 2**20:.0f} MiB" for k, v in peaks.items()}


def _slow_chunk(block):
    time.sleep(0.1)  # a slow storage read: keeps the computation running long enough to kill a worker in it
    return block


def test_a_worker_killed_mid_computation_is_survived_with_an_exact_result(cluster):
    values = da.random.default_rng(12).standard_normal(60 * 50_000, chunks=50_000).map_blocks(_slow_chunk, dtype=float)
    reference = np.histogram(values.compute(scheduler="sync"), bins=40, range=(-4, 4))[0]
    before = _worker_pids(cluster)
    result = {}
    worker = threading.Thread(target=lambda: result.update(h=hist_counts(values, nbins=40, range=(-4, 4))))
    worker.start()
    time.sleep(1.5)
    assert worker.is_alive(), "the computation finished before the kill: make the chunks slower"
    victim = sorted(before.values())[0]
    os.kill(victim, signal.SIGKILL)
    worker.join(timeout=180)
    assert not worker.is_alive() and "h" in result
    assert np.array_equal(result["h"].counts, reference)
    after = _worker_pids(cluster)
    assert victim not in after.values()  # the killed process really died; its nanny started a new one
