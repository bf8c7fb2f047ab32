"""How the previous-token head finds the previous position: its positional QK circuit.

The attention score a layer-0 head gives from query position p to key position k when only the
learned positional embeddings are considered: `W_pos[p] · W_Q · W_Kᵀ · W_pos[k]ᵀ` (LayerNorm
left out; keys after the query are blank, a causal head never sees them). For the
previous-token head the highest score in every row sits just below the diagonal, at k = p − 1,
for every position: the weights alone encode "attend one back", whatever the tokens, which is
why its attention pattern is the same sharp stripe on any input. Compare head 0, whose
scores peak on the diagonal: it mostly attends to the current token itself.
"""

from ._shared import PREV_HEAD

CATEGORY = "Induction model · weights"
ORDER = 60
PARAMS = {"head": [PREV_HEAD[1], *[h for h in range(4) if h != PREV_HEAD[1]]], "positions": [32, 64]}


def build(head: int = PREV_HEAD[1], positions: int = 32):
    import numpy as np

    import vizkit as vk

    from ._shared import model

    m = model()
    as_np = lambda t: t.detach().double().numpy()  # noqa: E731
    w_pos = as_np(m.W_pos)[:positions]
    scores = (w_pos @ as_np(m.W_Q[0, head])) @ (w_pos @ as_np(m.W_K[0, head])).T
    scores[np.triu_indices(positions, 1)] = np.nan  # keys after the query
    ticks = [str(i) for i in range(positions)]
    which = " (previous-token head)" if head == PREV_HEAD[1] else ""
    return vk.imshow(scores, dims=("query position", "key position"), x=ticks, y=ticks, zmid=0.0,
                     labels={"color": "QK score"}, width=660, height=640,
                     title=f"Positional QK circuit of L0H{head}{which}")
