"""CircuitsVis ``circuitsvis.activations``: ``text_neuron_activations``."""

from __future__ import annotations

import numpy as np

from ._inputs import CircuitsVisInputError, is_str_list, numeric, str_tokens
from .rendered import RenderedHTML, rendered

__all__ = ["RenderedHTML", "text_neuron_activations"]


def text_neuron_activations(tokens, activations, first_dimension_name="Layer", second_dimension_name="Neuron",
                            first_dimension_labels=None, second_dimension_labels=None):
    """Text coloured by neuron activations ``[tokens, layers, neurons]`` (or a list, one per sample),
    with a selector over (layer, neuron) (CircuitsVis ``TextNeuronActivations``).

    As in CircuitsVis, ``tokens`` is one sample when it is a list of str and several when it is a
    list of lists, and ``activations`` one sample when it is an array (or ``[tokens][layers][neurons]``
    nested lists) and several when it is a list of arrays, each read on its own: one token list with
    ``[acts]`` is one sample.
    """
    from ...figures.neurons import neuron_activations

    token_lists = [str_tokens(tokens)] if is_str_list(tokens) or _is_id_array(tokens) else [str_tokens(t) for t in tokens]
    if isinstance(activations, str) or not (isinstance(activations, (list, tuple)) or hasattr(activations, "ndim")):
        raise TypeError(f"activations must be of type np.ndarray, torch.Tensor, or list, not {type(activations)}")
    if _one_sample(activations):
        arrays = [numeric(activations)]
    else:
        arrays = [numeric(a) for a in activations]
    for i, a in enumerate(arrays):
        if a.ndim != 3:
            raise CircuitsVisInputError(f"activations must be of shape [tokens x layers x neurons]; "
                                        f"{'sample ' + str(i) + ' has' if len(arrays) > 1 else 'got'} shape {a.shape}")
    finite = np.concatenate([a[np.isfinite(a)] for a in arrays])
    zmin = 0.0 if finite.size and finite.min() > 0 else None  # CircuitsVis' white is 0, not the smallest activation
    return rendered(neuron_activations(token_lists, arrays, zmin=zmin, first_dimension_name=first_dimension_name,
                                       second_dimension_name=second_dimension_name,
                                       first_dimension_labels=first_dimension_labels,
                                       second_dimension_labels=second_dimension_labels))


def _one_sample(activations) -> bool:
    """CircuitsVis' test: a tensor or array is one sample; a list is one when ``activations[0][0][0]`` is a number."""
    if hasattr(activations, "ndim") and not isinstance(activations, (list, tuple)):
        return True
    if not isinstance(activations, (list, tuple)):
        return False
    try:
        first = activations[0][0][0]
    except (IndexError, TypeError, KeyError):
        return False
    return isinstance(first, (int, float, np.number)) or (hasattr(first, "ndim") and first.ndim == 0)


def _is_id_array(tokens) -> bool:
    return hasattr(tokens, "ndim") and not isinstance(tokens, (list, tuple)) and tokens.ndim == 1
