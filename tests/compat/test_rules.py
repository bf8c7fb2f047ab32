"""The rules every compat helper shares: each figure draws in every backend; a keyword a backend
cannot honour warns once, naming it, and only when that backend draws; nothing is dropped silently."""

from __future__ import annotations

import re
import warnings

import pytest

import vizkit as vk
from tests.compat.conftest import RNG
from vizkit.compat import arena
from vizkit.compat import neel_plotly as npl
from vizkit.compat._figure import CompatWarning

CALLS = {
    "neel imshow facets": lambda: npl.imshow(RNG.normal(size=(2, 3, 4)), facet_col=0, facet_labels=["a", "b"], return_fig=True),
    "neel line animated": lambda: npl.line(RNG.normal(size=(3, 2, 5)), animation_frame=0, return_fig=True),
    "neel scatter diag": lambda: npl.scatter(RNG.normal(size=9), RNG.normal(size=9), include_diag=True, return_fig=True),
    "neel histogram": lambda: npl.histogram(RNG.normal(size=(50, 2)), return_fig=True),
    "arena bar": lambda: arena.bar([RNG.normal(size=4), RNG.normal(size=4)], names=["a", "b"], return_fig=True),
    "arena hist": lambda: arena.hist(RNG.normal(size=60), add_mean_line=True, return_fig=True),
    "arena scatter": lambda: arena.scatter(RNG.normal(size=9), RNG.normal(size=9), add_line="y=0", return_fig=True),
}


@pytest.mark.parametrize("backend", ["plotly", "bokeh", "holoviews", "matplotlib"])
@pytest.mark.parametrize("call", list(CALLS))
def test_every_backend_draws_compat_figures_without_warnings(call, backend):
    fig = CALLS[call]()
    with warnings.catch_warnings():
        warnings.simplefilter("error", CompatWarning)
        assert fig.to(backend) is not None


def test_plotly_only_keyword_warns_only_in_other_backends():
    fig = npl.imshow(RNG.normal(size=(3, 3)), template="plotly_dark", text_auto=".2f", return_fig=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error", CompatWarning)
        native = fig.to("plotly")
    assert native.layout.template.layout.paper_bgcolor is not None  # plotly_dark applied
    assert native.data[0].texttemplate == "%{text}"  # text_auto is drawn by vk.imshow itself, in every backend
    shown = [re.sub(r"<[^>]+>", "", t) for t in native.data[0].text[0]]
    assert shown == [f"{v:.2f}" for v in fig.panels[0].marks[0].z[0]]
    with pytest.warns(CompatWarning) as record:
        fig.to("bokeh")
    (w,) = [w for w in record if issubclass(w.category, CompatWarning)]
    assert "template" in str(w.message) and "text_auto" not in str(w.message) and "'bokeh'" in str(w.message)


def test_keyword_no_backend_draws_warns_everywhere():
    fig = npl.line(RNG.normal(size=5), line_shape="spline", return_fig=True)
    for backend in ("plotly", "matplotlib"):
        with pytest.warns(CompatWarning, match="line_shape"):
            fig.to(backend)


def test_global_backend_setting_draws_the_display(monkeypatch):
    shown = []
    monkeypatch.setattr("vizkit.export.notebook.show", lambda fig, backend=None: shown.append(backend))
    vk.set_backend("matplotlib")
    with pytest.warns(CompatWarning, match="hovermode"):
        arena.line(RNG.normal(size=5), hovermode="closest")
    assert shown == ["matplotlib"]


def test_saved_html_in_plotly_carries_plotly_extras(tmp_path):
    fig = arena.line(RNG.normal(size=5), yaxis_tickformat=".0%", return_fig=True)
    path = fig.save(tmp_path / "line.html")
    page = (tmp_path / "line.html").read_text()
    assert path.endswith("line.html") and '"tickformat":".0%"' in page.replace(" ", "")


def test_notebook_display_in_plotly_carries_plotly_extras():
    fig = arena.bar(RNG.normal(size=4), return_fig=True)
    bundle = fig._repr_mimebundle_()
    assert bundle["application/vnd.plotly.v1+json"]["layout"]["hovermode"] == "x unified"
    assert bundle["text/plain"].startswith("<vizkit.Figure kind='bar'")


@pytest.mark.parametrize("save", ["method", "vk.save"])
def test_every_way_of_saving_carries_plotly_extras(tmp_path, save):
    """``vk.save(fig, ...)`` (and the CLI, which goes through it) writes what ``fig.save`` writes: the extras applied."""
    fig = arena.line(RNG.normal(size=5), yaxis_tickformat=".0%", return_fig=True)
    write = fig.save if save == "method" else (lambda path, **kw: vk.save(fig, path, **kw))
    write(tmp_path / "line.html")
    assert '"tickformat":".0%"' in (tmp_path / "line.html").read_text().replace(" ", "")
    write(tmp_path / "line.svg")
    svg = (tmp_path / "line.svg").read_text()
    yticks = re.findall(r'<g class="ytick"><text[^>]*>([^<]*)</text>', svg)
    assert yticks and all(t.endswith("%") for t in yticks), yticks
    with pytest.warns(CompatWarning, match="tickformat"):
        vk.save(fig, tmp_path / "line.png", backend="matplotlib")
    assert (tmp_path / "line.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
