"""vizkit.export.browser: the system Chromium through kaleido (plotly) and Playwright (any page).

Real browsers throughout: a missing or hung browser must give a clear error within the timeout and
leave no process behind; exports must be offline, deterministic and the right size.
"""

from __future__ import annotations

import asyncio
import concurrent.futures as cf
import os
import threading
import time

import numpy as np
import pytest

from tests.export import check_pdf, check_png, check_svg, pixels_near
from vizkit.errors import ExportError, VizkitError
from vizkit.export import browser

pytestmark = pytest.mark.browser


@pytest.fixture
def plotly_fig():
    import plotly.graph_objects as go

    return go.Figure(go.Scatter(x=[0, 1, 2, 3], y=[1, 3, 2, 4], line={"color": "#0072B2", "width": 3}),
                     layout={"title": {"text": "Loss by step"}, "width": 400, "height": 300, "template": "none"})


BOX_HTML = """<!doctype html><html><head><title>box</title></head><body>
<p>some text above the plot</p>
<div id="plot" style="width:300px;height:200px;background:#0072b2;color:#ffffff;font:20px sans-serif">Box figure
  <svg width="120" height="60" style="display:block"><defs><linearGradient id="grad-x9"><stop offset="0" stop-color="#e69f00"/>
  </linearGradient></defs><rect id="r-rand" width="120" height="60" fill="url(#grad-x9)"/><text x="5" y="30">Box figure</text></svg>
</div></body></html>"""


# ---------------------------------------------------------------------------------------------
# finding the browser


def test_chromium_path_prefers_the_env_var_then_debian_chromium(monkeypatch, tmp_path):
    fake = tmp_path / "my-chrome"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    monkeypatch.setenv("VIZKIT_CHROMIUM", str(fake))
    assert browser.chromium_path() == str(fake)
    monkeypatch.delenv("VIZKIT_CHROMIUM")
    assert browser.chromium_path() == "/usr/bin/chromium"


def test_no_browser_anywhere_names_the_fix(monkeypatch):
    monkeypatch.delenv("VIZKIT_CHROMIUM", raising=False)
    monkeypatch.setattr(browser.finder, "DEFAULT_CHROMIUM", "/nonexistent/chromium")
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(ExportError, match=r"apt-get install chromium.*VIZKIT_CHROMIUM"):
        browser.chromium_path()


def test_missing_browser_is_a_clear_error(monkeypatch, plotly_fig):
    monkeypatch.setenv("VIZKIT_CHROMIUM", "/nonexistent/chromium")
    for export in (lambda: browser.plotly_image(plotly_fig, "png", timeout=5),
                   lambda: browser.html_to_image(BOX_HTML, "png", timeout=5)):
        started = time.monotonic()
        with pytest.raises(ExportError, match="VIZKIT_CHROMIUM='/nonexistent/chromium' is not an executable"):
            export()
        assert time.monotonic() - started < 1


def _hanging_browser(tmp_path):
    """A 'browser' that starts, never answers, and has a child: what a wedged Chromium looks like."""
    pids = tmp_path / "pids"
    script = tmp_path / "hung-chromium"
    script.write_text(f"#!/bin/sh\necho $$ >> {pids}\nsleep 600 &\necho $! >> {pids}\nwait\n")
    script.chmod(0o755)
    return script, pids


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"  # a zombie is dead, only not yet reaped
    except FileNotFoundError:
        return False


