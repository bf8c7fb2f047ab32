"""What a static image (PNG, SVG, PDF) of a figure shows: every slider frame, or the one asked for, and its notes.

A slider cannot slide in a picture, so :func:`static_figure` lays the frames out as a grid of
panels, each titled with its frame (``layer = 1``), or keeps frame ``k`` alone (``frame=k``),
its panels titled with it. Notes ("upper triangle masked") are kept unless ``notes=False`` (the
``paper`` theme's default: :attr:`vizkit.spec.theme.Theme.notes_in_images`).
"""

from __future__ import annotations

from ..errors import VizkitError

__all__ = ["MAX_GRID_FRAMES", "frames_grid", "one_frame", "static_figure"]

#: Most slider frames laid out as a grid in one image; past it, pick one with ``frame=``.
MAX_GRID_FRAMES = 24


def _frame_title(fig, k: int, title: str | None) -> str:
    name = f"{fig.slider.name} = {fig.slider.labels[k]}"
    return f"{name} · {title}" if title else name


def frames_grid(fig):
    """``fig`` with every slider frame drawn side by side: one grid row per frame when a frame has several panels."""
    n = fig.n_frames
    if n > MAX_GRID_FRAMES:
        raise VizkitError(f"a static image of a slider figure lays out its frames as a grid, at most {MAX_GRID_FRAMES}; "
                          f"this one has {n} ({fig.slider.name}): pass frame=k to export frame k alone")
    per_frame = len(fig.frame_panels(0))
    panels = tuple(p.replace(frame=0, title=_frame_title(fig, k, p.title)) for k in range(n) for p in fig.frame_panels(k))
    rows, cols = fig.grid
    if per_frame == 1:
        cols = min(n, 4)
    elif per_frame % cols:  # a frame must not share a row with the next one
        cols = per_frame
    return fig.replace(panels=panels, slider=None, facet_cols=cols)


def one_frame(fig, k: int):
    """``fig`` showing slider frame ``k`` only, its panels titled with the frame."""
    n = fig.n_frames
    if isinstance(k, bool) or not isinstance(k, int) or not -n <= k < n:
        raise VizkitError(f"frame must be a whole number in [0, {n}) for this figure's {n} frame(s); got {k!r}")
    k %= n
    if fig.slider is None:
        return fig
    panels = tuple(p.replace(frame=0, title=_frame_title(fig, k, p.title)) for p in fig.frame_panels(k))
    return fig.replace(panels=panels, slider=None)


def static_figure(fig, *, frame: int | None = None, notes: bool = True):
    """What a static image of ``fig`` draws: ``frame`` alone (``None``: all frames as a grid), notes kept or not."""
    out = one_frame(fig, frame) if frame is not None else (frames_grid(fig) if fig.slider is not None else fig)
    return out if notes else out.replace(notes=())
