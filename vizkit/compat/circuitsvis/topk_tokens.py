"""CircuitsVis ``circuitsvis.topk_tokens``: ``topk_tokens``."""

from __future__ import annotations

from .rendered import rendered

__all__ = ["topk_tokens"]


def topk_tokens(tokens, activations, max_k=10, first_dimension_name="Layer", third_dimension_name="Neuron",
                sample_labels=None, first_dimension_labels=None):
    """Each neuron's top and bottom ``max_k`` tokens per sample; ``activations`` is a list of
    ``[layers, tokens, neurons]`` arrays, one per sample (CircuitsVis ``TopkTokens``)."""
    from ...figures.neurons import topk_tokens as vk_topk_tokens

    return rendered(vk_topk_tokens(tokens, activations, max_k=max_k, first_dimension_name=first_dimension_name,
                                   third_dimension_name=third_dimension_name, sample_labels=sample_labels,
                                   first_dimension_labels=first_dimension_labels))
