"""Zooming a density re-bins the points inside the new range (exact counts), not a stretched raster."""

from __future__ import annotations

import numpy as np
import pytest

da = pytest.importorskip("dask.array")
pytest.importorskip("holoviews")

from vizkit.scale.interactive import zoomable_density  # noqa: E402


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
    assert f"{int(want.sum()):,} points in view" in zoom.opts.get().kwargs["title"]
    import holoviews as hv

    assert hv.render(dmap, backend="bokeh") is not None  # the first frame draws
