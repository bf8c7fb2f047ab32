"""First paint, renderer memory and slider step latency of one HTML file in headless Chromium.

Each measurement launches its own Debian Chromium (never a downloaded browser), so the page is cold
and the only renderer is the page's own: its peak resident memory (``VmHWM``) is read from
``/proc/<pid>/status`` with the pid from CDP ``SystemInfo.getProcessInfo``, and its JavaScript heap
from CDP ``Performance.getMetrics`` (``JSHeapUsedSize``). First paint is the page's own clock
(``performance.now()``, zero at navigation start) when ``probe.js``, polling from the document's start,
first finds the expected number of heatmaps actually drawn — a page that never draws them is a failure,
never a fast result. "Library drawn" is the same for the plotting library's own plot: a vizkit page
that paints its cells as pictures before the library is evaluated (``data-vizkit-prepaint``) has a
first paint before it; for any other page the two are the same moment.
Requests leaving the file are aborted and counted (a standalone file needs none).
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import threading
from dataclasses import dataclass, field
from pathlib import Path

from tests.browser.harness import CHROMIUM, CHROMIUM_ARGS

PROBE = (Path(__file__).parent / "probe.js").read_text()
VIEWPORT = {"width": 1400, "height": 1000}


@dataclass
class PaintResult:
    """What the browser saw; ``status`` is ``"ok"``, ``"timeout"`` or ``"error"`` (then ``detail`` says why)."""

    status: str
    paint_s: float | None = None
    library_s: float | None = None
    drawn: int = 0
    surfaces: int = 0
    js_heap_mb: float | None = None
    renderer_peak_mb: float | None = None
    slider_ms: float | None = None
    detail: str = ""
    network_requests: list[str] = field(default_factory=list)


def _renderer_pids(browser) -> list[int]:
    """The pids of the browser's renderer processes (CDP ``SystemInfo.getProcessInfo``)."""
    session = browser.new_browser_cdp_session()
    try:
        info = session.send("SystemInfo.getProcessInfo")
    finally:
        session.detach()
    return [int(p["id"]) for p in info.get("processInfo", []) if p.get("type") == "renderer"]


def _kill(pids: list[int]) -> None:
    """End renderers stuck in a long task (else closing the browser waits for them)."""
    for pid in pids:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)


def _renderer_peak_mb(browser) -> float | None:
    """The largest peak RSS (``VmHWM``) among the browser's renderer processes, in MB."""
    peaks = []
    for pid in _renderer_pids(browser):
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        match = re.search(r"^VmHWM:\s+(\d+) kB", status, re.M)
        if match:
            peaks.append(int(match.group(1)) / 1024)
    return max(peaks) if peaks else None


def _js_heap_mb(page) -> float | None:
    session = page.context.new_cdp_session(page)
    try:
        session.send("Performance.enable")
        metrics = {m["name"]: m["value"] for m in session.send("Performance.getMetrics")["metrics"]}
    finally:
        session.detach()
    used = metrics.get("JSHeapUsedSize")
    return used / 1e6 if used is not None else None


def measure(path: Path, expected: int, *, timeout_s: float, slider: str | None = None) -> PaintResult:
    """Open ``path`` in a fresh headless Chromium and measure it (see the module docstring).

    Parameters
    ----------
    path : Path
        The standalone HTML file.
    expected : int
        Heatmaps that must be drawn for the first paint to count (the panels of the first view).
    timeout_s : float
        Give up after this long (navigation start to drawn), reporting ``"timeout"``.
    slider : {"plotly", "bokeh", "plotly-heads", "bokeh-heads"}, optional
        Also time one slider step (to the second frame; the heads view's next head) until its heatmaps are drawn.
    """
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                     args=[*CHROMIUM_ARGS, "--enable-precise-memory-info"])
        try:
            page = browser.new_context(viewport=VIEWPORT).new_page()
            requests: list[str] = []
            page.route(re.compile(r"^(https?|wss?)://"), lambda route: (requests.append(route.request.url), route.abort()))
            page.add_init_script(PROBE + f"\nwindow.__vkbench.start({int(expected)});")
            timeout_ms = timeout_s * 1000
            try:
                page.goto(path.resolve().as_uri(), wait_until="commit", timeout=timeout_ms)
                handle = page.wait_for_function(
                    "() => (window.__vkbench && window.__vkbench._r) || false", timeout=timeout_ms, polling=100)
                seen = handle.json_value()
            except PlaywrightError as exc:
                if "Timeout" not in str(exc):
                    return PaintResult("error", detail=str(exc).splitlines()[0], network_requests=requests)
                _kill(_renderer_pids(browser))
                return PaintResult("timeout", detail=f"timed out after {timeout_s:.0f} s", network_requests=requests)
            result = PaintResult("ok", paint_s=seen["t"] / 1000, library_s=seen["tLibrary"] / 1000, drawn=seen["drawn"],
                                 surfaces=seen["surfaces"],
                                 network_requests=requests)
            if slider:
                # a renderer stuck in a long task never answers evaluate(): a watchdog ends it at the timeout
                watchdog = threading.Timer(timeout_s + 5, _kill, args=(_renderer_pids(browser),))
                watchdog.start()
                try:
                    step = page.evaluate("([k, n, t]) => window.__vkbench.sliderLatency(k, n, t)", [slider, expected, timeout_ms])
                except PlaywrightError as exc:
                    killed = not watchdog.is_alive()
                    result.detail = (f"slider: no new frame drawn within {timeout_s:.0f} s" if killed
                                     else f"slider: {str(exc).splitlines()[0]}")
                    return result
                finally:
                    watchdog.cancel()
                if "ms" in step:
                    result.slider_ms = step["ms"]
                else:
                    result.detail = f"slider: {step['error']}"
            result.js_heap_mb = _js_heap_mb(page)
            result.renderer_peak_mb = _renderer_peak_mb(browser)
            return result
        finally:
            browser.close()

