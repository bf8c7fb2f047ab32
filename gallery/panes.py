"""Small HTML panes styled by the gallery's stylesheets (``static/*.css``).

Panel panes live in shadow DOM, so the page's CSS does not reach inside them: each pane gets
``static/panes.css``. Every text shown here is escaped first: example titles, prompts and error
messages (which may quote token strings) are data, never markup.
"""

from __future__ import annotations

import html
from pathlib import Path

import panel as pn

STATIC = Path(__file__).resolve().parent / "static"
PAGE_CSS = (STATIC / "page.css").read_text(encoding="utf-8")
PANE_CSS = (STATIC / "panes.css").read_text(encoding="utf-8")


def html_pane(markup: str, **kwargs) -> pn.pane.HTML:
    """An HTML pane of ``markup`` (already escaped by the caller) with the gallery's pane stylesheet."""
    return pn.pane.HTML(markup, stylesheets=[PANE_CSS], **kwargs)


def placeholder(text: str, css: str = "vk-placeholder") -> pn.pane.HTML:
    """A dashed box saying ``text`` where a figure will be (or could not be) drawn."""
    return html_pane(f"<div class='{css}'>{html.escape(text)}</div>", margin=0)


def error_markup(message: str) -> str:
    """The status line of an error, ``message`` shown as text."""
    return f"<div class='vk-error' role='alert'><b>Error.</b> {html.escape(message)}</div>"
