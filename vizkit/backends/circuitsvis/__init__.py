"""The CircuitsVis backend: attention and token-text figures as CircuitsVis's React views, offline.

Attention figures become ``AttentionHeads`` (every head of every layer, named by its panel title,
``L1H2``); token text becomes ``ColoredTokens`` (one value row) or ``ColoredTokensMulti`` (several).
Other kinds are refused, and the registry names the backends that can draw them.

vizkit writes the page itself instead of ``circuitsvis.utils.render``, whose HTML loads its
JavaScript from unpkg, whose ``_repr_html_`` probes the network, and which embeds props as raw JSON:

- the bundle shipped in the installed package is inlined (:mod:`.page`): no network request;
  importing this package imports nothing of circuitsvis (``draw`` imports it for ``RenderedHTML``);
- props travel in a ``<script type="application/json">`` block with ``<``, ``>``, ``&``, U+2028 and
  U+2029 as ``\\u`` escapes, so no string can close the script; arrays as base64 typed arrays;
- ``ColoredTokens`` sets each token with ``innerHTML``, so tokens are HTML-escaped before they reach
  it and show as text (its hover box then shows ``&lt;`` for a ``<``); attention draws tokens on canvases;
- ids derive from the content (no ``uuid4``): the same figure gives the same bytes.

Translation (:mod:`.props`): NaN cells (the masked causal triangle) become 0 and ``maskUpperTri``
follows ``meta["causal"]`` (else :func:`vizkit.spec.masks.is_causal`, the test ``vk.attention``
uses), so CircuitsVis greys the triangle itself; with fewer queries than keys (a KV cache) empty rows
are prepended and the caption says so. Down-sampled heatmaps are drawn as the spec has them, so
CircuitsVis never gets more cells than the other backends. CircuitsVis colours run from white at 0
to one colour at ``maxValue`` (another at a negative ``minValue``): vizkit passes the spec's
``zmin``/``zmax`` and its scale's end colours (``ColoredTokensMulti`` takes no colours).

Static export (``STATIC = "browser"``): PNG and PDF are headless-Chromium pictures of the static
page (every head of the first frame in the facet grid, every token row) at the plan's size; SVG
is drawn by the matplotlib backend (``SVG_BACKEND``), as CircuitsVis draws on canvases.
"""

from __future__ import annotations

import functools

from ...errors import MissingDependencyError
from .page import READY_JS, fragment
from .props import KINDS, props_json, view

__all__ = ["NAME", "KINDS", "FORMATS", "STATIC", "NOTEBOOK", "SELECTOR", "READY_JS", "SVG_BACKEND", "draw", "render",
           "html_parts", "iframe_size", "mimebundle", "component", "props_json", "fragment"]

NAME = "circuitsvis"
FORMATS = frozenset({"html", "png", "svg", "pdf"})
STATIC = "browser"
NOTEBOOK = "iframe"
SELECTOR = ".vizkit-cv"
SVG_BACKEND = "matplotlib"


def component(fig) -> tuple[str, dict]:
    """The CircuitsVis component that draws ``fig`` and its props (arrays as numpy).

    Returns
    -------
    (str, dict)
        ``("AttentionHeads", {"attention": [heads, dest, src], "tokens", "attentionHeadNames", ...})``,
        ``("ColoredTokens", {"tokens", "values", "minValue", "maxValue", ...})`` or
        ``("ColoredTokensMulti", {"tokens", "values": [tokens, rows], "labels", ...})``.
    """
    name, props, _ = view(fig)
    return name, props


def html_parts(plan) -> tuple[str, str]:
    """Page parts: nothing for ``<head>`` (the bundle travels inside the fragment); the fragment."""
    return "", fragment(plan)


def iframe_size(plan) -> tuple[int, int]:
    """A notebook iframe's first size (the page's script then fits its height to the view)."""
    fig, theme = plan.figure, plan.theme
    width = int(fig.width or theme.width)
    if fig.height:
        height = int(fig.height) + 60
    elif fig.kind == "attention":  # head thumbnails, then a zoomed pattern about as tall as it is wide
        height = width + 180
    else:
        height = plan.height + 120 * any(t.mark.values.shape[0] > 1 for p in plan.panels if (t := p.tokens) is not None)
    return width + 16, height


def draw(plan):
    """The native object: a ``circuitsvis.utils.render.RenderedHTML`` that is offline and never probes.

    Its ``local_src`` and ``cdn_src`` are both :func:`fragment` (no CDN; ``str()`` gives it);
    ``_repr_html_`` is the figure's notebook iframe instead of CircuitsVis's network probe;
    ``.component`` and ``.props`` hold what the CircuitsVis component receives.
    """
    cls = _rendered_html_class()
    name, props = component(plan.figure)
    body = fragment(plan)
    out = cls(body, body)
    out.component, out.props = name, props
    out.figure = plan.figure.replace(backend=NAME, theme=plan.theme.name)
    return out


def mimebundle(fig, theme) -> dict:
    """The notebook display of ``fig`` with ``theme`` (the page in an iframe), through the figure's own display.

    Kept for callers of the former backend function; new code calls
    ``vizkit.export.notebook.mimebundle(fig, "circuitsvis")``.
    """
    return fig.replace(backend=NAME, theme=theme.name)._repr_mimebundle_()


def render(fig, theme):
    """The native object of ``fig`` drawn with the resolved ``theme``."""
    from ...plan import plan

    return draw(plan(fig, theme))


@functools.lru_cache(maxsize=1)
def _rendered_html_class():
    try:
        from circuitsvis.utils.render import RenderedHTML
    except ImportError as exc:
        raise MissingDependencyError(f"the circuitsvis backend needs the circuitsvis package ({exc}); "
                                     f"pip install 'vizkit[circuitsvis]'") from None

    class OfflineRenderedHTML(RenderedHTML):
        """CircuitsVis's ``RenderedHTML`` whose notebook display is vizkit's offline iframe (no network probe)."""

        def _repr_html_(self) -> str:
            return self.figure._repr_mimebundle_()["text/html"]  # the figure's display: the page in an iframe

    return OfflineRenderedHTML
