"""The vizkit example gallery, installed as ``vizkit_gallery`` (the repository folder is ``gallery/``).

An application on vizkit's public API: its examples (``examples/*.py``, found by :mod:`.discovery`),
the real data they draw (:mod:`.data`), and a Panel app (:mod:`.app`, served by :mod:`.server`).
``vizkit gallery`` runs it; ``vizkit export`` uses its examples. Importing this package imports
nothing heavy: Panel, torch and the models load when the app or an example needs them.
"""
