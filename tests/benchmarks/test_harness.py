"""The benchmark's "was it drawn" detector cannot pass a blank page (runs in ``make test``; measures no speed).

A first-paint time only counts when ``probe.js`` sees the heatmaps on screen: a canvas or heatmap
image with coloured pixels. These pages check both answers: blank, axes-only, hidden and
out-of-range pages never count as drawn; a canvas heatmap, a plotly-style heatmap image and real
bokeh / plotly express pages do.
"""

from __future__ import annotations

import base64
import io

import numpy as np
import pytest

from tests.benchmarks.browser_measure import measure as _measure
from tests.benchmarks.workloads import head_pattern

pytestmark = pytest.mark.browser

HEATMAP_JS = """
<canvas id="c" width="200" height="200" style="{style}"></canvas>
<script>
  const ctx = document.getElementById("c").getContext("2d");
  const img = ctx.createImageData(200, 200);
  for (let i = 0; i < 200 * 200; i++) {{
    const v = (i % 200) / 200;
    img.data.set([255 * (1 - v), 255 * (1 - v / 2), 255, 255], 4 * i);
  }}
  ctx.putImageData(img, 0, 0);
</script>
"""

AXES_ONLY = """
<canvas id="c" width="300" height="300"></canvas>
<script>
  const ctx = document.getElementById("c").getContext("2d");
  ctx.fillStyle = "white"; ctx.fillRect(0, 0, 300, 300);
  ctx.strokeStyle = "#444"; ctx.strokeRect(40, 10, 250, 250);
  ctx.fillStyle = "black"; ctx.font = "12px sans-serif";
  for (let k = 0; k < 10; k++) { ctx.fillText("tok" + k, 5, 20 + 25 * k); ctx.fillText(String(k), 45 + 25 * k, 280); }
</script>
"""


def measure(*args, **kwargs):
    """The harness's own measurement, in a thread of its own: Playwright's sync API refuses a thread where an
    earlier test in this worker left an asyncio event loop running."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(_measure, *args, **kwargs).result()


def _page(tmp_path, body: str, name: str = "page.html"):
    path = tmp_path / name
    path.write_text(f"<!DOCTYPE html><html><body style='background:white'>{body}</body></html>")
    return path


def _png_data_url() -> str:
    from PIL import Image

    rgb = (np.stack([*np.meshgrid(np.linspace(0, 255, 64), np.linspace(255, 0, 64)), np.full((64, 64), 200.0)], -1)).astype(np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(rgb).save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


@pytest.mark.parametrize("body", [
    "",
    "<div style='width:400px;height:400px;background:white'></div>",
    '<canvas width="300" height="300"></canvas>',
    AXES_ONLY,
    HEATMAP_JS.format(style="display:none"),
    HEATMAP_JS.format(style="width:300px;height:12px"),  # a colour-bar strip is not a heatmap
], ids=["empty", "white-div", "blank-canvas", "axes-and-labels-only", "hidden-heatmap", "colour-bar-strip"])
def test_pages_without_a_drawn_heatmap_never_count(tmp_path, body):
    seen = measure(_page(tmp_path, body), 1, timeout_s=1.5)  # a static page of a few elements: drawn at once if ever
    assert seen.status == "timeout" and seen.paint_s is None


def test_a_canvas_heatmap_counts_as_drawn(tmp_path):
    seen = measure(_page(tmp_path, HEATMAP_JS.format(style="")), 1, timeout_s=15)
    assert seen.status == "ok" and seen.drawn == 1 and 0 < seen.paint_s < 15


def test_a_heatmap_image_counts_and_two_are_needed_when_two_are_expected(tmp_path):
    one = f'<svg width="300" height="300"><image href="{_png_data_url()}" width="256" height="256"/></svg>'
    assert measure(_page(tmp_path, one), 1, timeout_s=15).status == "ok"
    assert measure(_page(tmp_path, one, "again.html"), 2, timeout_s=1.5).status == "timeout"


def test_a_pre_painted_picture_dates_the_first_paint_and_the_library_draw_comes_apart(tmp_path):
    """A vizkit heads page's pictures (inside ``data-vizkit-prepaint``) date the first paint; the library's own plot,
    here a canvas drawn 1.5 s later, dates "library drawn". A page that is only pictures is never library drawn."""
    picture = (f'<div data-vizkit-prepaint="1" style="position:absolute;left:0;top:0">'
               f'<img src="{_png_data_url()}" style="width:256px;height:256px"></div>')
    later = HEATMAP_JS.format(style="").replace("<script>", "<script>setTimeout(() => {").replace("</script>", "}, 1500);</script>")
    seen = measure(_page(tmp_path, picture + later), 1, timeout_s=15)
    assert seen.status == "ok" and seen.paint_s < 1.5 <= seen.library_s, seen
    assert measure(_page(tmp_path, picture, "pictures.html"), 1, timeout_s=2).status == "timeout"
    plain = measure(_page(tmp_path, HEATMAP_JS.format(style=""), "plain.html"), 1, timeout_s=15)
    assert plain.status == "ok" and plain.library_s == plain.paint_s


def test_real_libraries_drawn_and_undrawn(tmp_path):
    from bokeh.embed import file_html
    from bokeh.plotting import figure
    from bokeh.resources import INLINE

    from tests.benchmarks.contenders import plotly_express

    data = head_pattern(64, 0, 0)

    def bokeh_page(y):  # y=64 puts the image above a (64, 0) y range: axes drawn, heatmap not
        p = figure(width=300, height=300, x_range=(0, 64), y_range=(64, 0))
        p.image(image=[data], x=0, y=y, dw=64, dh=64, palette="Blues256")
        return file_html(p, INLINE)

    (tmp_path / "in.html").write_text(bokeh_page(0))
    (tmp_path / "out.html").write_text(bokeh_page(64))
    (tmp_path / "px.html").write_text(plotly_express(data[None, None], []))
    assert measure(tmp_path / "in.html", 1, timeout_s=20).status == "ok"
    assert measure(tmp_path / "out.html", 1, timeout_s=4).status == "timeout"
    assert measure(tmp_path / "px.html", 1, timeout_s=20).status == "ok"
