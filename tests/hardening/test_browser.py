"""Hostile labels in each HTML backend's standalone page, opened in headless Chromium (issue 13).

One page per HTML backend holds every hostile case at once (markup payloads that would set
``window.__pwned``, a 5000-character label, bidi override, zero-width and NUL characters, bold markup):
no page error or console error, no script run, a plot area of real size, tick labels that do not
overlap (their drawn boxes, read from the SVG for plotly and from BokehJS's label boxes for bokeh and
HoloViews), and the cut label ending with an ellipsis. CircuitsVis draws on canvases: its axis tokens
are checked in what the page hands the component, its canvas size and text on the page.
"""

from __future__ import annotations

import numpy as np
import pytest

import vizkit as vk
from tests.backends.bokeh_helpers import assert_clean
from tests.browser.harness import open_page
from vizkit.plan.text import ELLIPSIS

pytestmark = pytest.mark.browser

PWN = ["<img src=x onerror=window.__pwned=1>", "</script><script>window.__pwned=1</script>"]
LONG = "w" * 5000
LABELS = [*PWN, LONG, "ab\u202edc", "a\u200b", "x\x00y", "<b>bold</b>"]
ROWS = ["</script><script>window.__pwned=2</script>", "r\u202e0", "\ufeffrow", "row\n3"]
TITLE = "<img src=x onerror=window.__pwned=3>"
HTML_BACKENDS = ["plotly", "bokeh", "holoviews"]

PLOTLY_JS = """() => {
  const drag = document.querySelector('.draglayer .nsewdrag').getBoundingClientRect();
  const labels = [...document.querySelectorAll('.xtick text, .ytick text')].map(t => {
    const b = t.getBBox(), m = t.getScreenCTM();
    const pts = [[b.x, b.y], [b.x + b.width, b.y], [b.x + b.width, b.y + b.height], [b.x, b.y + b.height]]
      .map(([x, y]) => [m.a * x + m.c * y + m.e, m.b * x + m.d * y + m.f]);
    return {axis: t.closest('.xtick') ? 0 : 1, text: t.textContent, pts};
  });
  return {plots: [[drag.width, drag.height]], labels, pwned: window.__pwned ?? null};
}"""

# BokehJS lays out each axis's tick labels as (rotated) text boxes: wrap the axis views' label drawing to record
# every label's text and its four drawn corners, then repaint.
BOKEH_JS = """async () => {
  const plots = [...Bokeh.index.all_views()].filter(v => v.frame && v.renderer_views);
  const axes = plots.flatMap(p => [...p.renderer_views.values()].filter(r => typeof r._draw_oriented_labels === 'function'));
  window.__vizkitLabels = [];
  for (const view of axes) {
    let proto = Object.getPrototypeOf(view);
    while (!Object.prototype.hasOwnProperty.call(proto, '_draw_oriented_labels')) proto = Object.getPrototypeOf(proto);
    if (proto.__vizkitWrapped) continue;
    const draw = proto._draw_oriented_labels;
    proto._draw_oriented_labels = function (ctx, labels, ...rest) {
      draw.call(this, ctx, labels, ...rest);
      if (labels.length) window.__vizkitLabels.push({axis: this.dimension, items: labels.items.map(l => {
        const r = l.rect(); return {text: l.text, pts: [r.p0, r.p1, r.p2, r.p3].map(p => [p.x, p.y])}; })});
    };
    proto.__vizkitWrapped = true;
  }
  for (const view of axes) view.request_paint();
  await new Promise(r => setTimeout(r, 400));
  const labels = window.__vizkitLabels.flatMap(a => a.items.map(i => ({axis: a.axis, text: i.text, pts: i.pts})));
  return {plots: plots.map(p => [p.frame.bbox.width, p.frame.bbox.height]), labels, pwned: window.__pwned ?? null,
          axes: axes.length};
}"""


def _overlap(p, q, slack: float = 0.5) -> bool:
    """Whether convex quads ``p`` and ``q`` (4 corner points each) overlap by more than ``slack`` px (separating axes)."""
    p, q = np.asarray(p, float), np.asarray(q, float)
    for poly in (p, q):
        for i in range(4):
            edge = poly[(i + 1) % 4] - poly[i]
            normal = np.array([-edge[1], edge[0]])
            norm = np.hypot(*normal)
            if norm == 0:
                continue
            a, b = p @ normal / norm, q @ normal / norm
            if a.max() <= b.min() + slack or b.max() <= a.min() + slack:
                return False
    return True


