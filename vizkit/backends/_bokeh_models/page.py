"""One bokeh layout of exactly the figure's size: the title, the frames, the controls and the caption.

Every size and text comes from the plan. Every user text is literal: titles, axis labels and
ticks become ``PlainText`` (BokehJS reads ``$$…$$`` in a string as TeX), and ``Div`` s render
their text as text.
"""

from __future__ import annotations

from ...plan.text import plain
from .sizes import WIDGET_MARGIN
from .widgets import frame_switch


def assemble(plan, frames, *, controls=(), swap=None):
    """The page of ``plan``: its title band, ``frames`` (one shown at a time), ``controls`` (a select),
    the slider that switches the frames, and the caption.

    ``swap`` (a ``CustomJS``, :mod:`.lazy`) makes the slider fill frame 0's plots with frame ``k``'s
    data instead: ``frames`` then holds frame 0 alone.
    """
    from bokeh.layouts import column

    theme, geo = plan.theme, plan.geometry
    children = []
    if geo.title_height:
        children.append(_title_div(plan))
    for k, frame in enumerate(frames):
        frame.visible = k == 0  # hidden frames take no room
    children.append(frames[0] if len(frames) == 1 else column(*frames))
    children += controls
    if plan.slider is not None:
        children.append(frame_switch(frames, plan.slider.name, plan.slider.labels, theme, width=min(plan.width, 600),
                                     swap=swap))
    if geo.caption_height:
        children.append(_caption_div(plan))
    out = column(*children, styles={"background-color": theme.background}) if len(children) > 1 else children[0]
    literal(out)
    return out


def _text_style(theme) -> dict:
    return {"font-family": theme.font_family, "color": theme.foreground}


def _title_div(plan):
    from bokeh.models import Div

    height = plan.geometry.title_height
    return Div(text=plain(plan.title, lines=True), render_as_text=True, width=plan.width, height=height, margin=0,
               styles={**_text_style(plan.theme), "font-size": f"{plan.title_px}px", "font-weight": "bold",
                       "text-align": "center", "line-height": f"{height}px", "white-space": "nowrap", "overflow": "hidden"})


def _caption_div(plan):
    from bokeh.models import Div

    geo, m = plan.geometry, WIDGET_MARGIN
    return Div(text=plain(plan.caption, lines=True), render_as_text=True, width=plan.width - 2 * m, height=geo.caption_height - 8,
               margin=(4, m, 4, m), styles={**_text_style(plan.theme), "font-size": f"{geo.caption_font_px}px",
                                            "line-height": f"{geo.caption_line_px}px", "opacity": "0.8", "overflow": "hidden"})


def literal(root) -> None:
    """Make every title, colour-bar title, axis label and tick label under ``root`` a ``PlainText`` of its display
    text (:func:`vizkit.plan.text.plain`: NUL, ESC, bidi and zero-width characters shown, as in every backend)."""
    from bokeh.model.util import collect_models
    from bokeh.models import Axis, ColorBar, PlainText, Title

    for m in collect_models(root):
        if isinstance(m, Title) and isinstance(m.text, str):
            m.text = PlainText(plain(m.text, lines=True))
        elif isinstance(m, ColorBar) and isinstance(m.title, str):
            m.title = PlainText(plain(m.title, lines=True))
        elif isinstance(m, Axis):
            if isinstance(m.axis_label, str):
                m.axis_label = PlainText(plain(m.axis_label, lines=True))
            m.major_label_overrides = {k: PlainText(plain(v)) if isinstance(v, str) else v
                                       for k, v in m.major_label_overrides.items()}
