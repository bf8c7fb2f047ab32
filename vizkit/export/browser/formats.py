"""The image formats a browser writes, and the size rule they share.

``width``/``height`` are CSS pixels. A PNG is ``width*scale`` by ``height*scale`` pixels; SVG and
PDF are vector (``scale`` does not apply) and a PDF page is ``width`` by ``height`` CSS pixels, that
is :data:`PT_PER_PX` points per pixel (96 px per inch, as in every browser).
"""

from __future__ import annotations

from ...errors import ExportError

PT_PER_PX = 0.75
IMAGE_FORMATS = ("png", "svg", "pdf")


def check_format(fmt: str) -> str:
    """``fmt`` in lower case, or ExportError when it is not one of :data:`IMAGE_FORMATS`."""
    fmt = str(fmt).lower()
    if fmt not in IMAGE_FORMATS:
        raise ExportError(f"static export writes one of {list(IMAGE_FORMATS)}; got {fmt!r}")
    return fmt
