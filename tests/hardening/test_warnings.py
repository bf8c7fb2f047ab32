"""Every warning vizkit gives is a ``vk.VizkitWarning``: users can silence vizkit, and only vizkit, with one filter.

The source scan finds every warning class and every ``warnings.warn`` call in ``vizkit/`` (a new one
that forgets the category, or uses ``UserWarning``, fails here); the behaviour tests make the two
warnings vizkit has today happen and catch them as ``vk.VizkitWarning``.
"""

from __future__ import annotations

import ast
import importlib
import warnings
from pathlib import Path

import numpy as np
import pytest

import vizkit as vk
from vizkit.errors import VizkitError, VizkitWarning

SOURCE = Path(vk.__file__).resolve().parent


def _module_name(path: Path) -> str:
    rel = path.relative_to(SOURCE.parent).with_suffix("")
    parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
    return ".".join(parts)


def _warning_sites():
    """(module, lineno, category expression or None) of every ``warnings.warn``/``warn`` call in vizkit/."""
    for path in sorted(SOURCE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
            if name != "warn":
                continue
            category = node.args[1] if len(node.args) > 1 else next((k.value for k in node.keywords if k.arg == "category"), None)
            yield _module_name(path), node.lineno, category


def _warning_classes():
    """(module, class name) of every class in vizkit/ whose bases name a ``...Warning``."""
    for path in sorted(SOURCE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and (node.name.endswith("Warning") or any(
                    ast.unparse(b).endswith("Warning") for b in node.bases)):
                yield _module_name(path), node.name


def test_vizkit_warning_is_public_and_a_user_warning_not_an_error():
    assert vk.VizkitWarning is VizkitWarning and "VizkitWarning" in vk.__all__
    assert issubclass(VizkitWarning, UserWarning) and not issubclass(VizkitWarning, VizkitError)
    assert "VizkitWarning" in importlib.import_module("vizkit.errors").__all__


def test_every_warning_class_in_vizkit_derives_from_vizkit_warning():
    found = list(_warning_classes())
    names = {name for _, name in found}
    assert {"VizkitWarning", "SlowRenderWarning", "CompatWarning"} <= names  # the scan sees them
    for module, name in found:
        cls = getattr(importlib.import_module(module), name)
        assert issubclass(cls, VizkitWarning), f"{module}.{name} derives from {cls.__mro__[1].__name__}, not VizkitWarning"


def test_every_warnings_warn_in_vizkit_uses_a_vizkit_warning_subclass():
    sites = list(_warning_sites())
    assert len(sites) >= 2  # the circuitsvis size warning and the compat keyword warning
    for module, line, category in sites:
        assert category is not None, f"{module}:{line} warns without a category (a bare UserWarning)"
        value = importlib.import_module(module)
        for part in ast.unparse(category).split("."):
            value = getattr(value, part)
        assert isinstance(value, type) and issubclass(value, VizkitWarning), \
            f"{module}:{line} warns with {ast.unparse(category)}, which is not a VizkitWarning"


def test_the_circuitsvis_size_warning_is_caught_as_a_vizkit_warning():
    pat = np.tril(np.ones((12, 150, 150))) / np.arange(1, 151)[:, None]
    with pytest.warns(vk.VizkitWarning, match=r"12 heads of 150 × 150"):
        vk.attention(pat).to("circuitsvis")


def test_a_compat_keyword_warning_is_caught_as_a_vizkit_warning_and_silenced_by_one_filter():
    from vizkit.compat import neel_plotly as npl

    fig = npl.line(np.arange(5.0), toggle_y=True, return_fig=True)
    with pytest.warns(vk.VizkitWarning, match="toggle_y"):
        fig.to("matplotlib")
    again = npl.line(np.arange(5.0), toggle_y=True, return_fig=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.filterwarnings("ignore", category=vk.VizkitWarning)
        again.to("matplotlib")  # nothing else warns
