"""The heads view in HoloViews (issue 12): the Layout a user composes, and the page (the bokeh
backend's heads view, with every head in it)."""

from __future__ import annotations

import json

import numpy as np
import pytest

import vizkit as vk
from vizkit.plan import encoding


@pytest.fixture(scope="module")
def small():
    rng = np.random.default_rng(4)
    n = 24
    logits = rng.normal(size=(2, 3, n, n)).astype(np.float32) * 2
    logits[..., np.triu(np.ones((n, n), dtype=bool), 1)] = -np.inf
    p = np.exp(logits - logits.max(-1, keepdims=True))
    p = (p / p.sum(-1, keepdims=True)).astype(np.float32)
    p[1, 0, 20, :21] = 0.1 / 20
    p[1, 0, 20, 6] = 0.9
    return p


def test_holoviews_layout_holds_the_selected_head_and_thumbnails(small):
    fig = vk.attention(small, tokens=[f"w{i}" for i in range(24)], selected=(1, 0), backend="holoviews")
    assert fig.meta["mode"] == "heads"
    layout = fig.to("holoviews")
    mosaic, selected = layout
    z = selected.dimension_values(2, flat=False)
    lower = np.tril(np.ones((24, 24), dtype=bool))
    # hv.Image keeps the array as given (row 0 = query 0, drawn on top)
    assert np.array_equal(np.asarray(selected.data)[lower], small[1, 0][lower])
    assert np.nanmax(z) == pytest.approx(np.nanmax(small[1, 0]))
    assert selected.label == "L1H0"
    m = np.asarray(mosaic.data)
    stride = (m.shape[1] + 1) // 3
    assert m[1 * stride + 20, 0 * stride + 6] == pytest.approx(0.9)  # the planted spike, at its value
    from vizkit.backends.holoviews.store import bokeh_store

    with bokeh_store() as hv:
        kwargs = hv.Store.lookup_options("bokeh", selected, "plot").kwargs
    yticks = dict((round(v), t) for v, t in kwargs["yticks"])
    assert yticks[23] == "w0"  # query 0 on top


def test_holoviews_page_carries_every_head(small, tmp_path):
    fig = vk.attention(small, tokens=[f"w{i}" for i in range(24)], backend="holoviews")
    path = tmp_path / "heads.html"
    fig.save(str(path), backend="holoviews")
    text = path.read_text(encoding="utf-8")
    assert "vizkit-heads-data" in text and "cdn" not in text.lower().split("<body", 1)[1][:2000]
    from vizkit.backends import load, make_plan

    root = load("holoviews").bokeh_layout(fig, make_plan(fig).theme)
    (holder,) = [m for m in root.references() if getattr(m, "name", None) == "vizkit-heads-data"]
    data = json.loads(holder.data["text"][0])
    codes = encoding.unpack(data["codes"], data["shape"])
    assert codes.shape == (2, 3, 24, 24) and data["book"]["texts"][codes[1, 0, 20, 6]] == "0.90"


def test_holoviews_page_pictures_sit_where_bokeh_draws_the_cells(chromium, small, tmp_path):
    """The HoloViews page is the bokeh heads view's: its cells as pictures before BokehJS, in the dark theme (the
    frames' own fill under the masked cells), where BokehJS then draws them."""
    from tests.backends.test_heads_view_bokeh import prepaint_matches_the_plot

    path = tmp_path / "heads.html"
    fig = vk.attention(small, tokens=[f"w{i}" for i in range(24)], backend="holoviews", theme="dark", title="Dark")
    fig.save(str(path), backend="holoviews")
    assert 'data-vizkit-prepaint="1"' in path.read_text(encoding="utf-8")
    prepaint_matches_the_plot(chromium, path, tmp_path)
