"""Zoom re-aggregation where a server is present: a HoloViews DynamicMap that re-bins on every zoom.

A fixed raster stretched by a zoom shows big blurry cells; here every change of the visible
x/y range (HoloViews ``RangeXY`` stream, driven by the bokeh plot in a Panel server or notebook)
recounts the points inside the new range on Dask, at full grid resolution, with the same exact
counts as :func:`vizkit.scale.density_counts`. Only the new grid travels to the browser.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import require
from .aggregate import density_counts
from .inputs import EXTRA


def zoomable_density(x: Any, y: Any, *, nbins: int | tuple[int, int] = 300, log_color: bool = True,
                     labels: tuple[str, str] = ("x", "y"), engine: str = "numpy"):
    """A HoloViews ``DynamicMap`` of the point density of ``(x, y)``, re-binned at each zoom.

    Parameters
    ----------
    x, y : Dask arrays, Dask-backed xarray, Zarr arrays or paths, or array-likes of one shape
    nbins : int or (int, int)
        Cells across the visible range, whatever the zoom.
    log_color : bool
        Colour by log₁₀ of the count (empty cells blank, as in ``density``).
    labels : (str, str)
        Axis titles.
    engine : {"numpy", "datashader"}
        How each view is counted (see :func:`vizkit.scale.density_counts`).

    Returns
    -------
    holoviews.DynamicMap
        Show it in Panel (``pn.pane.HoloViews(dmap)``) or a notebook with the bokeh extension; its
        ``callback`` can be called with ``x_range``/``y_range`` to get the :class:`holoviews.Image`
        of a given range. The first frame covers every finite point.
    """
    hv = require("holoviews", EXTRA, "zoomable densities")
    require("holoviews.plotting.bokeh", EXTRA, "zoomable densities")  # registers the bokeh options used below
    full = density_counts(x, y, nbins=nbins, engine=engine)
    extent = ((full.x_edges[0], full.x_edges[-1]), (full.y_edges[0], full.y_edges[-1]))
    kdims = [hv.Dimension("x", label=labels[0]), hv.Dimension("y", label=labels[1])]
    vdim = hv.Dimension("z", label="log₁₀ count" if log_color else "count")

    def image(x_range=None, y_range=None):
        if x_range is None or y_range is None:
            counts = full
        else:
            counts = density_counts(x, y, nbins=nbins, range=(tuple(map(float, x_range)), tuple(map(float, y_range))), engine=engine)
        z = counts.counts.T.astype(float)
        z[z == 0] = np.nan
        if log_color:
            z = np.log10(z)
        bounds = (counts.x_edges[0], counts.y_edges[0], counts.x_edges[-1], counts.y_edges[-1])
        return hv.Image(z[::-1], bounds=bounds, kdims=kdims, vdims=[vdim]).opts(
            cmap="Blues", colorbar=True, clipping_colors={"NaN": "white"}, tools=["hover"],
            title=f"{int(counts.counts.sum()):,} points in view, re-binned on Dask")

    stream = hv.streams.RangeXY(x_range=extent[0], y_range=extent[1])
    return hv.DynamicMap(image, streams=[stream])
