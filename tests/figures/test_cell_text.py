"""Per-cell heatmap text (``text=``, ``text_auto=``): the data in the spec, drawn as plain text in every
backend, in an ink that reads on the cell, and hidden with a caption note when the cells are too small."""

from __future__ import annotations

import re

import numpy as np
import pytest

import vizkit as vk
from vizkit.errors import ShapeError, VizkitError
from vizkit.export import to_bytes
from vizkit.plan import plan as make_plan
from vizkit.plan.colour import INK_DARK, INK_LIGHT
from vizkit.plan.marks import CELL_TEXT_NAME, HIDDEN_TEXT_NOTE
from vizkit.spec import Figure, Heatmap
from vizkit.spec.theme import THEMES

Z = np.array([[0.05, 0.95, 0.5], [0.2, -0.9, np.nan]])
TEXT = [["<b>x</b>", "%{z}", "$a$"], ["d", "e", "f"]]


@pytest.fixture(scope="module")
def fig():
    return vk.imshow(Z, text=TEXT, zmin=-1, zmax=1, title="cells")


def test_text_is_in_the_spec_and_survives_json(fig):
    mark = fig.marks(Heatmap)[0]
    assert mark.text == tuple(tuple(r) for r in TEXT) and mark.text_label == "text"
    assert Figure.from_json(fig.to_json()) == fig
    with pytest.raises(ShapeError, match=r"shape of the data \(2, 3\).*got shape \(3, 2\)"):
        Heatmap(z=Z, colorscale=mark.colorscale, text=np.full((3, 2), "a"))


def test_text_auto_writes_the_values_and_bad_input_says_what_was_expected():
    z = np.array([[0.12345, -2.5], [np.nan, 1000.0]])
    assert vk.imshow(z, text_auto=True).marks(Heatmap)[0].text == (("0.123", "-2.5"), ("", "1e+03"))
    assert vk.imshow(z, text_auto=".2f").marks(Heatmap)[0].text == (("0.12", "-2.50"), ("", "1000.00"))
    assert vk.imshow(z, text_auto=True).marks(Heatmap)[0].text_label == "value"
    with pytest.raises(VizkitError, match=r"text_auto must be True or a number format such as '.2f'.*got 'abc'"):
        vk.imshow(z, text_auto="abc")
    with pytest.raises(VizkitError, match="not both"):
        vk.imshow(z, text=[["a", "b"], ["c", "d"]], text_auto=True)
    with pytest.raises(ShapeError, match=r"text= must have the shape of the data \(2, 2\).*got shape \(2, 3\)"):
        vk.imshow(z, text=[["a", "b", "c"], ["c", "d", "e"]])
    with pytest.raises(ShapeError, match="single string"):
        vk.imshow(z, text="abc")


def test_text_follows_facets_and_slider_frames():
    data = np.arange(2 * 2 * 3, dtype=float).reshape(2, 2, 3)
    text = np.vectorize(lambda v: f"v{int(v)}")(data)
    for key in ("facet_col", "animation_frame"):
        fig = vk.imshow(data, text=text, **{key: 0})
        marks = fig.marks(Heatmap)
        assert [m.text for m in marks] == [tuple(map(tuple, text[k])) for k in range(2)]


def test_patching_takes_text_auto_per_panel():
    r = np.random.default_rng(0).normal(size=(2, 3, 4))
    fig = vk.patching(r, dims=("patch_type", "layer", "pos"), text_auto=".1f")
    for k, mark in enumerate(fig.marks(Heatmap)):
        assert mark.text == tuple(tuple(format(v, ".1f") for v in row) for row in r[k])


def test_a_downsampled_heatmap_drops_its_text_and_says_so():
    fig = vk.imshow(np.random.default_rng(1).random((1200, 1200)), text_auto=True)
    assert fig.marks(Heatmap)[0].text is None
    assert "cell text not shown: the heatmap was downsampled" in fig.notes


# ---------------------------------------------------------------------------------------------
# Drawn: plain text (never markup), readable inks, one size that fits


