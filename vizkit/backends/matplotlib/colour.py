"""The spec's colour scales as matplotlib colormaps and colour bars."""

from __future__ import annotations

from ...plan.colour import NAN_COLOR
from ...plan.text import plain
from ...spec.colors import stops
from .style import style_ticks

__all__ = ["colormap", "mappable", "colorbar"]


def colormap(scale, bad: str | tuple = (0, 0, 0, 0)):
    """The spec's scale as a ``LinearSegmentedColormap`` and a ``Normalize(zmin, zmax)`` (NaN → ``bad``)."""
    from matplotlib.colors import LinearSegmentedColormap, Normalize

    cmap = LinearSegmentedColormap.from_list(scale.name, stops(scale.name), N=256).with_extremes(bad=bad)
    return cmap, Normalize(vmin=scale.zmin, vmax=scale.zmax)


def mappable(scale):
    """A ``ScalarMappable`` of ``scale`` (NaN grey), for a colour bar with no artist of its own."""
    from matplotlib.cm import ScalarMappable

    cmap, norm = colormap(scale, bad=NAN_COLOR)
    return ScalarMappable(norm=norm, cmap=cmap)


def colorbar(out, artist, scale, theme, axes):
    """A colour bar of ``scale`` beside ``axes``, titled with the scale's (literal) title."""
    cb = out.colorbar(artist, ax=axes, pad=0.02, aspect=24, fraction=0.05)
    cb.outline.set_visible(False)
    style_ticks(cb.ax, theme)
    if scale.title:
        cb.set_label(plain(scale.title, lines=True), parse_math=False, color=theme.foreground)
    return cb
