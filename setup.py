"""Package list for setuptools (everything else is in pyproject.toml).

vizkit's packages are found on disk; the repository folder ``gallery/`` is installed under
vizkit's own name, ``vizkit_gallery`` (``package-dir`` in pyproject.toml maps it), so installing
vizkit never adds a generic top-level module ``gallery`` that clashes with another one.
"""

from setuptools import find_packages, setup

GALLERY_DIR, GALLERY = "gallery", "vizkit_gallery"

packages = find_packages(include=["vizkit", "vizkit.*"])
packages += [GALLERY + name[len(GALLERY_DIR):] for name in find_packages(include=[GALLERY_DIR, f"{GALLERY_DIR}.*"])]

setup(packages=packages)
