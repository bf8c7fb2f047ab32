"""Every backend that draws token text reads back each value row's own colour range (``row_ranges="each"``):
the range of its colours, its colour bar and the bar's title, and switching rows switches them."""

from __future__ import annotations

import numpy as np
import pytest

import vizkit as vk
from vizkit.backends import render
from vizkit.plan import plan
from vizkit.spec import TokenText
from vizkit.spec.colors import stops
from vizkit.spec.theme import THEMES

TOKS = [" The", " cat", " sat", " on", " the", " mat"]
LOGITS = np.array([-20.0, 3.0, 18.0, -5.0, 0.0, 7.5])
PROBS = np.array([0.02, 0.31, 0.9, 0.05, 0.0, 0.4])
RANGES = [(-20.0, 20.0), (-0.9, 0.9)]
TITLES = ["logit (logits: -20 to 20)", "logit (probs: -0.9 to 0.9)"]


@pytest.fixture(scope="module")
def fig():
    return vk.tokens(TOKS, np.stack([LOGITS, PROBS]), row_labels=["logits", "probs"], row_ranges="each", value_label="logit")


def test_the_plan_is_what_the_backends_read(fig):
    (panel,) = plan(fig, THEMES["default"]).frame(0)
    assert [(s.zmin, s.zmax) for s in panel.tokens.scales] == RANGES
    assert list(panel.tokens.colorbar_titles) == TITLES


def test_plotly_each_row_has_its_colour_bar_and_the_menu_switches_both(fig):
    p = render(fig, "plotly")
    boxes = [t for t in p.data if t.type == "bar"]
    bars = [t for t in p.data if (t.meta or {}).get("vizkit_colorbar")]
    assert [t.meta["vizkit_row"] for t in bars] == [0, 1]
    assert [(t.marker.cmin, t.marker.cmax) for t in bars] == RANGES
    assert [t.marker.colorbar.title.text for t in bars] == TITLES
    assert [t.visible for t in boxes] == [True, False] and [t.visible for t in bars] == [True, False]
    assert boxes[1].marker.color[2].lower() == stops("RdBu")[-1].lower()  # the max probability at the top colour
    (menu,) = p.layout.updatemenus
    for r, button in enumerate(menu.buttons):
        shown = button.args[0]["visible"]
        assert [shown[i] for i, t in enumerate(p.data) if t in boxes] == [k == r for k in range(2)]
        assert [shown[i] for i, t in enumerate(p.data) if t in bars] == [k == r for k in range(2)]


def test_plotly_shared_rows_keep_one_colour_bar():
    shared = vk.tokens(TOKS, np.stack([LOGITS, PROBS]), row_labels=["logits", "probs"])
    p = render(shared, "plotly")
    (bar,) = [t for t in p.data if (t.meta or {}).get("vizkit_colorbar")]
    assert (bar.marker.cmin, bar.marker.cmax) == (-20.0, 20.0) and "vizkit_row" not in bar.meta
    i = list(p.data).index(bar)
    assert [b.args[0]["visible"][i] for b in p.layout.updatemenus[0].buttons] == [True, True]  # shown whichever row


def test_bokeh_mapper_starts_on_the_first_row_and_the_select_carries_every_rows_range(fig):
    from bokeh.model.util import collect_models
    from bokeh.models import ColorBar, CustomJS, LinearColorMapper, Select

    models = collect_models(render(fig, "bokeh"))
    (mapper,) = [m for m in models if isinstance(m, LinearColorMapper)]
    (bar,) = [m for m in models if isinstance(m, ColorBar)]
    assert (mapper.low, mapper.high) == RANGES[0] and bar.color_mapper is mapper
    assert getattr(bar.title, "text", bar.title) == TITLES[0]
    (select,) = [m for m in models if isinstance(m, Select)]
    (js,) = [cb for cbs in select.js_property_callbacks.values() for cb in cbs if isinstance(cb, CustomJS)]
    assert list(zip(js.args["lows"], js.args["highs"], strict=True)) == RANGES and js.args["titles"] == TITLES
    assert js.args["mapper"] is mapper and js.args["bar"] is bar


def test_holoviews_each_row_page_has_its_own_clim_and_titled_bar(fig):
    import holoviews as hv

    from tests.backends.test_holoviews import options, pages

    found = pages(render(fig, "holoviews"), fig)
    assert sorted(found) == [(0, 0), (1, 0)]
    for (row, _), overlay in found.items():
        rects = next(el for el in overlay if isinstance(el, hv.Rectangles))
        np.testing.assert_array_equal(rects.dimension_values("value"), fig.marks(TokenText)[0].values[row])
        opts = options(rects)
        assert opts["clim"] == RANGES[row]
        assert opts["colorbar_opts"]["title"] == TITLES[row]


