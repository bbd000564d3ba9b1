"""The ingest step: date, canonicalise, dedup and store entries, one transaction per batch.

Its input is handed over (a corpus, or the entries one feed offered), not claimed from
the store: nothing is stored before ingest.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from newspulse.dedup.decide import dedup_batch
from newspulse.dedup.exact import content_hash
from newspulse.dedup.near import NearDuplicateIndex
from newspulse.domain import Entry
from newspulse.ingest.corpus import CorpusProblem, read_corpus
from newspulse.ingest.dating import date_entry
from newspulse.ingest.normalize import normalise_entry
from newspulse.pipeline.ports import IngestPort
from newspulse.settings import Settings

# Articles per transaction of every step (the ``batch_size`` of ``pipeline.steps``).
BATCH_SIZE = 256


@dataclass(frozen=True, slots=True)
class IngestReport:
    read: int
    stored: int
    seen_before: int
    copies: int
    problems: tuple[CorpusProblem, ...]


def ingest_corpus(
    store: IngestPort, path: Path, *, now: dt.datetime, settings: Settings
) -> IngestReport:
    """Read a JSONL corpus and store its new entries, oldest first, in batches."""
    corpus = read_corpus(path)
    report = ingest_entries(store, corpus.entries, now=now, settings=settings)
    return dataclasses.replace(report, problems=corpus.problems + report.problems)


def ingest_entries(
    store: IngestPort,
    entries: Sequence[Entry],
    *,
    now: dt.datetime,
    settings: Settings,
    source_ids: Mapping[str, int] | None = None,
    batch_size: int = BATCH_SIZE,
) -> IngestReport:
    """Date, canonicalise, dedup and store entries fetched at ``now``, oldest first.

    ``source_ids`` names the registered source of each entry's ``source``; entries of
    unknown sources (a corpus) get a source row of kind ``corpus``.
    """
    tolerance = dt.timedelta(hours=settings.ingest.future_tolerance_hours)
    dated, problems = [], []
    limit = settings.ingest.max_text_chars
    for number, entry in enumerate(entries, start=1):
        try:
            clean_entry = normalise_entry(entry, max_text_chars=limit)
            dated.append(date_entry(clean_entry, fetched_at=now, future_tolerance=tolerance))
        except ValueError as exc:
            problems.append(CorpusProblem(number, str(exc)))
    dated.sort(key=lambda d: (d.published_at, d.canonical_url))
    near = near_duplicate_index(store, now=now, settings=settings)
    stored = seen_before = copies = 0
    for start in range(0, len(dated), batch_size):
        batch = dated[start : start + batch_size]
        known_urls, known_hashes = store.find_exact(
            [d.canonical_url for d in batch], [content_hash(d.entry.text) for d in batch]
        )
        result = dedup_batch(
            batch, known_urls=set(known_urls), known_hashes=known_hashes, near=near
        )
        sources = dict(source_ids or {})
        unknown = {n.dated.entry.source for n in result.accepted} - set(sources)
        sources.update(store.ensure_sources(unknown, kind="corpus", now=now))
        store.insert_articles(result.accepted, sources)
        stored += len(result.accepted)
        seen_before += result.seen_before
        copies += result.copies
    return IngestReport(len(entries), stored, seen_before, copies, tuple(problems))


def near_duplicate_index(
    store: IngestPort, *, now: dt.datetime, settings: Settings
) -> NearDuplicateIndex:
    """The near-copy index over recent originals, rebuilt from stored signatures."""
    index = NearDuplicateIndex(threshold=settings.ingest.near_duplicate_threshold)
    since = now - dt.timedelta(days=settings.ingest.near_duplicate_days)
    for article_id, signature in store.recent_signatures(since):
        index.add_signature(article_id, signature)
    return index
