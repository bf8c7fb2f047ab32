"""``python -m vizkit_gallery``: serve the gallery (see :func:`vizkit_gallery.server.main`)."""

from .server import main

raise SystemExit(main())
