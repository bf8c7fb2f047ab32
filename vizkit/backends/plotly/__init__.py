"""The plotly backend: a :class:`~vizkit.plan.Plan` → ``plotly.graph_objects.Figure``.

Arrays go to the browser as base64 typed arrays (plotly ≥ 6 encodes numpy arrays that way).
HTML inlines plotly.js (its cartesian bundle when that draws every trace, :mod:`.bundle`), so it renders with no network; static images go through kaleido
(``STATIC = "kaleido"``); a notebook gets plotly's own mime type plus offline HTML.

Modules: :mod:`.figure` (subplots, layout, caption, slider), :mod:`.axes`, :mod:`.marks`,
:mod:`.tokens` (token-coloured text), :mod:`._text` (escaping, hover-template safety).
"""

from __future__ import annotations

import sys

from ...plan.heads import applies as _heads_view
from ...spec.digest import content_digest
from . import heads
from ._text import unique_labels
from .bundle import bundle_for_types, figure_types, script
from .figure import draw as _draw
from .packed import packed_html

__all__ = ["NAME", "KINDS", "FORMATS", "STATIC", "NOTEBOOK", "draw", "render", "html_parts", "to_html",
           "notebook_bundle", "div_id", "unique_labels"]

NAME = "plotly"
KINDS = "*"
FORMATS = frozenset({"html", "png", "svg", "pdf"})
STATIC = "kaleido"
NOTEBOOK = "bundle"

_CONFIG = {"displaylogo": False, "responsive": True}
_JS_SENT = {"done": False}


def draw(plan):
    """The ``plotly.graph_objects.Figure`` of ``plan`` (the heads view of :mod:`.heads`, or subplots of :mod:`.figure`)."""
    return heads.draw(plan) if _heads_view(plan) else _draw(plan)


def render(fig, theme, *, static: bool = False):
    """The plotly figure of ``fig`` drawn with the resolved ``theme``."""
    from ...plan import plan

    return draw(plan(fig, theme, static=static))


def div_id(plan) -> str:
    """The plot's element id, derived from the figure's content and the theme (same figure, same bytes)."""
    return "vizkit-" + content_digest(plan.figure, plan.theme.name, plan.static)


def to_html(plan, *, include_plotlyjs: bool = True) -> str:
    """Plotly's HTML of the plan's figure: a ``<div>`` and its script (plotly.js inline unless told otherwise: the
    cartesian bundle when it draws every trace, :mod:`.bundle`)."""
    if _heads_view(plan):
        return heads.to_html(plan, div_id(plan), _CONFIG)
    native = draw(plan)
    # a large figure's JSON travels gzip-compressed (:mod:`.packed`); plotly's own HTML otherwise
    html = packed_html(native, div_id(plan), _CONFIG) or native.to_html(include_plotlyjs=False, full_html=False,
                                                                       div_id=div_id(plan), config=_CONFIG)
    # plotly's cartesian bundle when it draws every trace (a third of the full library: the page draws sooner)
    return (script(bundle_for_types(figure_types(native))) + html) if include_plotlyjs else html


def html_parts(plan) -> tuple[str, str]:
    """Page parts: nothing for ``<head>``; the plot (with plotly.js inline) in a ``vizkit-figure`` element."""
    if _heads_view(plan):
        return heads.html_parts(plan, div_id(plan), _CONFIG)
    return "", f'<div class="vizkit-figure">{to_html(plan)}</div>'


def notebook_bundle(plan) -> dict:
    """Plotly's own mime type (JupyterLab, VS Code, nteract) plus offline HTML (classic Notebook, Colab)."""
    import json

    import plotly.io as pio

    if _heads_view(plan):
        return heads.notebook_bundle(plan, div_id(plan), _CONFIG)
    native = draw(plan)
    bundle = {"application/vnd.plotly.v1+json": json.loads(pio.to_json(native, validate=False))}
    # Colab isolates each output in its own frame, so every output needs plotly.js; elsewhere the
    # library is sent once per kernel and reused by later outputs.
    inline_js = "google.colab" in sys.modules or not _JS_SENT["done"]
    bundle["text/html"] = native.to_html(include_plotlyjs=bool(inline_js), full_html=False, div_id=div_id(plan),
                                         config=_CONFIG)
    _JS_SENT["done"] = True
    return bundle
