"""Activation patching of the residual stream, layer × position.

Causal evidence for the circuit. We replace one token of the first copy and measure the
model's log-probability of the right answer at the second-copy query that needs it (induction
copies it from the first copy; the query is marked `?`, the replaced token `old→new`). Then we
run the corrupted input again, each time pasting the clean residual stream (`resid_pre`) back
at one layer and one position, and plot the fraction of the clean log-probability restored.
Corrupting the *previous* token (the token before the answer), the information sits at the
corrupted position before layer 0 but one position later before layer 1: the previous-token
head has moved it into the answer's residual stream, where the induction heads' keys read it.
Corrupting the *answer* token, it stays at the answer's own position in both layers, where the
induction heads read their values.
"""

from ._shared import CORRUPTIONS

CATEGORY = "Induction model · patching"
ORDER = 40
PARAMS = {"corrupt": list(CORRUPTIONS)}


def build(corrupt: str = "previous token"):
    import vizkit as vk

    from ._shared import corruption, labelled_positions, patch_resid_pre

    c = corruption(corrupt)
    return vk.patching(patch_resid_pre(corrupt), dims=("layer", "pos"), tokens=labelled_positions(c),
                       value_label="fraction restored",
                       title=f"Patching resid_pre after corrupting the {corrupt} (pos {c.position}), "
                             f"measured at pos {c.query}")
