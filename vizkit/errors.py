"""Errors raised by vizkit.

Every error says what was expected, what came, and (where there is one) the fix.
They all derive from :class:`VizkitError`, so ``except vk.VizkitError`` catches them.
Every warning vizkit gives derives from :class:`VizkitWarning`, so
``warnings.filterwarnings("ignore", category=vk.VizkitWarning)`` silences vizkit alone.
"""

from __future__ import annotations

__all__ = [
    "VizkitError",
    "ShapeError",
    "DimensionError",
    "LabelError",
    "EmptyDataError",
    "UnknownHookError",
    "UnsupportedInputError",
    "UnsupportedFigureError",
    "BackendError",
    "ExportError",
    "MissingDependencyError",
    "VizkitWarning",
]


class VizkitError(ValueError):
    """Base class of every error vizkit raises on purpose."""


class ShapeError(VizkitError):
    """An array has the wrong rank or shape for the requested figure."""


class DimensionError(VizkitError):
    """A named dimension is missing, duplicated, or does not match the data."""


class LabelError(VizkitError):
    """Labels (tokens, tick labels, names) do not match the data they label."""


class EmptyDataError(VizkitError):
    """An array, cache or run has no values to draw."""


class UnknownHookError(VizkitError, KeyError):
    """A TransformerLens hook name (or short name) is not in the cache."""

    def __str__(self) -> str:  # KeyError quotes its message; we want it plain
        return str(self.args[0]) if self.args else ""


class UnsupportedInputError(VizkitError, TypeError):
    """vizkit does not know how to read this kind of object."""


class UnsupportedFigureError(VizkitError):
    """The chosen backend cannot draw this kind of figure."""


class BackendError(VizkitError):
    """An unknown backend name, or a backend failed to render."""


class ExportError(VizkitError):
    """A figure could not be written in the requested format."""


class MissingDependencyError(VizkitError, ImportError):
    """An optional dependency is not installed; the message names the pip extra."""


class VizkitWarning(UserWarning):
    """Base class of every warning vizkit gives: the figure is drawn, but not quite as asked.

    Its subclasses say what (a figure too large for a backend to draw quickly, a keyword the
    backend cannot honour); filter on this class to silence vizkit's warnings and no others.
    """


def describe(obj: object) -> str:
    """A short description of ``obj`` for error messages: type, shape and dtype when it has them."""
    shape = getattr(obj, "shape", None)
    dtype = getattr(obj, "dtype", None)
    name = type(obj).__module__.split(".")[0] + "." + type(obj).__qualname__
    if name.startswith("builtins."):
        name = name[len("builtins.") :]
    if shape is not None:
        return f"{name} of shape {tuple(shape)}" + (f" and dtype {dtype}" if dtype is not None else "")
    if isinstance(obj, (list, tuple, dict)):
        return f"{name} of length {len(obj)}"
    return name


def require(module: str, extra: str, purpose: str):
    """Import ``module`` or raise a :class:`MissingDependencyError` naming the pip extra to install."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:  # pragma: no cover - exercised only without the extra
        raise MissingDependencyError(
            f"{purpose} needs the optional dependency {module!r}, which is not installed "
            f"({exc}). Install it with: pip install 'vizkit[{extra}]'"
        ) from exc
