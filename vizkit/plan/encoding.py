"""Compact, exact-to-the-shown-digits encoding of many heatmaps for a page (pure numpy, zlib, base64).

A whole model's attention (12 layers × 12 heads × 256², 9.4 M cells) travels in a standalone page
as one byte per cell, gzip-compressed and base64-encoded; the page inflates it with the browser's
``DecompressionStream('gzip')``. Each byte is a *code* into a :class:`Codebook` of at most 255
decimal values, each with the text the hover shows, so the hover shows exactly the digits the
encoding holds and no more:

- values in ``[0, 1]`` (attention): ``0.000 … 0.099`` in steps of 0.001 (3 decimals), then
  ``0.10 … 1.00`` in steps of 0.01 (2 decimals): 191 codes. A value is shown as itself rounded to
  those decimals (``0.0473`` → ``0.047``, ``0.4731`` → ``0.47``);
- any other finite range: one decimal step of 1, 2 or 5 × 10ᵏ, the finest that needs at most 255 codes;
- code :data:`MISSING` (255): NaN or ±inf (the masked causal triangle; inf is a gap, never the top colour).

Attention under a causal mask is half missing and mostly small values, so it compresses to well
under a byte per cell.
"""

from __future__ import annotations

import base64
import math
import zlib
from dataclasses import dataclass

import numpy as np

__all__ = ["MISSING", "Codebook", "codebook", "quantise", "decode", "pack", "unpack", "colour_codes", "rgba_image", "png", "block_extreme"]

#: The code of a missing cell (NaN, ±inf).
MISSING = 255


@dataclass(frozen=True, eq=False)
class Codebook:
    """Code ``k`` stands for ``values[k]``, shown as ``texts[k]``.

    ``kind`` is ``"attention"`` (two decimal tiers below/above 0.1) or ``"linear"``; a linear book's
    code is ``round(v / step) - base``.
    """

    kind: str
    values: np.ndarray
    texts: tuple[str, ...]
    step: float
    base: int

    @property
    def hover_format(self) -> str:
        """A d3 format that shows a code's value with exactly its digits (trailing zeros trimmed, never more)."""
        return f".{max(len(t.split('.')[1]) if '.' in t else 0 for t in self.texts)}~f"

    def to_json(self) -> dict:
        """What the page's script needs: the value and the hover text of every code, and the hover's d3 format."""
        return {"values": [float(v) for v in self.values], "texts": list(self.texts), "missing": MISSING,
                "format": self.hover_format}


def codebook(values) -> Codebook:
    """The codebook for ``values``: the attention tiers when every finite value lies in ``[0, 1]``, else linear."""
    v = np.asarray(values, dtype=float)
    finite = v[np.isfinite(v)]
    lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    if lo >= 0.0 and hi <= 1.0:
        vals = [k / 1000 for k in range(100)] + [k / 100 for k in range(10, 101)]
        texts = [f"{k / 1000:.3f}" for k in range(100)] + [f"{k / 100:.2f}" for k in range(10, 101)]
        return Codebook("attention", np.array(vals), tuple(texts), 0.001, 0)
    step = _linear_step(lo, hi)
    base = math.floor(lo / step + 1e-9)
    top = math.ceil(hi / step - 1e-9)
    decimals = max(0, -math.floor(math.log10(step) + 1e-9))
    vals = [round((base + k) * step, decimals) for k in range(top - base + 1)]
    return Codebook("linear", np.array(vals), tuple(f"{x:.{decimals}f}" for x in vals), step, base)


def _linear_step(lo: float, hi: float) -> float:
    """The finest step of 1, 2 or 5 × 10ᵏ that covers ``[lo, hi]`` in at most 255 codes."""
    span = hi - lo if hi > lo else max(abs(hi), 1.0)
    k = math.floor(math.log10(span / 254))
    while True:
        for m in (1, 2, 5):
            step = m * 10.0 ** k
            if math.ceil(hi / step - 1e-9) - math.floor(lo / step + 1e-9) + 1 <= MISSING:
                return step
        k += 1


