"""The previous-token head (layer 0).

Attention of one layer-0 head of the induction model on BOS, ten random tokens and the same
ten again. Queries run down, keys across; the causal upper triangle is masked. The
previous-token head, head 3, puts nearly all of every query's attention on the key just before
it: a sharp stripe one below the diagonal, whatever the tokens are. It copies "which token came
before me" into each position, the first half of the induction circuit, which the layer-1
induction heads read through their keys. Pick another head to compare: head 0 mostly attends to
the current token itself, heads 1 and 2 spread over the recent tokens and BOS.
"""

from ._shared import PREV_HEAD

CATEGORY = "Induction model · attention"
ORDER = 30
PARAMS = {"head": [None, 0, 1, 2, 3], "seq_len": [10, 5, 20]}


def build(head: int | None = PREV_HEAD[1], seq_len: int = 10):
    import vizkit as vk

    from ._shared import run, token_names

    tokens, _, cache = run(seq_len, 0, 1)
    which = "every head" if head is None else f"head {head}" + (" (previous-token head)" if head == PREV_HEAD[1] else "")
    return vk.attention(cache, layer=0, heads=head, tokens=token_names(tokens),
                        width=None if head is None else 600, height=None if head is None else 560,
                        title=f"Layer 0 attention, {which}")
