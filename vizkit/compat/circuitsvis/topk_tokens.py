"""CircuitsVis ``circuitsvis.topk_tokens``: ``topk_tokens``."""

from __future__ import annotations

from ._inputs import CircuitsVisInputError, numeric, str_tokens
from .rendered import RenderedHTML, rendered

__all__ = ["RenderedHTML", "topk_tokens"]


def topk_tokens(tokens, activations, max_k=10, first_dimension_name="Layer", third_dimension_name="Neuron",
                sample_labels=None, first_dimension_labels=None):
    """Each neuron's top and bottom ``max_k`` tokens per sample; ``activations`` is a list of
    ``[layers, tokens, neurons]`` arrays, one per sample (or one ``[samples, layers, tokens, neurons]``
    array, as ``einops.rearrange(acts, "seq layers neurons -> 1 layers seq neurons")`` gives) (CircuitsVis ``TopkTokens``)."""
    from ...figures.neurons import topk_tokens as vk_topk_tokens

    if len(tokens) != len(activations):
        raise CircuitsVisInputError(f"tokens and activations must be same length; got {len(tokens)} token lists and "
                                    f"{len(activations)} activation arrays")
    arrays = [numeric(a) for a in activations]
    if not all(a.ndim == 3 for a in arrays):
        raise CircuitsVisInputError(f"activations must be of the form [n_layers, n_tokens, n_neurons]; got shapes "
                                    f"{[a.shape for a in arrays]}")
    return rendered(vk_topk_tokens([str_tokens(t) for t in tokens], arrays, max_k=max_k,
                                   first_dimension_name=first_dimension_name,
                                   third_dimension_name=third_dimension_name, sample_labels=sample_labels,
                                   first_dimension_labels=first_dimension_labels))
