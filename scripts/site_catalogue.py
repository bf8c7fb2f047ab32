"""The figure catalogue of the docs site: every figure kind, live, on the shipped models.

Each entry is the code a reader would write (shown on the page) and the figure it builds, saved
with ``Figure.save`` as vizkit's standalone HTML (every asset inline) and embedded in an iframe.
The code runs here, at site-build time, after :data:`SETUP` in one namespace, so the page shows
exactly what drew the figure beside it.
"""

from __future__ import annotations

import dataclasses
import html
from pathlib import Path

#: Run once before the entries: the two shipped models, one run of each.
SETUP = '''\
import numpy as np
import torch

import vizkit as vk
from vizkit_gallery.data.models import induction_batch, load_induction_model, load_minilm, load_training_log

model = load_induction_model()
seq_len = 10
tokens = induction_batch(seq_len, seed=0)             # BOS, 10 random tokens, the same 10 again
logits, cache = model.run_with_cache(tokens)
str_tokens = [f"t{int(t)}" for t in tokens[0]]

bert, _ = load_minilm()
sentence = "When Mary and John went to the store, John gave a drink to Mary."
bert_tokens = bert.to_tokens(sentence)
_, bert_cache = bert.run_with_cache(bert_tokens)
words = bert.to_str_tokens(bert_tokens[0])
'''


@dataclasses.dataclass(frozen=True)
class Entry:
    """One figure of the catalogue: ``code`` must leave the figure in the name ``fig``."""

    slug: str
    title: str
    prose: str
    code: str
    backends: tuple[str, ...] = ("plotly",)


ENTRIES: tuple[Entry, ...] = (
    Entry("attention", "Attention: every head of a layer",
          "Layer 1 of the induction model on a repeated random sequence: the induction stripe one "
          "token after the diagonal of the earlier copy. Causal triangle masked, every token labelled.",
          'fig = vk.attention(cache, layer=1, tokens=str_tokens, title="Induction model, layer 1")',
          ("plotly", "bokeh", "circuitsvis")),
    Entry("attention_slider", "Attention: every layer, with a slider",
          "No `layer=`: every layer, one slider frame each (`mode=\"grid\"` puts them side by side).",
          'fig = vk.attention(cache, tokens=str_tokens, mode="slider", title="Induction model, every layer")'),
    Entry("attention_minilm", "Attention on a real sentence (MiniLM)",
          "all-MiniLM-L6-v2 on an English sentence: bidirectional attention, WordPiece tokens.",
          'fig = vk.attention(bert_cache, layer=2, heads=[0, 1, 2, 3], tokens=words, title="MiniLM, layer 2")'),
    Entry("patching", "Activation patching",
          "Corrupt one first-copy token, then patch the clean residual stream back in at each layer "
          "and position: where the log-probability of the copied token comes back is where the "
          "information travels. Diverging scale centred at 0.",
          '''from transformer_lens import patching

corrupt = tokens.clone()
corrupt[0, 4] = next(t for t in range(1, 128) if t not in tokens[0].tolist())
query, answer = 3 + seq_len, int(tokens[0, 4])        # the second copy of token 3 should predict token 4
corrupt_lp = model(corrupt)[0, query].log_softmax(-1)[answer].item()
restored = patching.get_act_patch_resid_pre(
    model, corrupt, cache, lambda out: out[0, query].log_softmax(-1)[answer] - corrupt_lp)
fig = vk.patching(restored, dims=("layer", "pos"), tokens=str_tokens, title="Log-prob restored by patching resid_pre")'''),
    Entry("loss_curves", "Loss curves",
          "The induction model's real training log: the induction bump on the repeated tokens. Raw "
          "curve faint, smoothed bold; long runs keep their spikes.",
          'fig = vk.loss_curves(load_training_log(), smooth=0.9, log_y=True, title="Training loss")',
          ("plotly", "holoviews")),
    Entry("tokens", "Token-coloured text",
          "The loss of predicting each token from the ones before it; BOS is never predicted, so it "
          "gets NaN and is drawn blank.",
          '''per_token_loss = -logits.log_softmax(-1)[0, :-1].gather(-1, tokens[0, 1:, None])[:, 0]
fig = vk.tokens(str_tokens, [float("nan")] + per_token_loss.tolist(), title="Per-token loss")''',
          ("plotly", "circuitsvis")),
    Entry("head_scores", "Head scores",
          "The induction score of each head: mean attention from the second copy to the token after "
          "the first occurrence.",
          '''induction_scores = np.stack([
    cache["pattern", layer][0].diagonal(offset=-(seq_len - 1), dim1=-2, dim2=-1)[:, 1:].mean(-1).detach().numpy()
    for layer in range(model.cfg.n_layers)
])
fig = vk.head_scores(induction_scores, title="Induction scores")'''),
    Entry("logit_lens", "Logit lens",
          "The copied token's logit read from the residual stream after each layer.",
          'fig = vk.logit_lens(cache, model, answers=[int(tokens[0, 1])], pos=-1, title="Logit lens at the last position")'),
    Entry("dla", "Direct logit attribution",
          "How much each head writes toward the copied token's logit.",
          'fig = vk.dla(cache, model, int(tokens[0, 1]), per="head", pos=-1, title="DLA per head")'),
    Entry("imshow", "imshow: any tensor",
          "Any tensor with named dims; token strings label the columns.",
          '''resid = vk.activation(cache, "resid_post", tokens=str_tokens)     # dims: layer, pos, d_model
fig = vk.imshow(resid.values[:, :, :8].transpose(2, 0, 1), dims=("d_model", "layer", "pos"), x=str_tokens,
                facet="d_model", zmid=0, title="resid_post, first 8 dims")'''),
    Entry("line", "line",
          "Curves by name or by a dim of a tensor.",
          '''norms = np.linalg.norm(vk.activation(cache, "resid_post", tokens=str_tokens).values, axis=-1)
fig = vk.line(norms, dims=("layer", "pos"), x=str_tokens, labels={"y": "residual norm"}, title="Residual norm")'''),
    Entry("scatter", "scatter",
          "Points with a colour value and hover text.",
          '''emb = model.W_E.detach().numpy()
fig = vk.scatter(emb[:, 0], emb[:, 1], color=np.linalg.norm(emb, axis=-1), hover=[f"t{i}" for i in range(len(emb))],
                 labels={"x": "dim 0", "y": "dim 1", "color": "norm"}, title="Token embeddings")'''),
    Entry("bar", "bar",
          "One bar per label.",
          '''fig = vk.bar(induction_scores.ravel(), x=[f"L{l}H{h}" for l in range(2) for h in range(4)],
             labels={"y": "induction score"}, title="Induction score per head")'''),
    Entry("hist", "hist",
          "A histogram of activations.",
          'fig = vk.hist(cache["resid_post", 1].flatten(), nbins=60, title="resid_post, layer 1")'),
)


