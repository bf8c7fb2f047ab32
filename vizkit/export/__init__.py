"""Export: any figure through any backend that can, to html, json, png, svg or pdf.

The format comes from the file suffix. Everything is rendered in memory first and written
atomically, so a failed export leaves nothing on disk. Backends hand export their native objects
or page parts (the contract in :mod:`vizkit.backends`); export writes the one standalone page
(:mod:`.pages`) and makes static images the way each backend declares (``STATIC``).
"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import ExportError, VizkitError
from ..plan.geometry import PX_PER_INCH, with_size
from ..plan.static import static_figure
from . import atomic, pages

__all__ = ["FORMATS", "PX_PER_INCH", "to_html", "to_bytes", "save", "page"]

FORMATS = ("html", "json", "png", "svg", "pdf")
_IMAGE_OPTIONS = frozenset({"scale", "dpi", "width", "height", "timeout", "frame", "notes"})
#: Room around the figure in the browser viewport of a screenshot, in CSS px.
_VIEWPORT_MARGIN = 40


def _format(path, fmt: str | None) -> str:
    fmt = (fmt or Path(path).suffix.lstrip(".")).lower()
    if fmt == "htm":
        fmt = "html"
    if fmt not in FORMATS:
        raise ExportError(f"cannot tell the format of {str(path)!r}: expected a suffix among {['.' + f for f in FORMATS]}, got {Path(path).suffix or 'none'!r}")
    return fmt


def _can_write(fig, fmt: str, but: str) -> list[str]:
    """The backends other than ``but`` that draw ``fig`` and write ``fmt``."""
    from ..backends import backends_for

    return [n for n in backends_for(fig.kind, fmt) if n != but]


def _plan(module, fig, theme: str | None, *, static: bool):
    from ..backends import make_plan

    return make_plan(fig, theme, static=static or not getattr(module, "INTERACTIVE", True))


def page(module, fig, theme: str | None = None, *, static: bool = False) -> str:
    """The standalone HTML page of ``fig`` drawn by backend ``module`` (its ``html_parts`` in :func:`pages.standalone`)."""
    planned = _plan(module, fig, theme, static=static)
    head, body = module.html_parts(planned)
    return pages.standalone(head, body, title=fig.title, background=planned.theme.background)


def to_html(fig, backend: str | None = None, *, theme: str | None = None, static: bool = False, **options) -> str:
    """Standalone HTML of ``fig``: every asset inline, no network; ``static=True`` draws what a picture shows."""
    from .._config import resolve_theme
    from ..backends import declared_formats, resolve

    module = resolve(fig, backend)
    if "html" not in declared_formats(module.NAME):
        raise ExportError(f"the {module.NAME!r} backend cannot write HTML; backends that can draw this figure as HTML: "
                          f"{_can_write(fig, 'html', module.NAME)}")
    if not hasattr(module, "html_parts"):  # a backend not yet on the plan
        extra = {"static": True} if static else {}
        return module.to_html(fig, resolve_theme(theme or fig.theme), **extra, **options)
    if options:
        raise ExportError(f"HTML export takes theme= and static= only; got {sorted(options)}")
    return page(module, fig, theme, static=static)


def _paper_width(width):
    """An export's ``width``: CSS px, or ``"column"`` (3.25 in) / ``"page"`` (6.75 in) of a two-column paper."""
    from ..spec.theme import PAPER_WIDTHS_IN

    if isinstance(width, str):
        if width not in PAPER_WIDTHS_IN:
            raise ExportError(f"width must be CSS pixels or one of {sorted(PAPER_WIDTHS_IN)}; got {width!r}")
        return round(PAPER_WIDTHS_IN[width] * PX_PER_INCH)
    if width is not None and (isinstance(width, bool) or not isinstance(width, (int, float)) or width <= 0):
        raise ExportError(f"width must be a positive number of CSS pixels, 'column' or 'page'; got {width!r}")
    return width


def _image_scale(options: dict, theme_dpi: int) -> float:
    dpi, scale = options.pop("dpi", None), options.pop("scale", None)
    if dpi is not None:
        if scale is not None:
            raise ExportError(f"pass scale= or dpi=, not both; got scale={scale!r} and dpi={dpi!r}")
        scale = float(dpi) / PX_PER_INCH
    if scale is None:
        scale = theme_dpi / PX_PER_INCH  # the theme's resolution: 1 by default, 3 for paper
    if not (isinstance(scale, (int, float)) and scale > 0):
        raise ExportError(f"scale must be a positive number; got {scale!r}")
    return float(scale)


