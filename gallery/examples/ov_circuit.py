"""The induction heads' OV circuits copy tokens.

What a head writes when it attends to a token: the full OV circuit `W_E · W_V · W_O · W_U`
maps each source token (rows) to the logits it adds for every output token (columns),
LayerNorms left out. A copying head has a bright diagonal: attending to token *t* raises the
logit of *t* itself, exactly what induction needs ("the token after the earlier copy comes
next"). All four layer-1 heads of this model copy: for 98–100% of the 127 tokens the diagonal
entry is the largest of its row. Compare the previous-token head, L0H3 (layer 0, head 3): its
OV circuit has no diagonal, because it does not predict tokens, it moves information for
layer 1 to read.
"""

from ._shared import INDUCTION_HEAD

CATEGORY = "Induction model · weights"
ORDER = 61
PARAMS = {"layer": [1, 0], "head": [INDUCTION_HEAD[1], *[h for h in range(4) if h != INDUCTION_HEAD[1]]],
          "tokens": [32, 127]}


def build(layer: int = INDUCTION_HEAD[0], head: int = INDUCTION_HEAD[1], tokens: int = 32):
    import vizkit as vk

    from ._shared import INDUCTION_HEAD, PREV_HEAD, ov_circuit

    circuit, names = ov_circuit(layer, head)
    circuit, names = circuit[:tokens, :tokens], names[:tokens]
    job = " (induction head)" if layer == INDUCTION_HEAD[0] else " (previous-token head)" if (layer, head) == PREV_HEAD else ""
    return vk.imshow(circuit, dims=("source", "output"), x=names, y=names, zmid=0.0,
                     labels={"x": "output token (logit)", "y": "source token (attended to)", "color": "logit"},
                     width=680, height=640, title=f"Full OV circuit of L{layer}H{head}{job}, first {tokens} tokens")
