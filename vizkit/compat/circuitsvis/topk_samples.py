"""CircuitsVis ``circuitsvis.topk_samples``: ``topk_samples``."""

from __future__ import annotations

from .rendered import RenderedHTML, rendered

__all__ = ["RenderedHTML", "topk_samples"]


def topk_samples(tokens, activations, zeroth_dimension_name="Layer", first_dimension_name="Neuron",
                 zeroth_dimension_labels=None, first_dimension_labels=None):
    """Samples in order for each (layer, neuron): ``tokens`` and ``activations`` are nested
    ``[layers][neurons][samples][tokens]`` (CircuitsVis ``TopkSamples``)."""
    from ...figures.neurons import topk_samples as vk_topk_samples

    return rendered(vk_topk_samples(tokens, activations, zeroth_dimension_name=zeroth_dimension_name,
                                    first_dimension_name=first_dimension_name,
                                    zeroth_dimension_labels=zeroth_dimension_labels,
                                    first_dimension_labels=first_dimension_labels))
