"""The ``vizkit`` command: ``vizkit export`` on a folder of examples, ``vizkit gallery``.

The export tests use a temporary examples folder (two small examples, plus broken ones where a
test needs them) and open every file written.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import types
from pathlib import Path

import numpy as np
import pytest

from tests.export import check_pdf, check_png, check_svg
from vizkit import backends
from vizkit.cli import main
from vizkit.plan import figure_size
from vizkit.spec import Figure
from vizkit.spec import theme as themes

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "gallery" / "fixtures"  # a small gallery of examples

HEATMAP_EXAMPLE = '''
"""Patching heatmap: a residual-stream sweep."""
import numpy as np
import vizkit as vk

CATEGORY = "patching"


def build(n_layers: int = 3):
    data = np.linspace(-1, 1, n_layers * 5).reshape(n_layers, 5)
    return vk.imshow(data, dims=("layer", "pos"), x=["<bos>", " A", " B", " A", " B"], title="Residual sweep")
'''

LINE_EXAMPLE = '''
"""Loss curves of two runs."""
import numpy as np
import vizkit as vk

CATEGORY = "training"


def build():
    steps = np.arange(40)
    return vk.line({"run a": np.exp(-steps / 8), "run b": np.exp(-steps / 12)}, title="Two runs")
'''


def _examples(tmp_path, **extra) -> Path:
    folder = tmp_path / "examples"
    folder.mkdir()
    (folder / "patch_sweep.py").write_text(HEATMAP_EXAMPLE)
    (folder / "two_runs.py").write_text(LINE_EXAMPLE)
    (folder / "_helpers.py").write_text("raise RuntimeError('helpers are not examples')\n")
    for name, source in extra.items():
        (folder / f"{name}.py").write_text(textwrap.dedent(source))
    return folder


def _build(folder: Path, name: str) -> Figure:
    from vizkit.cli import load_example

    return load_example(name, folder / f"{name}.py").build()


@pytest.mark.browser
def test_python_m_vizkit_export_writes_every_file_and_each_opens(tmp_path):
    folder, out = _examples(tmp_path), tmp_path / "figures"
    proc = subprocess.run(
        [sys.executable, "-m", "vizkit", "export", "patch_sweep", "two_runs", "--formats", "png,svg,pdf,html,json",
         "--backends", "plotly", "--theme", "paper", "--scale", "2", "--out", str(out), "--examples-dir", str(folder)],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "10 file(s) written" in proc.stdout and "0 failed" in proc.stdout
    assert sorted(p.name for p in out.iterdir()) == sorted(
        f"{name}.{suffix}" for name in ("patch_sweep", "two_runs")
        for suffix in ("json", "plotly.html", "plotly.pdf", "plotly.png", "plotly.svg"))
    paper = themes.THEMES["paper"]
    for name, title in (("patch_sweep", "Residual sweep"), ("two_runs", "Two runs")):
        fig = _build(folder, name)
        width, height = figure_size(fig, paper)
        check_png((out / f"{name}.plotly.png").read_bytes(), (width * 2, height * 2))
        check_svg((out / f"{name}.plotly.svg").read_bytes(), (width, height), title)
        check_pdf((out / f"{name}.plotly.pdf").read_bytes(), (width, height), title)
        html = (out / f"{name}.plotly.html").read_text()
        assert title in html and '<script src="http' not in html
        assert Figure.from_dict(json.loads((out / f"{name}.json").read_text())) == fig


def test_all_exports_every_example_with_a_progress_bar(tmp_path, capsys):
    folder, out = _examples(tmp_path), tmp_path / "out"
    assert main(["export", "--all", "--formats", "json,html", "--out", str(out), "--examples-dir", str(folder)]) == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "patch_sweep.json", "patch_sweep.plotly.html", "two_runs.json", "two_runs.plotly.html"]
    captured = capsys.readouterr()
    assert "4/4" in captured.err and "100%" in captured.err  # tqdm's bar, on stderr
    assert "4 file(s) written" in captured.out


def test_without_tqdm_progress_is_one_line_per_file(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "tqdm", None)
    folder, out = _examples(tmp_path), tmp_path / "out"
    assert main(["export", "two_runs", "--formats", "json,html", "--out", str(out), "--examples-dir", str(folder)]) == 0
    assert capsys.readouterr().err.splitlines() == ["[1/2] two_runs.json", "[2/2] two_runs.plotly.html"]


def test_list_names_the_examples(tmp_path, capsys):
    assert main(["export", "--list", "--examples-dir", str(_examples(tmp_path))]) == 0
    assert capsys.readouterr().out.split() == ["patch_sweep", "two_runs"]


def test_the_repository_gallery_is_the_default(capsys):
    folder = ROOT / "gallery" / "examples"
    assert main(["export", "--list"]) == 0
    assert capsys.readouterr().out.split() == sorted(p.stem for p in folder.glob("*.py") if not p.name.startswith("_"))


def test_exporting_real_gallery_examples_in_every_format_and_backend(tmp_path):
    """The whole-gallery command on a subset: real models, every static backend, every file opens."""
    out = tmp_path / "figures"
    names, backends_ = ("loss_curve", "induction_head", "token_loss"), ("plotly", "matplotlib", "bokeh", "circuitsvis")
    proc = subprocess.run([sys.executable, "-m", "vizkit", "export", *names, "--formats", "png,svg,pdf,json",
                           "--backends", ",".join(backends_), "--out", str(out), "--quiet"],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    written = sorted(p.name for p in out.iterdir())
    # circuitsvis draws attention and token text, not loss curves: that pair is skipped, not failed
    want = sorted([f"{n}.json" for n in names] + [f"{n}.{b}.{f}" for n in names for b in backends_ for f in ("png", "svg", "pdf")
                                                  if not (n == "loss_curve" and b == "circuitsvis")])
    assert written == want and "0 failed" in proc.stdout
    for name in names:
        fig = Figure.from_dict(json.loads((out / f"{name}.json").read_text()))
        width, height = figure_size(fig, themes.get())
        for backend in backends_:
            if (out / f"{name}.{backend}.png").exists():
                check_png((out / f"{name}.{backend}.png").read_bytes(), (width, height), tol_px=2 if backend != "matplotlib" else 1)
                check_pdf((out / f"{name}.{backend}.pdf").read_bytes(), (width, height), fig.title)


def test_a_broken_example_fails_the_run_but_not_the_others(tmp_path, capsys):
    folder = _examples(tmp_path, crashes="def build():\n    raise ValueError('no such layer: 7')\n",
                       not_a_figure="def build():\n    return 42\n")
    out = tmp_path / "out"
    code = main(["export", "--all", "--formats", "json", "--out", str(out), "--examples-dir", str(folder), "--quiet"])
    assert code == 1
    assert sorted(p.name for p in out.iterdir()) == ["patch_sweep.json", "two_runs.json"]  # nothing partial
    err = capsys.readouterr().err
    assert "FAILED crashes (build): ValueError: no such layer: 7" in err
    assert "FAILED not_a_figure (build): build() returned int; expected a vizkit.Figure" in err


# A toy backend (this module): it draws only lines and writes only PNG, so the CLI must skip the rest.
NAME = "toy"
KINDS = frozenset({"line"})
FORMATS = frozenset({"png"})


def render(fig, theme):
    return fig


def to_image(fig, fmt, theme, *, scale=1.0, width=None, height=None, timeout=60.0) -> bytes:
    import io

    from PIL import Image

    w, h = figure_size(fig, theme)
    image = Image.fromarray((np.indices((int(h * scale), int(w * scale))).sum(0) % 256).astype(np.uint8))
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    return buf.getvalue()


def test_pairs_a_backend_cannot_draw_are_skipped(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(backends._REGISTRY, "toy", __name__)
    folder, out = _examples(tmp_path), tmp_path / "out"
    code = main(["export", "--all", "--formats", "png,svg", "--backends", "toy", "--out", str(out),
                 "--examples-dir", str(folder), "--scale", "2"])
    assert code == 0
    assert [p.name for p in out.iterdir()] == ["two_runs.toy.png"]
    fig = _build(folder, "two_runs")
    w, h = figure_size(fig, themes.get())
    check_png((out / "two_runs.toy.png").read_bytes(), (w * 2, h * 2))
    captured = capsys.readouterr()
    assert "skipped patch_sweep with toy: the toy backend does not draw 'imshow' figures" in captured.err
    assert "skipped two_runs with toy: the toy backend cannot write SVG" in captured.err
    assert "1 file(s) written" in captured.out and "2 skipped" in captured.out


@pytest.mark.parametrize("argv, message", [
    (["export", "--formats", "png"], "name the examples to export, or pass --all"),
    (["export", "nope", "--formats", "png"], "unknown example(s) ['nope']; expected names among ['patch_sweep', 'two_runs']"),
    (["export", "--all", "--formats", "png,gif"], "--formats takes a comma-separated list among"),
    (["export", "--all", "--backends", "plotlyy"], "unknown backend 'plotlyy'; expected one of"),
    (["export", "--all", "--theme", "neon"], "unknown theme 'neon'"),
    (["export", "--all", "--scale", "0"], "--scale must be a positive number"),
])
def test_bad_arguments_say_what_was_expected(tmp_path, capsys, argv, message):
    folder = _examples(tmp_path)
    argv = [*argv, "--examples-dir", str(folder)] + ([] if "--out" in argv else ["--out", str(tmp_path / "out")])
    assert main(argv) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_missing_out_and_missing_examples_dir(tmp_path, capsys):
    assert main(["export", "--all", "--examples-dir", str(_examples(tmp_path))]) == 2
    assert "pass --out DIR" in capsys.readouterr().err
    assert main(["export", "--all", "--out", str(tmp_path), "--examples-dir", str(tmp_path / "nowhere")]) == 2
    assert "is not a folder" in capsys.readouterr().err


def test_no_command_prints_help(capsys):
    assert main([]) == 2
    assert "export" in capsys.readouterr().err


def test_gallery_calls_serve_with_the_options(monkeypatch):
    calls = []
    app = types.ModuleType("vizkit_gallery.server")
    app.serve = lambda **kwargs: calls.append(kwargs)
    monkeypatch.setitem(sys.modules, "vizkit_gallery.server", app)
    assert main(["gallery"]) == 0
    assert main(["gallery", "--port", "0", "--address", "0.0.0.0", "--show", "--examples-dir", str(FIXTURES)]) == 0
    assert calls == [{"port": 5006, "address": "127.0.0.1", "show": False, "examples_dir": None},
                     {"port": 0, "address": "0.0.0.0", "show": True, "examples_dir": FIXTURES}]
    assert main(["gallery", "--examples-dir", "/no/such/folder"]) == 2 and len(calls) == 2


def test_gallery_without_the_gallery_package_is_a_clear_error(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "vizkit_gallery", None)  # makes `import vizkit_gallery...` fail
    monkeypatch.delitem(sys.modules, "vizkit_gallery.server", raising=False)
    assert main(["gallery"]) == 2
    assert "the gallery is not importable" in capsys.readouterr().err
