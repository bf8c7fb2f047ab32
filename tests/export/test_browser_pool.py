"""vizkit.export.browser's pool: one browser per engine for the session, replaced when it dies, closed at exit."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.export import check_png
from tests.export.test_browser_export import BOX_HTML as BOX
from vizkit.errors import ExportError
from vizkit.export import browser
from vizkit.export.browser import kaleido, page, pool

pytestmark = pytest.mark.browser
ROOT = Path(__file__).parent.parent.parent

NEVER_READY = "window.neverSet === true"


@pytest.fixture
def plotly_fig():
    return {"data": [{"type": "scatter", "x": [0, 1, 2], "y": [1, 3, 2]}], "layout": {"width": 300, "height": 200}}


def _marked_pids(marker: str) -> list[int]:
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as fh:
                if marker.encode() in fh.read().split(b"\0"):
                    found.append(int(pid))
        except OSError:
            pass
    return found


def test_one_browser_serves_every_export():
    check_png(browser.html_to_image(BOX, "png", selector="#plot"), (300, 200))
    first = browser.POOL.running(page.PAGES)
    pids = _marked_pids(browser.POOL.marker)
    assert first is not None and pids
    for _ in range(3):
        check_png(browser.html_to_image(BOX, "png", selector="#plot"), (300, 200))
    assert browser.POOL.running(page.PAGES) is first and _marked_pids(browser.POOL.marker) == pids


def test_a_killed_page_browser_is_replaced_by_the_next_export():
    check_png(browser.html_to_image(BOX, "png", selector="#plot"), (300, 200))
    first = browser.POOL.running(page.PAGES)
    pool.kill_marked(browser.POOL.marker)  # as the OOM killer would
    deadline = time.monotonic() + 5
    while first.is_connected() and time.monotonic() < deadline:
        time.sleep(0.05)
    check_png(browser.html_to_image(BOX, "png", selector="#plot"), (300, 200))
    assert browser.POOL.running(page.PAGES) is not first


def test_a_browser_that_dies_during_an_export_is_a_clear_error_and_is_replaced():
    check_png(browser.html_to_image(BOX, "png", selector="#plot"), (300, 200))
    threading.Timer(1.0, pool.kill_marked, args=(browser.POOL.marker,)).start()
    started = time.monotonic()
    with pytest.raises(ExportError, match=r"Chromium \(.*\) exited during page export \(it crashed or was killed\)"):
        browser.html_to_image(BOX, "png", selector="#plot", ready_js=NEVER_READY, timeout=30)
    assert time.monotonic() - started < 10, "the crash was only noticed at the deadline"
    check_png(browser.html_to_image(BOX, "png", selector="#plot"), (300, 200))


def test_a_killed_kaleido_browser_is_replaced_by_the_next_export(plotly_fig):
    check_png(browser.plotly_image(plotly_fig, "png"), (300, 200))
    first = browser.POOL.running(kaleido.KALEIDO)
    pool.kill_group(first.subprocess.pid)
    first.subprocess.wait(5)
    check_png(browser.plotly_image(plotly_fig, "png"), (300, 200))
    assert browser.POOL.running(kaleido.KALEIDO) is not first


def test_browsers_are_closed_when_the_program_exits():
    code = ("from vizkit.export import browser\n"
            "browser.html_to_image('<p id=x>hi</p>', 'png', selector='#x')\n"
            "browser.plotly_image({'data': [], 'layout': {'width': 100, 'height': 100}}, 'png')\n"
            "k = browser.POOL.running(browser.kaleido.KALEIDO).subprocess.pid\n"
            "print(browser.POOL.marker, k, flush=True)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert out.returncode == 0, out.stderr[-2000:]
    marker, kaleido_pid = out.stdout.split()
    deadline = time.monotonic() + 5
    while (_marked_pids(marker) or os.path.exists(f"/proc/{kaleido_pid}")) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _marked_pids(marker) == [], "Playwright's Chromium outlived the program"
    assert not os.path.exists(f"/proc/{kaleido_pid}"), "kaleido's Chromium outlived the program"
