"""Induction attention and the loss, prediction by prediction.

One point per prediction in the second copy of 48 repeated random sequences (repeat offsets 5
to 31). x: how much attention the layer-1 induction heads pay to the right key, the token
after the earlier copy of the current token (their mean, or one head). y: the model's loss on
the next token, log scale. Most points sit at high attention and a loss near zero, and the
less attention, the higher the loss. The misses are mostly the first prediction of the second
copy (darkest): there one repeated token is the only evidence that the sequence repeats, and
the heads attend less surely. Of the 37 predictions with a loss above 0.1 nats, 26 are first
predictions, and so are all 5 above 1 nat. Hover a point for its sequence, position and tokens.
"""

CATEGORY = "Induction model · attention"
ORDER = 34
PARAMS = {"head": ["mean", 0, 1, 2, 3]}


def build(head: str | int = "mean"):
    import vizkit as vk

    from ._shared import INDUCTION_HEAD, induction_points

    pts = induction_points(INDUCTION_HEAD[0])
    layer = INDUCTION_HEAD[0]
    if head == "mean":
        attention, which = pts["attention"].mean(-1), f"the layer-{layer} heads (mean)"
    else:
        attention, which = pts["attention"][:, int(head)], f"L{layer}H{head}"
    return vk.scatter(attention, pts["loss"], color=pts["index"], hover=pts["label"], log_y=True, size=6,
                      colorscale="viridis",
                      labels={"x": f"attention of {which} on the induction target",
                              "y": "loss on the next token (nats)", "color": "prediction # in the 2nd copy"},
                      title=f"Attention of {which} on the induction target vs loss")
