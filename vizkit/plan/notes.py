"""Caption notes about what the display changed: ±inf cells drawn as gaps, labels shortened.

Worded once here so every backend says the same; :func:`display_notes` is what the caption adds.
"""

from __future__ import annotations

from .colour import nonfinite_counts
from .text import is_shortened

__all__ = ["inf_note", "shortened_note", "display_notes"]


def inf_note(n_pos: int, n_neg: int) -> str | None:
    """``"3 cells at +inf and 1 at -inf shown as marked gaps"``, or ``None`` without any."""
    if not (n_pos or n_neg):
        return None
    parts = [f"{n} {'cell' if n == 1 else 'cells'} at {sign}inf" for n, sign in ((n_pos, "+"), (n_neg, "-")) if n]
    return " and ".join(parts) + " shown as marked gaps (not coloured)"


def shortened_note(n: int) -> str | None:
    """``"2 labels shortened with … (full text in the hover)"``, or ``None`` when nothing was cut."""
    if not n:
        return None
    return f"{n} {'label' if n == 1 else 'labels'} shortened with … (full text in the hover)"


def _labels(fig):
    from ..spec import Bar, Heatmap

    seen = set()
    for panel in fig.panels:
        for axis in (panel.x, panel.y):
            if axis.labels is not None and id(axis.labels) not in seen:
                seen.add(id(axis.labels))
                yield from axis.labels
        for m in panel.marks:
            for labels in ((m.x_labels, m.y_labels) if isinstance(m, Heatmap) else (m.labels,) if isinstance(m, Bar) else ()):
                if labels is not None and id(labels) not in seen:
                    seen.add(id(labels))
                    yield from labels


def display_notes(fig) -> tuple[str, ...]:
    """The notes the display adds to ``fig``'s caption: ±inf cells counted (unless a figure note already
    counts NaN/inf values), distinct long labels counted."""
    from ..spec import Heatmap, TokenText

    n_pos = n_neg = 0
    for m in fig.marks():
        if isinstance(m, (Heatmap, TokenText)):
            p, n = nonfinite_counts(m.z if isinstance(m, Heatmap) else m.values)
            n_pos, n_neg = n_pos + p, n_neg + n
    if any("inf" in note for note in fig.notes):
        n_pos = n_neg = 0
    long = {t for t in _labels(fig) if is_shortened(t)}
    return tuple(note for note in (inf_note(n_pos, n_neg), shortened_note(len(long))) if note)
