"""The committed induction model and its caches, shared with the figure tests."""

from tests.figures.conftest import induction  # noqa: F401  (a session fixture, reused here)
