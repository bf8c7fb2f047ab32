"""Dataset scale: vizkit aggregating on Dask against numpy + matplotlib holding everything in one process.

Workloads (the same values on both sides: Dask generates them chunk by chunk with a fixed seed;
the alternative computes the whole array into memory first, as a user without Dask would hold it):

* a histogram of 10⁸ values (100 bins), drawn with matplotlib on both sides;
* a 2-D density of 5×10⁷ points (200 × 200 cells);
* vizkit's histogram at 10⁷, 3×10⁷ and 10⁸ values: time should grow linearly, memory stay flat.

Each measurement runs in a fresh subprocess so its peak resident memory (Linux ``VmHWM``) is its
own; times exclude imports. Reported as ratios (vizkit ÷ alternative) from one run; the exact
counts of both sides are asserted equal, times and memory only printed (except that vizkit's
peak memory must not grow with the data).

Run: ``make bench`` (or ``pytest tests/benchmarks/test_scale.py -m benchmark -s``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.benchmark
pytest.importorskip("dask.array")

REPO = Path(__file__).resolve().parents[2]
CHUNK = 5_000_000

_SCRIPT = textwrap.dedent("""
    import io, json, sys, time
    import numpy as np, dask.array as da, matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import vizkit  # noqa: F401  (imports outside the timed part)
    from vizkit.figures.lazy import lazy_hist
    from vizkit.figures.density import density

    side, workload, n, chunk = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    rng = da.random.default_rng(0)
    t0 = time.perf_counter()
    if workload == "hist":
        x = rng.standard_normal(n, chunks=chunk)
        if side == "vizkit":
            fig = lazy_hist(x, nbins=100, range=(-5, 5))
            counts = fig.panels[0].marks[0].y
            fig.to("matplotlib").savefig(io.BytesIO(), format="png")
        else:
            values = x.compute()
            fig, ax = plt.subplots()
            counts = ax.hist(values, bins=100, range=(-5, 5))[0]
            fig.savefig(io.BytesIO(), format="png")
    else:
        x = rng.standard_normal(n, chunks=chunk)
        y = 0.5 * x + rng.standard_normal(n, chunks=chunk)
        rng_ = ((-5, 5), (-6, 6))
        if side == "vizkit":
            fig = density(x, y, nbins=200, range=rng_, log_color=False)
            counts = np.nan_to_num(fig.panels[0].marks[0].z).T
            fig.to("matplotlib").savefig(io.BytesIO(), format="png")
        else:
            xs, ys = da.compute(x, y)
            fig, ax = plt.subplots()
            counts = ax.hist2d(xs, ys, bins=200, range=rng_)[0]
            fig.savefig(io.BytesIO(), format="png")
    seconds = time.perf_counter() - t0
    peak = next(int(l.split()[1]) * 1024 for l in open("/proc/self/status") if l.startswith("VmHWM:"))
    print(json.dumps({"seconds": seconds, "peak": peak, "counts": np.asarray(counts, dtype=float).ravel().tolist()}))
""")


def _run(side: str, workload: str, n: int) -> dict:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    out = subprocess.run([sys.executable, "-c", _SCRIPT, side, workload, str(n), str(CHUNK)], env=env, cwd=REPO,
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _report(what: str, ours: dict, theirs: dict) -> None:
    print(f"\n{what:<38} time ×{ours['seconds'] / theirs['seconds']:.2f} ({ours['seconds']:.1f}s vs {theirs['seconds']:.1f}s), "
          f"peak memory ×{ours['peak'] / theirs['peak']:.2f} ({ours['peak'] / 2**20:.0f} MiB vs {theirs['peak'] / 2**20:.0f} MiB)")


def test_histogram_of_1e8_values_vs_numpy_matplotlib():
    ours, theirs = _run("vizkit", "hist", 100_000_000), _run("numpy", "hist", 100_000_000)
    _report("histogram, 1e8 values vs plt.hist", ours, theirs)
    assert ours["counts"] == theirs["counts"]  # exact: the same counts
    assert ours["peak"] < theirs["peak"] / 2  # the alternative holds 800 MB of values; vizkit a few chunks


def test_density_of_5e7_points_vs_numpy_matplotlib():
    ours, theirs = _run("vizkit", "density", 50_000_000), _run("numpy", "density", 50_000_000)
    _report("2-D density, 5e7 points vs plt.hist2d", ours, theirs)
    assert ours["counts"] == theirs["counts"]
    assert ours["peak"] < theirs["peak"] / 2


def test_time_grows_linearly_and_memory_stays_flat():
    sizes = (10_000_000, 30_000_000, 100_000_000)
    runs = {n: _run("vizkit", "hist", n) for n in sizes}
    small, big = runs[sizes[0]], runs[sizes[-1]]
    for n, r in runs.items():
        print(f"\nvizkit histogram of {n:.0e} values: {r['seconds']:.1f}s ({r['seconds'] / n * 1e9:.1f} ns/value), "
              f"peak {r['peak'] / 2**20:.0f} MiB")
    print(f"\n10x the values: time ×{big['seconds'] / small['seconds']:.1f}, peak memory ×{big['peak'] / small['peak']:.2f}")
    assert big["peak"] < 1.5 * small["peak"]  # memory flat: chunks, never the whole array
