"""Knocking out one head at a time.

How much the loss rises when a single head's output is removed, over 16 repeated sequences,
split into first-copy and second-copy predictions. Zero-ablate the previous-token head L0H3
and the second copy becomes as unpredictable as the first (+4.8 nats): it is the only head that
can tell the induction heads where to look. Zero-ablate any one of the four layer-1 induction
heads and almost nothing happens: the other three do the same job. Mean ablation (replacing
a head's output by its average) tells a different, misleading story for layer 1: a head's
average output is dominated by the large vector it writes while resting on BOS in the first
copy, and pasting that into the second copy hurts by itself. The first copy never changes:
nothing there was predictable to begin with.
"""

CATEGORY = "Induction model · patching"
ORDER = 43
PARAMS = {"ablation": ["zero", "mean"]}


def build(ablation: str = "zero"):
    import vizkit as vk

    from ._shared import head_ablation

    labels, rises = head_ablation(ablation)
    return vk.bar(rises, x=labels, names=["second copy", "first copy"],
                  labels={"x": "ablated head", "y": "loss increase (nats)"},
                  title=f"Loss increase when one head is {ablation}-ablated (16 repeated sequences)")
