"""Shared data for the compat tests: the shapes MI notebooks pass, from a fixed seed."""

from __future__ import annotations

import numpy as np
import pytest

RNG = np.random.default_rng(1234)
#: GPT-2-style tokens with a repeat (two " Mary") and a hostile one: compat must keep both literal.
TOKENS = ["<|endoftext|>", "When", " Mary", " and", " John", " went", " to", " the", " store", ",", " Mary", " gave", "<b>x</b>"]


@pytest.fixture(autouse=True)
def _agg():
    import matplotlib

    matplotlib.use("Agg")
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


def plotly_colorscale_ends(native):
    """The first and last colour of the colour scale plotly draws the heatmaps with."""
    scale = native.layout.coloraxis.colorscale or native.data[0].colorscale
    return scale[0][1], scale[-1][1]
