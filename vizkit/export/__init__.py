"""Export: any figure through any backend that can, to html, json, png, svg or pdf.

The format comes from the file suffix. Everything is rendered in memory first and written
atomically, so a failed export leaves nothing on disk.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import ExportError, VizkitError
from . import atomic

FORMATS = ("html", "json", "png", "svg", "pdf")


def _format(path, fmt: str | None) -> str:
    fmt = (fmt or Path(path).suffix.lstrip(".")).lower()
    if fmt == "htm":
        fmt = "html"
    if fmt not in FORMATS:
        raise ExportError(f"cannot tell the format of {str(path)!r}: expected a suffix among {['.' + f for f in FORMATS]}, got {Path(path).suffix or 'none'!r}")
    return fmt


def to_html(fig, backend: str | None = None, *, theme: str | None = None, **options) -> str:
    from ..backends import names, resolve
    from ..spec import theme as themes

    module = resolve(fig, backend)
    if "html" not in module.FORMATS:
        can = [n for n in names() if n != module.NAME]
        raise ExportError(f"the {module.NAME!r} backend cannot write HTML; use one of {can}")
    return module.to_html(fig, themes.get(theme or fig.theme), **options)


def to_bytes(fig, fmt: str, backend: str | None = None, *, theme: str | None = None, **options) -> bytes:
    """The file content of ``fig`` in ``fmt`` (``"html"``, ``"json"``, ``"png"``, ``"svg"``, ``"pdf"``)."""
    if fmt == "json":
        if options:
            raise VizkitError(f"JSON export takes no options; got {sorted(options)}")
        return fig.to_json(indent=1).encode("utf-8")
    if fmt == "html":
        return to_html(fig, backend, theme=theme, **options).encode("utf-8")
    from ..backends import backends_for, resolve
    from ..spec import theme as themes

    module = resolve(fig, backend)
    if fmt not in module.FORMATS or not hasattr(module, "to_image"):
        can = [n for n in backends_for(fig.kind) if n != module.NAME]
        raise ExportError(f"the {module.NAME!r} backend cannot write {fmt.upper()}; backends that can draw this figure: {can}")
    return module.to_image(fig, fmt, themes.get(theme or fig.theme), **options)


def save(fig, path: str | os.PathLike, *, backend: str | None = None, format: str | None = None,
         theme: str | None = None, **options) -> str:
    """Write ``fig`` to ``path`` atomically and return the path.

    Options: ``scale`` (or ``dpi``), ``width`` and ``height`` for images.
    """
    fmt = _format(path, format)
    data = to_bytes(fig, fmt, backend, theme=theme, **options)
    atomic.write_bytes(path, data)
    return str(path)
