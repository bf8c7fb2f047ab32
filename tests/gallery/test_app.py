"""The gallery app: plain tests of the page's state, and browser tests against a real server.

The browser tests start ``python -m vizkit gallery --port 0`` once for the module (the command
prints the URL with the port it picked), open it in one headless Chromium page and drive it:
every example in every backend its figure supports, typing a prompt, clicking a patching cell,
downloading a PNG. Every request the page makes must go to 127.0.0.1 and succeed, and the page
must raise no error.

Which examples: ``$VIZKIT_GALLERY_EXAMPLES`` if set, else the repository's ``gallery/examples``
when it holds examples, else the small fixture examples in ``tests/gallery/fixtures``.
"""

from __future__ import annotations

import ast
import inspect
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
REAL = REPO / "gallery" / "examples"
PROMPT = "the cat sat on the mat"
PROMPT_WORDS = ("cat", "sat", "mat")


def _has_examples(folder: Path) -> bool:
    return folder.is_dir() and any(not p.name.startswith("_") for p in folder.glob("*.py"))


def served_examples_dir() -> Path:
    env = os.environ.get("VIZKIT_GALLERY_EXAMPLES")
    if env:
        return Path(env)
    return REAL if _has_examples(REAL) else FIXTURES


def _static(path: Path) -> dict:
    """CATEGORY, the PARAMS keys and whether on_click is defined, read without importing the example."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = {"CATEGORY": "Other", "params": set(), "on_click": False}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == "on_click":
            out["on_click"] = True
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name = node.targets[0].id
            if name == "CATEGORY":
                out["CATEGORY"] = ast.literal_eval(node.value)
            elif name == "PARAMS" and isinstance(node.value, ast.Dict):
                out["params"] = {k.value for k in node.value.keys if isinstance(k, ast.Constant)}
    return out


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("VIZKIT_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


# ---------------------------------------------------------------------------------------------
# Plain tests (no browser, no server)


def _view(examples_dir=FIXTURES):
    from vizkit_gallery.app import build_app

    template = build_app(examples_dir)
    return template, template.vizkit_gallery


@pytest.mark.parametrize("folder", [FIXTURES, pytest.param(REAL, id="repository")])
def test_build_app_lists_every_example_under_its_category(folder, cache_dir):
    from vizkit.cli import example_files

    assert _has_examples(folder), f"{folder} holds no examples"
    template, view = _view(folder)
    assert view.sidebar in template.sidebar.objects
    items = view.sidebar.items
    files = example_files(folder)
    assert sorted(i["name"] for i in items) == sorted(files)
    for item in items:
        assert item["category"] == _static(files[item["name"]])["CATEGORY"]
        assert item["title"] and "\n" not in item["title"]
        assert item["state"] in ("pending", "ready") and (item["thumb"] == "") == (item["state"] == "pending")
    categories = [i["category"] for i in items]
    # grouped: each category's examples are next to each other
    assert len({c for c in categories}) == len([c for k, c in enumerate(categories) if k == 0 or categories[k - 1] != c])
    assert not any(i["name"].startswith("_") for i in items)


def test_backend_switcher_offers_only_backends_that_draw_the_figure(cache_dir):
    from vizkit.backends import backends_for

    _, view = _view()
    view.select("fx_prompt_attention")
    assert view.fig.kind == "attention"
    options = list(view.backend_switch.options.values())
    assert "circuitsvis" in options and options == backends_for("attention")
    assert view.backend_switch.value == "plotly"

    view.select("fx_loss")
    assert view.fig.kind == "loss_curves"
    options = list(view.backend_switch.options.values())
    assert "circuitsvis" not in options and options == backends_for("loss_curves")
    assert view.error is None


def test_downloads_offer_the_formats_the_backend_writes(cache_dir):
    import panel as pn

    _, view = _view()
    view.select("fx_head_patching")

    def formats():
        return [w.filename for w in view.downloads.objects if isinstance(w, pn.widgets.FileDownload)]

    assert formats() == [f"fx_head_patching.plotly.{f}" for f in ("png", "svg", "pdf", "html")] + ["fx_head_patching.json"]
    view.backend_switch.value = "matplotlib"
    assert view.backend == "matplotlib"
    assert formats() == [f"fx_head_patching.matplotlib.{f}" for f in ("png", "svg", "pdf")] + ["fx_head_patching.json"]
    json_button = view.downloads.objects[-1]
    data = json_button.callback().read()
    from vizkit import Figure

    assert Figure.from_json(data.decode()) == view.fig


def test_params_become_widgets_and_rebuild_the_figure(cache_dir):
    import panel as pn

    _, view = _view()
    view.select("fx_loss")
    widgets = view.param_widgets
    assert isinstance(widgets["smooth"], pn.widgets.Select) and widgets["smooth"].options == ["0.0", "0.6", "0.9"]
    assert isinstance(widgets["runs"], pn.widgets.IntSlider) and (widgets["runs"].start, widgets["runs"].end) == (1, 3)
    assert widgets["runs"].value == 2  # build()'s default, not the slider's lower end
    assert view.fig.meta["runs"] == ["run 0", "run 1"]
    import param

    with param.parameterized.edit_constant(widgets["runs"]):  # what a slider release sends
        widgets["runs"].param.update(value=3, value_throttled=3)
    assert view.fig.meta["runs"] == ["run 0", "run 1", "run 2"]
    widgets["smooth"].value = "0.9"
    assert view.params() == {"smooth": 0.9, "runs": 3} and view.fig.meta["smooth"] == 0.9

    view.select("fx_prompt_attention")
    prompt = view.param_widgets["prompt"]
    assert isinstance(prompt, pn.widgets.TextInput) and prompt.value == "When Mary and John went to the store"
    assert view.param_widgets["head"].options == ["all", "0", "1", "2"] and view.params()["head"] is None
    prompt.value = "Alice likes big apples"
    assert view.fig.meta["tokens"] == ["Alice", "likes", "big", "apples"]


def test_clicked_cell_opens_the_linked_view(cache_dir):
    from vizkit_gallery import render as R

    _, view = _view()
    view.select("fx_head_patching")
    assert view.linked_box.visible and view.linked_fig is None  # the hint, until a click
    # plotly click_data of heatmap cell row 1 (layer 1), column 2 (head 2)
    assert R.plotly_click(view.fig, {"points": [{"curveNumber": 0, "pointNumber": [1, 2], "x": "2", "y": "1"}]}) == ("2", "1")
    assert R.plotly_click(view.fig, {"points": []}) is None
    view._on_plotly_click(type("Event", (), {"new": {"points": [{"curveNumber": 0, "pointNumber": [1, 2]}]}})())
    assert view.linked_fig.title == "Attention of L1H2"
    view.clicked("0", "0")
    assert view.linked_fig.title == "Attention of L0H0"
    view.param_widgets["metric"].value = "loss"  # the linked view follows the parameters
    assert view.fig.title == "Head patching (loss)" and view.linked_fig.title == "Attention of L0H0"
    view.select("fx_loss")
    assert not view.linked_box.visible


def test_build_errors_are_shown_not_raised(tmp_path, cache_dir):
    (tmp_path / "broken.py").write_text('"""Broken example."""\nCATEGORY = "X"\n\ndef build():\n    raise RuntimeError("no model")\n')
    _, view = _view(tmp_path)
    view.select("broken")
    assert view.fig is None and "no model" in view.error and view.status.visible


def test_thumbnails_are_small_pngs_cached_by_source_hash(tmp_path):
    from vizkit_gallery.catalog import Catalog
    from vizkit_gallery.thumbnails import THUMB_WIDTH

    cat = Catalog(FIXTURES, thumbnail_dir=tmp_path)
    assert cat.thumbnails.missing() == list(cat.examples)
    path = cat.thumbnails.make("fx_loss")
    assert path.parent == tmp_path and path.name.startswith("fx_loss-") and path.suffix == ".png"
    png = path.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width = int.from_bytes(png[16:20], "big")
    assert 0 < width <= THUMB_WIDTH + 1
    assert cat.thumbnails.data_uri("fx_loss").startswith("data:image/png;base64,")
    # a second catalog finds it on disk; an edited example gets a new file name
    again = Catalog(FIXTURES, thumbnail_dir=tmp_path)
    assert again.thumbnails.state["fx_loss"] == "ready"
    again.examples["fx_loss"].digest = "0" * 16
    assert again.thumbnails.path("fx_loss") != path


def test_figure_cache_is_bounded_and_builds_once():
    from vizkit_gallery.catalog import LRUCache

    cache, calls = LRUCache(maxsize=2), []

    def compute(k):
        def run():
            calls.append(k)
            time.sleep(0.05)
            return k * 10

        return run

    threads = [threading.Thread(target=lambda: cache.get("a", compute("a"))) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert calls == ["a"] and cache.get("a", compute("a")) == "a" * 10
    cache.get("b", compute("b"))
    cache.get("c", compute("c"))
    assert len(cache) == 2 and "a" not in cache


def test_serve_listens_on_loopback_by_default(monkeypatch):
    import panel as pn

    import vizkit_gallery.server as app
    from vizkit import cli

    assert inspect.signature(app.serve).parameters["address"].default == "127.0.0.1"
    assert cli._parser().parse_args(["gallery"]).address == "127.0.0.1"
    seen = {}

    from tornado.web import Application

    class FakeServer:
        port = None
        _tornado = Application()  # what the Host check guards

        def start(self):
            seen["started"] = True

        def stop(self):
            pass

        class io_loop:  # noqa: N801
            @staticmethod
            def start():
                pass

            @staticmethod
            def add_callback(*args):
                seen["show"] = args

    def fake_serve(panels, **kwargs):
        seen.update(kwargs)
        FakeServer.port = kwargs["port"]
        return FakeServer()

    monkeypatch.setattr(pn, "serve", fake_serve)
    app.serve(port=0, examples_dir=FIXTURES)
    assert seen["address"] == "127.0.0.1" and seen["port"] > 0 and seen["show"] is False and seen["started"]
    assert all(o.split(":")[0] in ("127.0.0.1", "localhost") for o in seen["websocket_origin"])
    assert FakeServer._tornado.default_router.rules[0].target.__name__ == "Forbidden"  # the Host check runs first


# ---------------------------------------------------------------------------------------------
# Browser tests: one server and one page for the module


@pytest.fixture(scope="module")
def gallery_url(tmp_path_factory):
    """``python -m vizkit gallery --port 0`` in a subprocess; its URL once it answers."""
    env = dict(os.environ, VIZKIT_GALLERY_EXAMPLES=str(served_examples_dir()),
               VIZKIT_CACHE_DIR=str(tmp_path_factory.mktemp("vizkit-cache")), PYTHONUNBUFFERED="1")
    proc = subprocess.Popen([sys.executable, "-m", "vizkit", "gallery", "--port", "0"], cwd=REPO, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: list[str] = []
    url = None
    deadline = time.monotonic() + 90
    try:
        while url is None and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line)
            found = re.search(r"serving at (http://\S+)", line)
            url = found.group(1) if found else None
        if url is None:
            proc.kill()
            pytest.fail("the gallery server did not start:\n" + "".join(lines) + (proc.stdout.read() or ""))
        threading.Thread(target=lambda: [lines.append(x) for x in proc.stdout], daemon=True).start()
        assert url.startswith("http://127.0.0.1:"), url
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


class Recorder:
    """Every request, failed request, page error and console error of the page."""

    def __init__(self, page, host: str):
        self.host, self.requests, self.external, self.failed, self.errors, self.console = host, [], [], [], [], []
        page.on("request", self._request)
        page.on("requestfailed", lambda r: self.failed.append(f"{r.url} ({r.failure})"))
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("console", lambda m: self.console.append(m.text) if m.type == "error" else None)
        # Anything not on the gallery's host is recorded and refused, so a stray CDN request fails fast.
        page.route(re.compile(r"^https?://(?!127\.0\.0\.1[:/]).*"), lambda route: route.abort())

    def _request(self, request):
        self.requests.append(request.url)
        url = request.url
        if not url.startswith(("data:", "blob:", "about:")) and not url.startswith(f"http://{self.host}/") \
                and not url.startswith(f"ws://{self.host}/"):
            self.external.append(url)

    def reset(self):
        for found in (self.requests, self.external, self.failed, self.errors, self.console):
            found.clear()

    def assert_clean(self):
        assert self.external == [], f"requests that left 127.0.0.1: {self.external}"
        assert self.failed == [], f"failed requests: {self.failed}"
        assert self.errors == [], f"page errors: {self.errors}"
        assert self.console == [], f"console errors: {self.console}"


@pytest.fixture(scope="module")
def page_session(chromium, gallery_url):
    host = gallery_url.split("/")[2]
    context = chromium.new_context(viewport={"width": 1600, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(60_000)
    recorder = Recorder(page, host)
    yield page, recorder, gallery_url
    context.close()


@pytest.fixture
def session(page_session):
    """The module's page, with a clean record for this test."""
    page, recorder, url = page_session
    recorder.reset()
    return page, recorder, url


