"""Per-token loss on a repeated sequence: the repeat is free.

The induction model reads BOS, a run of random tokens, then the same run again, and each token
is coloured by the model's loss on predicting it from the tokens before it (BOS, never
predicted, is blank). The first copy is random, so its loss is high: about log 127 ≈ 4.8
nats, a uniform guess. From the second token of the second copy on, the token before it has
appeared earlier, and the loss drops to almost zero: the model looks back for the earlier
occurrence of the current token and copies what followed it. The first token of the second
copy is a guess too, but a better one the longer the run: the model was trained on repeat
periods of 4 to 31 tokens, so the longer it has gone without a repeat, the likelier the run is
to restart now. At length 31 the restart is all but certain, and that token costs only
0.1–1.1 nats (try it).
"""

CATEGORY = "Induction model · behaviour"
ORDER = 20
PARAMS = {"seq_len": [10, 5, 20, 31], "seed": [0, 1, 2, 3]}


def build(seq_len: int = 10, seed: int = 0):
    import vizkit as vk

    from ._shared import run, token_losses, token_names

    tokens, _, _ = run(seq_len, seed, 1)
    return vk.tokens(token_names(tokens), token_losses(seq_len, seed, 1)[0], zmin=0.0, value_label="loss (nats)",
                     title=f"Per-token loss on {seq_len} random tokens repeated twice")
