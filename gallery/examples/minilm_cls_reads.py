"""What [CLS] reads, layer by layer.

Each token of a sentence is coloured by how much attention `[CLS]` pays to it in one layer of
MiniLM, averaged over the layer's 12 heads. `[CLS]`'s attention to itself is left out (shown
blank): in layers 1–4 it is about 90%, so `[CLS]` mostly rests on itself, and in layer 0 most
of the rest goes to the final `.` and `[SEP]`. The last layer is different: `[CLS]` reads the
content words — nouns such as "trophy" and "suitcase" — and hardly the function words. Type
your own sentence to see which words it picks.
"""

from vizkit_gallery.data.models import SENTENCES

CATEGORY = "MiniLM (pretrained BERT) · attention"
ORDER = 73
PARAMS = {"prompt": SENTENCES[1], "layer": [5, 4, 3, 2, 1, 0]}


def build(prompt: str = SENTENCES[1], layer: int = 5):
    import numpy as np

    import vizkit as vk

    from ._shared import minilm, minilm_cut_note

    sentence = prompt.strip() or SENTENCES[1]
    tokens, patterns = minilm(sentence)
    from_cls = patterns[layer, :, 0, :].mean(0)  # mean over heads of [CLS]'s attention to each key
    self_share = from_cls[0]
    from_cls[0] = np.nan  # [CLS] → [CLS]: most of it in the middle layers; it would wash out the colours
    return vk.tokens(tokens, from_cls, zmin=0.0, value_label="attention from [CLS]",
                     title=f"MiniLM layer {layer}: attention from [CLS] to each token "
                           f"(mean over heads; {self_share:.0%} on itself, left blank){minilm_cut_note(sentence)}")
