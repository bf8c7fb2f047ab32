"""Everything computed from the examples, shared by every browser session of one server process.

One :class:`Catalog` per examples folder: an example module is imported once, a figure built once
per parameter set (a bounded LRU cache), a file export made once per (figure, format, backend),
a thumbnail drawn once per version of the example's source (:mod:`.thumbnails`). Nothing here
imports Panel, so the plain tests can use it without a server.
"""

from __future__ import annotations

import collections
import hashlib
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .discovery import BuildError, Example, default_examples_dir, example_files
from .thumbnails import Thumbnails

# ---------------------------------------------------------------------------------------------
# A bounded cache whose keys are computed at most once at a time


class LRUCache:
    """A thread-safe LRU cache; ``get(key, compute)`` runs ``compute`` once even if asked twice at once."""

    def __init__(self, maxsize: int = 64):
        self.maxsize = maxsize
        self._data: collections.OrderedDict = collections.OrderedDict()
        self._lock = threading.Lock()
        self._pending: dict[Any, threading.Lock] = {}

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, key) -> bool:
        with self._lock:
            return key in self._data

    def get(self, key, compute: Callable[[], Any]):
        with self._lock:
            if key in self._data:
                self._data.move_to_end(key)
                return self._data[key]
            key_lock = self._pending.setdefault(key, threading.Lock())
        with key_lock:
            with self._lock:
                if key in self._data:
                    self._data.move_to_end(key)
                    return self._data[key]
            try:
                value = compute()  # an exception is not cached: the next request tries again
            finally:
                with self._lock:
                    self._pending.pop(key, None)
            with self._lock:
                self._data[key] = value
                while len(self._data) > self.maxsize:
                    self._data.popitem(last=False)
            return value


# ---------------------------------------------------------------------------------------------
# The catalog


def cache_dir() -> Path:
    """``$VIZKIT_CACHE_DIR``, else ``$XDG_CACHE_HOME/vizkit``, else ``~/.cache/vizkit``."""
    env = os.environ.get("VIZKIT_CACHE_DIR")
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "vizkit"


class Catalog:
    """The examples of one folder and everything computed from them, shared by all sessions."""

    def __init__(self, examples_dir: Path | None = None, *, thumbnail_dir: Path | None = None,
                 figure_cache_size: int = 64, export_cache_size: int = 32):
        self.examples_dir = Path(examples_dir) if examples_dir is not None else default_examples_dir()
        files = example_files(self.examples_dir) if self.examples_dir.is_dir() else {}
        examples = [Example.read(name, path) for name, path in files.items()]
        order = {}
        for ex in sorted(examples, key=lambda e: (e.order, e.name)):
            order.setdefault(ex.category, len(order))
        # Grouped by category (in the order of each category's first example), then by ORDER and name.
        self.examples: dict[str, Example] = {
            e.name: e for e in sorted(examples, key=lambda e: (order[e.category], e.order, e.name))}
        self.figures = LRUCache(figure_cache_size)
        self.exports = LRUCache(export_cache_size)
        self.views = LRUCache(export_cache_size)  # PNGs and iframes shown in pages (see vizkit_gallery.render.prepare_shared)
        # Examples share models and hooks (TransformerLens hooks are not thread-safe): one build at a time.
        self.build_lock = threading.RLock()
        self.thumbnails = Thumbnails(self, thumbnail_dir or cache_dir() / "thumbnails")
        self._busy = 0
        self._idle = threading.Condition()

    # -- what sessions ask for -----------------------------------------------------------------
    def categories(self) -> dict[str, list[Example]]:
        out: dict[str, list[Example]] = {}
        for ex in self.examples.values():
            out.setdefault(ex.category, []).append(ex)
        return out

    def figure(self, name: str, params: dict | None = None):
        """The figure of example ``name`` with ``params`` (built once, then cached)."""
        ex = self.examples[name]
        params = ex.default_params() if params is None else dict(params)
        key = ("build", name, ex.digest, _freeze(params))
        return self.figures.get(key, lambda: self._call(ex, "build", params))

    def linked_figure(self, name: str, x: str, y: str, params: dict):
        """``on_click(x, y, **params)`` of example ``name`` (cached like figures)."""
        ex = self.examples[name]
        key = ("on_click", name, ex.digest, str(x), str(y), _freeze(params))
        return self.figures.get(key, lambda: self._call(ex, "on_click", params, x=str(x), y=str(y)))

    def export(self, fig, fmt: str, backend: str | None) -> bytes:
        """The file content of ``fig`` in ``fmt`` through ``backend`` (``vizkit.export.to_bytes``, cached)."""
        from vizkit.export import to_bytes

        key = (_digest(fig), fmt, None if fmt == "json" else backend)
        return self.exports.get(key, lambda: to_bytes(fig, fmt, None if fmt == "json" else backend))

    def _call(self, ex: Example, what: str, params: dict, **xy):
        from vizkit.spec import Figure

        with self.busy():
            module = ex.module()
            func = getattr(module, what, None)
            if not callable(func):
                raise BuildError(f"example {ex.name!r} defines no {what}()")
            with self.build_lock:
                try:
                    fig = func(**xy, **params)
                except Exception as exc:
                    raise BuildError(f"{ex.name}.{what}({_call_args(xy, params)}) failed: {type(exc).__name__}: {exc}") from exc
            if not isinstance(fig, Figure):
                raise BuildError(f"{ex.name}.{what}() returned {type(fig).__name__}; expected a vizkit.Figure")
            return fig

    # -- interactive work has priority over thumbnails ---------------------------------------------
    def busy(self):
        catalog = self

        class _Busy:
            def __enter__(self):
                with catalog._idle:
                    catalog._busy += 1

            def __exit__(self, *exc):
                with catalog._idle:
                    catalog._busy -= 1
                    catalog._idle.notify_all()

        return _Busy()

    def wait_idle(self, settle: float = 0.5) -> None:
        """Block until no session has asked for anything for ``settle`` seconds."""
        with self._idle:
            while True:
                while self._busy:
                    self._idle.wait()
                if not self._idle.wait(settle) and not self._busy:
                    return


def _digest(fig) -> str:
    """A short key for a figure's content (the JSON itself would make every cache key megabytes long)."""
    return hashlib.sha256(fig.to_json(sort_keys=True).encode("utf-8")).hexdigest()


def _freeze(params: dict) -> tuple:
    return tuple(sorted((k, repr(v)) for k, v in params.items()))


def _call_args(xy: dict, params: dict) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in {**xy, **params}.items())
