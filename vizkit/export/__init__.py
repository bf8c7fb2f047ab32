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


#: CSS pixels per inch: what browsers use for PDF, and what every backend uses for sizes.
PX_PER_INCH = 96


def _can_write(fig, fmt: str, but: str) -> list[str]:
    """The backends other than ``but`` that draw ``fig`` and write ``fmt``."""
    from ..backends import backends_for, load

    return [n for n in backends_for(fig.kind) if n != but and fmt in load(n).FORMATS]


def to_html(fig, backend: str | None = None, *, theme: str | None = None, **options) -> str:
    from ..backends import resolve
    from ..spec import theme as themes

    module = resolve(fig, backend)
    if "html" not in module.FORMATS:
        raise ExportError(f"the {module.NAME!r} backend cannot write HTML; backends that can draw this figure as HTML: "
                          f"{_can_write(fig, 'html', module.NAME)}")
    return module.to_html(fig, themes.get(theme or fig.theme), **options)


def to_bytes(fig, fmt: str, backend: str | None = None, *, theme: str | None = None, **options) -> bytes:
    """The file content of ``fig`` in ``fmt`` (``"html"``, ``"json"``, ``"png"``, ``"svg"``, ``"pdf"``)."""
    if fmt == "json":
        if options:
            raise VizkitError(f"JSON export takes no options; got {sorted(options)}")
        return fig.to_json(indent=1).encode("utf-8")
    if fmt == "html":
        return to_html(fig, backend, theme=theme, **options).encode("utf-8")
    from ..backends import resolve
    from ..spec import theme as themes

    module = resolve(fig, backend)
    if fmt not in module.FORMATS or not hasattr(module, "to_image"):
        raise ExportError(f"the {module.NAME!r} backend cannot write {fmt.upper()}; backends that can draw this figure: "
                          f"{_can_write(fig, fmt, module.NAME)}")
    resolved = themes.get(theme or fig.theme)
    dpi = options.pop("dpi", None)
    if dpi is not None:
        if options.get("scale") is not None:
            raise ExportError(f"pass scale= or dpi=, not both; got scale={options['scale']!r} and dpi={dpi!r}")
        options["scale"] = float(dpi) / PX_PER_INCH
    if options.get("scale") is None:
        options["scale"] = resolved.dpi / PX_PER_INCH  # the theme's resolution: 1 by default, 3 for paper
    if not options["scale"] > 0:
        raise ExportError(f"scale must be a positive number; got {options['scale']!r}")
    return module.to_image(fig, fmt, resolved, **options)


def save(fig, path: str | os.PathLike, *, backend: str | None = None, format: str | None = None,
         theme: str | None = None, **options) -> str:
    """Write ``fig`` to ``path`` atomically and return the path.

    Options for images: ``scale`` (PNG pixels per CSS pixel; default the theme's, 1, or 3 for
    ``paper``) or ``dpi`` (``96 * scale``), and ``width`` and ``height`` in CSS pixels.
    """
    fmt = _format(path, format)
    data = to_bytes(fig, fmt, backend, theme=theme, **options)
    atomic.write_bytes(path, data)
    return str(path)
