"""Token-coloured text in plotly: boxes as horizontal bars laid out like text, a menu over value rows."""

from __future__ import annotations

from ...plan.text import number_text
from ...plan.tokens import MONO
from ._text import colorscale, label, template_text

__all__ = ["token_traces", "row_menu"]


def token_traces(tokens_plan) -> list:
    """One trace of token boxes per value row (the first visible), then the colour bar's trace.

    Each token is a bar as wide as its text (the plan's token boxes), filled with the plan's fill
    for its value, with the (escaped) token written inside in the plan's ink. An invisible marker
    trace carries the colour bar, so it shows the scale's zmin..zmax whichever row is chosen.
    """
    import plotly.graph_objects as go

    mark, boxes = tokens_plan.mark, tokens_plan.boxes
    s = mark.colorscale
    text = [label(t) for t in mark.tokens]
    out = []
    for r in range(mark.values.shape[0]):
        out.append(go.Bar(
            x=boxes.width, base=boxes.x - boxes.width / 2, y=boxes.line, orientation="h", width=0.78, text=text,
            textposition="inside", insidetextanchor="middle", textangle=0, constraintext="none",
            textfont={"family": MONO, "size": max(1.0, boxes.font_px),  # plotly refuses a size under 1 (a 3000-char token)
                       "color": list(tokens_plan.inks[r])},
            marker={"color": list(tokens_plan.fills[r]), "line": {"width": 0}},
            customdata=[number_text(v) for v in mark.values[r]],
            hovertemplate=f"%{{text}}<br>{template_text(mark.value_label)}: %{{customdata}}<extra></extra>",
            name=label(mark.row_labels[r]) if mark.row_labels else None, showlegend=False,
            visible=r == 0, meta={"vizkit_row": r},
        ))
    out.append(go.Scatter(
        x=[None], y=[None], mode="markers", hoverinfo="skip", showlegend=False, meta={"vizkit_colorbar": True},
        marker={"colorscale": colorscale(s.name), "cmin": s.zmin, "cmax": s.zmax, "color": [s.zmin], "showscale": True,
                "colorbar": {"title": {"text": label(s.title or mark.value_label), "side": "right"}, "orientation": "h",
                             "x": 0.5, "xanchor": "center", "y": 0, "yanchor": "top", "ypad": 8, "len": 0.6,
                             "thickness": 12}},  # under the text, so one line of tokens still gets a readable bar
    ))
    return out


def row_menu(data, tokens_plan) -> dict | None:
    """A dropdown over the value rows of a token-text figure (``None`` when it has one row)."""
    rows = [t.meta["vizkit_row"] for t in data if isinstance(t.meta, dict) and "vizkit_row" in t.meta]
    if len(rows) < 2:
        return None
    buttons = [{"method": "restyle", "label": label(name),
                "args": [{"visible": [not (isinstance(t.meta, dict) and "vizkit_row" in t.meta) or t.meta["vizkit_row"] == r
                                      for t in data]}]}
               for r, name in enumerate(tokens_plan.row_labels)]
    return {"buttons": buttons, "direction": "down", "showactive": True, "active": 0, "x": 0, "xanchor": "left",
            "y": 1.0, "yanchor": "bottom", "pad": {"b": 6}}
