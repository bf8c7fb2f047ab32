"""Where each MiniLM neuron fires hardest, in context.

For each of the gallery's five sentences (one panel each), a neuron's row colours only its
``max_k`` largest and ``max_k`` smallest activations; every other token is a gap, so the words a
neuron responds to stand out in their sentence. The menu picks the neuron (the four of the layer
that fire hardest on any word; [CLS] and [SEP] are left out). A neuron that fires on one kind of
word lights up that word in every sentence that has one.
"""

CATEGORY = "MiniLM (pretrained BERT) · neurons"
ORDER = 77
PARAMS = {"layer": [0, 3, 5], "max_k": [2, 1, 4]}


def build(layer: int = 0, max_k: int = 2):
    import vizkit as vk
    from vizkit_gallery.data.models import SENTENCES

    from ._neurons import strongest_neurons, word_activations

    neurons = strongest_neurons(layer, 4, SENTENCES)
    runs = [word_activations(s, layer) for s in SENTENCES]
    return vk.topk_tokens([toks for toks, _ in runs], [acts[None, :, neurons] for _, acts in runs], max_k=max_k,
                          first_dimension_labels=[layer], third_dimension_labels=neurons, sample_labels=[f"sentence {i + 1}" for i in range(len(runs))],
                          title=f"MiniLM layer {layer}: each neuron's top and bottom {max_k} tokens per sentence")
