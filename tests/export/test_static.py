"""PNG, SVG and PDF of every figure kind through every backend that draws it, opened as a user would.

Each export goes through ``fig.save`` (format from the suffix, atomic write) with the browser's
request log on: PNG decoded with the expected pixel size, not blank and with the data colours;
SVG parsed as XML with the title text; PDF parsed with exactly one page of the expected size and
the title text; no network request. Backends that are not written yet, and kinds a backend does
not declare, are skipped with the reason. Every figure kind of ``vizkit.figures.KINDS`` is here.
"""

from __future__ import annotations

import numpy as np
import pytest

import vizkit as vk
from tests.export import check_pdf, check_png, check_svg, pixels_near
from vizkit import backends
from vizkit.errors import ExportError, UnsupportedFigureError
from vizkit.export.browser import recording_requests
from vizkit.figures import neurons
from vizkit.plan import figure_size
from vizkit.spec import ColorScale, Figure, Panel, TokenText
from vizkit.spec import theme as themes
from vizkit.spec.colors import CATEGORICAL, stops

pytestmark = pytest.mark.browser

TOKENS = ["<bos>", " When", " Mary", " and", " John", " went", " to", " the", " store"]
RNG = np.random.default_rng(0)
BLUE, ORANGE = CATEGORICAL[0], CATEGORICAL[1]
TOP_OF_BLUES = stops("Blues")[-1]