def test_matplotlib_draws_every_row_on_its_range_with_its_own_colour_bar(fig, tmp_path):
    from PIL import Image

    out = render(fig, "matplotlib")
    (ax,) = [a for a in out.axes if a.get_gid() == "vizkit-panel-0-0"]
    blocks = sorted((c for c in ax.collections if (c.get_gid() or "").startswith("vizkit-tokens-")), key=lambda c: c.get_gid())
    assert [(b.norm.vmin, b.norm.vmax) for b in blocks] == RANGES
    np.testing.assert_array_equal(blocks[1].get_array(), PROBS)
    assert not [a for a in out.axes if a.get_label() == "<colorbar>"]  # no one bar for all rows
    caxes = sorted((a for a in ax.child_axes if (a.get_gid() or "").startswith("vizkit-tokens-colorbar-")), key=lambda a: a.get_gid())
    assert [tuple(float(v) for v in c.get_xlim()) for c in caxes] == RANGES  # a horizontal bar spans its range
    texts = [t.get_text() for t in ax.texts]
    assert texts[:2] == ["logits", "-20"] and "0.9" in texts and "-0.9" in texts
    path = fig.save(tmp_path / "rows.png", backend="matplotlib")
    with Image.open(path) as im:
        assert im.size[0] > 100 and im.size[1] > 100


def test_circuitsvis_props_and_pictures_carry_every_rows_bounds(fig):
    from vizkit.backends import circuitsvis as cvb
    from vizkit.backends.circuitsvis.props import static_parts

    name, props = cvb.component(fig)
    assert name == "ColoredTokensMulti"
    assert list(zip(props["negativeBounds"], props["positiveBounds"], strict=True)) == RANGES
    parts, _, _ = static_parts(fig)
    assert [(p["props"]["minValue"], p["props"]["maxValue"]) for p in parts] == RANGES
    assert [p["title"] for p in parts] == ["logits (-20 to 20)", "probs (-0.9 to 0.9)"]
    np.testing.assert_array_equal(parts[1]["props"]["values"], PROBS)


def test_circuitsvis_interactive_view_stacks_rows_each_on_its_range(fig):
    import json
    import re

    from vizkit.backends.circuitsvis import fragment

    html = fragment(plan(fig, THEMES["default"]))
    payload = json.loads(re.search(r'class="vizkit-cv-props">(.*?)</script>', html).group(1))
    assert [p["component"] for p in payload["parts"]] == ["ColoredTokens", "ColoredTokens"]
    assert [(p["props"]["minValue"], p["props"]["maxValue"]) for p in payload["parts"]] == RANGES
    assert "would keep the first row" in html and "each value row has its own colour range" in html
    shared = vk.tokens(TOKS, np.stack([LOGITS, PROBS]), row_labels=["logits", "probs"])
    assert '"component":"ColoredTokensMulti"' in fragment(plan(shared, THEMES["default"]))


@pytest.mark.browser
def test_bokeh_row_select_switches_the_colour_range_and_bar_in_chromium(fig, tmp_path, chromium):
    from tests.backends.bokeh_helpers import assert_clean
    from tests.browser.harness import open_page

    report = open_page(chromium, fig.save(tmp_path / "rows.html", backend="bokeh"), wait_for=".bk-Canvas")
    page = report.page
    read = """() => { const out = {};
        for (const m of Bokeh.documents[0].all_models) {
          if (m.palette && 'low' in m) out.range = [m.low, m.high];
          if (m.color_mapper) out.title = typeof m.title === 'string' ? m.title : m.title.text;
          if (m.data && m.data.token) out.fill = [...m.data.fill];
        }
        return out; }"""
    before = page.evaluate(read)
    assert before["range"] == list(RANGES[0]) and before["title"] == TITLES[0]
    page.locator("select").select_option(label="probs")
    page.wait_for_timeout(300)
    after = page.evaluate(read)
    assert after["range"] == list(RANGES[1]) and after["title"] == TITLES[1]
    np.testing.assert_allclose(after["fill"], PROBS)
    assert_clean(report)


@pytest.mark.browser
def test_compat_multi_rows_in_circuitsvis_colour_the_max_probability_at_full_blue(tmp_path, chromium):
    from tests.backends.bokeh_helpers import assert_clean
    from tests.browser.harness import open_page
    from vizkit.compat import circuitsvis as cv

    fig = cv.tokens.colored_tokens_multi(TOKS, np.stack([LOGITS, PROBS], axis=1), ["logits", "probs"])
    report = open_page(chromium, fig.save(tmp_path / "multi.html"), wait_for=".vizkit-cv[data-rendered]")
    page = report.page
    page.wait_for_function("() => document.querySelectorAll('.colored-tokens').length === 2")
    rows = page.evaluate("""() => [...document.querySelectorAll('.colored-tokens')].map(row =>
        [...row.querySelectorAll('span[style]')].filter(s => s.style.backgroundColor).map(s => getComputedStyle(s).backgroundColor))""")
    assert [len(r) for r in rows] == [len(TOKS), len(TOKS)]
    full = "rgb({}, {}, {})".format(*(int(stops("RdBu")[-1][i:i + 2], 16) for i in (1, 3, 5)))
    assert rows[1][int(np.argmax(PROBS))] == full  # the probability row reaches its own top colour
    assert rows[0][int(np.argmax(LOGITS))] != full and rows[1][4] == "rgb(255, 255, 255)"  # 18 of ±20; 0 is white
    titles = page.locator(".vizkit-cv-part-title").all_text_contents()
    assert titles == ["logits (-20 to 20)", "probs (-0.9 to 0.9)"]
    assert_clean(report)
