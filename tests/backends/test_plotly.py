"""The plotly backend: every figure of the shared catalogue carries the spec's data, labels, title and
colour range; hostile tokens stay text in its HTML (ticks, hover, token text) in headless Chromium."""

from __future__ import annotations

import numpy as np
import pytest

import vizkit as vk
from tests.backends.bokeh_helpers import FIGURES, build
from tests.browser.harness import open_page
from vizkit.backends import render
from vizkit.backends.plotly import unique_labels
from vizkit.plan.colour import fills
from vizkit.plan.text import escape, number_text
from vizkit.spec import Bar, Heatmap, Line, Scatter, TokenText
from vizkit.spec.colors import stops


def _axis(layout, kind: str, index: int):
    return layout[f"{kind}axis{'' if index == 1 else index}"]


def _tick_texts(axis) -> list[str] | None:
    if axis.categoryarray is not None:
        return [str(s).replace("\u200b", "") for s in axis.categoryarray]
    if axis.ticktext is not None:
        return list(axis.ticktext)
    return None


def _escaped(labels) -> list[str]:
    """Labels as plotly shows them: HTML-escaped (plotly reads markup in labels), repeats kept apart."""
    return [s.replace("\u200b", "") for s in unique_labels(labels)]


def _check_trace(trace, mark, layout, row: int = 0):
    if isinstance(mark, Heatmap):
        assert trace.type == "heatmap"
        np.testing.assert_allclose(np.asarray(trace.z, dtype=float), mark.z, rtol=1e-6, equal_nan=True)  # float32 on the wire
        if trace.coloraxis:
            scale = layout.coloraxis
            lo, hi, colours = scale.cmin, scale.cmax, [c for _, c in scale.colorscale]
        else:
            lo, hi, colours = trace.zmin, trace.zmax, [c for _, c in trace.colorscale]
        assert (lo, hi) == (mark.colorscale.zmin, mark.colorscale.zmax)
        assert colours == stops(mark.colorscale.name)
    elif isinstance(mark, Line):
        assert trace.type == "scatter" and trace.mode.startswith("lines")
        np.testing.assert_array_equal(np.asarray(trace.x, dtype=float), mark.x)
        np.testing.assert_array_equal(np.asarray(trace.y, dtype=float), mark.y)
    elif isinstance(mark, Scatter):
        assert trace.type == "scatter" and trace.mode == "markers"
        np.testing.assert_array_equal(np.asarray(trace.x, dtype=float), mark.x)
        if mark.values is not None:
            np.testing.assert_array_equal(np.asarray(trace.marker.color, dtype=float), mark.values)
            assert (trace.marker.cmin, trace.marker.cmax) == (mark.colorscale.zmin, mark.colorscale.zmax)
    elif isinstance(mark, Bar):
        assert trace.type == "bar"
        values = trace.x if mark.horizontal else trace.y
        np.testing.assert_array_equal(np.asarray(values, dtype=float), mark.y)
    elif isinstance(mark, TokenText):  # one trace of token boxes per value row, then the colour bar's trace
        assert trace.type == "bar" and trace.orientation == "h"
        assert list(trace.text) == [escape(t) for t in mark.tokens]
        assert list(trace.marker.color) == fills(mark.values[row], mark.colorscale)
        assert list(trace.customdata) == [number_text(v) for v in mark.values[row]]


def _n_traces(mark) -> int:
    return mark.values.shape[0] if isinstance(mark, TokenText) else 1


