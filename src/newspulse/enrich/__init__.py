"""Stage 4, enrich: embeddings, names and figures per article."""
