"""The gallery server is safe by default and steady under many tabs (issue 13), and quiet when tabs close (issue 16).

A real ``python -m vizkit gallery`` serves the small fixture examples (no model to load, so the
numbers measure the server, not torch). Plain HTTP and websocket requests check the Host and
Origin checks; headless Chromium opens pages for the rest.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from .conftest import GalleryServer

FIXTURES = Path(__file__).resolve().parent / "fixtures"
DRAWN = ".vk-figure .js-plotly-plot .main-svg"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    srv = GalleryServer(FIXTURES, tmp_path_factory.mktemp("vizkit-cache"))
    yield srv
    srv.stop()


def _status(url: str, host: str, origin: str | None = None, path: str = "/") -> int:
    headers = {"Host": host}
    if origin:
        headers["Origin"] = origin
    request = urllib.request.Request(url.rstrip("/") + path, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_foreign_host_header_is_refused(server):
    port = server.host.split(":")[1]
    # The DNS-rebinding opening: a page on evil.example whose name now resolves to 127.0.0.1.
    for host in ("evil.example", f"evil.example:{port}", f"127.0.0.1.evil.example:{port}", f"127.0.0.1:{int(port) + 1}"):
        assert _status(server.url, host) == 403, host
        assert _status(server.url, host, path="/static/extensions/panel/panel.min.js") == 403, host
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"LOCALHOST:{port}"):
        assert _status(server.url, host) == 200, host


def test_websocket_from_another_origin_is_refused(server):
    import asyncio

    from tornado.httpclient import HTTPClientError, HTTPRequest
    from tornado.websocket import websocket_connect

    port = server.host.split(":")[1]

    async def handshake(origin: str, host: str) -> int:
        request = HTTPRequest(f"ws://127.0.0.1:{port}/ws", headers={"Origin": origin, "Host": host})
        try:
            conn = await websocket_connect(request)
        except HTTPClientError as exc:
            return exc.code
        conn.close()
        return 101

    def run(coro) -> int:  # in a thread of its own: a Playwright test may have left an event loop running in this one
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(1) as pool:
            return pool.submit(asyncio.run, coro).result(timeout=60)

    assert run(handshake("http://evil.example", server.host)) == 403  # Bokeh's origin check
    assert run(handshake(f"http://{server.host}", f"evil.example:{port}")) == 403  # the Host check


# ---------------------------------------------------------------------------------------------
# Browser tests

#: Ten tabs opened at once must each show a drawn figure within this many seconds. The
#: machine the suite runs on is shared (two cores, often a load of 20 or more): the bound is
#: what a user would still call responsive there; an idle machine draws all ten in a few seconds.
TEN_SESSIONS_S = 150
#: Memory the server may keep after ten tabs closed, over what it held after one tab closed (MB).
RSS_TOLERANCE_MB = 60


CLOSED = "vizkit gallery: a session closed"


def _wait_closed_sessions(srv, closed_before: int, n: int, timeout: float = 90.0) -> None:
    """Wait until ``n`` more sessions than ``closed_before`` were destroyed (the server checks every
    ``SESSION_CHECK_MS``, and says so once a closed tab's memory is handed back)."""
    deadline = time.monotonic() + timeout
    while _closed(srv) < closed_before + n:
        assert time.monotonic() < deadline, f"{n} closed tab(s) were not destroyed within {timeout:.0f} s:\n{srv.log()[-3000:]}"
        time.sleep(0.2)


def _closed(srv) -> int:
    return sum(CLOSED in line for line in list(srv.lines))


@pytest.mark.browser
@pytest.mark.slow
def test_ten_concurrent_sessions_draw_and_give_memory_back(chromium, tmp_path):
    srv = GalleryServer(FIXTURES, tmp_path / "cache")
    try:
        warm = chromium.new_context()
        page = warm.new_page()
        page.goto(srv.url)
        page.locator(DRAWN).first.wait_for(timeout=120_000)  # first session: imports, first build, thumbnails
        page.wait_for_timeout(3000)
        warm.close()
        _wait_closed_sessions(srv, 0, 1)
        baseline = srv.rss_mb()

        contexts = [chromium.new_context() for _ in range(10)]
        pages = [c.new_page() for c in contexts]
        started = time.monotonic()
        for p in pages:
            p.goto(srv.url, wait_until="commit")
        drawn_at = []
        for p in pages:
            p.locator(DRAWN).first.wait_for(timeout=TEN_SESSIONS_S * 1000)
            drawn_at.append(round(time.monotonic() - started, 1))
        peak = srv.rss_mb()
        print(f"\nten sessions drawn at {drawn_at} s; RSS {baseline:.0f} MB → {peak:.0f} MB", flush=True)
        assert max(drawn_at) < TEN_SESSIONS_S, drawn_at
        closed = _closed(srv)
        for c in contexts:
            c.close()
        _wait_closed_sessions(srv, closed, 10)
        after = srv.rss_mb()
        print(f"after the ten closed: {after:.0f} MB", flush=True)
        assert after <= baseline + RSS_TOLERANCE_MB, f"RSS {baseline:.0f} MB → {peak:.0f} MB with ten tabs → {after:.0f} MB after closing"
        assert "Traceback" not in srv.log(), srv.log()
    finally:
        srv.stop()


@pytest.mark.browser
def test_closing_a_tab_leaves_the_log_clean(chromium, server):
    before, closed = len(server.lines), _closed(server)
    context = chromium.new_context()
    page = context.new_page()
    page.goto(server.url)
    page.locator(DRAWN).first.wait_for(timeout=120_000)
    page.get_by_role("button", name="Bokeh", exact=True).click()  # keep the server sending while the tab goes
    context.close()
    _wait_closed_sessions(server, closed, 1, timeout=60)  # checked every 17 s, dropped once unused for 15 s
    time.sleep(2)  # anything the closed socket would still log
    log = "".join(server.lines[before:])
    assert "WebSocketClosedError" not in log and "Traceback" not in log and "Error" not in log, log


def test_only_the_closed_socket_error_is_kept_out_of_the_log():
    import logging

    from tornado.iostream import StreamClosedError
    from tornado.websocket import WebSocketClosedError

    from vizkit_gallery.server import _BenignClosedSocket

    def record(exc, msg="Task exception was never retrieved"):
        try:
            raise exc
        except Exception as raised:
            import sys

            return logging.LogRecord("asyncio", logging.ERROR, __file__, 1, msg, None, sys.exc_info() if raised else None)

    keep = _BenignClosedSocket().filter
    assert not keep(record(WebSocketClosedError()))  # how asyncio/tornado report a send to a closed tab
    try:
        try:
            raise StreamClosedError()
        except StreamClosedError as inner:
            raise WebSocketClosedError() from inner
    except WebSocketClosedError:
        import sys

        chained = logging.LogRecord("tornado.application", logging.ERROR, __file__, 1, "Exception in callback", None, sys.exc_info())
    assert not keep(chained)
    closed = logging.LogRecord("bokeh.server.views.ws", logging.WARNING, __file__, 1,
                               "Failed sending message as connection was closed", None, None)
    assert not keep(closed)  # Bokeh's one-line version of the same
    assert keep(record(RuntimeError("a real bug")))  # every other error is still logged
    assert keep(logging.LogRecord("bokeh", logging.WARNING, __file__, 1, "something else", None, None))
