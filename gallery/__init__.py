"""The vizkit example gallery: a Panel app, its examples, and the real data they draw (``gallery.data``)."""
