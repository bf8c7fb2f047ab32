"""MiniLM's MLP neurons on the gallery's sentences, shared by the neuron-view examples (not an example).

``hook_post`` is the post-GELU activation of each of the 1,536 neurons of a layer at each token.
Runs are cached per sentence and held under the gallery's model lock.
"""

from __future__ import annotations

import functools

import numpy as np


@functools.lru_cache(maxsize=64)
def minilm_mlp(sentence: str) -> tuple[list[str], np.ndarray]:
    """``(str_tokens, activations)`` of MiniLM on ``sentence``: ``[layer, token, neuron]`` post-GELU activations."""
    import torch

    from vizkit_gallery.data.models import load_minilm

    from ._shared import MODEL_LOCK

    with MODEL_LOCK:
        model, _ = load_minilm()
        tokens = model.to_tokens(sentence)
        with torch.no_grad():
            _, cache = model.run_with_cache(tokens, names_filter=lambda name: name.endswith("mlp.hook_post"))
        n = len([k for k in cache.keys() if str(k).endswith("mlp.hook_post")])
        acts = np.stack([cache[f"blocks.{L}.mlp.hook_post"][0].double().numpy() for L in range(n)])
    return list(model.to_str_tokens(tokens[0])), acts


def word_activations(sentence: str, layer: int) -> tuple[list[str], np.ndarray]:
    """The tokens of ``sentence`` and ``[token, neuron]`` activations of ``layer``, ``[CLS]`` and ``[SEP]`` left out
    (a few neurons fire on them, and only on them, in every sentence)."""
    toks, acts = minilm_mlp(sentence)
    keep = [i for i, t in enumerate(toks) if t not in ("[CLS]", "[SEP]")]
    return [toks[i] for i in keep], acts[layer][keep]


def strongest_neurons(layer: int, k: int, sentences) -> list[int]:
    """The ``k`` neurons of ``layer`` with the largest activation on any word token of ``sentences`` (largest first)."""
    peak = np.max([word_activations(s, layer)[1].max(0) for s in sentences], axis=0)
    return [int(i) for i in np.argsort(-peak, kind="stable")[:k]]
