"""Routing from a description (issues 10 and 11): recall and precision per topic, in one run.

The three bundled corpora are ingested and embedded once; their articles are then routed
in memory seven ways: the single-profile routing of before issue 11 ("today"), the phrase
routing with its vertical lift (the default: an article also joins a topic that fits it
clearly better than its vertical's profile does) and the phrase routing with near-ties
only ("margin only", before issue 10), each with the starter topics' include lists and
without them, and the phrase routing with the topics' facets as phrases too (without
include lists).  Gold: examples/corpus/topic_gold.toml
(query group -> topics).  Crypto was held out of every tuning choice of the phrase
routing (threshold, margins, term bonus), so it is also reported on its own.  Last, an
operator's description-only topic ("The Big Games", from the issue) is added to the
catalog without include lists, and its articles are counted.  The phrase routing runs at
the model's own calibration (``newspulse.calibration``); USE's was chosen on ai-infra +
crypto, so its held-out corpus is sports (``--held-out sports``).  The Big Games count and
a closing table compare the two phrase rules.
    python bench/bench_routing.py [--model all-MiniLM-L6-v2] [--held-out crypto]
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from common import CORPUS, report, timed
from newspulse.domain import Article, Topic, Vector
from newspulse.enrich.embed import Embedder, create_embedder
from newspulse.evaluation.topic_routing import (
    SINGLE_PROFILE,
    GroupGold,
    Routes,
    coverage,
    read_gold,
    read_query_groups,
    route_all,
    score_routing,
    without_include,
)
from newspulse.pipeline import enrich_pending, ingest_corpus
from newspulse.settings import EmbedSettings, RouteSettings, Settings
from newspulse.sources.catalog import load_catalog
from newspulse.store.sql import SqlStore

CORPORA = ("ai-infra", "crypto", "sports")
HELD_OUT = "crypto"
NOW = dt.datetime(2026, 2, 27, tzinfo=dt.UTC)
TODAY = SINGLE_PROFILE
RULE = "phrases"  # the default: near-ties and the vertical lift
MARGIN_ONLY = "phrases, margin only"  # near-ties only (before issue 10)
RECALL_SHARE_FLOOR = 0.90
BIG_GAMES = Topic(
    slug="the-big-games",
    vertical="sports",
    title="The Big Games",
    tagline="Results and storylines of the season's major events",
    description="Results and storylines of major events: NFL playoffs and the Super Bowl, "
    "college football, tennis majors, football leagues and continental cups, the NBA trade "
    "deadline, the Winter Olympics. What happened, who won, and what it sets up next.",
)


def subset(routes: Routes, urls: set[str]) -> dict[str, frozenset[str]]:
    return {url: topics for url, topics in routes.items() if url in urls}


def print_scores(
    name: str,
    routes: Routes,
    reference: Routes,
    groups: Mapping[str, str],
    gold: Mapping[str, GroupGold],
    slugs: Sequence[str],
) -> tuple[float, float]:
    scores = score_routing(routes, groups, gold, slugs)
    print(f"\n{name}")
    print(f"  {'topic':<28} {'gold':>5} {'routed':>6} {'recall':>7} {'precision':>9} coverage")
    for score in scores.per_topic:
        caught, of = coverage(routes, reference, groups, gold, score.topic)
        print(
            f"  {score.topic:<28} {score.gold:>5} {score.routed:>6} {score.recall:>7.3f} "
            f"{score.precision:>9.3f} {caught}/{of}"
        )
    print(
        f"  all topics: recall {scores.recall:.3f}, precision {scores.precision:.3f}; "
        f"{scores.articles - scores.unrouted} of {scores.articles} articles routed"
    )
    return scores.recall, scores.precision


def print_big_games(
    rule: str,
    rows: Sequence[tuple[Article, Vector]],
    topics: Sequence[Topic],
    embedder: Embedder,
    settings: RouteSettings,
    groups: Mapping[str, str],
    sports: set[str],
) -> str:
    """Route with the operator's description-only topic added; print what it gathers."""
    before = {"formula-1", "us-leagues", "tennis-golf", "rugby-cricket"}  # added by issue 11
    counts = []
    for beside, catalog_topics in (
        ("the starter topics", without_include(topics)),
        (
            "the 7 starter topics before issue 11",
            [t for t in without_include(topics) if t.slug not in before],
        ),
    ):
        big = route_all(rows, [*catalog_topics, BIG_GAMES], embedder, settings)
        caught = sorted(url for url in sports if BIG_GAMES.slug in big.get(url, frozenset()))
        by_group: dict[str, int] = {}
        for url in caught:
            by_group[groups[url]] = by_group.get(groups[url], 0) + 1
        others = sum(1 for url in big if BIG_GAMES.slug in big[url] and url not in sports)
        print(
            f"\n'The Big Games' (description only, {rule}) beside {beside}: {len(caught)} of "
            f"{len(sports)} sports articles, {len(by_group)} query groups; {others} from other "
            "corpora"
        )
        for group, count in sorted(by_group.items(), key=lambda item: (-item[1], item[0])):
            print(f"  {count:>3} {group}")
        counts.append(f"{len(caught)}/{len(sports)}")
    return " (7 topics: ".join(counts) + ")"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default=Settings().embed.model)
    parser.add_argument(
        "--held-out",
        default=HELD_OUT,
        choices=CORPORA,
        help="corpus kept out of the model's routing calibration (MiniLM: crypto, USE: sports)",
    )
    args = parser.parse_args()
    model, held_out = args.model, args.held_out
    gold = read_gold(CORPUS / "topic_gold.toml")
    groups = read_query_groups(CORPUS / name / "query_groups.jsonl" for name in CORPORA)
    corpus_urls = {
        name: set(read_query_groups([CORPUS / name / "query_groups.jsonl"])) for name in CORPORA
    }
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(db=f"sqlite:///{Path(folder) / 'routing.db'}")
        store = SqlStore.open(settings.db)
        store.migrate()
        catalog = load_catalog()
        store.save_catalog(catalog)
        embedder = create_embedder(model)
        for name in CORPORA:
            ingest_corpus(store, CORPUS / name / "articles.jsonl", now=NOW, settings=settings)
        with timed() as enrich:
            enriched = enrich_pending(store, embedder)
        report(f"embed ({embedder.name})", enriched, enrich.seconds, "articles")
        rows = store.pending_routing(100_000)
        store.close()
    topics = list(catalog.topics)
    slugs = [topic.slug for topic in topics]
    phrases = Settings(embed=EmbedSettings(model=model)).route  # the model's calibration
    margin_only = phrases.model_copy(update={"vertical_lift": None})
    with_facets = phrases.model_copy(update={"facet_phrases": True})
    rules = {RULE: phrases, MARGIN_ONLY: margin_only}
    with timed() as routing:
        runs = {
            "today, include lists": route_all(rows, topics, embedder, TODAY),
            "today, no include lists": route_all(rows, without_include(topics), embedder, TODAY),
        }
        for rule, rule_settings in rules.items():
            runs[f"{rule}, include lists"] = route_all(rows, topics, embedder, rule_settings)
            runs[f"{rule}, no include lists"] = route_all(
                rows, without_include(topics), embedder, rule_settings
            )
        runs["phrases + facets, no include lists"] = route_all(
            rows, without_include(topics), embedder, with_facets
        )
    report(f"route: {len(runs)} configurations", len(runs) * len(rows), routing.seconds, "articles")
    reference = runs["today, include lists"]
    totals: dict[tuple[str, str], tuple[float, float]] = {}
    for part, urls in (
        (
            "tuned on " + " + ".join(name for name in CORPORA if name != held_out),
            {url for name in CORPORA if name != held_out for url in corpus_urls[name]},
        ),
        (f"held out: {held_out}", corpus_urls[held_out]),
        ("all three corpora", set(groups)),
    ):
        print(f"\n==== {part}")
        for name, routes in runs.items():
            totals[part, name] = print_scores(
                name, subset(routes, urls), subset(reference, urls), groups, gold, slugs
            )
        (ref_recall, ref_precision) = totals[part, "today, include lists"]
        for rule in rules:
            (recall, precision) = totals[part, f"{rule}, no include lists"]
            verdict = (
                "meets"
                if recall >= RECALL_SHARE_FLOOR * ref_recall and precision >= ref_precision
                else "MISSES"
            )
            print(
                f"  floor ({part}, {rule}): no include lists recall {recall:.3f} = "
                f"{recall / ref_recall:.3f} of the include-list routing's {ref_recall:.3f} "
                f"(floor {RECALL_SHARE_FLOOR}), precision {precision:.3f} vs "
                f"{ref_precision:.3f}: {verdict}"
            )
    sports = corpus_urls["sports"]
    big_games = {
        rule: print_big_games(rule, rows, topics, embedder, rule_settings, groups, sports)
        for rule, rule_settings in rules.items()
    }
    parts = list(dict.fromkeys(part for part, _ in totals))
    print(f"\n==== {RULE} (with the vertical lift) vs {MARGIN_ONLY}, no include lists")
    print(f"  {'rule':<22} " + " ".join(f"{part:>26}" for part in parts) + "  Big Games")
    for rule in rules:
        cells = [
            f"R {totals[part, f'{rule}, no include lists'][0]:.3f} "
            f"P {totals[part, f'{rule}, no include lists'][1]:.3f}"
            for part in parts
        ]
        print(f"  {rule:<22} " + " ".join(f"{c:>26}" for c in cells) + f"  {big_games[rule]}")


if __name__ == "__main__":
    main()
