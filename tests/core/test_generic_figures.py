"""The generic figures: the spec they build and the plotly figure a user sees."""

import numpy as np
import pytest
import torch

import vizkit as vk
from vizkit.errors import DimensionError, EmptyDataError, LabelError, ShapeError, VizkitError
from vizkit.spec import Bar, Figure, Heatmap, Line, Scatter


def roundtrip(fig):
    assert Figure.from_json(fig.to_json()) == fig
    return fig


def test_imshow_keeps_duplicate_tokens_distinct_and_labels_axes():
    tokens = ["<bos>", " the", " cat", " the", " cat"]
    data = np.random.default_rng(0).normal(size=(2, 5))
    fig = roundtrip(vk.imshow(data, dims=("layer", "pos"), x=tokens, title="Logit diff", zmid=0))
    (hm,) = fig.marks(Heatmap)
    assert hm.x_labels == ("<bos>", "␣the", "␣cat", "␣the", "␣cat") and hm.y_labels is None  # whitespace visible
    p = fig.to("plotly")
    assert p.layout.title.text == "Logit diff"
    # repeated tokens stay distinct columns: made unique with zero-width spaces, read as the token
    assert list(p.data[0].x) == ["&lt;bos&gt;", "␣the", "␣cat", "␣the\u200b", "␣cat\u200b"]
    assert p.layout.xaxis.type == "category" and p.data[0].y is not None
    assert p.layout.xaxis.title.text == "pos" and p.layout.yaxis.title.text == "layer"
    np.testing.assert_allclose(np.asarray(p.data[0].z), data)
    ca = p.layout.coloraxis
    assert ca.cmin == pytest.approx(-np.abs(data).max()) and ca.cmax == pytest.approx(np.abs(data).max())
    assert ca.colorscale[0][1] == "#67001f" and ca.colorscale[-1][1] == "#053061"  # RdBu


def test_imshow_plotly_express_vocabulary():
    data = torch.rand(3, 4)
    fig = vk.imshow(data, labels={"x": "Key", "y": "Query", "color": "attn"}, zmin=0, zmax=1,
                    color_continuous_scale="viridis", title="t")
    (hm,) = fig.marks(Heatmap)
    assert (hm.colorscale.name, hm.colorscale.zmin, hm.colorscale.zmax) == ("viridis", 0.0, 1.0)
    p = fig.to("plotly")
    assert p.layout.xaxis.title.text == "Key" and p.layout.yaxis.title.text == "Query"
    assert p.layout.coloraxis.colorbar.title.text == "attn"


def test_imshow_facet_and_animate():
    data = np.random.default_rng(1).random((2, 3, 4, 4))
    fig = roundtrip(vk.imshow(data, dims=("layer", "head", "query", "key"), facet="head", animate="layer"))
    assert fig.grid == (1, 3) and fig.n_frames == 2 and fig.slider.labels == ("0", "1")
    assert [p.title for p in fig.frame_panels(1)] == ["head=0", "head=1", "head=2"]
    np.testing.assert_array_equal(fig.frame_panels(1)[2].marks[0].z, data[1, 2])
    p = fig.to("plotly")
    assert len(p.data) == 6 and [t.visible for t in p.data] == [True] * 3 + [False] * 3
    step1 = p.layout.sliders[0].steps[1]
    assert step1.label == "1" and step1.args[0]["visible"] == [False] * 3 + [True] * 3


def test_imshow_nan_counted_and_big_heatmap_downsampled():
    data = np.random.default_rng(2).random((1200, 1000))
    data[0, 0] = np.nan
    fig = vk.imshow(data)
    (hm,) = fig.marks(Heatmap)
    assert hm.z.size <= 1_000_000
    assert any("downsampled from 1200×1000" in n for n in fig.notes)
    small = vk.imshow(np.array([[1.0, np.nan]]))
    assert small.notes == ("1 NaN/inf value shown as gaps",)


@pytest.mark.parametrize(
    "call, error, words",
    [
        (lambda: vk.imshow(np.zeros((2, 3, 4))), ShapeError, "imshow draws 2-D data; got dims"),
        (lambda: vk.imshow(np.zeros((2, 3)), x=["a", "b"]), LabelError, "x labels: got 2 labels but dim 'dim_1' has length 3"),
        (lambda: vk.imshow(np.zeros((2, 3)), facet="head"), DimensionError, "facet='head' is not a dim"),
        (lambda: vk.imshow(np.zeros((0, 3))), EmptyDataError, "empty"),
        (lambda: vk.imshow(np.zeros((2, 3)), colour="red"), VizkitError, "unexpected keyword"),
        (lambda: vk.imshow(np.zeros((2, 3)), x="abc"), LabelError, "single string"),
        (lambda: vk.line(np.zeros((2, 3, 4))), ShapeError, "line draws 1-D or 2-D"),
        (lambda: vk.line({"a": [1, 2], "b": [1]}), ShapeError, "equal lengths"),
        (lambda: vk.scatter([1, 2], [1]), ShapeError, "same length"),
        (lambda: vk.bar([1, 2], x=["a"]), LabelError, "1 labels but there are 2 bars"),
        (lambda: vk.hist([np.nan]), EmptyDataError, "no finite values"),
        (lambda: vk.imshow(np.ones((2, 2), dtype=complex)), ShapeError, r"real numbers; got complex values.*\.abs\(\)"),
        (lambda: vk.imshow(np.array([["a", "b"]])), ShapeError, r"must be numbers; got dtype <U1 \(first value 'a'\)"),
        (lambda: vk.hist(np.ones(3, dtype=np.complex64)), ShapeError, "hist values must be real numbers"),
        (lambda: vk.scatter([1.0], [1.0], color=np.array(["red"], dtype=object)), ShapeError, "scatter color values must be numbers"),
    ],
)
def test_wrong_arguments_raise_instead_of_drawing_blank(call, error, words):
    with pytest.raises(error, match=words):
        call()


