"""ARENA plotly_utils call sites, replayed: layout keywords routed to the layout, ARENA's own
keywords handled, the figure matching the call in plotly and matplotlib."""

from __future__ import annotations

import numpy as np
import pytest

import vizkit as vk
from tests.compat.conftest import RNG, plotly_colorscale_ends
from vizkit.compat import arena
from vizkit.compat._figure import CompatWarning
from vizkit.spec import Bar, Heatmap, Line, Scatter
from vizkit.spec.colors import stops


def test_head_patching_imshow_with_wrapped_facet_labels():
    # act_patch_attn_head_out_by_pos: [3, n_layers, n_heads], facet labels in reading order
    results = RNG.normal(size=(3, 2, 4))
    labels = ["Output", "Query", "Value"]
    fig = arena.imshow(results, facet_col=0, facet_labels=labels, facet_col_wrap=2, title="Patching heads",
                       labels={"x": "Head", "y": "Layer"}, width=900, return_fig=True)
    assert [p.title for p in fig.panels] == labels
    assert fig.facet_cols == 2 and fig.width == 900
    for i, m in enumerate(fig.marks(Heatmap)):
        np.testing.assert_allclose(m.z, results[i])
        assert (m.colorscale.name, m.colorscale.zmid) == ("RdBu", 0.0)
    native = fig.to("plotly")
    assert native.layout.title.text == "Patching heads"
    assert [a.text for a in native.layout.annotations][:3] == labels
    assert native.layout.xaxis.title.text == "Head" and native.layout.yaxis.title.text == "Layer"
    assert plotly_colorscale_ends(native) == (stops("RdBu")[0], stops("RdBu")[-1])
    axes = [ax for ax in fig.to("matplotlib").axes if ax.images]
    assert [ax.get_title() for ax in axes] == labels
    assert axes[0].get_xlabel() == "Head"


def test_imshow_layout_keywords_size_and_margin():
    fig = arena.imshow(RNG.normal(size=(3, 3)), size=(300, 500), margin=10, xaxis_title="Key", yaxis_title="Query",
                       coloraxis_showscale=False, title_x=0.5, return_fig=True)
    assert (fig.height, fig.width) == (300, 500)
    assert (fig.panels[0].x.title, fig.panels[0].y.title) == ("Key", "Query")
    assert fig.marks(Heatmap)[0].show_scale is False
    native = fig.to("plotly")
    assert native.layout.margin.t == 10 and native.layout.margin.l == 10
    assert native.layout.title.x == 0.5


def test_imshow_text_in_every_backend_and_border_in_plotly():
    text = [["a", "b"], ["c", "d"]]
    fig = arena.imshow(RNG.normal(size=(2, 2)), text=text, border=True, return_fig=True)
    native = fig.to("plotly")
    import re

    assert [[re.sub(r"<[^>]+>", "", c) for c in r] for r in native.data[0].text] == text
    assert native.data[0].texttemplate == "%{text}"
    assert native.layout.xaxis.showline is True and native.layout.xaxis.mirror is True
    with pytest.warns(CompatWarning, match="border") as record:
        mpl = fig.to("matplotlib")
    assert "text" not in str(record[0].message)  # vk.imshow writes the cell text in matplotlib too
    assert sorted(t.get_text() for t in mpl.axes[0].texts) == ["a", "b", "c", "d"]
    faceted = arena.imshow(RNG.normal(size=(2, 2, 2)), text=[text, [["e", "f"], ["g", "h"]]], return_fig=True)
    assert [m.text for m in faceted.marks(Heatmap)] == [(("a", "b"), ("c", "d")), (("e", "f"), ("g", "h"))]


def test_loss_lines_with_names_and_hovermode_default():
    train, test = RNG.random(50), RNG.random(50)
    fig = arena.line([train, test], names=["train", "test"], labels={"x": "Step", "y": "Loss"}, title="Training",
                     yaxis_range=[0, 1], return_fig=True)
    lines = fig.marks(Line)
    assert [m.name for m in lines] == ["train", "test"]
    np.testing.assert_allclose(lines[1].y, test)
    assert fig.panels[0].y.range == (0.0, 1.0)
    native = fig.to("plotly")
    assert native.layout.hovermode == "x unified"
    assert native.layout.xaxis.title.text == "Step" and native.layout.yaxis.title.text == "Loss"
    assert [d.name for d in native.data] == ["train", "test"]
    unlabelled = arena.line([train, test], return_fig=True).to("plotly")  # plotly express's wide-form titles
    assert unlabelled.layout.xaxis.title.text == "index" and unlabelled.layout.yaxis.title.text == "value"
    mpl = fig.to("matplotlib").axes[0]
    assert mpl.get_ylim() == pytest.approx((0.0, 1.0))
    assert [t.get_text() for t in mpl.get_legend().get_texts()] == ["train", "test"]


def test_default_hovermode_does_not_warn_in_other_backends(recwarn):
    arena.line(RNG.random(5), return_fig=True).to("matplotlib")
    assert not [w for w in recwarn if issubclass(w.category, CompatWarning)]


