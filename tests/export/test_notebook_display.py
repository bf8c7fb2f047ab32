"""Notebook outputs stand alone: frames fit their figure, plotly outputs draw with others cleared, PNG fallbacks."""

from __future__ import annotations

import base64
import json

import numpy as np
import pytest

import vizkit as vk
from tests.browser.harness import open_page
from vizkit.export import notebook, pages

RNG = np.random.default_rng(16)
HOSTILE = "</script><script>alert('x')</script>"


def _page(tmp_path, outputs, name="notebook.html"):
    """A notebook-like page: each output in a 950 px column (JupyterLab with its sidebar open)."""
    cells = "".join(f'<div class="out">{html}</div>' for html in outputs)
    path = tmp_path / name
    path.write_text(f"<!DOCTYPE html><html><body style='margin:0'><div id='col' style='width:950px'>{cells}</div></body></html>")
    return path


def _frame_and_content(page):
    frame = page.locator("iframe").first
    box = frame.bounding_box()
    inner = page.frames[1].evaluate("() => { const r = document.querySelector('.vizkit-figure').getBoundingClientRect();"
                                    " return [r.width, r.height]; }")
    return box["width"], box["height"], inner


def test_iframe_starts_at_the_figure_size_so_no_script_is_needed():
    fig = vk.imshow(RNG.normal(size=(5, 7)), title="first size")
    html = notebook.mimebundle(fig, "bokeh", png=False)["text/html"]
    width, height = pages.frame_size(700, 450)
    assert f"width: {width}px;" in html and f"height: {height}px;" in html and "max-width: 100%" in html


@pytest.mark.browser
def test_iframe_fits_its_figure_and_shrinks_after_growing(tmp_path, chromium):
    fig = vk.imshow(RNG.normal(size=(5, 7)), title="fits")
    report = open_page(chromium, _page(tmp_path, [notebook.mimebundle(fig, "bokeh", png=False)["text/html"]]))
    page = report.page
    page.frames[1].wait_for_selector(".bk-Canvas", state="attached")
    page.wait_for_timeout(300)
    width, height, (content_w, content_h) = _frame_and_content(page)
    assert abs(height - (content_h + 2 * pages.PAD)) <= 6 and abs(width - (content_w + 2 * pages.PAD)) <= 2
    # What JupyterLab did after a few window resizes: a 700 × 450 figure in a 1156 × 1694 frame.
    page.evaluate("() => { const f = document.querySelector('iframe'); f.style.width = '1156px'; f.style.height = '1694px'; }")
    for w in (700, 1400, 1000):
        page.set_viewport_size({"width": w, "height": 900})
        page.wait_for_timeout(250)
    page.frames[1].evaluate("() => window.dispatchEvent(new Event('resize'))")
    page.wait_for_timeout(300)
    width2, height2, _ = _frame_and_content(page)
    assert abs(height2 - height) <= 1 and abs(width2 - width) <= 1
    assert report.errors == [] and report.network_requests == []


@pytest.mark.browser
def test_a_wide_figure_stays_inside_the_column(tmp_path, chromium):
    fig = vk.imshow(RNG.normal(size=(4, 5, 6)), facet_col=0, title="four heads")
    report = open_page(chromium, _page(tmp_path, [notebook.mimebundle(fig, "holoviews", png=False)["text/html"]]))
    report.page.wait_for_timeout(500)
    assert report.page.locator("iframe").bounding_box()["width"] <= 950


@pytest.mark.browser
def test_plotly_outputs_each_draw_with_the_first_output_cleared(tmp_path, chromium):
    figs = [vk.imshow(RNG.normal(size=(3, 4)), title=f"plot {k}", x=[HOSTILE, "b", "c", "d"]) for k in range(3)]
    outputs = [notebook.mimebundle(f, "plotly")["text/html"] for f in figs]
    assert all(len(o) < 2_600_000 for o in outputs)  # a compressed copy, not 4.8 MB of plotly.js per output
    report = open_page(chromium, _page(tmp_path, outputs[1:]))  # the kernel's first output was cleared
    page = report.page
    page.wait_for_function("() => document.querySelectorAll('.vizkit-figure .main-svg').length >= 2", timeout=20_000)
    titles = page.evaluate("() => Array.from(document.querySelectorAll('.gtitle')).map(e => e.textContent)")
    assert titles == ["plot 1", "plot 2"]
    ticks = page.evaluate("() => Array.from(document.querySelectorAll('.xtick text')).map(e => e.textContent)")
    assert HOSTILE in ticks  # a token is text, never markup
    assert page.evaluate("() => Array.from(document.scripts).filter(s => s.textContent.startsWith('/**') ||"
                         " s.textContent.includes('plotly.js v')).length") == 1  # plotly.js ran once for the page
    assert report.dialogs == [] and report.errors == [] and report.network_requests == []


