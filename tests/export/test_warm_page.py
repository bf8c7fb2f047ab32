"""Warm export pages (:mod:`vizkit.export.browser.page`): a bokeh or HoloViews export drawn in a page that already
holds BokehJS gives the same file as a fresh page, whatever was drawn in it before, and a failure never leaks."""

from __future__ import annotations

import numpy as np
import pytest

import vizkit as vk
from vizkit.export import to_bytes
from vizkit.export.browser import page as page_module

pytestmark = pytest.mark.browser


def _figures():
    rng = np.random.default_rng(3)
    first = vk.imshow(rng.random((4, 9)), dims=("layer", "pos"), x=[f"t{i}" for i in range(9)], title="first <b>figure</b>")
    second = vk.line({"a": np.arange(30) ** 0.5, "b": np.arange(30) * 0.1}, title="second figure")
    third = vk.attention(np.tril(rng.random((2, 7, 7))), tokens=list("abcdefg"), title="third figure")
    return first, second, third


_FRESH: dict = {}


def _fresh(fig, fmt, backend, monkeypatch):
    """The export as a fresh page draws it (the warm page turned off); each figure, format and backend drawn once
    for the module (the figures are rebuilt identically by :func:`_figures`, so their HTML is the key)."""
    key = (fig.to_html(backend=backend), fmt, backend)
    if key not in _FRESH:
        with monkeypatch.context() as m:
            module = vk.backends.load(backend)
            m.delattr(module, "RESET_JS")
            _FRESH[key] = to_bytes(fig, fmt, backend)
    return _FRESH[key]


@pytest.mark.parametrize("backend", ["bokeh", "holoviews"])
def test_warm_page_exports_equal_fresh_page_exports_in_any_order(backend, monkeypatch):
    figs = _figures()
    cases = [(0, "png"), (1, "png"), (2, "png"), (0, "pdf")]
    fresh = {(i, fmt): _fresh(figs[i], fmt, backend, monkeypatch) for i, fmt in cases}
    page_module.close_warm_pages()
    # A, B, C, A as PDF (a capture style added and taken out), then A and C again: each as the fresh page drew it,
    # whatever the warm page drew before
    for case in [*cases, (0, "png"), (2, "png")]:
        assert to_bytes(figs[case[0]], case[1], backend) == fresh[case], f"figure {case[0]} as {case[1]} differs in the warm page"
    assert page_module._WARM, "the exports did not use a warm page"
    svg = to_bytes(figs[0], "svg", backend).decode()
    assert "first &lt;b&gt;figure&lt;/b&gt;" in svg or "first <b>figure</b>" not in svg  # the title is text, not markup
    assert "second figure" not in svg and "third figure" not in svg  # nothing left from the earlier figures


def test_a_failed_export_drops_its_warm_page(monkeypatch):
    fig = _figures()[0]
    page_module.close_warm_pages()
    to_bytes(fig, "png", "bokeh")
    (held,) = page_module._WARM.values()
    module = vk.backends.load("bokeh")
    monkeypatch.setattr(module, "READY_JS", "(() => { throw new Error('planted'); })()")
    with pytest.raises(vk.errors.ExportError, match="planted"):
        to_bytes(fig, "png", "bokeh", timeout=20)
    assert held not in page_module._WARM.values() and held.page.is_closed()
    monkeypatch.undo()
    assert to_bytes(fig, "png", "bokeh") == _fresh(fig, "png", "bokeh", monkeypatch)


def test_concurrent_exports_each_get_their_figure_and_leave_one_warm_page(monkeypatch):
    from concurrent.futures import ThreadPoolExecutor

    from vizkit.export.browser.pool import POOL

    figs = _figures()
    fresh = [_fresh(f, "png", "bokeh", monkeypatch) for f in figs]
    page_module.close_warm_pages()
    browser = POOL.running(page_module.PAGES)
    assert not page_module._WARM and len(browser.contexts) == 0
    with ThreadPoolExecutor(4) as pool:  # the pool's loop interleaves them: a busy warm page sends one to a fresh page
        got = list(pool.map(lambda i: to_bytes(figs[i % 3], "png", "bokeh"), range(9)))
    assert got == [fresh[i % 3] for i in range(9)]
    warm = len(page_module._WARM)  # one per library page (a figure with text Divs also loads BokehJS' widgets)
    assert 1 <= warm <= 3
    assert len(browser.contexts) == warm, "an export left its page open"  # the warm pages' contexts, nothing else
