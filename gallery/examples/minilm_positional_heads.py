"""MiniLM's positional heads: previous token and next token.

Some heads of a pretrained BERT do one simple positional job on every input. In
all-MiniLM-L6-v2, layer 0 head 2 puts nearly all of each token's attention on the token just
before it (a sharp sub-diagonal), and layer 1 head 8 mostly looks at the token just after it
(the super-diagonal). Heads like these let later layers read a word's neighbours, the way the
previous-token head of the induction circuit does in a causal model. Pick another sentence: the
pattern does not depend on the words. (The head-score example measures it for every head.)
"""

from vizkit_gallery.data.models import SENTENCES

CATEGORY = "MiniLM (pretrained BERT) · attention"
ORDER = 71
PARAMS = {"head": ["L0H2 previous token", "L1H8 next token"], "sentence": list(SENTENCES)}


def build(head: str = "L0H2 previous token", sentence: str = SENTENCES[1]):
    import vizkit as vk

    from ._shared import minilm

    label, _, job = head.partition(" ")
    layer, h = (int(v) for v in label[1:].split("H"))
    tokens, patterns = minilm(sentence)
    return vk.attention(patterns, layer=layer, heads=h, tokens=tokens, width=560, height=520,
                        title=f"MiniLM {label}: attends to the {job}")
