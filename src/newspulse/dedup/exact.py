"""Exact duplicates: the same canonical URL, or the same normalised text.

A repeated canonical URL is the same page seen again: it is skipped.  The same
text under another URL is a syndicated copy: it is stored, linked to the
original with ``duplicate_of``, and counted once everywhere downstream.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from newspulse.domain import DatedEntry
from newspulse.store.base import NewArticle

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


@dataclass(frozen=True, slots=True)
class DedupResult:
    accepted: tuple[NewArticle, ...]
    seen_before: int
    copies: int


def dedup_batch(
    entries: Sequence[DatedEntry],
    *,
    known_urls: set[str],
    known_hashes: set[str],
) -> DedupResult:
    """Decide for each entry: new original, copy of an original, or already stored."""
    accepted: list[NewArticle] = []
    urls = set(known_urls)
    hashes = set(known_hashes)
    seen_before = copies = 0
    for dated in entries:
        if dated.canonical_url in urls:
            seen_before += 1
            continue
        urls.add(dated.canonical_url)
        digest = content_hash(dated.entry.text)
        is_copy = digest in hashes and len(dated.entry.text.split()) >= MIN_COPY_WORDS
        copies += is_copy
        hashes.add(digest)
        accepted.append(
            NewArticle(
                dated=dated,
                uid=article_uid(dated.canonical_url),
                content_hash=digest,
                duplicate_of_hash=digest if is_copy else None,
            )
        )
    return DedupResult(tuple(accepted), seen_before, copies)
