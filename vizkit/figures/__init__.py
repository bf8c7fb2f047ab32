"""Figure functions: thin builders from data to a :class:`vizkit.Figure` spec.

They never import a backend. ``KINDS`` lists every figure kind vizkit draws, in the order the
docs show them.
"""

KINDS = (
    "attention", "patching", "loss_curves", "tokens", "head_scores", "logit_lens", "dla",
    "imshow", "line", "scatter", "bar", "hist",
)
