"""Near duplicates: syndicated copies whose text differs a little (trailer, edits, punctuation).

Exact dedup (``dedup/exact.py``) misses the same wire story with another byline, a changed
trailer or house style. Here each text becomes a MinHash signature of its 5-word shingles
(datasketch, 128 permutations), and an LSH index over the signatures finds earlier articles
whose estimated Jaccard similarity reaches the threshold, in time that does not grow with the
index (stack.md §2.3: recall 998/1000, 0 false positives; ``bench/bench_neardup.py``).

1. Normalise: lowercase word tokens (``\\w+``), so punctuation, quotes and spacing do not count.
2. Shingle: every run of 5 consecutive words; a text under 5 words is one shorter shingle.
3. Sign: datasketch MinHash, 128 permutations, fixed seed, its ``affine32`` scheme, so a
   signature is 128 uint32 values that stay valid across runs and processes.
4. Index: datasketch MinHashLSH, banded to miss few pairs at the threshold. A candidate from
   the bands is confirmed only when the signatures agree on ``threshold`` of their positions.
5. Answer: the earliest-added confirmed candidate, i.e. the first-seen original.

Signatures persist as bytes (``articles.near_signature``): on start the store feeds the recent
ones back with :meth:`NearDuplicateIndex.add_signature`; nothing is ever re-shingled or rebuilt
per article.
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass
from functools import cache

import numpy as np
from datasketch import MinHash, MinHashLSH

from newspulse.errors import NewsPulseError

NUM_PERM = 128
SHINGLE_WORDS = 5
SEED = 1
SCHEME = "affine32"
# bench/bench_neardup.py: 0.5 keeps recall at 1000/1000 on copies with 3% of words changed plus
# a trailer and flags 0 of 4,000 distinct texts; the corpus' AP story run by two sites scores
# 0.83, while the same outlet's donation banner above two different stories scores 0.33.
DEFAULT_THRESHOLD = 0.5
# datasketch picks bands and rows minimising these weighted false-positive / false-negative
# areas. Weighting misses 9:1 gives 32 bands of 4 rows at 0.5 (a pair at Jaccard 0.6 becomes a
# candidate 98.8% of the time, against 86.8% with equal weights); the extra candidates cost one
# signature comparison each and step 4 rejects them.
LSH_WEIGHTS = (0.1, 0.9)
# Texts shorter than this carry too few shingles for a reliable estimate; they are not indexed.
MIN_WORDS = 20
FORMAT_VERSION = 1
HEADER = struct.Struct("<BH")  # format version, number of permutations
WORD = re.compile(r"\w+")

ArticleKey = int | str


class SignatureError(NewsPulseError):
    """Stored signature bytes do not match this index's format or permutation count."""


@dataclass(frozen=True, slots=True)
class Signature:
    """MinHash values of one text (128 uint32) and their byte form for the store."""

    values: np.ndarray

    def to_bytes(self) -> bytes:
        return HEADER.pack(FORMAT_VERSION, len(self.values)) + self.values.astype("<u4").tobytes()

    @classmethod
    def from_bytes(cls, data: bytes, *, resource: str | None = None) -> Signature:
        if len(data) < HEADER.size:
            raise SignatureError("signature is truncated", resource)
        version, count = HEADER.unpack_from(data)
        if version != FORMAT_VERSION or count != NUM_PERM:
            raise SignatureError(
                f"signature format {version}/{count} is not {FORMAT_VERSION}/{NUM_PERM}", resource
            )
        body = data[HEADER.size :]
        if len(body) != 4 * count:
            raise SignatureError("signature length does not match its header", resource)
        return cls(np.frombuffer(body, dtype="<u4").astype(np.uint32))


def shingles(text: str) -> list[bytes]:
    """The text's 5-word shingles as UTF-8 bytes (steps 1-2)."""
    words = WORD.findall(text.lower())
    size = min(SHINGLE_WORDS, len(words))
    return [" ".join(words[i : i + size]).encode() for i in range(len(words) - size + 1)]


@cache
def permutations() -> tuple[np.ndarray, np.ndarray]:
    """The fixed permutation parameters; made once, since MinHash() draws them each time."""
    template = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME)
    first, second = template.permutations
    return first, second


def text_signature(text: str) -> Signature | None:
    """MinHash signature of a text, or None when it has fewer than MIN_WORDS words (step 3)."""
    if len(WORD.findall(text)) < MIN_WORDS:
        return None
    minhash = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME, permutations=permutations())
    minhash.update_batch(shingles(text))
    return Signature(np.asarray(minhash.hashvalues, dtype=np.uint32))


def estimated_jaccard(first: Signature, second: Signature) -> float:
    return float(np.count_nonzero(first.values == second.values)) / len(first.values)


class NearDuplicateIndex:
    """Incremental near-duplicate index: add articles one by one, ask for each new text's original.

    Memory is about 11 KiB per indexed article, nearly all of it datasketch's in-memory band
    tables (one Python set per bucket; 1.27 GB peak at 100,000 articles in the bench): keep
    only a recent window and :meth:`remove` older articles.
    """

    def __init__(self, *, threshold: float = DEFAULT_THRESHOLD) -> None:
        self.threshold = threshold
        self._lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM, weights=LSH_WEIGHTS)
        self._signatures: dict[ArticleKey, Signature] = {}
        self._order: dict[ArticleKey, int] = {}
        self._added = 0

    def __len__(self) -> int:
        return len(self._signatures)

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._signatures

    def add(self, article_id: ArticleKey, text: str) -> bytes | None:
        """Index a text; returns its signature bytes to store, or None when it is too short."""
        signature = text_signature(text)
        if signature is None:
            return None
        self.add_signature(article_id, signature)
        return signature.to_bytes()

    def add_signature(self, article_id: ArticleKey, signature: Signature | bytes) -> None:
        """Index a stored signature (rebuilding the index on start) or a computed one."""
        if isinstance(signature, bytes):
            signature = Signature.from_bytes(signature, resource=str(article_id))
        if article_id in self._signatures:
            self.remove(article_id)
        minhash = MinHash(
            seed=SEED, scheme=SCHEME, hashvalues=signature.values, permutations=permutations()
        )
        self._lsh.insert(article_id, minhash, check_duplication=False)
        self._signatures[article_id] = signature
        self._order[article_id] = self._added
        self._added += 1

    def remove(self, article_id: ArticleKey) -> None:
        """Forget an article (it left the dedup window); unknown ids are ignored."""
        if self._signatures.pop(article_id, None) is not None:
            self._order.pop(article_id, None)
            self._lsh.remove(article_id)

    def query(self, text: str) -> ArticleKey | None:
        """Id of the first-seen indexed article this text nearly duplicates, or None."""
        signature = text_signature(text)
        return None if signature is None else self.query_signature(signature)

    def query_signature(self, signature: Signature) -> ArticleKey | None:
        """As :meth:`query`, for a signature already computed (steps 4-5)."""
        if not self._signatures:
            return None
        minhash = MinHash(
            seed=SEED, scheme=SCHEME, hashvalues=signature.values, permutations=permutations()
        )
        confirmed = [
            candidate
            for candidate in self._lsh.query(minhash)
            if estimated_jaccard(signature, self._signatures[candidate]) >= self.threshold
        ]
        return min(confirmed, key=self._order.__getitem__, default=None)
