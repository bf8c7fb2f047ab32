"""A static image (PNG, SVG, PDF) of token text with several value rows draws every row, stacked under its
name where the plan puts it, in every backend: a picture cannot select a row, so showing only the first
would silently drop the rest. Read back from the native objects (rows, names, colour bar ranges) and from
the decoded PNG (a band of coloured boxes per row, in order); the interactive output keeps its selector."""

from __future__ import annotations

import json

import numpy as np
import pytest

import vizkit as vk
from vizkit.backends import render
from vizkit.plan import plan
from vizkit.spec import Figure, TokenText
from vizkit.spec.colors import stops
from vizkit.spec.theme import THEMES

TOKS = [" The", " cat", " sat", " on", " the", " mat"]
ROWS = np.array([[-20.0, 3.0, 18.0, -5.0, 0.0, 7.5],
                 [0.02, 0.31, 0.9, 0.05, 0.0, 0.4],
                 [1.0, -2.0, 0.5, 3.0, -1.0, 2.0]])
NAMES = ["logits", "probs", "delta"]
RANGES = [(-20.0, 20.0), (-0.9, 0.9), (-3.0, 3.0)]
TITLES = ["logit (logits: -20 to 20)", "logit (probs: -0.9 to 0.9)", "logit (delta: -3 to 3)"]


@pytest.fixture(scope="module")
def each():
    return vk.tokens(TOKS, ROWS, row_labels=NAMES, row_ranges="each", value_label="logit")


@pytest.fixture(scope="module")
def shared():
    return vk.tokens(TOKS, ROWS, row_labels=NAMES, value_label="logit")


def _tokens(fig, static):
    (panel,) = plan(fig, THEMES["default"], static=static).frame(0)
    return panel.tokens


def test_the_plan_stacks_rows_in_a_picture_only_and_the_figure_grows(each, shared):
    live, pic = plan(each, THEMES["default"]), plan(each, THEMES["default"], static=True)
    assert not live.frame(0)[0].tokens.stacked and live.geometry.select_height > 0
    rows = pic.frame(0)[0].tokens.rows
    assert pic.frame(0)[0].tokens.stacked and pic.geometry.select_height == 0
    # each row's name above its block, each block below the previous one, the y range holding them all
    assert all(rows.label_y[r] < rows.offset[r] for r in range(3))
    assert all(rows.offset[r] + 0.5 < rows.label_y[r + 1] for r in range(2))
    assert rows.y_end == pytest.approx(rows.offset[2] + 0.5)
    assert pic.height > live.height - live.geometry.select_height + 100  # two more rows and three name lines
    # rows on their own ranges get a taller name line (it carries the row's colour bar)
    assert rows.label_units > _tokens(shared, True).rows.label_units
    one = vk.tokens(TOKS, ROWS[:1])
    assert not _tokens(one, True).stacked and plan(one, THEMES["default"], static=True).height == \
        plan(one, THEMES["default"]).height


def test_plotly_picture_draws_every_row_in_its_band_named_with_its_range(each):
    p = render(each, "plotly", static=True)
    rows = _tokens(each, True).rows
    boxes = [t for t in p.data if t.type == "bar"]
    assert [t.visible for t in boxes] == [True] * 3 and not p.layout.updatemenus
    for r, t in enumerate(boxes):
        np.testing.assert_array_equal(np.asarray(t.y), rows.offset[r])  # one wrapped line per row
        assert [float(v) for v in t.customdata] == list(ROWS[r])
    (names,) = [t for t in p.data if (t.meta or {}).get("vizkit_row_names")]
    assert list(names.text) == TITLES and list(names.y) == list(rows.label_y)  # the row's name and its range
    bars = [t for t in p.data if (t.meta or {}).get("vizkit_colorbar")]
    assert [(t.marker.cmin, t.marker.cmax) for t in bars] == RANGES and all(t.visible for t in bars)
    ys = [t.marker.colorbar.y for t in bars]
    assert ys == sorted(ys, reverse=True) and all(0 < y < 1 for y in ys)  # each on its own row's name line
    lo, hi = p.layout.yaxis.range
    assert (lo, hi) == (rows.y_end, -0.5)


def test_plotly_picture_with_shared_rows_keeps_one_bar_and_plain_names(shared):
    p = render(shared, "plotly", static=True)
    (bar,) = [t for t in p.data if (t.meta or {}).get("vizkit_colorbar")]
    assert (bar.marker.cmin, bar.marker.cmax) == (-20.0, 20.0) and bar.visible
    (names,) = [t for t in p.data if (t.meta or {}).get("vizkit_row_names")]
    assert list(names.text) == NAMES
    assert render(shared, "plotly").layout.updatemenus  # the live figure keeps its row menu


