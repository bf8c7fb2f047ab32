"""Standalone HTML pages and the notebook iframe around them: one writer for every backend.

A backend gives ``(head, body)`` (:func:`vizkit.backends` contract ``html_parts``): its library's
scripts and styles inline, and one element of class ``vizkit-figure`` holding the plot. The page
adds nothing from the network.

In a notebook the page sits in an ``iframe srcdoc`` whose first size is already the figure's (so
it is right where no script runs: nbconvert HTML, untrusted notebooks). The page's script then
fits the frame to the drawn content exactly, shrinking as well as growing: it measures the
``vizkit-page`` box around the body (an inline block, so its size never depends on the frame's own
height or width), sets the frame's height directly when it can reach it (``srcdoc`` is same-origin)
and also posts it to the parent, where the iframe's own listener applies it (sandboxed frames).
"""

from __future__ import annotations

import html

__all__ = ["PAD", "FIT_FRAME_JS", "FIT_MESSAGE", "standalone", "compressed", "iframe", "frame_size"]

#: CSS px around the figure in a browser tab or notebook iframe (image export screenshots the figure alone).
PAD = 8
#: The ``postMessage`` type a page sends its parent with its content size.
FIT_MESSAGE = "vizkit-fit-frame"

#: Measures the ``vizkit-page`` box (content, not viewport) plus the padding and any horizontal
#: scroll bar, and sizes the frame to it; re-run by a ResizeObserver on the box and on window resize.
FIT_FRAME_JS = ("(function () { try {"
                " var box = document.querySelector('.vizkit-page'); if (!box) return;"
                " var fit = function () { var r = box.getBoundingClientRect(), d = document.documentElement;"
                " var bar = Math.max(0, window.innerHeight - d.clientHeight);"
                f" var h = Math.ceil(r.height) + {2 * PAD} + bar, w = Math.ceil(r.width) + {2 * PAD};"
                " var f = null; try { f = window.frameElement; } catch (e) {}"
                " if (f) { f.style.height = h + 'px'; f.style.width = w + 'px'; }"
                f" if (window.parent !== window) window.parent.postMessage({{type: '{FIT_MESSAGE}', height: h, width: w}}, '*'); }};"
                " if (window.ResizeObserver) new ResizeObserver(fit).observe(box);"
                " window.addEventListener('resize', fit); window.addEventListener('load', fit); fit();"
                " } catch (e) {} })();")

#: In the notebook output, beside the iframe: applies the size a sandboxed frame posts (a no-op where scripts do not run).
_LISTEN_JS = ("(function () { var f = document.currentScript && document.currentScript.previousElementSibling;"
              " if (!f) return; window.addEventListener('message', function (e) {"
              f" if (e.source !== f.contentWindow || !e.data || e.data.type !== '{FIT_MESSAGE}') return;"
              " f.style.height = e.data.height + 'px'; f.style.width = e.data.width + 'px'; }); })();")


def standalone(head: str, body: str, *, title: str | None, background: str, pad: int = PAD) -> str:
    """A complete HTML page: ``head`` in ``<head>``, ``body`` padded by ``pad`` px on ``background``.

    ``title`` is data (escaped); ``head`` and ``body`` are the backend's markup, used as they are.
    The body sits in one ``vizkit-page`` inline block: the box a notebook frame is fitted to.
    """
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{html.escape(title or 'vizkit figure')}</title>\n"
            f"<style>html, body {{ margin: 0; background: {background}; }} body {{ padding: {int(pad)}px; }}"
            " .vizkit-page { display: inline-block; vertical-align: top; } .vizkit-figure { display: inline-block; }</style>\n"
            f"{head}\n</head>\n<body>\n<div class=\"vizkit-page\">\n{body}\n</div>\n<script>{FIT_FRAME_JS}</script>\n</body>\n</html>\n")


#: The notebook frame's own page: it inflates the gzip-compressed figure page and writes it into the frame
#: (about a third of the bytes of the page itself, which inlines its library's JavaScript).
_INFLATE_JS = ("(function () { var b = document.getElementById('vizkit-page-gz').textContent.trim();"
               " var bytes = Uint8Array.from(atob(b), function (c) { return c.charCodeAt(0); });"
               " new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'))).text()"
               ".then(function (page) { document.open(); document.write(page); document.close(); }); })();")


def compressed(page: str) -> str:
    """A small page that draws ``page``: ``page`` gzip-compressed (base64) and the script that writes it out."""
    import base64
    import gzip

    data = base64.b64encode(gzip.compress(page.encode("utf-8"), 9, mtime=0)).decode("ascii")
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"></head><body>"
            f"<script type=\"application/octet-stream\" id=\"vizkit-page-gz\">{data}</script>"
            f"<script>{_INFLATE_JS}</script></body></html>\n")


def iframe(page: str, *, title: str | None, width: int, height: int) -> str:
    """``page`` in an ``iframe srcdoc`` of ``width × height`` CSS px (the figure's size plus padding).

    That first size is what shows where no script runs; the page's script then fits the frame to
    the drawn content. ``max-width: 100%`` keeps the frame inside a narrower output column (the
    page scrolls sideways). The iframe isolates the backend's scripts from the notebook's own and
    needs no network, so it displays the same in JupyterLab, classic Notebook, VS Code and Colab.
    """
    return (f'<iframe srcdoc="{html.escape(compressed(page), quote=True)}" title="{html.escape(title or "vizkit figure")}" '
            f'style="border: 0; display: block; width: {int(width)}px; max-width: 100%; height: {int(height)}px;" '
            f'scrolling="auto" loading="eager"></iframe><script>{_LISTEN_JS}</script>')


def frame_size(width: int, height: int) -> tuple[int, int]:
    """The first size of a notebook frame around a ``width × height`` figure: the figure plus the page padding."""
    return int(width) + 2 * PAD, int(height) + 2 * PAD


