"""Standalone HTML pages and the notebook iframe around them: one writer for every backend.

A backend gives ``(head, body)`` (:func:`vizkit.backends` contract ``html_parts``): its library's
scripts and styles inline, and one element of class ``vizkit-figure`` holding the plot. The page
adds nothing from the network. Inside a notebook's ``iframe srcdoc`` (same origin) a small script
makes the frame follow the drawn page's size.
"""

from __future__ import annotations

import html

__all__ = ["PAD", "FIT_FRAME_JS", "standalone", "iframe"]

#: CSS px around the figure in a browser tab or notebook iframe (image export screenshots the figure alone).
PAD = 8

#: Inside a notebook's iframe (``srcdoc``, same origin) the frame takes the page's height (growing or shrinking) and
#: grows to its width; elsewhere a no-op.
FIT_FRAME_JS = ("(function () { try { var f = window.frameElement; if (!f || !window.ResizeObserver) return;"
                " var fit = function () { var b = document.body.getBoundingClientRect();"
                " f.style.height = Math.ceil(b.height) + 'px';"
                " f.style.width = Math.max(f.getBoundingClientRect().width, document.documentElement.scrollWidth) + 'px'; };"
                " new ResizeObserver(fit).observe(document.body); fit(); } catch (e) {} })();")


def standalone(head: str, body: str, *, title: str | None, background: str, pad: int = PAD) -> str:
    """A complete HTML page: ``head`` in ``<head>``, ``body`` padded by ``pad`` px on ``background``.

    ``title`` is data (escaped); ``head`` and ``body`` are the backend's markup, used as they are.
    """
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{html.escape(title or 'vizkit figure')}</title>\n"
            f"<style>html, body {{ margin: 0; background: {background}; }} body {{ padding: {int(pad)}px; }}"
            " .vizkit-figure { display: inline-block; }</style>\n"
            f"{head}\n</head>\n<body>\n{body}\n<script>{FIT_FRAME_JS}</script>\n</body>\n</html>\n")


def iframe(page: str, *, title: str | None, width: int, height: int) -> str:
    """``page`` in an ``iframe srcdoc`` of ``width × height`` CSS px (its script then fits it to the page).

    The iframe isolates the backend's scripts from the notebook's own and needs no network, so it
    displays the same in JupyterLab, classic Notebook, VS Code and Colab.
    """
    return (f'<iframe srcdoc="{html.escape(page, quote=True)}" title="{html.escape(title or "vizkit figure")}" '
            f'style="border: 0; width: {int(width)}px; max-width: 100%; height: {int(height)}px;" '
            f'loading="eager"></iframe>')