def test_bokeh_picture_draws_every_row_with_its_own_range(each, shared):
    from bokeh.model.util import collect_models
    from bokeh.models import ColorBar, ColumnDataSource, GlyphRenderer, Image, Select

    rows = _tokens(each, True).rows
    models = collect_models(render(each, "bokeh", static=True))
    assert not [m for m in models if isinstance(m, (Select, ColorBar))]
    sources = {m.name: m for m in models if isinstance(m, ColumnDataSource) and m.name}
    for r in range(3):
        src = sources[f"vizkit-token-row-{r}"]
        np.testing.assert_array_equal(src.data["value"], ROWS[r])
        np.testing.assert_array_equal(src.data["y"], rows.offset[r])
        rect = next(g for g in models if isinstance(g, GlyphRenderer) and g.data_source is src)
        assert (rect.glyph.fill_color.transform.low, rect.glyph.fill_color.transform.high) == RANGES[r]
        bar = next(g for g in models if isinstance(g, GlyphRenderer) and g.name == f"vizkit-token-colorbar-{r}")
        assert isinstance(bar.glyph, Image) and (bar.glyph.color_mapper.low, bar.glyph.color_mapper.high) == RANGES[r]
    assert list(sources["vizkit-token-row-names"].data["text"]) == TITLES
    models = collect_models(render(shared, "bokeh", static=True))
    (bar,) = [m for m in models if isinstance(m, ColorBar)]
    assert (bar.color_mapper.low, bar.color_mapper.high) == (-20.0, 20.0)
    names = next(m for m in models if isinstance(m, ColumnDataSource) and m.name == "vizkit-token-row-names")
    assert list(names.data["text"]) == NAMES
    assert [m for m in collect_models(render(shared, "bokeh")) if isinstance(m, Select)]  # live: the select stays


def test_holoviews_picture_is_one_overlay_of_every_row(each, shared):
    import holoviews as hv

    from tests.backends.test_holoviews import options

    overlay = render(each, "holoviews", static=True)
    assert isinstance(overlay, hv.Overlay)
    rects = [el for el in overlay if isinstance(el, hv.Rectangles)]
    rows = _tokens(each, True).rows
    for r, el in enumerate(rects):
        np.testing.assert_array_equal(el.dimension_values(2 + 2), ROWS[r])  # x0, y0, x1, y1, then the value
        np.testing.assert_allclose(el.dimension_values(1), rows.offset[r] - 0.39)
        assert options(el)["clim"] == RANGES[r] and not options(el)["colorbar"]
    bars = [el for el in overlay if isinstance(el, hv.Image)]
    assert [options(b)["clim"] for b in bars] == RANGES
    (names,) = [el for el in overlay if el.group == "TokenRowNames"]
    assert list(names.dimension_values("name")) == TITLES
    overlay = render(shared, "holoviews", static=True)
    rects = [el for el in overlay if isinstance(el, hv.Rectangles)]
    assert [options(el)["colorbar"] for el in rects] == [True, False, False]  # one shared bar
    assert {options(el)["clim"] for el in rects} == {(-20.0, 20.0)}
    assert isinstance(render(shared, "holoviews"), hv.HoloMap)  # live: a page per row, selected


def _bands(png: bytes) -> list[str]:
    """Top to bottom, the runs of pixel rows whose left edge is mostly the scale's red or blue end."""
    import io

    from PIL import Image

    from tests.export import _rgb

    rgb = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    left = rgb[:, : rgb.shape[1] // 8]  # the first token of every line: clear of every colour bar
    ends = {"red": _rgb(stops("RdBu")[0]), "blue": _rgb(stops("RdBu")[-1])}
    runs = []
    for line in left:
        hits = {k: int((np.abs(line - c).sum(axis=1) < 60).sum()) for k, c in ends.items()}
        kind = max(hits, key=hits.get) if max(hits.values()) >= 5 else None
        if kind and (not runs or runs[-1] != kind):
            runs.append(kind)
        elif kind is None and runs and runs[-1] != "gap":
            runs.append("gap")
    return [k for k in runs if k != "gap"]


@pytest.fixture(scope="module")
def blocks():
    """Three rows on one range, each all at one end: blue, red, blue bands in a picture that shows them all."""
    top = np.full(len(TOKS), 10.0)
    return vk.tokens(TOKS, np.stack([top, -top, top]), row_labels=["up", "down", "up again"])


@pytest.mark.parametrize("backend", ["plotly", "bokeh", "holoviews", "matplotlib", "circuitsvis"])
def test_every_backends_png_shows_a_band_of_boxes_per_row(blocks, backend, tmp_path):
    path = blocks.save(tmp_path / f"{backend}.png", backend=backend)
    with open(path, "rb") as fh:
        assert _bands(fh.read()) == ["blue", "red", "blue"]


def test_json_round_trip_is_unaffected_by_pictures(each, tmp_path):
    before = each.to_dict()
    each.save(tmp_path / "x.svg", backend="bokeh")
    assert each.to_dict() == before
    back = Figure.from_dict(json.loads(json.dumps(before)))
    (mark,) = back.marks(TokenText)
    assert mark.row_ranges == "each" and list(mark.row_labels) == NAMES
    np.testing.assert_array_equal(mark.values, ROWS)
    assert _tokens(back, True).stacked and [(s.zmin, s.zmax) for s in _tokens(back, True).scales] == RANGES
