"""Backend precedence: per call → use_backend → set_backend → VIZKIT_BACKEND → plotly."""

import threading

import numpy as np
import pytest

import vizkit as vk
from vizkit.backends import resolve
from vizkit.errors import BackendError, UnsupportedFigureError


def test_default_is_plotly():
    assert vk.get_backend() == "plotly"


def test_precedence(monkeypatch):
    fig = vk.imshow(np.eye(2))
    monkeypatch.setenv("VIZKIT_BACKEND", "bokeh")
    assert vk.get_backend() == "bokeh"
    vk.set_backend("holoviews")
    assert vk.get_backend() == "holoviews"
    with vk.use_backend("matplotlib"):
        assert vk.get_backend() == "matplotlib"
        assert resolve(fig).NAME == "matplotlib"
        assert resolve(fig, "plotly").NAME == "plotly"  # per call wins
        assert resolve(fig.replace(backend="bokeh")).NAME == "bokeh"  # per-figure call wins
    assert vk.get_backend() == "holoviews"
    vk.set_backend(None)
    assert vk.get_backend() == "bokeh"


def test_scoped_backend_does_not_leak_into_other_threads():
    seen = {}
    inside = threading.Event()
    release = threading.Event()

    def worker():
        inside.wait(5)
        seen["other"] = vk.get_backend()
        release.set()

    t = threading.Thread(target=worker)
    t.start()
    with vk.use_backend("matplotlib"):
        inside.set()
        release.wait(5)
        seen["mine"] = vk.get_backend()
    t.join()
    assert seen == {"mine": "matplotlib", "other": "plotly"}


def test_unknown_backend_names_the_choices(monkeypatch):
    with pytest.raises(BackendError, match="unknown backend 'plotlyy'.*'plotly'"):
        vk.set_backend("plotlyy")
    monkeypatch.setenv("VIZKIT_BACKEND", "nope")
    with pytest.raises(BackendError, match="unknown backend 'nope'"):
        vk.get_backend()


def test_unsupported_pair_names_backends_that_can():
    fig = vk.imshow(np.eye(2))
    with pytest.raises(UnsupportedFigureError, match="cannot draw 'imshow'.*'plotly', 'bokeh', 'holoviews', 'matplotlib'"):
        resolve(fig, "circuitsvis")


def test_a_wrong_backend_or_theme_fails_at_the_call_not_when_the_figure_shows():
    """In a notebook an error raised while displaying is easy to miss; the figure call itself must raise."""
    with pytest.raises(BackendError, match="unknown backend 'plotlyy'"):
        vk.imshow(np.eye(2), backend="plotlyy")
    with pytest.raises(UnsupportedFigureError, match="cannot draw 'patching'.*backends that can: 'plotly'"):
        vk.patching(np.eye(2), dims=("layer", "pos"), backend="circuitsvis")
    with pytest.raises(vk.VizkitError, match="unknown theme 'papr'"):
        vk.line([1.0, 2.0], theme="papr")
    assert vk.attention(np.eye(3)[None], backend="circuitsvis").backend == "circuitsvis"


def test_a_registered_backend_whose_module_is_missing(monkeypatch):
    """Selecting it says so; it never breaks the error that names the backends that can draw a figure."""
    from vizkit import backends

    monkeypatch.setitem(backends._REGISTRY, "broken", "vizkit.backends.no_such_module")
    with pytest.raises(BackendError, match="'broken' is registered as 'vizkit.backends.no_such_module', which does not exist"):
        vk.imshow(np.eye(2)).to("broken")
    with pytest.raises(UnsupportedFigureError, match="backends that can: 'plotly', 'bokeh', 'holoviews', 'matplotlib'. Pass"):
        resolve(vk.imshow(np.eye(2)), "circuitsvis")


def test_theme_precedence(monkeypatch):
    assert vk.get_theme() == "default"
    monkeypatch.setenv("VIZKIT_THEME", "dark")
    assert vk.get_theme() == "dark"
    with vk.use_theme("paper"):
        assert vk.get_theme() == "paper"
    with pytest.raises(vk.VizkitError, match="unknown theme"):
        vk.set_theme("neon")
