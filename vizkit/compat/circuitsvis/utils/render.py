"""CircuitsVis ``circuitsvis.utils.render``: ``RenderedHTML`` and ``render(component, **props)``.

Notebooks that build a view from its React component's props (``render("TextNeuronActivations",
tokens=..., activations=..., firstDimensionName="Layer")``) get the vizkit figure of the matching
compat call. Props are CircuitsVis' camelCase names; ``None`` props are left out, as CircuitsVis does.
"""

from __future__ import annotations

from ....errors import VizkitError
from ..rendered import RenderedFigure, RenderedHTML

__all__ = ["RenderedHTML", "render", "COMPONENTS"]

#: Component → (compat module, function, {prop: keyword}).
COMPONENTS = {
    "AttentionHeads": ("attention", "attention_heads", {
        "attention": "attention", "tokens": "tokens", "attentionHeadNames": "attention_head_names", "maxValue": "max_value",
        "minValue": "min_value", "negativeColor": "negative_color", "positiveColor": "positive_color",
        "maskUpperTri": "mask_upper_tri"}),
    "AttentionPattern": ("attention", "attention_pattern", {
        "attention": "attention", "tokens": "tokens", "maxValue": "max_value", "minValue": "min_value",
        "negativeColor": "negative_color", "positiveColor": "positive_color", "showAxisLabels": "show_axis_labels",
        "maskUpperTri": "mask_upper_tri"}),
    "AttentionPatterns": ("attention", "attention_patterns", {
        "attention": "attention", "tokens": "tokens", "headLabels": "attention_head_names"}),
    "ColoredTokens": ("tokens", "colored_tokens", {
        "tokens": "tokens", "values": "values", "minValue": "min_value", "maxValue": "max_value",
        "negativeColor": "negative_color", "positiveColor": "positive_color"}),
    "ColoredTokensMulti": ("tokens", "colored_tokens_multi", {"tokens": "tokens", "values": "values", "labels": "labels"}),
    "TextNeuronActivations": ("activations", "text_neuron_activations", {
        "tokens": "tokens", "activations": "activations", "firstDimensionName": "first_dimension_name",
        "secondDimensionName": "second_dimension_name", "firstDimensionLabels": "first_dimension_labels",
        "secondDimensionLabels": "second_dimension_labels"}),
    "TopkSamples": ("topk_samples", "topk_samples", {
        "tokens": "tokens", "activations": "activations", "zerothDimensionName": "zeroth_dimension_name",
        "firstDimensionName": "first_dimension_name", "zerothDimensionLabels": "zeroth_dimension_labels",
        "firstDimensionLabels": "first_dimension_labels"}),
    "TokenLogProbs": (None, "token_log_probs", {
        "prompt": "prompt", "topKLogProbs": "top_k_log_probs", "topKTokens": "top_k_tokens",
        "correctTokenRank": "correct_token_rank", "correctTokenLogProb": "correct_token_log_prob"}),
}


def render(react_element_name: str, **kwargs) -> RenderedFigure:
    """The view CircuitsVis' component ``react_element_name`` would draw from ``kwargs`` (its props), as a vizkit figure."""
    import importlib

    if react_element_name not in COMPONENTS:
        raise VizkitError(f"render() draws the CircuitsVis components {sorted(COMPONENTS)}; got {react_element_name!r} "
                          f"(for TopkTokens call cv.topk_tokens.topk_tokens with the activations)")
    module, func, names = COMPONENTS[react_element_name]
    props = {k: v for k, v in kwargs.items() if v is not None}
    unknown = sorted(set(props) - set(names))
    if unknown:
        raise TypeError(f"render({react_element_name!r}) got prop(s) {unknown} that vizkit does not draw; "
                        f"{react_element_name} takes {sorted(names)}")
    keywords = {names[k]: v for k, v in props.items()}
    if module is None:  # TokenLogProbs: its props are the native figure's arguments
        from ....figures.neurons import token_log_probs
        from ..rendered import rendered

        return rendered(token_log_probs(**keywords))
    return getattr(importlib.import_module(f"vizkit.compat.circuitsvis.{module}"), func)(**keywords)