def test_plotly_draws_the_text_escaped_in_the_planned_inks(fig):
    trace = fig.to("plotly").data[0]
    assert trace.texttemplate == "%{text}"
    assert trace.text[0][0] == f'<span style="color:{INK_DARK}">&lt;b&gt;x&lt;/b&gt;</span>'
    assert trace.text[0][1] == f'<span style="color:{INK_LIGHT}">&#37;{{z}}</span>'  # 0.95 on Blues/RdBu: dark cell
    assert trace.text[1][1] == f'<span style="color:{INK_LIGHT}">e</span>'  # -0.9: dark red
    assert trace.customdata[0][0] == "&lt;b&gt;x&lt;/b&gt;" and "text: %{customdata}" in trace.hovertemplate
    svg = to_bytes(fig, "svg", "plotly").decode()
    texts = [re.sub(r"<[^>]+>", "", t) for t in re.findall(r'<g class="heatmap-label"><text[^>]*>(.*?)</text>', svg)]
    assert "&#60;b&#62;x&#60;/b&#62;" in texts and "%{z}" in texts  # literally, not bold, not the value
    assert "<b>" not in svg and "font-weight:bold" not in svg


def test_bokeh_and_holoviews_draw_a_text_glyph_with_the_plain_text(fig):
    from bokeh.models import GlyphRenderer, HoverTool

    for backend in ("bokeh", "holoviews"):
        from vizkit.backends import load

        root = load(backend).bokeh_layout(fig, THEMES["default"]) if backend == "holoviews" else fig.to("bokeh")
        renderers = [r for r in root.select({"type": GlyphRenderer}) if r.name == CELL_TEXT_NAME]
        assert len(renderers) == 1, backend
        data = renderers[0].data_source.data
        inks = data["ink"] if "ink" in data else data["text_color"]  # HoloViews names the column after the option
        cells = {(int(y), int(x)): (t, ink) for x, y, t, ink in zip(data["x"], data["y"], data["text"], inks, strict=True)}
        assert cells[(0, 0)] == ("<b>x</b>", INK_DARK) and cells[(0, 1)] == ("%{z}", INK_LIGHT), backend
        assert cells[(1, 2)] == ("f", THEMES["default"].foreground), backend  # a NaN gap: the theme's text colour
        tips = [t for h in root.select({"type": HoverTool}) for t in h.tooltips if t[0] == "text"]
        assert tips, f"{backend}: no text row in the heatmap hover"


def test_matplotlib_draws_literal_text_inside_each_cell(fig):
    mfig = fig.to("matplotlib")
    ax = mfig.axes[0]
    texts = [t for t in ax.texts if (t.get_gid() or "").startswith(CELL_TEXT_NAME)]
    assert sorted(t.get_text() for t in texts) == sorted(sum(TEXT, []))
    assert all(t.get_parse_math() is False for t in texts)  # "$a$" stays "$a$"
    ids = re.findall(r' id="([^"]+)"', to_bytes(vk.imshow(np.stack([Z, -Z]), text=[TEXT, TEXT], facet_col=0), "svg",
                                                 "matplotlib").decode())
    assert len(ids) == len(set(ids)) and sum(i.startswith(CELL_TEXT_NAME) for i in ids) == 12  # SVG ids stay unique
    by_text = {t.get_text(): t for t in texts}
    assert by_text["%{z}"].get_color() == INK_LIGHT and by_text["d"].get_color() == INK_DARK
    mfig.canvas.draw()
    renderer = mfig.canvas.get_renderer()
    to_px = ax.transData.transform
    for t in texts:  # each text sits inside its own cell, so none overlaps a neighbour
        x, y = t.get_position()
        (x0, y0), (x1, y1) = to_px((x - 0.5, y - 0.5)), to_px((x + 0.5, y + 0.5))
        box = t.get_window_extent(renderer)
        assert min(x0, x1) <= box.x0 and box.x1 <= max(x0, x1) and min(y0, y1) <= box.y0 and box.y1 <= max(y0, y1), t.get_text()


