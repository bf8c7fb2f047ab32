"""One keyword core: plotly-express aliases everywhere, misspelt keywords named, shared docs, tokens keyword-only."""

import inspect

import numpy as np
import pytest

import vizkit as vk
from vizkit.errors import DimensionError, VizkitError
from vizkit.figures._keywords import ALIASES
from vizkit.spec import Heatmap

FIGURES = ("imshow", "line", "scatter", "bar", "hist", "attention", "patching", "loss_curves", "tokens", "head_scores",
           "logit_lens", "dla")
COLOUR_FIGURES = ("imshow", "attention", "patching", "tokens", "head_scores", "dla")


def test_patching_takes_the_plotly_express_midpoint_and_attention_takes_zmin():
    """On main: ``TypeError: patching() got an unexpected keyword argument 'color_continuous_midpoint'``; no zmin."""
    r = np.array([[0.5, 1.5], [2.5, 3.5]])
    fig = vk.patching(r, dims=("layer", "pos"), color_continuous_midpoint=1.0, color_continuous_scale="PiYG")
    scale = fig.marks(Heatmap)[0].colorscale
    assert (scale.zmid, scale.zmin, scale.zmax, scale.name) == (1.0, -1.5, 3.5, "PiYG")
    pat = np.tril(np.ones((2, 4, 4))) / np.arange(1, 5)[:, None]
    att = vk.attention(pat, zmin=0.1, zmax=0.9)
    assert (att.marks(Heatmap)[0].colorscale.zmin, att.marks(Heatmap)[0].colorscale.zmax) == (0.1, 0.9)


@pytest.mark.parametrize("name", COLOUR_FIGURES)
def test_every_colour_figure_takes_the_colour_keywords_and_their_aliases(name):
    params = inspect.signature(getattr(vk, name)).parameters
    for kw in ("zmin", "zmax", "zmid", "colorscale", "labels", "title", "width", "height", "backend", "theme"):
        assert kw in params, f"vk.{name} has no {kw}="
    assert getattr(vk, name).aliases["color_continuous_midpoint"] == "zmid"
    assert getattr(vk, name).aliases["color_continuous_scale"] == "colorscale"


@pytest.mark.parametrize("name", FIGURES)
def test_every_figure_takes_the_common_keywords_and_documents_them(name):
    func = getattr(vk, name)
    params = inspect.signature(func).parameters
    for kw in ("title", "labels", "width", "height", "backend", "theme"):
        assert kw in params, f"vk.{name} has no {kw}="
    doc = inspect.getdoc(func)
    assert "backend, theme : str, optional" in doc and "width, height : int, optional" in doc
    assert doc.index("backend, theme") < doc.index("Returns") if "Returns\n-------" in doc else True


@pytest.mark.parametrize(
    "call, words",
    [
        (lambda: vk.attention(np.eye(3), tittle="x"), r"attention\(\) got an unexpected keyword argument tittle=; did you mean title=\?"),
        (lambda: vk.loss_curves([1.0, 0.5], smoth=0.9), r"loss_curves\(\) .*smoth=; did you mean smooth=\?"),
        (lambda: vk.imshow(np.eye(2), colour_continuous_scale="RdBu"), "did you mean color_continuous_scale="),
        (lambda: vk.patching(np.eye(2), dims=("layer", "pos"), zmidd=0), "did you mean zmid="),
        (lambda: vk.attention(np.eye(3), log_x=True), r"attention\(\) does not take log_x="),
        (lambda: vk.imshow(np.eye(2), zmid=0, color_continuous_midpoint=0), "got both color_continuous_midpoint= and zmid="),
        (lambda: vk.patching(np.eye(2), ["a", "b"]), r"patching\(\): too many positional arguments"),
    ],
)
def test_misspelt_and_foreign_keywords_raise_a_vizkit_error_naming_the_fix(call, words):
    """On main these were bare TypeErrors (``tittle``, ``smoth``) or silently accepted."""
    with pytest.raises(VizkitError, match=words):
        call()


def test_tokens_is_keyword_only_in_attention_and_patching():
    for name in ("attention", "patching"):
        assert inspect.signature(getattr(vk, name)).parameters["tokens"].kind is inspect.Parameter.KEYWORD_ONLY
    pat = np.tril(np.ones((1, 3, 3)))
    assert vk.attention(pat, 0, 0, tokens=["a", "b", "c"]).panels[0].title == "L0H0"  # layer, heads stay positional


def test_facet_col_and_animation_frame_take_a_dim_index_as_plotly_express_does():
    data = np.arange(2 * 3 * 4, dtype=float).reshape(2, 3, 4)
    fig = vk.imshow(data, facet_col=0)
    assert len(fig.panels) == 2 and [p.title for p in fig.panels] == ["dim_0=0", "dim_0=1"]
    np.testing.assert_array_equal(fig.panels[1].marks[0].z, data[1])
    anim = vk.imshow(data, animation_frame=-1)
    assert anim.n_frames == 4 and anim.slider.name == "dim_2"
    np.testing.assert_array_equal(anim.frame_panels(3)[0].marks[0].z, data[:, :, 3])
    with pytest.raises(DimensionError, match=r"facet=3 is not a dim index of data with dims"):
        vk.imshow(data, facet_col=3)


def test_the_alias_table_is_the_plotly_express_vocabulary():
    assert ALIASES == {"facet_col": "facet", "facet_col_wrap": "facet_cols", "animation_frame": "animate",
                       "color_continuous_midpoint": "zmid", "color_continuous_scale": "colorscale"}
