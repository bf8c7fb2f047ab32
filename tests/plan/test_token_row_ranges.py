"""Token text whose value rows each have their own colour range (``row_ranges="each"``, issue 14):
the spec carries it, the plan decides each row's range, fills and colour-bar title once, and the
CircuitsVis compat multi-row calls use it, as CircuitsVis gives each row its own bounds."""

from __future__ import annotations

import json

import numpy as np
import pytest

import vizkit as vk
from vizkit.compat import circuitsvis as cv
from vizkit.errors import VizkitError
from vizkit.plan import plan
from vizkit.plan.colour import NAN_COLOR
from vizkit.spec import ColorScale, Figure, TokenText
from vizkit.spec.colors import palette
from vizkit.spec.theme import THEMES

TOKS = [" The", " cat", " sat", " on", " the", " mat"]
LOGITS = np.array([-20.0, 3.0, 18.0, -5.0, 0.0, 7.5])
PROBS = np.array([0.02, 0.31, 0.9, 0.05, 0.0, 0.4])


def token_plan(fig):
    (panel,) = plan(fig, THEMES["default"]).frame(0)
    return panel.tokens


def test_each_row_gets_its_own_range_symmetric_around_the_midpoint():
    fig = vk.tokens(TOKS, np.stack([LOGITS, PROBS]), row_labels=["logits", "probs"], row_ranges="each")
    tp = token_plan(fig)
    assert tp.per_row
    assert [(s.zmin, s.zmid, s.zmax) for s in tp.scales] == [(-20.0, 0.0, 20.0), (-0.9, 0.0, 0.9)]
    assert {s.name for s in tp.scales} == {"RdBu"}  # the figure's scale, each on its row's range
    top, white = palette("RdBu", 256)[-1], palette("RdBu", 256)[round(0.5 * 255)]
    assert tp.fills[1][2] == top  # the largest probability is the top colour, not a near-white tint
    assert tp.fills[0][2] != top and tp.fills[1][4] == white  # 18 of ±20 is not the top; 0 keeps the middle colour
    assert tp.colorbar_titles == ("value (logits: -20 to 20)", "value (probs: -0.9 to 0.9)")
    caption = plan(fig, THEMES["default"]).caption
    assert "each value row has its own colour range" in caption


def test_shared_rows_keep_one_range_and_say_nothing():
    fig = vk.tokens(TOKS, np.stack([LOGITS, PROBS]), row_labels=["logits", "probs"])
    tp = token_plan(fig)
    (mark,) = fig.marks(TokenText)
    assert not tp.per_row and tp.scales == (mark.colorscale, mark.colorscale) and (mark.colorscale.zmin, mark.colorscale.zmax) == (-20, 20)
    assert tp.fills[1][2] != palette("RdBu", 256)[-1]  # the shared range draws probabilities nearly white: the reason for "each"
    assert tp.colorbar_titles == ("value", "value")
    assert "own colour range" not in (plan(fig, THEMES["default"]).caption or "")
    assert "row_ranges" not in mark.to_dict()  # encoded as before the option existed


def test_non_negative_rows_run_from_their_minimum_to_their_maximum():
    rows = np.array([[0.1, 0.2, 0.4, 0.3, 0.2, 0.1], [100.0, 300.0, 200.0, 500.0, 250.0, 400.0]])
    tp = token_plan(vk.tokens(TOKS, rows, row_ranges="each"))
    assert [(s.name, s.zmin, s.zmax, s.zmid) for s in tp.scales] == [("Blues", 0.1, 0.4, None), ("Blues", 100.0, 500.0, None)]
    top = palette("Blues", 256)[-1]
    assert tp.fills[0][2] == top and tp.fills[1][3] == top


