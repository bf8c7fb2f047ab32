"""Zooming a density re-bins the points inside the new range (exact counts), not a stretched raster."""

from __future__ import annotations

import math

import numpy as np
import pytest

da = pytest.importorskip("dask.array")
pytest.importorskip("holoviews")

from vizkit import VizkitError  # noqa: E402
from vizkit.scale.interactive import raster_in_range, zoomable_density, zoomable_raster  # noqa: E402


@pytest.fixture(autouse=True)
def _bokeh_current():
    """Bokeh is HoloViews' current backend, as in a notebook after ``hv.extension("bokeh")`` and in the gallery
    (HoloViews renders and looks options up through it); restored afterwards."""
    import holoviews as hv
    import holoviews.plotting.bokeh  # noqa: F401

    before = hv.Store.current_backend
    hv.Store.current_backend = "bokeh"
    yield
    hv.Store.current_backend = before


def _opts(element) -> dict:
    return element.opts.get().kwargs


def test_views_build_whatever_holoviews_current_backend_is():
    import holoviews as hv

    hv.Store.current_backend = "matplotlib"  # what a plain ``import holoviews`` elsewhere leaves (not loaded here)
    dens = zoomable_density(np.arange(10.0), np.arange(10.0), nbins=5).callback.callable(x_range=(0, 5), y_range=(0, 5))
    raster = zoomable_raster(np.eye(20), max_cells=5).callback.callable(x_range=(0, 3), y_range=(0, 3))
    assert hv.Store.current_backend == "matplotlib"
    hv.Store.current_backend = "bokeh"
    assert "points in view" in _opts(dens)["title"] and "16 values in view" in _opts(raster)["title"]


def test_a_zoom_recounts_the_points_in_the_new_range_at_full_resolution():
    rng = np.random.default_rng(8)
    x, y = rng.normal(size=100_000), rng.normal(size=100_000)
    dmap = zoomable_density(da.from_array(x, chunks=25_000), da.from_array(y, chunks=25_000), nbins=50, log_color=False)
    whole = dmap.callback.callable()
    zoom = dmap.callback.callable(x_range=(-0.5, 0.5), y_range=(0.0, 1.0))
    want = np.histogram2d(x, y, bins=50, range=((-0.5, 0.5), (0.0, 1.0)))[0].T  # rows: y bins from the bottom
    assert np.array_equal(np.nan_to_num(zoom.dimension_values(2, flat=False)), want)
    assert np.isnan(zoom.dimension_values(2, flat=False)[want == 0]).all()  # empty cells blank
    assert zoom.bounds.lbrt() == (-0.5, 0.0, 0.5, 1.0)
    assert whole.bounds.lbrt() == (x.min(), y.min(), x.max(), y.max())
    assert f"{int(want.sum()):,} points in view" in _opts(zoom)["title"]
    import holoviews as hv

    assert hv.render(dmap, backend="bokeh") is not None  # the first frame draws


# ---------------------------------------------------------------------------------------------
# zoomable_raster: a huge matrix re-reduced at every zoom


N = 4096
SPIKE = (3001, 1234, 0.93)  # query row, key column, value


@pytest.fixture(scope="module")
def head():
    """A causal 4096² attention-like head (rows of small random weights summing to 1, the upper
    triangle NaN as vk.attention masks it) with one planted spike."""
    rng = np.random.default_rng(3)
    z = rng.random((N, N), dtype=np.float32)
    z[np.triu_indices(N, 1)] = 0
    z /= z.sum(axis=1, keepdims=True)
    q, k, v = SPIKE
    z[q] *= (1 - v) / (1 - z[q, k])
    z[q, k] = v
    z[np.triu_indices(N, 1)] = np.nan
    return z


def _title(image) -> str:
    return _opts(image)["title"]


def _cells(image):
    """The image's values, row 0 = the lowest matrix row (the top of the inverted plot), and its x/y centres."""
    return (image.dimension_values(2, flat=False), image.dimension_values(0, flat=False)[0],
            image.dimension_values(1, flat=False)[:, 0])


def test_a_zoomed_range_that_fits_is_drawn_cell_for_cell_with_exact_values(head):
    dmap = zoomable_raster(head, max_cells=200, labels=("key", "query"))
    zoom = dmap.callback.callable(x_range=(1180.2, 1290.7), y_range=(2950.0, 3049.6))
    z, xs, ys = _cells(zoom)
    # cells overlapping the range: columns 1180..1291, rows 2950..3050 (cells centred on integers)
    want = head[2950:3051, 1180:1292]
    assert z.shape == want.shape
    np.testing.assert_array_equal(z, want)  # float32 → float64: exact
    assert list(xs) == list(range(1180, 1292)) and list(ys) == list(range(2950, 3051))
    assert zoom.bounds.lbrt() == (1179.5, 2949.5, 1291.5, 3050.5)
    assert _title(zoom) == f"{want.size:,} values in view, every cell at full resolution"


