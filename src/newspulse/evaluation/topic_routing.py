"""Recall and precision of topic routing per topic, against hand-labelled query groups.

``examples/corpus/topic_gold.toml`` names, for each query group of the bundled corpora,
the topics its articles belong to (``topics``) and the topics that are acceptable too
(``also``).  For a topic T: recall = gold-T articles routed to T / gold-T articles;
precision = articles routed to T whose group lists T in ``topics`` or ``also`` /
articles routed to T.  ``coverage`` compares two routings: of the articles a reference
routing (with include terms) put correctly in T, the share this routing also put there.
"""

from __future__ import annotations

import dataclasses
import json
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from newspulse.domain import Article, Topic, Vector
from newspulse.enrich.embed import Embedder
from newspulse.errors import ConfigError
from newspulse.pipeline import topic_profiles
from newspulse.route import route_article, vertical_profiles
from newspulse.settings import RouteSettings

Routes = Mapping[str, frozenset[str]]  # article URL -> topics it was routed to


@dataclass(frozen=True, slots=True)
class GroupGold:
    topics: frozenset[str]
    also: frozenset[str]


@dataclass(frozen=True, slots=True)
class TopicScore:
    topic: str
    gold: int  # articles that belong to the topic
    routed: int  # articles routed to it
    found: int  # gold articles routed to it
    acceptable: int  # routed articles whose group allows the topic

    @property
    def recall(self) -> float:
        return self.found / self.gold if self.gold else 0.0

    @property
    def precision(self) -> float:
        return self.acceptable / self.routed if self.routed else 0.0


@dataclass(frozen=True, slots=True)
class RoutingScores:
    per_topic: tuple[TopicScore, ...]
    articles: int
    unrouted: int

    @property
    def recall(self) -> float:
        gold = sum(s.gold for s in self.per_topic)
        return sum(s.found for s in self.per_topic) / gold if gold else 0.0

    @property
    def precision(self) -> float:
        routed = sum(s.routed for s in self.per_topic)
        return sum(s.acceptable for s in self.per_topic) / routed if routed else 0.0


def read_gold(path: Path) -> dict[str, GroupGold]:
    """Query group -> its gold topics, from a ``topic_gold.toml``."""
    try:
        document = tomllib.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError("cannot read routing gold", str(path)) from exc
    gold: dict[str, GroupGold] = {}
    for raw in document.get("groups", []):
        gold[str(raw["query_group"])] = GroupGold(
            topics=frozenset(raw.get("topics", [])), also=frozenset(raw.get("also", []))
        )
    return gold


def read_query_groups(paths: Iterable[Path]) -> dict[str, str]:
    """Article URL -> query group, from ``query_groups.jsonl`` files."""
    groups: dict[str, str] = {}
    for path in paths:
        for line in path.read_text("utf-8").splitlines():
            if line.strip():
                record = json.loads(line)
                groups[str(record["url"])] = str(record["query_group"])
    return groups


def score_routing(
    routes: Routes,
    groups: Mapping[str, str],
    gold: Mapping[str, GroupGold],
    topics: Sequence[str],
) -> RoutingScores:
    """Per-topic recall and precision of ``routes`` over the articles that have a group."""
    labelled = sorted(url for url in routes if groups.get(url) in gold)
    scores = []
    for topic in topics:
        wanted = {u for u in labelled if topic in gold[groups[u]].topics}
        allowed = wanted | {u for u in labelled if topic in gold[groups[u]].also}
        routed = {u for u in labelled if topic in routes[u]}
        scores.append(
            TopicScore(topic, len(wanted), len(routed), len(routed & wanted), len(routed & allowed))
        )
    unrouted = sum(1 for url in labelled if not routes[url])
    return RoutingScores(tuple(scores), len(labelled), unrouted)


def coverage(
    routes: Routes,
    reference: Routes,
    groups: Mapping[str, str],
    gold: Mapping[str, GroupGold],
    topic: str,
) -> tuple[int, int]:
    """(caught by ``routes``, caught correctly by ``reference``) for one topic."""
    caught = {
        url
        for url, topics in reference.items()
        if topic in topics and url in groups and topic in gold.get(groups[url], NO_GOLD).topics
    }
    return sum(1 for url in caught if topic in routes.get(url, frozenset())), len(caught)


NO_GOLD = GroupGold(frozenset(), frozenset())
# The routing before issue 11: one profile vector, threshold 0.32, 0.06 per term, margin 0.15.
SINGLE_PROFILE = RouteSettings(
    phrase_profiles=False, threshold=0.32, term_bonus=0.06, label_margin=0.15, vertical_lift=None
)


def route_all(
    rows: Sequence[tuple[Article, Vector]],
    topics: Sequence[Topic],
    embedder: Embedder,
    settings: RouteSettings,
) -> dict[str, frozenset[str]]:
    """Route embedded articles in memory (nothing stored): article URL -> topics."""
    profiles = topic_profiles(
        topics, embedder, phrases=settings.phrase_profiles, facets=settings.facet_phrases
    )
    verticals = vertical_profiles(profiles)
    return {
        article.url: frozenset(
            m.topic for m in route_article(article, vector, profiles, settings, verticals)
        )
        for article, vector in rows
    }


def without_include(topics: Sequence[Topic]) -> list[Topic]:
    """The topics as an operator writes them from a description: no include terms."""
    return [dataclasses.replace(topic, include=()) for topic in topics]
