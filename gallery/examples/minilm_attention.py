"""MiniLM attention on a sentence you type.

all-MiniLM-L6-v2 is a real pretrained BERT sentence encoder (6 layers × 12 heads). Type any
sentence and page through its layers with the slider. The attention is bidirectional (a query
can read tokens after it), so the whole matrix is filled. Look for the structure that shows up
in every sentence: in layer 0, head 2 reads the previous token (a clean sub-diagonal) and
others spread out; from layer 1 to 4 most heads put more than half of their attention on `[CLS]`
(the left column), an "attention sink" where a head parks attention it does not need; in
layer 5 the attention spreads out again over the words.
"""

from vizkit_gallery.data.models import SENTENCES

CATEGORY = "MiniLM (pretrained BERT) · attention"
ORDER = 70
PARAMS = {"prompt": SENTENCES[0], "layer": [None, 0, 1, 2, 3, 4, 5], "head": [None, *range(12)]}


def build(prompt: str = SENTENCES[0], layer: int | None = None, head: int | None = None):
    import vizkit as vk

    from ._shared import minilm, minilm_cut_note

    sentence = prompt.strip() or SENTENCES[0]
    tokens, patterns = minilm(sentence)
    where = "every layer" if layer is None else f"layer {layer}"
    which = "" if head is None else f", head {head}"
    return vk.attention(patterns, layer=layer, heads=head, tokens=tokens, mode="slider", facet_cols=3 if head is None else 1,
                        title=f"MiniLM attention, {where}{which}{minilm_cut_note(sentence)}")
