"""What the gallery asks of vizkit beyond ``vk.*``, ``Figure.to``/``to_html`` and ``vizkit.export``: in one place.

The gallery is an application on vizkit's public API. Which backends draw a figure kind, which
file formats a backend writes and a figure's size in CSS pixels are read here, so a change in
the library's registry or layout code is met in this module only.
"""

from __future__ import annotations


def backends_for(kind: str) -> list[str]:
    """The backends that draw figures of ``kind``, in the registry's order (plotly first)."""
    from vizkit.backends import backends_for as registered

    return list(registered(kind))


def supports(backend: str, kind: str) -> bool:
    """Whether ``backend`` draws figures of ``kind``."""
    from vizkit.backends import supports as registered

    return bool(registered(backend, kind))


def formats(backend: str) -> frozenset[str]:
    """The file formats ``backend`` writes (``json`` needs no backend and is always offered)."""
    import vizkit.backends as registry

    return frozenset(registry.declared_formats(backend))  # declared as data: no backend is imported


def css_size(fig) -> tuple[int, int]:
    """``(width, height)`` of ``fig`` in CSS pixels, as every backend draws it."""
    from vizkit.spec import theme as themes

    theme = themes.get(fig.theme)
    from vizkit.plan import figure_size

    return figure_size(fig, theme)
