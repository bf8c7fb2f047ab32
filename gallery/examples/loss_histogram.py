"""The two copies' loss distributions.

Every prediction of 64 repeated random sequences (ten tokens, then the same ten), counted by
its loss. The two copies do not overlap at all. First-copy tokens are random: their losses
pile up around log 127 ≈ 4.8 nats (every one above 4.3), a uniform guess over the vocabulary.
Second-copy tokens are copies: almost all of their losses are near zero, and every one is
below 1.5 nats. (The first token of the second copy is left out: nothing before it says the
sequence repeats.) The log scale shows the few second-copy predictions that still hesitate.
"""

CATEGORY = "Induction model · behaviour"
ORDER = 21
PARAMS = {"log_y": [True, False], "nbins": [60, 30, 120]}


def build(log_y: bool = True, nbins: int = 60):
    import vizkit as vk

    from ._shared import copy_losses

    return vk.hist(copy_losses(), nbins=nbins, log_y=log_y, labels={"x": "loss (nats)", "y": "predictions"},
                   title="Per-token loss on 64 repeated sequences: first copy vs second copy")
