"""What a researcher sees of ``figure_tour.ipynb``: executed by nbclient, exported by nbconvert, shown in JupyterLab.

Issue 16 ("Wrong or missing in notebooks", items 2, 3, 4, 5). Checks that fail on today's main
are ``xfail(strict=True)`` with the measured reason: a fix turns them XPASS, which fails, so
the marker must be removed with the fix.

``VIZKIT_TOUR_EXECUTED=<path.ipynb>`` reuses an executed copy instead of running nbclient again
(development only).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest

from tests.notebooks import lab
from tests.notebooks.make_tour import NOTEBOOK, cells, text

pytestmark = [pytest.mark.browser, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]
TAGS = [tag for tag, _ in cells()]
BACKENDS = ("plotly", "bokeh", "holoviews", "matplotlib", "circuitsvis")
#: An executed notebook above this size is not "light" (issue 16, item 5).
MAX_NOTEBOOK_BYTES = 10_000_000
#: Largest acceptable single output (issue 16: "each bokeh/HoloViews output is about 2 MB").
MAX_OUTPUT_BYTES = 500_000
#: What nbconvert's HTML template itself loads from a CDN (not vizkit's doing).
NBCONVERT_TEMPLATE_URLS = ("cdnjs.cloudflare.com/ajax/libs/require.js/", "cdnjs.cloudflare.com/ajax/libs/mathjax/")


def xfail_for(backends: set[str], reason: str):
    """``pytest.param`` marks for a backend-parametrised check that fails today on ``backends``."""
    return [pytest.param(b, marks=pytest.mark.xfail(strict=True, reason=reason)) if b in backends else b
            for b in BACKENDS]


def tags_of(backend: str) -> list[str]:
    return [t for t in TAGS if t.endswith("/" + backend)]


@pytest.fixture(scope="session")
def executed(tmp_path_factory) -> Path:
    """The tour run top to bottom by nbclient (no errors allowed), as an ``.ipynb`` file."""
    reuse = os.environ.get("VIZKIT_TOUR_EXECUTED")
    if reuse:
        return Path(reuse)
    import nbclient
    import nbformat

    out = tmp_path_factory.mktemp("tour") / "figure_tour_executed.ipynb"
    nb = nbformat.read(NOTEBOOK, as_version=4)
    env_path = os.environ.get("PYTHONPATH", "")
    os.environ["PYTHONPATH"] = str(ROOT) + (os.pathsep + env_path if env_path else "")
    try:
        nbclient.NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(out.parent)}}).execute()
    finally:
        os.environ["PYTHONPATH"] = env_path
    nbformat.write(nb, out)
    return out


def outputs_by_tag(path: Path) -> dict[str, dict]:
    """``{tag: display data of the cell's figure output}``."""
    nb = json.loads(path.read_text())
    found = {}
    for cell in nb["cells"]:
        src = "".join(cell["source"])
        if cell["cell_type"] == "code" and src.startswith("# tour: "):
            data = [o["data"] for o in cell["outputs"] if "data" in o]
            assert len(data) == 1, f"{src.splitlines()[0]}: expected one figure output, got {len(data)}"
            found[src.splitlines()[0][len("# tour: "):]] = data[0]
    return found


def test_tour_notebook_is_current():
    assert NOTEBOOK.read_text() == text(), "figure_tour.ipynb is stale: run python -m tests.notebooks.make_tour and commit it"


# ---------------------------------------------------------------------------------------------
# The executed file: size and the static fallback an untrusted viewer needs


def test_report_sizes(executed):
    """Print the executed notebook's size and each output's size per mime type (kB)."""
    sizes = {tag: {k: len(json.dumps(v)) // 1000 for k, v in data.items()} for tag, data in outputs_by_tag(executed).items()}
    sys.stdout.write(f"\nexecuted tour: {executed.stat().st_size / 1e6:.1f} MB\n")
    for tag, per_mime in sizes.items():
        sys.stdout.write(f"  {tag:32s} {per_mime}\n")
    assert set(sizes) == set(TAGS)


@pytest.mark.xfail(strict=True, reason="executed tour is 56.8 MB: bokeh/HoloViews outputs 1.4-2.4 MB each, plotly's first 4.9 MB")
def test_notebook_is_light(executed):
    assert executed.stat().st_size < MAX_NOTEBOOK_BYTES


@pytest.mark.parametrize("backend", xfail_for({"plotly", "bokeh", "holoviews", "circuitsvis"},
                                              "outputs inline their JS: bokeh 1.4-2.2 MB, holoviews 1.6-2.4 MB, circuitsvis "
                                              "1.4-1.5 MB, plotly's first output 4.9 MB (plotly.js)"))
def test_outputs_are_light(executed, backend):
    heavy = {t: len(json.dumps(d)) for t, d in outputs_by_tag(executed).items() if t.endswith("/" + backend)}
    heavy = {t: n for t, n in heavy.items() if n > MAX_OUTPUT_BYTES}
    assert not heavy, f"outputs over {MAX_OUTPUT_BYTES} bytes: {heavy}"


@pytest.mark.parametrize("backend", ["bokeh", "holoviews", "circuitsvis"])
def test_untrusted_fallback_in_bundle(executed, backend):
    """Every output a viewer may refuse to run (scripts) also carries a static image."""
    missing = [t for t, d in outputs_by_tag(executed).items() if t.endswith("/" + backend)
               and not ({"image/png", "image/svg+xml"} & set(d)) and "application/vnd.plotly.v1+json" not in d]
    assert not missing, f"no image/png or image/svg+xml fallback in: {missing}"


# ---------------------------------------------------------------------------------------------
# nbconvert HTML, opened offline


@pytest.fixture(scope="session")
def exported(executed, tmp_path_factory) -> dict[str, Path]:
    """The executed tour as nbconvert HTML, as is and with the first plotly output cleared."""
    import nbconvert
    import nbformat

    folder = tmp_path_factory.mktemp("html")
    nb = nbformat.read(executed, as_version=4)
    out = {"as is": folder / "tour.html"}
    out["as is"].write_text(nbconvert.HTMLExporter().from_notebook_node(nb)[0])
    first = next(c for c in nb.cells if c.source.startswith("# tour: ") and "/plotly" in c.source.splitlines()[0])
    first.outputs = []
    out["first plotly cleared"] = folder / "tour_cleared.html"
    out["first plotly cleared"].write_text(nbconvert.HTMLExporter().from_notebook_node(nb)[0])
    return out


@pytest.fixture(scope="session")
def html_reports(exported, chromium):
    """``{variant: (page errors, {tag: drawn?})}`` of each export opened with the network blocked."""
    from tests.browser.harness import open_page

    found = {}
    for variant, path in exported.items():
        report = open_page(chromium, path, timeout=60_000)
        page = report.page
        page.wait_for_timeout(3000)
        found[variant] = (report.errors, report.network_requests, lab.measure_outputs(page, lab.NBCONVERT_CELLS))
        page.context.close()
    return found


@pytest.mark.parametrize("variant", ["as is", "first plotly cleared"])
def test_nbconvert_html_offline_draws_every_figure(html_reports, variant):
    errors, requests, outputs = html_reports[variant]
    # nbconvert's own template asks cdnjs for require.js and MathJax; nothing a figure asks for may go out.
    figure_requests = [u for u in requests if not any(t in u for t in NBCONVERT_TEMPLATE_URLS)]
    assert not figure_requests, f"the export reached the network: {figure_requests[:5]}"
    assert not [e for e in errors if "Plotly is not defined" in e], errors
    blank = [t for t in TAGS if t in outputs and not outputs[t]["drawn"]]
    if variant != "as is":
        blank = [t for t in blank if t != next(t for t in TAGS if t.endswith("/plotly"))]
    assert not blank, f"blank figures: {blank}"


@pytest.mark.parametrize("variant", ["as is", "first plotly cleared"])
def test_nbconvert_frames_fit(html_reports, variant):
    _, _, outputs = html_reports[variant]
    loose = {t: (m["frame_h"], m["content_h"]) for t, m in outputs.items() if m.get("frame_h") and abs(m["frame_h"] - m["content_h"]) > lab.FIT_PX}
    assert not loose, f"frame height vs content height (px): {loose}"


# ---------------------------------------------------------------------------------------------
# JupyterLab: Run All, then the untrusted executed copy


@pytest.fixture(scope="session")
def lab_results(executed, chromium, tmp_path_factory):
    root = tmp_path_factory.mktemp("lab")
    shutil.copy(NOTEBOOK, root / "tour.ipynb")
    shutil.copy(executed, root / "untrusted.ipynb")
    try:
        from vizkit_gallery.data import models
    except ImportError:
        from vizkit_gallery.data import models
    with lab.server(root, ROOT) as base:
        results = lab.run_in_lab(chromium, base)
    results["tokens"] = {"minilm": models.minilm_attention(models.SENTENCES[0])[0],
                         "induction": models.str_tokens(models.induction_batch(10, 0, 1)[0])}
    return results


def test_lab_no_js_errors(lab_results):
    assert not lab_results["errors"], lab_results["errors"][:5]


@pytest.mark.parametrize("backend", ["bokeh", "holoviews"])
def test_lab_frames_fit_and_do_not_grow(lab_results, backend):
    bad = {}
    for tag in tags_of(backend):
        before, after = lab_results["run"][tag], lab_results["resized"][tag]
        if before.get("frame_h") and (abs(before["frame_h"] - before["content_h"]) > lab.FIT_PX or after["frame_h"] > before["frame_h"] + 2):
            bad[tag] = (before["frame_h"], before["content_h"], after["frame_h"])
    assert not bad, f"(frame height, content height, frame height after two resizes) px: {bad}"


@pytest.mark.parametrize("backend", xfail_for({"bokeh", "holoviews"}, "multi-panel figures are 1000 px wide; the column is ~950 px"))
def test_lab_figure_inside_column(lab_results, backend):
    """The figure's right edge (where the colour bar is) lies inside the output column."""
    over = {t: (m["right"], m["column_right"]) for t in tags_of(backend) for m in [lab_results["run"][t]] if m["right"] > m["column_right"] + 1}
    assert not over, f"(figure right, column right) px at a {lab_results['column_width']} px column: {over}"


@pytest.mark.parametrize("backend", ["plotly"])  # bokeh/HoloViews draw ticks on a canvas; not measured yet
def test_lab_every_token_labelled(lab_results, backend):
    missing = {}
    for t in tags_of(backend):
        m = lab_results["run"][t]
        if t.startswith("attention") and m.get("labels") is not None:
            want = lab_results["tokens"]["minilm" if "grid" in t else "induction"]
            absent = [w for w in dict.fromkeys(want) if w not in m["labels"]]
            if absent:
                missing[t] = absent
    assert not missing, f"token labels not shown: {missing}"


@pytest.mark.parametrize("backend", xfail_for({"plotly", "bokeh", "holoviews", "circuitsvis"},
                                              "untrusted in Lab: plotly outputs show no drawn trace (to confirm); "
                                              "bokeh/HoloViews/CircuitsVis iframes blank"))
def test_lab_untrusted_shows_every_figure(lab_results, backend):
    blank = [t for t in tags_of(backend) if not lab_results["untrusted"].get(t, {}).get("drawn")]
    assert not blank, f"blank when untrusted: {blank}"
