"""Direct logit attribution per head.

The same attribution as per layer, split over the attention heads: each head's output at the
query position (`z · W_O`) projected on the correct next token's unembedding through the final
LayerNorm. In the second copy the four layer-1 induction heads each write a similar share of
the logit (about 3–3.6 each): the model runs four copies of the same circuit side by side. The
layer-0 heads write next to nothing directly; the previous-token head's share is even slightly
negative.
"""

from ._shared import CORRUPT_POS, SEQ_LEN

CATEGORY = "Induction model · logit attribution"
ORDER = 52
PARAMS = {"position": (1, 2 * SEQ_LEN - 1)}


def build(position: int = CORRUPT_POS - 1 + SEQ_LEN):
    import vizkit as vk

    from ._shared import model, run, token_names

    tokens, _, cache = run()
    names = token_names(tokens)
    return vk.dla(cache, model(), int(tokens[0, position + 1]), per="head", pos=position, tokens=names,
                  title=f"Direct logit attribution per head to {names[position + 1]} at pos {position}")
