"""Records in, events out, through the live pipeline's own enrich and cluster code.

What ``newspulse cluster`` runs, and what the quality benchmark and floors score:

1. Records become ``Article``s.  Their order is publication time when a record has
   one, input order otherwise: an undated record takes the time of the dated record
   before it in the file (or of the first dated one), and ties keep file order.
2. Exact copies (same normalised text, ``dedup.exact``) are not clustered; they take
   their original's event, as the pipeline counts a syndicated copy once.
3. ``enrich.annotate.enrich_articles`` embeds title + lead with the configured model.
4. ``cluster.stream.cluster_stream`` clusters in batches of the pipeline's cluster step
   (``pipeline.steps``) with a throwaway in-memory state and runs the maintenance pass
   after each batch.
5. Event ids are renumbered 1, 2, ... in order of first appearance in the file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from newspulse.cluster.stream import MaintenanceCounts, cluster_stream
from newspulse.dedup.exact import content_hash, long_enough_to_copy
from newspulse.domain import Article, Vector
from newspulse.enrich.annotate import enrich_articles
from newspulse.enrich.embed import Embedder
from newspulse.evaluation.records import ClusterRecord, RecordId
from newspulse.pipeline.steps import step
from newspulse.settings import ClusterSettings

# The time of every record when none is dated: any fixed instant will do.
UNDATED = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True, slots=True)
class ClusterRun:
    events: dict[RecordId, int]
    copies: int
    maintenance: MaintenanceCounts

    @property
    def event_count(self) -> int:
        return len(set(self.events.values()))


def cluster_records(
    records: Sequence[ClusterRecord],
    embedder: Embedder,
    settings: ClusterSettings,
    *,
    maintain: bool = True,
) -> ClusterRun:
    """Steps 1-5 of the module docstring."""
    articles = records_to_articles(records)
    original_of = find_copies(articles)
    originals = [article for article in articles if article.id not in original_of]
    items = embed_articles(originals, embedder)
    event_of, counts = cluster_stream(
        items, settings, batch_size=step("cluster").batch_size, maintain=maintain
    )
    for copy, original in original_of.items():
        event_of[copy] = event_of[original]
    return ClusterRun(renumber(records, event_of), len(original_of), counts)


def embed_articles(articles: Sequence[Article], embedder: Embedder) -> list[tuple[Article, Vector]]:
    enrichments = enrich_articles(articles, embedder) if articles else []
    return [(a, e.embedding) for a, e in zip(articles, enrichments, strict=True)]


def records_to_articles(records: Sequence[ClusterRecord]) -> list[Article]:
    """Step 1: article ids are file positions, so equal times keep file order."""
    first_dated = next((r.published for r in records if r.published is not None), UNDATED)
    articles: list[Article] = []
    current = first_dated
    for position, record in enumerate(records):
        current = record.published or current
        address = f"record:{record.id}"
        articles.append(
            Article(
                id=position,
                uid=str(record.id),
                url=address,
                canonical_url=address,
                source=record.source or "unknown",
                title=record.title,
                text=record.text,
                published_at=current,
                date_estimated=record.published is None,
            )
        )
    return articles


def find_copies(articles: Sequence[Article]) -> dict[int, int]:
    """Step 2: copy article id -> the id of the first article with the same text."""
    first: dict[str, int] = {}
    copies: dict[int, int] = {}
    for article in sorted(articles, key=lambda a: (a.published_at, a.id)):
        if not long_enough_to_copy(article.text):
            continue
        digest = content_hash(article.text)
        if digest in first:
            copies[article.id] = first[digest]
        else:
            first[digest] = article.id
    return copies


def renumber(records: Sequence[ClusterRecord], event_of: dict[int, int]) -> dict[RecordId, int]:
    """Step 5: event ids in order of first appearance in the file."""
    numbers: dict[int, int] = {}
    events: dict[RecordId, int] = {}
    for position, record in enumerate(records):
        event = event_of[position]
        events[record.id] = numbers.setdefault(event, len(numbers) + 1)
    return events
