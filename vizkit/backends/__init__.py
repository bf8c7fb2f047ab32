"""Backends: each translates a :class:`~vizkit.plan.Plan` into its library's native object.

Loading is by name (:func:`load`); what each backend draws and writes is declared as data in
:mod:`vizkit._registry` (re-exported here), so listing capabilities imports no backend module.
A backend module imports its plotting library only inside its functions: importing it to read
its declarations is cheap.

The backend contract
--------------------
A backend is a module (or package) defining:

``NAME``, ``KINDS``, ``FORMATS``
    its registry name, the figure kinds it draws (``"*"``: all) and the file formats it writes
    (the registry's declaration for a built-in backend; tests check that they agree).
``draw(plan) -> native``
    the native object (plotly Figure, bokeh layout, HoloViews object, matplotlib Figure,
    CircuitsVis ``RenderedHTML``) of a plan made by :func:`vizkit.plan.plan`. Everything the plan
    decides (size, cells, ticks, shared colour scale, fills, inks, captions, hover names, token
    boxes, display text) is read from it, never worked out again.
``render(fig, theme, **options) -> native``
    the same from a figure and a resolved theme (``draw(plan(fig, theme, **options))``).
``html_parts(plan) -> (head, body)``
    backends that write HTML: what goes in the page's ``<head>`` (library scripts and styles,
    inline) and its ``<body>`` (one element of class ``vizkit-figure`` with the plot). Export
    wraps them in one standalone page (:mod:`vizkit.export.pages`).
``STATIC``
    how export makes PNG, SVG and PDF:

    - ``"kaleido"``: export runs kaleido on ``draw(plan)`` (a plotly figure);
    - ``"browser"``: export screenshots the standalone page of ``html_parts(plan)`` (made with
      ``static=True``) in headless Chromium; optional ``SELECTOR`` (default ``.vizkit-figure``),
      ``READY_JS`` (truthy once drawn) and ``SVG_JS`` (the library's own SVG export);
      ``SVG_BACKEND`` names another backend that draws its SVG (CircuitsVis draws on canvases);
    - ``"native"``: the backend writes the bytes itself: ``image(plan, fmt, *, dpi) -> bytes``.
``INTERACTIVE``
    ``False`` for a backend that only draws pictures (matplotlib): its plans are always static.
``NOTEBOOK``
    what a notebook displays: ``"plotly"`` (plotly's mime JSON plus offline HTML), ``"iframe"``
    (the standalone page in an ``iframe srcdoc``; optional ``iframe_size(plan) -> (w, h)``) or
    ``"png"`` (``image(plan, "png", dpi=96)``).

Backends never import :mod:`vizkit.export`; export imports them (the layers are
spec → figures → plan → backends → export, checked by import-linter, see ``.importlinter``).
A backend not yet on the plan may still define the former ``render(fig, theme)``,
``to_html(fig, theme)``, ``mimebundle(fig, theme)`` and ``to_image(fig, fmt, theme, ...)``
without ``draw``/``STATIC``: export falls back to them.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from .._registry import (
    FIGURE_KINDS,
    MODULE_PATHS,
    backends_for,
    check_backend_name,
    declared_formats,
    declared_kinds,
    info,
    names,
    register,
    support_matrix,
    support_matrix_markdown,
    supports,
    unregister,
)
from ..errors import BackendError, UnsupportedFigureError

__all__ = ["load", "resolve", "render", "make_plan", "register", "unregister", "names", "check_backend_name",
           "supports", "backends_for", "support_matrix", "support_matrix_markdown", "declared_kinds",
           "declared_formats", "FIGURE_KINDS"]

#: ``{name: module path}``, a live view of the registry (setting an item registers a backend).
_REGISTRY = MODULE_PATHS


def load(name: str) -> ModuleType:
    """The backend module for ``name`` (imported now if it was not yet)."""
    entry = info(name)
    try:
        return importlib.import_module(entry.module)
    except ModuleNotFoundError as exc:
        if exc.name and entry.module.startswith(exc.name):
            raise BackendError(f"backend {entry.name!r} is registered as {entry.module!r}, which does not exist") from exc
        raise


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


def make_plan(fig, theme: str | None = None, *, static: bool = False):
    """The plan of ``fig`` with the theme in force (``theme``, else the figure's, else the setting)."""
    from .._config import resolve_theme
    from ..plan import plan

    return plan(fig, resolve_theme(theme or fig.theme), static=static)


def render(fig, backend: str | None = None, *, theme: str | None = None, static: bool = False):
    """The native object of ``fig`` in ``backend``."""
    module = resolve(fig, backend)
    if hasattr(module, "draw"):
        return module.draw(make_plan(fig, theme, static=static or not getattr(module, "INTERACTIVE", True)))
    from .._config import resolve_theme

    return module.render(fig, resolve_theme(theme or fig.theme))