def test_line_one_per_row_with_legend_and_log_axis():
    data = np.array([[1.0, 2.0, 4.0], [3.0, 2.0, 1.0]])
    fig = roundtrip(vk.line(data, dims=("layer", "pos"), names=["L0", "L1"], x=["a", "b", "a"], log_y=True, title="ll"))
    lines = fig.marks(Line)
    assert [ln.name for ln in lines] == ["L0", "L1"]
    p = fig.to("plotly")
    assert [t.name for t in p.data] == ["L0", "L1"] and all(t.showlegend for t in p.data)
    np.testing.assert_array_equal(np.asarray(p.data[1].y), data[1])
    assert p.layout.yaxis.type == "log" and list(p.layout.xaxis.ticktext) == ["a", "b", "a"]
    assert list(p.layout.xaxis.tickvals) == [0, 1, 2]
    assert p.layout.legend.title.text == "layer"


def test_line_dict_and_long_line_keeps_spike():
    y = np.zeros(100_000)
    y[77_777] = 50.0
    fig = vk.line({"loss": y})
    (ln,) = fig.marks(Line)
    assert len(ln.y) < 5000 and ln.y.max() == 50.0
    assert any("downsampled" in n for n in fig.notes)


def test_scatter_colour_values_and_hover():
    fig = roundtrip(vk.scatter([1, 2, 3], [3, 2, 1], color=[-1.0, 0.0, 2.0], hover=["a", "<b>", "c"], labels={"x": "X"}))
    (sc,) = fig.marks(Scatter)
    assert (sc.colorscale.zmin, sc.colorscale.zmax, sc.colorscale.zmid) == (-2.0, 2.0, 0.0)
    p = fig.to("plotly")
    assert list(p.data[0].text) == ["a", "&lt;b&gt;", "c"] and p.data[0].marker.cmin == -2.0
    assert p.layout.xaxis.title.text == "X"


def test_bar_and_hist():
    fig = roundtrip(vk.bar(np.array([[1, 2], [3, 4]]), x=["L0H0", "L0H1"], names=["a", "b"]))
    bars = fig.marks(Bar)
    assert len(bars) == 2 and bars[1].y.tolist() == [3, 4]
    p = fig.to("plotly")
    assert list(p.layout.xaxis.ticktext) == ["L0H0", "L0H1"] and [t.name for t in p.data] == ["a", "b"]
    h = roundtrip(vk.hist(np.r_[np.zeros(10), np.ones(30), np.nan], nbins=2))
    (hb,) = h.marks(Bar)
    assert hb.y.tolist() == [10, 30] and h.notes == ("1 NaN/inf values left out",)


def test_values_a_log_axis_cannot_draw_are_counted_not_dropped_silently():
    """plotly, bokeh and matplotlib leave points ≤ 0 off a log axis without a word; the figure says how many."""
    line = vk.line(np.array([[-1.0, 0.0, 2.0], [1.0, 2.0, 3.0]]), log_y=True)
    assert "2 non-positive values cannot be drawn on the log y axis" in line.notes
    assert "1 non-positive value cannot be drawn on the log x axis" in vk.line([1.0, 2.0], log_x=True).notes  # x = 0, 1
    assert not any("log" in n for n in vk.line([1.0, 2.0], x=[1, 10], log_x=True, log_y=True).notes)
    scatter = vk.scatter([-1, 1, 2], [0, 1, 2], log_x=True, log_y=True)
    assert {"1 non-positive value cannot be drawn on the log x axis",
            "1 non-positive value cannot be drawn on the log y axis"} <= set(scatter.notes)
    assert "1 non-positive value cannot be drawn on the log x axis" in vk.bar([3, -2, 1], horizontal=True, log_y=True).notes
    fig = vk.line(np.array([-1.0, 1.0, 2.0]), log_y=True)
    assert "non-positive" in fig.to("plotly").layout.annotations[-1].text  # shown as the caption