def _check_labels(seen, backend):
    labels = seen["labels"]
    assert labels, f"{backend}: no tick labels found on the page"
    for axis in (0, 1):
        drawn = [lab for lab in labels if lab["axis"] == axis and lab["text"]]
        for i, a in enumerate(drawn):
            for b in drawn[i + 1:]:
                assert not _overlap(a["pts"], b["pts"]), f"{backend}: tick labels {a['text'][:20]!r} and {b['text'][:20]!r} overlap"
    texts = [lab["text"] for lab in labels]
    long = [t for t in texts if t.startswith("www")]
    assert long and all(t.endswith(ELLIPSIS) and len(t) <= 60 for t in long), (backend, [t[:70] for t in long])
    for shown in ("ab⟨U+202E⟩dc", "a⟨U+200B⟩", "x␀y", "<b>bold</b>", PWN[0]):
        assert shown in texts, (backend, shown, texts)


@pytest.fixture(scope="module")
def opened(chromium, tmp_path_factory):
    """What each backend's page shows, each opened once: a heatmap with every hostile column label, hostile row
    labels and title, and a ±inf cell. 720 px tall: at the default 450 px the long label leaves the plot a strip
    (the plan finding :func:`test_rotated_long_labels_leave_the_plot_area_real_size_at_the_default_height`)."""
    cache = {}

    def open_one(backend):
        if backend not in cache:
            z = np.arange(4.0 * len(LABELS)).reshape(4, len(LABELS))
            z[1, 3] = np.inf
            fig = vk.imshow(z, x=LABELS, y=ROWS, title=TITLE, height=720)
            path = fig.save(tmp_path_factory.mktemp("hostile") / f"{backend}.html", backend=backend)
            report = open_page(chromium, path, wait_for=".draglayer .nsewdrag" if backend == "plotly" else ".bk-Canvas")
            if backend == "plotly":
                seen = report.page.evaluate(PLOTLY_JS)
            else:
                report.page.wait_for_function("() => [...Bokeh.index.all_views()].some(v => v.frame && v.frame.bbox.width > 0)")
                seen = report.page.evaluate(BOKEH_JS)
                assert seen["axes"] >= 2
            seen["imgs"] = report.page.locator("img, b").count()
            cache[backend] = report, seen
        return cache[backend]

    yield open_one
    for report, _ in cache.values():
        report.page.context.close()


@pytest.mark.parametrize("backend", HTML_BACKENDS)
def test_hostile_labels_show_as_text_at_real_size_without_overlap_and_the_long_one_cut(opened, backend):
    report, seen = opened(backend)
    assert seen["pwned"] is None and report.dialogs == [] and seen["imgs"] == 0  # the markup stayed text
    assert seen["plots"] and all(w > 100 and h > 100 for w, h in seen["plots"]), seen["plots"]
    _check_labels(seen, backend)
    assert_clean(report)


def test_rotated_long_labels_leave_the_plot_area_real_size_at_the_default_height():
    """50-character labels turned 45° hang ~250 px below the panel: the plan grows the figure for them (issue 13:
    the plot area was a 57 px strip at the default 700×450)."""
    from vizkit.backends import render

    native = render(vk.imshow(np.arange(28.0).reshape(4, 7), x=LABELS, y=ROWS), "matplotlib")
    native.canvas.draw()
    box = native.axes[0].get_window_extent()
    assert box.width > 100 and box.height > 100, (box.width, box.height)


CV_JS = """() => {
  const canvases = [...document.querySelectorAll('.vizkit-cv-view canvas')].map(c => c.getBoundingClientRect());
  const big = canvases.reduce((a, b) => (b.width * b.height > a.width * a.height ? b : a), {width: 0, height: 0});
  const props = JSON.parse(document.querySelector('script.vizkit-cv-props').textContent).parts[0].props;
  const view = document.querySelector('.vizkit-cv-view');
  return {plot: [big.width, big.height], tokens: props.tokens, text: view.innerText, pwned: window.__pwned ?? null,
          width: view.scrollWidth, box: view.getBoundingClientRect().width};
}"""