def _sidebar_names(page) -> list[str]:
    page.wait_for_selector("button.vk-item")
    return page.locator("button.vk-item").evaluate_all("els => els.map(e => e.dataset.example)")


def _open(page, name: str, timeout: float = 60_000) -> None:
    page.locator(f"button.vk-item[data-example='{name}']").click()
    shown = page.locator(f".vk-figure.vk-example-{name}").or_(page.locator(".vk-status:visible"))
    shown.first.wait_for(timeout=timeout)
    assert not page.locator(".vk-status").is_visible()


def _backends(page) -> list[str]:
    from vizkit_gallery.controls import BACKEND_LABELS

    by_label = {v: k for k, v in BACKEND_LABELS.items()}
    labels = page.locator(".vk-controls .bk-btn-group button").all_text_contents()
    return [by_label[t.strip()] for t in labels]


def _use(page, name: str, backend: str) -> None:
    from vizkit_gallery.controls import BACKEND_LABELS

    figure = f".vk-figure.vk-example-{name}.vk-backend-{backend}"
    if not page.locator(figure).count():
        page.locator(".vk-controls .bk-btn-group button", has_text=BACKEND_LABELS[backend]).click()
    page.locator(figure).first.wait_for()


PLOT = {
    "plotly": ".js-plotly-plot .main-svg",
    "bokeh": ".bk-Canvas",
    "holoviews": ".bk-Canvas",
    "matplotlib": "img.vk-img",
    "circuitsvis": "iframe",
}