def test_the_spike_is_at_its_value_and_place_at_every_zoom(head):
    q, k, v = SPIKE
    dmap = zoomable_raster(head, max_cells=300)
    assert dmap.callback.callable().dimension_values(2).shape == (math.ceil(N / 14) ** 2,)  # 4096 / 300 → blocks of 14
    factors = []
    for half in (2048, 1000, 400, 150, 40, 5):
        x_range, y_range = (k - half + 0.3, k + half / 3), (q - half / 2, q + half + 0.7)
        image = dmap.callback.callable(x_range=x_range, y_range=y_range)
        z, xs, ys = _cells(image)
        assert np.nanmax(z) == pytest.approx(v), half  # block maxima: the spike is never averaged away
        i, j = np.unravel_index(np.nanargmax(z), z.shape)
        view = raster_in_range(head, x_range, y_range, max_cells=(300, 300), how="max")
        fy, fx = view.factors
        factors.append(view.factors)
        assert ys[i] - fy / 2 < q + 0.5 and q - 0.5 < ys[i] + fy / 2  # the cell holding it covers the spike
        assert xs[j] - fx / 2 < k + 0.5 and k - 0.5 < xs[j] + fx / 2
        assert f"{view.n_values:,} values in view" in _title(image)
        assert view.n_values == (view.rows[1] - view.rows[0]) * (view.cols[1] - view.cols[0])
    assert factors[0] > (1, 1) and factors[-1] == (1, 1)  # from blocks to exact cells


def test_dask_input_gives_the_numpy_views_and_signed_data_keeps_the_sign(head):
    lazy = da.from_array(head, chunks=1000)
    for x_range, y_range in ((None, None), ((100, 2000), (1500, 3900)), ((1200, 1260), (2990, 3010))):
        a = raster_in_range(head, x_range, y_range, max_cells=(256, 256), how="max")
        b = raster_in_range(lazy, x_range, y_range, max_cells=(256, 256), how="max")
        assert a.factors == b.factors and a.rows == b.rows and a.cols == b.cols
        np.testing.assert_array_equal(a.raster, b.raster)
        assert a.n_nonfinite == b.n_nonfinite == int(np.isnan(head[a.rows[0]:a.rows[1], a.cols[0]:a.cols[1]]).sum())
    signed = np.zeros((900, 700))
    signed[450, 300], signed[10, 10] = -5.0, 2.0
    dmap = zoomable_raster(da.from_array(signed, chunks=300), max_cells=100)
    z = dmap.callback.callable().dimension_values(2)
    assert z.min() == -5.0 and z.max() == 2.0  # max-|x| with its sign, on a diverging scale centred on 0
    assert _opts(dmap.callback.callable())["clim"] == (-5.0, 5.0)
    assert "largest magnitude with its sign of 9×7 blocks" in _title(dmap.callback.callable())


def test_hover_names_the_token_and_position_of_the_cell_under_the_cursor(head):
    import holoviews as hv
    from bokeh.models import HoverTool

    tokens = [f"tok{i}" for i in range(N)]
    dmap = zoomable_raster(head, max_cells=256, labels=("key", "query"), value_label="attention",
                           x_labels=tokens, y_labels=tokens)
    plot = hv.renderer("bokeh").get_plot(dmap)
    hover = plot.state.select_one({"type": HoverTool})
    assert [name for name, _ in hover.tooltips] == ["query", "key", "attention"]
    fx = hover.formatters["$x"]
    assert fx.args["labels"] == tokens and fx.args["factor"] == 16 and fx.args["origin"] == 0
    stream = dmap.streams[0]
    stream.event(x_range=(1200, 1260), y_range=(2990, 3010))  # what a zoom in the browser sends
    assert fx.args["factor"] == 1 and fx.args["origin"] == 1200  # the same tool now names single cells
    assert hover.formatters["$y"].args["origin"] == 2990


def test_bad_input_says_what_was_expected(head):
    with pytest.raises(VizkitError, match="how must be one of"):
        zoomable_raster(head, how="median")
    with pytest.raises(VizkitError, match="x_labels must label each of the 4096 columns; got 3"):
        zoomable_raster(head, x_labels=["a", "b", "c"])
    with pytest.raises(VizkitError, match="2-D matrix"):
        zoomable_raster(np.zeros((2, 3, 4)))
    with pytest.raises(VizkitError, match="max_cells"):
        zoomable_raster(head, max_cells=0)
