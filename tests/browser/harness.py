"""Open pages in Debian's headless Chromium through Playwright, recording what went wrong.

Every test that claims "the page shows the plot offline" goes through :func:`open_page`: it
counts network requests that leave the file (any ``http(s)://`` request is a failure for a
standalone file), page errors (uncaught exceptions) and console errors, and exposes dialogs
(``alert``) so hostile-token tests can prove nothing executed.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field
from pathlib import Path

CHROMIUM = os.environ.get("VIZKIT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
]


@dataclass
class PageReport:
    page: object
    requests: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    @property
    def network_requests(self) -> list[str]:
        """Requests to anything but the page itself (file://, data:, blob:, about:)."""
        return [u for u in self.requests if u.split(":", 1)[0] in ("http", "https", "ws", "wss")]


@contextlib.contextmanager
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


def attach(page, report: PageReport, *, allow_hosts: tuple[str, ...] = ()) -> None:
    def on_request(req):
        report.requests.append(req.url)

    page.on("request", on_request)
    page.on("requestfailed", lambda req: report.failed.append(req.url))
    page.on("pageerror", lambda exc: report.errors.append(str(exc)))
    page.on("console", lambda msg: report.console_errors.append(msg.text) if msg.type == "error" else None)

    def on_dialog(dialog):
        report.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    if not allow_hosts:
        # A standalone file must not reach out; abort anything that tries so tests stay offline.
        page.route("http*://**/*", lambda route: route.abort())


def open_page(b, url_or_path: str | Path, *, wait_for: str | None = None, timeout: float = 20_000,
              viewport=(1200, 900)) -> PageReport:
    url = str(url_or_path)
    if not url.startswith(("http://", "https://", "file://")):
        url = Path(url).resolve().as_uri()
    context = b.new_context(viewport={"width": viewport[0], "height": viewport[1]})
    page = context.new_page()
    report = PageReport(page=page)
    attach(page, report, allow_hosts=("127.0.0.1",) if url.startswith("http") else ())
    page.goto(url, wait_until="load", timeout=timeout)
    if wait_for:
        page.wait_for_selector(wait_for, timeout=timeout, state="attached")
    page.wait_for_timeout(300)
    return report
