"""Open exported files the way a user's viewer would, and check what a user would see.

PNG: decoded by Pillow, the expected pixel size, not blank, the data colours present.
SVG: parsed as XML, the expected size, the title text present.
PDF: parsed by pypdf, exactly one page of the expected size (0.75 pt per CSS pixel), the title text present.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import numpy as np

SVG_NS = "{http://www.w3.org/2000/svg}"
PT_PER_PX = 0.75


def _rgb(hex_color: str) -> np.ndarray:
    h = hex_color.lstrip("#")
    return np.array([int(h[i : i + 2], 16) for i in (0, 2, 4)])


def pixels_near(rgb: np.ndarray, hex_color: str, tol: int = 10) -> int:
    """How many pixels of an (h, w, 3) array are within ``tol`` of ``hex_color`` in every channel."""
    return int(np.all(np.abs(rgb.astype(int) - _rgb(hex_color)) <= tol, axis=-1).sum())


def check_png(data: bytes, size: tuple[float, float], colours: tuple[str, ...] = (), tol_px: int = 1) -> np.ndarray:
    """Decode ``data`` as PNG; assert its size (±``tol_px``), that it is not blank, and that ``colours`` appear."""
    from PIL import Image

    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"not a PNG: starts with {data[:8]!r}"
    image = Image.open(io.BytesIO(data))
    image.load()
    w, h = image.size
    assert abs(w - size[0]) <= tol_px and abs(h - size[1]) <= tol_px, f"PNG is {w}x{h} px; expected {size[0]}x{size[1]}"
    rgb = np.asarray(image.convert("RGB"))
    flat = rgb.reshape(-1, 3)
    assert len(np.unique(flat[:: max(1, len(flat) // 50_000)], axis=0)) > 10, "PNG is blank (almost a single colour)"
    assert rgb.std() > 5, f"PNG has almost no contrast (pixel std {rgb.std():.1f})"
    for colour in colours:
        n = pixels_near(rgb, colour)
        assert n >= 20, f"the data colour {colour} is not drawn (only {n} pixels near it)"
    return rgb


def _length_px(text: str) -> float:
    text = text.strip()
    for unit, factor in (("px", 1.0), ("pt", 1 / PT_PER_PX), ("in", 96.0)):
        if text.endswith(unit):
            return float(text[: -len(unit)]) * factor
    return float(text)


def check_svg(data: bytes, size: tuple[float, float] | None, title: str | None) -> ET.Element:
    """Parse ``data`` as SVG XML; assert its size in CSS px (±1.5) and that ``title`` is in its text."""
    root = ET.fromstring(data)
    assert root.tag == SVG_NS + "svg", f"root element is {root.tag}; expected an SVG root"
    if size is not None:
        w, h = _length_px(root.get("width", "nan")), _length_px(root.get("height", "nan"))
        assert abs(w - size[0]) <= 1.5 and abs(h - size[1]) <= 1.5, f"SVG is {w}x{h} px; expected {size[0]}x{size[1]}"
    if title is not None:
        text = " ".join("".join(el.itertext()) for el in root.iter() if el.tag in (SVG_NS + "text", SVG_NS + "tspan"))
        assert title in text, f"title {title!r} is not in the SVG's text: {text[:300]!r}"
    ids = [el.get("id") for el in root.iter() if el.get("id")]
    assert len(ids) == len(set(ids)), "SVG has duplicate ids"
    return root


def check_pdf(data: bytes, size: tuple[float, float], title: str | None):
    """Parse ``data`` with pypdf; assert exactly one page of ``size`` CSS px (in points, ±1.5) and ``title`` in its text."""
    import pypdf

    assert data[:5] == b"%PDF-", f"not a PDF: starts with {data[:5]!r}"
    reader = pypdf.PdfReader(io.BytesIO(data), strict=True)
    assert len(reader.pages) == 1, f"PDF has {len(reader.pages)} pages; expected 1"
    box = reader.pages[0].mediabox
    want = (size[0] * PT_PER_PX, size[1] * PT_PER_PX)
    assert abs(float(box.width) - want[0]) <= 1.5 and abs(float(box.height) - want[1]) <= 1.5, \
        f"PDF page is {float(box.width):.1f}x{float(box.height):.1f} pt; expected {want[0]:.1f}x{want[1]:.1f}"
    if title is not None:
        text = reader.pages[0].extract_text()
        assert title in text, f"title {title!r} is not in the PDF's text: {text[:300]!r}"
    return reader
