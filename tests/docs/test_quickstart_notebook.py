"""docs/quickstart.ipynb runs end to end; its figures display through plotly's mime type (the default
backend), the matplotlib block shows a PNG, and the export cell writes every format."""

from __future__ import annotations

import ast
import base64
import io

import pytest

from tests.docs.notebooks import PLOTLY_MIME, ends_with_figure_call, errors, execute, figure_outputs, kind


@pytest.fixture(scope="module")
def executed():
    return execute("quickstart.ipynb")


def test_every_figure_cell_displays_a_plotly_bundle_with_data(executed):
    assert not errors(executed)
    figure_cells = [c.source for c in executed.cells if c.cell_type == "code" and ends_with_figure_call(c.source)]
    shown = [(s, o) for s, o in figure_outputs(executed) if PLOTLY_MIME in o["data"]]
    assert [s for s, _ in shown] == figure_cells and len(shown) >= 8
    for source, output in shown:
        bundle = output["data"]
        assert bundle[PLOTLY_MIME]["data"], f"a plotly figure without traces for:\n{source}"
        assert "<script" in bundle["text/html"] and '<script src="http' not in bundle["text/html"]  # offline fallback
    assert {kind(o) for _, o in shown} == {"imshow", "line", "scatter", "bar", "hist", "attention"}


def test_titles_and_token_labels_reach_the_plotly_figure(executed):
    layouts = {s: o["data"][PLOTLY_MIME]["layout"] for s, o in figure_outputs(executed) if PLOTLY_MIME in o["data"]}
    titles = {layout.get("title", {}).get("text") for layout in layouts.values()}
    assert {"Some signed effect by layer and position", "Layer 1: every head", "Residual-stream norm after each layer"} <= titles
    signed = next(layout for layout in layouts.values() if layout["title"]["text"].startswith("Some signed"))
    assert signed["coloraxis"]["cmin"] == pytest.approx(-signed["coloraxis"]["cmax"])  # zmid=0
    assert signed["xaxis"]["categoryarray"][:3] == ["&lt;bos&gt;", "␣When", "␣Mary"]


def test_the_matplotlib_block_shows_a_png(executed):
    from PIL import Image

    outputs = [o for s, o in figure_outputs(executed) if "use_backend(\"matplotlib\")" in s]
    assert len(outputs) == 1 and PLOTLY_MIME not in outputs[0]["data"]
    image = Image.open(io.BytesIO(base64.b64decode(outputs[0]["data"]["image/png"])))
    assert image.width > 300 and image.height > 150


def test_the_export_cell_writes_every_format(executed):
    cell = next(c for c in executed.cells if c.cell_type == "code" and "fig.save" in c.source)
    written = ast.literal_eval(cell.outputs[0]["data"]["text/plain"])
    assert written == sorted(f"attention.{s}" for s in ("html", "json", "png", "svg", "pdf"))