DRAWN_FRAMES = ("() => [...Bokeh.index.all_views()].filter(v => v.frame && v.el.isConnected)"
                ".map(v => [v.frame.bbox.width, v.frame.bbox.height])")
ONE_DRAWN = ("() => [...Bokeh.index.all_views()].some(v => v.frame && v.el.isConnected"
             " && v.frame.bbox.width > 50 && v.frame.bbox.height > 20)")


def _check_drawn(page, figure: str, backend: str) -> None:
    """The figure is drawn at a real size, not merely present (a collapsed bokeh grid is present but 0×0)."""
    if backend in ("bokeh", "holoviews"):
        try:
            page.wait_for_function(ONE_DRAWN, timeout=30_000)
        except Exception:
            raise AssertionError(f"no bokeh plot is drawn at a real size: frames {page.evaluate(DRAWN_FRAMES)}") from None
    elif backend in ("plotly", "matplotlib"):
        box = page.locator(f"{figure} {PLOT[backend]}").first.bounding_box()
        assert box and box["width"] > 150 and box["height"] > 100, f"the {backend} figure is {box}"


def _check_circuitsvis(page, figure: str, labels: list[str]) -> None:
    """The CircuitsVis view rendered in its iframe, with the tokens the plotly view labels its axis with."""
    frame = page.frame_locator(f"{figure} iframe")
    root = frame.locator(".vizkit-cv[data-rendered]")
    root.wait_for()
    view = frame.locator(".vizkit-cv-view").first
    assert view.evaluate("v => v.getBoundingClientRect().height") > 10  # one line of ColoredTokens is ~20 px
    assert view.locator("canvas").count() + len(view.inner_text().strip()) > 0
    # The attention views draw tokens on canvases: look for them in the data the view was given.
    data = frame.locator("script.vizkit-cv-props").text_content()
    words = [w for w in (t.strip() for t in labels) if re.fullmatch(r"\w{2,}", w)]
    if words:
        assert any(f'"{w}"' in data for w in words), (words[:8], data[:300])


