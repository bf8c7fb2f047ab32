"""Themes: backend-neutral styling that every backend translates the same way."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import VizkitError

#: Paper widths in inches: one column and the full text width of a two-column paper (``width="column"``/``"page"``).
PAPER_WIDTHS_IN = {"column": 3.25, "page": 6.75}


@dataclass(frozen=True)
class Theme:
    name: str
    font_family: str = "Inter, Helvetica, Arial, sans-serif"
    font_size: int = 12
    title_size: int = 15
    background: str = "#ffffff"
    panel_background: str = "#ffffff"
    foreground: str = "#222222"
    grid: str = "#e6e6e6"
    line_width: float = 2.0
    width: int = 700  # default size of a one-panel figure, in CSS pixels
    height: int = 450
    interactive: bool = True  # toolbars, mode bars
    dpi: int = 96  # PNG resolution in pixels per inch when no scale is given (96: one pixel per CSS pixel; paper: 288)
    grid_width: int | None = None  # width of a multi-panel figure whatever its panel count (None: grows with the columns)
    notes_in_images: bool = True  # static images carry the notes caption (export's notes= overrides)


THEMES: dict[str, Theme] = {
    "default": Theme("default"),
    # Sized for a one-column paper figure: 3.25 × 2.4 in at 96 CSS px per inch (what browsers and
    # every backend use for PDF), text at 7.5 pt; a multi-panel figure spans the page, 6.75 in, whatever
    # its panel count; serif fonts match LaTeX documents; no interactive chrome; PNG at 288 dpi
    # (3 pixels per CSS pixel); notes stay out of the image unless export is asked for them.
    "paper": Theme(
        "paper",
        font_family="DejaVu Serif, Times New Roman, serif",
        font_size=10,
        title_size=11,
        grid="#eeeeee",
        line_width=1.2,
        width=312,
        height=230,
        interactive=False,
        dpi=288,
        grid_width=648,
        notes_in_images=False,
    ),
    "dark": Theme(
        "dark",
        background="#111418",
        panel_background="#1b1f24",
        foreground="#e8e8e8",
        grid="#2f353d",
    ),
}


def check_theme_name(name: str) -> str:
    if name not in THEMES:
        raise VizkitError(f"unknown theme {name!r}; expected one of {sorted(THEMES)}")
    return name


def get(name: str | None = None) -> Theme:
    """The theme called ``name`` (``None``: ``"default"``).

    The theme *in force* (``vk.use_theme``, ``vk.set_theme``, ``VIZKIT_THEME``) is a setting, read
    above the spec: ``vizkit._config.resolve_theme(name)``.
    """
    return THEMES[check_theme_name(name or "default")]
