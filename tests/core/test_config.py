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


# ---------------------------------------------------------------------------------------------
# The registry: declarations as data, third-party backends by entry point


def _run(code: str, *, path: str | None = None) -> str:
    import os
    import subprocess
    import sys

    env = dict(os.environ)
    if path:
        env["PYTHONPATH"] = os.pathsep.join([path, env.get("PYTHONPATH", "")])
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env).stdout.strip()


def test_listing_capabilities_imports_no_backend_and_no_figure_module():
    code = ("import sys, vizkit.backends as b\n"
            "m = b.support_matrix_markdown(); b.backends_for('tokens'); b.support_matrix(['imshow'])\n"
            "print(sorted(n for n in sys.modules if n.startswith(('vizkit.backends.', 'vizkit.figures'))))\n"
            "print('| `attention` | ✓ | ✓ | ✓ | ✓ | ✓ |' in m)")
    loaded, row = _run(code).splitlines()
    assert loaded == "[]" and row == "True"


def test_declarations_agree_with_each_backend_module():
    from vizkit import backends

    for name in backends.names():
        module = backends.load(name)
        assert module.NAME == name
        assert module.KINDS == backends.declared_kinds(name)
        assert frozenset(module.FORMATS) == backends.declared_formats(name)


def test_a_backend_registered_at_run_time_is_listed_and_refused_for_kinds_it_does_not_draw():
    from vizkit import backends

    backends.register("toy", "vizkit.backends.plotly", kinds={"line"}, formats={"html"}, aliases=("ty",))
    try:
        assert "toy" in backends.names() and backends.check_backend_name("ty") == "toy"
        assert "toy" in backends.backends_for("line") and "toy" not in backends.backends_for("imshow")
        assert "toy" not in backends.backends_for("line", "png")
        with pytest.raises(UnsupportedFigureError, match="'toy' backend cannot draw 'imshow'"):
            resolve(vk.imshow(np.eye(2)), "ty")
    finally:
        backends.unregister("toy")
    with pytest.raises(BackendError, match="unknown backend 'ty'"):
        backends.check_backend_name("ty")


def test_third_party_backends_register_through_an_entry_point(tmp_path):
    """A package declares ``[vizkit.backends] toy = toy_backend``; vizkit finds it without importing it first."""
    dist = tmp_path / "toy_backend-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: toy-backend\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text("[vizkit.backends]\ntoy = toy_backend\n")
    (tmp_path / "toy_backend.py").write_text("NAME = 'toy'\nKINDS = frozenset({'line'})\nFORMATS = frozenset({'png'})\n")
    code = ("import sys, vizkit.backends as b\n"
            "print(b.names()[-1], 'toy_backend' in sys.modules)\n"
            "print(b.backends_for('line')[-1], b.supports('toy', 'imshow'), sorted(b.declared_formats('toy')))")
    first, second = _run(code, path=str(tmp_path)).splitlines()
    assert first == "toy False"  # listed from the entry point, not imported
    assert second == "toy False ['png']"  # its declarations read from its module when needed
