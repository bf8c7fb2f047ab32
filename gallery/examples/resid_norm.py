"""Residual-stream norm by position: a loud "don't know" vector in the first copy.

The size of the residual stream at each position of a repeated random sequence, after the
embeddings, after layer 0 and after layer 1 (log scale). The embeddings and layer 0 keep it
small everywhere (norm ≈ 1–2). Layer 1 splits the two copies. In the first copy, where there
is nothing to copy, the layer-1 heads rest on BOS and write one large, fixed vector (norm ≈
50–65, the same direction at every position); after the final LayerNorm it drowns everything
else and the prediction is a near-uniform guess, the best the model can do on random tokens.
In the second copy the induction heads write the next token's direction instead, far smaller
(norm ≈ 6–10), and the model is confident. The switch happens exactly where the repeat starts.
"""

CATEGORY = "Induction model · behaviour"
ORDER = 22
PARAMS = {"seq_len": [10, 5, 20, 31], "log_y": [True, False]}


def build(seq_len: int = 10, log_y: bool = True):
    import numpy as np

    import vizkit as vk

    from ._shared import n_layers, run, token_names

    tokens, _, cache = run(seq_len, 0, 1)
    stages = {"embeddings": cache["blocks.0.hook_resid_pre"]}
    for L in range(n_layers()):
        stages[f"after layer {L}"] = cache[f"blocks.{L}.hook_resid_post"]
    norms = {name: np.linalg.norm(v[0].double().numpy(), axis=-1) for name, v in stages.items()}
    return vk.line(norms, x=token_names(tokens), markers=True, log_y=log_y,
                   labels={"x": "position (token)", "y": "residual-stream norm", "color": "stage"},
                   title=f"Residual-stream norm by position ({seq_len} tokens repeated)")
