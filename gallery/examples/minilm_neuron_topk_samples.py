"""Which sentences a MiniLM neuron likes best.

For each neuron (the slider), the gallery's sentences it fires on most, as rows of coloured text,
strongest first (ranked by the neuron's largest activation on any word of the sentence; [CLS] and
[SEP] are left out). One colour scale for all neurons and samples, so rows compare directly.
"""

CATEGORY = "MiniLM (pretrained BERT) · neurons"
ORDER = 78
PARAMS = {"layer": [0, 3, 5], "samples": [3, 5]}


def build(layer: int = 0, samples: int = 3):
    import numpy as np

    import vizkit as vk
    from vizkit_gallery.data.models import SENTENCES

    from ._neurons import strongest_neurons, word_activations

    neurons = strongest_neurons(layer, 4, SENTENCES)
    runs = [word_activations(s, layer) for s in SENTENCES]
    tokens, acts = [], []
    for n in neurons:
        order = np.argsort([-a[:, n].max() for _, a in runs], kind="stable")[:samples]
        tokens.append([runs[i][0] for i in order])
        acts.append([runs[i][1][:, n] for i in order])
    return vk.topk_samples([tokens], [acts], zeroth_dimension_labels=[layer], first_dimension_labels=neurons,
                           title=f"MiniLM layer {layer}: each neuron's {samples} strongest sentences")
