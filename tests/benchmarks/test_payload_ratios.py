"""vizkit against what users reach for instead, on the same workloads, in one run.

Reported as ratios (vizkit ÷ alternative) of standalone-HTML size and build+serialise time.
Only sizes are asserted (deterministic); times are printed, never asserted.

Run: ``make bench`` (or ``pytest tests/benchmarks -m benchmark -s``).
"""

from __future__ import annotations

import time

import numpy as np
import pytest

import vizkit as vk

pytestmark = pytest.mark.benchmark

RESULTS: list[tuple[str, str, float, float]] = []


def _measure(fn):
    t0 = time.perf_counter()
    html = fn()
    return len(html.encode("utf-8")), time.perf_counter() - t0


def _report(workload, other, ours, theirs):
    size_ratio = ours[0] / theirs[0]
    time_ratio = ours[1] / theirs[1]
    RESULTS.append((workload, other, size_ratio, time_ratio))
    print(f"\n{workload:<34} vs {other:<15} size ×{size_ratio:.3f} ({ours[0] / 1e6:.2f} MB vs {theirs[0] / 1e6:.2f} MB), "
          f"time ×{time_ratio:.2f} ({ours[1]:.2f}s vs {theirs[1]:.2f}s)")
    return size_ratio


def _long_prompt_attention(n_heads=12, n=256, seed=0):
    rng = np.random.default_rng(seed)
    scores = rng.normal(size=(n_heads, n, n)) + np.tril(np.zeros((n, n))) - np.triu(np.full((n, n), np.inf), 1)
    pattern = np.exp(scores - scores.max(-1, keepdims=True))
    pattern /= pattern.sum(-1, keepdims=True)
    tokens = [f" tok{i % 50}" for i in range(n)]  # repeated tokens, like a real prompt
    return pattern.astype(np.float32), tokens


def test_long_prompt_attention_grid_vs_plotly_express():
    import plotly.express as px

    pattern, tokens = _long_prompt_attention()
    ours = _measure(lambda: vk.imshow(pattern, dims=("head", "query", "key"), x=tokens, y=tokens, facet="head",
                                      facet_cols=4).to_html())
    theirs = _measure(lambda: px.imshow(pattern, facet_col=0, facet_col_wrap=4).to_html(include_plotlyjs=True))
    ratio = _report("12 heads × 256² attention (html)", "plotly express", ours, theirs)
    assert ratio < 1.2  # token labels and hover cost almost nothing on top of the data itself


def test_long_prompt_attention_vs_bokeh_image():
    from bokeh.embed import file_html
    from bokeh.layouts import gridplot
    from bokeh.plotting import figure
    from bokeh.resources import INLINE

    pattern, tokens = _long_prompt_attention()

    def bokeh_html():
        plots = []
        for h in range(pattern.shape[0]):
            p = figure(width=250, height=250, y_range=(pattern.shape[1], 0))
            p.image(image=[pattern[h]], x=0, y=0, dw=pattern.shape[2], dh=pattern.shape[1], palette="Blues256")
            plots.append(p)
        return file_html(gridplot(plots, ncols=4), INLINE)

    ours = _measure(lambda: vk.imshow(pattern, dims=("head", "query", "key"), x=tokens, y=tokens, facet="head",
                                      facet_cols=4).to_html())
    theirs = _measure(bokeh_html)
    _report("12 heads × 256² attention (html)", "bokeh image", ours, theirs)


def test_million_step_loss_curve_vs_plotly_express():
    import plotly.express as px

    rng = np.random.default_rng(0)
    steps = 1_000_000
    loss = 4 * np.exp(-np.arange(steps) / 2e5) + 0.05 * rng.normal(size=steps)
    loss[654_321] = 25.0  # a loss spike that must survive
    ours_fig = vk.line(loss, dims=("step",))
    assert ours_fig.panels[0].marks[0].y.max() == 25.0
    ours = _measure(lambda: ours_fig.to_html())
    theirs = _measure(lambda: px.line(y=loss).to_html(include_plotlyjs=True))
    ratio = _report("1M-step loss curve (html)", "plotly express", ours, theirs)
    assert ratio < 0.5  # peak-preserving downsampling instead of shipping every point