def test_inf_and_nan_take_no_part_in_a_row_range():
    rows = np.array([[np.inf, 1.0, 2.0, np.nan, 4.0, -np.inf], [np.nan] * 6, [5.0] * 6])
    fig = vk.tokens(TOKS, rows, row_ranges="each")
    tp = token_plan(fig)
    assert (tp.scales[0].zmin, tp.scales[0].zmax) == (1.0, 4.0)  # inf is a gap, never the top colour
    assert tp.fills[0][0] == tp.fills[0][3] == tp.fills[0][5] == NAN_COLOR and tp.fills[0][4] == palette("Blues", 256)[-1]
    shared = fig.marks(TokenText)[0].colorscale
    assert tp.scales[1] == shared and tp.scales[2] == shared  # no finite value, one value: no range of their own


def test_one_row_needs_no_range_of_its_own():
    fig = vk.tokens(TOKS, PROBS, row_ranges="each")
    tp = token_plan(fig)
    assert not tp.per_row and tp.scales == (fig.marks(TokenText)[0].colorscale,)
    assert "own colour range" not in (plan(fig, THEMES["default"]).caption or "")


def test_row_ranges_survive_a_json_round_trip():
    fig = vk.tokens(TOKS, np.stack([LOGITS, PROBS]), row_labels=["logits", "probs"], row_ranges="each")
    back = Figure.from_dict(json.loads(json.dumps(fig.to_dict())))
    assert back == fig and back.marks(TokenText)[0].row_ranges == "each"
    assert token_plan(back).scales == token_plan(fig).scales


def test_bad_row_ranges_are_clear_errors():
    with pytest.raises(VizkitError, match=r"row_ranges must be one of 'shared', 'each'; got 'per-row'"):
        vk.tokens(TOKS, np.stack([LOGITS, PROBS]), row_ranges="per-row")
    with pytest.raises(VizkitError, match=r"takes no zmin/zmax; got zmin=None, zmax=1"):
        vk.tokens(TOKS, np.stack([LOGITS, PROBS]), row_ranges="each", zmax=1)
    with pytest.raises(VizkitError, match="row_ranges must be one of"):
        TokenText(tokens=("a",), values=np.ones(1), colorscale=ColorScale(), row_ranges="rows")
    with pytest.raises(VizkitError, match="did you mean row_ranges="):
        vk.tokens(TOKS, PROBS, row_range="each")


def test_compat_colored_tokens_multi_colours_each_row_on_its_own_range():
    values = np.stack([LOGITS, PROBS], axis=1)  # CircuitsVis' [tokens, K]
    fig = cv.tokens.colored_tokens_multi(TOKS, values, ["logits", "probs"])
    (mark,) = fig.marks(TokenText)
    assert mark.row_ranges == "each"
    tp = token_plan(fig)
    colours = palette("RdBu", 256)
    assert tp.fills[1][int(np.argmax(PROBS))] == colours[-1]  # the probability row's max token at the top colour
    assert tp.fills[0][int(np.argmax(LOGITS))] == colours[round((18 / 40 + 0.5) * 255)]
    assert tp.fills[1][int(np.argmin(PROBS))] == colours[round(0.5 * 255)]  # 0 is white (the scale's middle), as CircuitsVis
    assert tp.fills[0][0] == colours[0]  # the row's most negative value at the bottom colour


def test_compat_model_performance_rows_each_reach_their_own_extremes():
    rng = np.random.default_rng(0)
    ids, logits = np.array([0, 2, 1, 3, 4]), rng.normal(scale=8.0, size=(5, 6))
    fig = cv.tokens.visualize_model_performance(ids, list("vwxyz"), logits)
    (mark,) = fig.marks(TokenText)
    tp = token_plan(fig)
    assert tp.row_labels == ("logits", "log_probs", "probs")
    for row, scale in zip(mark.values, tp.scales, strict=True):
        assert max(abs(scale.zmin), abs(scale.zmax)) == pytest.approx(np.abs(row).max())
    colours = palette("RdBu", 256)
    assert tp.fills[2][int(np.argmax(mark.values[2]))] == colours[-1]
