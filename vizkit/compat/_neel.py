"""neel-plotly's keyword rules, shared by its imshow, line, scatter and histogram.

neel-plotly splits keywords into its own (``DEFAULT_KWARGS``) and plotly express's; its own set
axis titles, ranges (log-aware), log toggles, the legend, facet titles and the slider.
"""

from __future__ import annotations

import numpy as np

from ..errors import ShapeError
from . import _edit

HELPER = "neel_plotly"

#: neel-plotly's own keywords and their defaults (``DEFAULT_KWARGS`` in neel_plotly/plot.py).
DEFAULT_KWARGS = dict(
    xaxis="x", yaxis="y", range_x=None, range_y=None, animation_name="snapshot", color_name="Color", color=None,
    log_x=False, log_y=False, toggle_x=False, toggle_y=False, legend=True, hover=None, hover_name="data",
    return_fig=False, animation_index=None, line_labels=None, markers=False, frame_rate=None, facet_labels=None,
    facet_name="facet", include_diag=False, debug=False, transition="none", animation_maxrange_x=True,
    animation_maxrange_y=True,
)


def split_kwargs(kwargs: dict) -> tuple[dict, dict]:
    """neel-plotly's split: its own keywords (with defaults) and the rest, for plotly express."""
    custom = dict(DEFAULT_KWARGS)
    px = {}
    for k, v in kwargs.items():
        if k in custom:
            custom[k] = v
        else:
            px[k] = v
    custom["_given"] = set(kwargs)
    return custom, px


def dim_names(ndim: int, facet, animate, labels: dict, plotted: tuple[str, ...]) -> tuple[str, ...]:
    """Dim names for an ``ndim`` array: facet and animation dims named as plotly express titles them."""
    for what, i in (("facet_col", facet), ("animation_frame", animate)):
        if i is not None and not (isinstance(i, (int, np.integer)) and -ndim <= i < ndim):
            raise ShapeError(f"{what}={i!r} must be the index of a dim of the {ndim}-D data")
    names: list[str | None] = [None] * ndim
    if facet is not None:
        names[facet] = str(labels.get("facet_col", "facet_col"))
    if animate is not None:
        names[animate] = str(labels.get("animation_frame", "animation_frame"))
    rest = [i for i in range(ndim) if names[i] is None]
    if len(rest) != len(plotted):
        if len(rest) == len(plotted) + 1 and ndim >= 3 and facet != ndim - 1 and animate != ndim - 1:
            raise ShapeError(f"imshow draws 2-D data as a heatmap; got {ndim}-D data with {len(rest)} dims left after "
                             "facet_col/animation_frame. plotly express would read a last dim of 3 or 4 as RGB(A) colour "
                             "channels: vizkit draws no RGB images (plot one channel, or facet over it with facet_col=-1)")
        raise ShapeError(f"imshow draws 2-D data; got {ndim}-D data with {len(rest)} dims left after facet_col/animation_frame "
                         f"(shape needs {len(plotted)}). Name the extra dims with facet_col= or animation_frame=")
    for i, name in zip(rest, plotted, strict=True):
        names[i] = name
    return tuple(names)  # type: ignore[arg-type]


def slider(fig, custom: dict):
    """neel-plotly names the slider ``animation_name`` and its steps ``animation_index``."""
    if fig.slider is None:
        return fig
    labels = fig.slider.labels
    if custom.get("animation_index") is not None:
        labels = [str(v) for v in custom["animation_index"]]
    fig = fig.replace(slider=fig.slider.replace(name=str(custom["animation_name"]), labels=tuple(labels)))
    # neel-plotly's slider reads "snapshot=3" (plotly's current-value prefix): set in the plotly figure
    compat = fig.meta.setdefault("compat", {})
    compat.setdefault("plotly_calls", []).append({"method": "slider_prefix", "kwargs": {"prefix": f"{custom['animation_name']}="}})
    return fig


def common_layout(fig, custom: dict, layout: dict, plotly_only: list, not_drawn: list):
    """neel-plotly's shared layout keywords: ranges (log-aware), log axes, toggles, legend."""
    given = custom.get("_given", set())
    for dim in ("x", "y"):
        log, rng = custom[f"log_{dim}"], custom[f"range_{dim}"]
        fig = _edit.axes(fig, **{f"{dim}_log": bool(log) if log else None, f"{dim}_range": rng})
        if log and rng is not None:
            layout.update(_edit.plotly_log_ranges(fig, dim, rng))
        if custom[f"toggle_{dim}"]:
            menus = layout.setdefault("updatemenus", [])
            menus.append({"type": "buttons", "active": 0 if log else -1, "x": -0.1, "y": 1 - 0.15 * len(menus),
                          "buttons": [{"label": f"Log {dim}-axis", "method": "relayout",
                                       "args": [{f"{dim}axis.type": "log"}], "args2": [{f"{dim}axis.type": "linear"}]}]})
            plotly_only.append(f"toggle_{dim}")
    if not custom["legend"]:
        fig = _edit.hide_legend(fig)
    for name in ("frame_rate", "transition"):
        if name in given and custom[name] != DEFAULT_KWARGS[name]:
            not_drawn.append(name)
    return fig
