"""The gallery's examples, seen from the app: discovery, parameters, cached builds and thumbnails.

Everything here is shared by every browser session of one server process (one :class:`Catalog`
per examples folder): an example module is imported once, a figure built once per parameter set
(a bounded LRU cache), a thumbnail drawn once per version of the example's source (a PNG on disk).
Nothing here imports Panel, so the plain tests can use it without a server.

The sidebar needs every example's title and category before any example is imported: they are
read from the source with :mod:`ast` (docstring, ``CATEGORY``, ``ORDER``), so the first page does
not wait for torch or a model to load. The example is imported when it is first shown.
"""

from __future__ import annotations

import ast
import collections
import hashlib
import inspect
import os
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

THUMB_WIDTH = 240  # CSS px of a thumbnail PNG (shown at half that in the sidebar: crisp on HiDPI)
THUMB_VERSION = "1"  # bump when the thumbnails' look changes: every cached thumbnail is redrawn
DEFAULT_ORDER = 100
DEFAULT_CATEGORY = "Other"
# The matplotlib backend draws inside ``rc_context``, which changes process-wide rcParams: the gallery
# draws with matplotlib (thumbnails, matplotlib views, SVG of CircuitsVis figures) one figure at a time.
MPL_LOCK = threading.RLock()


# ---------------------------------------------------------------------------------------------
# Parameters


@dataclass(frozen=True)
class ParamSpec:
    """One entry of an example's ``PARAMS``: a select, a free text box or an integer slider."""

    name: str
    kind: str  # "select" | "text" | "int" | "float"
    default: Any
    options: tuple = ()
    bounds: tuple | None = None

    @staticmethod
    def of(name: str, spec: Any, default: Any = inspect.Parameter.empty) -> ParamSpec:
        """The widget description of ``PARAMS[name] = spec``, with ``build``'s default for ``name``."""
        has_default = default is not inspect.Parameter.empty
        if isinstance(spec, str):
            return ParamSpec(name, "text", default if has_default and isinstance(default, str) else spec)
        if isinstance(spec, tuple) and len(spec) == 2 and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in spec):
            lo, hi = spec
            kind = "int" if all(isinstance(v, int) for v in spec) else "float"
            ok = has_default and isinstance(default, (int, float)) and not isinstance(default, bool) and lo <= default <= hi
            return ParamSpec(name, kind, default if ok else lo, bounds=(lo, hi))
        if isinstance(spec, (list, tuple)) and spec:
            options = tuple(spec)
            return ParamSpec(name, "select", default if has_default and default in options else options[0], options=options)
        raise ValueError(f"PARAMS[{name!r}] must be a list of values, a default string or an (lo, hi) tuple; got {spec!r}")


def option_label(value: Any) -> str:
    """How a select shows one of its values (``None`` reads as "all")."""
    return "all" if value is None else str(value)


# ---------------------------------------------------------------------------------------------
# Examples


@dataclass
class Example:
    """One ``gallery/examples/*.py`` file: what the sidebar shows, and the module once imported."""

    name: str
    path: Path
    title: str
    description: str
    category: str
    order: float
    source: str
    digest: str  # of the source: keys the figure cache and the thumbnail file
    has_on_click: bool
    _module: Any = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def read(cls, name: str, path: Path) -> Example:
        source = path.read_text(encoding="utf-8")
        meta = _static_meta(source)
        doc = meta.get("__doc__") or ""
        title, _, rest = doc.strip().partition("\n")
        return cls(
            name=name, path=path, title=title.strip().rstrip(".") or name.replace("_", " ").capitalize(),  # a heading, not a sentence
            description=inspect.cleandoc(rest).strip(), category=str(meta.get("CATEGORY") or DEFAULT_CATEGORY),
            order=meta.get("ORDER") if isinstance(meta.get("ORDER"), (int, float)) else DEFAULT_ORDER,
            source=source, digest=hashlib.sha256(source.encode("utf-8")).hexdigest()[:16],
            has_on_click=bool(meta.get("on_click")),
        )

    def module(self):
        """The imported example module (imported on first use, once per process)."""
        with self._lock:
            if self._module is None:
                from vizkit.cli import load_example

                self._module = load_example(self.name, self.path)
                # The module is the truth once imported (CATEGORY or ORDER may be computed).
                self.has_on_click = callable(getattr(self._module, "on_click", None))
            return self._module

    def params(self) -> list[ParamSpec]:
        """The example's ``PARAMS`` as widget descriptions (imports the example)."""
        module = self.module()
        raw = getattr(module, "PARAMS", None) or {}
        try:
            defaults = {k: p.default for k, p in inspect.signature(module.build).parameters.items()}
        except (TypeError, ValueError):
            defaults = {}
        return [ParamSpec.of(k, v, defaults.get(k, inspect.Parameter.empty)) for k, v in raw.items()]

    def default_params(self) -> dict:
        return {p.name: p.default for p in self.params()}


