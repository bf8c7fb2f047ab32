"""Static export through the system's headless Chromium: kaleido for plotly, Playwright for any page.

Both drive the Chromium that :func:`chromium_path` finds; nothing is ever downloaded. The browsers
run in one daemon thread and are reused across exports (starting one costs 1-3 s, an export a
fraction of a second). Every call has a deadline: a missing browser, one that never answers or a
page that never finishes drawing raises :class:`~vizkit.errors.ExportError` within ``timeout``
seconds and the browser process is killed. Exports are offline: both browsers block every
``http(s)`` request, and record it (:func:`recording_requests`) so tests can prove there were none.

Sizes: ``width``/``height`` are CSS pixels. A PNG is ``width*scale`` by ``height*scale`` pixels;
SVG and PDF are vector (``scale`` does not apply) and a PDF page is ``width`` by ``height`` CSS
pixels, that is ``0.75`` points per pixel (96 px per inch, as in every browser).
"""

from __future__ import annotations

import atexit
import concurrent.futures as cf
import contextlib
import hashlib
import math
import os
import re
import shutil
import signal
import threading

from ..errors import ExportError

DEFAULT_CHROMIUM = "/usr/bin/chromium"
PT_PER_PX = 0.75
IMAGE_FORMATS = ("png", "svg", "pdf")
# The flags of tests/browser/harness.py: no sandbox (containers), no GPU, no background traffic.
CHROMIUM_ARGS = (
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
)
_GRACE = 2.0  # extra seconds a caller waits if the browsers' thread itself is stuck


def chromium_path() -> str:
    """The Chromium to drive: ``$VIZKIT_CHROMIUM``, else ``/usr/bin/chromium``, else ``chromium`` on PATH."""
    env = os.environ.get("VIZKIT_CHROMIUM")
    if env:
        if os.path.isfile(env) and os.access(env, os.X_OK):
            return env
        raise ExportError(f"VIZKIT_CHROMIUM={env!r} is not an executable file; point it at a Chromium or Chrome "
                          f"executable, or unset it to use {DEFAULT_CHROMIUM}")
    if os.access(DEFAULT_CHROMIUM, os.X_OK):
        return DEFAULT_CHROMIUM
    found = shutil.which("chromium")
    if found:
        return found
    raise ExportError(f"static export (PNG/SVG/PDF) needs Chromium, and none was found at {DEFAULT_CHROMIUM} or as "
                      f"'chromium' on PATH. Install it with `apt-get install chromium` (the README's `make test` "
                      f"does), or set VIZKIT_CHROMIUM to a Chromium/Chrome executable")


def _check_format(fmt: str) -> str:
    fmt = str(fmt).lower()
    if fmt not in IMAGE_FORMATS:
        raise ExportError(f"static export writes one of {list(IMAGE_FORMATS)}; got {fmt!r}")
    return fmt


# ---------------------------------------------------------------------------------------------
# Request log and deterministic output

_REQUESTS: list[str] = []


def _record(url: str) -> None:
    if url.split(":", 1)[0] in ("http", "https", "ws", "wss"):
        _REQUESTS.append(url)


@contextlib.contextmanager
def recording_requests():
    """Collect the network requests (blocked) that export browsers attempt inside the block.

    >>> with recording_requests() as seen:     # doctest: +SKIP
    ...     fig.save("fig.png")
    >>> seen                                   # doctest: +SKIP
    []
    """
    start = len(_REQUESTS)
    seen: list[str] = []
    try:
        yield seen
    finally:
        seen.extend(_REQUESTS[start:])


_SVG_ID = re.compile(r'\bid="([^"]+)"')
_SVG_REF = re.compile(r'(\bid="|url\(\s*[\'"]?#|href="#)([^"\')\s]+)')


def stable_svg_ids(svg: str) -> str:
    """``svg`` with every element id (random in plotly and bokeh output) renamed from its content."""
    ids = {name: i for i, name in enumerate(dict.fromkeys(_SVG_ID.findall(svg)))}
    if not ids:
        return svg
    marked = _SVG_REF.sub(lambda m: m.group(1) + (f"\0{ids[m.group(2)]}\0" if m.group(2) in ids else m.group(2)), svg)
    prefix = "vk" + hashlib.sha1(marked.encode("utf-8")).hexdigest()[:8]
    return re.sub("\0(\\d+)\0", lambda m: f"{prefix}-{m.group(1)}", marked)


_PDF_DATE = re.compile(rb"(/(?:CreationDate|ModDate) ?\(D:)[0-9]{14}([-+Z][0-9']*)?")


def fixed_pdf_dates(pdf: bytes) -> bytes:
    """``pdf`` with its creation and modification dates set to 2000-01-01 UTC.

    The replacement has the same length, so the cross-reference offsets stay valid.
    """
    def fix(m):
        tail = m.group(2) or b""
        zone = b"+00'00'" if len(tail) == 7 else b"Z" if len(tail) == 1 else tail
        return m.group(1) + b"20000101000000" + zone
    return _PDF_DATE.sub(fix, pdf)


