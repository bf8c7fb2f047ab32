"""The plotly figure of a plan: subplots, traces per frame, shared colour axis, title, caption, slider."""

from __future__ import annotations

from ...plan.geometry import rotated_label_room
from ...plan.notes import display_notes
from ...spec import TokenText
from ._text import colorscale, label
from .axes import panel_axes
from .marks import traces
from .tokens import row_menu, token_traces

__all__ = ["draw", "MARGIN", "SLIDER_HEIGHT"]

#: Plotly's margins around the subplots (CSS px): room for axis titles, tick labels and the title.
MARGIN = {"l": 60, "r": 30, "t_title": 70, "t": 40, "b": 60, "caption": 20}
#: CSS px plotly's slider takes under the axis titles (its pad, current value, rail and ticks).
SLIDER_HEIGHT = 95


def draw(plan):
    """The ``plotly.graph_objects.Figure`` of ``plan``."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    extra = [n for n in display_notes(plan.figure) if n not in plan.notes]  # inf gaps, shortened labels
    extra += [n for n in _block_notes(plan) if n not in plan.notes and n not in extra]  # heatmaps too large for plotly.js
    plan = plan.with_notes(extra)
    theme, geo = plan.theme, plan.geometry
    rows, cols = geo.rows, geo.cols
    hanging = rotated_label_room(plan.figure, plan.width, cols, theme.font_size)  # long 45° labels below the last row
    bottom = MARGIN["b"] + hanging + (MARGIN["caption"] if plan.caption else 0) + (SLIDER_HEIGHT if _slides(plan) else 0)
    first = plan.frame(0)
    titles = [label(p.title) or "" for p in first] if any(p.title for p in first) else None
    out = make_subplots(rows=rows, cols=cols, subplot_titles=titles,
                        horizontal_spacing=min(0.08, 0.4 / cols) if cols > 1 else None,
                        vertical_spacing=min(0.12, 0.5 / rows) if rows > 1 else None)
    out.update_annotations(font_size=theme.font_size + 1)  # panel titles: plotly's default 16 px dwarfs the paper theme's text
    data, visibility, axes, tokens_plan = [], [], {}, None
    for panel in plan.panels:
        index = panel.index + 1
        drawn = []
        for mark, hover in zip(panel.marks, panel.hover, strict=True):
            if isinstance(mark, TokenText):
                drawn += token_traces(panel.tokens)
                tokens_plan = tokens_plan or panel.tokens
            else:
                drawn += traces(mark, hover, plan, theme, panel)
        for trace in drawn:
            trace.visible = panel.frame == 0 and trace.visible is not False  # token rows: the first one
            trace.update(xaxis=f"x{'' if index == 1 else index}", yaxis=f"y{'' if index == 1 else index}")
            visibility.append(panel.frame)
        data += drawn
        if panel.frame == 0:
            axes.update(panel_axes(panel, index, theme))
    out.add_traces(data)
    layout = {
        **axes,
        "width": plan.width, "height": plan.height,
        "font": {"family": theme.font_family, "size": theme.font_size, "color": theme.foreground},
        "paper_bgcolor": theme.background, "plot_bgcolor": theme.panel_background,
        "legend": {"title": {"text": label(plan.legend_title)}} if plan.legend_title else {},
        "margin": {"l": MARGIN["l"], "r": MARGIN["r"], "t": MARGIN["t_title"] if plan.title else MARGIN["t"], "b": bottom},
        "hoverlabel": {"namelength": -1},
    }
    if plan.shared_scale is not None:
        s = plan.shared_scale
        layout["coloraxis"] = {"colorscale": colorscale(s.name), "cmin": s.zmin, "cmax": s.zmax,
                               "colorbar": {"title": {"text": label(s.title)}} if s.title else {}}
    if plan.title:  # centred, shrunk to fit (plotly clips a wide title at both ends)
        layout["title"] = {"text": label(plan.title), "x": 0.5, "xanchor": "center", "font": {"size": plan.title_px}}
    if _slides(plan):
        layout["sliders"] = [_slider(plan, visibility)]
    if tokens_plan is not None:
        menu = row_menu(data, tokens_plan)
        layout.update(plot_bgcolor=theme.background, barmode="overlay", updatemenus=[menu] if menu else None)
    out.update_layout(layout)
    if plan.caption:
        out.add_annotation(go.layout.Annotation(
            text=label(plan.caption), xref="paper", yref="paper", x=0, y=0, showarrow=False, xanchor="left", yanchor="bottom",
            yshift=-bottom + 2,  # at the figure's bottom edge: under the tick labels, axis titles and slider
            font={"size": plan.caption_px}))
    return out


def _slides(plan) -> bool:
    """Whether the figure has a slider to draw (a static image shows frame 0 and says so in its caption)."""
    return plan.slider is not None and not plan.static


def _slider(plan, visibility: list[int]) -> dict:
    # plotly reads step labels as markup: escaped like every other label
    steps = [{"method": "update", "label": label(name), "args": [{"visible": [f == k for f in visibility]}]}
             for k, name in enumerate(plan.slider.labels)]
    return {"active": 0, "currentvalue": {"prefix": f"{label(plan.slider.name)}: "}, "steps": steps, "pad": {"t": 55}}


def _block_notes(plan) -> list[str]:
    """The caption's notes for heatmaps drawn in blocks because plotly.js cannot draw every cell (:mod:`.wide`)."""
    from ...spec import Heatmap
    from . import wide

    notes = []
    for panel in plan.panels:
        for mark in panel.marks:
            if isinstance(mark, Heatmap):
                text = wide.note(mark.z.shape, *wide.factors(mark, panel))
                if text and text not in notes:
                    notes.append(text)
    return notes