@pytest.mark.browser
def test_every_example_in_every_backend_it_supports(session):
    """Each example in each backend its switcher offers; every failure is collected, then reported."""
    page, recorder, url = session
    started = time.monotonic()
    page.goto(url, wait_until="load")
    names = _sidebar_names(page)
    assert set(names) == set(_example_names())
    problems, shown = [], 0
    for name in names:
        labels: list[str] = []
        try:
            _open(page, name, timeout=120_000)  # the first build of an example may boot a model
            backends = _backends(page)
            assert backends and backends[0] == "plotly", backends
        except Exception as exc:
            problems.append(f"{name}: {_why(exc, page)}")
            continue
        for backend in backends:  # plotly first
            errors_before = len(recorder.errors)
            try:
                _use(page, name, backend)
                figure = f".vk-figure.vk-example-{name}.vk-backend-{backend}"
                page.locator(f"{figure} {PLOT[backend]}").first.wait_for(state="attached", timeout=45_000)
                _check_drawn(page, figure, backend)
                if backend == "plotly":
                    labels = page.locator(f"{figure} .xtick text").all_text_contents()
                if backend == "circuitsvis":
                    _check_circuitsvis(page, figure, labels)
                assert not page.locator(".vk-status").is_visible(), page.locator(".vk-status").inner_text()
                shown += 1
            except Exception as exc:
                problems.append(f"{name} in {backend}: {_why(exc, page)}")
            problems += [f"{name} in {backend}: page error {e!r}" for e in recorder.errors[errors_before:]]
        print(f"  {name}: {', '.join(backends)} ({time.monotonic() - started:.0f} s)", flush=True)
    print(f"\n{len(names)} examples, {shown} figures shown in {time.monotonic() - started:.1f} s")
    recorder.errors.clear()  # each one is already in problems, with the figure that raised it
    assert not problems, "\n".join(problems)
    # the sidebar thumbnails arrive while the page is open
    page.locator("button.vk-item .vk-thumb img").first.wait_for(state="attached")
    recorder.assert_clean()