def test_line_tickvals_become_tick_labels():
    fig = arena.line(RNG.random(4), xaxis_tickvals=["a", "b", "b", "c"], return_fig=True)
    assert fig.panels[0].x.labels == ("a", "b", "b", "c")  # repeated labels stay four ticks


def test_secondary_y_axis_is_two_panels_and_warns():
    fig = arena.line([RNG.random(10), RNG.random(5)], x=[np.arange(10), np.arange(0, 10, 2)], names=["loss", "acc"],
                     labels={"x": "Step", "y1": "Loss", "y2": "Accuracy"}, use_secondary_yaxis=True, return_fig=True)
    assert [p.y.title for p in fig.panels] == ["Loss", "Accuracy"]
    assert [m.name for m in fig.marks(Line)] == ["loss", "acc"]
    assert any("own y axis" in n for n in fig.notes)
    with pytest.warns(CompatWarning, match="use_secondary_yaxis"):
        fig.to("plotly")


def test_scatter_add_line_and_facet_labels():
    x, y = RNG.normal(size=20), RNG.normal(size=20)
    fig = arena.scatter(x, y, add_line="y=x", labels={"x": "Clean", "y": "Patched"}, title="Logits", return_fig=True)
    points, ref = fig.marks(Scatter)[0], fig.marks(Line)[0]
    np.testing.assert_allclose(points.x, x)
    np.testing.assert_allclose(ref.x, [x.min(), x.max()])
    np.testing.assert_allclose(ref.y, [x.min(), x.max()])
    assert fig.panels[0].x.title == "Clean"
    vertical = arena.scatter(x, y, add_line="x = 0.5", return_fig=True).marks(Line)[0]
    np.testing.assert_allclose(vertical.x, [0.5, 0.5])
    np.testing.assert_allclose(vertical.y, [y.min(), y.max()])
    with pytest.raises(ValueError, match="Unrecognized add_line"):
        arena.scatter(x, y, add_line="z=1", return_fig=True)
    faceted = arena.scatter(x, y, facet_col=np.repeat(["a", "b"], 10), facet_labels=["first", "second"], return_fig=True)
    assert [p.title for p in faceted.panels] == ["first", "second"]
    np.testing.assert_allclose(faceted.panels[1].marks[0].x, x[10:])


def test_bar_names_and_labels():
    values = RNG.normal(size=6)
    heads = [f"L0H{i}" for i in range(6)]
    fig = arena.bar(values, x=heads, names=["score"], labels={"x": "Head", "y": "Score"}, title="Scores", return_fig=True)
    (bars,) = fig.marks(Bar)
    np.testing.assert_allclose(bars.y, values)
    assert bars.name == "score"
    assert fig.panels[0].x.labels == tuple(heads)
    native = fig.to("plotly")
    assert native.layout.title.text == "Scores" and native.layout.hovermode == "x unified"


def test_hist_overlaid_with_mean_lines():
    clean, corrupt = RNG.normal(0, 1, 400), RNG.normal(2, 1, 400)
    fig = arena.hist([clean, corrupt], names=["clean", "corrupt"], add_mean_line=True, nbins=40, title="Logit diff",
                     return_fig=True)
    bars = fig.marks(Bar)
    assert [b.name for b in bars] == ["clean", "corrupt"]
    assert [int(b.y.sum()) for b in bars] == [400, 400]
    assert len(bars[0].x) == 40
    means = fig.marks(Line)
    np.testing.assert_allclose([m.x[0] for m in means], [clean.mean(), corrupt.mean()])
    assert [m.name for m in means] == [f"Mean = {clean.mean():.3f}", f"Mean = {corrupt.mean():.3f}"]
    native = fig.to("plotly")
    assert native.layout.barmode == "overlay" and native.layout.bargap == 0
    mpl = fig.to("matplotlib").axes[0]
    assert len(mpl.patches) >= 80


def test_unknown_keyword_and_renderer():
    with pytest.raises(TypeError, match="unexpected keyword argument 'xaxis'"):  # ARENA passes it to px: TypeError
        arena.imshow(RNG.normal(size=(2, 2)), xaxis="Head")
    with pytest.raises(TypeError, match="unexpected keyword argument 'colour'"):
        arena.hist(RNG.normal(size=9), colour="red")


def test_display_rule(monkeypatch):
    shown = []
    monkeypatch.setattr(vk.Figure, "show", lambda self, backend=None: shown.append(self.kind))
    assert arena.bar(RNG.normal(size=3)) is None
    assert arena.hist(RNG.normal(size=30)) is None
    assert shown == ["bar", "hist"]


def test_grouped_bars_need_no_warning(recwarn):
    fig = arena.bar([RNG.normal(size=3), RNG.normal(size=3)], barmode="group", names=["a", "b"], return_fig=True)
    fig.to("matplotlib")
    assert [m.name for m in fig.marks(Bar)] == ["a", "b"]
    assert fig.to("plotly").layout.legend.title.text == "variable"  # plotly express's wide-form legend title
    assert not [w for w in recwarn if issubclass(w.category, CompatWarning)]
    with pytest.warns(CompatWarning, match="barmode"):
        arena.bar([RNG.normal(size=3), RNG.normal(size=3)], barmode="stack", return_fig=True).to("plotly")
