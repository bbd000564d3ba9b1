"""Overlap between short texts, for redundancy checks between briefing bullets.

Owns the set measures the writer and verifier use to tell whether two bullets
say the same thing: Jaccard similarity over content-word shingles (the measure
reader's ``entry_dedupe`` plugin uses for near-duplicate entries).  Words are
the normalised content words of ``sentences.content_tokens``, so "Nvidia raised
its forecast" and "Nvidia raises forecast" share their shingles.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet

from newspulse.text.sentences import content_tokens

DEFAULT_SHINGLE_SIZE = 3


def jaccard(a: AbstractSet[str], b: AbstractSet[str]) -> float:
    """Size of the intersection over size of the union; 0.0 when both sets are empty."""
    union = a | b
    if not union:
        return 0.0
    return len(a & b) / len(union)


def shingles(text: str, n: int = DEFAULT_SHINGLE_SIZE) -> set[str]:
    """Runs of ``n`` consecutive content words of ``text``, joined by spaces.

    A text with fewer than ``n`` content words gives one shingle of all of them
    (or none when it has none), so short bullets still compare.
    """
    if n < 1:
        raise ValueError(f"shingle size must be at least 1, not {n}")
    tokens = content_tokens(text)
    if len(tokens) < n:
        return {" ".join(tokens)} if tokens else set()
    return {" ".join(tokens[index : index + n]) for index in range(len(tokens) - n + 1)}
