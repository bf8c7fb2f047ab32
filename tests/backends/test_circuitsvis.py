"""The CircuitsVis backend: the component's props carry the spec's attention values, head names,
tokens and colour range; its HTML is deterministic, inline and offline; hostile tokens stay text;
every other figure kind is refused with the backends that can draw it.
"""

from __future__ import annotations

import base64
import html
import importlib
import importlib.util
import io
import json
import re
import subprocess
import sys
import warnings

import numpy as np
import pytest

import vizkit as vk
from tests.backends.bokeh_helpers import TOKENS, assert_clean, build
from tests.browser.harness import open_page
from vizkit.backends import load, render
from vizkit.errors import UnsupportedFigureError
from vizkit.export import to_html
from vizkit.export.notebook import mimebundle
from vizkit.plan import figure_size
from vizkit.spec import Heatmap, TokenText
from vizkit.spec import theme as themes
from vizkit.spec.colors import stops
from vizkit.spec.text import visible_token

cv = load("circuitsvis")
cv_props = importlib.import_module("vizkit.backends.circuitsvis.props")
RNG = np.random.default_rng(1)
HOSTILE = ["<bos>", " When", "<img src=x onerror=window.__pwned=1>", " Mary",
           "</script><script>window.__pwned=1</script>", "<img/src=x/onerror=window.__pwned=2>", "a\u2028b", "&amp;", "\n"]
RENDERED = ".vizkit-cv[data-rendered]"
HAS_MPL_BACKEND = importlib.util.find_spec("vizkit.backends.matplotlib") is not None


def causal_patterns(n_layers: int, n_heads: int, n: int) -> np.ndarray:
    pat = np.tril(RNG.random((n_layers, n_heads, n, n)) + 0.05)
    return pat / pat.sum(-1, keepdims=True)


def page_parts(page_html: str) -> list[dict]:
    """The components and props the page hands to CircuitsVis, read back from its JSON block (arrays decoded)."""
    block = re.search(r'<script type="application/json" class="vizkit-cv-props">(.*?)</script>', page_html, re.S).group(1)
    parts = json.loads(block)["parts"]
    for part in parts:
        for k, v in part["props"].items():
            if isinstance(v, dict) and "bdata" in v:
                part["props"][k] = np.frombuffer(base64.b64decode(v["bdata"]), dtype="<" + v["dtype"]).reshape(v["shape"])
    return parts


# ---------------------------------------------------------------------------------------------
# Declarations and refusals


def test_declarations():
    assert cv.NAME == "circuitsvis"
    assert cv.KINDS == frozenset({"attention", "tokens"})
    assert cv.FORMATS == frozenset({"html", "png", "svg", "pdf"})


@pytest.mark.xfail(not HAS_MPL_BACKEND, strict=True, reason="vizkit.backends.matplotlib is not written yet: the registry "
                   "raises BackendError for the missing module before it can name the backends that can draw the figure")
@pytest.mark.parametrize("name", ["imshow", "patching", "line", "loss_curves"])
def test_other_kinds_are_refused_naming_the_backends_that_can(name):
    fig = build(name)
    with pytest.raises(UnsupportedFigureError) as err:
        fig.to("circuitsvis")
    for backend in ("plotly", "bokeh", "holoviews", "matplotlib"):
        assert repr(backend) in str(err.value)
    assert "'circuitsvis'" in str(err.value).split("backends that can:")[0]


