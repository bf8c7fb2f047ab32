"""Head scores: previous-token, duplicate-token and induction heads.

The stripes of the attention figures, measured for every head and averaged over 16 repeated
random sequences: the mean attention on the previous token, on the earlier copy of the current
token (duplicate-token), and on the token after that copy (induction, the standard score of the
TransformerLens and ARENA tutorials). One layer-0 head, L0H3, is a previous-token head (score
≈ 0.97), and all four layer-1 heads are induction heads (0.82–0.93): the model learned the
circuit four times over. No head is a duplicate-token head: the circuit does not need one,
because the previous-token head already writes "what came before" into each position. Try a
longer repeat: the induction scores stay high.
"""

CATEGORY = "Induction model · attention"
ORDER = 33
PARAMS = {"seq_len": [10, 5, 20, 31]}


def build(seq_len: int = 10):
    import vizkit as vk

    from ._shared import head_scores

    return vk.head_scores(head_scores(seq_len), labels={"color": "mean attention"},
                          title=f"Head scores on {seq_len} random tokens repeated (mean of 16 sequences)")
