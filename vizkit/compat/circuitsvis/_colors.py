"""CircuitsVis colour arguments (CSS colours) as vizkit scale names."""

from __future__ import annotations

_SEQUENTIAL = {"blue": "Blues", "red": "Reds", "green": "Greens", "grey": "Greys", "gray": "Greys", "black": "Greys"}
_DIVERGING = {("red", "blue"): "RdBu", ("blue", "red"): "RdBu_r", ("purple", "orange"): "PuOr_r", ("orange", "purple"): "PuOr",
              ("pink", "green"): "PiYG", ("green", "pink"): "PiYG_r", ("brown", "teal"): "BrBG"}


def scale_for(negative_color, positive_color, signed: bool, not_drawn: list[str]) -> str | None:
    """The vizkit scale nearest CircuitsVis' ``negative_color``/``positive_color`` (``None``: vizkit's default).

    A colour with no matching scale is listed in ``not_drawn`` (the figure warns when drawn).
    """
    neg = None if negative_color is None else str(negative_color).strip().lower()
    pos = None if positive_color is None else str(positive_color).strip().lower()
    if neg is None and pos is None:
        return None
    if signed:
        name = _DIVERGING.get((neg or "red", pos or "blue"))
    else:
        name = _SEQUENTIAL.get(pos) if pos is not None else None
    if name is None:
        not_drawn.extend(k for k, v in (("negative_color", neg), ("positive_color", pos)) if v is not None)
    return name
