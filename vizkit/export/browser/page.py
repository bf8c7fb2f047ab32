"""Any standalone HTML page to PNG, SVG or PDF through Playwright, on the system Chromium of the pool.

One Chromium for the session (started through Playwright on first use); each export gets a fresh
browser context and page, closed afterwards. Every ``http(s)``/``ws(s)`` request is aborted and logged.
"""

from __future__ import annotations

import math
import re

from ...errors import ExportError
from .determinism import fixed_pdf_dates, stable_svg_ids
from .finder import CHROMIUM_ARGS
from .formats import check_format
from .network import record
from .pool import ENGINES, POOL, Engine, kill_marked, quiet


class PageEngine(Engine):
    """Playwright's Chromium, launched with the pool's marker so its whole process tree can be found and killed."""

    name = "chromium"

    def __init__(self) -> None:
        self.playwright = None

    async def start(self, path: str, pool):
        from playwright.async_api import Error, async_playwright

        self.playwright = self.playwright or await async_playwright().start()
        try:  # no Playwright timeout: the pool's deadline kills the whole process group instead
            return await self.playwright.chromium.launch(executable_path=path, headless=True, timeout=0,
                                                         args=[*CHROMIUM_ARGS, pool.marker])
        except Error as exc:
            raise ExportError(f"Chromium ({path}) did not start for page export: {str(exc).splitlines()[0]}. "
                              f"Check that it runs: `{path} --headless --dump-dom about:blank`") from None

    def alive(self, browser) -> bool:
        return browser.is_connected()

    def kill(self, browser, pool) -> None:
        kill_marked(pool.marker)

    async def close(self, browser) -> None:
        playwright, self.playwright = self.playwright, None
        await quiet(browser.close())
        await quiet(playwright and playwright.stop())


PAGES = PageEngine()
ENGINES.append(PAGES)

_FIND_SVG = """(root) => {
  const found = [];
  const walk = (node) => {
    for (const el of node.querySelectorAll('*')) {
      if (el.tagName.toLowerCase() === 'svg' && !el.parentElement?.closest('svg')) found.push(el);
      if (el.shadowRoot) walk(el.shadowRoot);
    }
  };
  walk(root.shadowRoot || root);
  const area = (el) => { const r = el.getBoundingClientRect(); return r.width * r.height; };
  found.sort((a, b) => area(b) - area(a));
  return found.length && area(found[0]) > 0 ? new XMLSerializer().serializeToString(found[0]) : null;
}"""
_SETTLE_JS = ("() => { document.title ||= 'vizkit figure';"
              " return document.fonts.ready.then(() => new Promise(r => requestAnimationFrame(() => r()))); }")


def html_to_image(html: str, fmt: str, *, width: int | None = None, height: int | None = None, scale: float = 1.0,
                  timeout: float = 60.0, selector: str | None = None, ready_js: str | None = None,
                  svg_js: str | None = None) -> bytes:
    """PNG, SVG or PDF bytes of the element ``selector`` of a standalone HTML page, drawn offline.

    Parameters
    ----------
    html : str
        A complete page with every asset inline (its http(s) requests are blocked and recorded).
    fmt : {"png", "svg", "pdf"}
        PNG: a screenshot of the element at ``scale`` pixels per CSS pixel. PDF: one page the size
        of the element. SVG: ``svg_js`` if given (a JS function body returning SVG text, e.g. a
        library's own SVG export), else the largest ``<svg>`` inside the element (shadow roots
        included); a page that draws on a canvas has none, which raises ``ExportError``.
    width, height : int, optional
        The viewport in CSS pixels (default 1280 by 960); without ``selector`` also the image size.
    selector : str, optional
        The plot element (default: the whole viewport).
    ready_js : str, optional
        A JS expression that is truthy once the plot has finished drawing.
    timeout : float
        Seconds for everything (start, load, draw); past it ``ExportError`` and the browser is killed.
    """
    fmt = check_format(fmt)
    if not (scale > 0):
        raise ExportError(f"scale must be a positive number; got {scale!r}")

    async def block(route):
        record(route.request.url)
        await route.abort()

    async def job(browser):
        from playwright.async_api import Error

        context = await browser.new_context(viewport={"width": int(width or 1280), "height": int(height or 960)},
                                            device_scale_factor=float(scale) if fmt == "png" else max(2.0, float(scale)))
        context.set_default_timeout(0)  # the caller's deadline governs
        try:
            page = await context.new_page()
            await page.route("http*://**/*", block)
            await page.route_web_socket(re.compile(".*"), lambda ws: record(ws.url))  # never connected
            await page.set_content(html, wait_until="load")
            await page.add_style_tag(content="html, body { margin: 0 !important; padding: 0 !important; }")
            target = page.locator(selector).first if selector else None
            if target is not None:
                await target.wait_for(state="visible")
            if ready_js:
                await page.wait_for_function(ready_js)
            await page.evaluate(_SETTLE_JS)
            return await _capture(page, target, fmt, width, height, svg_js)
        except Error as exc:
            if not PAGES.alive(browser):
                raise  # the pool says the browser died
            raise ExportError(f"page export failed in the browser: {str(exc).splitlines()[0]}") from None
        finally:
            await quiet(context.close())

    return POOL.run(PAGES, job, float(timeout), "page export")


async def _capture(page, target, fmt: str, width, height, svg_js) -> bytes:
    if fmt == "png":
        return await (target or page).screenshot(type="png", animations="disabled")
    if fmt == "svg":
        svg = await page.evaluate(f"() => {{ {svg_js} }}") if svg_js else \
            await (target or page.locator("body")).evaluate(_FIND_SVG)
        if not svg:
            raise ExportError("this page draws its plot on a canvas, not in SVG, so it cannot be saved as SVG; "
                              "use backend='matplotlib' or backend='plotly' (or bokeh with output_backend='svg')")
        return stable_svg_ids(svg).encode("utf-8")
    box = await target.bounding_box() if target is not None else {"x": 0, "y": 0, "width": width or 1280, "height": height or 960}
    w, h = math.ceil(box["width"]), math.ceil(box["height"])
    await page.emulate_media(media="screen")
    await page.add_style_tag(content=f"@page {{ size: {w}px {h}px; margin: 0; }} html {{ overflow: hidden; }}"
                                     f" body {{ transform: translate({-box['x']}px, {-box['y']}px); }}")
    return fixed_pdf_dates(await page.pdf(width=f"{w}px", height=f"{h}px", print_background=True, page_ranges="1",
                                          margin={"top": "0", "right": "0", "bottom": "0", "left": "0"}))
