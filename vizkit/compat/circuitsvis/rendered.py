"""The result of a CircuitsVis compat call: a vizkit Figure that also behaves like CircuitsVis' ``RenderedHTML``."""

from __future__ import annotations

import dataclasses
import os

from ..._config import get_backend
from ...backends import supports
from .._figure import CompatFigure, as_compat

__all__ = ["RenderedFigure", "rendered"]


def _backend_chosen() -> bool:
    """Whether the user picked a backend (``use_backend``, ``set_backend`` or ``VIZKIT_BACKEND``)."""
    from ... import _config

    return (_config._scoped_backend.get() is not None or _config._global["backend"] is not None
            or bool(os.environ.get("VIZKIT_BACKEND")))


@dataclasses.dataclass(frozen=True, eq=False, repr=False)
class RenderedFigure(CompatFigure):
    """A :class:`vizkit.Figure` with CircuitsVis' ``RenderedHTML`` behaviour.

    With no backend chosen (``vk.set_backend`` / ``vk.use_backend`` / ``VIZKIT_BACKEND`` /
    ``backend=``) it draws with the CircuitsVis backend when that backend can draw its kind
    (attention, colored tokens), else with the default; ``str(fig)`` and ``fig.show_code()``
    are standalone HTML that renders offline.
    """

    def _choose(self, backend: str | None) -> str:
        if backend is not None or self.backend is not None or _backend_chosen():
            return get_backend(backend if backend is not None else self.backend)
        return "circuitsvis" if supports("circuitsvis", self.kind) else get_backend(None)

    def _repr_html_(self) -> str:
        return self._repr_mimebundle_().get("text/html", "")

    def __html__(self) -> str:
        return self._repr_html_()

    def show_code(self) -> str:
        """The standalone HTML of the view (CircuitsVis returns the code to embed it)."""
        return self.to_html()

    def __str__(self) -> str:
        return self.to_html()


def rendered(fig, *, not_drawn: list[str] | None = None) -> RenderedFigure:
    """``fig`` as a :class:`RenderedFigure`."""
    out = as_compat(fig, "circuitsvis", not_drawn=not_drawn)
    return RenderedFigure(**{f.name: getattr(out, f.name) for f in dataclasses.fields(out)})