def _over_white(hex_color: str, opacity: float) -> str:
    """The colour a mark of ``hex_color`` at ``opacity`` shows on a white background."""
    rgb = [int(hex_color[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(c * opacity + 255 * (1 - opacity)):02x}" for c in rgb)


SCATTER_BLUE = _over_white(BLUE, 0.9)  # points are drawn at the spec's default opacity 0.9
SCALE = 2.0
BACKENDS = ["plotly", "matplotlib", "bokeh", "holoviews", "circuitsvis"]
MUST_EXPORT = {"plotly", "matplotlib", "bokeh"}  # the issue: every kind to PNG, SVG and PDF through these


def _lens(fn, *args, **kwargs):
    """A lens figure (``vk.logit_lens``, ``vk.dla``) of the backend tests' small TransformerLens-shaped model."""
    from tests.backends.bokeh_helpers import _duck_model_and_cache

    model, cache, tokens = _duck_model_and_cache()
    return fn(cache, model, *args, tokens=tokens, **kwargs)


def _causal(n_heads: int, n: int) -> np.ndarray:
    raw = np.tril(RNG.random((n_heads, n, n)) + np.eye(n) * 3)
    return raw / raw.sum(-1, keepdims=True)


# name → (build the figure, its title, data colours that must show in the PNG)
KINDS = {
    "imshow": (lambda: vk.imshow(np.linspace(0, 1, 27).reshape(3, 9), dims=("layer", "pos"), x=TOKENS,
                                 title="Residual patching"), "Residual patching", (TOP_OF_BLUES,)),
    "imshow-facets": (lambda: vk.imshow(_causal(2, 9), dims=("head", "query", "key"), x=TOKENS, y=TOKENS, facet="head",
                                        zmin=0, zmax=1, title="Attention by head"), "Attention by head", (TOP_OF_BLUES,)),
    "line": (lambda: vk.line({"train": np.exp(-np.arange(50) / 10), "test": np.exp(-np.arange(50) / 12) + 0.1},
                             title="Loss curve"), "Loss curve", (BLUE, ORANGE)),
    "scatter": (lambda: vk.scatter(*np.random.default_rng(1).normal(size=(2, 40)), title="Head scores", size=12),
                "Head scores", (SCATTER_BLUE,)),
    "bar": (lambda: vk.bar(np.array([0.5, 2.0, -1.0, 1.5]), x=["L0H0", "L0H1", "L1H0", "L1H1"],
                           title="Logit attribution"), "Logit attribution", (BLUE,)),
    "hist": (lambda: vk.hist(RNG.normal(size=2000), nbins=30, title="Activation histogram"),
             "Activation histogram", (BLUE,)),
    "density": (lambda: vk.density(*RNG.normal(size=(2, 5000)), nbins=30, title="Neuron density"), "Neuron density", ()),
    "tokens-spec": (lambda: Figure(kind="tokens", title="Token values", panels=(Panel(marks=(
        TokenText(tokens=tuple(TOKENS), values=np.linspace(0, 1, len(TOKENS)), colorscale=ColorScale("Blues", 0, 1)),)),)),
        "Token values", (TOP_OF_BLUES,)),
    "attention": (lambda: vk.attention(_causal(2, 9), tokens=TOKENS, title="Attention L1"), "Attention L1", ()),
    "patching": (lambda: vk.patching(RNG.normal(size=(2, 9)), dims=("layer", "pos"), tokens=TOKENS, title="Patching"),
                 "Patching", ()),
    "loss_curves": (lambda: vk.loss_curves({"lr=1e-3": np.exp(-np.arange(80) / 20), "lr=3e-3": np.exp(-np.arange(60) / 10)},
                                           title="Training loss"), "Training loss", ()),
    "head_scores": (lambda: vk.head_scores(RNG.random((2, 4)), title="Induction scores"), "Induction scores", ()),
    "tokens": (lambda: vk.tokens(TOKENS, np.linspace(-1, 1, len(TOKENS)), title="Neuron 7"), "Neuron 7", ()),
    # logit_lens and dla read a model and its cache: the small stand-in of the backend tests.
    "logit_lens": (lambda: _lens(vk.logit_lens, answers=[1, 2], title="Logit lens"), "Logit lens", ()),
    "dla": (lambda: _lens(vk.dla, 3, title="Direct logit attribution"), "Direct logit attribution", ()),
    # the neuron views: token text, and a dot matrix of predictions
    "neuron_activations": (lambda: neurons.neuron_activations(TOKENS[:5], np.linspace(0, 1, 20).reshape(5, 2, 2),
                                                              title="Neuron activations"), "Neuron activations", ()),
    "topk_tokens": (lambda: neurons.topk_tokens([TOKENS[:5]], [np.linspace(-1, 1, 20).reshape(2, 5, 2)], max_k=2,
                                                title="Top tokens"), "Top tokens", ()),
    "topk_samples": (lambda: neurons.topk_samples([[[TOKENS[:4], TOKENS[2:5]]]], [[[np.linspace(0, 1, 4), np.linspace(1, 0, 3)]]],
                                                  title="Top samples"), "Top samples", ()),
    "token_log_probs": (lambda: neurons.token_log_probs(TOKENS[:4], -np.array([[0.1, 2.0], [0.5, 1.5], [0.2, 3.0]]),
                                                        [["a", "b"]] * 3, [0, 1, 5], [-0.1, -1.5, -4.0], title="Log probs"),
                        "Log probs", ()),
}


def _kind(name: str) -> str:
    """The figure kind of a case name: ``"imshow-facets"`` → ``"imshow"``, ``"tokens-spec"`` → ``"tokens"``."""
    return name.split("-")[0]


def _pairs(names) -> list[tuple[str, str]]:
    """Every (case, backend) pair whose backend declares the case's figure kind."""
    return [(n, b) for n in names for b in BACKENDS if backends.supports(b, _kind(n))]


def _build(kind: str, backend: str):
    build, title, colours = KINDS[kind]
    fig = build()
    assert fig.kind == _kind(kind)
    return fig, backends.load(backend), title, colours


def test_pairs_a_backend_does_not_declare_are_refused_naming_those_that_can(tmp_path):
    refused = [(n, b) for n in KINDS for b in BACKENDS if not backends.supports(b, _kind(n))]
    assert {b for _, b in refused} == {"circuitsvis"}  # the others draw every kind
    for name, backend in refused:
        fig = KINDS[name][0]()
        with pytest.raises(UnsupportedFigureError, match="backends that can: 'plotly', 'bokeh', 'holoviews', 'matplotlib'"):
            fig.save(tmp_path / f"{name}.png", backend=backend)
        assert not (tmp_path / f"{name}.png").exists()


#: Kinds whose every export is made twice and must come out byte for byte the same.
DETERMINISTIC = ("imshow", "line", "tokens-spec")


@pytest.mark.parametrize("fmt", ["png", "svg", "pdf"])
@pytest.mark.parametrize("kind, backend", _pairs(KINDS))
def test_every_kind_exports_and_the_file_opens(tmp_path, kind, backend, fmt):
    fig, module, title, colours = _build(kind, backend)
    path = tmp_path / f"{kind}.{fmt}"
    if fmt not in module.FORMATS:
        assert backend not in MUST_EXPORT, f"the {backend} backend must write {fmt.upper()}"
        with pytest.raises(ExportError, match=f"cannot write {fmt.upper()}.*'plotly'"):
            fig.save(path, backend=backend)
        assert not path.exists()
        return
    with recording_requests() as seen:
        fig.save(path, backend=backend, scale=SCALE)
    assert seen == [], f"the export tried the network: {seen}"
    data = path.read_bytes()
    if kind in DETERMINISTIC:  # saved again: the same bytes (no timestamps, random ids or font races)
        again = tmp_path / f"again.{fmt}"
        fig.save(again, backend=backend, scale=SCALE)
        assert again.read_bytes() == data, f"two {fmt.upper()} exports of the same figure differ"
    width, height = figure_size(fig, themes.get())
    if fmt == "png":
        check_png(data, (width * SCALE, height * SCALE), colours)
    elif fmt == "svg":
        check_svg(data, (width, height), title)
    else:
        check_pdf(data, (width, height), title)


@pytest.mark.parametrize("backend", [b for b in BACKENDS if backends.supports(b, "line")])
def test_paper_theme_is_one_column_sized(tmp_path, backend):
    fig, module, title, colours = _build("line", backend)
    paper = themes.THEMES["paper"]
    assert not paper.interactive
    width, height = figure_size(fig, paper)
    assert (width, height) == (paper.width, paper.height)
    for fmt in sorted({"png", "pdf"} & set(module.FORMATS)):
        path = fig.save(tmp_path / f"paper.{fmt}", backend=backend, theme="paper", scale=3)
        data = open(path, "rb").read()
        if fmt == "png":
            check_png(data, (width * 3, height * 3), colours)
        else:
            check_pdf(data, (width, height), title)


@pytest.mark.parametrize("backend", [b for b in BACKENDS if backends.supports(b, "line")])
def test_dark_theme_has_a_dark_background(tmp_path, backend):
    fig, module, _, colours = _build("line", backend)
    dark = themes.THEMES["dark"]
    rgb = check_png(open(fig.save(tmp_path / "dark.png", backend=backend, theme="dark"), "rb").read(),
                    figure_size(fig, dark), colours)
    dark_pixels = pixels_near(rgb, dark.background, tol=6) + pixels_near(rgb, dark.panel_background, tol=6)
    assert dark_pixels > 0.6 * rgb.shape[0] * rgb.shape[1], "the dark theme's background is not dark"


def test_scale_applies_to_png_only(tmp_path):
    fig = KINDS["line"][0]()
    width, height = figure_size(fig, themes.get())
    check_png(open(fig.save(tmp_path / "a.png", scale=1), "rb").read(), (width, height))
    check_png(open(fig.save(tmp_path / "b.png", scale=3), "rb").read(), (width * 3, height * 3))
    assert open(fig.save(tmp_path / "a.svg", scale=1), "rb").read() == open(fig.save(tmp_path / "b.svg", scale=3), "rb").read()
    check_png(open(fig.save(tmp_path / "c.png", width=300, height=200), "rb").read(), (300, 200))


def test_every_figure_kind_is_exported():
    from vizkit.figures import KINDS as FIGURE_KINDS

    assert set(FIGURE_KINDS) <= {name.split("-")[0] for name in KINDS}


@pytest.mark.parametrize("backend", ["plotly", "matplotlib", "bokeh", "holoviews"])
def test_a_legend_never_squeezes_the_plot(tmp_path, backend):
    """Lines with a legend span the figure's width in a static export (BokehJS' SVG backend collapses the
    frame next to an outside legend, bokeh/bokeh#15014: vizkit puts the legend inside there)."""
    steps = np.arange(4000)
    fig = vk.line({"loss": np.exp(-steps / 500), "first copy": np.full(4000, 0.5)}, title="Two runs")
    from PIL import Image

    rgb = np.asarray(Image.open(fig.save(tmp_path / "legend.png", backend=backend)).convert("RGB"))
    orange = np.all(np.abs(rgb.astype(int) - [int(ORANGE[i : i + 2], 16) for i in (1, 3, 5)]) <= 12, axis=-1)
    longest = int(orange.sum(1).max())  # the flat line is the row with the most orange pixels (not the legend's swatch)
    assert longest > 0.6 * rgb.shape[1], f"the flat line is only {longest} of {rgb.shape[1]} pixels wide"