@pytest.mark.browser
def test_a_single_plotly_output_draws_alone(tmp_path, chromium):
    fig = vk.line(RNG.normal(size=(2, 6)), title="alone")
    report = open_page(chromium, _page(tmp_path, [notebook.mimebundle(fig, "plotly")["text/html"]]))
    report.page.wait_for_selector(".vizkit-figure .main-svg", state="attached", timeout=20_000)
    assert report.errors == [] and report.network_requests == []


def test_plotly_bundle_keeps_the_mime_json():
    fig = vk.imshow(RNG.normal(size=(2, 3)), title="mime")
    bundle = notebook.mimebundle(fig, "plotly")
    assert bundle[notebook.PLOTLY_MIME]["layout"]["title"]["text"] == "mime"
    json.dumps(bundle[notebook.PLOTLY_MIME])
    assert '<script src="http' not in bundle["text/html"]


def test_png_fallback_follows_text_html_and_is_the_figure():
    fig = vk.imshow(RNG.normal(size=(3, 4)), title="fallback")
    bundle = notebook.mimebundle(fig, "bokeh", png=True)
    assert list(bundle)[:2] == ["text/html", "image/png"]  # HTML first, the picture for viewers that run no scripts
    png = base64.b64decode(bundle["image/png"])
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert int.from_bytes(png[16:20], "big") >= 700 and int.from_bytes(png[20:24], "big") >= 450


def test_png_fallback_only_in_a_kernel_and_can_be_turned_off(monkeypatch):
    fig = vk.imshow(RNG.normal(size=(2, 2)))
    assert "image/png" not in notebook.mimebundle(fig, "bokeh")  # no kernel, nothing saves this output
    calls = []
    monkeypatch.setattr(notebook, "_in_kernel", lambda: True)
    monkeypatch.setattr(notebook, "_png", lambda *a: calls.append(a) or "UE5H")
    assert notebook.mimebundle(fig, "bokeh")["image/png"] == "UE5H"
    monkeypatch.setenv("VIZKIT_NOTEBOOK_PNG", "0")
    assert "image/png" not in notebook.mimebundle(fig, "bokeh") and len(calls) == 1
    monkeypatch.setattr(notebook, "PNG_FALLBACK", True)
    assert "image/png" in notebook.mimebundle(fig, "bokeh")


def test_plotlyjs_once_puts_the_copy_in_the_first_output_only(monkeypatch):
    monkeypatch.setattr(notebook, "_SENT", {"plotlyjs": False})
    monkeypatch.setenv("VIZKIT_NOTEBOOK_PLOTLYJS", "once")
    figs = [vk.imshow(RNG.normal(size=(2, 2)), title=f"once {k}") for k in range(2)]
    first, second = (notebook.mimebundle(f, "plotly")["text/html"] for f in figs)
    assert 'application/octet-stream' in first and 'application/octet-stream' not in second and len(second) < 50_000
    monkeypatch.setenv("VIZKIT_NOTEBOOK_PLOTLYJS", "eager")
    with pytest.raises(vk.VizkitError, match="'each' or 'once'; got 'eager'"):
        notebook.mimebundle(figs[0], "plotly")


def test_iframe_outputs_carry_the_page_compressed():
    from vizkit.backends import resolve
    from vizkit.export import page

    fig = vk.imshow(RNG.normal(size=(3, 4)), title="light")
    html = notebook.mimebundle(fig, "bokeh", png=False)["text/html"]
    full = page(resolve(fig, "bokeh"), fig)
    assert len(html) < 0.5 * len(full)  # BokehJS inline once, gzip-compressed
