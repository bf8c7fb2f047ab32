"""Logit lens: when does the answer become readable?

The residual stream at one position, read through the final LayerNorm and the unembedding
before each layer and after the last (nostalgebraist's logit lens). At a second-copy position
the correct next token is known from the first copy, but its logit stays low (even negative)
through the embeddings and layer 0 and only jumps after layer 1, to about 13: layer 0's
previous-token head predicts nothing by itself, the layer-1 induction heads write the answer.
The current token's logit is shown for comparison. Move the position into the first copy
(positions 1–9): there the next token is random and no layer predicts it.
"""

from ._shared import CORRUPT_POS, SEQ_LEN

CATEGORY = "Induction model · logit attribution"
ORDER = 50
PARAMS = {"position": (1, 2 * SEQ_LEN - 1), "prob": [False, True]}


def build(position: int = CORRUPT_POS - 1 + SEQ_LEN, prob: bool = False):
    import vizkit as vk

    from ._shared import model, run, token_names

    tokens, _, cache = run()
    names = token_names(tokens)
    answers = {f"next token {names[position + 1]}": int(tokens[0, position + 1]),
               f"current token {names[position]}": int(tokens[0, position])}
    copy = "second copy" if position > SEQ_LEN else "first copy"
    return vk.logit_lens(cache, model(), answers=answers, pos=position, tokens=names, prob=prob,
                         title=f"Logit lens at pos {position} ({names[position]}, {copy})")
