"""Text as plotly shows it: markup escaped, and ``%{`` never read as a hover-template field."""

from __future__ import annotations

from ...plan.text import escape
from ...spec.colors import stops

__all__ = ["label", "template_text", "colorscale", "unique_labels"]


def label(text: str | None) -> str | None:
    """Data text for a plotly title, tick, legend or annotation: ``<``, ``>``, ``&`` escaped."""
    return escape(text)


def template_text(text: str | None) -> str | None:
    """Data text inside a hover template: escaped, and ``%{`` written ``&#37;{`` so plotly shows it literally.

    Plotly substitutes ``%{field}`` in a template and then decodes numeric entities when it draws
    the text, so a label ``'%{z}'`` shows as ``%{z}``, never as a value.
    """
    out = escape(text)
    return None if out is None else out.replace("%{", "&#37;{")


def colorscale(name: str) -> list:
    """A vizkit colour scale as plotly's ``[[position, colour], ...]``."""
    s = stops(name)
    return [[i / (len(s) - 1), col] for i, col in enumerate(s)]


def unique_labels(labels) -> list[str]:
    """Escaped labels made unique by appending zero-width spaces to repeats.

    This cannot merge two categories: :func:`~vizkit.plan.text.escape` shows every zero-width
    character a label holds as ``⟨U+200B⟩``, so a raw U+200B only ever comes from this suffix
    (``['a', 'a', 'a\u200b']`` stay three categories).

    Heatmap cells then sit on a category axis whose ticks and hover read the token itself,
    while two identical tokens stay two columns (plotly would merge equal categories). This
    keeps the payload O(n) instead of an O(n²) per-cell hover array.
    """
    seen: dict[str, int] = {}
    out = []
    for text in labels:
        shown = escape(text)
        k = seen.get(shown, 0)
        seen[shown] = k + 1
        out.append(shown + "\u200b" * k)
    return out
