"""Zoom re-aggregation in the gallery server (issues 12 and 15): an example's ``interactive(**params)`` is
served live with the bokeh and HoloViews backends, and zooming recomputes the raster from the full array.

The example is written here (a synthetic 2,048-token causal head with one spike, no model to load), served by
a real ``python -m vizkit gallery``, and zoomed with the mouse wheel in headless Chromium, as a user would.
"""

from __future__ import annotations

import textwrap
import time

import numpy as np
import pytest

from .conftest import GalleryServer

N, Q, K, SPIKE = 1024, 800, 300, 0.9
F = N // 256  # the first view's blocks
EXAMPLE = textwrap.dedent(f'''
    """A long causal head with one spike, served zoomable.

    A synthetic {N:,}-token causal attention head whose query {Q} puts {SPIKE} on key {K}.
    """

    CATEGORY = "Fixtures"
    PARAMS = {{"n": [{N}]}}
    BACKENDS = ("plotly", "bokeh", "holoviews", "matplotlib")


    def head(n):
        import numpy as np

        rng = np.random.default_rng(0)
        z = rng.random((n, n), dtype=np.float32) * 0.01
        z[np.triu_indices(n, 1)] = np.nan
        z[{Q}, {K}] = {SPIKE}
        return z


    def build(n: int = {N}):
        import vizkit as vk

        return vk.attention(head(n), title="a long head")


    def interactive(n: int = {N}):
        from vizkit.scale.interactive import zoomable_raster

        return zoomable_raster(head(n), max_cells=256, labels=("key", "query"), value_label="attention", title="zoom me")
''')


def _head() -> np.ndarray:
    rng = np.random.default_rng(0)
    z = rng.random((N, N), dtype=np.float32) * 0.01
    z[np.triu_indices(N, 1)] = np.nan
    z[Q, K] = SPIKE
    return z


@pytest.fixture(scope="module")
def examples(tmp_path_factory):
    folder = tmp_path_factory.mktemp("zoom-examples")
    (folder / "fx_zoom.py").write_text(EXAMPLE, encoding="utf-8")
    return folder


def test_interactive_is_served_live_for_bokeh_and_holoviews_only(examples, tmp_path):
    from vizkit_gallery import render as R
    from vizkit_gallery.catalog import Catalog

    cat = Catalog(examples, thumbnail_dir=tmp_path)
    ex = cat.examples["fx_zoom"]
    fig = cat.figure("fx_zoom", {"n": N})
    for backend in ("bokeh", "holoviews"):
        live = R.prepare_live(ex, {"n": N}, fig, backend)
        assert live.live and type(live.native).__name__ == "DynamicMap"
        first = live.native.callback.callable()
        assert first.dimension_values(2, flat=False).shape == (256, 256)
        assert R.pane(live).objects[0].object is live.native  # the pane shows the DynamicMap itself
    for backend in ("plotly", "matplotlib", "circuitsvis"):
        assert R.prepare_live(ex, {"n": N}, fig, backend) is None  # the static figure, as before


def test_outside_a_server_the_page_shows_the_static_figure_and_only_the_examples_backends(examples, tmp_path, monkeypatch):
    monkeypatch.setenv("VIZKIT_CACHE_DIR", str(tmp_path))
    from vizkit_gallery.app import build_app

    view = build_app(examples).vizkit_gallery
    assert not view.server
    view.select("fx_zoom")
    assert list(view.backend_switch.options.values()) == ["plotly", "bokeh", "holoviews", "matplotlib"]  # BACKENDS
    view.backend_switch.value = "bokeh"
    assert view.error is None and view.backend == "bokeh"
    (pane,) = view.figure_row.objects[0].objects
    assert type(pane).__name__ == "Bokeh"  # no server to re-aggregate: the static overview, not the DynamicMap


#: The Image glyph of the zoomable plot: its array (row 0 = lowest query), where it sits, and the plot title.
IMAGE = """() => {
  for (const v of Bokeh.index.all_views()) {
    if (!(v.frame && v.model.title && v.model.title.text && v.model.title.text.includes('zoom me'))) continue;
    for (const r of v.model.renderers) {
      if (!(r.glyph && r.glyph.type === 'Image')) continue;
      const d = r.data_source.data, im = d.image[0];
      const c = v.canvas_view.el.getBoundingClientRect(), f = v.frame.bbox;
      return {shape: im.shape, values: Array.from(im, x => Number.isNaN(x) ? null : x), x: d.x[0], y: d.y[0], dw: d.dw[0],
              dh: d.dh[0], title: v.model.title.text, box: [c.left + f.left, c.top + f.top, f.width, f.height],
              x_range: [v.model.x_range.start, v.model.x_range.end], y_range: [v.model.y_range.start, v.model.y_range.end]};
    }
  }
  return null;
}"""


def _array(info) -> np.ndarray:
    return np.array([np.nan if v is None else v for v in info["values"]], dtype=float).reshape(info["shape"])


@pytest.mark.browser
@pytest.mark.slow
def test_zooming_in_the_gallery_recomputes_the_raster_down_to_exact_cells(chromium, examples, tmp_path):
    srv = GalleryServer(examples, tmp_path / "cache")
    context = chromium.new_context(viewport={"width": 1280, "height": 1400})
    try:
        page = context.new_page()
        page.goto(f"{srv.url}?example=fx_zoom&backend=bokeh")
        page.wait_for_function(f"() => window.Bokeh && ({IMAGE})() !== null", timeout=180_000)
        before = page.evaluate(IMAGE)
        assert before["shape"] == [256, 256] and (before["dw"], before["dh"]) == (N, N)  # blocks over everything
        assert before["title"] == f"zoom me: {N * N:,} values in view → 256×256 cells, block maximum of {F}×{F} blocks"
        z = _array(before)
        assert np.nanmax(z) == pytest.approx(SPIKE, rel=1e-6)  # the block maximum: the spike at full intensity
        assert z[Q // F, K // F] == pytest.approx(SPIKE, rel=1e-6)

        left, top, width, height = before["box"]  # the wheel over the spike, as a user zooms into it
        (x0, x1), (y0, y1) = before["x_range"], before["y_range"]
        page.mouse.move(left + width * (K - x0) / (x1 - x0), top + height * (Q - min(y0, y1)) / abs(y1 - y0))
        for _ in range(5):
            page.mouse.wheel(0, -300)
            time.sleep(0.1)
        page.wait_for_function(f"() => {{ const i = ({IMAGE})(); return i && i.dw < {N} && i.title.includes('full resolution'); }}",
                               timeout=120_000)
        time.sleep(1.0)  # the last wheel step's view
        page.wait_for_function(f"() => {{ const i = ({IMAGE})(); return i && i.x_range[0] <= i.x + 1 && i.x + i.dw <= i.x_range[1] + 1.5; }}",
                               timeout=60_000)
        after = page.evaluate(IMAGE)
        z = _array(after)
        c0, r0 = round(after["x"] + 0.5), round(after["y"] + 0.5)
        rows, cols = z.shape
        assert (after["dw"], after["dh"]) == (cols, rows) and cols < 256  # one image pixel per matrix cell
        assert after["title"] == f"zoom me: {rows * cols:,} values in view, every cell at full resolution"
        # recomputed from the full array: the exact cells of the new range, the spike among them at its value
        np.testing.assert_array_equal(z, _head()[r0:r0 + rows, c0:c0 + cols].astype(float))
        assert z[Q - r0, K - c0] == pytest.approx(SPIKE, rel=1e-6)
    finally:
        context.close()
        srv.stop()
