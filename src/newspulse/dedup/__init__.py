"""Stage 3, dedup: each page is stored once; copies link to the first-seen original."""