def _check_colorbar_trace(trace, mark):
    assert trace.type == "scatter" and trace.marker.showscale
    assert (trace.marker.cmin, trace.marker.cmax) == (mark.colorscale.zmin, mark.colorscale.zmax)
    assert [c for _, c in trace.marker.colorscale] == stops(mark.colorscale.name)


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_parity_with_the_spec(name):
    fig = build(name)
    p = render(fig, "plotly")
    assert (p.layout.title.text or None) == escape(fig.title)  # plotly reads markup: titles escaped
    traces = iter(p.data)
    for frame in range(fig.n_frames):
        for i, panel in enumerate(fig.frame_panels(frame)):
            for mark in panel.marks:
                for row in range(_n_traces(mark)):
                    trace = next(traces)
                    assert trace.visible == (frame == 0 and row == 0)
                    _check_trace(trace, mark, p.layout, row)
                if isinstance(mark, TokenText):
                    _check_colorbar_trace(next(traces), mark)
            if frame or any(isinstance(m, TokenText) for m in panel.marks):
                continue
            for kind, axis in (("x", panel.x), ("y", panel.y)):
                ax = _axis(p.layout, kind, i + 1)
                if axis.title:
                    assert ax.title.text == axis.title
                if axis.labels is not None:
                    want = _escaped(axis.labels)
                    got = _tick_texts(ax)
                    thinned = [_escaped(axis.labels)[k] for k in axis.tick_positions()[0]]
                    assert got in (want, thinned)
                assert (ax.type == "log") == axis.log
    assert next(traces, None) is None
    if len(fig.frame_panels(0)) > 1:
        assert [a.text for a in p.layout.annotations][: len(fig.frame_panels(0))] == [escape(q.title) or ""
                                                                                      for q in fig.frame_panels(0)]
    if fig.slider is not None:
        assert [s.label for s in p.layout.sliders[0].steps] == list(fig.slider.labels)
    if fig.notes:
        assert any(" · ".join(escape(n) for n in fig.notes) == a.text for a in p.layout.annotations)


HOSTILE_PROBE = "() => ({pwned: window.__pwned === 1, imgs: document.querySelectorAll('img').length})"


@pytest.mark.browser
def test_hostile_tokens_stay_text_in_ticks_hover_and_token_text(tmp_path, chromium):
    tokens = ["<bos>", "<img src=x onerror=window.__pwned=1>", "</script><script>window.__pwned=1</script>", " a & b", "$x^2$"]
    heat = vk.imshow(np.arange(10.0).reshape(2, 5), dims=("layer", "pos"), x=tokens, title="<b onmouseover=x>t</b>")
    report = open_page(chromium, heat.save(tmp_path / "heat.html", backend="plotly"), wait_for=".js-plotly-plot")
    page = report.page
    assert page.evaluate(HOSTILE_PROBE) == {"pwned": False, "imgs": 0}
    ticks = page.eval_on_selector_all(".xtick text", "els => els.map(e => e.textContent)")
    assert [t.replace("\u200b", "") for t in ticks] == ["<bos>", "<img src=x onerror=window.__pwned=1>",
                                                        "</script><script>window.__pwned=1</script>", "␣a & b", "$x^2$"]
    assert page.locator(".gtitle").text_content() == "<b onmouseover=x>t</b>"  # the title reads literally too
    assert report.errors == [] and report.network_requests == []

    text = vk.tokens(tokens, np.linspace(-1, 1, len(tokens)), title="tokens")
    report = open_page(chromium, text.save(tmp_path / "tokens.html", backend="plotly"), wait_for=".js-plotly-plot")
    shown = report.page.eval_on_selector_all(".barlayer text", "els => els.map(e => e.textContent)")
    assert "<img src=x onerror=window.__pwned=1>" in shown and report.page.evaluate(HOSTILE_PROBE)["pwned"] is False
    assert report.errors == [] and report.network_requests == []


@pytest.mark.browser
def test_hover_names_query_and_key_tokens(tmp_path, chromium):
    toks = ["<bos>", " When", " Mary", " and", " Mary"]
    pat = np.tril(np.ones((1, 5, 5)))
    fig = vk.attention(pat / pat.sum(-1, keepdims=True), tokens=toks, title="hover")
    report = open_page(chromium, fig.save(tmp_path / "attn.html", backend="plotly"), wait_for=".js-plotly-plot")
    page = report.page
    box = page.locator(".nsewdrag").first.bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.9)  # query 4 (" Mary"), key 2 (" Mary")
    page.wait_for_selector(".hovertext", timeout=5000)
    hover = page.locator(".hovertext").first.text_content()
    assert "query: ␣Mary" in hover and "key: ␣Mary" in hover and "attention: 0.2" in hover
    assert report.errors == []


