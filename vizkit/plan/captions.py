"""Titles, captions and notes, worded once for every backend."""

from __future__ import annotations

__all__ = ["NOTE_SEPARATOR", "static_frame_note", "notes", "caption", "title_px", "text_px", "CHAR_EM"]

#: Between two notes of a caption.
NOTE_SEPARATOR = " · "
#: Average glyph width of the UI fonts, in ems: how wide a line of text is before it is drawn.
CHAR_EM = 0.58


def static_frame_note(slider) -> str:
    """What a static image of a slider figure says: which one frame it shows."""
    return f"showing {slider.name} = {slider.labels[0]} (frame 1 of {len(slider.labels)}; a static image shows one frame)"


def notes(fig, *, static: bool = False, extra=()) -> tuple[str, ...]:
    """The figure's notes, then ``extra`` (a backend's translation notes), then the static frame note."""
    from .notes import display_notes
    from .tokens import row_ranges_note

    out = [*fig.notes, *display_notes(fig), *extra]
    if (rows := row_ranges_note(fig)) is not None and rows not in out:
        out.append(rows)
    if static and fig.slider is not None:
        out.append(static_frame_note(fig.slider))
    return tuple(out)


def caption(fig, *, static: bool = False, extra=()) -> str | None:
    """The caption under the figure (:func:`notes` joined), ``None`` without notes."""
    parts = notes(fig, static=static, extra=extra)
    return NOTE_SEPARATOR.join(parts) if parts else None


def text_px(text: str, font_px: float) -> float:
    """Estimated width in pixels of one line of ``text`` at ``font_px``."""
    return CHAR_EM * len(text) * font_px


def title_px(text: str, room: float, theme) -> int:
    """The theme's title size, shrunk (down to 9 px) so ``text`` fits ``room`` pixels: plotly and bokeh
    clip a title wider than the figure instead of wrapping it."""
    return int(max(9, min(theme.title_size, room / max(1.0, text_px(text, 1.0)))))
