"""Activation patching per head, linked to each head's attention.

The same corrupted runs as the residual-stream patching, now pasting back one attention head's
clean output (at every position) at a time: which heads carry what the prediction needs?
Corrupting the token before the answer, the previous-token head L0H3 alone restores everything:
it is the only road from that token to the induction heads. Each of the four layer-1 induction
heads restores only 10–15%: they share the work, so one clean head among three corrupted ones
is not enough. Corrupting the answer itself, the four induction heads restore 35–55% each.
Click a cell to see that head's attention pattern on the clean sequence beside the heatmap.
"""

from ._shared import CORRUPTIONS

CATEGORY = "Induction model · patching"
ORDER = 41
PARAMS = {"corrupt": list(CORRUPTIONS)}


def build(corrupt: str = "previous token"):
    import vizkit as vk

    from ._shared import corruption, patch_head_out

    c = corruption(corrupt)
    return vk.patching(patch_head_out(corrupt), dims=("layer", "head"), value_label="fraction restored",
                       title=f"Patching each head's output after corrupting the {corrupt} (pos {c.position})")


def on_click(x: str, y: str, corrupt: str = "previous token", **params):
    """The clicked head's attention on the clean sequence (x: head, y: layer, as the axes show them)."""
    import vizkit as vk

    from ._shared import corruption

    layer, head = int(y), int(x)
    c = corruption(corrupt)
    return vk.attention(c.cache, layer=layer, heads=head, tokens=c.names, width=520, height=480,
                        title=f"L{layer}H{head} attention (clean run)")
