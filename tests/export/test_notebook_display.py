"""Notebook outputs stand alone and stay light: frames fit their figure, plotly outputs draw with others cleared,
static pictures for viewers that run no scripts, figures fit the output column, notebook options."""

from __future__ import annotations

import base64
import json
import re

import numpy as np
import pytest

import vizkit as vk
from tests.browser.harness import open_page
from vizkit.export import notebook, pages

RNG = np.random.default_rng(16)
HOSTILE = "</script><script>alert('x')</script>"


def _page(tmp_path, outputs, name="notebook.html", column=950):
    """A notebook-like page: each output in a ``column`` px column (950: JupyterLab with its sidebar open), in a flex
    row as JupyterLab lays an output out (its automatic minimum width grows with a wide child)."""
    cells = "".join('<div class="out" style="display: flex; flex-direction: column;"><div style="display: flex;"><div>'
                    '<div style="display: table; table-layout: fixed; width: 100%; overflow: hidden;">'
                    f'<div style="display: table-cell; width: 100%; overflow: auto;">{html}</div></div></div></div></div>'
                    for html in outputs)
    path = tmp_path / name
    path.write_text(f"<!DOCTYPE html><html><body style='margin:0'><div id='col' style='width:{column}px'>{cells}</div></body></html>")
    return path


def _frame_and_content(page):
    frame = page.locator("iframe").first
    box = frame.bounding_box()
    inner = page.frames[1].evaluate("() => { const r = document.querySelector('.vizkit-figure').getBoundingClientRect();"
                                    " return [r.width, r.height]; }")
    return box["width"], box["height"], inner


@pytest.fixture
def fresh_options():
    yield
    for name in vk._config.OPTIONS:
        vk.set_option(name, None)


# ---------------------------------------------------------------------------------------------
# Options


def test_notebook_options_default_from_the_environment_and_can_be_set(monkeypatch, fresh_options):
    monkeypatch.delenv("VIZKIT_NOTEBOOK_PNG", raising=False)
    monkeypatch.delenv("VIZKIT_NOTEBOOK_PLOTLYJS", raising=False)
    assert vk.get_option("notebook.png_fallback") is True and vk.get_option("notebook.plotlyjs") == "each"
    monkeypatch.setenv("VIZKIT_NOTEBOOK_PNG", "off")
    monkeypatch.setenv("VIZKIT_NOTEBOOK_PLOTLYJS", "once")
    assert vk.get_option("notebook.png_fallback") is False and vk.get_option("notebook.plotlyjs") == "once"
    vk.set_option("notebook.png_fallback", True)
    vk.set_option("notebook.plotlyjs", "EACH")
    assert vk.get_option("notebook.png_fallback") is True and vk.get_option("notebook.plotlyjs") == "each"
    assert notebook.png_fallback_enabled() is True
    vk.set_option("notebook.png_fallback", None)  # back to the environment
    assert vk.get_option("notebook.png_fallback") is False


def test_bad_options_say_what_was_expected(monkeypatch, fresh_options):
    with pytest.raises(vk.VizkitError, match=r"unknown option 'notebook.png'; options are \['notebook.plotlyjs'"):
        vk.set_option("notebook.png", False)
    with pytest.raises(vk.VizkitError, match="takes True or False .* got 'maybe'"):
        vk.set_option("notebook.png_fallback", "maybe")
    monkeypatch.setenv("VIZKIT_NOTEBOOK_PLOTLYJS", "eager")
    with pytest.raises(vk.VizkitError, match="'each' .* or 'once' .*; got 'eager'"):
        notebook.mimebundle(vk.imshow(RNG.normal(size=(2, 2))), "plotly")


