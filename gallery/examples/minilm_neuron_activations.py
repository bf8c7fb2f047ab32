"""MiniLM's MLP neurons over a sentence.

Each token is coloured by the post-GELU activation of one MLP neuron; the menu picks the neuron
(layer · neuron). The four neurons of the layer are the ones that fire hardest on any word of the
gallery's five sentences ([CLS] and [SEP] are left out: a few neurons fire on them, and only on
them, in every sentence). In layer 0, neuron 1246 fires on "on" and "in" and on no other word of
the five sentences (not on "to" or "at"). GELU lets activations dip just below
zero, so the scale is sequential from the smallest value, not diverging. Type your own sentence
to see where the same neurons fire.
"""

from vizkit_gallery.data.models import SENTENCES

CATEGORY = "MiniLM (pretrained BERT) · neurons"
ORDER = 76
PARAMS = {"prompt": SENTENCES[2], "layer": [0, 3, 5]}


def build(prompt: str = SENTENCES[2], layer: int = 0):
    import vizkit as vk

    from ._neurons import strongest_neurons, word_activations

    sentence = prompt.strip() or SENTENCES[2]
    tokens, acts = word_activations(sentence, layer)
    neurons = strongest_neurons(layer, 4, SENTENCES)
    return vk.neuron_activations(tokens, acts[:, None, neurons], first_dimension_labels=[layer],
                                 second_dimension_labels=neurons,
                                 title=f"MiniLM layer {layer}: MLP neuron activations over the sentence")
