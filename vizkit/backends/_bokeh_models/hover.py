"""Hover tools whose names are plain text and whose values are formatted as plotly formats them.

Tooltip values are placeholders only (``@column``, ``$x``): BokehJS escapes what it fills in,
so tokens and names reach the tooltip as text, never markup.
"""

from __future__ import annotations

from ...plan.text import plain

# Hover numbers like plotly's %{z:.4g}; NaN never reaches a formatter (BokehJS prints "NaN").
NUMBER_JS = "return Number.isFinite(value) ? String(+value.toPrecision(4)) : String(value)"
# A cell position shown as its label and index ("␣Mary (2)"), or the bare index past the labels.
CELL_LABEL_JS = "const i = Math.round(value); const s = labels[i]; return s === undefined ? String(i) : s + ' (' + i + ')'"

# The text of the hovered cell (row from $y, column from $x), empty off the grid.
CELL_TEXT_JS = ("const r = rows[Math.round(special_vars.y)]; const t = r === undefined ? undefined : r[Math.round(special_vars.x)]; "
                "return t === undefined ? '' : t")


def number_formatter():
    """A ``CustomJSHover`` printing numbers to 4 significant digits."""
    from bokeh.models import CustomJSHover

    return CustomJSHover(code=NUMBER_JS)


def add_hover(p, renderers, tooltips, formatters) -> None:
    """A ``HoverTool`` on ``renderers`` of plot ``p``: ``tooltips`` are (name, placeholder) pairs."""
    from bokeh.models import HoverTool

    p.add_tools(HoverTool(renderers=renderers, tooltips=[(str(k), v) for k, v in tooltips], formatters=formatters))


def heatmap_hover(p, renderer, mark, panel, fields, value_field: str) -> None:
    """Hover of a heatmap: row and column labels (with their index) and the value, as plotly shows it.

    ``fields`` are the mark's planned :class:`~vizkit.plan.HoverFields` (the names shown).
    """
    from bokeh.models import CustomJSHover

    ny, nx = mark.z.shape
    x_labels = [plain(s) for s in (mark.x_labels or panel.x.labels or [str(i) for i in range(nx)])]  # full text, made visible
    y_labels = [plain(s) for s in (mark.y_labels or panel.y.labels or [str(i) for i in range(ny)])]
    tips = [(fields.y, "$y{label}"), (fields.x, "$x{label}"), (fields.value, value_field + "{num}")]
    formatters = {"$y": CustomJSHover(args={"labels": y_labels}, code=CELL_LABEL_JS),
                  "$x": CustomJSHover(args={"labels": x_labels}, code=CELL_LABEL_JS), value_field: number_formatter()}
    if getattr(mark, "text", None) is not None:  # the cell's text (shown even where the cells are too small for it)
        tips.append((mark.text_label, "$data_x{text}"))
        formatters["$data_x"] = CustomJSHover(args={"rows": [[plain(t) for t in row] for row in mark.text]}, code=CELL_TEXT_JS)
    add_hover(p, [renderer], tips, formatters)


def bar_labels(mark, panel) -> list[str] | None:
    """Each bar's category label (its own, else the category axis's tick at its position), or None."""
    if mark.labels is not None:
        return [plain(s) for s in mark.labels]
    labels = (panel.y if mark.horizontal else panel.x).labels
    if labels is None:
        return None
    return [plain(labels[int(round(v))]) if 0 <= round(v) < len(labels) else "" for v in mark.x]
