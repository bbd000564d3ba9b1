"""Which vertical an article is clustered in, so that each vertical has its own writer.

Clustering runs per vertical (issue 12): an article is compared only with, and merged
only into, events of its own vertical, so two verticals can be clustered at once by two
workers while one vertical never has two (its lease in ``work_claims``).  An article's
``cluster_vertical`` is fixed with its routing, in the routing's transaction, by one rule
(migration 0012 fills in existing rows by the same rule):

1. routed to topics: the vertical of its best-scored topic (ties: the topic slug);
2. else the first (sorted) of its source's vertical hints that is a vertical;
3. else the catch-all ``CATCH_ALL``.

An event takes the vertical of the batch that created it.  Rerouting an article later
(new topics) does not move it: its event stays where it was clustered.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import select, update
from sqlalchemy.engine import Connection

from newspulse.domain import CATCH_ALL_VERTICAL, TopicMatch
from newspulse.store import tables as t
from newspulse.store.rows import StoreRows

CATCH_ALL = CATCH_ALL_VERTICAL

_articles = t.articles.c
# Enriched originals not yet in an event: the cluster step's pending work.
PENDING_CLUSTERING = (
    _articles.clustered_at.is_(None)
    & _articles.embedding.is_not(None)
    & _articles.duplicate_of.is_(None)
)


def best_verticals(
    matches: Sequence[TopicMatch], topic_verticals: Mapping[str, str]
) -> dict[int, str]:
    """The vertical of each matched article's best-scored topic (ties: the topic slug)."""
    best: dict[int, TopicMatch] = {}
    for match in matches:
        held = best.get(match.article_id)
        if held is None or (-match.score, match.topic) < (-held.score, held.topic):
            best[match.article_id] = match
    return {
        article: topic_verticals[match.topic]
        for article, match in best.items()
        if match.topic in topic_verticals
    }


def source_vertical(hints: Sequence[str], verticals: set[str]) -> str:
    """The first of a source's vertical hints that is a vertical, else ``CATCH_ALL``."""
    return next((hint for hint in sorted(hints) if hint in verticals), CATCH_ALL)


def save_cluster_verticals(
    connection: Connection, article_ids: Sequence[int], matches: Sequence[TopicMatch]
) -> None:
    """Set ``cluster_vertical`` of freshly routed ``article_ids`` (the routing's transaction)."""
    if not article_ids:
        return
    topics = dict(connection.execute(select(t.topics.c.slug, t.topics.c.vertical)).all())
    chosen = best_verticals(matches, topics)
    rest = sorted(set(article_ids) - set(chosen))
    if rest:
        verticals = set(connection.execute(select(t.verticals.c.slug)).scalars())
        sources = dict(
            connection.execute(
                select(_articles.id, _articles.source_id).where(_articles.id.in_(rest))
            ).all()
        )
        hints = dict(
            connection.execute(
                select(t.sources.c.id, t.sources.c.vertical_hints).where(
                    t.sources.c.id.in_(sorted({s for s in sources.values() if s is not None}))
                )
            ).all()
        )
        for article in rest:
            source = sources.get(article)
            chosen[article] = source_vertical(hints.get(source) or [], verticals)
    by_vertical: dict[str, list[int]] = {}
    for article, vertical in chosen.items():
        by_vertical.setdefault(vertical, []).append(article)
    for vertical, ids in sorted(by_vertical.items()):
        connection.execute(
            update(t.articles)
            .where(_articles.id.in_(sorted(ids)))
            .values(cluster_vertical=vertical)
        )


class VerticalRows(StoreRows):
    def pending_cluster_verticals(self) -> list[str]:
        """The verticals that have articles waiting for clustering, sorted.  An article is
        clustered after it is routed: one not routed yet is in none of them."""
        query = (
            select(_articles.cluster_vertical)
            .where(PENDING_CLUSTERING, _articles.cluster_vertical.is_not(None))
            .distinct()
        )
        with self.reading() as connection:
            return sorted(connection.execute(query).scalars())
