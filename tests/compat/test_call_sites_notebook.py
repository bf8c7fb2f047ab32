"""Compat calls in a real Jupyter kernel (nbclient): a call displays its figure once (and returns None),
a returned figure edited the plotly way displays with the edits, and a cell ending in the figure shows it."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PLOTLY_MIME = "application/vnd.plotly.v1+json"

CELLS = [
    "import numpy as np\nfrom vizkit.compat.neel_plotly import imshow, line, put_legend_in_plot\nfrom vizkit.compat.arena import bar",
    # neel-plotly's display rule: the call shows the figure and returns None (nothing more is echoed)
    'imshow(np.arange(12.0).reshape(3, 4) - 5, xaxis="Head", yaxis="Layer", title="Scores")',
    # a notebook editing the returned figure as a plotly figure, then showing it (put_legend_in_plot shows nothing)
    'fig = line(np.arange(10.0).reshape(2, 5), line_labels=["a", "b"], title="Loss", return_fig=True)\n'
    'fig.add_hline(y=0.5)\nput_legend_in_plot(fig)\nfig.update_layout(yaxis_range=[0, 10])\nfig.show()',
    'bar(np.arange(4.0), title="Bars", labels={"x": "Head", "y": "Score"})',
    "fig",
]


@pytest.fixture(scope="module")
def executed():
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(src) for src in CELLS])
    NotebookClient(nb, kernel_name="python3", timeout=300, resources={"metadata": {"path": str(ROOT)}}).execute()
    return nb


def _figures(cell) -> list[tuple[str, dict]]:
    return [(o["output_type"], o["data"][PLOTLY_MIME]) for o in cell.outputs if PLOTLY_MIME in o.get("data", {})]


def test_no_cell_errors(executed):
    errors = [o for c in executed.cells for o in c.outputs if o.get("output_type") == "error"]
    assert not errors, errors


def test_a_call_displays_its_figure_once(executed):
    (kind, fig), = _figures(executed.cells[1])
    assert kind == "display_data"  # shown by the call; the call's value (None) echoes nothing
    layout = fig["layout"]
    assert layout["title"]["text"] == "Scores"
    assert layout["xaxis"]["title"]["text"] == "Head" and layout["yaxis"]["title"]["text"] == "Layer"
    assert fig["data"][0]["type"] == "heatmap"


def test_plotly_edits_of_a_returned_figure_are_displayed(executed):
    (kind, fig), = _figures(executed.cells[2])
    layout = fig["layout"]
    assert kind == "display_data"
    assert [d["name"] for d in fig["data"]] == ["a", "b"]
    assert layout["shapes"][0]["y0"] == 0.5 and layout["legend"]["x"] == 0.95
    assert layout["yaxis"]["range"] == [0, 10]
    (kind, bars), = _figures(executed.cells[3])
    assert bars["layout"]["hovermode"] == "x unified" and bars["layout"]["xaxis"]["title"]["text"] == "Head"


def test_a_figure_as_the_last_line_displays(executed):
    (kind, fig), = _figures(executed.cells[4])
    assert kind == "execute_result" and fig["layout"]["title"]["text"] == "Loss"
