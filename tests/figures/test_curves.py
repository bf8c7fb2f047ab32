"""vk.loss_curves: raw faint + smoothed bold per run, steps on x, spikes survive downsampling."""

import numpy as np
import pandas as pd
import pytest
import torch

from tests.figures.conftest import check_snapshot, roundtrip
from vizkit.errors import EmptyDataError, LabelError, ShapeError, UnsupportedInputError, VizkitError
from vizkit.figures.curves import ema, loss_curves
from vizkit.spec import Line


def _runs():
    steps = np.arange(300)
    a = 3.0 * np.exp(-steps / 60) + 0.5
    b = torch.tensor(2.5 * np.exp(-np.arange(200) / 40) + 0.4)
    return {"lr=1e-3": a, "lr=3e-3": b}


def test_raw_faint_and_smoothed_bold_share_colour_and_legend_group():
    fig = roundtrip(loss_curves(_runs(), smooth=0.9, title="Training loss"))
    check_snapshot(fig, "loss_curves_two_runs")
    raw_a, smooth_a, raw_b, smooth_b = fig.marks(Line)
    assert (raw_a.opacity, smooth_a.opacity) == (0.3, 1.0) and smooth_a.width > raw_a.width
    assert raw_a.color == smooth_a.color != raw_b.color == smooth_b.color
    assert raw_a.group == smooth_a.group == "lr=1e-3" and not raw_a.legend and smooth_a.legend
    assert len(raw_b.x) == 200 and len(raw_a.x) == 300  # runs of different lengths
    np.testing.assert_allclose(raw_a.y, _runs()["lr=1e-3"])
    np.testing.assert_allclose(smooth_a.y, ema(_runs()["lr=1e-3"], 0.9))
    p = fig.to("plotly")
    assert p.layout.title.text == "Training loss"
    assert [t.name for t in p.data] == ["lr=1e-3 (raw)", "lr=1e-3", "lr=3e-3 (raw)", "lr=3e-3"]
    assert [t.showlegend for t in p.data] == [False, True, False, True]
    assert p.data[0].legendgroup == p.data[1].legendgroup == "lr=1e-3"
    assert p.data[0].opacity == 0.3 and p.data[0].line.color == p.data[1].line.color
    assert p.layout.xaxis.title.text == "step" and p.layout.yaxis.title.text == "loss"
    assert p.layout.legend.title.text == "run"
    np.testing.assert_allclose(np.asarray(p.data[2].y), _runs()["lr=3e-3"].numpy())


def test_ema_is_debiased_and_skips_nan():
    v = np.array([4.0, 4.0, np.nan, 4.0])
    np.testing.assert_allclose(ema(v, 0.9), [4.0, 4.0, np.nan, 4.0])  # a constant stays constant
    np.testing.assert_allclose(ema(np.array([0.0, 10.0]), 0.5), [0.0, 0.5 * 10 / 0.75])
    rng = np.random.default_rng(0)
    x = rng.normal(size=5000) + 2.0
    x[rng.integers(0, 5000, 40)] = np.nan
    for w in (0.0, 0.6, 0.99, 0.9999):  # the vectorised blocks agree with the recursion
        acc, k, want = 0.0, 0, np.full(x.size, np.nan)
        for i, v in enumerate(x):
            if np.isfinite(v):
                acc, k = w * acc + (1 - w) * v, k + 1
                want[i] = acc / (1 - w**k)
        np.testing.assert_allclose(ema(x, w), want, rtol=1e-9, atol=1e-9)


def test_long_run_downsampled_but_the_spike_survives_in_the_raw_curve():
    y = np.linspace(5, 1, 200_000)
    y[123_457] = 40.0
    fig = loss_curves({"run": y}, smooth=0.99, log_y=True)
    raw, smooth = fig.marks(Line)
    assert len(raw.x) < 5000 and raw.y.max() == 40.0 and 123_457.0 in raw.x
    assert any("downsampled to about 4000 points" in n for n in fig.notes)
    p = fig.to("plotly")
    assert p.layout.yaxis.type == "log" and max(p.data[0].y) == 40.0


def test_dataframe_wide_long_and_series_inputs():
    wide = pd.DataFrame({"step": [0, 10, 20, 30], "train": [3.0, 2.0, 1.5, 1.2], "val": [3.2, 2.4, np.nan, 1.6]})
    fig = loss_curves(wide)
    train, val = fig.marks(Line)
    assert (train.name, val.name) == ("train", "val")
    np.testing.assert_array_equal(train.x, [0, 10, 20, 30])
    np.testing.assert_array_equal(val.x, [0, 10, 30])  # NaN rows of a wide frame belong to shorter runs
    long = pd.DataFrame({"iteration": [0, 1, 2, 0, 1], "seed": ["0", "0", "0", "1", "1"], "nll": [3, 2, 1, 4, 3.5]})
    fig = loss_curves(long, x="iteration")
    assert [m.name for m in fig.marks(Line)] == ["0", "1"]
    assert fig.panels[0].x.title == "iteration" and fig.panels[0].y.title == "nll"
    s = pd.Series([2.0, 1.0], index=[100, 200])
    (ln,) = loss_curves({"s": s}, labels={"y": "nll"}).marks(Line)
    np.testing.assert_array_equal(ln.x, [100, 200])


def test_list_of_runs_and_one_run_and_shared_steps():
    fig = loss_curves([[3, 2, 1], [4, 3]], names=["a", "b"], x={"a": [0, 5, 10], "b": [0, 5]})
    assert fig.meta["runs"] == ["a", "b"] and fig.meta["lengths"] == [3, 2]
    np.testing.assert_array_equal(fig.marks(Line)[0].x, [0, 5, 10])
    one = loss_curves(torch.tensor([3.0, 2.0, 1.0]), x=[1, 2, 4], log_x=True)
    (ln,) = one.marks(Line)
    assert ln.name == "loss" and ln.opacity == 1.0
    assert one.to("plotly").layout.xaxis.type == "log"


def test_log_y_counts_values_it_cannot_draw():
    fig = loss_curves({"r": [1.0, 0.0, -1.0, 0.5]}, log_y=True)
    assert "2 non-positive values cannot be drawn on the log y axis" in fig.notes


@pytest.mark.parametrize(
    "call, error, words",
    [
        (lambda: loss_curves({}), EmptyDataError, "got no runs"),
        (lambda: loss_curves({"a": []}), EmptyDataError, "run 'a' has no values"),
        (lambda: loss_curves({"a": [1, 2]}, smooth=1.0), VizkitError, r"smooth must be in \[0, 1\)"),
        (lambda: loss_curves({"a": np.zeros((2, 3))}), ShapeError, "run 'a' must be 1-D"),
        (lambda: loss_curves({"a": [1, 2, 3]}, x=[0, 1]), LabelError, "run 'a' has 3 values but 2 steps"),
        (lambda: loss_curves([[1, 2], [3]], names=["a"]), LabelError, "names has 1 entries but there are 2 runs"),
        (lambda: loss_curves({"a": ["x", "y"]}), UnsupportedInputError, "expected"),
        (lambda: loss_curves(pd.DataFrame({"step": [0], "loss": [1.0]}), x="epoch"), LabelError, "x='epoch' is not a column"),
        (lambda: loss_curves({"a": [1.0]}, x="step"), VizkitError, "needs a DataFrame"),
        (lambda: loss_curves(np.zeros((2, 2, 2))), ShapeError, r"\[run, step\]"),
    ],
)
def test_bad_runs_raise_clear_errors(call, error, words):
    with pytest.raises(error, match=words):
        call()
