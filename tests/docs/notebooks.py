"""Run the notebooks in ``docs/`` the way a user's Jupyter would, and read what they display."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PLOTLY_MIME = "application/vnd.plotly.v1+json"


def execute(name: str):
    """``docs/<name>`` executed by the venv's ``python3`` kernel with the repo root as working directory."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(ROOT / "docs" / name, as_version=4)
    nb.cells.insert(0, nbformat.v4.new_code_cell("import os, sys\nprint(sys.executable, os.getcwd(), sep='\\n')"))
    NotebookClient(nb, kernel_name="python3", timeout=600, resources={"metadata": {"path": str(ROOT)}}).execute()
    python, cwd = nb.cells.pop(0).outputs[0]["text"].split()
    assert Path(python).resolve() == Path(sys.executable).resolve() and Path(cwd).resolve() == ROOT
    return nb


def errors(nb) -> list[dict]:
    """The error outputs of every cell (empty when the notebook ran cleanly)."""
    return [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]


def ends_with_figure_call(source: str) -> bool:
    """Whether a cell's last statement is a ``vk.<figure>(...)`` call (its value is displayed)."""
    body = ast.parse(source).body
    last = body[-1] if body else None
    return (isinstance(last, ast.Expr) and isinstance(last.value, ast.Call) and isinstance(last.value.func, ast.Attribute)
            and isinstance(last.value.func.value, ast.Name) and last.value.func.value.id == "vk")


def figure_outputs(nb) -> list[tuple[str, dict]]:
    """(cell source, output) for every output that displays a vizkit Figure."""
    return [(cell.source, o) for cell in nb.cells for o in cell.get("outputs", [])
            if o.get("output_type") in ("execute_result", "display_data")
            and o.get("data", {}).get("text/plain", "").startswith("<vizkit.Figure")]


def kind(output: dict) -> str:
    """The figure kind named in a displayed Figure's ``text/plain`` repr."""
    return output["data"]["text/plain"].split("kind='")[1].split("'")[0]
