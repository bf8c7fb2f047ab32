import dataclasses
import json

import numpy as np
import pytest

from vizkit.errors import EmptyDataError, LabelError, ShapeError, VizkitError
from vizkit.spec import Axis, Bar, ColorScale, Figure, Heatmap, Line, Panel, Scatter, Slider, TokenText


def _fig():
    z = np.arange(12, dtype=float).reshape(3, 4) - 5
    z[0, 3] = np.nan
    hm = Heatmap(z=z, colorscale=ColorScale.fit(z), x_labels=["a", "b", "a", " c"], y_labels=["0", "1", "2"])
    ln = Line(x=np.arange(5), y=np.array([1.0, np.nan, 3.0, np.inf, 2.0]), name="loss", color="#000000")
    sc = Scatter(x=[1, 2], y=[3, 4], values=[0.1, -0.2], colorscale=ColorScale.fit([0.1, -0.2]), hover_labels=["x", "y"])
    bar = Bar(x=[0, 1], y=[2, 3], labels=["L0H0", "L0H1"])
    tt = TokenText(tokens=["<img src=x>", " hi"], values=[[1.0, -1.0]], colorscale=ColorScale.fit([1.0, -1.0]), row_labels=["n0"])
    panels = [Panel(marks=(hm,), x=Axis("key", labels=["a", "b", "a", " c"]), y=Axis("query", reversed=True), title="p", frame=0),
              Panel(marks=(ln, sc, bar), frame=1), Panel(marks=(tt,), frame=1)]
    return Figure(kind="imshow", panels=panels, title="T", slider=Slider("layer", ["0", "1"]), notes=("n",), meta={"layers": [0, 1]})


def test_json_round_trip_is_exact():
    fig = _fig()
    text = fig.to_json()
    back = Figure.from_json(text)
    assert back == fig
    np.testing.assert_array_equal(back.panels[0].marks[0].z, fig.panels[0].marks[0].z)  # NaN kept
    assert back.panels[1].marks[0].y[3] == np.inf
    assert back.panels[0].marks[0].x_labels == ("a", "b", "a", " c")


def test_arrays_travel_as_base64_not_decimal_text():
    fig = _fig()
    d = fig.to_dict()
    z = d["panels"][0]["marks"][0]["z"]
    assert set(z) == {"dtype", "shape", "bdata"} and z["shape"] == [3, 4] and z["dtype"] == "f8"
    assert "0.1" not in json.dumps(d["panels"][1]["marks"][1]["values"])


def test_spec_is_frozen_and_replace_returns_copy():
    fig = _fig()
    with pytest.raises(dataclasses.FrozenInstanceError):
        fig.title = "x"  # type: ignore[misc]
    g = fig.replace(title="new")
    assert g.title == "new" and fig.title == "T"
    assert not fig.panels[0].marks[0].z.flags.writeable


def test_colorscale_fit_centres_signed_data_on_zero():
    s = ColorScale.fit(np.array([-1.0, 3.0]))
    assert (s.name, s.zmin, s.zmax, s.zmid) == ("RdBu", -3.0, 3.0, 0.0)
    s = ColorScale.fit(np.array([0.0, 0.5]))
    assert (s.zmin, s.zmax, s.zmid) == (0.0, 0.5, None) and s.name == "Blues"
    s = ColorScale.fit(np.array([1.0, 2.0]), zmid=1.0)
    assert (s.zmin, s.zmax) == (0.0, 2.0)
    s = ColorScale.fit(np.array([np.nan, np.nan]))
    assert s.zmin < s.zmax


@pytest.mark.parametrize(
    "build, error, words",
    [
        (lambda: Heatmap(z=np.zeros(3), colorscale=ColorScale()), ShapeError, "2 dimension"),
        (lambda: Heatmap(z=np.zeros((2, 3)), colorscale=ColorScale(), x_labels=["a"]), LabelError, "1 labels but the data has 3"),
        (lambda: Heatmap(z=np.zeros((0, 3)), colorscale=ColorScale()), EmptyDataError, "at least one cell"),
        (lambda: Line(x=[1, 2], y=[1]), ShapeError, "same length"),
        (lambda: TokenText(tokens=["a"], values=[1, 2], colorscale=ColorScale()), LabelError, "1 tokens but 2 values"),
        (lambda: ColorScale(name="nope"), VizkitError, "unknown colour scale"),
        (lambda: ColorScale(zmin=2, zmax=1), VizkitError, "zmin <= zmax"),
        (lambda: Figure(kind="x", panels=[]), VizkitError, "at least one panel"),
        (lambda: Figure(kind="x", panels=[Panel(marks=(), frame=2)]), VizkitError, "outside the slider"),
        (lambda: Figure.from_dict({"type": "Panel"}), VizkitError, "Figure.to_dict"),
    ],
)
def test_bad_specs_raise_clear_errors(build, error, words):
    with pytest.raises(error, match=words):
        build()


def test_axis_tick_thinning_keeps_first_label():
    ax = Axis(labels=[str(i) for i in range(200)])
    pos, text = ax.tick_positions(max_ticks=50)
    assert pos[0] == 0 and len(pos) <= 50 and text[1] == str(pos[1])


def test_colour_scale_names_are_case_insensitive_and_canonical():
    assert ColorScale("Viridis").name == "viridis" and ColorScale("rdbu_R").name == "RdBu_r" and ColorScale("blues").name == "Blues"
    with pytest.raises(VizkitError, match="unknown colour scale 'jet'; expected one of"):
        ColorScale("jet")
