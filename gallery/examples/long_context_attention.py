"""One MiniLM head over 4,096 tokens: a long-context attention pattern without blurring.

An attention head of all-MiniLM-L6-v2 on 4,096 WordPiece tokens of Python standard-library
docstrings, read as eight consecutive 512-token windows (512 is MiniLM's longest input, so each
window is one forward pass and the pattern is block-diagonal: a query attends only inside its own
window, and the cells between windows are exactly 0). That is 16.8 million cells, more than a
screen shows: the overview keeps the largest cell of each block, never a mean, so a head that puts
all its weight on one token still shows that cell at full intensity (L0H2, the previous-token
head, is a thin bright line just below the diagonal, not a grey smear). In the gallery server, with
the bokeh or HoloViews backend, zooming re-reduces the cells inside the new range from the full
pattern, down to every exact cell once the range is small enough (hover names the query and key
token with its position); the title says how many values the view aggregates. Outside a server,
`vk.attention(..., query=(start, stop), key=(start, stop))` draws the exact cells of a window.
"""

from __future__ import annotations

import functools

CATEGORY = "Dataset scale (MiniLM over a corpus, on Dask)"
ORDER = 83
#: Heads with a clear habit: L0H2 attends to the previous token (a sharp line just below the diagonal of
#: each window), L1H8 to the next token (just above it), L2H5 largely to the window's [CLS] (its first column).
PARAMS = {"head": ["L0H2", "L1H8", "L2H5"]}

#: The backends offered: CircuitsVis draws every cell of its canvas one by one and needs minutes for the
#: 820 × 820 overview (vizkit warns about it with a SlowRenderWarning); the others draw it in seconds.
BACKENDS = ("plotly", "bokeh", "holoviews", "matplotlib")

#: MiniLM's longest input: each window is one forward pass.
WINDOW = 512
#: Windows read: 8 × 512 = 4,096 tokens.
WINDOWS = 8


@functools.lru_cache(maxsize=1)
def _runs():
    """``(tokens, {head name: [window, query, key] float32})``: one MiniLM run over every window, every offered head."""
    import torch

    from vizkit_gallery.data.corpus import corpus_token_ids, token_strings
    from vizkit_gallery.data.models import load_minilm

    from ._shared import MODEL_LOCK

    heads = {name: (int(name[1:name.index("H")]), int(name[name.index("H") + 1:])) for name in PARAMS["head"]}
    hooks = {f"blocks.{layer}.attn.hook_pattern" for layer, _ in heads.values()}
    ids = corpus_token_ids(WINDOWS, WINDOW)
    with MODEL_LOCK, torch.no_grad():
        model, _ = load_minilm()
        _, cache = model.run_with_cache(torch.from_numpy(ids), names_filter=lambda name: name in hooks)
    patterns = {name: cache[f"blocks.{layer}.attn.hook_pattern"][:, head].float().numpy().copy()
                for name, (layer, head) in heads.items()}
    return token_strings(ids), patterns


@functools.lru_cache(maxsize=2)
def pattern(head: str = "L0H2"):
    """``(tokens, pattern)``: the 4,096 WordPiece tokens and the block-diagonal float32 ``[query, key]``
    attention of ``head`` over all of them (0 between windows: a query never sees another window)."""
    import numpy as np

    tokens, runs = _runs()
    per_window = runs[head]
    n = WINDOWS * WINDOW
    full = np.zeros((n, n), dtype=np.float32)
    for w in range(WINDOWS):
        full[w * WINDOW:(w + 1) * WINDOW, w * WINDOW:(w + 1) * WINDOW] = per_window[w]
    return tokens, full


def build(head: str = "L0H2"):
    import vizkit as vk

    tokens, full = pattern(head)
    return vk.attention(full, tokens=tokens, width=720, height=720,
                        title=f"MiniLM {head} over {len(tokens):,} corpus tokens ({WINDOWS} windows of {WINDOW})")


def interactive(head: str = "L0H2"):
    """Served instead of the static figure in the gallery server (bokeh/HoloViews): re-reduced at every zoom."""
    from vizkit.scale.interactive import zoomable_raster

    tokens, full = pattern(head)
    return zoomable_raster(full, how="max", max_cells=512, labels=("key", "query"), value_label="attention",
                           x_labels=tokens, y_labels=tokens, title=head, width=720, height=680)
