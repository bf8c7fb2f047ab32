"""Any standalone HTML page to PNG, SVG or PDF through Playwright, on the system Chromium of the pool.

One Chromium for the session (started through Playwright on first use); each export gets a fresh
browser context and page, closed afterwards. Every ``http(s)``/``ws(s)`` request is aborted and logged.

A page whose library is the same every time (BokehJS: 1.3 MB of JavaScript, 0.6 s to evaluate of a
1 s export) can be drawn in a **warm page** instead: ``head`` (the library) loaded once per browser
and pixel scale, then for each export the ``body`` is mounted in it, drawn, captured, and taken out
again with the backend's ``reset_js`` (which forgets the library's documents and views). A warm page
is used by one export at a time (a concurrent export gets a fresh page), replaced after
:data:`WARM_USES` exports, and dropped on any error, so a failure never leaks into the next export.
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
        _WARM.clear()
        kill_marked(pool.marker)

    async def close(self, browser) -> None:
        _WARM.clear()
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


#: Exports a warm page draws before it is replaced by a new one (its memory stays bounded).
WARM_USES = 40


class _Warm:
    """A page with a library loaded, kept between exports (see the module docstring)."""

    def __init__(self, context, page) -> None:
        self.context, self.page, self.uses, self.busy = context, page, 0, False


#: (browser id, device scale factor, library page) -> its warm page.
_WARM: dict[tuple, _Warm] = {}

#: Mounts ``body`` in the warm page's ``vizkit-page`` box and runs its scripts in order (scripts set by
#: ``innerHTML`` do not run; a script element made by the DOM runs when it is inserted).
_MOUNT_JS = """([body, title]) => {
  document.title = title;
  const box = document.querySelector('.vizkit-page');
  box.innerHTML = body;
  for (const old of [...box.querySelectorAll('script')]) {
    const s = document.createElement('script');
    for (const a of old.attributes) s.setAttribute(a.name, a.value);
    s.text = old.text;
    old.replaceWith(s);
  }
}"""
_UNMOUNT_JS = """(reset) => {
  try { if (reset) (new Function(reset))(); } finally {
    document.querySelector('.vizkit-page').replaceChildren();
    for (const s of document.querySelectorAll('style[data-vizkit-capture]')) s.remove();
  }
}"""


def close_warm_pages() -> None:
    """Close every warm page now (the next export that can use one warms a new one)."""
    async def job(browser):
        for key, held in list(_WARM.items()):
            if not held.busy:
                del _WARM[key]
                await quiet(held.context.close())

    if POOL.running(PAGES) is not None:
        POOL.run(PAGES, job, 30.0, "closing warm pages")


def html_to_image(html: str, fmt: str, *, width: int | None = None, height: int | None = None, scale: float = 1.0,
                  timeout: float = 60.0, selector: str | None = None, ready_js: str | None = None,
                  svg_js: str | None = None, warm: tuple[str, str, str, str] | None = None) -> bytes:
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
    warm : (library page, body, title, reset_js), optional
        Draw ``body`` in a warm page holding ``library page`` (``html`` without the body), titled ``title``,
        cleaned up by ``reset_js`` afterwards; ``html`` is then not loaded. Same pixels, without evaluating
        the library again (see the module docstring).
    """
    fmt = check_format(fmt)
    if not (scale > 0):
        raise ExportError(f"scale must be a positive number; got {scale!r}")

    async def block(route):
        record(route.request.url)
        await route.abort()

    viewport = {"width": int(width or 1280), "height": int(height or 960)}
    dsf = float(scale) if fmt == "png" else max(2.0, float(scale))

    async def open_page(browser, content: str):
        context = await browser.new_context(viewport=viewport, device_scale_factor=dsf)
        context.set_default_timeout(0)  # the caller's deadline governs
        page = await context.new_page()
        await page.route("http*://**/*", block)
        await page.route_web_socket(re.compile(".*"), lambda ws: record(ws.url))  # never connected
        await page.set_content(content, wait_until="load")
        await page.add_style_tag(content="html, body { margin: 0 !important; padding: 0 !important; }")
        return context, page

    async def draw(page):
        target = page.locator(selector).first if selector else None
        if target is not None:
            await target.wait_for(state="visible")
        if ready_js:
            await page.wait_for_function(ready_js)
        await page.evaluate(_SETTLE_JS)
        return await _capture(page, target, fmt, width, height, svg_js)

    async def fresh(browser):
        context = None
        try:
            context, page = await open_page(browser, html)
            return await draw(page)
        finally:
            if context is not None:
                await quiet(context.close())

    async def warmed(browser):
        library, body, title, reset = warm
        key = (id(browser), dsf, hash(library))
        held = _WARM.get(key)
        if held is not None and (held.context.browser is not browser or held.page.is_closed()):  # an id reused
            _WARM.pop(key, None)
            held = None
        if held is not None and held.busy:  # another export is drawing in it: this one gets a page of its own
            return await fresh(browser)
        if held is None:
            for old in [k for k in _WARM if k[0] != id(browser)]:  # pages of a browser that was replaced
                _WARM.pop(old, None)
            context, page = await open_page(browser, library)
            held = _Warm(context, page)
            if key in _WARM:  # another export warmed one meanwhile: this page draws this export, then goes
                held.uses = WARM_USES - 1
            else:
                _WARM[key] = held
        held.busy, held.uses = True, held.uses + 1
        ok = False
        try:
            await held.page.set_viewport_size(viewport)
            await held.page.evaluate(_MOUNT_JS, [body, title])
            out = await draw(held.page)
            await held.page.evaluate(_UNMOUNT_JS, reset)
            ok = True
            return out
        finally:
            held.busy = False
            if not ok or held.uses >= WARM_USES:
                if _WARM.get(key) is held:
                    del _WARM[key]
                await quiet(held.context.close())

    async def job(browser):
        from playwright.async_api import Error

        try:
            return await (warmed(browser) if warm else fresh(browser))
        except Error as exc:
            if not PAGES.alive(browser):
                raise  # the pool says the browser died
            raise ExportError(f"page export failed in the browser: {str(exc).splitlines()[0]}") from None

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
    await page.evaluate("(css) => { const s = document.createElement('style'); s.dataset.vizkitCapture = '1';"
                        " s.textContent = css; document.head.appendChild(s); }",  # removed again in a warm page
                        f"@page {{ size: {w}px {h}px; margin: 0; }} html {{ overflow: hidden; }}"
                        f" body {{ transform: translate({-box['x']}px, {-box['y']}px); }}")
    return fixed_pdf_dates(await page.pdf(width=f"{w}px", height=f"{h}px", print_background=True, page_ranges="1",
                                          margin={"top": "0", "right": "0", "bottom": "0", "left": "0"}))
