"""The plotly.js build vizkit ships, and the subplot grid it lays out without make_subplots (``scripts/build-plotly-bundle.sh``): it is plotly.py's plotly.js version, it
registers every trace type the page chooser trusts it with, it draws each of them in a real browser, and a figure
asking for what it leaves out (a non-Gregorian calendar) gets the full library."""

from __future__ import annotations

import gzip

import numpy as np
import plotly.graph_objects as go
import pytest
from plotly.offline import get_plotlyjs_version

import vizkit as vk
from vizkit.backends.plotly import bundle

pytestmark = pytest.mark.browser


def test_the_build_is_plotly_pys_plotlyjs_version_with_its_licence():
    source = gzip.decompress(bundle.ASSET.read_bytes()).decode("utf-8")
    assert bundle.CARTESIAN_VERSION == get_plotlyjs_version()
    assert f"plotly.js (cartesian - minified) v{get_plotlyjs_version()}" in source[:200]
    assert "Licensed under the MIT license" in source[:400]
    assert bundle.ASSET.with_name("plotly-cartesian.LICENSE").is_file()


def test_the_build_registers_and_draws_every_trace_type_it_is_chosen_for(chromium, tmp_path):
    traces = [go.Bar(y=[1, 2]), go.Box(y=[1, 2, 3]), go.Contour(z=[[1, 2], [3, 4]]), go.Heatmap(z=[[1, 2], [3, 4]]),
              go.Histogram(x=[1, 2, 2]), go.Histogram2d(x=[1, 2], y=[1, 2]), go.Histogram2dContour(x=[1, 2, 3], y=[1, 2, 1]),
              go.Image(z=np.zeros((2, 2, 3))), go.Pie(values=[1, 2]), go.Scatter(y=[1, 2]),
              go.Scatterternary(a=[1], b=[1], c=[1]), go.Violin(y=[1, 2, 3])]
    assert {t.type for t in traces} == set(bundle.CARTESIAN_TRACES)
    page = tmp_path / "all.html"
    divs = "".join(f'<div id="p{i}" style="width:300px;height:200px"></div>' for i in range(len(traces)))
    calls = "".join(f"Plotly.newPlot('p{i}', {go.Figure(t).to_json()});" for i, t in enumerate(traces))
    page.write_text(f"<!DOCTYPE html><html><body>{divs}{bundle.script('cartesian')}<script>{calls}</script></body></html>")
    tab = chromium.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda e: errors.append(str(e)))
    tab.goto(page.as_uri())
    tab.wait_for_function(f"document.querySelectorAll('.main-svg').length >= {len(traces)}")
    registered = set(tab.evaluate("Object.keys(Plotly.PlotSchema.get().traces)"))
    drawn = tab.evaluate("""Array.from(document.querySelectorAll('.js-plotly-plot')).map(
        (gd) => (gd._fullData.length && gd._fullData[0].visible === true && gd.querySelector('.main-svg') ? gd._fullData[0].type : null))""")
    tab.close()
    assert not errors
    assert set(bundle.CARTESIAN_TRACES) <= registered
    assert drawn == [t.type for t in traces]


def test_figures_pick_the_build_unless_they_need_the_full_library():
    html = vk.imshow(np.arange(6.0).reshape(2, 3)).to_html(backend="plotly")
    assert 'data-plotlyjs="cartesian"' in html
    lunar = go.Figure(go.Scatter(x=["2020-01-01"], y=[1]), layout={"xaxis": {"calendar": "chinese"}})
    assert bundle.bundle_for_types(bundle.figure_types(lunar)) == "full"
    assert bundle.plotlyjs_bundle(lunar.to_plotly_json()) == "full"
    assert bundle.plotlyjs_bundle(go.Figure(go.Scatter(y=[1], ycalendar="gregorian")).to_plotly_json()) == "cartesian"
    assert bundle.plotlyjs_bundle({"data": [{"type": "scatter3d"}]}) == "full"


@pytest.mark.parametrize("rows, cols", [(1, 1), (1, 3), (2, 2), (3, 4), (12, 12), (5, 1)])
def test_the_subplot_grid_is_make_subplots_layout(rows, cols):
    """The plotly backend lays panels out without ``make_subplots`` (a validated figure built only to read its
    layout back); the domains, anchors and panel titles must be exactly what ``make_subplots`` gives."""
    from plotly.subplots import make_subplots

    from vizkit.backends.plotly.figure import subplot_grid

    titles = [f"<b>panel</b> {i}" if i % 3 else "" for i in range(rows * cols)]
    for given in (titles, None, titles[:2]):
        hs, vs = (min(0.08, 0.4 / cols) if cols > 1 else 0.2 / cols), (min(0.12, 0.5 / rows) if rows > 1 else 0.3 / rows)
        ref = make_subplots(rows=rows, cols=cols, subplot_titles=given, horizontal_spacing=hs, vertical_spacing=vs)
        ref = ref.update_annotations(font_size=11).layout.to_plotly_json()
        ref.pop("template")
        assert subplot_grid(rows, cols, given, hs, vs, 11) == ref


def test_a_drawn_figure_is_a_plotly_subplots_figure():
    """``fig.to("plotly")`` takes plotly's row/col API (add_hline(row="all"), update_xaxes(row=, col=)) as a
    make_subplots figure does."""
    from plotly.subplots import make_subplots

    native = vk.imshow(np.arange(24.0).reshape(4, 2, 3), facet_col=0, facet_col_wrap=2).to("plotly")
    ref = make_subplots(rows=2, cols=2)
    assert native._grid_ref == ref._grid_ref and native._grid_str == ref._grid_str
    native.add_hline(y=1, row="all", col="all")
    native.update_xaxes(title_text="key", row=2, col=1)
    assert len(native.layout.shapes) == 4 and native.layout.xaxis3.title.text == "key"
