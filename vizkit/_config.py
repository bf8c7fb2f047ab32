"""Backend and theme settings.

Precedence for the backend that draws a figure:
per-call ``backend=`` → :func:`use_backend` (scoped, contextvars) → :func:`set_backend`
→ the ``VIZKIT_BACKEND`` environment variable → ``"plotly"``.

Scoped settings live in :mod:`contextvars`, so a ``use_backend`` block in one thread or
asyncio task never leaks into another.

This module sits above the registry (:mod:`vizkit._registry`, names checked without importing a
backend) and the themes (:mod:`vizkit.spec.theme`); nothing below it imports it. Callers resolve
the theme in force here (:func:`resolve_theme`) and hand the ``Theme`` down.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ._registry import check_backend_name as _check_backend

if TYPE_CHECKING:
    from .spec.theme import Theme

DEFAULT_BACKEND = "plotly"
DEFAULT_THEME = "default"


def _check_theme(name: str) -> str:
    from .spec.theme import check_theme_name  # the spec (numpy) loads when a theme is first named

    return check_theme_name(name)

_scoped_backend: contextvars.ContextVar[str | None] = contextvars.ContextVar("vizkit_backend", default=None)
_scoped_theme: contextvars.ContextVar[str | None] = contextvars.ContextVar("vizkit_theme", default=None)
_global: dict[str, str | None] = {"backend": None, "theme": None}


def set_backend(name: str | None) -> None:
    """Set the default backend for this process (``None`` restores the default)."""
    _global["backend"] = None if name is None else _check_backend(name)


@contextlib.contextmanager
def use_backend(name: str) -> Iterator[str]:
    """Draw with ``name`` inside a ``with`` block (thread- and task-local)."""
    token = _scoped_backend.set(_check_backend(name))
    try:
        yield name
    finally:
        _scoped_backend.reset(token)


def get_backend(override: str | None = None) -> str:
    """The backend name in force: ``override`` first, then the precedence above."""
    if override is not None:
        return _check_backend(override)
    scoped = _scoped_backend.get()
    if scoped is not None:
        return scoped
    if _global["backend"] is not None:
        return _global["backend"]
    env = os.environ.get("VIZKIT_BACKEND")
    if env:
        return _check_backend(env.strip())
    return DEFAULT_BACKEND


def set_theme(name: str | None) -> None:
    """Set the default theme (``"default"``, ``"paper"``, ``"dark"``) for this process."""
    _global["theme"] = None if name is None else _check_theme(name)


@contextlib.contextmanager
def use_theme(name: str) -> Iterator[str]:
    """Use theme ``name`` inside a ``with`` block (thread- and task-local)."""
    token = _scoped_theme.set(_check_theme(name))
    try:
        yield name
    finally:
        _scoped_theme.reset(token)


def get_theme(override: str | None = None) -> str:
    """The theme name in force: ``override``, scoped, global, ``VIZKIT_THEME``, then ``"default"``."""
    if override is not None:
        return _check_theme(override)
    scoped = _scoped_theme.get()
    if scoped is not None:
        return scoped
    if _global["theme"] is not None:
        return _global["theme"]
    env = os.environ.get("VIZKIT_THEME")
    if env:
        return _check_theme(env.strip())
    return DEFAULT_THEME


def resolve_theme(override: str | None = None) -> Theme:
    """The :class:`~vizkit.spec.theme.Theme` in force: ``override`` (a figure's own theme), else :func:`get_theme`."""
    from .spec.theme import THEMES

    return THEMES[get_theme(override)]


# ---------------------------------------------------------------------------------------------
# Named options: notebook output settings (vk.set_option / vk.get_option)

def _flag(value, name: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"1", "true", "yes", "on"}:
        return True
    if text in {"0", "false", "no", "off"}:
        return False
    from .errors import VizkitError

    raise VizkitError(f"option {name!r} takes True or False (or 1/0, yes/no, on/off); got {value!r}")


def _plotlyjs(value, name: str) -> str:
    text = str(value).strip().lower()
    if text not in ("each", "once"):
        from .errors import VizkitError

        raise VizkitError(f"option {name!r} takes 'each' (every plotly output carries plotly.js and draws alone) or "
                          f"'once' (the session's first plotly output only); got {value!r}")
    return text


#: name → (environment variable giving the default, default when unset, checker). The environment variable
#: is read at each :func:`get_option` until :func:`set_option` sets a value (``None`` goes back to it).
OPTIONS = {
    "notebook.png_fallback": ("VIZKIT_NOTEBOOK_PNG", True, _flag),
    "notebook.plotlyjs": ("VIZKIT_NOTEBOOK_PLOTLYJS", "each", _plotlyjs),
}
_options: dict[str, object] = {}


def _check_option_name(name: str) -> str:
    if name not in OPTIONS:
        from .errors import VizkitError

        raise VizkitError(f"unknown option {name!r}; options are {sorted(OPTIONS)}")
    return name


def set_option(name: str, value) -> None:
    """Set option ``name`` for this process; ``None`` goes back to its environment variable or default.

    Options:

    * ``"notebook.png_fallback"`` (``VIZKIT_NOTEBOOK_PNG``, default ``True``): bokeh, HoloViews and
      CircuitsVis outputs drawn in a kernel also carry a static PNG, shown where no script runs
      (untrusted notebooks, code hosts, nbconvert to PDF or Markdown).
    * ``"notebook.plotlyjs"`` (``VIZKIT_NOTEBOOK_PLOTLYJS``, default ``"each"``): which plotly outputs
      carry a compressed plotly.js for the pages that cannot use JupyterLab's own renderer: ``"each"``
      (every output draws alone) or ``"once"`` (the session's first only: lighter, but clearing that
      output blanks the other plotly figures in an HTML export).
    """
    _check_option_name(name)
    if value is None:
        _options.pop(name, None)
        return
    _options[name] = OPTIONS[name][2](value, name)


def get_option(name: str):
    """The value of option ``name`` in force: set by :func:`set_option`, else its environment variable, else the default."""
    env, default, check = OPTIONS[_check_option_name(name)]
    if name in _options:
        return _options[name]
    raw = os.environ.get(env)
    if raw is None or not raw.strip():
        return default
    return check(raw, f"{name} (from the environment variable {env})")
