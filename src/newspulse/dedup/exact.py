"""Exact duplicates: the same canonical URL, or the same normalised text.

A repeated canonical URL is the same page seen again: it is skipped.  The same
text under another URL is a syndicated copy: it is stored, linked to the
original with ``duplicate_of``, and counted once everywhere downstream.
"""

from __future__ import annotations

import hashlib
import re

WHITESPACE = re.compile(r"\s+")
NON_WORD = re.compile(r"[^\w\s]")
# Texts shorter than this (empty, "Read more") are not evidence of a copy.
MIN_COPY_WORDS = 20


def content_hash(text: str) -> str:
    """blake2b of the text with case, punctuation and spacing normalised away."""
    normalised = WHITESPACE.sub(" ", NON_WORD.sub(" ", text.lower())).strip()
    return hashlib.blake2b(normalised.encode("utf-8"), digest_size=16).hexdigest()


def article_uid(canonical: str) -> str:
    """A short stable public id for an article (used as the citation/source id)."""
    return hashlib.blake2b(canonical.encode("utf-8"), digest_size=6).hexdigest()


def long_enough_to_copy(text: str) -> bool:
    return len(text.split()) >= MIN_COPY_WORDS