def _why(exc: Exception, page) -> str:
    status = page.locator(".vk-status")
    shown = status.inner_text().strip() if status.is_visible() else ""
    return (shown or f"{type(exc).__name__}: {str(exc).splitlines()[0]}")[:400]


def _example_names() -> list[str]:
    from vizkit.cli import example_files

    return list(example_files(served_examples_dir()))


def _find(predicate, prefer: str) -> str:
    from vizkit.cli import example_files

    files = example_files(served_examples_dir())
    found = [n for n, p in files.items() if predicate(_static(p))]
    if not found:
        pytest.fail(f"no example in {served_examples_dir()} has it: the gallery lost its prompt or linked-view example")
    return next((n for n in found if prefer in n.lower()), found[0])


@pytest.mark.browser
def test_typing_a_prompt_redraws_its_attention(session):
    page, recorder, url = session
    name = _find(lambda s: "prompt" in s["params"], prefer="minilm")
    page.goto(f"{url}?example={name}&backend=plotly", wait_until="load")
    figure = f".vk-figure.vk-example-{name}.vk-backend-plotly"
    ticks = page.locator(f"{figure} .xtick text")
    ticks.first.wait_for()
    before = ticks.all_text_contents()
    assert not set(PROMPT_WORDS) & {t.strip().lower() for t in before}
    box = page.locator(".vk-param-prompt input")
    box.fill(PROMPT)
    box.press("Enter")
    page.locator(f"{figure} .xtick text", has_text=re.compile(r"^\W*mat\W*$", re.I)).first.wait_for()
    after = [t.strip().lower() for t in page.locator(f"{figure} .xtick text").all_text_contents()]
    assert all(any(w == t.strip("▁Ġ #") for t in after) for w in PROMPT_WORDS), after
    assert after != [t.strip().lower() for t in before]
    recorder.assert_clean()


@pytest.mark.browser
def test_clicking_a_patching_cell_opens_and_updates_the_linked_view(session):
    page, recorder, url = session
    name = _find(lambda s: s["on_click"], prefer="patch")
    page.goto(f"{url}?example={name}&backend=plotly", wait_until="load")
    figure = f".vk-figure.vk-example-{name}.vk-backend-plotly"
    page.locator(f"{figure} .js-plotly-plot .main-svg").first.wait_for()
    page.locator(".vk-linked .vk-linked-hint").wait_for()
    from playwright.sync_api import expect

    drag = page.locator(f"{figure} .nsewdrag").first
    box = drag.bounding_box()

    def click(fx, fy):
        page.mouse.click(box["x"] + box["width"] * fx, box["y"] + box["height"] * fy)

    linked = page.locator(".vk-linked .vk-linked-figure .js-plotly-plot").first  # its text: title, ticks
    caption = page.locator(".vk-linked .vk-linked-caption")
    click(0.1, 0.8)
    linked.wait_for()
    first_caption, first_text = caption.text_content(), linked.text_content()
    page.wait_for_timeout(400)  # plotly reads two clicks within 300 ms as a double click (zoom reset)
    click(0.9, 0.15)
    expect(caption).not_to_have_text(first_caption)  # the linked view is redrawn (new elements)
    expect(linked).not_to_have_text(first_text)
    assert linked.text_content() != first_text  # a different head's title and pattern
    recorder.assert_clean()


