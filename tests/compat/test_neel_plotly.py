"""neel-plotly call sites, replayed: the figure's titles, axis and facet titles, colour scale and
midpoint, line names, hover labels and data match the call, in plotly and matplotlib."""

from __future__ import annotations

import numpy as np
import pytest

import vizkit as vk
from tests.compat.conftest import RNG, TOKENS, plotly_colorscale_ends
from vizkit.compat import neel_plotly as npl
from vizkit.compat._figure import CompatFigure, CompatWarning
from vizkit.errors import ShapeError, VizkitError
from vizkit.spec import Heatmap, Line, Scatter
from vizkit.spec.colors import stops


def test_patching_heatmap_with_facet_labels_in_plotly_and_matplotlib():
    # every_block_result: [3 components, n_layers, n_pos] as in the IOI notebooks
    result = RNG.normal(size=(3, 2, len(TOKENS)))
    fig = npl.imshow(result, facet_col=0, facet_labels=["resid_pre", "attn_out", "mlp_out"], title="Logit difference",
                     labels={"x": "Position", "y": "Layer"}, x=[f"{t} {i}" for i, t in enumerate(TOKENS)], return_fig=True)
    assert isinstance(fig, vk.Figure) and isinstance(fig, CompatFigure)
    assert [p.title for p in fig.panels] == ["resid_pre", "attn_out", "mlp_out"]
    heat = fig.marks(Heatmap)
    for i, m in enumerate(heat):
        np.testing.assert_allclose(m.z, result[i])
        assert m.colorscale.name == "RdBu" and m.colorscale.zmid == 0.0
        assert m.colorscale.zmin == -m.colorscale.zmax == -np.abs(result).max()

    native = fig.to("plotly")
    assert native.layout.title.text == "Logit difference"
    assert [a.text for a in native.layout.annotations][:3] == ["resid_pre", "attn_out", "mlp_out"]
    # neel-plotly overwrites the axis titles with xaxis/yaxis ("x"/"y" by default) after px drew labels=
    assert native.layout.xaxis.title.text == "x" and native.layout.yaxis.title.text == "y"
    assert plotly_colorscale_ends(native) == (stops("RdBu")[0], stops("RdBu")[-1])

    mpl = fig.to("matplotlib")
    axes = [ax for ax in mpl.axes if ax.images]
    assert [ax.get_title() for ax in axes] == ["resid_pre", "attn_out", "mlp_out"]
    assert axes[0].get_xlabel() == "x" and axes[0].get_ylabel() == "y"
    lo, hi = axes[0].images[0].get_clim()
    assert lo == pytest.approx(-np.abs(result).max()) and hi == pytest.approx(np.abs(result).max())
    assert mpl._suptitle.get_text() == "Logit difference"


def test_imshow_defaults_titles_and_imshow_pos():
    fig = npl.imshow(RNG.normal(size=(4, 5)), return_fig=True)
    assert (fig.panels[0].x.title, fig.panels[0].y.title) == ("x", "y")  # neel-plotly's xaxis/yaxis defaults
    assert fig.marks(Heatmap)[0].colorscale.zmid == 0.0
    pos = npl.imshow_pos(RNG.random((4, 5)), xaxis="Key", yaxis="Query", return_fig=True)
    scale = pos.marks(Heatmap)[0].colorscale
    assert scale.name == "Blues" and scale.zmid is None
    assert (pos.panels[0].x.title, pos.panels[0].y.title) == ("Key", "Query")


def test_imshow_animation_names_the_slider():
    data = RNG.normal(size=(2, 3, 4))
    fig = npl.imshow(data, animation_frame=0, animation_name="Layer", animation_index=["L0", "L1"], return_fig=True)
    assert fig.slider.name == "Layer" and fig.slider.labels == ("L0", "L1")
    np.testing.assert_allclose(fig.frame_panels(1)[0].marks[0].z, data[1])


def test_logit_lens_lines_with_hover_labels():
    # accumulated-residual logit diffs, one per component, hover showing the component label
    labels = [f"{i}_pre" for i in range(6)]
    diffs = RNG.normal(size=6).cumsum()
    fig = npl.line(diffs, hover=labels, hover_name="component", title="Logit lens", xaxis="Layer", yaxis="Logit diff",
                   return_fig=True)
    (mark,) = fig.marks(Line)
    np.testing.assert_allclose(mark.y, diffs)
    assert mark.hover_labels == tuple(f"component={s}" for s in labels)
    native = fig.to("plotly")
    assert native.layout.title.text == "Logit lens"
    assert native.layout.xaxis.title.text == "Layer" and native.layout.yaxis.title.text == "Logit diff"
    assert list(native.data[0].text) == [f"component={s}" for s in labels]