@pytest.mark.parametrize("kind", ["attention", "tokens"])
def test_hostile_tokens_in_circuitsvis_render_as_text_and_fit(tmp_path, chromium, kind):
    n = len(LABELS)
    if kind == "attention":
        fig = vk.attention(np.tril(np.ones((1, n, n))) / np.arange(1, n + 1)[:, None], tokens=LABELS, title=TITLE)
    else:
        fig = vk.tokens(LABELS, np.linspace(-1, 1, n), title=TITLE)
    report = open_page(chromium, fig.save(tmp_path / f"{kind}.html", backend="circuitsvis"), wait_for=".vizkit-cv[data-rendered]")
    page = report.page
    page.wait_for_timeout(500)
    seen = page.evaluate(CV_JS)
    assert seen["pwned"] is None and report.dialogs == [] and page.locator("img").count() == 0
    assert page.locator(".vizkit-cv-title").inner_text() == TITLE
    long = [t for t in seen["tokens"] if t.startswith("www")]
    assert len(long) == 1 and long[0].endswith(ELLIPSIS) and len(long[0]) <= 50
    if kind == "attention":
        assert seen["plot"][0] > 100 and seen["plot"][1] > 100, seen["plot"]
        assert "ab⟨U+202E⟩dc" in seen["tokens"] and "x␀y" in seen["tokens"]
    else:
        text = seen["text"].replace("\xa0", " ")
        for shown in ("ab⟨U+202E⟩dc", "a⟨U+200B⟩", "x␀y", "<b>bold</b>", PWN[0], PWN[1]):
            assert shown in text
        assert seen["width"] <= seen["box"] + 1  # nothing runs off the view
    assert_clean(report)


WIDE_JS = """() => {
  const el = document.querySelector('.draglayer .nsewdrag') ||
    [...Bokeh.index.all_views()].find(v => v.frame && v.frame.bbox.width > 0);
  if (el.getBoundingClientRect) { const r = el.getBoundingClientRect(); return [r.x, r.y, r.width, r.height]; }
  const root = el.canvas_view.el.getBoundingClientRect(), b = el.frame.bbox;
  return [root.x + b.x, root.y + b.y, b.width, b.height];
}"""


@pytest.mark.parametrize("backend", ["plotly"])
def test_a_hundred_thousand_labelled_columns_are_drawn_not_an_empty_frame(tmp_path, chromium, backend):
    """plotly.js draws no cell past ~20-30k columns: the plotly backend draws blocks that keep their maximum (never a
    mean), so a planted one-cell spike shows in the top colour at its place, the caption says how many columns each
    drawn column stands for, and the hover names the block's range."""
    from io import BytesIO

    from PIL import Image

    from vizkit.spec.colors import palette

    n, spike = 100_000, 54_321
    z = np.random.default_rng(1).random((2, n)) * 0.3 + 0.3  # every cell well away from both ends of the scale
    z[1, spike] = 1.0  # one cell at the top of the scale: a block mean of 143 columns would show it as ~0.45
    fig = vk.imshow(z, x=[f"t{i}" for i in range(n)], zmin=0, zmax=1)
    report = open_page(chromium, fig.save(tmp_path / f"wide-{backend}.html", backend=backend),
                       wait_for=".draglayer .nsewdrag" if backend == "plotly" else ".bk-Canvas")
    page = report.page
    page.wait_for_timeout(500)
    x, y, w, h = page.evaluate(WIDE_JS)
    assert w > 100 and h > 100
    shot = Image.open(BytesIO(page.screenshot(clip={"x": x, "y": y, "width": w, "height": h})))
    rgb = np.asarray(shot.convert("RGB"), dtype=float)
    inner = rgb[4:-4, 4:-4]
    assert (inner.mean(axis=-1) < 200).mean() > 0.9, f"{backend}: the plot area is mostly blank"
    top = np.array([int(palette(fig.panels[0].marks[0].colorscale.name, 256)[-1][i:i + 2], 16) for i in (1, 3, 5)])
    hits = np.argwhere(np.abs(rgb - top).max(axis=-1) <= 6)  # pixels in the scale's top colour: the spike's block only
    assert hits.size, "the planted one-cell spike is not drawn in the top colour"
    assert abs(np.median(hits[:, 1]) / w - spike / n) < 0.01 and np.median(hits[:, 0]) > h / 2  # its column, lower row
    caption = page.evaluate("() => [...document.querySelectorAll('.annotation-text')].map(e => e.textContent)")
    assert any("100,000 columns drawn as" in t and "largest-magnitude value of 143 columns" in t and "slice" in t
               for t in caption), caption
    # hover on the spike: the block's range and its maximum, never a single made-up label
    px = x + float(np.median(hits[:, 1])), y + float(np.median(hits[:, 0]))
    page.mouse.move(*px)
    page.wait_for_selector(".hoverlayer .hovertext", timeout=5000)
    hover = page.locator(".hoverlayer .hovertext").first.text_content()
    block = spike // 143 * 143
    assert f"t{block} … t{block + 142} [{block}–{block + 142}]" in hover and "block max value: 1" in hover, hover
    assert_clean(report)