def test_import_vizkit_stays_light():
    import subprocess
    import sys

    code = ("import sys, vizkit as vk; vk.set_option('notebook.plotlyjs', 'once'); assert vk.get_option('notebook.plotlyjs') == 'once';"
            " print(sorted(m for m in ('plotly', 'bokeh', 'numpy', 'IPython', 'torch') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]"


# ---------------------------------------------------------------------------------------------
# iframe outputs (bokeh, HoloViews, CircuitsVis)


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
@pytest.mark.parametrize("backend", ["bokeh", "holoviews"])
def test_a_wide_figure_zooms_to_the_column_and_back(tmp_path, chromium, backend):
    """A 4-panel grid planned wider than a 700 px column is zoomed to fit it whole (colour bar included), aspect kept,
    and drawn at its planned size again once the column is wide enough."""
    fig = vk.imshow(RNG.normal(size=(4, 5, 6)), facet_col=0, title="four heads", width=1000, height=400)
    report = open_page(chromium, _page(tmp_path, [notebook.mimebundle(fig, backend, png=False)["text/html"]], column=700))
    page = report.page
    page.frames[1].wait_for_selector(".bk-Canvas", state="attached")
    page.wait_for_timeout(800)
    frame = page.locator("iframe").bounding_box()
    inner = page.frames[1].evaluate("() => { const r = document.querySelector('.vizkit-page').getBoundingClientRect();"
                                    " return [r.right, r.width, r.height, document.querySelector('.vizkit-page').style.zoom]; }")
    assert frame["x"] + frame["width"] <= 700 and inner[0] <= frame["width"]  # nothing past the column
    zoom = float(inner[3])
    assert 0.6 < zoom < 0.72  # (700 - 16) / 1000-odd
    assert abs(inner[1] / inner[2] - 1000 / 400) < 0.12  # the figure's aspect, not squeezed
    assert abs(frame["height"] - (inner[2] + 2 * pages.PAD)) <= 6  # the frame fits the zoomed figure
    page.evaluate("() => { document.getElementById('col').style.width = '1300px'; }")
    page.wait_for_timeout(800)
    assert page.frames[1].evaluate("() => document.querySelector('.vizkit-page').style.zoom") == ""
    assert page.locator("iframe").bounding_box()["width"] >= 1000
    page.evaluate("() => { document.getElementById('col').style.width = '700px'; }")  # and back: no width kept from before
    page.wait_for_timeout(800)
    back = page.locator("iframe").bounding_box()
    assert back["x"] + back["width"] <= 700 and abs(back["height"] - frame["height"]) <= 2
    assert report.errors == [] and report.network_requests == []


def test_png_fallback_follows_text_html_and_is_the_figure():
    fig = vk.imshow(RNG.normal(size=(3, 4)), title="fallback")
    bundle = notebook.mimebundle(fig, "bokeh", png=True)
    assert list(bundle)[:2] == ["text/html", "image/png"]  # HTML first, the picture for viewers that run no scripts
    png = base64.b64decode(bundle["image/png"])
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert int.from_bytes(png[16:20], "big") >= 700 and int.from_bytes(png[20:24], "big") >= 450
    # the same picture inside the HTML, for an untrusted notebook (JupyterLab's sanitizer keeps <img>, drops <iframe>)
    img = re.search(r'<img class="vizkit-static" src="data:image/png;base64,([^"]+)"', bundle["text/html"])
    assert img and img.group(1) == bundle["image/png"]


@pytest.mark.browser
def test_where_scripts_run_the_live_figure_replaces_the_picture(tmp_path, chromium):
    fig = vk.imshow(RNG.normal(size=(3, 4)), title="live")
    html = notebook.mimebundle(fig, "bokeh", png=True)["text/html"]
    report = open_page(chromium, _page(tmp_path, [html]))
    page = report.page
    page.frames[1].wait_for_selector(".bk-Canvas", state="attached")
    assert page.locator("img.vizkit-static").count() == 0 and page.locator("iframe").is_visible()
    # Without scripts (what an untrusted notebook shows after sanitizing): the picture, at most the column wide.
    sanitized = re.sub(r"<script>.*?</script>", "", re.sub(r"<iframe .*?</iframe>", "", html, flags=re.S), flags=re.S)
    report2 = open_page(chromium, _page(tmp_path, [sanitized], name="untrusted.html", column=500))
    img = report2.page.locator("img.vizkit-static")
    report2.page.wait_for_function("() => document.querySelector('img.vizkit-static').complete")
    box = img.bounding_box()
    assert img.evaluate("i => i.naturalWidth") >= 700 and box["width"] <= 500 and box["height"] > 200


def test_png_fallback_only_in_a_kernel_and_can_be_turned_off(monkeypatch, fresh_options):
    monkeypatch.delenv("VIZKIT_NOTEBOOK_PNG", raising=False)
    fig = vk.imshow(RNG.normal(size=(2, 2)))
    assert "image/png" not in notebook.mimebundle(fig, "bokeh")  # no kernel, nothing saves this output
    calls = []
    monkeypatch.setattr(notebook, "_in_kernel", lambda: True)
    monkeypatch.setattr(notebook, "_png", lambda *a: calls.append(a) or "UE5H")
    bundle = notebook.mimebundle(fig, "bokeh")
    assert bundle["image/png"] == "UE5H" and "base64,UE5H" in bundle["text/html"]
    monkeypatch.setenv("VIZKIT_NOTEBOOK_PNG", "0")
    bundle = notebook.mimebundle(fig, "bokeh")
    assert "image/png" not in bundle and 'class="vizkit-static"' not in bundle["text/html"] and len(calls) == 1
    vk.set_option("notebook.png_fallback", True)
    assert "image/png" in notebook.mimebundle(fig, "bokeh")


def test_iframe_outputs_carry_the_page_compressed():
    from vizkit.backends import resolve
    from vizkit.export import page

    fig = vk.imshow(RNG.normal(size=(3, 4)), title="light")
    html = notebook.mimebundle(fig, "bokeh", png=False)["text/html"]
    full = page(resolve(fig, "bokeh"), fig)
    assert len(html) < 0.5 * len(full)  # BokehJS inline once, gzip-compressed


# ---------------------------------------------------------------------------------------------
# plotly outputs


def test_plotly_outputs_carry_the_cartesian_bundle_when_it_draws_the_figure():
    from plotly.offline import get_plotlyjs_version

    # the shipped bundle is the plotly.js plotly.py draws with: refresh _assets when plotly is upgraded
    # (bash scripts/build-plotly-bundle.sh)
    assert notebook.CARTESIAN_VERSION == get_plotlyjs_version()
    source = __import__("gzip").decompress((notebook._ASSETS / "plotly-cartesian.min.js.gz").read_bytes())
    assert f"plotly.js (cartesian - minified) v{get_plotlyjs_version()}".encode() in source[:200]
    figs = [vk.imshow(RNG.normal(size=(3, 4))), vk.line(RNG.normal(size=6)), vk.bar(RNG.normal(size=4), x=list("abcd")),
            vk.hist(RNG.normal(size=50)), vk.scatter(RNG.normal(size=5), RNG.normal(size=5))]
    for fig in figs:
        html = notebook.mimebundle(fig, "plotly")["text/html"]
        assert 'data-bundle="cartesian"' in html and len(html) < 700_000, (fig.kind, len(html))
    assert notebook.plotlyjs_bundle({"data": [{"type": "scatter3d"}, {"type": "heatmap"}]}) == "full"
    assert notebook.plotlyjs_bundle({"data": [{"x": [1]}]}) == "cartesian"  # plotly's default trace type is scatter


def test_compact_keeps_every_value_exact():
    def f8(values):
        return {"dtype": "f8", "bdata": base64.b64encode(np.asarray(values, dtype="<f8").tobytes()).decode()}

    def back(d):
        return np.frombuffer(base64.b64decode(d["bdata"]), dtype=np.dtype(d["dtype"]).newbyteorder("<")).tolist()

    attention = np.random.default_rng(0).random(50).astype(np.float32)
    spec = {"data": [{"x": f8(range(2000)), "y": f8([0.1, 0.25, 3.0]), "z": f8([-5, 7, 1e9]), "w": f8([1, 300]),
                      "v": f8([0.5, np.inf, np.nan]), "a": f8(attention), "big": f8([1e300, 0.5]), "s": ["a", "b"]}],
            "layout": {"width": 700}}
    out = notebook.compact(spec)["data"][0]
    assert out["x"]["dtype"] == "u2" and back(out["x"]) == list(range(2000))
    assert out["y"]["dtype"] == "f8" and back(out["y"]) == [0.1, 0.25, 3.0]  # 0.1 is not a float32: stays float64
    assert out["z"]["dtype"] == "i4" and back(out["z"]) == [-5, 7, 1e9]
    assert out["a"]["dtype"] == "f4" and back(out["a"]) == attention.astype(np.float64).tolist()
    assert out["v"]["dtype"] == "f4" and back(out["v"])[:2] == [0.5, np.inf] and np.isnan(back(out["v"])[2])
    assert out["big"]["dtype"] == "f8" and back(out["big"]) == [1e300, 0.5]  # past float32's range
    assert out["w"]["dtype"] == "u2" and out["s"] == ["a", "b"]


def test_plotly_mime_fills_the_column_only_for_wide_figures():
    small = notebook.mimebundle(vk.imshow(RNG.normal(size=(3, 4))), "plotly")[notebook.PLOTLY_MIME]
    wide = notebook.mimebundle(vk.imshow(RNG.normal(size=(4, 5, 6)), facet_col=0, width=1000), "plotly")[notebook.PLOTLY_MIME]
    assert small["layout"]["width"] == 700
    assert "width" not in wide["layout"] and wide["layout"]["autosize"] is True
    json.dumps(wide)


@pytest.mark.browser
def test_plotly_outputs_each_draw_with_the_first_output_cleared(tmp_path, chromium):
    figs = [vk.imshow(RNG.normal(size=(3, 4)), title=f"plot {k}", x=[HOSTILE, "b", "c", "d"]) for k in range(3)]
    outputs = [notebook.mimebundle(f, "plotly")["text/html"] for f in figs]
    assert all(len(o) < 700_000 for o in outputs)  # plotly's compressed cartesian bundle, not 4.8 MB of plotly.js per output
    report = open_page(chromium, _page(tmp_path, outputs[1:]))  # the kernel's first output was cleared
    page = report.page
    page.wait_for_function("() => document.querySelectorAll('.vizkit-figure .main-svg').length >= 2", timeout=20_000)
    titles = page.evaluate("() => Array.from(document.querySelectorAll('.gtitle')).map(e => e.textContent)")
    assert titles == ["plot 1", "plot 2"]
    ticks = page.evaluate("() => Array.from(document.querySelectorAll('.xtick text')).map(e => e.textContent)")
    assert HOSTILE in ticks  # a token is text, never markup
    assert page.evaluate("() => Array.from(document.scripts).filter(s => s.textContent.includes('Copyright 2012-')).length") == 1
    assert page.evaluate("() => [Object.keys(window.__vizkitPlotlyLoads), typeof window.Plotly]") == [["cartesian"], "undefined"]
    assert report.dialogs == [] and report.errors == [] and report.network_requests == []


@pytest.mark.browser
def test_plotly_output_data_and_width_in_narrow_and_wide_columns(tmp_path, chromium):
    """The compacted data draws as it was (read back from the plot); the figure fits a 500 px column and is never wider
    than planned in a 1400 px one."""
    y = RNG.normal(size=300)
    fig = vk.line(y, title="steps")
    html = notebook.mimebundle(fig, "plotly")["text/html"]
    widths = {}
    for column in (500, 1400):
        report = open_page(chromium, _page(tmp_path, [html], name=f"p{column}.html", column=column))
        page = report.page
        page.wait_for_selector(".vizkit-figure .main-svg", state="attached", timeout=20_000)
        page.wait_for_timeout(300)
        widths[column] = page.evaluate("() => document.querySelector('.vizkit-figure .main-svg').getBoundingClientRect().width")
        xs, ys = page.evaluate("() => { const t = document.querySelector('.vizkit-figure')._fullData[0];"
                               " return [Array.from(t.x), Array.from(t.y)]; }")
        assert xs == list(range(300)) and np.allclose(ys, y, rtol=0, atol=1e-12)
        assert report.errors == [] and report.network_requests == []
    assert widths[500] <= 500 and widths[1400] == 700


@pytest.mark.browser
def test_a_figure_the_cartesian_bundle_cannot_draw_loads_the_full_library(tmp_path, chromium):
    spec = {"data": [{"type": "scatter3d", "x": [1, 2], "y": [3, 4], "z": [5, 6]}], "layout": {"width": 500, "height": 400}}
    html = notebook.plotly_html(spec, "vizkit-3d", width=500, height=400)
    assert 'data-bundle="full"' in html
    cartesian = notebook.mimebundle(vk.line(RNG.normal(size=5)), "plotly")["text/html"]
    report = open_page(chromium, _page(tmp_path, [cartesian, html]))
    report.page.wait_for_function("() => document.querySelectorAll('.vizkit-figure .main-svg').length >= 2", timeout=30_000)
    assert report.page.evaluate("() => typeof window.Plotly") == "object"
    assert report.errors == [] and report.network_requests == []


def test_plotly_bundle_keeps_the_mime_json():
    fig = vk.imshow(RNG.normal(size=(2, 3)), title="mime")
    bundle = notebook.mimebundle(fig, "plotly")
    assert bundle[notebook.PLOTLY_MIME]["layout"]["title"]["text"] == "mime"
    json.dumps(bundle[notebook.PLOTLY_MIME])
    assert '<script src="http' not in bundle["text/html"]


def test_plotlyjs_once_puts_the_copy_in_the_first_output_only(monkeypatch, fresh_options):
    monkeypatch.setattr(notebook, "_SENT", {"plotlyjs": False})
    vk.set_option("notebook.plotlyjs", "once")
    figs = [vk.imshow(RNG.normal(size=(2, 2)), title=f"once {k}") for k in range(2)]
    first, second = (notebook.mimebundle(f, "plotly")["text/html"] for f in figs)
    assert '-plotlyjs" data-bundle="full"' in first and "-plotlyjs" not in second.split("<script>")[0] and len(second) < 50_000
