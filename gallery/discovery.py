"""The gallery's examples, found and read: one ``examples/*.py`` file per example.

An example is a module with a docstring (its title on the first line, then its description), a
``CATEGORY``, optionally an ``ORDER``, a ``PARAMS`` table and ``build(**params) -> vizkit.Figure``
(and ``on_click(x, y, **params)`` for a linked view). The sidebar needs every title and category
before any example is imported: they are read from the source with :mod:`ast`, so the first page
does not wait for torch or a model to load. The example is imported when it is first shown.

``vizkit export`` finds the examples through this module too (:func:`example_files`,
:func:`load_example`); nothing here imports Panel or any plotting library.
"""

from __future__ import annotations

import ast
import hashlib
import importlib
import importlib.util
import inspect
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vizkit import VizkitError

DEFAULT_ORDER = 100
DEFAULT_CATEGORY = "Other"


def default_examples_dir() -> Path:
    """The gallery's own ``examples`` folder."""
    return Path(__file__).resolve().parent / "examples"


def example_files(examples_dir: str | Path | None = None) -> dict[str, Path]:
    """``{name: path}`` of the examples in ``examples_dir`` (``*.py`` files not starting with ``_``), sorted by name.

    Raises
    ------
    VizkitError
        If ``examples_dir`` is not a folder.
    """
    folder = default_examples_dir() if examples_dir is None else Path(examples_dir)
    if not folder.is_dir():
        raise VizkitError(f"--examples-dir {str(folder)!r} is not a folder; expected a folder of example .py files")
    return {p.stem: p for p in sorted(folder.glob("*.py")) if not p.name.startswith("_")}


def load_example(name: str, path: Path):
    """Import the example module at ``path``.

    The gallery's own examples are imported as ``<this package>.examples.NAME`` (so they can import
    ``._shared``); an example from another folder as a standalone module ``vizkit_example_NAME``.
    """
    path = Path(path)
    if path.resolve().parent == default_examples_dir():
        return importlib.import_module(f"{__package__}.examples.{name}")
    spec = importlib.util.spec_from_file_location(f"vizkit_example_{name}", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


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


class BuildError(Exception):
    """An example's ``build``/``on_click`` failed; the message names the example and the cause."""
