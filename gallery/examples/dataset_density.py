"""MiniLM's MLP neurons over a whole corpus: a 2-D density of pre- and post-GELU activations.

One point per (token, neuron) of one layer of all-MiniLM-L6-v2 on 4,096 tokens of Python
standard-library docstrings: 6.3 million points, each at its pre-activation (x) and its
activation after the GELU (y), counted into a 200 × 200 grid on Dask. A scatter plot of that
many points is a blot; the density shows where they are. The colour is log₁₀ of the count,
so the dense negative knee (most neurons are mildly negative on most tokens) and the sparse
linear arm of strong activations show together; empty cells stay blank. In the gallery server,
with the bokeh or HoloViews backend, zooming recounts the points inside the new range on Dask at
the full grid resolution (the title says how many points are in view), instead of stretching
the cells.
"""

CATEGORY = "Dataset scale (MiniLM over a corpus, on Dask)"
ORDER = 82
PARAMS = {"layer": [3, 0, 1, 2, 4, 5], "nbins": [200, 100, 400], "log_color": [True, False]}


def build(layer: int = 3, nbins: int = 200, log_color: bool = True):
    from vizkit.figures.density import density
    from vizkit_gallery.data.corpus import minilm_activations

    from ._shared import MODEL_LOCK

    with MODEL_LOCK:
        acts = minilm_activations()
    return density(acts[f"blocks.{layer}.mlp.hook_pre"], acts[f"blocks.{layer}.mlp.hook_post"], nbins=nbins,
                   log_color=log_color, labels={"x": "pre-activation", "y": "post-GELU activation"},
                   title=f"MiniLM layer {layer}: every neuron on every token, before and after the GELU")


def interactive(layer: int = 3, nbins: int = 200, log_color: bool = True):
    """Served instead of the static figure in the gallery server (bokeh/HoloViews): re-binned on Dask at every zoom."""
    from vizkit.scale.interactive import zoomable_density
    from vizkit_gallery.data.corpus import minilm_activations

    from ._shared import MODEL_LOCK

    with MODEL_LOCK:
        acts = minilm_activations()
    return zoomable_density(acts[f"blocks.{layer}.mlp.hook_pre"], acts[f"blocks.{layer}.mlp.hook_post"], nbins=nbins,
                            log_color=log_color, labels=("pre-activation", "post-GELU activation"), width=720, height=600)
