"""Which events reach each topic's page, by the routing rule (issue 10), against topic_gold.

Each bundled corpus is replayed (ingest, enrich, route, cluster) into a throwaway SQLite
store as ``newspulse replay`` does, once per rule: the phrase routing with near-ties only
("margin only", before issue 10) and with the vertical lift (the default).  The events
that reach a topic's page are those the writer reads (``pipeline.briefings.topic_scope``:
the topic's own events, by ``write.min_topic_share``, and neighbours' slices); each is
judged by the articles the page reads of it.  Each admitted event is labelled by its most common
query group's gold (examples/corpus/topic_gold.toml): the topic is one of the group's
``topics`` (gold), only ``also`` (acceptable) or neither (wrong).  The catalog keeps its
include lists, as the engine runs it.
    python bench/bench_topic_pages.py
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections import Counter
from collections.abc import Mapping
from pathlib import Path

from common import CORPUS
from newspulse.enrich.embed import Embedder, create_embedder
from newspulse.evaluation.briefing_run import replayed_store
from newspulse.evaluation.topic_routing import GroupGold, read_gold, read_query_groups
from newspulse.pipeline.briefings import facet_vectors, topic_scope
from newspulse.settings import Settings

RUNS = (
    ("ai-infra", dt.datetime(2026, 2, 27, tzinfo=dt.UTC)),
    ("crypto", dt.datetime(2025, 11, 30, tzinfo=dt.UTC)),
    ("sports", dt.datetime(2025, 11, 30, tzinfo=dt.UTC)),
)
LABELS = ("gold", "also", "wrong")


def page_events(
    corpus: str,
    now: dt.datetime,
    embedder: Embedder,
    settings: Settings,
    groups: Mapping[str, str],
    gold: Mapping[str, GroupGold],
    folder: Path,
) -> dict[str, Counter[str]]:
    """Topic -> admitted events counted by gold label, for one corpus and one rule."""
    path = folder / f"{corpus}.db"
    articles_file = CORPUS / corpus / "articles.jsonl"
    with replayed_store(path, articles_file, embedder, now=now, settings=settings) as (
        store,
        built,
    ):
        pages: dict[str, Counter[str]] = {}
        for topic in store.list_topics():
            facets = facet_vectors(topic, store, embedder)
            events = topic_scope(store, topic, now=now, settings=built, facets=facets)
            articles = store.articles_by_ids(a for e in events for a in e.article_ids)
            counts: Counter[str] = Counter()
            for event in events:
                members = Counter(
                    groups.get(articles[a].url, "") for a in event.article_ids if a in articles
                )
                group = gold.get(min(members, key=lambda g: (-members[g], g)))
                if group is not None and topic.slug in group.topics:
                    counts["gold"] += 1
                elif group is not None and topic.slug in group.also:
                    counts["also"] += 1
                else:
                    counts["wrong"] += 1
            pages[topic.slug] = counts
        return pages


def main() -> None:
    gold = read_gold(CORPUS / "topic_gold.toml")
    groups = read_query_groups(CORPUS / name / "query_groups.jsonl" for name, _ in RUNS)
    settings = Settings()
    embedder = create_embedder(settings.embed.model)
    rules = {
        "margin only": settings.model_copy(
            update={"route": settings.route.model_copy(update={"vertical_lift": None})}
        ),
        f"vertical lift {settings.route.vertical_lift}": settings,
    }
    totals: dict[str, Counter[str]] = {rule: Counter() for rule in rules}
    print(f"{'corpus':<9} {'topic':<28} " + " ".join(f"{rule:>30}" for rule in rules))
    with tempfile.TemporaryDirectory() as folder:
        for corpus, now in RUNS:
            pages = {
                rule: page_events(corpus, now, embedder, s, groups, gold, Path(folder))
                for rule, s in rules.items()
            }
            for topic in sorted(set().union(*(p.keys() for p in pages.values()))):
                cells = []
                for rule in rules:
                    counts = pages[rule].get(topic, Counter())
                    totals[rule].update(counts)
                    cells.append(" / ".join(f"{counts[label]:>2} {label}" for label in LABELS))
                if any(pages[rule].get(topic) for rule in rules):
                    print(f"{corpus:<9} {topic:<28} " + " ".join(f"{c:>30}" for c in cells))
    print(
        f"{'all':<9} {'events on pages':<28} "
        + " ".join(
            f"{' / '.join(f'{totals[rule][label]:>2} {label}' for label in LABELS):>30}"
            for rule in rules
        )
    )


if __name__ == "__main__":
    main()
