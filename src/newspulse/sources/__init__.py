"""Stage 1, sources: what to read (verticals, topics, feeds) and when."""
