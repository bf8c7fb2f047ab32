"""Heatmap cells on a bokeh plot: the colours drawn, the exact values hovered, and ±inf as a marked gap.

A colour mapper puts ``+inf`` on the top colour and ``-inf`` on the bottom one, where they read as
the largest or smallest real value. So the image a plot draws holds NaN (a transparent gap) where
a cell is not finite, the hover reads the exact values from a second column (``value``: ``inf``
shows as ``Infinity``), and the infinite cells get a hatched outline over the gap (``/`` for
``+inf``, ``\\`` for ``-inf``), drawn in runs of neighbouring cells of a row, never in a scale colour.
The caption's count of NaN/inf cells comes from the spec's notes.

Shared by the bokeh and HoloViews backends; the in-page slider (:mod:`.lazy`) rebuilds the same
columns in JavaScript (:data:`RUNS_JS`) from a frame's values.
"""

from __future__ import annotations

import numpy as np

#: Largest image side drawn as one bitmap: browsers draw nothing past their canvas (32767 px) or WebGL
#: texture (often 8192 or 16384) limit, so a wider heatmap (100,000 labelled columns) goes in tiles.
TILE = 4096
#: Hatch of +inf and -inf cells.
HATCH = {1: "/", -1: "\\"}
#: Name of the glyph renderers of the inf marks (tests and the slider find them by it).
INF_NAME = "vizkit-inf"


def values(z) -> np.ndarray:
    """The cell values as a float array the page can hold exactly (float32 stays float32, the rest float64)."""
    z = np.asarray(z)
    return z if z.dtype in (np.float32, np.float64) else z.astype(np.float64)


def drawn(z) -> np.ndarray:
    """The values a colour mapper draws: NaN (a gap) wherever a cell is NaN or ±inf."""
    v = values(z)
    return np.where(np.isfinite(v), v, np.nan).astype(v.dtype, copy=False)


def infinite(z) -> bool:
    """Whether some cell of ``z`` is ±inf: then a heatmap's drawn image (a gap there) and its exact values differ."""
    return bool(np.isinf(values(z)).any())


def tiles(z) -> list[tuple[int, int, np.ndarray]]:
    """``(row0, col0, block)``: ``z`` cut into blocks of at most :data:`TILE` cells a side, every cell in exactly one."""
    ny, nx = np.shape(z)
    return [(i, j, z[i:i + TILE, j:j + TILE]) for i in range(0, max(ny, 1), TILE) for j in range(0, max(nx, 1), TILE)]


def image_data(z) -> dict[str, list]:
    """The ``image`` glyph columns of heatmap ``z``: one image per tile (one for any heatmap up to :data:`TILE` a side),
    ``image`` drawn (gaps at NaN and ±inf), each tile at its cells' integer positions; and ``value``, the exact values,
    only when some cell is ±inf (else ``image`` holds exactly the values, and the page carries them once)."""
    v = values(z)
    exact = infinite(v)
    out: dict[str, list] = {"image": [], **({"value": []} if exact else {}), "x": [], "y": [], "dw": [], "dh": []}
    for i, j, block in tiles(v):
        out["image"].append(drawn(block) if exact else block)
        if exact:
            out["value"].append(block)
        out["x"].append(j - 0.5)
        out["y"].append(i - 0.5)
        out["dw"].append(block.shape[1])
        out["dh"].append(block.shape[0])
    return out


def value_field(data: dict) -> str:
    """The hover field of a heatmap source built by :func:`image_data`: its exact ``value`` column, else ``image``."""
    return "@value" if "value" in data else "@image"


def inf_runs(z, row0: int = 0, col0: int = 0) -> dict[str, list]:
    """Quads (``left``, ``right``, ``bottom``, ``top``, ``sign``) covering each run of equal-signed infinite cells of a row.

    Cells sit at integer positions: cell ``z[i, j]`` spans ``col0 + j ± 0.5``, ``row0 + i ± 0.5`` (a tile of a
    larger heatmap starts at ``(row0, col0)``).
    """
    v = values(z)
    out: dict[str, list] = {"left": [], "right": [], "bottom": [], "top": [], "sign": []}
    ny = v.shape[0]
    for sign in (1, -1):
        mask = v == sign * np.inf
        if not mask.any():
            continue
        padded = np.zeros((ny, v.shape[1] + 2), dtype=np.int8)
        padded[:, 1:-1] = mask
        edges = np.diff(padded, axis=1)
        rows, starts = np.nonzero(edges == 1)
        _, ends = np.nonzero(edges == -1)
        for i, a, b in zip(rows, starts, ends, strict=True):
            out["left"].append(float(col0 + a - 0.5))
            out["right"].append(float(col0 + b - 0.5))
            out["bottom"].append(float(row0 + i - 0.5))
            out["top"].append(float(row0 + i + 0.5))
            out["sign"].append(HATCH[sign])
    return out


def add_inf_marks(p, z, foreground: str, row0: int = 0, col0: int = 0):
    """Hatched, unfilled quads over the infinite cells of ``z`` (starting at cell ``(row0, col0)``) on plot ``p``
    (always added, empty when there are none: a slider step may bring some); returns the renderer."""
    from bokeh.models import ColumnDataSource

    source = ColumnDataSource(inf_runs(z, row0, col0))
    return p.quad(left="left", right="right", bottom="bottom", top="top", source=source, fill_alpha=0, line_color=foreground,
                  line_width=1, hatch_pattern="sign", hatch_color=foreground, hatch_alpha=0.8, hatch_scale=6, name=INF_NAME)


# The JavaScript twin of :func:`inf_runs`, for a frame's values brought in by the slider:
# ``v`` a flat typed array of ``ny * nx`` values, row-major.
RUNS_JS = """const runs = (v, ny, nx) => {
  const out = {left: [], right: [], bottom: [], top: [], sign: []};
  for (const [s, hatch] of [[Infinity, '/'], [-Infinity, '\\\\']])
    for (let i = 0; i < ny; i++) {
      let j = 0;
      while (j < nx) {
        if (v[i * nx + j] !== s) { j++; continue; }
        const a = j;
        while (j < nx && v[i * nx + j] === s) j++;
        out.left.push(a - 0.5); out.right.push(j - 0.5); out.bottom.push(i - 0.5); out.top.push(i + 0.5); out.sign.push(hatch);
      }
    }
  return out;
};"""
