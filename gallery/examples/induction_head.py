"""The induction head (layer 1).

Attention of a layer-1 head of the induction model on BOS, a run of random tokens and the same
run again. In the second copy, the induction head attends from each token to the token *after*
that token's earlier occurrence: a bright stripe `seq_len − 1` positions below the diagonal
(with ten tokens per copy, query 11 looks at key 2, query 12 at key 3, ...). What it reads there
is the token to predict next. In the first copy there is nothing to find, and the head rests on
BOS and the first token. All four layer-1 heads of this model do this (pick "all" heads); head 1
is the sharpest. Change the length: the stripe moves with the repeat offset, so the head matches
tokens, it does not count positions.
"""

from ._shared import INDUCTION_HEAD

CATEGORY = "Induction model · attention"
ORDER = 31
PARAMS = {"layer": [1, 0], "head": [None, 0, 1, 2, 3], "seq_len": [10, 6, 20]}


def build(layer: int = 1, head: int | None = INDUCTION_HEAD[1], seq_len: int = 10):
    import vizkit as vk

    from ._shared import run, token_names

    tokens, _, cache = run(seq_len, 0, 1)
    which = "every head" if head is None else f"head {head}"
    if head is not None and layer == INDUCTION_HEAD[0]:
        which += " (induction head)"
    return vk.attention(cache, layer=layer, heads=head, tokens=token_names(tokens),
                        width=None if head is None else 600, height=None if head is None else 560,
                        title=f"Layer {layer} attention, {which}: {seq_len} tokens repeated")
