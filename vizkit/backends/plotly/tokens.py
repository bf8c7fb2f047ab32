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
    trace carries the colour bar, so it shows the scale's zmin..zmax whichever row is chosen; with rows
    on their own ranges (``row_ranges="each"``) each row has its own colour bar trace, shown with its row.
    """
    import plotly.graph_objects as go

    mark, boxes = tokens_plan.mark, tokens_plan.boxes
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
    # one colour bar for all rows, or with rows on their own ranges one per row, shown with its row
    bars = range(mark.values.shape[0]) if tokens_plan.per_row else (None,)
    for r in bars:
        s = tokens_plan.scales[r or 0]
        out.append(go.Scatter(
            x=[None], y=[None], mode="markers", hoverinfo="skip", showlegend=False,
            meta={"vizkit_colorbar": True} if r is None else {"vizkit_colorbar": True, "vizkit_row": r}, visible=r in (None, 0),
            marker={"colorscale": colorscale(s.name), "cmin": s.zmin, "cmax": s.zmax, "color": [s.zmin], "showscale": True,
                    "colorbar": {"title": {"text": label(tokens_plan.colorbar_titles[r or 0]), "side": "right"},
                                 "orientation": "h", "x": 0.5, "xanchor": "center", "y": 0, "yanchor": "top", "ypad": 8,
                                 "len": 0.6, "thickness": 12}},  # under the text, so one line of tokens still gets a readable bar
        ))
    return out


def _row_of(trace) -> int | None:
    """The value row a trace draws (its token boxes or, with rows on their own ranges, its colour bar), else ``None``."""
    meta = trace.meta
    return meta["vizkit_row"] if isinstance(meta, dict) and "vizkit_row" in meta else None


def row_menu(data, tokens_plan) -> dict | None:
    """A dropdown over the value rows of a token-text figure (``None`` when it has one row)."""
    rows = {_row_of(t) for t in data} - {None}
    if len(rows) < 2:
        return None
    buttons = [{"method": "restyle", "label": label(name),
                "args": [{"visible": [_row_of(t) in (None, r) for t in data]}]}  # the row's boxes and colour bar
               for r, name in enumerate(tokens_plan.row_labels)]
    return {"buttons": buttons, "direction": "down", "showactive": True, "active": 0, "x": 0, "xanchor": "left",
            "y": 1.0, "yanchor": "bottom", "pad": {"b": 6}}
