"""Theme fonts and colours on bokeh plots, colour bars and legends (shared by bokeh and HoloViews)."""

from __future__ import annotations

from ...plan.captions import text_px, title_px

#: Line dash of each spec dash name, in bokeh's names.
DASH = {"solid": "solid", "dash": "dashed", "dot": "dotted"}
#: Plots at least this wide hold their legend on their right, narrower ones inside the frame.
LEGEND_OUTSIDE_MIN_WIDTH = 500


def font(family: str) -> str:
    """A CSS font list canvas text accepts: names with spaces quoted."""
    names = [n.strip().strip("'\"") for n in family.split(",")]
    return ", ".join(f"'{n}'" if " " in n else n for n in names)


def legend_outside(plot_width: int) -> bool:
    """Whether a plot ``plot_width`` pixels wide holds its legend on its right (else inside, top right)."""
    return plot_width >= LEGEND_OUTSIDE_MIN_WIDTH


def color_mapper(scale, nan_color: str = "rgba(0, 0, 0, 0)"):
    """A 256-step ``LinearColorMapper`` over the spec colour scale ``scale`` (NaN transparent by default)."""
    from bokeh.models import LinearColorMapper

    from ...spec.colors import palette

    return LinearColorMapper(palette=palette(scale.name, 256), low=scale.zmin, high=scale.zmax, nan_color=nan_color)


def colorbar(mapper, scale, theme):
    """A themed ``ColorBar`` of ``mapper``, titled with the scale's title."""
    from bokeh.models import ColorBar

    bar = ColorBar(color_mapper=mapper, title=scale.title, width=14, padding=6)
    style_colorbar(bar, theme)
    return bar


def style_colorbar(bar, theme) -> None:
    """Theme a colour bar like the plot around it."""
    family, size = font(theme.font_family), f"{theme.font_size}px"
    bar.background_fill_color, bar.border_line_color = theme.background, None
    bar.major_label_text_color = bar.title_text_color = theme.foreground
    bar.major_label_text_font = bar.title_text_font = family
    bar.major_label_text_font_size = bar.title_text_font_size = size
    bar.title_text_font_style = "normal"


def style_plot(p, theme, legend_title: str | None = None) -> None:
    """Theme a bokeh plot: fonts, sizes and colours of its title, axes, grid, legends and colour bars."""
    from bokeh.models import ColorBar

    size, family = f"{theme.font_size}px", font(theme.font_family)
    p.background_fill_color = theme.panel_background
    p.border_fill_color = theme.background
    p.outline_line_color = theme.grid
    if p.title is not None:
        _style_title(p, theme, family)
    for ax in p.axis:
        ax.axis_label_text_font = ax.major_label_text_font = family
        ax.axis_label_text_font_size, ax.major_label_text_font_size = size, size
        ax.axis_label_text_color = ax.major_label_text_color = theme.foreground
        ax.axis_line_color = ax.major_tick_line_color = ax.minor_tick_line_color = theme.foreground
        ax.axis_label_text_font_style = "normal"
    for grid in p.grid:
        if grid.grid_line_color is not None:  # None: hidden on purpose
            grid.grid_line_color = theme.grid
    for legend in p.legend:
        legend.title = legend_title
        legend.click_policy = "hide"
        legend.background_fill_color, legend.border_line_color = theme.background, None
        legend.label_text_color = legend.title_text_color = theme.foreground
        legend.label_text_font = legend.title_text_font = family
        legend.label_text_font_size = legend.title_text_font_size = size
        if legend in p.right:  # beside the frame: at its top, as bokeh's own outside legends are (HoloViews puts them low)
            legend.location = "top_left"
    for bar in p.select({"type": ColorBar}):
        style_colorbar(bar, theme)
    if p.toolbar is not None:
        p.toolbar.logo = None


def _style_title(p, theme, family: str) -> None:
    """bokeh centres a title on the frame and clips what overflows the canvas on the left: a title too
    long to centre starts at the frame's left edge instead, smaller if even the plot is too narrow."""
    text, width = getattr(p.title.text, "text", p.title.text) or "", p.width or 600
    size = title_px(text, width - 40, theme)
    p.title.text_font, p.title.text_font_size, p.title.text_color = family, f"{size}px", theme.foreground
    p.title.align = "center" if text_px(text, size) <= width - 160 else "left"
