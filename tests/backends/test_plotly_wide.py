"""plotly heatmaps with more cells along an axis than plotly.js draws (issue 13): blocks keeping their extreme value.

Read back from the ``go.Figure``: the drawn values (a planted one-cell spike keeps its value and sign, never a
mean), the block names on the category axes and in the hover, the ticks, and the caption's note. The page in
Chromium (pixels) is tested in tests/hardening/test_browser.py.
"""

from __future__ import annotations

import numpy as np
import pytest

import vizkit as vk
from vizkit.backends.plotly import wide


def _caption(native) -> str:
    return " ".join(a.text for a in native.layout.annotations if a.text)


def test_columns_past_plotly_limit_are_block_maxima_with_the_spike_at_its_value():
    n = 40_000
    z = np.random.default_rng(0).random((3, n)) * 0.5
    z[2, 31_234] = 0.97
    native = vk.imshow(z, zmin=0, zmax=1).to("plotly")
    heat = native.data[0]
    drawn = np.asarray(heat.z, dtype=float)
    f = -(-n // drawn.shape[1])
    assert drawn.shape[0] == 3 and drawn.shape[1] <= 2000 and drawn.shape[1] == -(-n // f)
    assert drawn[2, 31_234 // f] == pytest.approx(0.97)  # the block's maximum, not its mean (~0.25)
    expected = np.array([[z[r, c:c + f].max() for c in range(0, n, f)] for r in range(3)])
    assert np.allclose(drawn, expected, atol=1e-6)
    assert list(heat.x[:2]) == [f"0–{f - 1}", f"{f}–{2 * f - 1}"]  # the block's range, not a made-up column
    assert "block max value: %{z:.4g}" in heat.hovertemplate
    assert native.layout.xaxis.type == "category" and native.layout.xaxis.categoryarray[-1] == f"{(len(heat.x) - 1) * f}–{n - 1}"
    caption = _caption(native)
    assert f"40,000 columns drawn as {drawn.shape[1]:,}" in caption and f"value of {f} columns" in caption
    assert "slice" in caption and "bokeh" in caption


def test_signed_values_keep_the_largest_magnitude_with_its_sign():
    n = 20_000
    z = np.random.default_rng(1).uniform(-1, 1, size=(2, n))
    z[0, 777] = -5.0
    z[1, 19_999] = 4.0
    native = vk.imshow(z).to("plotly")
    drawn = np.asarray(native.data[0].z, dtype=float)
    f = -(-n // drawn.shape[1])
    assert f > 1
    assert drawn[0, 777 // f] == pytest.approx(-5.0) and drawn[1, -1] == pytest.approx(4.0)
    assert "largest-magnitude value in block" in native.data[0].hovertemplate


def test_labelled_rows_are_blocks_named_by_their_first_and_last_label_and_ticks_follow():
    n = 20_000
    z = np.zeros((n, 4))
    z[12_345, 1] = 1.0
    native = vk.imshow(z, y=[f"r{i}" for i in range(n)], zmin=0, zmax=1).to("plotly")
    heat = native.data[0]
    drawn = np.asarray(heat.z, dtype=float)
    f = -(-n // drawn.shape[0])
    b = 12_345 // f
    assert drawn.shape[1] == 4 and drawn[b, 1] == 1.0 and np.count_nonzero(drawn) == 1
    assert heat.y[b] == f"r{b * f} … r{b * f + f - 1} [{b * f}–{b * f + f - 1}]"
    assert list(heat.x) == ["0", "1", "2", "3"]  # the other axis keeps every cell
    ya = native.layout.yaxis
    assert ya.tickvals and all(v in set(heat.y) for v in ya.tickvals)  # every planned tick names a drawn block
    assert all(t.startswith("r") for t in ya.ticktext)


def test_every_cell_drawn_up_to_the_limit():
    z = np.random.default_rng(2).random((2, wide.MAX_AXIS_CELLS))
    native = vk.imshow(z).to("plotly")
    assert np.asarray(native.data[0].z).shape == (2, wide.MAX_AXIS_CELLS)
    assert "drawn as" not in _caption(native)


def test_inf_in_a_block_is_marked_and_never_the_top_colour():
    n = 20_000
    z = np.full((2, n), 0.5)
    z[1, 100] = np.inf
    native = vk.imshow(z, zmin=0, zmax=1).to("plotly")
    drawn = np.asarray(native.data[0].z, dtype=float)
    f = -(-n // drawn.shape[1])
    assert drawn[1, 100 // f] == pytest.approx(0.5)  # the block's finite cells colour it, inf does not
    marks = [t for t in native.data if t.type == "scatter" and (t.meta or {}).get("vizkit_inf")]
    assert len(marks) == 1 and list(marks[0].customdata) == ["+inf"] and marks[0].x[0] == native.data[0].x[100 // f]
