"""Stage 2, ingest: feed items and corpus records become dated entries with canonical URLs."""
