"""Every head of every layer, under a layer slider.

All attention patterns of the induction model on one repeated random sequence, one layer per
slider step. Layer 0 holds the previous-token head (head 3: the stripe just below the
diagonal), a head that mostly attends to the current token (head 0) and two that spread over
recent tokens. In layer 1 all four heads are induction heads: in the second copy they attend to
the token after the earlier copy of the current token (the stripe `seq_len − 1` below the
diagonal), and in the first copy, where there is nothing to copy, they rest on BOS.
"""

CATEGORY = "Induction model · attention"
ORDER = 32
PARAMS = {"seq_len": [10, 5, 20]}


def build(seq_len: int = 10):
    import vizkit as vk

    from ._shared import run, token_names

    tokens, _, cache = run(seq_len, 0, 1)
    return vk.attention(cache, tokens=token_names(tokens), mode="slider",
                        title=f"Induction model attention by layer ({seq_len} tokens repeated)")
