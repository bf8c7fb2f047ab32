"""The widgets above a figure: the backend switcher and one widget per example parameter.

A text parameter (a prompt) is bounded: :data:`MAX_TEXT_CHARS` characters at most. A longer value
is not built; :func:`text_problem` says why, and the page shows that message instead of a figure.
"""

from __future__ import annotations

import panel as pn

from .discovery import ParamSpec, option_label

BACKEND_LABELS = {"plotly": "Plotly", "bokeh": "Bokeh", "holoviews": "HoloViews", "matplotlib": "Matplotlib",
                  "circuitsvis": "CircuitsVis"}
#: The longest text a text parameter takes. MiniLM reads at most 512 tokens; 1,000 characters of
#: English make about 250, and anything longer only makes every session wait.
MAX_TEXT_CHARS = 1000


def backend_switch() -> pn.widgets.RadioButtonGroup:
    """The row of backend buttons (its options are set per figure: the backends that draw it)."""
    return pn.widgets.RadioButtonGroup(options=[], color="primary", variant="outline", margin=(4, 10, 4, 5))


def param_widget(spec: ParamSpec) -> pn.widgets.Widget:
    """The widget of one parameter: a text box, an int or float slider, or a select."""
    label = spec.name.replace("_", " ")
    css = ["vk-param", f"vk-param-{spec.name}"]
    if spec.kind == "text":
        # The browser cuts at max_length; the server refuses anything over MAX_TEXT_CHARS with a message.
        return pn.widgets.TextInput(label=label, value=spec.default, width=460, css_classes=css, max_length=5 * MAX_TEXT_CHARS,
                                    placeholder=f"Type a {label} and press Enter",
                                    description=f"Press Enter to redraw (at most {MAX_TEXT_CHARS:,} characters)")
    if spec.kind == "int":
        return pn.widgets.IntSlider(label=label, start=spec.bounds[0], end=spec.bounds[1], value=spec.default, width=220,
                                    css_classes=css)
    if spec.kind == "float":
        return pn.widgets.FloatSlider(label=label, start=spec.bounds[0], end=spec.bounds[1], value=spec.default, width=220,
                                      css_classes=css)
    # Options by label ("all" for None: a select cannot hold None as a value), mapped back in param_values().
    return pn.widgets.Select(label=label, options=[option_label(v) for v in spec.options], value=option_label(spec.default),
                             width=160, css_classes=css)


def watch(widget: pn.widgets.Widget, callback) -> None:
    """Call ``callback`` when ``widget``'s value is set (a slider: when it is released)."""
    sliders = (pn.widgets.IntSlider, pn.widgets.FloatSlider)
    widget.param.watch(callback, "value_throttled" if isinstance(widget, sliders) else "value")


def param_values(specs: list[ParamSpec], widgets: dict[str, pn.widgets.Widget]) -> dict:
    """The values ``build`` receives: the widgets' values, select labels mapped back to the option values."""
    out = {}
    for spec in specs:
        value = widgets[spec.name].value
        if spec.kind == "select":
            value = next((v for v in spec.options if option_label(v) == value), spec.default)
        out[spec.name] = value
    return out


def text_problem(specs: list[ParamSpec], values: dict) -> str | None:
    """Why these values cannot be built (a text over :data:`MAX_TEXT_CHARS` characters), or None."""
    for spec in specs:
        value = values.get(spec.name)
        if spec.kind == "text" and isinstance(value, str) and len(value) > MAX_TEXT_CHARS:
            return (f"The {spec.name.replace('_', ' ')} is {len(value):,} characters long; the gallery takes at most "
                    f"{MAX_TEXT_CHARS:,}. Shorten it and press Enter.")
    return None


def session_arg(args: dict, name: str) -> str | None:
    """The first value of URL argument ``name`` (``?example=...``) as text, or None."""
    values = args.get(name) or []
    if not values:
        return None
    value = values[0]
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
