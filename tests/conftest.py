"""Shared fixtures: a real headless Chromium, a real TransformerLens 4 model and cache.

Parallel runs (``make test`` runs ``pytest -n 2 --dist loadgroup``): every worker has its own
session, so its own ``chromium`` fixture and its own export browser pool (one of each per worker,
reused by every test there). Tests that share a module- or class-scoped fixture (a gallery server, a
trained model) are grouped onto one worker by :func:`pytest_collection_modifyitems`, so the
expensive fixture is built once; everything else is spread over the workers freely.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

from tests.browser.harness import CHROMIUM
from tests.browser.harness import browser as _browser

# This checkout's gallery/ as ``vizkit_gallery``: an installed vizkit maps the folder to that name, a source
# checkout run with ``PYTHONPATH=.`` has no such module. A temporary folder holding a ``vizkit_gallery`` link
# to ``gallery/`` goes first on ``sys.path`` and ``PYTHONPATH`` (for the processes tests start), so every
# test exercises this checkout's gallery.
GALLERY = Path(__file__).resolve().parents[1] / "gallery"


def _link_gallery() -> None:
    folder = Path(tempfile.mkdtemp(prefix="vizkit-gallery-path-"))
    (folder / "vizkit_gallery").symlink_to(GALLERY, target_is_directory=True)
    sys.path.insert(0, str(folder))
    os.environ["PYTHONPATH"] = os.pathsep.join([str(folder), *filter(None, [os.environ.get("PYTHONPATH")])])


if "vizkit_gallery" not in sys.modules:
    _link_gallery()


@pytest.fixture(scope="session")
def chromium():
    """A Playwright-driven Debian Chromium (never a downloaded browser)."""
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        pytest.fail(f"Debian's chromium is required at {CHROMIUM}: run the README's test command, which installs it")
    with _browser() as b:
        yield b


@pytest.fixture(scope="session", autouse=True)
def _close_export_browsers():
    """Close the library's export browsers when the session ends (a worker exits with no browser left behind)."""
    yield
    if "vizkit.export.browser" in sys.modules:
        sys.modules["vizkit.export.browser"].close()


def _shared_scope(item) -> str | None:
    """The node id of the widest module/class/package scope whose fixture ``item`` uses, or None."""
    info = getattr(item, "_fixtureinfo", None)
    scopes = []
    for defs in (info.name2fixturedefs.values() if info is not None else ()):
        for fixturedef in defs[-1:]:
            scope = getattr(fixturedef.scope, "value", fixturedef.scope)
            if scope == "session" and str(getattr(fixturedef, "baseid", "")).endswith(".py"):
                scope = "module"  # a session fixture of one test module (a JupyterLab run) is built once, on one worker
            if scope in ("package", "module", "class"):
                scopes.append((("class", "module", "package").index(scope), scope))
    if not scopes:
        return None
    widest = max(scopes)[1]
    node = item.getparent(pytest.Package if widest == "package" else pytest.Module if widest == "module" else pytest.Class)
    return node.nodeid if node is not None else item.nodeid.split("::")[0]


def pytest_collection_modifyitems(config, items):
    """Under pytest-xdist's ``--dist loadgroup``, keep tests that share an expensive fixture on one worker."""
    for item in items:
        group = _shared_scope(item)
        if group is not None and not item.get_closest_marker("xdist_group"):
            item.add_marker(pytest.mark.xdist_group(name=group))
    if getattr(config.option, "loadgroup", False) or getattr(config.option, "dist", None) == "loadgroup":
        for item in items:
            _group_in_nodeid(item)
        _longest_first(config, items)


#: Seconds each scheduling unit (an xdist group, or a single test) took in a recorded run: see
#: :func:`_longest_first`. Rewritten by ``VIZKIT_STORE_DURATIONS=tests/durations.json make test``.
DURATIONS = Path(__file__).with_name("durations.json")


def _scope(nodeid: str) -> str:
    """The xdist loadgroup scheduling unit of a test: its group (after ``@``), or the test itself."""
    return nodeid.rpartition("@")[2] if "@" in nodeid else nodeid