@pytest.mark.browser
def test_a_long_title_fits_inside_the_figure(tmp_path, chromium):
    """plotly centres the title and clips both ends of one wider than the figure: it must be shrunk to fit."""
    title = "Attention from [CLS] to each token, mean over the 12 heads of layer 5 of MiniLM, with [CLS] itself left blank"
    fig = vk.imshow(np.eye(4), title=title)
    report = open_page(chromium, fig.save(tmp_path / "long.html", backend="plotly"), wait_for=".js-plotly-plot .gtitle")
    box = report.page.locator(".gtitle").bounding_box()
    svg = report.page.locator(".js-plotly-plot .main-svg").first.bounding_box()
    assert report.page.locator(".gtitle").text_content() == title
    assert svg["x"] <= box["x"] and box["x"] + box["width"] <= svg["x"] + svg["width"], (box, svg)
    assert report.errors == [] and report.network_requests == []


@pytest.mark.browser
def test_user_labels_are_never_read_as_hover_template_fields(tmp_path, chromium):
    """``labels={'x': '%{z}'}`` names the column ``%{z}`` in the hover; it never shows a value there."""
    fig = vk.imshow(np.array([[0.25, 0.5], [0.75, 1.0]]), labels={"x": "%{z}", "y": "<b>%{x}</b>"})
    trace = render(fig, "plotly").data[0]
    assert trace.hovertemplate.count("%{") == 3  # the row, the column and the value: nothing from the labels
    report = open_page(chromium, fig.save(tmp_path / "labels.html", backend="plotly"), wait_for=".js-plotly-plot")
    box = report.page.locator(".nsewdrag").first.bounding_box()
    report.page.mouse.move(box["x"] + box["width"] * 0.75, box["y"] + box["height"] * 0.75)
    report.page.wait_for_selector(".hovertext", timeout=5000)
    hover = report.page.locator(".hovertext").first.text_content()
    assert "%{z}: 1" in hover and "<b>%{x}</b>: 1" in hover, hover
    assert report.errors == []


def test_axes_are_set_once_per_panel_from_the_plan():
    """Each panel's axes come from one layout update, with the plan's thinned ticks (the same in every backend)."""
    from vizkit.plan import plan
    from vizkit.spec import theme as themes

    tokens = [f"tok{i}" for i in range(80)]
    fig = vk.imshow(RNG_PATTERNS.random((4, 80, 80)), dims=("head", "query", "key"), x=tokens, y=tokens, facet="head",
                    facet_cols=2)
    planned = plan(fig, themes.get())
    out = render(fig, "plotly")
    for i, panel in enumerate(planned.frame(0)):
        ax = _axis(out.layout, "x", i + 1)
        assert [t.replace("\u200b", "") for t in ax.tickvals] == [tokens[int(k)] for k in panel.x.tickvals]
        assert list(ax.ticktext) == list(panel.x.ticktext) and len(ax.ticktext) < 80
        assert (ax.tickangle == -45) == panel.x.rotated


RNG_PATTERNS = np.random.default_rng(3)


# ---------------------------------------------------------------------------------------------
# Issue 13: odd inputs drawn honestly


