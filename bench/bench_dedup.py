"""Exact-duplicate checks: content hash and canonical URL per article.

python bench/bench_dedup.py
"""

from __future__ import annotations

import datetime as dt

from common import CORPUS, report, timed
from newspulse.dedup.decide import dedup_batch
from newspulse.dedup.exact import content_hash
from newspulse.ingest.canonical import canonical_url
from newspulse.ingest.corpus import read_corpus
from newspulse.ingest.dating import date_entry

REPEAT = 20


def main() -> None:
    entries = [
        entry
        for name in ("ai-infra", "crypto", "sports")
        for entry in read_corpus(CORPUS / name / "articles.jsonl").entries
    ]
    with timed() as hashing:
        for _ in range(REPEAT):
            for entry in entries:
                content_hash(entry.text)
    report("dedup: content hash (blake2b, normalised)", len(entries) * REPEAT, hashing.seconds)
    with timed() as canonical:
        for _ in range(REPEAT):
            for entry in entries:
                canonical_url(entry.url)
    report("ingest: canonical URL", len(entries) * REPEAT, canonical.seconds)
    now = dt.datetime(2026, 2, 27, tzinfo=dt.UTC)
    with timed() as dating:
        dated = [
            date_entry(e, fetched_at=now, future_tolerance=dt.timedelta(hours=6)) for e in entries
        ]
    report("ingest: date sanity + estimate from text", len(entries), dating.seconds)
    with timed() as batch:
        for _ in range(REPEAT):
            dedup_batch(dated, known_urls=set(), known_hashes={})
    report("dedup: batch decision", len(dated) * REPEAT, batch.seconds)


if __name__ == "__main__":
    main()
