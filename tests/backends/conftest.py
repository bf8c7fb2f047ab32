"""Backend fixtures: one test runs over every installed backend (as hvPlot's ``testoptions`` does).

``backend`` is parametrised over the registered backends whose plotting library is installed;
``interactive_backend`` over those that write HTML. A backend whose library is missing is skipped
with the reason, never silently passed.
"""

from __future__ import annotations

import importlib.util

import pytest

from vizkit import backends

#: The plotting library each built-in backend needs.
LIBRARY = {"plotly": "plotly", "bokeh": "bokeh", "holoviews": "holoviews", "matplotlib": "matplotlib",
           "circuitsvis": "circuitsvis"}


def installed(name: str) -> bool:
    """Whether backend ``name``'s plotting library is importable."""
    library = LIBRARY.get(name)
    return library is None or importlib.util.find_spec(library) is not None


def _params(names):
    return [pytest.param(n, id=n, marks=() if installed(n) else pytest.mark.skip(reason=f"{LIBRARY[n]} is not installed"))
            for n in names]


@pytest.fixture(params=_params(backends.names()))
def backend(request) -> str:
    """The name of one registered backend (each test runs once per backend)."""
    return request.param


@pytest.fixture(params=_params([n for n in backends.names() if "html" in backends.declared_formats(n)]))
def interactive_backend(request) -> str:
    """The name of one backend that writes interactive HTML."""
    return request.param
