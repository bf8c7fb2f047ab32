"""`import vizkit` stays light: no plotting library, torch, TransformerLens or Panel."""

import json
import os
import subprocess
import sys

HEAVY = ("torch", "plotly", "bokeh", "holoviews", "panel", "matplotlib", "transformer_lens", "circuitsvis", "pandas", "xarray")


def _loaded(code: str) -> list[str]:
    out = subprocess.run(
        [sys.executable, "-c", code + f"\nimport sys, json; print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"],
        capture_output=True, text=True, check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_import_vizkit_is_light():
    assert _loaded("import vizkit") == []


def test_backend_modules_import_no_plotting_library():
    code = "import vizkit.backends as b\nfor n in b.names(): b.load(n)\nb.support_matrix(['imshow','attention'])"
    assert _loaded(code) == []


def test_setting_a_backend_imports_nothing_heavy():
    assert _loaded("import vizkit as vk\nvk.set_backend('bokeh')\nwith vk.use_backend('matplotlib'): pass") == []


def test_first_figure_loads_only_what_it_needs():
    loaded = _loaded("import vizkit as vk, numpy as np\nvk.imshow(np.eye(3))")
    assert "torch" not in loaded and "plotly" not in loaded and "transformer_lens" not in loaded


def test_choosing_a_backend_reads_the_registry_not_the_backend():
    code = ("import vizkit as vk\nvk.set_backend('hv')\nwith vk.use_backend('cv'): pass\n"
            "print(sorted(n for n in __import__('sys').modules if n.startswith(('vizkit.backends', 'vizkit.plan', 'vizkit.export'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_imports_follow_the_layers_contract():
    """``.importlinter``: no import runs from a lower layer to a higher one, and no sibling packages import each other in a cycle."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    lint = Path(sys.executable).with_name("lint-imports")
    out = subprocess.run([str(lint), "--no-cache"], cwd=root, capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(root)})
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr
