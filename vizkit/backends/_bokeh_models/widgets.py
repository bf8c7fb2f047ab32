"""The controls of a bokeh page: the frame slider, the token-row select, and the switch between frames.

A frame is a whole bokeh layout (one slider step, or one token row in HoloViews); the switch
shows frame ``k`` and hides the others in the page, with no server.
"""

from __future__ import annotations

from ...plan.text import plain
from .sizes import SELECT_HEIGHT, SLIDER_HEIGHT, WIDGET_MARGIN

# Shows the frame the widget's value names and hides the others (hidden frames take no room).
_SHOW_FRAME_JS = ("const k = Math.min(Math.round(Number(cb_obj.value)), frames.length - 1);"
                  " frames.forEach((f, i) => { f.visible = i === k; });")


def select_widget(name, labels, theme):
    """A Select over ``labels`` (values ``"0"``, ``"1"``, ...) with the fixed height the plan reserves."""
    from bokeh.models import Select

    return Select(title=plain(name), value="0", options=[(str(k), plain(str(s))) for k, s in enumerate(labels)], width=260,
                  height=SELECT_HEIGHT - 2 * WIDGET_MARGIN, margin=WIDGET_MARGIN,
                  styles={"color": theme.foreground, "font-family": theme.font_family})


def frame_slider(name, labels, theme, *, width: int = 260):
    """A Slider over frame indices whose title shows the current frame's label as text."""
    from bokeh.models import CustomJSTickFormatter, Slider

    labels = [plain(str(s)) for s in labels]  # invisible characters shown, as in every backend
    # no noUiSlider tooltip: it writes the formatted label as HTML; the title shows it as text
    return Slider(start=0, end=max(1, len(labels) - 1), value=0, step=1, title=plain(name), disabled=len(labels) < 2, tooltips=False,
                  width=width - 2 * WIDGET_MARGIN, height=SLIDER_HEIGHT - 2 * WIDGET_MARGIN, margin=WIDGET_MARGIN,
                  styles={"font-family": theme.font_family, "color": theme.foreground},
                  format=CustomJSTickFormatter(args={"labels": labels}, code="return labels[Math.round(tick)] ?? ''"))


def frame_switch(frames, name, labels, theme, *, width: int = 260, select: bool = False, swap=None):
    """A Slider (or, ``select=True``, a Select) showing frame ``k`` of ``frames`` and hiding the others (CustomJS);
    with ``swap`` (a CustomJS filling one frame's plots with frame ``k``'s data), that instead."""
    from bokeh.models import CustomJS

    widget = select_widget(name, list(labels), theme) if select else frame_slider(name, labels, theme, width=width)
    widget.js_on_change("value", swap if swap is not None else CustomJS(args={"frames": frames}, code=_SHOW_FRAME_JS))
    return widget