def _longest_first(config, items) -> None:
    """Order the collection so the scheduling units that took longest in a recorded run come first.

    xdist hands the units to the workers in collection order (its own reordering, by test count, is turned
    off: ``--no-loadscope-reorder`` in the Makefile), so long units (the gallery sweep, the JupyterLab tour)
    start at once and short tests fill in at the end, instead of one worker running a long unit alone while
    the other idles. Units with no record keep their collection order, after the recorded ones.
    """
    import json

    try:
        seconds = json.loads(DURATIONS.read_text())
    except (OSError, ValueError):
        return
    order = {nodeid: i for i, nodeid in enumerate(item.nodeid for item in items)}
    items.sort(key=lambda item: (-float(seconds.get(_scope(item.nodeid), 0.0)), order[item.nodeid]))


_recorded: dict[str, float] = {}


def pytest_runtest_logreport(report):
    """Under ``VIZKIT_STORE_DURATIONS``, add up each scheduling unit's setup, call and teardown time."""
    if os.environ.get("VIZKIT_STORE_DURATIONS"):
        scope = _scope(report.nodeid)
        _recorded[scope] = _recorded.get(scope, 0.0) + report.duration


def pytest_sessionfinish(session):
    """Write the recorded unit durations (units over a second; the controller's, under xdist)."""
    path = os.environ.get("VIZKIT_STORE_DURATIONS")
    if path and _recorded and not hasattr(session.config, "workerinput"):
        import json

        kept = {k: round(v, 1) for k, v in sorted(_recorded.items(), key=lambda kv: -kv[1]) if v >= 1.0}
        Path(path).write_text(json.dumps(kept, indent=1) + "\n")


def _group_in_nodeid(item) -> None:
    """Give ``item`` the ``nodeid@group`` id that pytest-xdist's loadgroup scheduler groups by.

    xdist (3.8) writes it to ``item._nodeid``, which pytest 9.2 no longer reads (the id lives in
    ``item._id``), so without this every group is silently split over the workers and each worker
    builds the shared fixture again (a gallery server, a JupyterLab run).
    """
    names = sorted({str(m.args[0] if m.args else m.kwargs.get("name", "default")) for m in item.iter_markers("xdist_group")})
    if not names or "@" in item.nodeid:
        return
    wanted = f"{item.nodeid}@{'_'.join(names)}"
    try:
        from _pytest.nodeid import coerce_node_id
    except ImportError:  # an older pytest reads item._nodeid, which xdist sets itself
        return
    new = coerce_node_id(wanted)
    if str(new) == wanted:
        item._id = new


@pytest.fixture(autouse=True)
def _clean_backend_settings(monkeypatch):
    """Every test starts on the default backend and theme."""
    import vizkit._config as cfg

    monkeypatch.delenv("VIZKIT_BACKEND", raising=False)
    monkeypatch.delenv("VIZKIT_THEME", raising=False)
    monkeypatch.setattr(cfg, "_options", {})  # vk.set_option settings
    monkeypatch.setitem(cfg._global, "backend", None)
    monkeypatch.setitem(cfg._global, "theme", None)
    yield


_first_states: dict[int, dict] = {}


@pytest.fixture(autouse=True)
def _same_random_draws_in_any_order(request):
    """Every test draws the same random data whatever ran before it on its worker.

    Test modules share seeded ``np.random.Generator`` objects at module level (``RNG = default_rng(7)``); under
    ``--dist loadgroup`` with longest-first ordering the tests before one differ from run to run, so without
    this a test's data (and a threshold it crosses) would depend on the schedule: each generator of the
    test's module is put back to the state it had before the first test drew from it, and the global
    numpy and torch generators are seeded.
    """
    import numpy as np

    for value in list(vars(request.module).values()) if request.module is not None else ():
        if isinstance(value, np.random.Generator):
            first = _first_states.setdefault(id(value), value.bit_generator.state)
            value.bit_generator.state = first
    np.random.seed(0)
    if "torch" in sys.modules:
        sys.modules["torch"].manual_seed(0)
    yield