def test_dark_theme_inks_read_on_their_cells():
    fig = vk.imshow(np.array([[0.0, 1.0]]), text=[["low", "high"]], colorscale="viridis", theme="dark")
    ax = fig.to("matplotlib").axes[0]
    inks = {t.get_text(): t.get_color() for t in ax.texts if (t.get_gid() or "").startswith(CELL_TEXT_NAME)}
    assert inks == {"low": INK_LIGHT, "high": INK_DARK}  # viridis: dark purple at 0, yellow at 1


@pytest.mark.parametrize("backend", ["plotly", "bokeh", "matplotlib"])
def test_text_too_big_for_its_cells_is_hidden_and_the_caption_says_so(backend):
    fig = vk.imshow(np.random.default_rng(2).random((40, 40)), text_auto=".4f")
    assert HIDDEN_TEXT_NOTE in make_plan(fig, THEMES["default"]).notes
    native = fig.to(backend)
    if backend == "plotly":
        assert native.data[0].texttemplate is None and native.data[0].customdata is not None  # the hover still has it
        assert any(HIDDEN_TEXT_NOTE in (a.text or "") for a in native.layout.annotations)
    elif backend == "bokeh":
        from bokeh.models import GlyphRenderer

        assert not [r for r in native.select({"type": GlyphRenderer}) if r.name == CELL_TEXT_NAME]
    else:
        assert not [t for t in native.axes[0].texts if (t.get_gid() or "").startswith(CELL_TEXT_NAME)]
    small = vk.imshow(np.random.default_rng(2).random((4, 4)), text_auto=".2f")
    assert HIDDEN_TEXT_NOTE not in make_plan(small, THEMES["default"]).notes


@pytest.mark.browser
def test_plotly_cell_text_in_chromium_is_literal_and_no_two_texts_overlap(tmp_path, chromium):
    """The tightest layout (plotly writes a long colour-bar title across the top): 21 columns of 4-character
    tokens, as the induction model's logit lens has, fit their cells in the browser without touching."""
    from tests.browser.harness import open_page

    rng = np.random.default_rng(3)
    text = [[f"t{v}" for v in row] for row in rng.integers(100, 128, size=(3, 21))]
    text[0][0] = "<img src=x onerror=window.__pwned=1>"[:4]  # "<img": text, never an element
    fig = vk.imshow(rng.random((3, 21)), text=text, labels={"color": "top-token probability"}, title="lens")
    report = open_page(chromium, fig.save(tmp_path / "cells.html", backend="plotly"), wait_for=".js-plotly-plot")
    boxes = report.page.eval_on_selector_all(
        "g.heatmap-label text", "els => els.map(e => { const r = e.getBoundingClientRect(); "
                                "return [e.textContent, r.left, r.right, r.top, r.bottom]; })")
    assert sorted(b[0] for b in boxes) == sorted(sum(text, []))
    image = report.page.eval_on_selector(".hm image", "e => { const r = e.getBoundingClientRect(); return [r.width, r.height]; }")
    cell_w, cell_h = image[0] / 21, image[1] / 3
    for _, left, right, top, bottom in boxes:
        assert right - left <= cell_w and bottom - top <= cell_h
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert a[2] <= b[1] or b[2] <= a[1] or a[4] <= b[3] or b[4] <= a[3], (a, b)
    assert report.page.evaluate("document.querySelectorAll('.hm ~ * img, g.heatmap-label img').length") == 0
    assert report.errors == [] and report.network_requests == []


def test_slider_frames_with_cell_text_each_show_their_own_text():
    """bokeh builds slider frames lazily by swapping heatmap values; text differs by frame, so every frame is built."""
    from bokeh.models import GlyphRenderer

    data = np.arange(2 * 2 * 3, dtype=float).reshape(2, 2, 3)
    text = np.vectorize(lambda v: f"v{int(v)}")(data)
    root = vk.imshow(data, text=text, animation_frame=0).to("bokeh")
    shown = [sorted(r.data_source.data["text"]) for r in root.select({"type": GlyphRenderer}) if r.name == CELL_TEXT_NAME]
    assert sorted(shown) == [sorted(text[0].ravel()), sorted(text[1].ravel())]
