"""Real data for the gallery, tests and docs, all offline.

``vizkit_gallery.data.models`` loads the committed 2-layer attention-only induction model (trained by
``python -m vizkit_gallery.data.train_induction``), its training log, and the packaged
all-MiniLM-L6-v2 BERT model for real attention on real sentences.
"""
