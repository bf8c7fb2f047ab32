"""Cold start: what a notebook's first cells cost, vizkit against plotly express, in fresh processes.

Issue 12 asks for ``import vizkit`` ≤ 0.1 s and the first ``vk.attention(...)`` to HTML in a fresh
process no slower than plotly express' first ``px.imshow`` to HTML. Each measurement is its own
``python`` process (nothing cached in memory; the OS file cache warm, as on a second notebook run),
the sides interleaved over ``RUNS`` rounds and reported as medians and vizkit ÷ plotly express
ratios. The workload is one layer of attention, 12 heads × 64², the same float32 array on both
sides (plotly express draws it as ``facet_col`` panels, as users do).

* ``import``: the library's import alone (``import vizkit`` / ``import plotly.express``), less an
  empty interpreter's start-up;
* ``first figure``: from the start of the process to the HTML string (imports included).

Run: ``make bench`` (or ``pytest tests/benchmarks/test_cold_start.py -m benchmark -s``).
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.benchmark

REPO = Path(__file__).resolve().parents[2]
RUNS = 5

_CLOCK = "import time; t0 = time.perf_counter()\n"
_DONE = "\nimport json, sys; print(json.dumps({'s': time.perf_counter() - t0, 'bytes': len(out)}))\n"
_DATA = ("import numpy as np; rng = np.random.default_rng(0); z = rng.random((12, 64, 64), dtype=np.float32); "
         "z = np.tril(z); z /= z.sum(-1, keepdims=True)\n")

SCRIPTS = {
    ("import", "empty"): _CLOCK + "out = ''" + _DONE,
    ("import", "vizkit"): _CLOCK + "import vizkit; out = ''" + _DONE,
    ("import", "plotly express"): _CLOCK + "import plotly.express; out = ''" + _DONE,
    ("first figure", "vizkit"): _CLOCK + _DATA + textwrap.dedent("""
        import vizkit as vk
        out = vk.attention(z, layer=0).to_html("plotly")
    """) + _DONE,
    ("first figure", "plotly express"): _CLOCK + _DATA + textwrap.dedent("""
        import plotly.express as px
        out = px.imshow(z, facet_col=0, facet_col_wrap=4, color_continuous_scale="Blues").to_html(include_plotlyjs=True)
    """) + _DONE,
}


def _run(script: str) -> dict:
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_cold_start_against_plotly_express():
    times: dict[tuple[str, str], list[float]] = {key: [] for key in SCRIPTS}
    sizes: dict[tuple[str, str], int] = {}
    for _ in range(RUNS):  # interleaved: each round runs every side once
        for key, script in SCRIPTS.items():
            result = _run(script)
            times[key].append(result["s"])
            sizes[key] = result["bytes"]
    med = {key: statistics.median(v) for key, v in times.items()}
    empty = med[("import", "empty")]
    vk_import = med[("import", "vizkit")] - empty
    px_import = med[("import", "plotly express")] - empty
    vk_first, px_first = med[("first figure", "vizkit")], med[("first figure", "plotly express")]
    print(f"\ncold start, medians of {RUNS} interleaved fresh processes:")
    print(f"  import vizkit          {vk_import * 1000:7.0f} ms   (plotly express {px_import * 1000:.0f} ms)")
    print(f"  first attention → HTML {vk_first:7.2f} s    (plotly express px.imshow → HTML {px_first:.2f} s; "
          f"ratio {vk_first / px_first:.2f}); HTML {sizes[('first figure', 'vizkit')] / 1e6:.1f} MB vs "
          f"{sizes[('first figure', 'plotly express')] / 1e6:.1f} MB")
    assert sizes[("first figure", "vizkit")] > 1_000_000  # plotly.js inline: a real page, not an empty string