def test_two_dim_line_names_markers_and_x():
    y = RNG.normal(size=(2, 7))
    fig = npl.line(y, x=np.arange(7) * 10, line_labels=["clean", "corrupted"], markers=True, color_name="Run",
                   title="Loss", return_fig=True)
    lines = fig.marks(Line)
    assert [m.name for m in lines] == ["clean", "corrupted"]
    assert all(m.markers for m in lines)
    np.testing.assert_allclose(lines[1].y, y[1])
    np.testing.assert_allclose(lines[0].x, np.arange(7) * 10)
    assert fig.legend_title == "Run"
    mpl = fig.to("matplotlib").axes[0]
    assert [t.get_text() for t in mpl.get_legend().get_texts()] == ["clean", "corrupted"]
    np.testing.assert_allclose(mpl.get_lines()[1].get_ydata(), y[1])


def test_line_facets_and_too_many_dims():
    y = RNG.normal(size=(3, 2, 5))
    fig = npl.line(y, facet_col=0, facet_labels=["a", "b", "c"], return_fig=True)
    assert [p.title for p in fig.panels] == ["a", "b", "c"]
    assert len(fig.panels[0].marks) == 2
    with pytest.raises(ShapeError, match="too many dimensions"):
        npl.line(RNG.normal(size=(2, 3, 4)), return_fig=True)
    with pytest.raises(ValueError):  # neel-plotly raised ValueError: VizkitError is one
        npl.line(RNG.normal(size=(2, 3, 4)), return_fig=True)


def test_scatter_colour_include_diag_and_hover():
    x, y, layer = RNG.normal(size=12), RNG.normal(size=12), np.repeat([0, 1, 2], 4)
    heads = [f"L{i // 4}H{i % 4}" for i in range(12)]
    fig = npl.scatter(x, y, color=layer, color_name="Layer", include_diag=True, hover=heads, hover_name="head",
                      xaxis="Induction score", yaxis="Prev-token score", title="Heads", return_fig=True)
    points = fig.marks(Scatter)[0]
    np.testing.assert_allclose(points.x, x)
    np.testing.assert_allclose(points.y, y)
    np.testing.assert_allclose(points.values, layer)
    assert points.colorscale.title == "Layer"
    assert points.hover_labels == tuple(f"head={h}" for h in heads)
    (diag,) = fig.marks(Line)
    lo, hi = min(x.min(), y.min()), max(x.max(), y.max())
    np.testing.assert_allclose(diag.x, [lo, hi])
    np.testing.assert_allclose(diag.y, [lo, hi])
    assert diag.dash == "dash" and diag.color == "gray" and not diag.legend
    native = fig.to("plotly")
    assert native.layout.xaxis.title.text == "Induction score"
    assert native.data[0].marker.colorscale[0][1].lower() in ("rgb(12,51,131)", "#0c3383")  # Portland, in plotly
    (shape,) = native.layout.shapes  # a plotly shape, as neel-plotly adds it; the data holds the points only
    assert shape.line.dash == "dash" and (shape.x0, shape.y1) == pytest.approx((lo, hi)) and len(native.data) == 1


def test_scatter_facets_draw_the_diagonal_in_every_facet():
    y = RNG.normal(size=(2, 8))
    fig = npl.scatter(np.arange(8), y, facet_col=0, include_diag=True, return_fig=True)
    assert [p.title for p in fig.panels] == ["facet=0", "facet=1"]
    assert all(any(isinstance(m, Line) for m in p.marks) for p in fig.panels)


def test_histogram_and_ranges():
    values = RNG.normal(size=500)
    fig = npl.histogram(values, nbins=25, title="Norms", return_fig=True)
    assert fig.title == "Norms"
    assert sum(m.y.sum() for m in fig.marks()) == 500
    assert len(fig.marks()[0].x) == 25
    ranged = npl.line(np.abs(values[:20]) + 0.1, log_y=True, range_y=[0.1, 10], return_fig=True)
    assert ranged.panels[0].y.log and ranged.panels[0].y.range == (0.1, 10.0)
    native = ranged.to("plotly")
    assert native.layout.yaxis.type == "log" and list(native.layout.yaxis.range) == [-1.0, 1.0]  # plotly takes log10


