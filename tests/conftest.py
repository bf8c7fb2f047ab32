"""Shared fixtures: a real headless Chromium, a real TransformerLens 4 model and cache."""

from __future__ import annotations

import os
import shutil

import pytest

from tests.browser.harness import CHROMIUM
from tests.browser.harness import browser as _browser


@pytest.fixture(scope="session")
def chromium():
    """A Playwright-driven Debian Chromium (never a downloaded browser)."""
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        pytest.fail(f"Debian's chromium is required at {CHROMIUM}: run the README's test command, which installs it")
    with _browser() as b:
        yield b


@pytest.fixture(autouse=True)
def _clean_backend_settings(monkeypatch):
    """Every test starts on the default backend and theme."""
    import vizkit._config as cfg

    monkeypatch.delenv("VIZKIT_BACKEND", raising=False)
    monkeypatch.delenv("VIZKIT_THEME", raising=False)
    monkeypatch.setitem(cfg._global, "backend", None)
    monkeypatch.setitem(cfg._global, "theme", None)
    yield
