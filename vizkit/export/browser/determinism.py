"""Byte-identical exports: content-derived SVG ids and fixed PDF dates."""

from __future__ import annotations

import hashlib
import re

_SVG_ID = re.compile(r'\bid="([^"]+)"')
_SVG_REF = re.compile(r'(\bid="|url\(\s*[\'"]?#|href="#)([^"\')\s]+)')


def stable_svg_ids(svg: str) -> str:
    """``svg`` with every element id (random in plotly and bokeh output) renamed from its content."""
    ids = {name: i for i, name in enumerate(dict.fromkeys(_SVG_ID.findall(svg)))}
    if not ids:
        return svg
    marked = _SVG_REF.sub(lambda m: m.group(1) + (f"\0{ids[m.group(2)]}\0" if m.group(2) in ids else m.group(2)), svg)
    prefix = "vk" + hashlib.sha1(marked.encode("utf-8")).hexdigest()[:8]
    return re.sub("\0(\\d+)\0", lambda m: f"{prefix}-{m.group(1)}", marked)


_PDF_DATE = re.compile(rb"(/(?:CreationDate|ModDate) ?\(D:)[0-9]{14}([-+Z][0-9']*)?")


def fixed_pdf_dates(pdf: bytes) -> bytes:
    """``pdf`` with its creation and modification dates set to 2000-01-01 UTC.

    The replacement has the same length, so the cross-reference offsets stay valid.
    """
    def fix(m):
        tail = m.group(2) or b""
        zone = b"+00'00'" if len(tail) == 7 else b"Z" if len(tail) == 1 else tail
        return m.group(1) + b"20000101000000" + zone
    return _PDF_DATE.sub(fix, pdf)