@pytest.mark.browser
def test_png_download_is_a_png(session):
    page, recorder, url = session
    name = _example_names()[0]
    page.goto(f"{url}?example={name}&backend=plotly", wait_until="load")
    page.locator(f".vk-figure.vk-example-{name}.vk-backend-plotly .main-svg").first.wait_for()
    with page.expect_download() as info:
        page.locator(".vk-download-png button").click()
    download = info.value
    assert download.suggested_filename == f"{name}.plotly.png"
    data = Path(download.path()).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert width >= 200 and height >= 150
    recorder.assert_clean()


def _slider_example() -> str:
    """A served example drawing a grid of attention heads (L0H0, L0H1, ...) under a layer slider."""
    from vizkit.cli import example_files

    names = [n for n, path in example_files(served_examples_dir()).items() if 'mode="slider"' in path.read_text()]
    assert names, f"no example in {served_examples_dir()} draws a grid of attention heads under a slider"
    return names[0]


@pytest.mark.browser
def test_bokeh_grids_keep_their_size_inside_the_app(session):
    """A bokeh grid with a shared colour bar is drawn at full size in the page (nested in a row it collapsed to 0×0)."""
    page, recorder, url = session
    page.goto(f"{url}?example={_slider_example()}&backend=bokeh")
    page.wait_for_selector(".vk-backend-bokeh", timeout=120_000)
    page.wait_for_function("() => [...Bokeh.index.all_views()].filter(v => v.frame && v.frame.bbox.width > 50).length >= 2",
                           timeout=60_000)
    sizes = page.evaluate("() => [...Bokeh.index.all_views()].filter(v => v.frame && v.model.name && v.model.name.startsWith"
                          "('vizkit-panel-0-')).map(v => [v.frame.bbox.width, v.frame.bbox.height])")
    assert sizes and all(w > 100 and h > 100 for w, h in sizes), sizes


PLOT_TITLES = ("() => [...Bokeh.index.all_views()].filter(v => v.el && v.el.isConnected && v.model.title"
               " && typeof v.model.title.text === 'string').map(v => v.model.title.text)")


@pytest.mark.browser
def test_holoviews_slider_is_shown_and_pages_the_layers(session):
    """A HoloViews figure under a slider gets Panel's slider widget beside it, and moving it redraws the panels."""
    page, recorder, url = session
    page.goto(f"{url}?example={_slider_example()}&backend=holoviews")
    handle = page.locator(".vk-backend-holoviews .noUi-handle").first
    handle.wait_for(state="visible", timeout=120_000)
    page.wait_for_function(f"() => ({PLOT_TITLES})().includes('L0H0')", timeout=60_000)
    handle.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function(f"() => ({PLOT_TITLES})().includes('L1H0')", timeout=30_000)
    assert "L0H0" not in page.evaluate(PLOT_TITLES)
    recorder.assert_clean()


def test_a_too_long_prompt_is_refused_with_a_message(cache_dir):
    from vizkit_gallery.controls import MAX_TEXT_CHARS

    _, view = _view()
    view.select("fx_prompt_attention")
    prompt = view.param_widgets["prompt"]
    prompt.value = "Alice likes big apples"
    shown = view.fig
    assert shown.meta["tokens"] == ["Alice", "likes", "big", "apples"]
    prompt.value = "word " * 4000  # 20,000 characters
    assert view.status.visible and f"at most {MAX_TEXT_CHARS:,}" in view.error and "20,000 characters" in view.error
    assert view.fig is shown  # nothing was built: the figure shown stays
    prompt.value = "x" * MAX_TEXT_CHARS  # the bound itself is accepted
    assert view.error is None and not view.status.visible and view.fig.meta["tokens"] == ["x" * MAX_TEXT_CHARS]


def test_error_text_is_shown_as_text_not_markup(tmp_path, cache_dir):
    (tmp_path / "broken.py").write_text('"""Broken example."""\nCATEGORY = "X"\n\n'
                                        'def build():\n    raise RuntimeError("<img src=x onerror=alert(1)> no model")\n')
    _, view = _view(tmp_path)
    view.select("broken")
    assert "<img src=x onerror=alert(1)>" in view.error  # the message itself, for the user
    assert "<img" not in view.status.object and "&lt;img src=x onerror=alert(1)&gt;" in view.status.object


def test_catalogue_imports_no_panel_and_the_gallery_never_imports_the_cli():
    code = ("import sys, vizkit_gallery, vizkit_gallery.discovery, vizkit_gallery.catalog\n"
            "print(sorted(m for m in ('panel', 'bokeh', 'plotly', 'torch', 'vizkit.cli') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    for path in (REPO / "gallery").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
        imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        assert not any(m == "vizkit.cli" or m.startswith("vizkit.cli.") for m in imported), path
