"""The plan: a pure step from (Figure, Theme) to everything that is the same in every backend.

``plan(fig, theme, static=False) -> Plan`` decides, once, what five backends used to work out
each in their own way: pixel geometry, ticks per panel axis, the shared colour scale, fills and
text inks, captions and notes, hover field names, token boxes and display text. It draws
nothing and imports no plotting library, so it is tested without drawing (``tests/plan``).

How a backend uses it
---------------------
A backend's ``render(plan)`` reads the plan and translates it into its native objects; it never
decides again what the plan decides::

    from vizkit.plan import plan as make_plan, text

    p = make_plan(fig, theme, static=False)
    p.width, p.height                     # the figure's size in CSS px (export width/height applied)
    p.geometry.cells[i]                   # panel i's box: x, y, width, height (row, col)
    p.geometry.title_height, .caption_height, .slider_height, .select_height, .colorbar_width
    for panel in p.frame(k):              # the panels of slider frame k, grid order
        panel.x.tickvals, panel.x.ticktext, panel.x.rotated    # the ticks to draw (None: numeric auto)
        panel.x.range, panel.x.log, panel.x.reversed, panel.x.grid, panel.x.title
        panel.hover[j].x / .y / .value    # names of mark j's hover fields
        panel.tokens                      # token boxes, fills and inks of a token-text panel
        panel.tokens.scales[r], .colorbar_titles[r]   # value row r's colour scale and bar title (own range: .per_row)
    p.shared_scale                        # the ColorScale all heatmaps share (one colour bar), or None
    p.shares_scale(mark)                  # whether a heatmap uses it
    p.title, p.title_px                   # title and its size (shrunk to fit the width)
    p.caption, p.caption_px               # notes joined, incl. "a static image shows one frame"
    text.escape(s)                        # for renderers that read markup (plotly, HTML)
    text.plain(s, lines=...)              # for renderers that draw literally (matplotlib)

A backend that adds notes of its own (CircuitsVis's empty rows) calls ``p.with_notes([...])``.
Pixels per inch are :data:`PX_PER_INCH` (96) everywhere; :func:`with_size` applies an export's
``width``/``height`` override to a figure before planning.

Modules: :mod:`.geometry` (sizes, cells), :mod:`.ticks`, :mod:`.colour` (shared scale, fills,
inks), :mod:`.captions`, :mod:`.hover`, :mod:`.tokens` (wrapping, boxes), :mod:`.text`
(escaping, visible control characters, number text), :mod:`.marks` (bar geometry), :mod:`.layout`
(the dataclasses).
"""

from __future__ import annotations

from . import captions, colour, geometry, hover, marks, text, ticks, tokens
from .geometry import PT_PER_PX, PX_PER_INCH, Cell, Geometry, figure_size, with_size
from .hover import HoverFields
from .layout import AxisPlan, PanelPlan, Plan, TokenPlan, plan
from .tokens import TokenBoxes

__all__ = ["plan", "Plan", "PanelPlan", "AxisPlan", "TokenPlan", "TokenBoxes", "HoverFields", "Geometry", "Cell",
           "PX_PER_INCH", "PT_PER_PX", "figure_size", "with_size",
           "captions", "colour", "geometry", "hover", "marks", "text", "ticks", "tokens"]
