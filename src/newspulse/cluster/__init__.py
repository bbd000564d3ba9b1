"""Stage 6, cluster: articles into events, one article at a time."""