def test_legend_false_and_unknown_keyword():
    fig = npl.line(RNG.normal(size=(2, 4)), legend=False, return_fig=True)
    assert not any(m.legend for m in fig.marks())
    with pytest.raises(TypeError, match="unexpected keyword argument 'colour'"):
        npl.imshow(RNG.normal(size=(2, 2)), colour="red")
    with pytest.raises(TypeError, match="labels"):  # neel-plotly's line passes labels itself
        npl.line(RNG.normal(size=4), labels={"x": "a"})


def test_toggle_is_plotly_only_and_warns_once_elsewhere():
    fig = npl.line(RNG.normal(size=5), toggle_y=True, return_fig=True)
    native = fig.to("plotly")
    assert native.layout.updatemenus[0].buttons[0].label == "Log y-axis"
    with pytest.warns(CompatWarning, match="toggle_y") as record:
        fig.to("matplotlib")
        fig.to("matplotlib")
    assert len([w for w in record if issubclass(w.category, CompatWarning)]) == 1


def test_figs_to_subplots_fills_columns_first():
    figs = [npl.imshow(np.full((2, 2), float(i)), return_fig=True) for i in range(4)]
    grid = npl.figs_to_subplots(figs, rows=2, cols=2, subplot_titles=["a", "b", "c", "d"], title="Grid", return_fig=True)
    assert grid.grid == (2, 2)
    # neel-plotly puts figure i at row i % rows, column i // rows
    assert [float(p.marks[0].z[0, 0]) for p in grid.panels] == [0.0, 2.0, 1.0, 3.0]
    assert [p.title for p in grid.panels] == ["a", "b", "c", "d"]
    with pytest.raises(VizkitError, match="rows \\* cols"):
        npl.figs_to_subplots(figs, rows=3, cols=1)


def test_ragged_lists_pad_with_gaps_not_colours():
    arr = npl.to_numpy([[1.0, 2.0, 3.0], [4.0]])
    assert arr.shape == (2, 3) and np.isneginf(arr[1, 1:]).all()
    fig = npl.imshow([[1.0, 2.0, 3.0], [4.0]], return_fig=True)
    assert any("NaN/inf" in n for n in fig.notes)


def test_display_rule_returns_none_and_shows(monkeypatch):
    shown = []
    monkeypatch.setattr(vk.Figure, "show", lambda self, backend=None: shown.append((self.kind, backend)))
    assert npl.imshow(RNG.normal(size=(2, 2))) is None
    assert npl.line(RNG.normal(size=3)) is None
    assert [k for k, _ in shown] == ["imshow", "line"]


def test_bokeh_backend_draws_compat_figures():
    from bokeh.models import Range1d  # noqa: F401

    with vk.use_backend("bokeh"):
        fig = npl.line(RNG.normal(size=(2, 5)), line_labels=["a", "b"], title="t", return_fig=True)
        root = fig.to()
    texts = {getattr(m, "text", None) for m in root.references()}
    assert "t" in texts
    assert {"a", "b"} <= {getattr(item.label, "value", None) for m in root.references() if type(m).__name__ == "Legend"
                          for item in m.items}


def test_json_round_trip_of_a_compat_figure():
    fig = npl.imshow(RNG.normal(size=(2, 3)), template="simple_white", return_fig=True)
    again = vk.Figure.from_json(fig.to_json())
    assert again.to_dict() == fig.to_dict()
    assert again.meta["compat"]["plotly_layout"] == {"template": "simple_white"}


def test_imshow_hover_is_shown_in_plotly_and_warned_elsewhere():
    from vizkit.compat._figure import CompatWarning

    data = RNG.normal(size=(2, 2, 3))
    names = np.array([[[f"f{f}r{r}c{c}" for c in range(3)] for r in range(2)] for f in range(2)])
    fig = npl.imshow(data, facet_col=0, hover=names, hover_name="cell", return_fig=True)
    native = fig.to("plotly")
    assert [list(r) for r in native.data[1].customdata] == names[1].tolist()
    assert "cell=%{customdata}" in native.data[1].hovertemplate
    with pytest.warns(CompatWarning, match="hover"):
        fig.to("matplotlib")


def test_put_legend_in_plot_is_plotly_only():
    from vizkit.compat._figure import CompatWarning

    fig = npl.line(RNG.normal(size=(2, 4)), line_labels=["a", "b"], return_fig=True)
    npl.put_legend_in_plot(fig)
    native = fig.to("plotly")
    assert native.layout.legend.x == 0.95 and native.layout.legend.orientation == "h"
    with pytest.warns(CompatWarning, match="put_legend_in_plot"):
        fig.to("matplotlib")
