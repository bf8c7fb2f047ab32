"""The result of a CircuitsVis compat call: a vizkit Figure that also behaves like CircuitsVis' ``RenderedHTML``.

What notebooks do with a CircuitsVis result, and what they get here:

- ``display(html)`` or a bare last expression: the notebook output (:meth:`RenderedFigure._repr_mimebundle_`);
- ``str(html)`` / ``html.show_code()`` / ``html._repr_html_()`` / ``html.__html__()``: HTML that shows the
  view *wherever it is put*: written alone to a ``.html`` file, pasted several times into a larger page
  (``f"<div>{title}{html.show_code()}</div>"``), shown with ``display(HTML(str(html)))``, or handed to
  ``streamlit.components.v1.html``. CircuitsVis gives a ``<div>`` and a module script that loads its
  JavaScript from unpkg; vizkit gives the standalone page in an ``iframe srcdoc`` (gzip-compressed, no
  network), so its scripts and styles never touch the page around it and two copies never share an id;
- ``isinstance(html, RenderedHTML)``, ``html.local_src``, ``html.cdn_src``: as in CircuitsVis.
"""

from __future__ import annotations

import dataclasses
import os

from ..._config import get_backend
from ...backends import supports
from .._figure import CompatFigure, as_compat

__all__ = ["RenderedFigure", "RenderedHTML", "rendered"]


class RenderedHTML:
    """CircuitsVis' ``circuitsvis.utils.render.RenderedHTML``: HTML that displays in a notebook.

    Every compat call returns a :class:`RenderedFigure`, which is one. Built directly,
    ``RenderedHTML(local_src, cdn_src)`` holds the two sources as CircuitsVis' does; it displays
    ``local_src`` (vizkit never probes the network), ``str()`` and ``show_code()`` give ``cdn_src``.
    """

    def __init__(self, local_src: str, cdn_src: str):
        self.local_src = local_src
        self.cdn_src = cdn_src

    def _repr_html_(self) -> str:
        return self.local_src

    def __html__(self) -> str:
        return self._repr_html_()

    def show_code(self) -> str:
        return self.cdn_src

    def __str__(self) -> str:
        return self.cdn_src


def _backend_chosen() -> bool:
    """Whether the user picked a backend (``use_backend``, ``set_backend`` or ``VIZKIT_BACKEND``)."""
    from ... import _config

    return (_config._scoped_backend.get() is not None or _config._global["backend"] is not None
            or bool(os.environ.get("VIZKIT_BACKEND")))


@dataclasses.dataclass(frozen=True, eq=False, repr=False)
class RenderedFigure(CompatFigure, RenderedHTML):
    """A :class:`vizkit.Figure` with CircuitsVis' ``RenderedHTML`` behaviour.

    With no backend chosen (``vk.set_backend`` / ``vk.use_backend`` / ``VIZKIT_BACKEND`` /
    ``backend=``) it draws with the CircuitsVis backend when that backend can draw its kind
    (attention, colored tokens) in reasonable time, else with the default (attention over a long
    prompt, which CircuitsVis' component takes tens of seconds to draw). ``str(fig)``, ``fig.show_code()`` and
    ``fig._repr_html_()`` are self-contained HTML (the figure's standalone page in an iframe): it
    renders offline, alone in a file or pasted into a larger page any number of times.
    ``fig.to_html()`` / ``fig.save("x.html")`` write the standalone page itself.
    """

    def _choose(self, backend: str | None) -> str:
        if backend is not None or self.backend is not None or _backend_chosen():
            return get_backend(backend if backend is not None else self.backend)
        return "circuitsvis" if supports("circuitsvis", self.kind) and not self._slow_in_circuitsvis() else get_backend(None)

    def _slow_in_circuitsvis(self) -> bool:
        """Whether CircuitsVis' own component would take tens of seconds to draw these heads (a long prompt):
        then the default backend draws them (in about a second), as CircuitsVis could not."""
        from ...backends.circuitsvis.props import SLOW_CELLS
        from ...spec import Heatmap

        if self.kind != "attention":
            return False
        heads = self.marks(Heatmap)
        return bool(heads) and len(heads) * heads[0].z.shape[-1] ** 2 > SLOW_CELLS

    def embed_html(self, backend: str | None = None) -> str:
        """The view as HTML that stands alone anywhere: the standalone page (:meth:`to_html`) in an
        ``iframe srcdoc``, first sized to the figure and then fitted to it by the page's script."""
        from ...backends import load, make_plan
        from ...export import pages

        name = self._prepare(backend)
        cache = self.__dict__.setdefault("_embedded", {})
        key = (name, _config_theme())
        if key not in cache:
            module = load(name)
            planned = make_plan(self, None, static=not getattr(module, "INTERACTIVE", True))
            size = getattr(module, "iframe_size", None)
            width, height = size(planned) if size else pages.frame_size(planned.width, planned.height)
            cache[key] = pages.iframe(self.to_html(name), title=self.title, width=width, height=height)
        return cache[key]

    def _export_bytes(self, fmt: str, backend: str | None = None, *, theme: str | None = None, **options) -> bytes | None:
        """Files (``fig.save``, ``vk.save``) are drawn by the backend that displays the figure (CircuitsVis for the kinds it draws)."""
        if backend is None and fmt != "json":
            from ...export import to_bytes

            return to_bytes(self, fmt, self._choose(None), theme=theme, **options)
        return super()._export_bytes(fmt, backend, theme=theme, **options)

    @property
    def local_src(self) -> str:  # CircuitsVis' attribute: the HTML it displays
        return self.embed_html()

    @property
    def cdn_src(self) -> str:  # CircuitsVis' attribute: the HTML ``str()`` gives (here also offline)
        return self.embed_html()

    def _repr_html_(self) -> str:
        return self.embed_html()

    def __html__(self) -> str:
        return self.embed_html()

    def show_code(self) -> str:
        """The HTML of the view, to paste into a page or write to a file (CircuitsVis' ``show_code``)."""
        return self.embed_html()

    def __str__(self) -> str:
        return self.embed_html()


def _config_theme() -> str:
    from ..._config import resolve_theme

    return resolve_theme(None).name


def rendered(fig, *, not_drawn: list[str] | None = None) -> RenderedFigure:
    """``fig`` as a :class:`RenderedFigure`."""
    out = as_compat(fig, "circuitsvis", not_drawn=not_drawn)
    return RenderedFigure(**{f.name: getattr(out, f.name) for f in dataclasses.fields(out)})