def _image(module, fig, fmt: str, theme: str | None, *, scale: float, timeout: float) -> bytes:
    """PNG, SVG or PDF bytes the way ``module`` declares (``STATIC``)."""
    from ..backends import load

    svg_backend = getattr(module, "SVG_BACKEND", None)
    if fmt == "svg" and svg_backend:  # the page draws on canvases: another backend draws the SVG
        try:
            other = load(svg_backend)
        except ImportError as exc:
            raise ExportError(f"SVG of a {module.NAME} figure is drawn by the {svg_backend} backend, which is not available "
                              f"({exc}); save PNG or PDF, or install it") from None
        return _image(other, fig, fmt, theme, scale=scale, timeout=timeout)
    how = module.STATIC
    planned = _plan(module, fig, theme, static=True)
    if how == "native":
        return module.image(planned, fmt, dpi=scale * PX_PER_INCH)
    if how == "kaleido":
        from .browser import plotly_image

        return plotly_image(module.draw(planned), fmt, scale=scale, width=None, height=None, timeout=timeout)
    if how == "browser":
        from .browser import html_to_image

        head, body = module.html_parts(planned)
        html = pages.standalone(head, body, title=fig.title, background=planned.theme.background)
        reset = getattr(module, "RESET_JS", None)  # the backend's library page can be kept warm between exports
        warm = None if reset is None else (pages.standalone(head, "", title=None, background=planned.theme.background),
                                           body, fig.title or "vizkit figure", reset)
        return html_to_image(html, fmt, width=planned.width + _VIEWPORT_MARGIN, height=planned.height + _VIEWPORT_MARGIN,
                             scale=scale, timeout=timeout, selector=getattr(module, "SELECTOR", ".vizkit-figure"),
                             ready_js=getattr(module, "READY_JS", None), svg_js=getattr(module, "SVG_JS", None), warm=warm)
    raise ExportError(f"the {module.NAME!r} backend declares STATIC = {how!r}; expected 'kaleido', 'browser' or 'native'")


def to_bytes(fig, fmt: str, backend: str | None = None, *, theme: str | None = None, **options) -> bytes:
    """The file content of ``fig`` in ``fmt`` (``"html"``, ``"json"``, ``"png"``, ``"svg"``, ``"pdf"``).

    Image options: ``scale`` (PNG pixels per CSS pixel; default the theme's: 1, or 3 for ``paper``)
    or ``dpi`` (``96 * scale``); ``width`` in CSS pixels or ``"column"`` (3.25 in) / ``"page"``
    (6.75 in), ``height`` in CSS pixels; ``frame=k`` draws slider frame ``k`` alone (default: every
    frame as a grid, since a picture cannot slide); ``notes`` keeps the notes caption (default: yes,
    except with ``theme="paper"``); ``timeout`` in seconds.
    """
    hook = getattr(fig, "_export_bytes", None)  # a figure that draws more than its spec (compat's plotly extras)
    if hook is not None and fmt != "json":
        data = hook(fmt, backend, theme=theme, **options)
        if data is not None:
            return data
    if fmt == "json":
        if options:
            raise VizkitError(f"JSON export takes no options; got {sorted(options)}")
        return fig.to_json(indent=1).encode("utf-8")
    if fmt == "html":
        return to_html(fig, backend, theme=theme, **options).encode("utf-8")
    from .._config import resolve_theme
    from ..backends import declared_formats, resolve

    module = resolve(fig, backend)
    if fmt not in declared_formats(module.NAME):
        raise ExportError(f"the {module.NAME!r} backend cannot write {fmt.upper()}; backends that can draw this figure: "
                          f"{_can_write(fig, fmt, module.NAME)}")
    unknown = set(options) - _IMAGE_OPTIONS
    if unknown:
        raise ExportError(f"image export takes {sorted(_IMAGE_OPTIONS)}; got {sorted(unknown)}")
    resolved = resolve_theme(theme or fig.theme)
    scale = _image_scale(options, resolved.dpi)
    notes = options.pop("notes", None)
    fig = static_figure(fig, frame=options.pop("frame", None), notes=resolved.notes_in_images if notes is None else bool(notes))
    if options.get("width") is not None:
        options["width"] = _paper_width(options["width"])
    if not hasattr(module, "STATIC"):  # a backend not yet on the plan
        return module.to_image(fig, fmt, resolved, scale=scale, **options)
    fig = with_size(fig, options.get("width"), options.get("height"))
    return _image(module, fig, fmt, theme, scale=scale, timeout=float(options.get("timeout", 60.0)))


def save(fig, path: str | os.PathLike, *, backend: str | None = None, format: str | None = None,
         theme: str | None = None, **options) -> str:
    """Write ``fig`` to ``path`` atomically and return the path.

    Options for images (see :func:`to_bytes`): ``scale`` (PNG pixels per CSS pixel; default the
    theme's, 1, or 3 for ``paper``) or ``dpi`` (``96 * scale``), ``width`` (CSS pixels, ``"column"``
    or ``"page"``) and ``height``, ``frame`` and ``notes``.
    """
    fmt = _format(path, format)
    data = to_bytes(fig, fmt, backend, theme=theme, **options)
    atomic.write_bytes(path, data)
    return str(path)
