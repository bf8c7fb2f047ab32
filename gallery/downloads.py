"""The download buttons under a figure: one per file format its backend writes, plus the JSON spec.

Files are made on click (``vizkit.export.to_bytes``), once per (figure, format, backend) for the
whole process (:meth:`Catalog.export`), in the worker pool when a server session asks.
"""

from __future__ import annotations

import asyncio
import io

import panel as pn

from .library import formats
from .thumbnails import MPL_LOCK
from .work import EXECUTOR

FORMAT_ORDER = ("png", "svg", "pdf", "html", "json")
_ICON = ('<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24" fill="none" '
         'stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">'
         '<path d="M4 17v2a2 2 0 0 0 2 2h12a2 2 0 0 0 2 -2v-2"/><path d="M7 11l5 5l5 -5"/><path d="M12 4l0 12"/></svg>')


def export_bytes(cat, fig, fmt: str, backend: str) -> bytes:
    """The file of ``fig`` in ``fmt`` (matplotlib drawing is serialised: it changes process-wide rcParams)."""
    if backend == "matplotlib" or (backend == "circuitsvis" and fmt == "svg"):
        with MPL_LOCK:
            return cat.export(fig, fmt, backend)
    return cat.export(fig, fmt, backend)


def buttons(cat, name: str, fig, backend: str, *, server: bool, on_error, label) -> list:
    """The row's contents: a label, then a ``FileDownload`` per format ``backend`` writes, in :data:`FORMAT_ORDER`."""
    writable = formats(backend)
    out = [label]
    for fmt in FORMAT_ORDER:
        if fmt != "json" and fmt not in writable:
            continue
        filename = f"{name}.json" if fmt == "json" else f"{name}.{backend}.{fmt}"
        out.append(pn.widgets.FileDownload(
            callback=_callback(cat, fig, fmt, backend, server, on_error), filename=filename, label=fmt.upper(),
            color="light", icon=_ICON, embed=False, auto=True, margin=(4, 4),
            css_classes=["vk-download", f"vk-download-{fmt}"], description=f"Save {filename}"))
    return out


def _callback(cat, fig, fmt: str, backend: str, server: bool, on_error):
    if not server:
        return lambda: io.BytesIO(export_bytes(cat, fig, fmt, backend))

    async def download():
        loop = asyncio.get_running_loop()
        try:
            data = await loop.run_in_executor(EXECUTOR, export_bytes, cat, fig, fmt, backend)
        except Exception as exc:
            on_error(f"Could not write {fmt.upper()} with the {backend} backend: {exc}")
            raise
        return io.BytesIO(data)

    return download
