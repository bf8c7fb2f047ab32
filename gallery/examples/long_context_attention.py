"""One MiniLM head over 4,096 tokens: a long-context attention pattern without blurring.

One attention head of all-MiniLM-L6-v2 on 4,096 WordPiece tokens of Python standard-library
docstrings, read as eight consecutive 512-token windows (512 is MiniLM's longest input, so each
window is one forward pass and the pattern is block-diagonal: a query attends only inside its own
window, and the cells between windows are exactly 0). That is 16.8 million cells, more than a
screen shows: the overview keeps the largest cell of each block, never a mean, so a head that puts
all its weight on one token still shows that cell at full intensity. In the gallery server, with
the bokeh or HoloViews backend, zooming re-reduces the cells inside the new range from the full
pattern, down to every exact cell once the range is small enough (hover names the query and key
token with its position); the title says how many values the view aggregates. Outside a server,
`vk.attention(..., query=(start, stop), key=(start, stop))` draws the exact cells of a window.
"""

from __future__ import annotations

import functools

CATEGORY = "Dataset scale (MiniLM over a corpus, on Dask)"
ORDER = 83
PARAMS = {"layer": [2, 0, 1, 3, 4, 5], "head": [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], "windows": [8, 4, 2, 1]}

#: MiniLM's longest input: each window is one forward pass.
WINDOW = 512


@functools.lru_cache(maxsize=4)
def pattern(layer: int = 2, head: int = 0, windows: int = 8):
    """``(tokens, pattern)``: the ``windows × 512`` WordPiece tokens and the block-diagonal float32
    ``[query, key]`` attention of head ``head`` of ``layer`` over all of them."""
    import numpy as np
    import torch

    from gallery.data.corpus import corpus_token_ids, token_strings
    from gallery.data.models import load_minilm

    from ._shared import MODEL_LOCK

    ids = corpus_token_ids(windows, WINDOW)
    hook = f"blocks.{layer}.attn.hook_pattern"
    with MODEL_LOCK, torch.no_grad():
        model, _ = load_minilm()
        _, cache = model.run_with_cache(torch.from_numpy(ids), names_filter=lambda name: name == hook)
    per_window = cache[hook][:, head].float().numpy()  # [window, query, key]
    n = windows * WINDOW
    full = np.zeros((n, n), dtype=np.float32)
    for w in range(windows):
        full[w * WINDOW:(w + 1) * WINDOW, w * WINDOW:(w + 1) * WINDOW] = per_window[w]
    return token_strings(ids), full


def build(layer: int = 2, head: int = 0, windows: int = 8):
    import vizkit as vk

    tokens, full = pattern(layer, head, windows)
    n = len(tokens)
    return vk.attention(full, layer=layer, tokens=tokens, width=720, height=720,
                        title=f"MiniLM L{layer}H{head} over {n:,} corpus tokens ({windows} windows of {WINDOW})")


def interactive(layer: int = 2, head: int = 0, windows: int = 8):
    """Served instead of the static figure in the gallery server (bokeh/HoloViews): re-reduced at every zoom."""
    from vizkit.scale.interactive import zoomable_raster

    tokens, full = pattern(layer, head, windows)
    return zoomable_raster(full, how="max", max_cells=512, labels=("key", "query"), value_label="attention",
                           x_labels=tokens, y_labels=tokens, title=f"L{layer}H{head}", width=720, height=680)
