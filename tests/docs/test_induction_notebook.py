"""docs/induction_heads.ipynb runs end to end, and every figure displays through plotly's mime type."""

from __future__ import annotations

import pytest

from tests.docs.notebooks import PLOTLY_MIME, ends_with_figure_call, errors, execute, figure_outputs, kind


@pytest.fixture(scope="module")
def executed():
    return execute("induction_heads.ipynb")


def test_notebook_runs_and_every_figure_carries_the_plotly_bundle(executed):
    assert not errors(executed)
    figure_cells = [c.source for c in executed.cells if c.cell_type == "code" and ends_with_figure_call(c.source)]
    figures = figure_outputs(executed)
    assert [s for s, _ in figures] == figure_cells and len(figures) >= 9  # each figure cell shows its figure
    kinds = set()
    for source, output in figures:
        bundle = output["data"]
        assert PLOTLY_MIME in bundle, f"no plotly bundle for:\n{source}"
        assert bundle[PLOTLY_MIME]["data"], f"a plotly figure without traces for:\n{source}"
        assert "text/html" in bundle  # classic Notebook and Colab read this one
        kinds.add(kind(output))
    assert kinds == {"loss_curves", "tokens", "attention", "head_scores", "patching", "logit_lens", "dla"}


def test_notebook_figures_tell_the_induction_story(executed):
    """What the reader sees: the titles, and the three head-score panels side by side."""
    layouts = {s: o["data"][PLOTLY_MIME]["layout"] for s, o in figure_outputs(executed)}
    titles = [layout.get("title", {}).get("text") for layout in layouts.values()]
    assert {"Training loss of the induction model", "Layer 0 attention", "Layer 1 attention",
            "Patching the residual stream (resid_pre)"} <= set(titles)
    scores = next(layout for s, layout in layouts.items() if "vk.head_scores" in s)
    assert [a["text"] for a in scores["annotations"]][:3] == ["previous token", "duplicate token", "induction"]
