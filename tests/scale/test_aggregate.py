"""Histograms, 2-D densities and block rasters on Dask equal numpy's on data that fits in memory."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

da = pytest.importorskip("dask.array")

from vizkit.errors import EmptyDataError, ShapeError, UnsupportedInputError  # noqa: E402
from vizkit.figures.density import density  # noqa: E402
from vizkit.figures.lazy import lazy_hist, lazy_imshow  # noqa: E402
from vizkit.scale import block_raster, density_counts, hist_counts, is_lazy  # noqa: E402


def _awkward(rng, shape):
    """Normal values plus values sitting exactly on bin edges, NaN and ±inf."""
    v = rng.normal(size=shape)
    flat = v.reshape(-1)
    flat[:50] = np.round(flat[:50], 1)  # many values on the edges of tenth-wide bins
    flat[60], flat[61], flat[62] = np.nan, np.inf, -np.inf
    return v


def test_hist_counts_equal_numpy_exactly_on_the_cluster(cluster):
    rng = np.random.default_rng(0)
    v = _awkward(rng, (3000, 41))
    lazy = da.from_array(v, chunks=(700, 13))
    finite = v[np.isfinite(v)]
    for nbins, rng_ in ((50, None), (40, (-2.0, 2.0)), (7, (-0.3, 0.4))):
        h = hist_counts(lazy, nbins=nbins, range=rng_)
        counts, edges = np.histogram(finite, bins=nbins, range=rng_)
        assert np.array_equal(h.counts, counts) and np.array_equal(h.edges, edges)
        assert h.n_values == v.size and h.n_nonfinite == 3
        assert h.n_outside == finite.size - counts.sum()
    assert h.n_chunks == lazy.npartitions


def test_log_spaced_bins_count_exactly_and_report_non_positive_values(cluster):
    rng = np.random.default_rng(1)
    freq = 10 ** rng.uniform(-6, -1, size=20_000)  # SAE-style firing frequencies over five decades
    freq[:300] = 0.0  # dead features
    h = hist_counts(da.from_array(freq, chunks=3000), nbins=30, log_bins=True)
    assert np.allclose(np.diff(np.log10(h.edges)), np.diff(np.log10(h.edges))[0])
    assert np.array_equal(h.counts, np.histogram(freq, bins=h.edges)[0])
    assert h.n_outside == 300 and h.counts.sum() == 20_000 - 300
    fig = lazy_hist(da.from_array(freq, chunks=3000), nbins=30, log_x=True, log_y=True)
    assert fig.panels[0].x.log and fig.panels[0].y.log
    assert "19,700 of 20,000 values aggregated (in 7 chunks on Dask)" in fig.notes
    assert "300 values ≤ 0 (log bins) left out" in fig.notes


def test_density_counts_equal_numpy_histogram2d(cluster):
    rng = np.random.default_rng(2)
    x = rng.normal(size=200_000)
    y = 0.5 * x + rng.normal(size=200_000)
    x[:100] = np.round(x[:100], 1)
    for bins, rng_ in ((60, None), ((30, 45), ((-1.0, 1.5), (-2.0, 2.0)))):
        d = density_counts(da.from_array(x, chunks=30_000), da.from_array(y, chunks=47_000), nbins=bins, range=rng_)
        counts, x_edges, y_edges = np.histogram2d(x, y, bins=bins, range=rng_)
        assert np.array_equal(d.counts, counts.astype(np.int64))
        assert np.array_equal(d.x_edges, x_edges) and np.array_equal(d.y_edges, y_edges)
        assert d.n_outside == x.size - counts.sum()


def test_datashader_engine_counts_the_same():
    """On local threads: datashader's workers import pandas and compile with numba, more than the
    test cluster's 300 MiB workers hold."""
    pytest.importorskip("datashader")
    import dask
    rng = np.random.default_rng(9)
    x, y = rng.normal(size=100_000), rng.normal(size=100_000)
    x[:3] = np.nan
    rng_ = ((-2.0, 2.0), (-1.0, 1.5))
    with dask.config.set(scheduler="threads"):
        d = density_counts(da.from_array(x, chunks=25_000), da.from_array(y, chunks=25_000), nbins=(40, 30), range=rng_,
                           engine="datashader")
    ok = np.isfinite(x)
    want = np.histogram2d(x[ok], y[ok], bins=(40, 30), range=rng_)[0]
    assert np.array_equal(d.counts, want) and d.n_nonfinite == 3 and d.n_outside == ok.sum() - want.sum()


def test_density_figure_same_counts_in_memory_and_on_dask(cluster):
    rng = np.random.default_rng(3)
    x, y = rng.normal(size=50_000), rng.normal(size=50_000)
    x[7] = np.nan
    eager = density(x, y, nbins=40, log_color=False)
    lazy = density(da.from_array(x, chunks=8000), da.from_array(y, chunks=8000), nbins=40, log_color=False)
    ok = np.isfinite(x)
    counts = np.histogram2d(x[ok], y[ok], bins=40)[0].T
    for fig in (eager, lazy):
        z = fig.panels[0].marks[0].z
        assert np.array_equal(np.nan_to_num(z), counts)  # rows are y bins; empty cells blank
        assert np.isnan(z[counts == 0]).all()
        assert "1 points with a NaN/inf coordinate left out" in fig.notes
    assert "49,999 of 50,000 points aggregated" in eager.notes
    assert "49,999 of 50,000 points aggregated (in 7 chunks on Dask)" in lazy.notes
    logged = density(x, y, nbins=40)
    assert np.allclose(logged.panels[0].marks[0].z, np.log10(np.where(counts == 0, np.nan, counts)), equal_nan=True)
    assert logged.panels[0].marks[0].colorscale.zmin < 0  # a cell of one point is not drawn blank-white


