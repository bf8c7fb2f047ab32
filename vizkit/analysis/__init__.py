"""MI computations that return labelled arrays, usable without drawing anything.

- :mod:`.heads`: per-head attention scores from a cache or patterns (previous-token, duplicate-token,
  induction, first-token), each a ``[layer, head]`` :class:`xarray.DataArray`.
- :mod:`.lens`: the logit lens (``[stage, answer]`` logits or probabilities read off the residual
  stream), the top token at every stage and position, and direct logit attribution (per component or per head), with the model's weights and
  answer tokens read the way TransformerLens models of every version expose them.

This package sits between the adapters and the figures: it imports adapters, never a figure,
spec or backend module.
"""

from .heads import duplicate_token_scores, first_token_scores, induction_scores, previous_token_scores
from .lens import direct_logit_attribution, lens_logits, lens_top_tokens, token_ids

__all__ = [
    "previous_token_scores", "duplicate_token_scores", "induction_scores", "first_token_scores",
    "lens_logits", "lens_top_tokens", "direct_logit_attribution", "token_ids",
]
