"""Stage 6, cluster: articles into events, one article at a time.

``assign`` decides each article (``similarity`` scores it against candidate events
from ``index``, whose vectors live in a ``vectors.VectorIndex``); ``maintain`` plans
the periodic merges and splits; ``stream`` runs both over a whole stream in memory
for ``newspulse cluster``.
"""
