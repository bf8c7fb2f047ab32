"""MiniLM head scores: previous token, next token, and the [CLS] sink.

Three numbers per head of all-MiniLM-L6-v2, averaged over five real sentences: the mean
attention each token pays to its left neighbour, to its right neighbour, and to `[CLS]`. One
head, L0H2, is a pure previous-token head (score ≈ 1); a few heads in layers 1–2 (L1H8 most)
look at the next token. The `[CLS]` panel shows where attention goes when a head has nothing to
do: in layers 1–4 the average head sends more than half of every token's attention to `[CLS]`
(L4H5: 86%), an attention sink, while no head of layer 0 sends more than 30% and layer 5 sits
in between.
"""

CATEGORY = "MiniLM (pretrained BERT) · attention"
ORDER = 72


def build():
    import vizkit as vk

    from ._shared import minilm_head_scores

    return vk.head_scores(minilm_head_scores(), labels={"color": "mean attention"},
                          title="MiniLM head scores (mean over 5 sentences)")
