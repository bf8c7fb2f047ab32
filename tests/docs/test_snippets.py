"""Every ```python block of README.md and docs/guide.md runs on the shipped models.

README blocks run as written (they set themselves up). A guide block runs after :data:`PRELUDE`,
the set-up the guide assumes (``model``, ``tokens``, ``str_tokens``, ``cache`` of the in-repo
induction model, a figure ``fig``, IPython's ``display``), and after the guide's earlier blocks,
as a reader running them in one notebook would. Files a block writes go to a temporary folder.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import vizkit as vk

ROOT = Path(__file__).resolve().parents[2]
#: What a guide block may use without defining it: the in-repo induction model and one of its runs.
PRELUDE = """
import vizkit as vk
from IPython.display import display
from vizkit_gallery.data.models import induction_batch, load_induction_model, str_tokens as names
model = load_induction_model()
tokens = induction_batch(seq_len=10)
str_tokens = names(tokens)
logits, cache = model.run_with_cache(tokens)
fig = vk.attention(cache, layer=1, tokens=str_tokens)
"""


def python_blocks(path: Path) -> list[tuple[int, str]]:
    """``(line, source)`` of every fenced ```python block of ``path``."""
    text = path.read_text(encoding="utf-8")
    return [(text[: m.start()].count("\n") + 2, m.group(1)) for m in re.finditer(r"^```python\n(.*?)^```", text, re.M | re.S)]


def _run(source: str, namespace: dict, where: str) -> None:
    try:
        exec(compile(source, where, "exec"), namespace)
    except Exception as exc:  # say which block and line failed
        raise AssertionError(f"{where} failed: {type(exc).__name__}: {exc}") from exc


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("VIZKIT_NOTEBOOK_PNG", "0")
    yield
    vk.set_backend(None)
    vk.set_theme(None)


def test_the_docs_have_python_blocks():
    assert len(python_blocks(ROOT / "README.md")) >= 1 and len(python_blocks(ROOT / "docs" / "guide.md")) >= 4


@pytest.mark.slow
def test_readme_blocks_run_as_written(tmp_path):
    namespace: dict = {"__name__": "__readme__"}
    for line, source in python_blocks(ROOT / "README.md"):
        _run(source, namespace, f"README.md:{line}")
    fig = namespace["fig"]
    assert isinstance(fig, vk.Figure) and fig.kind == "attention"
    assert list(fig.panels[0].x.labels) == namespace["str_tokens"]  # the keys are the prompt's tokens, in order
    assert (tmp_path / "attn.html").read_text().startswith("<!DOCTYPE html>")
    assert (tmp_path / "attn.pdf").read_bytes().startswith(b"%PDF")


@pytest.mark.slow
@pytest.mark.parametrize("index", range(len(python_blocks(ROOT / "docs" / "guide.md"))))
def test_guide_block_runs_after_the_prelude(index):
    blocks = python_blocks(ROOT / "docs" / "guide.md")
    namespace: dict = {"__name__": "__guide__"}
    _run(PRELUDE, namespace, "prelude")
    for line, source in blocks[:index]:  # what a reader ran before, failures left to their own test
        try:
            exec(compile(source, f"docs/guide.md:{line}", "exec"), namespace)
        except Exception:
            pass
    line, source = blocks[index]
    _run(source, namespace, f"docs/guide.md:{line}")
