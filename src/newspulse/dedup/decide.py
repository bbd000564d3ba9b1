"""The dedup decision for a batch: new original, copy of an original, or already stored.

1. Same canonical URL as a stored or earlier entry → already stored, skipped.
2. Same normalised text (content hash) → exact copy of the first-seen original.
3. MinHash LSH match (``near``) → near copy (a wire story with another trailer).
Copies are stored, linked to the original, and count once downstream.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from newspulse.dedup.exact import article_uid, content_hash, long_enough_to_copy
from newspulse.dedup.near import NearDuplicateIndex, text_signature
from newspulse.domain import DatedEntry
from newspulse.records import NewArticle


@dataclass(frozen=True, slots=True)
class DedupResult:
    accepted: tuple[NewArticle, ...]
    seen_before: int
    copies: int
    near_copies: int


def dedup_batch(
    entries: Sequence[DatedEntry],
    *,
    known_urls: set[str],
    known_hashes: Mapping[str, int],
    near: NearDuplicateIndex | None = None,
) -> DedupResult:
    """Decide for each entry in arrival order; ``near`` gains the batch's originals."""
    accepted: list[NewArticle] = []
    urls = set(known_urls)
    batch_hashes: dict[str, str] = {}
    seen_before = copies = near_copies = 0
    for dated in entries:
        if dated.canonical_url in urls:
            seen_before += 1
            continue
        urls.add(dated.canonical_url)
        text = dated.entry.text
        uid = article_uid(dated.canonical_url)
        digest = content_hash(text)
        signature = text_signature(text)
        item = NewArticle(
            dated=dated,
            uid=uid,
            content_hash=digest,
            near_signature=signature.to_bytes() if signature else None,
        )
        if long_enough_to_copy(text) and digest in known_hashes:
            item = replace(item, duplicate_of=known_hashes[digest])
        elif long_enough_to_copy(text) and digest in batch_hashes:
            item = replace(item, duplicate_of_uid=batch_hashes[digest])
        elif near is not None and signature is not None:
            original = near.query_signature(signature)
            # The near index keys stored originals by id and this batch's by uid.
            if isinstance(original, int):
                item = replace(item, duplicate_of=original)
            elif isinstance(original, str):
                item = replace(item, duplicate_of_uid=original)
            near_copies += original is not None
        if item.is_copy:
            copies += 1
        else:
            batch_hashes.setdefault(digest, uid)
            if near is not None and signature is not None:
                near.add_signature(uid, signature)
        accepted.append(item)
    return DedupResult(tuple(accepted), seen_before, copies, near_copies)