def build(out_dir: Path) -> str:
    """Run :data:`SETUP` and every entry, save each figure's HTML in ``out_dir/figures``; return the page.

    The page is Markdown for ``figures.md``: per entry, its prose, one iframe per backend and the code.
    """
    figures = out_dir / "figures"
    figures.mkdir(parents=True, exist_ok=True)
    namespace: dict = {"__name__": "__catalogue__"}
    exec(compile(SETUP, "catalogue[setup]", "exec"), namespace)
    parts = ["---\nhide:\n  - toc\n---\n",  # the whole column for the figures
             "# Figure catalogue\n",
             "Every figure kind of vizkit, live: hover, zoom and slide them. Each is drawn from the shipped "
             "induction model or MiniLM by the code under it (set up as in [Getting started](getting_started.md)), "
             "saved with `fig.save(\"name.html\")` as vizkit's standalone offline HTML and embedded here. "
             "The [backend matrix](backends.md) lists which backend draws which kind.\n",
             "```python\n" + SETUP + "```\n"]
    for entry in ENTRIES:
        exec(compile(entry.code, f"catalogue[{entry.slug}]", "exec"), namespace)
        fig = namespace.pop("fig")
        parts.append(f"## {entry.title}\n\n{entry.prose}\n")
        for backend in entry.backends:
            name = f"{entry.slug}-{backend}.html"
            fig.save(figures / name, backend=backend)
            label = html.escape(f"{entry.title} ({backend})")
            if len(entry.backends) > 1:
                parts.append(f"**{backend}**\n")
            parts.append(f'<iframe class="vizkit-figure" src="figures/{name}" title="{label}" loading="lazy"></iframe>\n')
        parts.append("```python\n" + entry.code + "\n```\n")
    return "\n".join(parts)
