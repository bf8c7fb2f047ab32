"""Named colour scales, defined once so every backend draws the same colours.

Each scale is a list of evenly spaced hex stops; backends interpolate them (plotly colorscale,
bokeh palette, matplotlib ``LinearSegmentedColormap``). Names follow matplotlib/plotly; a
``_r`` suffix reverses any scale.
"""

from __future__ import annotations

from ..errors import VizkitError

# Stops sampled from the matplotlib / ColorBrewer definitions (11 per scale).
SCALES: dict[str, list[str]] = {
    "viridis": ["#440154", "#482475", "#414487", "#355f8d", "#2a788e", "#21918c", "#22a884", "#44bf70", "#7ad151", "#bddf26", "#fde725"],
    "cividis": ["#00224e", "#083370", "#35456c", "#4f576c", "#666970", "#7d7c78", "#948e77", "#aea371", "#c8b866", "#e5cf52", "#fee838"],
    "magma": ["#000004", "#140e36", "#3b0f70", "#641a80", "#8c2981", "#b73779", "#de4968", "#f7705c", "#fe9f6d", "#fecf92", "#fcfdbf"],
    "inferno": ["#000004", "#160b39", "#420a68", "#6a176e", "#932667", "#bc3754", "#dd513a", "#f37819", "#fca50a", "#f6d746", "#fcffa4"],
    "plasma": ["#0d0887", "#41049d", "#6a00a8", "#8f0da4", "#b12a90", "#cc4778", "#e16462", "#f2844b", "#fca636", "#fcce25", "#f0f921"],
    "Blues": ["#f7fbff", "#e3eef9", "#cfe1f2", "#b5d4e9", "#93c3df", "#6daed5", "#4b98ca", "#2e7ebc", "#1864aa", "#0a4a90", "#08306b"],
    "Reds": ["#fff5f0", "#fee3d6", "#fdc9b4", "#fcaa8e", "#fc8a6b", "#f9694c", "#ef4533", "#d92723", "#bb151a", "#970b13", "#67000d"],
    "Greens": ["#f7fcf5", "#e8f6e3", "#d0edca", "#b2e0ab", "#8ed18c", "#66bd6f", "#3da75a", "#238c45", "#03702e", "#005723", "#00441b"],
    # plotly's Portland (neel-plotly's scatter default), its 5 stops resampled at 11
    "Portland": ["#0c3383", "#0b5599", "#0a77af", "#3897a0", "#95b56c", "#f2d338", "#f2b838", "#f29d38", "#ed7833", "#e34b28", "#d91e1e"],
    "Greys": ["#ffffff", "#f2f2f2", "#e2e2e2", "#cecece", "#b4b4b4", "#979797", "#7a7a7a", "#5f5f5f", "#404040", "#1e1e1e", "#000000"],
    "RdBu": ["#67001f", "#b2182b", "#d6604d", "#f4a582", "#fddbc7", "#f7f7f7", "#d1e5f0", "#92c5de", "#4393c3", "#2166ac", "#053061"],
    "PiYG": ["#8e0152", "#c51b7d", "#de77ae", "#f1b6da", "#fde0ef", "#f7f7f7", "#e6f5d0", "#b8e186", "#7fbc41", "#4d9221", "#276419"],
    "PuOr": ["#2d004b", "#542788", "#8073ac", "#b2abd2", "#d8daeb", "#f7f7f7", "#fee0b6", "#fdb863", "#e08214", "#b35806", "#7f3b08"],
    "BrBG": ["#543005", "#8c510a", "#bf812d", "#dfc27d", "#f6e8c3", "#f5f5f5", "#c7eae5", "#80cdc1", "#35978f", "#01665e", "#003c30"],
}

DIVERGING = frozenset({"RdBu", "PiYG", "PuOr", "BrBG"})

# Defaults: sequential for non-negative data (attention), diverging for signed data (patching).
DEFAULT_SEQUENTIAL = "Blues"
DEFAULT_DIVERGING = "RdBu"

# Colour-blind-safe categorical colours for lines and bars (Okabe–Ito, then Tol's muted).
CATEGORICAL: list[str] = [
    "#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000",
    "#332288", "#88CCEE", "#44AA99", "#117733", "#999933", "#DDCC77", "#CC6677", "#882255",
]


_BY_LOWER = {k.lower(): k for k in SCALES}


def check_scale(name: str) -> str:
    """The canonical spelling of scale ``name`` (case-insensitive, as plotly takes ``"viridis"`` or ``"Viridis"``)."""
    if not isinstance(name, str):
        raise VizkitError(f"a colour scale is named by a string; got {name!r}")
    reverse = name.lower().endswith("_r")
    base = _BY_LOWER.get((name[:-2] if reverse else name).lower())
    if base is None:
        raise VizkitError(
            f"unknown colour scale {name!r}; expected one of {sorted(SCALES)} (any case; add '_r' to reverse)"
        )
    return base + ("_r" if reverse else "")


def stops(name: str) -> list[str]:
    """The hex stops of scale ``name`` (``_r`` reversed)."""
    check_scale(name)
    if name.endswith("_r"):
        return list(reversed(SCALES[name[:-2]]))
    return list(SCALES[name])


def is_diverging(name: str) -> bool:
    return (name[:-2] if name.endswith("_r") else name) in DIVERGING


def _rgb(hex_color: str) -> tuple[int, int, int]:
    h = hex_color.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def palette(name: str, n: int = 256) -> list[str]:
    """``n`` hex colours interpolated linearly between the stops of ``name``."""
    s = [_rgb(c) for c in stops(name)]
    out = []
    for i in range(n):
        t = i / (n - 1) * (len(s) - 1) if n > 1 else 0.0
        j = min(int(t), len(s) - 2)
        f = t - j
        r, g, b = (round(a + (bb - a) * f) for a, bb in zip(s[j], s[j + 1], strict=True))
        out.append(f"#{r:02x}{g:02x}{b:02x}")
    return out


def sample(name: str, t: float) -> str:
    """The colour of scale ``name`` at ``t`` in [0, 1] (NaN → light grey)."""
    if t != t:  # NaN
        return "#dddddd"
    t = min(max(t, 0.0), 1.0)
    return palette(name, 256)[round(t * 255)]
