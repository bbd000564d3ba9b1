"""Accuracy of vertical routing: is an article's best-scoring topic in the vertical it came from?

The bundled corpora each belong to one vertical, so the corpus an article was read from
is its gold vertical.  An article routed to no topic (below every topic's threshold,
kept for ``newspulse topics suggest``) counts against accuracy over all articles and is
left out of accuracy over routed ones; both are reported.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from newspulse.ingest.corpus import read_corpus
from newspulse.store import tables as t
from newspulse.store.sql import SqlStore


@dataclass(frozen=True, slots=True)
class RoutingReport:
    routed: int  # with at least one topic
    multi_label: int  # routed to more than one topic
    correct_by_vertical: Mapping[str, tuple[int, int]]  # vertical -> (best topic in it, articles)

    @property
    def articles(self) -> int:
        return sum(total for _, total in self.correct_by_vertical.values())

    @property
    def correct(self) -> int:
        return sum(correct for correct, _ in self.correct_by_vertical.values())

    @property
    def accuracy(self) -> float:
        return self.correct / self.articles if self.articles else 0.0

    @property
    def routed_accuracy(self) -> float:
        return self.correct / self.routed if self.routed else 0.0


def corpus_verticals(corpora: Mapping[Path, str]) -> dict[str, str]:
    """Gold verticals: each article URL of a corpus file -> that corpus's vertical."""
    return {
        entry.url: vertical
        for path, vertical in corpora.items()
        for entry in read_corpus(path).entries
    }


def vertical_routing(store: SqlStore, gold: Mapping[str, str]) -> RoutingReport:
    """Compare each article's best topic with ``gold`` (article URL -> vertical)."""
    vertical_of = {topic.slug: topic.vertical for topic in store.list_topics()}
    query = select(t.articles.c.url, t.article_topics.c.topic, t.article_topics.c.score).join(
        t.article_topics, t.article_topics.c.article_id == t.articles.c.id
    )
    best: dict[str, tuple[float, str]] = {}
    labels: Counter[str] = Counter()
    with store.engine.connect() as connection:
        for url, topic, score in connection.execute(query):
            labels[url] += 1
            if url not in best or score > best[url][0]:
                best[url] = (score, topic)
    per_vertical: dict[str, list[int]] = {}
    for url, vertical in gold.items():
        tally = per_vertical.setdefault(vertical, [0, 0])
        tally[1] += 1
        if url in best and vertical_of[best[url][1]] == vertical:
            tally[0] += 1
    return RoutingReport(
        routed=sum(1 for url in gold if url in best),
        multi_label=sum(1 for url in gold if labels[url] > 1),
        correct_by_vertical={v: (c, n) for v, (c, n) in per_vertical.items()},
    )
