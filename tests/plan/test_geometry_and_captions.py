"""Plan-side pieces of paper-ready export: paper sizes and what a static image of a slider figure shows (no drawing)."""

from __future__ import annotations

import numpy as np

import vizkit as vk
from vizkit.plan import plan
from vizkit.plan.geometry import figure_size
from vizkit.plan.static import frames_grid, one_frame, static_figure
from vizkit.spec.theme import THEMES

RNG = np.random.default_rng(3)


def test_paper_multi_panel_figures_span_the_page_whatever_the_panel_count():
    paper = THEMES["paper"]
    for n in (2, 4, 8, 12):
        fig = vk.imshow(RNG.normal(size=(n, 3, 3)), facet_col=0)
        assert figure_size(fig, paper)[0] == 648  # 6.75 in at 96 px per inch
    assert figure_size(vk.imshow(RNG.normal(size=(3, 3))), paper) == (312, 230)  # 3.25 in
    assert figure_size(vk.imshow(RNG.normal(size=(2, 3, 3)), facet_col=0), THEMES["default"])[0] >= 700


def test_every_slider_frame_becomes_a_titled_panel_of_one_frame():
    fig = vk.imshow(RNG.normal(size=(3, 4, 5)), animation_frame=0)
    grid = frames_grid(fig)
    assert grid.slider is None and grid.n_frames == 1 and grid.grid == (1, 3)
    assert [p.title for p in grid.panels] == ["dim_0 = 0", "dim_0 = 1", "dim_0 = 2"]
    for k, p in enumerate(grid.panels):  # the data of frame k, unchanged
        np.testing.assert_array_equal(p.marks[0].z, fig.frame_panels(k)[0].marks[0].z)
    assert "a static image shows one frame" not in (plan(grid, THEMES["default"], static=True).caption or "")


def test_frames_with_several_panels_keep_one_frame_per_grid_row():
    fig = vk.imshow(RNG.normal(size=(2, 3, 4, 5)), animation_frame=0, facet_col=1)
    grid = frames_grid(fig)
    assert grid.grid == (2, 3)
    assert [p.title.split(" · ")[0] for p in grid.panels] == ["dim_0 = 0"] * 3 + ["dim_0 = 1"] * 3


def test_one_frame_and_notes():
    fig = vk.imshow(RNG.normal(size=(3, 4, 5)), animation_frame=0).replace(notes=("upper triangle masked",))
    last = one_frame(fig, -1)
    assert last.slider is None and [p.title for p in last.panels] == ["dim_0 = 2"]
    np.testing.assert_array_equal(last.panels[0].marks[0].z, fig.frame_panels(2)[0].marks[0].z)
    assert static_figure(fig, notes=False).notes == () and static_figure(fig).notes == ("upper triangle masked",)
    still = vk.imshow(RNG.normal(size=(3, 3)))
    assert static_figure(still) is still


def test_default_facet_grids_fit_a_notebook_column_with_the_sidebar_open():
    from vizkit.export.pages import frame_size

    for n in (2, 4, 8, 12):
        fig = vk.imshow(RNG.normal(size=(n, 3, 3)), facet_col=0)
        width, _ = figure_size(fig, THEMES["default"])
        assert frame_size(width, 1)[0] <= 950  # JupyterLab's output column beside an open sidebar
    assert figure_size(vk.imshow(RNG.normal(size=(3, 3))), THEMES["default"]) == (700, 450)


def test_a_grid_grows_to_label_every_token_rather_than_drop_every_other():
    """Issue 16: three heads over 11 tokens show all 11 key labels (the grid widens past its default)."""
    import numpy as np

    import vizkit as vk
    from vizkit.plan import figure_size, plan
    from vizkit.spec import theme as themes

    tokens = ["<bos>", " a", " b", "\n", " <x>", " a", " a", " b", "\n", " <x>", " a"]
    p = np.tril(np.random.default_rng(0).random((3, 11, 11)))
    fig = vk.attention(p / p.sum(-1, keepdims=True), layer=1, tokens=tokens)
    laid = plan(fig, themes.get("default"))
    assert all(len(panel.x.ticktext) == 11 for panel in laid.panels)
    assert figure_size(fig, themes.get("default"))[0] > 900
