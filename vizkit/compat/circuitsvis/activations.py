"""CircuitsVis ``circuitsvis.activations``: ``text_neuron_activations``."""

from __future__ import annotations

from .rendered import rendered

__all__ = ["text_neuron_activations"]


def text_neuron_activations(tokens, activations, first_dimension_name="Layer", second_dimension_name="Neuron",
                            first_dimension_labels=None, second_dimension_labels=None):
    """Text coloured by neuron activations ``[tokens, layers, neurons]`` (or a list, one per sample),
    with a selector over (layer, neuron) (CircuitsVis ``TextNeuronActivations``)."""
    from ...figures.neurons import neuron_activations

    return rendered(neuron_activations(tokens, activations, first_dimension_name=first_dimension_name,
                                       second_dimension_name=second_dimension_name,
                                       first_dimension_labels=first_dimension_labels,
                                       second_dimension_labels=second_dimension_labels))
