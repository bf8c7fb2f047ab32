"""What the original helpers accept: plotly-express keyword names, array conversion, scale names.

The keyword sets are those of plotly express 6 (``inspect.signature(px.imshow)`` ...), written
out so a compat call needs no plotly import to know them: a name outside them raises
``TypeError`` exactly as plotly express would.
"""

from __future__ import annotations

import numpy as np

from ..adapters import to_numpy as _to_numpy
from ..errors import UnsupportedInputError, describe

_COMMON = {
    "animation_frame", "animation_group", "category_orders", "color", "color_discrete_map", "color_discrete_sequence",
    "custom_data", "data_frame", "facet_col", "facet_col_spacing", "facet_col_wrap", "facet_row", "facet_row_spacing",
    "height", "hover_data", "hover_name", "labels", "log_x", "log_y", "range_x", "range_y", "subtitle", "template",
    "title", "width", "x", "y", "orientation",
}
_ERRORS = {"error_x", "error_x_minus", "error_y", "error_y_minus"}
PX_KEYWORDS: dict[str, frozenset[str]] = {
    "imshow": frozenset({
        "animation_frame", "aspect", "binary_backend", "binary_compression_level", "binary_format", "binary_string",
        "color_continuous_midpoint", "color_continuous_scale", "contrast_rescaling", "facet_col", "facet_col_spacing",
        "facet_col_wrap", "facet_row", "facet_row_spacing", "height", "labels", "origin", "range_color", "template",
        "text_auto", "title", "width", "x", "y", "zmax", "zmin",
    }),
    "line": frozenset(_COMMON | _ERRORS | {
        "line_dash", "line_dash_map", "line_dash_sequence", "line_group", "line_shape", "markers", "render_mode",
        "symbol", "symbol_map", "symbol_sequence", "text",
    }),
    "scatter": frozenset(_COMMON | _ERRORS | {
        "color_continuous_midpoint", "color_continuous_scale", "marginal_x", "marginal_y", "opacity", "range_color",
        "render_mode", "size", "size_max", "symbol", "symbol_map", "symbol_sequence", "text", "trendline",
        "trendline_color_override", "trendline_options", "trendline_scope",
    }),
    "bar": frozenset(_COMMON | _ERRORS | {
        "barmode", "base", "color_continuous_midpoint", "color_continuous_scale", "opacity", "pattern_shape",
        "pattern_shape_map", "pattern_shape_sequence", "range_color", "text", "text_auto",
    }),
    "histogram": frozenset(_COMMON | {
        "barmode", "barnorm", "cumulative", "histfunc", "histnorm", "marginal", "nbins", "opacity", "pattern_shape",
        "pattern_shape_map", "pattern_shape_sequence", "text_auto",
    }),
}

#: plotly-express keywords that only set the look of the plotly figure: the plotly backend applies
#: them to its native figure (as layout), the others warn.
PLOTLY_LAYOUT_PX = {"template": "template"}


def check_px(func: str, names) -> None:
    """Raise for a keyword plotly express's ``func`` does not take: a ``TypeError`` as plotly express
    raises it (also a ``ValueError``, :class:`~vizkit.errors.UnsupportedInputError`)."""
    allowed = PX_KEYWORDS[func]
    for name in names:
        if name not in allowed:
            raise UnsupportedInputError(f"{func}() got an unexpected keyword argument '{name}'")


def is_layout_key(name: str, value) -> bool:
    """Whether ``name=value`` is a valid plotly ``update_layout`` keyword (``coloraxis_colorbar_title``,
    ``title_font_size``, ``autosize`` ...), as plotly itself validates it. Without plotly installed
    every magic-underscore name of a layout object is taken."""
    try:
        import plotly.graph_objects as go
    except ImportError:  # pragma: no cover - plotly is a dependency of the plotly backend
        return name.split("_")[0] in {"title", "xaxis", "yaxis", "coloraxis", "legend", "margin", "font", "autosize",
                                      "hovermode", "template", "showlegend", "bargap", "barmode", "paper", "plot"}
    try:
        go.Layout().update({name: value})
    except (ValueError, TypeError):
        return False
    return True


def to_numpy(tensor) -> np.ndarray:
    """neel-plotly's ``to_numpy``: arrays, tensors, nested lists (ragged 2-D lists padded with ``-inf``), scalars.

    The ``-inf`` padding is drawn as a gap, never as a colour.
    """
    if isinstance(tensor, np.ndarray):
        return tensor
    if isinstance(tensor, (int, float, bool, str)):
        return np.array(tensor)
    if isinstance(tensor, (list, tuple)):
        parts = [to_numpy(t) for t in tensor]
        if len({p.shape for p in parts}) <= 1:
            return np.array(parts)
        if all(p.ndim == 1 for p in parts):
            out = np.full((len(parts), max(len(p) for p in parts)), -np.inf)
            for i, p in enumerate(parts):
                out[i, : len(p)] = p
            return out
        raise UnsupportedInputError(f"to_numpy: cannot stack a list of arrays of shapes {[p.shape for p in parts]}")
    try:
        return _to_numpy(tensor)
    except Exception as exc:  # the original raises ValueError for anything else
        raise UnsupportedInputError(f"Input to to_numpy has invalid type: {describe(tensor)}") from exc


def scale_name(name, plotly_layout: dict, plotly_traces: list, plotly_only: list, keyword: str, fallback: str,
               *, trace: str = "heatmap", default=None) -> str:
    """A vizkit scale for plotly scale ``name`` (``None``: the helper's ``default``).

    A scale vizkit lacks falls back to ``fallback`` and is applied in plotly only; when the user
    named it (not a default) it is listed in ``plotly_only``, so other backends warn.
    """
    given = name is not None
    name = default if name is None else name
    from ..errors import VizkitError
    from ..spec.colors import check_scale

    if name is None:
        return fallback
    if isinstance(name, str):
        try:
            return check_scale(name)
        except VizkitError:
            pass
    update = {"marker_colorscale": name} if trace == "scatter" else {"colorscale": name}
    plotly_traces.append({"selector": trace, "update": update})
    plotly_layout["coloraxis_colorscale"] = name
    if given:
        plotly_only.append(keyword)
    return fallback
