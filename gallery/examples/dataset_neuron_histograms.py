"""MiniLM's MLP neurons over a whole corpus: the activation histogram.

Every MLP activation (after the GELU) of one layer of all-MiniLM-L6-v2, on every token of a real
corpus available offline everywhere: 4,096 WordPiece tokens of Python standard-library
docstrings. That is 6.3 million values per layer, counted on Dask chunk by chunk (one chunk per
batch of the collection run, read back from a Zarr store), so the same code counts a billion.
The GELU floors activations at about −0.17; most values sit just below zero, and the long right
tail on a log count axis holds the rare strong activations that interpretability work cares
about. The "firing frequency" view counts, per neuron, the fraction of tokens on which it is
positive, on log-spaced bins: the feature-density histogram of the SAE literature.
"""

CATEGORY = "Dataset scale (MiniLM over a corpus, on Dask)"
ORDER = 80
PARAMS = {"layer": [3, 0, 1, 2, 4, 5], "view": ["activations", "firing frequency"], "log_y": [True, False]}


def build(layer: int = 3, view: str = "activations", log_y: bool = True):
    from vizkit import hist as lazy_hist  # vk.hist counts Dask data on Dask, chunk by chunk
    from vizkit_gallery.data.corpus import minilm_activations

    from ._shared import MODEL_LOCK

    with MODEL_LOCK:
        acts = minilm_activations()[f"blocks.{layer}.mlp.hook_post"]
    if view == "firing frequency":
        frequency = (acts > 0).mean("token")  # one value per neuron, computed on Dask
        return lazy_hist(frequency.data, nbins=40, log_x=True, log_y=log_y,
                         labels={"x": "fraction of tokens on which the neuron is positive", "y": "neurons"},
                         title=f"MiniLM layer {layer}: how often each of its 1,536 MLP neurons fires")
    return lazy_hist(acts, nbins=120, log_y=log_y, labels={"x": "activation (post-GELU)", "y": "count"},
                     title=f"MiniLM layer {layer} MLP activations on every token of the corpus")
