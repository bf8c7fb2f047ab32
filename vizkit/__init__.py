"""vizkit: the plotting toolkit for mechanistic interpretability.

>>> import vizkit as vk
>>> fig = vk.imshow(matrix, dims=("layer", "pos"), x=str_tokens)   # doctest: +SKIP
>>> fig.save("fig.html")                                              # doctest: +SKIP

Importing vizkit is light: plotting libraries, torch, TransformerLens and Panel load only when
a figure first needs them (PEP 562 lazy attributes below).
"""

from __future__ import annotations

import importlib

from ._config import get_backend, get_option, get_theme, set_backend, set_option, set_theme, use_backend, use_theme
from .errors import VizkitError, VizkitWarning

__version__ = "0.1.0"

_LAZY = {
    # figures
    "imshow": "vizkit.figures.generic",
    "line": "vizkit.figures.generic",
    "scatter": "vizkit.figures.generic",
    "bar": "vizkit.figures.generic",
    "hist": "vizkit.figures.generic",
    "attention": "vizkit.figures.attention",
    "patching": "vizkit.figures.patching",
    "loss_curves": "vizkit.figures.curves",
    "tokens": "vizkit.figures.tokens",
    "head_scores": "vizkit.figures.heads",
    "logit_lens": "vizkit.figures.lens",
    "dla": "vizkit.figures.lens",
    "density": "vizkit.figures.density",
    "collect": "vizkit.scale.collect",
    "neuron_activations": "vizkit.figures.neurons",
    "topk_tokens": "vizkit.figures.neurons",
    "topk_samples": "vizkit.figures.neurons",
    "token_log_probs": "vizkit.figures.neurons",
    # analysis: labelled arrays, no plotting
    "previous_token_scores": "vizkit.analysis.heads",
    "duplicate_token_scores": "vizkit.analysis.heads",
    "induction_scores": "vizkit.analysis.heads",
    "first_token_scores": "vizkit.analysis.heads",
    "lens_logits": "vizkit.analysis.lens",
    "lens_top_tokens": "vizkit.analysis.lens",
    "direct_logit_attribution": "vizkit.analysis.lens",
    "analysis": "vizkit.analysis",
    "compat": "vizkit.compat",
    # spec and helpers
    "Figure": "vizkit.spec",
    "to_dataarray": "vizkit.adapters",
    "activation": "vizkit.adapters.transformer_lens",
    "backends": "vizkit.backends",
    "save": "vizkit.export",
}

__all__ = [
    "VizkitError", "VizkitWarning", "get_backend", "get_option", "get_theme", "set_backend", "set_option", "set_theme",
    "use_backend", "use_theme",
    *_LAZY,
]


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'vizkit' has no attribute {name!r}")
    mod = importlib.import_module(module)
    value = getattr(mod, name, mod)  # a function of that name, else the module itself (vk.backends)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_LAZY))