def _blocks(m, fy, fx):
    ny, nx = m.shape
    p = np.pad(m, ((0, -ny % fy), (0, -nx % fx)), constant_values=np.nan)
    return p.reshape(p.shape[0] // fy, fy, p.shape[1] // fx, fx).transpose(0, 2, 1, 3).reshape(p.shape[0] // fy, p.shape[1] // fx, -1)


def test_block_raster_keeps_the_spike_signed_max_magnitude(cluster):
    rng = np.random.default_rng(4)
    m = rng.normal(scale=0.1, size=(2003, 301))
    m[1234, 56] = -40.0  # one strongly negative activation among 1.5 million
    m[10, 10] = np.nan
    raster, (fy, fx), info = block_raster(da.from_array(m, chunks=(400, 128)), shape=(100, 100))
    assert (fy, fx) == (21, 4) and raster.shape == (96, 76)
    cells = _blocks(np.where(np.isfinite(m), m, np.nan), fy, fx)
    magnitude = np.where(np.isnan(cells), -1, np.abs(cells))
    want = np.take_along_axis(cells, magnitude.argmax(-1)[..., None], -1)[..., 0]
    assert np.array_equal(raster, want, equal_nan=True)
    assert raster[1234 // fy, 56 // fx] == -40.0 and info["how"] == "maxabs" and info["n_nonfinite"] == 1
    fig = lazy_imshow(da.from_array(m, chunks=(400, 128)), dims=("token", "d_mlp"), max_cells=(100, 100))
    assert fig.panels[0].marks[0].z.min() == -40.0
    assert fig.panels[0].y.labels[:2] == ("0–20", "21–41") and fig.panels[0].x.title == "d_mlp"
    assert any("largest magnitude with its sign of 21×4 blocks" in n for n in fig.notes)
    assert "602,902 of 602,903 values aggregated (in 18 chunks on Dask)" in fig.notes


def test_block_raster_of_non_negative_data_is_the_block_maximum():
    m = np.abs(np.random.default_rng(5).normal(size=(1000, 90)))
    raster, (fy, fx), info = block_raster(da.from_array(m, chunks=(256, 90)), shape=(100, 30))
    assert info["how"] == "max"
    assert np.array_equal(raster, np.nanmax(_blocks(m, fy, fx), axis=-1))


def test_zarr_paths_are_lazy_inputs(tmp_path):
    zarr = pytest.importorskip("zarr")
    v = np.random.default_rng(6).normal(size=(400, 30)).astype("float32")
    arr = zarr.create_array(str(tmp_path / "acts.zarr"), shape=v.shape, chunks=(100, 30), dtype="float32")
    arr[:] = v
    assert is_lazy(str(tmp_path / "acts.zarr")) and is_lazy(tmp_path / "acts.zarr")
    assert not is_lazy(str(tmp_path)) and not is_lazy(v) and not is_lazy("acts.zarr")
    h = hist_counts(str(tmp_path / "acts.zarr"), nbins=25)
    assert np.array_equal(h.counts, np.histogram(v, bins=25)[0]) and h.n_chunks == 4
    group = zarr.open_group(str(tmp_path / "two.zarr"), mode="w")
    group.create_array("a", shape=(3,), dtype="f4")
    group.create_array("b", shape=(3,), dtype="f4")
    with pytest.raises(UnsupportedInputError, match="holds 2 arrays .*a, b.*Name the array in the path"):
        hist_counts(str(tmp_path / "two.zarr"))


def test_bad_input_gets_a_clear_error():
    with pytest.raises(ShapeError, match=r"same shape; got \(10,\) and \(11,\)"):
        density_counts(da.zeros(10), da.zeros(11))
    with pytest.raises(ShapeError, match="same length; got 3 and 2"):
        density([1, 2, 3], [1, 2])
    with pytest.raises(EmptyDataError, match="no finite values"):
        hist_counts(da.from_array(np.array([np.nan, np.inf])))
    with pytest.raises(ShapeError, match="2-D matrix; got shape"):
        block_raster(da.zeros((2, 3, 4)))


def test_every_backend_draws_the_aggregates(cluster):
    rng = np.random.default_rng(7)
    figs = [lazy_hist(da.from_array(rng.normal(size=10_000), chunks=2500)),
            lazy_imshow(da.from_array(rng.normal(size=(3000, 50)), chunks=(500, 50)), max_cells=(100, 50))]
    for fig in figs:  # plain Bar and Heatmap marks: drawn like any other
        assert fig.to("plotly") is not None and fig.to("matplotlib") is not None
    dens = density(da.from_array(rng.normal(size=5000), chunks=1000), da.from_array(rng.normal(size=5000), chunks=1000))
    for backend in ("plotly", "bokeh", "matplotlib", "holoviews"):  # the new figure kind, in every backend
        assert dens.to(backend) is not None


def test_importing_vizkit_and_scale_loads_no_dask_zarr_or_datashader():
    code = ("import sys, numpy as np, vizkit, vizkit.scale\n"
            "from vizkit.figures.density import density\n"
            "assert not vizkit.scale.is_lazy(np.zeros(3))\n"
            "density(np.arange(10.0), np.arange(10.0))\n"
            "print([m for m in ('dask', 'distributed', 'zarr', 'datashader') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
