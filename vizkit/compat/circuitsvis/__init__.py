"""CircuitsVis over vizkit: ``from vizkit.compat import circuitsvis as cv`` and the notebook's
``cv.attention.attention_heads(...)``, ``cv.tokens.colored_tokens(...)`` ... run unchanged.

Same module layout (``attention``, ``tokens``, ``activations``, ``topk_tokens``, ``topk_samples``,
``logits``, ``utils.render``; each module's ``RenderedHTML``), argument names, defaults and shapes as
CircuitsVis 1.43. Each call returns a :class:`~vizkit.compat.circuitsvis.rendered.RenderedFigure`: it
displays in a notebook, has ``show_code()``, ``str()`` is self-contained HTML, and it is a
:class:`vizkit.Figure` (``.to``, ``.save``, any backend). Unlike CircuitsVis it works offline (the
JavaScript is inline), escapes every token, and keeps long prompts fast (the figures are vizkit's own).
"""

import sys

from . import activations, attention, examples, logits, tokens, topk_samples, topk_tokens, utils
from .rendered import RenderedFigure, RenderedHTML

#: The CircuitsVis release whose Python API this module follows.
__version__ = "1.43.3"
#: CircuitsVis' package names itself (its ``import circuitsvis.attention`` lines bind it): notebooks write
#: ``cv.circuitsvis.attention.attention_heads(...)``.
circuitsvis = sys.modules[__name__]

__all__ = ["RenderedFigure", "RenderedHTML", "activations", "attention", "circuitsvis", "examples", "logits", "tokens",
           "topk_samples", "topk_tokens", "utils"]