def quantise(values, book: Codebook) -> np.ndarray:
    """``values`` as uint8 codes of ``book`` (:data:`MISSING` where not finite): each the value rounded
    to the decimals its code shows."""
    v = np.asarray(values)
    v = v if v.dtype in (np.float32, np.float64) else v.astype(np.float64)
    bad = ~np.isfinite(v)
    if book.kind == "attention":
        codes = v * 1000  # float32 data stays float32: its 24-bit mantissa rounds x1000 well within 0.5
        np.rint(codes, out=codes)
        coarse = codes >= 100
        if coarse.any():
            codes[coarse] = np.rint(v[coarse] * 100) + 90  # 0.10 → code 100
    else:
        codes = np.rint(v / book.step) - book.base
    codes[bad] = 0
    np.clip(codes, 0, len(book.values) - 1, out=codes)
    out = codes.astype(np.uint8)
    out[bad] = MISSING
    return out


def decode(codes, book: Codebook) -> np.ndarray:
    """The values ``codes`` stand for (NaN for :data:`MISSING`)."""
    table = np.append(np.asarray(book.values, dtype=float), np.full(256 - len(book.values), np.nan))
    return table[np.asarray(codes, dtype=np.uint8)]


def pack(codes: np.ndarray) -> str:
    """``codes`` (uint8, C order) gzip-compressed and base64-encoded: what ``DecompressionStream('gzip')`` reads."""
    z = zlib.compressobj(3, zlib.DEFLATED, 31)  # wbits 31: a gzip container, no timestamp (same bytes each time)
    data = z.compress(np.ascontiguousarray(codes, dtype=np.uint8).tobytes()) + z.flush()
    return base64.b64encode(data).decode("ascii")


def unpack(text: str, shape) -> np.ndarray:
    """The uint8 codes :func:`pack` wrote, in ``shape``."""
    raw = zlib.decompress(base64.b64decode(text), 31)
    return np.frombuffer(raw, dtype=np.uint8).reshape(shape)


def colour_codes(values, lo: float, hi: float) -> np.ndarray:
    """``values`` as indices into a 256-colour table spanning ``[lo, hi]`` (clipped); -1 where not finite.

    Index ``round((v - lo) / (hi - lo) * 255)``: the colour a 256-step scale gives ``v`` (as the token
    view's colours), so a planted maximum keeps the top colour and ±inf / NaN is a gap, never an end colour.
    """
    v = np.asarray(values, dtype=np.float64)
    ok = np.isfinite(v)
    span = hi - lo if hi > lo else 1.0
    idx = np.zeros(v.shape, dtype=np.int16)
    idx[ok] = np.rint(np.clip((v[ok] - lo) / span, 0.0, 1.0) * 255).astype(np.int16)
    idx[~ok] = -1
    return idx


def rgba_image(values, colours: list[str], lo: float, hi: float) -> np.ndarray:
    """``values`` (2-d) coloured by the 256 hex ``colours`` spanning ``[lo, hi]``: an ``[h, w, 4]`` uint8 image,
    transparent where a value is not finite (the page's background shows, as in a heatmap's gaps)."""
    table = np.array([[int(c[1:3], 16), int(c[3:5], 16), int(c[5:7], 16), 255] for c in colours], dtype=np.uint8)
    idx = colour_codes(values, lo, hi)
    out = np.zeros(idx.shape + (4,), dtype=np.uint8)
    ok = idx >= 0
    out[ok] = table[idx[ok]]
    return out


def png(rgba: np.ndarray) -> bytes:
    """An ``[h, w, 4]`` uint8 image as PNG bytes (8-bit RGBA, no filter; pure zlib, no imaging library)."""
    import struct

    img = np.ascontiguousarray(rgba, dtype=np.uint8)
    h, w = img.shape[:2]
    raw = np.zeros((h, 1 + 4 * w), dtype=np.uint8)  # each scanline: filter type 0, then the pixels
    raw[:, 1:] = img.reshape(h, 4 * w)

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", w, h, 8, 6, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw.tobytes(), 6))
            + chunk(b"IEND", b""))


def block_extreme(z, fy: int, fx: int) -> np.ndarray:
    """``z[..., rows, cols]`` shrunk by blocks of ``fy`` rows × ``fx`` columns (the last ones padded), each keeping
    its value of largest magnitude with its sign: the maximum of non-negative data (attention), never a mean, so a
    one-cell spike keeps its full value. A block with no finite value stays NaN (±inf is marked apart)."""
    from ..figures.attention import block_max

    z = np.asarray(z, dtype=np.float64)
    if fy <= 1 and fx <= 1:
        return z
    return block_max(np.where(np.isfinite(z), z, np.nan), (fy, fx))