@pytest.mark.parametrize("which", ["plotly", "page"])
def test_hung_browser_fails_within_the_timeout_and_is_killed(monkeypatch, tmp_path, plotly_fig, which):
    script, pids = _hanging_browser(tmp_path)
    if which == "page":  # Playwright's driver (node) is started once per session, before the 3 s measured here
        browser.html_to_image(BOX_HTML, "png", selector="#plot")
    monkeypatch.setenv("VIZKIT_CHROMIUM", str(script))
    export = (lambda: browser.plotly_image(plotly_fig, "png", timeout=3)) if which == "plotly" else \
        (lambda: browser.html_to_image(BOX_HTML, "png", selector="#plot", timeout=3))
    started = time.monotonic()
    with pytest.raises(ExportError, match=r"did not finish within 3 s.*hung-chromium"):
        export()
    elapsed = time.monotonic() - started
    assert 2.5 < elapsed < 6, f"gave up after {elapsed:.1f} s; expected about 3"
    started_pids = [int(p) for p in pids.read_text().split()]
    assert len(started_pids) == 2  # the script and its child really ran
    deadline = time.monotonic() + 5
    while any(map(_alive, started_pids)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(map(_alive, started_pids)), "the hung browser's processes are still running"
    # The next export, with a working browser, starts a fresh one.
    monkeypatch.delenv("VIZKIT_CHROMIUM")
    data = browser.plotly_image(plotly_fig, "png") if which == "plotly" else browser.html_to_image(BOX_HTML, "png", selector="#plot")
    check_png(data, (400, 300) if which == "plotly" else (300, 200))


@pytest.mark.parametrize("hang", ["while loading", "in ready_js", "in svg_js"])
def test_a_page_that_never_finishes_fails_within_the_timeout(hang):
    html, kwargs, fmt = BOX_HTML, {}, "png"
    if hang == "while loading":
        html = BOX_HTML.replace("</body>", "<script>while (true) {}</script></body>")
    elif hang == "in ready_js":
        kwargs["ready_js"] = "(() => { while (true) {} })()"
    else:
        kwargs["svg_js"], fmt = "while (true) {}", "svg"
    started = time.monotonic()
    with pytest.raises(ExportError, match="did not finish within 2 s"):
        browser.html_to_image(html, fmt, selector="#plot", timeout=2, **kwargs)
    elapsed = time.monotonic() - started
    assert elapsed < 2 + browser._GRACE + 2, f"gave up after {elapsed:.1f} s"
    check_png(browser.html_to_image(BOX_HTML, "png", selector="#plot"), (300, 200))  # and the next export works


def test_a_failed_export_leaves_the_previous_file(monkeypatch, tmp_path):
    import vizkit as vk

    fig = vk.line(np.array([1.0, 2.0, 4.0]), title="Loss")
    target = tmp_path / "fig.png"
    target.write_bytes(b"previous good export")
    monkeypatch.setenv("VIZKIT_CHROMIUM", str(_hanging_browser(tmp_path)[0]))
    with pytest.raises(ExportError, match="did not finish within 2 s"):
        fig.save(target, timeout=2)
    assert target.read_bytes() == b"previous good export"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fig.png", "hung-chromium", "pids"]


# ---------------------------------------------------------------------------------------------
# plotly through kaleido


def test_plotly_png_svg_pdf(plotly_fig):
    with browser.recording_requests() as seen:
        png = browser.plotly_image(plotly_fig, "png", scale=2)
        svg = browser.plotly_image(plotly_fig, "svg", scale=2)
        pdf = browser.plotly_image(plotly_fig, "pdf", scale=2)
    assert seen == []
    check_png(png, (800, 600), colours=("#0072B2",))
    check_svg(svg, (400, 300), "Loss by step")  # vector formats keep the CSS size whatever the scale
    check_pdf(pdf, (400, 300), "Loss by step")
    check_png(browser.plotly_image(plotly_fig, "png", width=500, height=250), (500, 250))


def test_plotly_exports_are_byte_identical_across_calls_and_browser_restarts(plotly_fig):
    first = {fmt: browser.plotly_image(plotly_fig, fmt) for fmt in ("png", "svg", "pdf")}
    browser.close()
    second = {fmt: browser.plotly_image(plotly_fig, fmt) for fmt in ("png", "svg", "pdf")}
    for fmt in first:
        assert first[fmt] == second[fmt], f"{fmt} differs between two exports"
    assert b"CreationDate (D:20000101000000" in first["pdf"] and b'id="vk' in first["svg"]


def test_plotly_network_requests_are_blocked_and_recorded(plotly_fig):
    """The request log really sees the browser's traffic: a figure that asks for a URL is caught."""
    plotly_fig.update_layout(images=[{"source": "https://example.com/logo.png", "xref": "paper", "yref": "paper",
                                      "x": 0, "y": 1, "sizex": 0.2, "sizey": 0.2}])
    with browser.recording_requests() as seen:
        data = browser.plotly_image(plotly_fig, "png")
    assert seen == ["https://example.com/logo.png"]
    check_png(data, (400, 300))


def test_bad_format_and_plotly_errors_are_export_errors(plotly_fig):
    with pytest.raises(ExportError, match=r"one of \['png', 'svg', 'pdf'\]; got 'gif'"):
        browser.plotly_image(plotly_fig, "gif")
    broken = {"data": [{"type": "scatter", "x": {"bdata": "!!!", "dtype": "f8"}, "y": [1]}], "layout": {}}
    with pytest.raises(ExportError, match="plotly export to PNG failed in the browser: .*Float64Array"):
        browser.plotly_image(broken, "png", timeout=20)
    assert issubclass(ExportError, VizkitError)


def test_exports_from_threads_and_from_a_running_event_loop(plotly_fig):
    """Notebooks run an asyncio loop; the gallery serves from threads. Both must work."""
    browser.close()  # the threads race to start both browsers
    results, errors = [], []

    def worker():
        try:
            results.append(browser.plotly_image(plotly_fig, "svg"))
            results.append(browser.html_to_image(BOX_HTML, "png", selector="#plot"))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == [] and len(results) == 6
    assert len({r for r in results if r.startswith(b"<svg")}) == 1

    async def in_loop():  # a notebook cell: blocking calls made while this thread's event loop runs
        assert asyncio.get_running_loop().is_running()
        return browser.html_to_image(BOX_HTML, "png", selector="#plot"), browser.plotly_image(plotly_fig, "png")

    # A thread of its own: once a test has used the session's `chromium` fixture, Playwright's sync
    # API keeps an event loop running in the main thread, and asyncio.run() refuses to start another.
    with cf.ThreadPoolExecutor(1) as pool:
        page_png, plotly_png = pool.submit(asyncio.run, in_loop()).result(120)
    check_png(page_png, (300, 200))
    check_png(plotly_png, (400, 300))


# ---------------------------------------------------------------------------------------------
# any page through Playwright


def test_page_png_is_the_element_at_scale():
    with browser.recording_requests() as seen:
        rgb = check_png(browser.html_to_image(BOX_HTML, "png", selector="#plot", scale=2), (600, 400))
    assert seen == []
    assert pixels_near(rgb, "#0072b2") > 0.5 * 600 * 400  # the box, not the text above it
    assert pixels_near(rgb, "#e69f00", tol=30) > 1000  # the inline SVG's gradient


def test_page_pdf_is_one_page_the_size_of_the_element():
    pdf = browser.html_to_image(BOX_HTML, "pdf", selector="#plot")
    reader = check_pdf(pdf, (300, 200), "Box figure")
    assert "some text above" not in reader.pages[0].extract_text()
    assert pdf == browser.html_to_image(BOX_HTML, "pdf", selector="#plot")


def test_page_svg_is_the_plot_svg_with_stable_ids():
    svg = browser.html_to_image(BOX_HTML, "svg", selector="#plot")
    root = check_svg(svg, (120, 60), "Box figure")
    ids = [el.get("id") for el in root.iter() if el.get("id")]
    assert len(ids) == 2 and all(i.startswith("vk") for i in ids)
    assert f'fill="url(#{ids[0]})"' in svg.decode()  # the reference follows the renamed gradient
    assert svg == browser.html_to_image(BOX_HTML, "svg", selector="#plot")


def test_page_without_svg_says_which_backend_can():
    canvas = '<canvas id="plot" width="200" height="100"></canvas><script>document.getElementById("plot").getContext("2d").fillRect(0,0,50,50)</script>'
    with pytest.raises(ExportError, match="cannot be saved as SVG; use backend='matplotlib' or backend='plotly'"):
        browser.html_to_image(canvas, "svg", selector="#plot")


def test_page_network_requests_are_blocked_and_recorded():
    html = BOX_HTML.replace("</body>", '<img src="http://example.com/tracker.png"><script src="https://cdn.example.com/x.js">'
                                       '</script><script>new WebSocket("wss://example.com/live")</script></body>')
    with browser.recording_requests() as seen:
        check_png(browser.html_to_image(html, "png", selector="#plot"), (300, 200))
    assert sorted(seen) == ["http://example.com/tracker.png", "https://cdn.example.com/x.js", "wss://example.com/live"]


def test_page_waits_for_ready_js():
    html = BOX_HTML.replace('id="plot" style="', 'id="plot" style="display:none;').replace(
        "</body>", "<script>setTimeout(() => { const p = document.getElementById('plot'); p.style.display = 'block';"
                   " p.style.background = '#d55e00'; window.drawn = true }, 400)</script></body>")
    rgb = check_png(browser.html_to_image(html, "png", selector="#plot", ready_js="window.drawn === true"), (300, 200))
    assert pixels_near(rgb, "#d55e00") > 0.5 * 300 * 200


# Bokeh's own SVG export (what the bokeh backend passes as svg_js when output_backend="svg").
BOKEH_SVG_JS = """
const views = Bokeh.index.roots ?? [...Bokeh.index];
const {ctx} = views[0].export("svg");
return ctx.get_serialized_svg(true);
"""
BOKEH_READY_JS = "window.Bokeh !== undefined && Bokeh.documents.length > 0 && Bokeh.documents[0].is_idle"


@pytest.mark.parametrize("output_backend", ["svg", "canvas"])
def test_a_real_bokeh_page(output_backend):
    from bokeh.embed import file_html
    from bokeh.plotting import figure
    from bokeh.resources import INLINE

    p = figure(width=400, height=300, title="Bokeh loss", output_backend=output_backend, toolbar_location=None)
    p.line([0, 1, 2, 3], [1, 3, 2, 4], line_width=3, color="#0072B2")
    html = file_html(p, INLINE, "Bokeh loss")
    kw = {"selector": ".bk-Figure", "ready_js": BOKEH_READY_JS}
    with browser.recording_requests() as seen:
        png = browser.html_to_image(html, "png", scale=2, **kw)
        pdf = browser.html_to_image(html, "pdf", **kw)
        svg = browser.html_to_image(html, "svg", svg_js=BOKEH_SVG_JS, **kw) if output_backend == "svg" else None
    assert seen == []
    check_png(png, (800, 600), colours=("#0072B2",))
    check_pdf(pdf, (400, 300), "Bokeh loss" if output_backend == "svg" else None)
    if svg is not None:
        check_svg(svg, (400, 300), "Bokeh loss")
        assert svg == browser.html_to_image(html, "svg", svg_js=BOKEH_SVG_JS, **kw)


# ---------------------------------------------------------------------------------------------
# deterministic output helpers


def test_stable_svg_ids_depend_on_content_only():
    a = '<svg><defs><clipPath id="clip3f9a1c"/></defs><g clip-path="url(\'#clip3f9a1c\')"/><use href="#clip3f9a1c"/><a href="#top"/></svg>'
    b = a.replace("3f9a1c", "77be02")
    assert browser.stable_svg_ids(a) == browser.stable_svg_ids(b)
    out = browser.stable_svg_ids(a)
    new = out.split('id="')[1].split('"')[0]
    assert out.count(new) == 3 and "3f9a1c" not in out
    assert 'href="#top"' in out  # a link to an id the SVG does not define is left alone
    assert browser.stable_svg_ids(a.replace("<a", "<b")) != out  # different content, different ids
    assert browser.stable_svg_ids("<svg/>") == "<svg/>"


def test_fixed_pdf_dates_keep_the_file_valid():
    import pypdf

    pdf = browser.html_to_image(BOX_HTML, "pdf", selector="#plot")
    assert b"D:20000101000000+00'00'" in pdf
    wrong = pdf.replace(b"D:20000101000000", b"D:20261231235959")
    assert browser.fixed_pdf_dates(wrong) == pdf
    reader = pypdf.PdfReader(__import__("io").BytesIO(pdf), strict=True)
    assert reader.metadata["/CreationDate"] == "D:20000101000000+00'00'"
    assert reader.metadata["/Title"] == "box"


def test_browser_module_imports_no_browser_library():
    import subprocess
    import sys

    code = "import sys, vizkit.export.browser; print(sorted(m for m in ('kaleido', 'playwright', 'choreographer', 'plotly') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=os.path.dirname(os.path.dirname(os.path.dirname(__file__)))).stdout
    assert out.strip() == "[]"
