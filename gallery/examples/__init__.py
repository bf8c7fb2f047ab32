"""The gallery's examples: one module per figure, each with a docstring, ``CATEGORY`` and ``build()``.

Files starting with ``_`` are helpers, not examples (``_shared.py`` caches the model runs).
"""