def _kill_group(pid: int) -> None:
    """SIGKILL ``pid`` and, when it leads a group of its own (browsers do), everything in that group."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        group = os.getpgid(pid)
        if group != os.getpgrp():
            os.killpg(group, signal.SIGKILL)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.kill(pid, signal.SIGKILL)


def _hung(what: str, timeout: float, path: str) -> ExportError:
    return ExportError(f"{what} did not finish within {timeout:g} s (browser: {path}). Pass a larger timeout=... for "
                       f"a very large figure, or check that the browser starts: `{path} --headless --dump-dom about:blank`")


# ---------------------------------------------------------------------------------------------
# The browsers: kaleido (plotly) and Playwright (any page), driven from one asyncio loop in a daemon
# thread, so callers may be in threads or inside a running event loop (notebooks) alike.


class _Browsers:
    def __init__(self) -> None:
        import asyncio

        self._loop = None
        self._lock = threading.Lock()
        self._starting = {"kaleido": asyncio.Lock(), "chromium": asyncio.Lock()}  # one start at a time
        self._kaleido = self._kaleido_path = None
        self._pw = self._chromium = self._chromium_path = None
        self._marker = f"--vizkit-export={os.getpid()}-{id(self):x}"  # finds Playwright's Chromium in /proc

    def run(self, job, timeout: float, what: str, kill):
        """``job(path)`` (a coroutine function) on the loop; past ``timeout``, ``kill()`` and ExportError."""
        import asyncio

        path = chromium_path()
        with self._lock:
            if self._loop is None:
                self._loop = asyncio.new_event_loop()
                threading.Thread(target=self._loop.run_forever, name="vizkit-export-browsers", daemon=True).start()
        future = asyncio.run_coroutine_threadsafe(self._bounded(job(path), timeout, what, path, kill), self._loop)
        try:
            return future.result(timeout + _GRACE)
        except cf.TimeoutError:  # the loop itself is blocked: never expected, never a hang either
            kill()
            raise _hung(what, timeout, path) from None

    async def _bounded(self, coro, timeout: float, what: str, path: str, kill):
        # Not asyncio.wait_for: on timeout it waits for the cancelled task, which a hung browser never finishes.
        import asyncio

        task = asyncio.ensure_future(coro)
        task.add_done_callback(lambda t: t.cancelled() or t.exception())
        done, _ = await asyncio.wait({task}, timeout=timeout)
        if not done:
            kill()
            task.cancel()
            raise _hung(what, timeout, path)
        return task.result()

    async def kaleido(self, path: str):
        """The Kaleido (its own Chromium, over a pipe) for plotly, started on first use."""
        async with self._starting["kaleido"]:
            k = self._kaleido
            if k is not None and (self._kaleido_path != path or k.subprocess.poll() is not None):
                self.kill_kaleido()
            if self._kaleido is None:
                k = self._kaleido = _new_kaleido(path)
                self._kaleido_path = path
                try:
                    await k.open()
                    await _block_kaleido_network(k)
                except Exception as exc:
                    self.kill_kaleido(k)
                    raise ExportError(f"Chromium ({path}) did not start for plotly export: {exc}") from exc
            return self._kaleido

    async def chromium(self, path: str):
        """Playwright's Chromium for HTML pages, started on first use."""
        from playwright.async_api import Error, async_playwright

        async with self._starting["chromium"]:
            b = self._chromium
            if b is not None and (self._chromium_path != path or not b.is_connected()):
                self.kill_chromium()
            if self._chromium is None:
                self._pw = self._pw or await async_playwright().start()
                try:  # no Playwright timeout: _bounded's deadline kills the whole process group instead
                    self._chromium = await self._pw.chromium.launch(executable_path=path, headless=True, timeout=0,
                                                                    args=[*CHROMIUM_ARGS, self._marker])
                except Error as exc:
                    raise ExportError(f"Chromium ({path}) did not start for page export: {str(exc).splitlines()[0]}. "
                                      f"Check that it runs: `{path} --headless --dump-dom about:blank`") from None
                self._chromium_path = path
            return self._chromium

    def kill_kaleido(self, k=None) -> None:
        """Kill kaleido's Chromium (``k``, default the current one) and its process group."""
        k = k or self._kaleido
        if k is self._kaleido:
            self._kaleido = None
        proc = getattr(k, "subprocess", None)
        if proc is not None and proc.poll() is None:
            _kill_group(proc.pid)
            with contextlib.suppress(Exception):
                proc.wait(5)
        if k is not None:  # let choreographer release its pipes and temporary folder
            self._loop.call_soon_threadsafe(lambda: self._loop.create_task(_quiet(k.close())))

    def kill_chromium(self) -> None:
        """Kill Playwright's Chromium (its whole process group: the command line carries our marker)."""
        self._chromium = None
        marker = self._marker.encode()
        for pid in filter(str.isdigit, os.listdir("/proc") if os.path.isdir("/proc") else ()):
            with contextlib.suppress(OSError), open(f"/proc/{pid}/cmdline", "rb") as fh:
                if marker in fh.read().split(b"\0"):
                    _kill_group(int(pid))

    def close(self) -> None:
        """Stop both browsers (they restart on the next export)."""
        import asyncio

        k, b, pw = self._kaleido, self._chromium, self._pw
        self._kaleido = self._chromium = self._pw = None

        async def stop():
            for closing in (k and k.close(), b and b.close(), pw and pw.stop()):
                if closing is not None:
                    await _quiet(closing)

        if self._loop is not None:
            with contextlib.suppress(Exception):
                asyncio.run_coroutine_threadsafe(stop(), self._loop).result(10)
        proc = getattr(k, "subprocess", None)
        if proc is not None and proc.poll() is None:
            _kill_group(proc.pid)
        self.kill_chromium()


