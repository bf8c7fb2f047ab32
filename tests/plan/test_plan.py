"""The plan decides once, for every backend, what a figure looks like: tested without drawing anything."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

import vizkit as vk
from vizkit.plan import PX_PER_INCH, plan, with_size
from vizkit.plan.captions import static_frame_note
from vizkit.plan.colour import INK_DARK, INK_LIGHT, NAN_COLOR, fills, inks
from vizkit.plan.text import escape, number_text, plain
from vizkit.plan.ticks import log_ticks
from vizkit.plan.tokens import wrap_tokens
from vizkit.spec import Axis, ColorScale, Figure, Heatmap, Line, Panel, Slider
from vizkit.spec import theme as themes

DEFAULT = themes.THEMES["default"]
RNG = np.random.default_rng(7)


def heatmap_grid(n_panels: int, n: int, cols: int, **kw) -> Figure:
    tokens = [f"tok{i}" for i in range(n)]
    return vk.imshow(RNG.random((n_panels, n, n)), dims=("head", "query", "key"), x=tokens, y=tokens, facet="head",
                     facet_cols=cols, **kw)


# ---------------------------------------------------------------------------------------------
# Geometry


def test_one_panel_takes_the_theme_size_and_cells_add_up():
    p = plan(vk.imshow(np.eye(3)), DEFAULT)
    assert (p.width, p.height) == (DEFAULT.width, DEFAULT.height)
    assert len(p.geometry.cells) == 1 and p.geometry.cells[0].width == DEFAULT.width


def test_facet_grid_cells_tile_the_figure_in_whole_pixels():
    p = plan(heatmap_grid(5, 4, 2), DEFAULT)
    geo = p.geometry
    assert (geo.rows, geo.cols) == (3, 2) and len(geo.cells) == 5
    assert sum(geo.col_widths) + geo.colorbar_width == p.width  # the shared colour bar has its own column
    assert geo.title_height + geo.grid_height + geo.select_height + geo.slider_height + geo.caption_height == p.height
    assert [(c.row, c.col) for c in geo.cells] == [divmod(i, 2) for i in range(5)]
    assert all(c.x == sum(geo.col_widths[: c.col]) for c in geo.cells)


def test_width_and_height_override_and_pixels_per_inch_are_defined_once():
    from vizkit import export

    fig = vk.imshow(np.eye(3), width=500)
    assert with_size(fig) is fig
    sized = with_size(fig, None, 300)
    assert (sized.width, sized.height) == (500, 300)
    assert (plan(sized, DEFAULT).width, plan(sized, DEFAULT).height) == (500, 300)
    assert PX_PER_INCH == 96 and export.PX_PER_INCH == PX_PER_INCH


# ---------------------------------------------------------------------------------------------
# Ticks


def test_crowded_labels_thin_alike_in_every_panel_and_turn_45_degrees():
    p = plan(heatmap_grid(4, 120, 2), DEFAULT)
    first = p.frame(0)[0]
    assert 2 <= len(first.x.tickvals) < 120 and first.x.tickvals[0] == 0
    assert list(first.x.ticktext) == [f"tok{int(v)}" for v in first.x.tickvals]
    assert first.x.rotated and not first.y.rotated
    for panel in p.frame(0):
        assert (panel.x.tickvals, panel.y.tickvals) == (first.x.tickvals, first.y.tickvals)
        assert panel.x.range == (-0.5, 119.5) and panel.y.reversed


def test_few_labels_all_show_and_numeric_axes_keep_their_own_ticks():
    p = plan(vk.imshow(np.eye(3), x=["a", "b", "c"]), DEFAULT)
    assert p.panels[0].x.ticktext == ("a", "b", "c") and not p.panels[0].x.rotated
    line = plan(vk.line(np.arange(10.0)), DEFAULT).panels[0]
    assert line.x.tickvals is None and line.x.grid and line.y.grid


def test_log_axes_get_plain_number_ticks_in_every_decade():
    ticks, text = log_ticks([0.5, 3.0, 40.0])
    assert text == ["0.5", "1", "2", "5", "10", "20"]  # 1-2-5 across three decades
    fig = vk.line(np.array([0.01, 0.1, 1.0, 10.0, 100.0]), log_y=True)
    y = plan(fig, DEFAULT).panels[0].y
    assert y.log and y.ticktext == ("0.01", "0.02", "0.05", "0.1", "0.2", "0.5", "1", "2", "5", "10", "20", "50", "100")
    assert log_ticks([-1.0, 0.0, np.nan]) is None  # nothing positive: the backend's own ticks


# ---------------------------------------------------------------------------------------------
# Colour


def test_one_shared_scale_when_every_heatmap_uses_it():
    assert plan(heatmap_grid(3, 4, 3), DEFAULT).shared_scale is not None
    a = Heatmap(np.eye(2), ColorScale("Blues", 0, 1))
    b = Heatmap(np.eye(2), ColorScale("Reds", 0, 2))
    fig = Figure("imshow", (Panel((a,)), Panel((b,))), facet_cols=2)
    p = plan(fig, DEFAULT)
    assert p.shared_scale is None and not p.shares_scale(a)
    assert p.geometry.colorbar_width == 0  # each panel keeps its own colour bar


def test_fills_mark_missing_values_and_inks_contrast_with_the_fill():
    scale = ColorScale("Greys", 0.0, 1.0)
    colours = fills([0.0, 1.0, np.nan], scale)
    assert colours == ["#ffffff", "#000000", NAN_COLOR]
    assert inks([0.0, 1.0], scale) == [INK_DARK, INK_LIGHT]


# ---------------------------------------------------------------------------------------------
# Captions and hover names


def test_caption_joins_notes_and_a_static_image_says_which_frame_it_shows():
    fig = Figure("imshow", tuple(Panel((Heatmap(np.eye(2) * k, ColorScale()),), frame=k) for k in range(3)),
                 slider=Slider("layer", ("0", "1", "2")), notes=("2 NaN cells", "downsampled 4×"))
    assert plan(fig, DEFAULT).caption == "2 NaN cells · downsampled 4×"
    static = plan(fig, DEFAULT, static=True)
    assert static.caption == "2 NaN cells · downsampled 4× · " + static_frame_note(fig.slider)
    assert static_frame_note(fig.slider) == "showing layer = 0 (frame 1 of 3; a static image shows one frame)"
    assert static.with_notes(["rows 0–1 are empty"]).notes == (*fig.notes, "rows 0–1 are empty", static_frame_note(fig.slider))
    assert plan(vk.imshow(np.eye(2)), DEFAULT, static=True).caption is None


def test_caption_room_grows_with_its_lines():
    short = plan(vk.imshow(np.eye(2)).replace(notes=("a",)), DEFAULT).geometry.caption_height
    long = plan(vk.imshow(np.eye(2)).replace(notes=("word " * 80,)), DEFAULT).geometry.caption_height
    assert 0 < short < long


def test_hover_names_come_from_the_marks_and_axes():
    fig = vk.attention(np.tril(np.ones((1, 3, 3))) / np.arange(1, 4)[:, None], tokens=["a", "b", "c"])
    hover = plan(fig, DEFAULT).panels[0].hover[0]
    assert (hover.x, hover.y, hover.value) == ("key", "query", "attention")
    line = Figure("line", (Panel((Line([0, 1], [2, 3]),), x=Axis("step"), y=Axis("loss")),))
    hover = plan(line, DEFAULT).panels[0].hover[0]
    assert (hover.x, hover.y) == ("step", "loss")


# ---------------------------------------------------------------------------------------------
# Text and tokens


def test_text_is_escaped_once_for_markup_and_made_visible_for_literal_renderers():
    assert escape("<img src=x> & b") == "&lt;img src=x&gt; &amp; b"
    assert escape(None) is None
    assert plain("a\nb\tc\x01") == "a↵b⇥c\u2401"
    assert plain("title\nline two", lines=True) == "title\nline two"
    assert (number_text(float("nan")), number_text(float("inf")), number_text(0.123456)) == ("NaN", "inf", "0.1235")


def test_tokens_wrap_at_newlines_and_boxes_fit_the_cell():
    assert wrap_tokens(["a", "b\n", "c"]) == [[0, 1], [2]]
    fig = vk.tokens(["The", " cat", "\n", " sat"], np.array([0.1, 0.5, 0.2, 0.9]))
    panel = plan(fig, DEFAULT).panels[0]
    boxes = panel.tokens.boxes
    assert list(boxes.line) == [0, 0, 0, 1] and boxes.x_end >= boxes.x.max()
    assert len(panel.tokens.fills[0]) == 4 and set(panel.tokens.inks[0]) <= {INK_DARK, INK_LIGHT}


def test_planning_imports_no_plotting_library():
    code = ("import numpy as np, vizkit as vk, sys, json\nfrom vizkit.plan import plan\nfrom vizkit.spec import theme\n"
            "plan(vk.imshow(np.eye(3), x=list('abc')), theme.get())\n"
            "print(json.dumps([m for m in ('plotly', 'bokeh', 'matplotlib', 'holoviews', 'circuitsvis') if m in sys.modules]))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []


@pytest.mark.parametrize("theme", sorted(themes.THEMES))
def test_every_theme_plans(theme):
    p = plan(heatmap_grid(2, 5, 2, title="t"), themes.THEMES[theme])
    assert p.theme.name == theme and p.title_px <= themes.THEMES[theme].title_size