def test_zero_width_tokens_never_merge_a_duplicate_column():
    fig = vk.imshow(np.arange(4.0).reshape(1, 4), x=["a", "a", "a\u200b", "b"])
    native = render(fig, "plotly")
    categories = list(native.layout.xaxis.categoryarray)
    assert len(set(categories)) == 4  # four tokens, four columns
    assert list(native.data[0].x) == categories
    assert list(native.layout.xaxis.ticktext) == ["a", "a", "a⟨U+200B⟩", "b"]  # the real zero-width character shown


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_inf_cells_are_marked_gaps_counted_in_the_caption(dtype):
    z = np.array([[0.0, np.inf, 0.5], [-np.inf, 1.0, np.inf]], dtype=dtype)
    native = render(vk.imshow(z), "plotly")
    drawn = np.asarray(native.data[0].z, dtype=float)
    assert np.isnan(drawn[0, 1]) and np.isnan(drawn[1, 0]) and np.isnan(drawn[1, 2])  # not the top/bottom colour
    assert drawn[1, 1] == 1.0
    marks = [t for t in native.data if isinstance(t.meta, dict) and t.meta.get("vizkit_inf")]
    assert len(marks) == 1 and sorted(zip(marks[0].x, marks[0].y, marks[0].customdata, strict=True)) == \
        [(0, 1, "-inf"), (1, 0, "+inf"), (2, 1, "+inf")]
    caption = native.layout.annotations[-1].text
    assert "inf" in caption and "3" in caption


def test_inf_in_attention_is_a_gap_counted_in_the_caption():
    import torch

    pat = torch.full((1, 3, 3), 0.25, dtype=torch.bfloat16)
    pat[0, 2, 1] = float("inf")
    native = render(vk.attention(pat), "plotly")
    heat = next(t for t in native.data if t.type == "heatmap")
    assert np.isnan(np.asarray(heat.z, dtype=float)[2, 1])
    assert any("inf" in a.text for a in native.layout.annotations)


def test_slider_step_labels_are_text_not_markup():
    import xarray as xr

    steps = ["<b>x</b>", "<a href='javascript:window.__pwned=1'>l</a>"]
    da = xr.DataArray(np.zeros((2, 2, 2)), dims=("step", "r", "c"), coords={"step": steps})
    native = render(vk.imshow(da, animate="step"), "plotly")
    shown = [s.label for s in native.layout.sliders[0].steps]
    assert shown == [escape(s) for s in steps] and all("<" not in s for s in shown)


def test_long_labels_end_in_an_ellipsis_with_a_note_and_the_hover_keeps_them():
    long = "y" * 5000
    native = render(vk.imshow(np.zeros((1, 2)), x=[long, "b"]), "plotly")
    tick = native.layout.xaxis.ticktext[0]
    assert tick.endswith("…") and len(tick) <= 50
    assert native.data[0].x[0] == long  # the category (what the hover shows) is the full label
    assert "1 label shortened" in native.layout.annotations[-1].text


def test_bidi_override_is_shown_not_obeyed():
    native = render(vk.imshow(np.zeros((1, 2)), x=["ab\u202edc", "x"]), "plotly")
    assert native.layout.xaxis.ticktext[0] == "ab⟨U+202E⟩dc"
    assert "\u202e" not in native.to_json()


def test_a_line_of_one_point_shows_a_marker_and_nan_breaks_a_line():
    (one,) = render(vk.loss_curves(np.array([0.7])), "plotly").data[:1]
    assert "markers" in one.mode
    lone = render(vk.line(np.array([1.0, np.nan, 2.0, 3.0])), "plotly").data[0]  # point 0 has no neighbour to join
    assert "markers" in lone.mode and list(lone.marker.size) == [7, 0, 0, 0]
    native = render(vk.line(np.array([1.0, 2.0, np.nan, 3.0, 4.0])), "plotly")
    trace = native.data[0]
    assert trace.connectgaps is False and np.isnan(np.asarray(trace.y, dtype=float)[2])


def test_log_y_leaves_a_gap_at_zero_and_negative_values():
    native = render(vk.line(np.array([1.0, 0.5, 0.0, -1.0, 0.25]), log_y=True), "plotly")
    y = np.asarray(native.data[0].y, dtype=float)
    assert y[:2].tolist() == [1.0, 0.5] and np.isnan(y[2:4]).all() and y[4] == 0.25


def test_nul_in_labels_keeps_the_svg_valid_xml():
    import xml.dom.minidom

    from vizkit.export import to_bytes

    fig = vk.imshow(np.zeros((1, 2)), x=["nul\x00", "c1\x85"], title="t\x00")
    xml.dom.minidom.parseString(to_bytes(fig, "svg", backend="plotly"))
