"""The backend-neutral figure spec."""

from .figure import Axis, Bar, ColorScale, Figure, Heatmap, Line, Panel, Scatter, Slider, TokenText
from .theme import THEMES, Theme

__all__ = ["Axis", "Bar", "ColorScale", "Figure", "Heatmap", "Line", "Panel", "Scatter", "Slider", "TokenText", "Theme", "THEMES"]
