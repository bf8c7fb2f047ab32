"""Display text and ticks decided in the plan (issue 13): invisible characters shown, long labels cut, inf counted."""

from __future__ import annotations

import numpy as np
import pytest

import vizkit as vk
from vizkit.plan import colour, notes, text
from vizkit.plan import plan as make_plan
from vizkit.spec.theme import THEMES


@pytest.mark.parametrize("raw, shown", [
    ("ab\u202edc", "ab⟨U+202E⟩dc"),          # right-to-left override must not reorder the label
    ("a\u200bb", "a⟨U+200B⟩b"),              # zero-width space
    ("\u2066x\u2069", "⟨U+2066⟩x⟨U+2069⟩"),  # bidi isolates
    ("\u200e\u200f", "⟨U+200E⟩⟨U+200F⟩"),
    ("\ufeffbom", "⟨U+FEFF⟩bom"),
    ("nul\x00", "nul␀"),
    ("c1\x85", "c1⟨U+0085⟩"),
    ("del\x7f", "del␡"),
    ("\ud800lone", "⟨U+D800⟩lone"),          # lone surrogate (cannot be encoded to UTF-8 as it is)
    ("plain text", "plain text"),
])
def test_visible_shows_every_invisible_character(raw, shown):
    assert text.visible(raw) == shown
    assert text.plain(raw) == shown
    text.escape(raw).encode("utf-8")  # encodable: no lone surrogate left


def test_escape_and_plain_keep_no_raw_control_or_format_character():
    raw = "".join(chr(c) for c in range(0, 0xA0)) + "\u00ad\u061c\u180e\u2028\u2029\u2060\u2064\ufff9"
    for out in (text.plain(raw), text.escape(raw)):
        assert not text.INVISIBLE.search(out), out
    assert "&lt;" in text.escape("<b>") and "<" not in text.escape("<b>")


def test_label_text_cuts_long_labels_with_an_ellipsis():
    long = "x" * 5000
    shown = text.label_text(long)
    assert len(shown) == text.MAX_LABEL_CHARS and shown.endswith("…") and shown[:-1] == long[: text.MAX_LABEL_CHARS - 1]
    assert text.label_text("short") == "short"
    assert text.label_text("a\nb\tc") == "a↵b⇥c"
    assert text.is_shortened(long) and not text.is_shortened("short")


def test_plan_ticks_are_display_text_and_the_caption_counts_shortened_labels():
    labels = ["x" * 5000, "ab\u202edc", "ok"]
    fig = vk.imshow(np.arange(6.0).reshape(2, 3), x=labels)
    p = make_plan(fig, THEMES["default"])
    assert p.frame(0)[0].x.ticktext == (text.label_text(labels[0]), "ab⟨U+202E⟩dc", "ok")
    assert notes.display_notes(fig) == ("1 label shortened with … (full text in the hover)",)


def test_100k_labels_are_thinned_to_a_readable_tick_count():
    labels = [f"t{i}" for i in range(100_000)]
    fig = vk.imshow(np.zeros((2, 100_000)), x=labels)
    x = make_plan(fig, THEMES["default"]).frame(0)[0].x
    assert 2 <= len(x.tickvals) <= 60
    assert all(labels[int(v)] == t for v, t in zip(x.tickvals, x.ticktext, strict=True))  # each tick names its own column


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_inf_is_a_gap_never_an_end_colour(dtype):
    z = np.array([[0.0, 1.0, np.inf, -np.inf]], dtype=dtype)
    assert colour.nonfinite_counts(z) == (1, 1)
    drawn = colour.drawable(z)
    assert np.isnan(drawn[0, 2:]).all() and drawn[0, 1] == 1.0
    rows, cols, sign = colour.inf_cells(z)
    assert cols.tolist() == [2, 3] and sign.tolist() == [1, -1] and rows.tolist() == [0, 0]
    scale = vk.imshow(np.array([[0.0, 1.0]])).marks()[0].colorscale
    fills = colour.fills([0.0, 1.0, np.inf, -np.inf], scale)
    assert fills[2] == fills[3] == colour.NAN_COLOR and colour.NAN_COLOR not in fills[:2]


def test_inf_note_words_both_signs():
    assert notes.inf_note(3, 1) == "3 cells at +inf and 1 cell at -inf shown as marked gaps (not coloured)"
    assert notes.inf_note(0, 0) is None
