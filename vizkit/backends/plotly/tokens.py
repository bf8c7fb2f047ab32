"""Token-coloured text in plotly: boxes as horizontal bars laid out like text, a menu over value rows
(in a static image, every value row stacked under its name, as the plan lays them out)."""

from __future__ import annotations

from ...plan.text import number_text
from ...plan.tokens import MONO
from ._text import colorscale, label, template_text

__all__ = ["token_traces", "row_menu", "row_names"]


def row_names(tokens_plan) -> tuple[str, ...]:
    """What each stacked value row is called in a picture: its name, and with rows on their own ranges its
    colour bar's title (the value, the row and its range: ``"logit (probs: -1 to 1)"``)."""
    return tokens_plan.colorbar_titles if tokens_plan.per_row else tokens_plan.row_labels


def token_traces(tokens_plan) -> list:
    """One trace of token boxes per value row (the first visible), then the colour bar's trace.

    Each token is a bar as wide as its text (the plan's token boxes), filled with the plan's fill
    for its value, with the (escaped) token written inside in the plan's ink. An invisible marker
    trace carries the colour bar, so it shows the scale's zmin..zmax whichever row is chosen; with rows
    on their own ranges (``row_ranges="each"``) each row has its own colour bar trace, shown with its row.
    """
    import plotly.graph_objects as go

    mark, boxes, rows = tokens_plan.mark, tokens_plan.boxes, tokens_plan.rows
    stacked = tokens_plan.stacked
    text = [label(t) for t in mark.tokens]
    out = []
    for r in range(mark.values.shape[0]):
        out.append(go.Bar(
            x=boxes.width, base=boxes.x - boxes.width / 2, y=boxes.line + (rows.offset[r] if stacked else 0.0),
            orientation="h", width=0.78, text=text,
            textposition="inside", insidetextanchor="middle", textangle=0, constraintext="none",
            textfont={"family": MONO, "size": max(1.0, boxes.font_px),  # plotly refuses a size under 1 (a 3000-char token)
                       "color": list(tokens_plan.inks[r])},
            marker={"color": list(tokens_plan.fills[r]), "line": {"width": 0}},
            customdata=[number_text(v) for v in mark.values[r]],
            hovertemplate=f"%{{text}}<br>{template_text(mark.value_label)}: %{{customdata}}<extra></extra>",
            name=label(mark.row_labels[r]) if mark.row_labels else None, showlegend=False,
            visible=r == 0 or stacked, meta={"vizkit_row": r},
        ))
    if stacked:  # a picture: every row under its name
        out.append(go.Scatter(
            x=[-0.5] * len(rows.label_y), y=list(rows.label_y), mode="text", text=[label(n) for n in row_names(tokens_plan)],
            textposition="middle right", textfont={"size": max(1.0, boxes.font_px)}, hoverinfo="skip",
            showlegend=False, meta={"vizkit_row_names": True}))
    # one colour bar for all rows, or with rows on their own ranges one per row, shown with its row
    bars = range(mark.values.shape[0]) if tokens_plan.per_row else (None,)
    for r in bars:
        s = tokens_plan.scales[r or 0]
        title = {"text": label(tokens_plan.colorbar_titles[r or 0]), "side": "right"}
        if stacked and r is not None:  # on the row's name line, right of the name: its ends written at them
            bar = {"orientation": "h", "x": 0.98, "xanchor": "right", "y": rows.fraction(rows.label_y[r]),
                   "yanchor": "middle", "ypad": 0, "len": 0.3, "thickness": 10, "tickvals": [s.zmin, s.zmax],
                   "ticktext": [number_text(s.zmin), number_text(s.zmax)], "ticks": "", "ticklabelposition": "outside",
                   "tickfont": {"size": max(1.0, boxes.font_px * 0.9)}}
        else:  # under the text, so one line of tokens still gets a readable bar
            bar = {"title": title, "orientation": "h", "x": 0.5, "xanchor": "center", "y": 0, "yanchor": "top", "ypad": 8,
                   "len": 0.6, "thickness": 12}
        out.append(go.Scatter(
            x=[None], y=[None], mode="markers", hoverinfo="skip", showlegend=False,
            meta={"vizkit_colorbar": True} if r is None else {"vizkit_colorbar": True, "vizkit_row": r},
            visible=r in (None, 0) or stacked,
            marker={"colorscale": colorscale(s.name), "cmin": s.zmin, "cmax": s.zmax, "color": [s.zmin], "showscale": True,
                    "colorbar": bar},
        ))
    return out


def _row_of(trace) -> int | None:
    """The value row a trace draws (its token boxes or, with rows on their own ranges, its colour bar), else ``None``."""
    meta = trace.meta
    return meta["vizkit_row"] if isinstance(meta, dict) and "vizkit_row" in meta else None


def row_menu(data, tokens_plan) -> dict | None:
    """A dropdown over the value rows of a token-text figure (``None`` when it has one row, or every row is
    drawn: a static image stacks them)."""
    rows = {_row_of(t) for t in data} - {None}
    if len(rows) < 2 or tokens_plan.stacked:
        return None
    buttons = [{"method": "restyle", "label": label(name),
                "args": [{"visible": [_row_of(t) in (None, r) for t in data]}]}  # the row's boxes and colour bar
               for r, name in enumerate(tokens_plan.row_labels)]
    return {"buttons": buttons, "direction": "down", "showactive": True, "active": 0, "x": 0, "xanchor": "left",
            "y": 1.0, "yanchor": "bottom", "pad": {"b": 6}}
