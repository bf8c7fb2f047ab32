"""The plotly figure of a plan: subplots, traces per frame, shared colour axis, title, caption, slider."""

from __future__ import annotations

from ...plan.geometry import rotated_label_room
from ...plan.notes import display_notes
from ...spec import TokenText
from ._text import colorscale, label
from .axes import panel_axes
from .marks import traces
from .tokens import row_menu, token_traces

__all__ = ["draw", "subplot_grid", "MARGIN", "SLIDER_HEIGHT"]

#: Plotly's margins around the subplots (CSS px): room for axis titles, tick labels and the title.
MARGIN = {"l": 60, "r": 30, "t_title": 70, "t": 40, "b": 60, "caption": 20}
#: CSS px plotly's slider takes under the axis titles (its pad, current value, rail and ticks).
SLIDER_HEIGHT = 95


def draw(plan):
    """The ``plotly.graph_objects.Figure`` of ``plan``."""
    import plotly.graph_objects as go

    extra = [n for n in display_notes(plan.figure) if n not in plan.notes]  # inf gaps, shortened labels
    extra += [n for n in _block_notes(plan) if n not in plan.notes and n not in extra]  # heatmaps too large for plotly.js
    plan = plan.with_notes(extra)
    theme, geo = plan.theme, plan.geometry
    rows, cols = geo.rows, geo.cols
    hanging = rotated_label_room(plan.figure, plan.width, cols, theme.font_size)  # long 45° labels below the last row
    bottom = MARGIN["b"] + hanging + (MARGIN["caption"] if plan.caption else 0) + (SLIDER_HEIGHT if _slides(plan) else 0)
    first = plan.frame(0)
    titles = [label(p.title) or "" for p in first] if any(p.title for p in first) else None
    # panel titles at theme.font_size + 1: plotly's default 16 px dwarfs the paper theme's text
    grid = subplot_grid(rows, cols, titles, min(0.08, 0.4 / cols) if cols > 1 else 0.2 / cols,
                        min(0.12, 0.5 / rows) if rows > 1 else 0.3 / rows, theme.font_size + 1)
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
    if plan.caption:
        grid.setdefault("annotations", []).append(dict(
            text=label(plan.caption), xref="paper", yref="paper", x=0, y=0, showarrow=False, xanchor="left", yanchor="bottom",
            yshift=-bottom + 2,  # at the figure's bottom edge: under the tick labels, axis titles and slider
            font={"size": plan.caption_px}))
    # one pass over the whole layout: go.Figure's constructor validates it once, where update_layout on the subplot
    # grid walked every axis key again (0.4 s of a 12-panel figure's 0.45 s)
    out = go.Figure(data=data, layout=_merged(grid, layout))
    _attach_grid(out, rows, cols)
    return out


def _attach_grid(fig, rows: int, cols: int) -> None:
    """Give ``fig`` the subplot grid ``make_subplots`` would (``fig.add_hline(row="all")``, ``update_xaxes(row=, col=)``,
    ``print_grid()`` work on it as on any plotly subplots figure)."""
    from plotly import _subplots

    refs = [[(_subplots.SubplotRef(subplot_type="xy", layout_keys=(f"xaxis{s}", f"yaxis{s}"),
                                   trace_kwargs={"xaxis": f"x{s}", "yaxis": f"y{s}"}),)
             for s in ("" if r * cols + c == 0 else str(r * cols + c + 1) for c in range(cols))] for r in range(rows)]
    specs = [[{"type": "xy", "secondary_y": False, "colspan": 1, "rowspan": 1, "l": 0.0, "r": 0.0, "t": 0.0, "b": 0.0}
              for _ in range(cols)] for _ in range(rows)]
    fig.__dict__["_grid_ref"] = refs
    fig.__dict__["_grid_str"] = _subplots._build_grid_str(specs, refs, None, None, range(rows)[::-1])


def subplot_grid(rows: int, cols: int, titles: list[str] | None, h_spacing: float, v_spacing: float, title_px: float) -> dict:
    """The layout of ``plotly.subplots.make_subplots(rows, cols, subplot_titles=titles, horizontal_spacing=h_spacing,
    vertical_spacing=v_spacing)`` (axis domains and anchors, one title annotation per titled panel, in ``title_px``)
    as a dict, computed as plotly computes it: ``make_subplots`` builds and validates a ``go.Figure`` (0.15 s of a
    cold process' first figure) only for its layout to be read back."""
    width = (1.0 - h_spacing * (cols - 1)) / cols
    height = (1.0 - v_spacing * (rows - 1)) / rows
    widths, heights = [width] * cols, [height] * rows  # summed as plotly sums them: the same floats, bit for bit
    layout, annotations = {}, []
    for r in range(rows):  # top row first: plotly's start_cell="top-left"
        y0 = sum(heights[:rows - 1 - r]) + (rows - 1 - r) * v_spacing
        y1 = y0 + heights[-1 - r]
        y0, y1 = (min(1.0, max(0.0, v)) for v in (y0, y1))
        for c in range(cols):
            x0 = sum(widths[:c]) + c * h_spacing
            x1 = x0 + widths[c]
            index = r * cols + c + 1
            suffix = "" if index == 1 else str(index)
            layout[f"xaxis{suffix}"] = {"anchor": f"y{suffix}", "domain": [x0, x1]}
            layout[f"yaxis{suffix}"] = {"anchor": f"x{suffix}", "domain": [y0, y1]}
            if titles and index - 1 < len(titles) and titles[index - 1]:
                annotations.append({"font": {"size": title_px}, "showarrow": False, "text": titles[index - 1],
                                    "x": (x0 + x1) / 2.0, "xanchor": "center", "xref": "paper",
                                    "y": y1, "yanchor": "bottom", "yref": "paper"})
    if annotations:
        layout["annotations"] = annotations
    return layout


def _merged(base: dict, extra: dict) -> dict:
    """``base`` updated by ``extra`` as ``update_layout`` would: nested dicts merged key by key, anything else replaced."""
    out = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merged(out[key], value)
        else:
            out[key] = value
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
