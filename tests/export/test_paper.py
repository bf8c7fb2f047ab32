"""Paper-ready export: slider frames as a grid (or the chosen frame), notes out of paper images, paper widths, print PNGs."""

from __future__ import annotations

import re

import numpy as np
import pytest

import vizkit as vk
from vizkit.errors import ExportError, VizkitError
from vizkit.export import to_bytes
from vizkit.plan.static import MAX_GRID_FRAMES

RNG = np.random.default_rng(5)
NOTE = "upper triangle masked"


def _slider(n=3):
    return vk.imshow(RNG.normal(size=(n, 4, 5)), animation_frame=0, title="slides")


def _svg_texts(svg: bytes) -> list[str]:
    return re.findall(r"<text[^>]*>([^<]*)</text>", svg.decode())


def _png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def _pdf_points(pdf: bytes) -> tuple[float, float]:
    box = re.search(rb"MediaBox ?\[ ?0 0 ([\d.]+) ([\d.]+) ?\]", pdf)
    return float(box.group(1)), float(box.group(2))


def test_a_static_image_of_a_slider_shows_every_frame_titled():
    texts = _svg_texts(to_bytes(_slider(), "svg", "plotly"))
    for k in range(3):
        assert f"dim_0 = {k}" in texts
    assert not any("a static image shows one frame" in t for t in texts)


def test_frame_k_exports_that_frame_alone():
    texts = _svg_texts(to_bytes(_slider(), "svg", "plotly", frame=1))
    assert "dim_0 = 1" in texts and "dim_0 = 0" not in texts and "dim_0 = 2" not in texts


def test_the_grid_is_wider_than_one_frame_in_matplotlib_too():
    grid = _png_size(to_bytes(_slider(), "png", "matplotlib", scale=1))
    one = _png_size(to_bytes(_slider(), "png", "matplotlib", scale=1, frame=0))
    assert grid[0] > one[0]


def test_bad_frame_and_too_many_frames_are_refused_with_the_fix():
    with pytest.raises(VizkitError, match=r"frame must be a whole number in \[0, 3\).*got 3"):
        to_bytes(_slider(), "png", "matplotlib", frame=3)
    with pytest.raises(VizkitError, match="pass frame=k"):
        to_bytes(_slider(MAX_GRID_FRAMES + 1), "png", "matplotlib")


def test_notes_stay_out_of_paper_images_unless_asked():
    fig = vk.imshow(RNG.normal(size=(3, 3)), title="noted").replace(notes=(NOTE,))
    assert any(NOTE in t for t in _svg_texts(to_bytes(fig, "svg", "plotly")))
    assert not any(NOTE in t for t in _svg_texts(to_bytes(fig, "svg", "plotly", theme="paper")))
    assert any(NOTE in t for t in _svg_texts(to_bytes(fig, "svg", "plotly", theme="paper", notes=True)))


@pytest.mark.parametrize("backend", ["matplotlib", "plotly"])
def test_paper_figures_are_column_or_page_wide_whatever_the_panel_count(backend):
    one, six = vk.imshow(RNG.normal(size=(4, 5))), vk.imshow(RNG.normal(size=(6, 4, 5)), facet_col=0, facet_col_wrap=3)
    assert _pdf_points(to_bytes(one, "pdf", backend, theme="paper"))[0] == pytest.approx(3.25 * 72, abs=1)
    assert _pdf_points(to_bytes(six, "pdf", backend, theme="paper"))[0] == pytest.approx(6.75 * 72, abs=1)
    assert _pdf_points(to_bytes(six, "pdf", backend, theme="paper", width="column"))[0] == pytest.approx(3.25 * 72, abs=1)
    assert _pdf_points(to_bytes(one, "pdf", backend, theme="paper", width="page"))[0] == pytest.approx(6.75 * 72, abs=1)


def test_paper_pngs_default_to_print_resolution():
    fig = vk.imshow(RNG.normal(size=(4, 5)))
    assert _png_size(to_bytes(fig, "png", "matplotlib", theme="paper")) == (3 * 312, 3 * 230)  # paper: 288 dpi
    assert _png_size(to_bytes(fig, "png", "matplotlib", scale=2)) == (2 * 700, 2 * 450)
    assert _png_size(to_bytes(fig, "png", "matplotlib")) == (700, 450)  # default theme: 1 px per CSS px (screen)


def test_a_paper_width_that_is_neither_pixels_nor_a_name_is_refused():
    with pytest.raises(ExportError, match=r"'column', 'page'.*got 'colum'"):
        to_bytes(vk.imshow(RNG.normal(size=(2, 2))), "png", "matplotlib", width="colum")


# ---------------------------------------------------------------------------------------------
# The matplotlib legend never sits on the data


def _legend_and_axes(fig, theme=None):
    from vizkit.backends.matplotlib.figure import covers_data

    mfig = fig.to("matplotlib", theme=theme) if theme else fig.to("matplotlib")
    mfig.canvas.draw()
    renderer = mfig.canvas.get_renderer()
    (ax,) = [a for a in mfig.axes if a.get_legend() is not None]
    box = ax.get_legend().get_window_extent(renderer)
    return ax, box, covers_data(ax, box)


def _line_points(ax) -> np.ndarray:
    return np.concatenate([line.get_transform().transform(line.get_xydata()) for line in ax.get_lines()])


@pytest.mark.parametrize("theme", [None, "paper"])
def test_a_legend_over_curves_that_fill_the_axes_moves_off_them(theme):
    x = np.linspace(0, 4 * np.pi, 400)
    fig = vk.line({"sin": np.sin(x), "cos": np.cos(x), "noise": 0.9 * np.sin(7 * x)}, x=x, title="filling")
    ax, box, covered = _legend_and_axes(fig, theme)
    assert not covered
    assert box.count_contains(_line_points(ax)) == 0  # not one drawn point under the legend
    assert box.x0 >= ax.get_window_extent().x1  # every corner was on a curve: it went outside, right of the axes


def test_a_legend_with_room_stays_inside_off_the_data_and_many_series_go_outside():
    steps = np.arange(200)
    two = vk.line({"train": np.exp(-steps / 30), "test": np.exp(-steps / 40) + 0.05}, title="loss")
    ax, box, covered = _legend_and_axes(two)
    assert not covered and box.count_contains(_line_points(ax)) == 0
    assert ax.get_window_extent().contains(box.x0 + 1, box.y0 + 1)  # the empty upper right is room enough
    many = vk.line({f"run {i}": np.exp(-steps / (20 + 5 * i)) for i in range(9)}, title="sweep")
    ax, box, covered = _legend_and_axes(many)
    assert not covered and box.x0 >= ax.get_window_extent().x1
