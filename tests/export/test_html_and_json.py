"""Standalone HTML and JSON export: offline, atomic, and the page shows the plot."""

import json
import os

import numpy as np
import pytest

import vizkit as vk
from tests.browser.harness import open_page
from vizkit.errors import ExportError
from vizkit.spec import Figure


@pytest.fixture
def fig():
    tokens = ["<bos>", " When", " Mary", " and", " John", " went", " Mary"]
    data = np.random.default_rng(0).normal(size=(3, len(tokens)))
    return vk.imshow(data, dims=("layer", "pos"), x=tokens, title="Residual patching", zmid=0)


def test_json_export_round_trips(tmp_path, fig):
    path = fig.save(tmp_path / "fig.json")
    assert Figure.from_dict(json.loads(open(path).read())) == fig


@pytest.mark.browser
def test_html_renders_offline_with_the_plot(tmp_path, fig, chromium):
    path = fig.save(tmp_path / "fig.html")
    text = open(path).read()
    assert '<script src="http' not in text and "<link" not in text
    report = open_page(chromium, path, wait_for=".main-svg")
    assert report.network_requests == [] and report.failed == []
    assert report.errors == [] and report.console_errors == []
    page = report.page
    assert page.locator(".hm, .heatmaplayer image, .heatmaplayer").count() >= 1
    assert page.locator(".gtitle").text_content() == "Residual patching"
    ticks = page.locator(".xtick text").evaluate_all("els => els.map(e => e.textContent.replace(/\u200b/g, ''))")
    assert ticks == ["<bos>", "␣When", "␣Mary", "␣and", "␣John", "␣went", "␣Mary"]  # whitespace made visible
    # hover on the last column reads the (repeated) token, not a position
    box = page.locator(".nsewdrag").first.bounding_box()
    page.mouse.move(box["x"] + box["width"] * 13 / 14, box["y"] + box["height"] / 6)
    page.wait_for_selector(".hoverlayer .hovertext", timeout=5000)
    hover = page.locator(".hoverlayer .hovertext").text_content().replace("\u200b", "")
    assert "pos: ␣Mary" in hover and "layer: 0" in hover


@pytest.mark.browser
def test_slider_switches_frames_in_the_page(tmp_path, chromium):
    data = np.stack([np.eye(3), np.ones((3, 3))])
    fig = vk.imshow(data, dims=("layer", "q", "k"), animate="layer")
    report = open_page(chromium, fig.save(tmp_path / "s.html"), wait_for=".slider-container")
    page = report.page
    visible = page.evaluate("() => document.querySelector('.js-plotly-plot').data.map(t => t.visible)")
    assert visible == [True, False]
    rail = page.locator(".slider-rail-touch-rect").bounding_box()
    page.mouse.click(rail["x"] + rail["width"] - 3, rail["y"] + rail["height"] / 2)
    page.wait_for_timeout(300)
    visible = page.evaluate("() => document.querySelector('.js-plotly-plot').data.map(t => t.visible)")
    assert visible == [False, True]
    assert page.locator(".slider-label").first.text_content() == "layer: 1"
    assert report.errors == []


def test_html_has_data_as_binary_not_decimal_text(fig):
    html = fig.to_html()
    assert '"bdata"' in html and '"dtype":"f4"' in html  # heatmaps travel as float32 binary


def test_bad_suffix_and_missing_folder_write_nothing(tmp_path, fig):
    with pytest.raises(ExportError, match="expected a suffix among"):
        fig.save(tmp_path / "fig.docx")
    with pytest.raises(ExportError, match="does not exist"):
        fig.save(tmp_path / "nope" / "fig.html")
    assert os.listdir(tmp_path) == []


def test_failed_render_leaves_no_partial_file(tmp_path, fig, monkeypatch):
    import vizkit.backends.plotly as backend

    target = tmp_path / "fig.html"
    target.write_text("previous good export")

    def boom(*a, **k):
        raise RuntimeError("renderer crashed")

    monkeypatch.setattr(backend, "to_html", boom)
    with pytest.raises(RuntimeError):
        fig.save(target)
    assert target.read_text() == "previous good export"
    assert sorted(os.listdir(tmp_path)) == ["fig.html"]


def test_atomic_write_cleans_up_on_error(tmp_path, monkeypatch):
    from vizkit.export import atomic

    def fail(*a):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError):
        atomic.write_text(tmp_path / "x.html", "data")
    assert os.listdir(tmp_path) == []


def test_notebook_bundle_has_plotly_mime_and_offline_html(fig):
    bundle = fig._repr_mimebundle_()
    spec = bundle["application/vnd.plotly.v1+json"]
    assert spec["layout"]["title"]["text"] == "Residual patching"
    assert "text/html" in bundle and '<script src="http' not in bundle["text/html"]
    json.dumps(spec)  # the mime payload must be plain JSON
    assert bundle["text/plain"].startswith("<vizkit.Figure")
