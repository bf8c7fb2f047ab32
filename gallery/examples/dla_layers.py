"""Direct logit attribution per layer.

Split the model's logit for the correct next token into what each component adds to the
residual stream directly: the token embedding, the positional embedding, layer 0's attention
and layer 1's attention, each projected through the final LayerNorm (its scale frozen from the
run) and the unembedding. At a second-copy position layer 1's attention, the induction heads,
writes about +13.9 towards a final logit of 12.7; everything else adds a little, mostly
negative. Layer 0 writes nothing towards the answer directly (slightly against it): its job is
indirect, preparing the keys layer 1 reads. Move the position into the first copy (1–9): no component writes the unpredictable next token.
"""

from ._shared import CORRUPT_POS, SEQ_LEN

CATEGORY = "Induction model · logit attribution"
ORDER = 51
PARAMS = {"position": (1, 2 * SEQ_LEN - 1)}


def build(position: int = CORRUPT_POS - 1 + SEQ_LEN):
    import vizkit as vk

    from ._shared import model, run, token_names

    tokens, _, cache = run()
    names = token_names(tokens)
    return vk.dla(cache, model(), int(tokens[0, position + 1]), pos=position, tokens=names,
                  title=f"Direct logit attribution to the next token {names[position + 1]} at pos {position}")
