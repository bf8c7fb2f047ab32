"""MiniLM's MLP neurons over a whole corpus: the max-activation raster, tokens × neurons.

The post-GELU activation of every MLP neuron of one layer (columns) on every token of the corpus
(rows: 4,096 WordPiece tokens of Python standard-library docstrings, in reading order), reduced
on Dask to a raster a screen can show. Each cell is the maximum of its block of tokens ×
neurons, never a mean, so a neuron that fires hard on a single token still lights up its cell;
the notes say the block size and how many values went in. Bright columns are neurons that fire
often; isolated bright cells are neurons that fire on a few specific tokens. In the gallery
server, with the bokeh or HoloViews backend, zooming reduces the cells inside the new range again
from the full matrix on Dask, down to single tokens × neurons (hover names the token); the title
says how many values the view aggregates.
"""

CATEGORY = "Dataset scale (MiniLM over a corpus, on Dask)"
ORDER = 81
PARAMS = {"layer": [3, 0, 1, 2, 4, 5], "rows": [512, 256, 1024]}


def build(layer: int = 3, rows: int = 512):
    from vizkit.figures.lazy import lazy_imshow  # imshow of Dask data with its block reduction and raster size
    from vizkit_gallery.data.corpus import minilm_activations

    from ._shared import MODEL_LOCK

    with MODEL_LOCK:
        acts = minilm_activations()[f"blocks.{layer}.mlp.hook_post"]
    return lazy_imshow(acts, how="max", max_cells=(rows, 768), colorscale="viridis", labels={"color": "max activation"},
                       title=f"MiniLM layer {layer}: max MLP activation per block of tokens × neurons")


def interactive(layer: int = 3, rows: int = 512):
    """Served instead of the static figure in the gallery server (bokeh/HoloViews): re-reduced on Dask at every zoom."""
    from vizkit.scale.interactive import zoomable_raster
    from vizkit_gallery.data.corpus import corpus_token_ids, minilm_activations, token_strings

    from ._shared import MODEL_LOCK

    with MODEL_LOCK:
        acts = minilm_activations()[f"blocks.{layer}.mlp.hook_post"]
        tokens = token_strings(corpus_token_ids()[acts["seq"].values, acts["pos"].values])  # the token of each row
    return zoomable_raster(acts, how="max", max_cells=(rows, 768), labels=("neuron", "token"), value_label="max activation",
                           y_labels=tokens, cmap="viridis", title=f"MiniLM layer {layer}", width=760, height=620)