async def _quiet(coro) -> None:
    with contextlib.suppress(BaseException):
        await coro


def _new_kaleido(path: str):
    """A Kaleido on ``path`` that loads plotly.js from plotly.py's own copy and MathJax not at all (no CDN)."""
    import kaleido

    page = kaleido.PageGenerator(plotly=None, mathjax=False)
    page.header = page.header.replace("Kaleido-fier", "vizkit figure")  # the PDF's /Title
    try:
        return kaleido.Kaleido(path=path, n=1, timeout=None, page_generator=page)
    except Exception as exc:  # choreographer's ChromeNotFoundError and friends
        raise ExportError(f"kaleido could not use Chromium at {path}: {exc}") from exc


async def _block_kaleido_network(k) -> None:
    """Block and log every http(s) request of kaleido's tabs (the setting survives the reload after each figure)."""
    async def on_request(event):
        _record(event.get("params", {}).get("request", {}).get("url", ""))

    patterns = [{"urlPattern": p, "block": True} for p in ("http://*", "https://*", "ws://*", "wss://*")]
    for tab in list(k.tabs.values()):
        await tab.send_command("Network.enable")
        reply = await tab.send_command("Network.setBlockedURLs", params={"urlPatterns": patterns})
        if "error" in reply:  # Chromium before urlPatterns (2025)
            await tab.send_command("Network.setBlockedURLs", params={"urls": [p["urlPattern"] for p in patterns]})
        tab.subscribe("Network.requestWillBeSent", on_request)


_BROWSERS = _Browsers()
close = _BROWSERS.close
atexit.register(close)


# ---------------------------------------------------------------------------------------------
# plotly


def plotly_image(native, fmt: str, *, scale: float = 1.0, width: int | None = None, height: int | None = None,
                 timeout: float = 60.0) -> bytes:
    """PNG, SVG or PDF bytes of a ``plotly.graph_objects.Figure``, drawn by kaleido in the system Chromium.

    Parameters
    ----------
    native : plotly.graph_objects.Figure or dict
        The figure (its layout ``width``/``height`` are used unless ``width``/``height`` are given).
    fmt : {"png", "svg", "pdf"}
    scale : float
        Pixel density of PNG output (2 → twice the CSS size in each direction); SVG and PDF are vector.
    timeout : float
        Seconds for everything (starting the browser, drawing); past it ``ExportError`` and the browser is killed.
    """
    fmt = _check_format(fmt)
    opts = {"format": fmt, "scale": float(scale) if fmt == "png" else 1.0}
    opts.update({k: int(v) for k, v in (("width", width), ("height", height)) if v is not None})
    spec = native.to_dict() if hasattr(native, "to_dict") else dict(native)
    # plotly.js names each trace by a random uid (it shows in SVG classes) unless the trace has one.
    spec["data"] = [{**t, "uid": t.get("uid") or f"vk{i}"} for i, t in enumerate(spec.get("data", ()))]

    async def job(path):
        k = await _BROWSERS.kaleido(path)
        try:
            return await k.calc_fig(spec, opts=opts)
        except Exception as exc:  # a javascript error in plotly.js, a closed tab ...
            raise ExportError(f"plotly export to {fmt.upper()} failed in the browser: {exc}") from exc

    data = _BROWSERS.run(job, float(timeout), "plotly export", _BROWSERS.kill_kaleido)
    if fmt == "svg":
        return stable_svg_ids(data.decode("utf-8")).encode("utf-8")
    return fixed_pdf_dates(data) if fmt == "pdf" else data


# ---------------------------------------------------------------------------------------------
# Any HTML page

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
    fmt = _check_format(fmt)
    if not (scale > 0):
        raise ExportError(f"scale must be a positive number; got {scale!r}")

    async def block(route):
        _record(route.request.url)
        await route.abort()

    async def job(path):
        from playwright.async_api import Error

        browser = await _BROWSERS.chromium(path)
        context = await browser.new_context(viewport={"width": int(width or 1280), "height": int(height or 960)},
                                            device_scale_factor=float(scale) if fmt == "png" else max(2.0, float(scale)))
        context.set_default_timeout(0)  # the caller's deadline governs
        try:
            page = await context.new_page()
            await page.route("http*://**/*", block)
            await page.route_web_socket(re.compile(".*"), lambda ws: _record(ws.url))  # never connected
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
            raise ExportError(f"page export failed in the browser: {str(exc).splitlines()[0]}") from None
        finally:
            await _quiet(context.close())

    return _BROWSERS.run(job, float(timeout), "page export", _BROWSERS.kill_chromium)


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