def _static_meta(source: str) -> dict:
    """Docstring, ``CATEGORY``, ``ORDER`` and whether ``on_click`` is defined, read without importing."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return {}
    meta: dict[str, Any] = {"__doc__": ast.get_docstring(tree)}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == "on_click":
            meta["on_click"] = True
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) and node.value else []
        for target in targets:
            if isinstance(target, ast.Name) and target.id in ("CATEGORY", "ORDER"):
                try:
                    meta[target.id] = ast.literal_eval(node.value)
                except ValueError:
                    pass
    return meta


def default_examples_dir() -> Path:
    return Path(__file__).resolve().parent / "examples"


class BuildError(Exception):
    """An example's ``build``/``on_click`` failed; the message names the example and the cause."""


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
        from vizkit.cli import example_files

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
        self.views = LRUCache(export_cache_size)  # PNGs and iframes shown in pages (see gallery.app._prepare)
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

        key = (fig.to_json(sort_keys=True), fmt, None if fmt == "json" else backend)
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


def _freeze(params: dict) -> tuple:
    return tuple(sorted((k, repr(v)) for k, v in params.items()))


def _call_args(xy: dict, params: dict) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in {**xy, **params}.items())


# ---------------------------------------------------------------------------------------------
# Thumbnails


class Thumbnails:
    """Small PNGs of each example's default figure, drawn by the matplotlib backend in the background.

    A thumbnail is a file ``{name}-{key}.png`` under the thumbnail folder, where ``key`` hashes
    the example's source and :data:`THUMB_VERSION`: an edited example gets a new thumbnail, an
    unchanged one is never redrawn. One daemon thread draws the missing ones, one at a time, and
    only while no session is waiting for a figure.
    """

    def __init__(self, catalog: Catalog, folder: Path):
        self.catalog = catalog
        self.folder = Path(folder)
        self.state: dict[str, str] = {}  # name → "ready" | "pending" | "failed"
        self.errors: dict[str, str] = {}
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        for name in catalog.examples:
            self.state[name] = "ready" if self.path(name).is_file() else "pending"

    def path(self, name: str) -> Path:
        ex = self.catalog.examples[name]
        key = hashlib.sha256(f"{ex.digest}:{THUMB_VERSION}".encode()).hexdigest()[:16]
        return self.folder / f"{name}-{key}.png"

    def get(self, name: str) -> bytes | None:
        try:
            return self.path(name).read_bytes()
        except OSError:
            return None

    def data_uri(self, name: str) -> str:
        import base64

        data = self.get(name)
        return "data:image/png;base64," + base64.b64encode(data).decode("ascii") if data else ""

    def missing(self) -> list[str]:
        return [n for n, s in self.state.items() if s == "pending"]

    def start(self) -> None:
        """Start drawing the missing thumbnails in a background thread (once per process)."""
        with self._lock:
            if self._thread is not None or not self.missing():
                return
            self._thread = threading.Thread(target=self._run, name="vizkit-gallery-thumbnails", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        for name in self.missing():
            self.catalog.wait_idle()
            try:
                self.make(name)
            except Exception as exc:  # a broken example keeps its placeholder; the others go on
                self.state[name] = "failed"
                self.errors[name] = f"{type(exc).__name__}: {exc}"
                traceback.print_exc()

    def make(self, name: str) -> Path:
        """Draw the thumbnail of ``name`` now (building its default figure) and write it atomically."""
        from vizkit.backends import load
        from vizkit.export.atomic import write_bytes
        from vizkit.spec import theme as themes

        fig = self.catalog.figure(name)
        mpl = load("matplotlib")
        theme = themes.get(fig.theme)
        with MPL_LOCK:
            width, _ = mpl.size(fig, theme)
            png = mpl.to_image(fig, "png", theme, scale=min(1.0, THUMB_WIDTH / max(1, width)))
        self.folder.mkdir(parents=True, exist_ok=True)
        path = write_bytes(self.path(name), png)
        self.state[name] = "ready"
        return path
