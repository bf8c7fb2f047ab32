"""The backend registry: names → module paths, imported on first use.

A backend module is a plain module (``vizkit.backends.plotly`` ...) that imports its plotting
library only inside its functions, so importing the module to read its declarations is cheap.
It defines:

``NAME``
    the registry name.
``KINDS``
    the figure kinds it can draw (``"*"`` for all).
``FORMATS``
    the file formats it can write (``{"html", "png", "svg", "pdf"}`` or a subset).
``render(fig, theme) -> native``
    the native object (plotly Figure, bokeh layout, HoloViews object, matplotlib Figure, ...).
``to_html(fig, theme) -> str``
    standalone HTML with every asset inline (interactive backends).
``mimebundle(fig, theme) -> dict``
    what a notebook displays.
``to_image(fig, fmt, theme, *, scale, width, height, timeout) -> bytes``
    static export (optional).
"""

from __future__ import annotations

import importlib
from types import ModuleType

from ..errors import BackendError, UnsupportedFigureError

_REGISTRY: dict[str, str] = {
    "plotly": "vizkit.backends.plotly",
    "bokeh": "vizkit.backends.bokeh",
    "holoviews": "vizkit.backends.holoviews",
    "matplotlib": "vizkit.backends.matplotlib",
    "circuitsvis": "vizkit.backends.circuitsvis",
}
_ALIASES = {"mpl": "matplotlib", "hv": "holoviews", "cv": "circuitsvis"}


def register(name: str, module_path: str) -> None:
    """Register a backend module by import path (nothing is imported now)."""
    _REGISTRY[name] = module_path


def names() -> list[str]:
    """All registered backend names, in the registry's order."""
    return list(_REGISTRY)


def check_backend_name(name: str) -> str:
    if not isinstance(name, str):
        raise BackendError(f"a backend name must be a string; got {type(name).__name__}")
    name = _ALIASES.get(name, name)
    if name not in _REGISTRY:
        raise BackendError(f"unknown backend {name!r}; expected one of {names()}")
    return name


def load(name: str) -> ModuleType:
    """The backend module for ``name`` (imported now if it was not yet)."""
    name = check_backend_name(name)
    try:
        return importlib.import_module(_REGISTRY[name])
    except ModuleNotFoundError as exc:
        if exc.name and _REGISTRY[name].startswith(exc.name):
            raise BackendError(f"backend {name!r} is registered as {_REGISTRY[name]!r}, which does not exist") from exc
        raise


def supports(name: str, kind: str) -> bool:
    kinds = load(name).KINDS
    return kinds == "*" or kind in kinds


def backends_for(kind: str) -> list[str]:
    """The backends that can draw figures of ``kind`` (a registered backend whose module is missing is left out)."""
    out = []
    for n in names():
        try:
            if supports(n, kind):
                out.append(n)
        except BackendError:
            continue
    return out


def support_matrix(kinds: list[str]) -> dict[str, dict[str, bool]]:
    """``{kind: {backend: bool}}`` from each backend's own declaration."""
    return {k: {n: supports(n, k) for n in names()} for k in kinds}


def resolve(fig, backend: str | None = None) -> ModuleType:
    """The module that draws ``fig``: ``backend``, then ``fig.backend``, then the setting in force.

    Raises :class:`UnsupportedFigureError` naming the backends that can draw the figure.
    """
    from .._config import get_backend

    name = get_backend(backend if backend is not None else fig.backend)
    module = load(name)
    if not supports(name, fig.kind):
        can = ", ".join(repr(n) for n in backends_for(fig.kind))
        raise UnsupportedFigureError(
            f"the {name!r} backend cannot draw {fig.kind!r} figures; backends that can: {can}. "
            f"Pass backend=... or use vk.use_backend(...)."
        )
    return module


def render(fig, backend: str | None = None, *, theme: str | None = None):
    """The native object of ``fig`` in ``backend``."""
    from ..spec import theme as themes

    module = resolve(fig, backend)
    return module.render(fig, themes.get(theme or fig.theme))


def support_matrix_markdown() -> str:
    """The figure-kind × backend table of ``docs/backends.md``, from the backends' declarations."""
    from ..figures import KINDS

    matrix = support_matrix(list(KINDS))
    head = "| figure kind | " + " | ".join(names()) + " |"
    rule = "|---|" + "---|" * len(names())
    rows = [f"| `{k}` | " + " | ".join("✓" if matrix[k][n] else "—" for n in names()) + " |" for k in KINDS]
    formats = "| file formats | " + " | ".join(", ".join(sorted(load(n).FORMATS)) for n in names()) + " |"
    return "\n".join([head, rule, *rows, formats]) + "\n"
