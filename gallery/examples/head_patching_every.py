"""Patching each head's output, query, key, value and pattern.

One panel per activation patched, one head at a time (all positions), on the same corrupted
runs as the other patching examples. It splits the circuit's work into its parts. Corrupting
the token before the answer, the previous-token head L0H3 is restored through its value (it
moves that token one position on), and the layer-1 induction heads through their keys and so
their patterns: their keys are built from the previous-token head's output, the K-composition
of the induction circuit. Corrupting the answer itself, the induction heads are restored
through their values: they still attend to the right place, but copy the wrong token. No
query matters in either case: the query token is never corrupted.
"""

from ._shared import CORRUPTIONS

CATEGORY = "Induction model · patching"
ORDER = 42
PARAMS = {"corrupt": list(CORRUPTIONS)}


def build(corrupt: str = "previous token"):
    import vizkit as vk

    from ._shared import corruption, patch_head_every

    c = corruption(corrupt)
    return vk.patching(patch_head_every(corrupt), dims=("patch_type", "layer", "head"), value_label="fraction restored",
                       facet_cols=5,
                       title=f"Patching each head's activations after corrupting the {corrupt} (pos {c.position})")