def test_importing_the_backend_imports_no_circuitsvis():
    code = ("import sys, vizkit.backends.circuitsvis\n"
            "print([m for m in ('circuitsvis', 'torch') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# ---------------------------------------------------------------------------------------------
# Props: what CircuitsVis receives


def test_attention_heads_carry_each_heads_pattern_names_tokens_and_range():
    pat = causal_patterns(1, 3, len(TOKENS))
    fig = vk.attention(pat, tokens=TOKENS, title="Attention L0")
    native = render(fig, "circuitsvis")
    from circuitsvis.utils.render import RenderedHTML

    assert isinstance(native, RenderedHTML)
    props = native.props
    assert native.component == "AttentionHeads"
    assert props["attentionHeadNames"] == ["L0H0", "L0H1", "L0H2"]
    # what the axes show: a leading space marked ␣, as in every backend (CircuitsVis deletes spaces from its labels)
    assert props["tokens"] == ["<bos>", "␣When", "␣Mary", "␣and", "␣John", "␣went", "␣Mary"]
    upper = np.triu(np.ones((len(TOKENS),) * 2, dtype=bool), k=1)
    for h in range(3):
        np.testing.assert_allclose(props["attention"][h][~upper], pat[0, h][~upper])
        assert np.all(props["attention"][h][upper] == 0)  # the spec's NaN (masked) cells
    assert props["maskUpperTri"] is True
    scale = fig.marks(Heatmap)[0].colorscale
    assert (props["minValue"], props["maxValue"]) == (scale.zmin, scale.zmax)
    assert (props["negativeColor"], props["positiveColor"]) == (stops(scale.name)[0], stops(scale.name)[-1])
    [embedded] = page_parts(fig.to_html(backend="circuitsvis"))
    assert embedded["component"] == "AttentionHeads"
    np.testing.assert_array_equal(embedded["props"]["attention"], props["attention"])
    assert embedded["props"]["tokens"] == props["tokens"] and embedded["props"]["attentionHeadNames"] == props["attentionHeadNames"]


def test_slider_figure_gives_every_head_of_every_layer():
    pat = causal_patterns(2, 2, len(TOKENS))
    fig = vk.attention(pat, tokens=TOKENS, mode="slider")
    assert fig.slider is not None
    name, props = cv.component(fig)
    assert props["attentionHeadNames"] == ["L0H0", "L0H1", "L1H0", "L1H1"]
    upper = np.triu(np.ones((len(TOKENS),) * 2, dtype=bool), k=1)
    for i, (layer, head) in enumerate([(0, 0), (0, 1), (1, 0), (1, 1)]):
        np.testing.assert_allclose(props["attention"][i][~upper], pat[layer, head][~upper])


def test_bidirectional_attention_is_not_masked():
    pat = RNG.random((2, 5, 5))
    _, props = cv.component(vk.attention(pat))
    assert props["maskUpperTri"] is False
    np.testing.assert_allclose(props["attention"], pat)
    assert props["tokens"] == ["0", "1", "2", "3", "4"]  # no tokens: the heatmap's labels


def test_fewer_queries_than_keys_get_empty_first_rows_and_a_note():
    pat = RNG.random((1, 3, 7))
    fig = vk.attention(pat, tokens=list("abcdefg"))
    _, props = cv.component(fig)
    assert props["attention"].shape == (1, 7, 7)
    assert np.all(props["attention"][0, :4] == 0)
    np.testing.assert_allclose(props["attention"][0, 4:], pat[0])
    assert "rows 0–3 are empty" in fig.to_html(backend="circuitsvis")


def test_downsampled_patterns_are_drawn_as_the_spec_has_them():
    fig = vk.attention(RNG.random((64, 130, 130)))  # 64 heads: over the per-head cell budget
    assert any("downsampled" in n for n in fig.notes)
    mark = fig.marks(Heatmap)[0]
    _, props = cv.component(fig)
    assert props["attention"].shape == (64, 65, 65)
    np.testing.assert_allclose(props["attention"][0], mark.z)
    assert props["tokens"] == list(mark.x_labels) and props["tokens"][0] == "0–1"
    page = fig.to_html(backend="circuitsvis")
    assert html.escape(fig.notes[0]) in page  # the caption says so


def test_token_text_carries_tokens_values_and_colour_range():
    values = np.linspace(-2, 3, len(HOSTILE))
    values[3] = np.nan
    fig = vk.tokens(HOSTILE, values, title="Neuron")
    name, props = cv.component(fig)
    assert name == "ColoredTokens"
    # ColoredTokens sets tokens as innerHTML: vizkit hands it the visible token (whitespace and U+2028 marked), escaped
    assert props["tokens"] == ["&lt;bos&gt;", "␣When", "&lt;img src=x onerror=window.__pwned=1&gt;", "␣Mary",
                               "&lt;/script&gt;&lt;script&gt;window.__pwned=1&lt;/script&gt;",
                               "&lt;img/src=x/onerror=window.__pwned=2&gt;", "a⟨U+2028⟩b", "&amp;amp;", "↵"]
    np.testing.assert_array_equal(props["values"], values)
    scale = fig.marks(TokenText)[0].colorscale
    assert (props["minValue"], props["maxValue"]) == (scale.zmin, scale.zmax) == (-3.0, 3.0)
    assert (props["negativeColor"], props["positiveColor"]) == (stops("RdBu")[0], stops("RdBu")[-1])


def test_several_value_rows_use_colored_tokens_multi():
    values = RNG.normal(size=(2, len(TOKENS)))
    fig = vk.tokens(TOKENS, values, row_labels=["L0N1", "L1N7"], zmin=-4, zmax=4)
    name, props = cv.component(fig)
    assert name == "ColoredTokensMulti"
    np.testing.assert_array_equal(props["values"], values.T)  # [tokens, rows]
    assert props["labels"] == ["L0N1", "L1N7"]
    assert props["positiveBounds"] == [4.0, 4.0] and props["negativeBounds"] == [-4.0, -4.0]


def test_props_json_cannot_end_its_script():
    part = {"component": "ColoredTokens", "title": "</script>", "props": {"tokens": HOSTILE, "values": np.zeros(len(HOSTILE))}}
    payload = cv.props_json([part])
    assert not set("<>&\u2028\u2029") & set(payload)
    assert json.loads(payload)["parts"][0]["props"]["tokens"] == HOSTILE


# ---------------------------------------------------------------------------------------------
# The HTML


def test_html_is_deterministic_inline_and_offline():
    fig = build("attention")
    a, b = fig.to_html(backend="circuitsvis"), fig.to_html(backend="circuitsvis")
    assert a == b
    assert a.startswith("<!DOCTYPE html>") and "var CircuitsVis=" in a  # the bundle, inline
    assert not re.search(r"<(script|link|img|iframe)\b[^>]*\b(src|href)\s*=", a, re.I)
    assert not re.search(r"""(import\s*\(?|from)\s*["']https?://""", a) and "unpkg" not in a
    other = vk.attention(causal_patterns(1, 2, 4))
    key = re.compile(r'id="(vizkit-cv-[0-9a-f]{12})"')
    assert key.search(a).group(1) != key.search(other.to_html(backend="circuitsvis")).group(1)


def test_title_notes_size_and_theme_reach_the_page():
    fig = vk.tokens(TOKENS, RNG.random(len(TOKENS)), title="</div><b>x</b>", width=480)
    dark = themes.THEMES["dark"]
    page = fig.to_html(backend="circuitsvis", theme="dark")
    assert "&lt;/div&gt;&lt;b&gt;x&lt;/b&gt;</div>" in page
    root = re.search(r'<div class="vizkit-figure vizkit-cv"[^>]*style="([^"]*)"', page).group(1)
    assert "width: 480px" in root and f"background: {dark.background}" in root and f"color: {dark.foreground}" in root
    assert html.escape(dark.font_family) in root


def test_rendered_html_never_probes_the_network(monkeypatch):
    import circuitsvis.utils.render as cv_render

    def no_network(*args, **kwargs):
        raise AssertionError("the network was probed")

    monkeypatch.setattr(cv_render, "internet_on", no_network)
    monkeypatch.setattr("urllib.request.urlopen", no_network)
    native = build("tokens").to("circuitsvis")
    shown = native._repr_html_()
    assert shown.startswith('<div class="vizkit-output" style="contain: inline-size;"><iframe srcdoc=')  # the frame in its column-wide box
    assert shown == native.__html__()
    assert "unpkg" not in str(native) and "unpkg" not in native.show_code()


# ---------------------------------------------------------------------------------------------
# In the browser

VIEW_JS = """() => { const v = document.querySelector('.vizkit-cv-view');
  return {text: v.innerText, canvases: [...v.querySelectorAll('canvas')].filter(c => c.width > 0).length,
          pwned: window.__pwned, imgs: document.querySelectorAll('img').length}; }"""
PAGE_PROPS_JS = "() => JSON.parse(document.querySelector('script.vizkit-cv-props').textContent).parts[0].props"


@pytest.mark.browser
def test_attention_html_renders_offline(tmp_path, chromium):
    fig = build("attention-slider")
    report = open_page(chromium, fig.save(tmp_path / "attention.html", backend="circuitsvis"), wait_for=RENDERED)
    view = report.page.evaluate(VIEW_JS)
    for name in ("L0H0", "L0H1", "L1H0", "L1H1", "Head Selector"):
        assert name in view["text"]
    assert view["canvases"] >= 5  # a thumbnail per head and the zoomed pattern
    assert_clean(report)


@pytest.mark.browser
def test_token_text_html_renders_offline(tmp_path, chromium):
    fig = build("tokens")
    report = open_page(chromium, fig.save(tmp_path / "tokens.html", backend="circuitsvis"), wait_for=RENDERED)
    text = report.page.evaluate(VIEW_JS)["text"].replace("\xa0", " ")
    assert "␣When␣Mary␣and␣John␣went␣Mary" in text and "L0N1" in text and "L1N7" in text
    assert_clean(report)


@pytest.mark.browser
@pytest.mark.parametrize("kind", ["tokens", "attention"])
def test_hostile_tokens_execute_nothing_and_show_as_text(tmp_path, chromium, kind):
    n = len(HOSTILE)
    if kind == "tokens":
        fig = vk.tokens(HOSTILE, np.linspace(-1, 1, n), title="</script><script>window.__pwned=3</script>")
    else:
        fig = vk.attention(causal_patterns(1, 2, n)[0], tokens=HOSTILE, title="<img src=x onerror=window.__pwned=4>")
    report = open_page(chromium, fig.save(tmp_path / f"{kind}.html", backend="circuitsvis"), wait_for=RENDERED)
    page = report.page
    view = page.evaluate(VIEW_JS)
    assert view["pwned"] is None and view["imgs"] == 0
    assert page.locator(".vizkit-cv-title").inner_text() == fig.title
    if kind == "tokens":
        text = view["text"].replace("\xa0", " ")
        for token in HOSTILE[1:6]:  # the markup shows as text, a leading space as ␣
            assert visible_token(token) in text
        page.hover(".colored-tokens > span:nth-of-type(3)")  # the <img ...> token: its hover box reads as text too
        box = page.locator(".colored-tokens > div").first
        box.wait_for()
        assert box.locator(":scope > strong").inner_text() == HOSTILE[2]
    else:  # drawn on canvases as text: the visible tokens, cut to fit, inner spaces kept (U+2800, not \s)
        assert page.evaluate(PAGE_PROPS_JS)["tokens"] == ["<bos>", "␣When", "<img\u2800src=x\u2800onerror=wind…", "␣Mary",
                                                          "</script><script>window…", "<img/src=x/onerror=wind…",
                                                          "a⟨U+2028⟩b", "&amp;", "↵"]
    assert_clean(report)


@pytest.mark.browser
@pytest.mark.parametrize("name, shown", [("attention", "L0H2"), ("tokens", "L1N7")])
def test_notebook_bundle_renders_offline_in_an_iframe(tmp_path, chromium, name, shown):
    fig = build(name)
    bundle = mimebundle(fig, "circuitsvis")
    assert set(bundle) == {"text/html", "text/plain"} and bundle["text/plain"].startswith("<vizkit.Figure")
    assert bundle["text/html"].startswith('<div class="vizkit-output" style="contain: inline-size;"><iframe srcdoc=')  # the frame in its column-wide box
    path = tmp_path / "notebook.html"
    path.write_text(f"<!DOCTYPE html><html><body><p>cell output:</p>{bundle['text/html']}</body></html>")
    report = open_page(chromium, path)
    frame = report.page.frames[1]
    frame.wait_for_selector(RENDERED, state="attached")
    assert shown in frame.evaluate(VIEW_JS)["text"]
    report.page.wait_for_timeout(300)
    outer = report.page.locator("iframe").bounding_box()["height"]
    inner = frame.evaluate("() => document.body.getBoundingClientRect().height")
    assert inner > 50 and abs(outer - inner) <= 2  # the frame fits the view, whatever its first guess
    assert_clean(report)


@pytest.mark.browser
def test_the_native_fragment_twice_on_one_page_renders_twice(tmp_path, chromium):
    native = build("tokens").to("circuitsvis")
    path = tmp_path / "two.html"
    path.write_text(f"<!DOCTYPE html><html><body>{native}{native}</body></html>")
    report = open_page(chromium, path, wait_for=RENDERED)
    views = report.page.locator(".vizkit-cv-view")
    assert views.count() == 2
    for i in range(2):
        assert "John" in views.nth(i).inner_text()
    assert_clean(report)


@pytest.mark.browser
def test_static_png_and_pdf_are_pictures_of_the_view():
    from PIL import Image
    from pypdf import PdfReader

    from vizkit.export import to_bytes
    from vizkit.export.browser import recording_requests

    fig = build("attention")  # 3 heads: a grid of AttentionPattern views, one per head
    with recording_requests() as seen:
        png = to_bytes(fig, "png", "circuitsvis", scale=2)
        pdf = to_bytes(fig, "pdf", "circuitsvis")
    assert seen == []
    width, height = figure_size(fig, themes.get())  # the figure's size, as for every backend
    image = Image.open(io.BytesIO(png)).convert("RGB")
    assert image.size == (2 * width, 2 * height)
    rgb = np.asarray(image)
    top = np.array([int(stops("Blues")[-1][i:i + 2], 16) for i in (1, 3, 5)])
    assert np.all(np.abs(rgb.astype(int) - top) <= 10, axis=-1).sum() > 3 * 100  # each head's <bos> cell at zmax
    reader = PdfReader(io.BytesIO(pdf))
    box = reader.pages[0].mediabox
    assert len(reader.pages) == 1
    assert abs(float(box.width) - width * 0.75) <= 1.5 and abs(float(box.height) - height * 0.75) <= 1.5  # 0.75 pt per px
    text = reader.pages[0].extract_text()
    assert "Attention L0" in text and all(f"L0H{h}" in text for h in range(3))


@pytest.mark.browser
def test_static_token_rows_are_all_shown(tmp_path, chromium):
    fig = build("tokens")
    page = to_html(fig, "circuitsvis", static=True)
    parts = page_parts(page)
    assert [p["component"] for p in parts] == ["ColoredTokens", "ColoredTokens"]
    assert [p["title"] for p in parts] == ["L0N1", "L1N7"]
    mark = fig.marks(TokenText)[0]
    for r, part in enumerate(parts):
        np.testing.assert_array_equal(part["props"]["values"], mark.values[r])
        assert (part["props"]["minValue"], part["props"]["maxValue"]) == (mark.colorscale.zmin, mark.colorscale.zmax)
    path = tmp_path / "static.html"
    path.write_text(page)
    report = open_page(chromium, path, wait_for=".vizkit-cv[data-fitted]")
    assert report.page.locator(".colored-tokens").count() == 2
    assert report.page.locator(".vizkit-cv").bounding_box()["height"] == figure_size(fig, themes.get(), static=True)[1]  # a picture: no row select
    assert_clean(report)


@pytest.mark.xfail(not HAS_MPL_BACKEND, strict=True, reason="SVG is drawn by vizkit.backends.matplotlib, not written yet")
def test_svg_goes_through_matplotlib():
    from vizkit.export import to_bytes

    svg = to_bytes(build("tokens"), "svg", "circuitsvis").decode()
    assert svg.lstrip().startswith(("<?xml", "<svg"))


# ---------------------------------------------------------------------------------------------
# Issue 13: odd inputs drawn honestly


def test_negative_attention_is_not_coloured_near_white():
    pat = np.full((1, 3, 3), 0.2)
    pat[0, 2, 0] = -0.5
    native = render(vk.attention(pat), "circuitsvis")
    neg = native.props["negativeColor"]
    lum = (0.299 * int(neg[1:3], 16) + 0.587 * int(neg[3:5], 16) + 0.114 * int(neg[5:7], 16)) / 255
    assert native.props["minValue"] < 0 and lum < 0.6, neg  # −0.5 must not look like 0 (white)


def test_a_figure_too_large_for_circuitsvis_warns_with_its_size_and_a_faster_backend():
    from vizkit.backends.circuitsvis.props import SlowRenderWarning

    pat = np.tril(np.ones((12, 160, 160))) / np.arange(1, 161)[:, None]
    with pytest.warns(SlowRenderWarning, match=r"12 heads.*160.*plotly"):
        render(vk.attention(pat), "circuitsvis")
    with warnings.catch_warnings():
        warnings.simplefilter("error", SlowRenderWarning)
        render(vk.attention(pat[:1, :8, :8]), "circuitsvis")  # a small one draws quietly


def test_inf_in_attention_is_counted_in_the_caption():
    pat = np.tril(np.full((1, 3, 3), 0.3))
    pat[0, 1, 0] = np.inf
    page = vk.attention(pat).to_html(backend="circuitsvis")
    assert "1 cell at ±inf drawn as 0" in page


def test_token_text_for_circuitsvis_marks_whitespace_shortens_and_escapes_once():
    from vizkit.backends.circuitsvis.props import token_text

    assert token_text(" ") == "␣" and token_text("\n") == "↵" and token_text("") == "∅"
    assert token_text("<img src=x>") == "&lt;img src=x&gt;"
    assert token_text("ab\u202edc") == "ab⟨U+202E⟩dc"
    long = token_text("q" * 5000)
    assert long.endswith("…") and len(long) == 50


@pytest.mark.parametrize("kind", ["tokens", "attention"])
def test_a_lone_surrogate_token_is_shown_not_a_crash(kind):
    fig = vk.tokens(["\ud800", "a"], np.array([0.0, 1.0])) if kind == "tokens" else \
        vk.attention(np.tril(np.ones((1, 2, 2))) / 2, tokens=["\ud800", "a"])
    page = fig.to_html(backend="circuitsvis")
    assert "⟨U+D800⟩" in page.encode("utf-8").decode("utf-8")


ODD = [" ", "\n", "", "ab\u202edc", "a\u200b", "x\x00y", "q" * 5000, "<b>x</b>"]


def test_attention_axes_show_whitespace_invisible_characters_and_long_tokens_as_the_other_backends_do():
    n = len(ODD)
    fig = vk.attention(np.tril(np.ones((1, n, n))) / np.arange(1, n + 1)[:, None], tokens=ODD)
    _, props = cv.component(fig)
    assert props["tokens"] == ["␣", "↵", "∅", "ab⟨U+202E⟩dc", "a⟨U+200B⟩", "x␀y", "q" * 23 + "…", "<b>x</b>"]
    assert all(len(t) <= cv_props.AXIS_TOKEN_CHARS for t in props["tokens"])  # fits the canvas axis
    page = fig.to_html(backend="circuitsvis")
    assert "1 token shortened to 24 characters with …" in page
    assert "full text in the hover" not in page  # CircuitsVis's hover shows the same cut text


def test_token_views_show_whitespace_invisible_characters_and_long_tokens_and_never_colour_inf():
    values = np.array([0.5, -0.5, np.inf, -np.inf, 0.1, 0.2, 0.3, 0.4])
    fig = vk.tokens(ODD, values)
    name, props = cv.component(fig)
    assert name == "ColoredTokens"
    assert props["tokens"] == ["␣", "↵", "∅", "ab⟨U+202E⟩dc", "a⟨U+200B⟩", "x␀y", "q" * 49 + "…", "&lt;b&gt;x&lt;/b&gt;"]
    assert np.isnan(props["values"][2:4]).all()  # ±inf: uncoloured (null), never the end colours
    np.testing.assert_array_equal(props["values"][[0, 1, 4, 5, 6, 7]], values[[0, 1, 4, 5, 6, 7]])
    assert "1 token shortened to 50 characters" in fig.to_html(backend="circuitsvis")
    multi = vk.tokens(ODD, np.vstack([values, -values]), row_labels=["<i>r</i>\u202e", "b"])
    name, props = cv.component(multi)
    assert name == "ColoredTokensMulti" and props["labels"] == ["<i>r</i>⟨U+202E⟩", "b"]  # React text: marked, not escaped


def test_static_token_rows_colour_negative_values_away_from_white():
    fig = vk.tokens(TOKENS, RNG.normal(size=(2, len(TOKENS))), row_labels=["a", "b"], colorscale="Blues", zmin=-2, zmax=2)
    parts, _, _ = cv_props.static_parts(fig)
    for part in parts:
        neg = part["props"]["negativeColor"]
        lum = (0.299 * int(neg[1:3], 16) + 0.587 * int(neg[3:5], 16) + 0.114 * int(neg[5:7], 16)) / 255
        assert lum < 0.6, neg
