"""The language, enrich and route steps: read each stored article's language, embed it,
then match it to topics.

Each has a claim (``pending_*``) and a batch function; ``*_pending`` runs one of them
until nothing is left, as ``pipeline.steps`` does for a whole slice of steps.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import TypeVar

import numpy as np

from newspulse.domain import Article, Topic, Vector
from newspulse.enrich.annotate import enrich_articles
from newspulse.enrich.embed import Embedder
from newspulse.enrich.language import article_languages
from newspulse.errors import StoreError
from newspulse.pipeline.ingest import BATCH_SIZE
from newspulse.pipeline.ports import EnrichPort, LanguagePort, ModelPort, RoutePort
from newspulse.route import (
    TopicProfile,
    build_profile,
    profile_texts,
    route_article,
    vertical_profiles,
)
from newspulse.settings import RouteSettings, Settings

W = TypeVar("W")


def drain(claim: Callable[[int], Sequence[W]], run: Callable[[Sequence[W]], int], size: int) -> int:
    """Claim and run batches of ``size`` until the claim comes back empty; units run."""
    done = 0
    while batch := claim(size):
        done += run(batch)
    return done


def check_embedding_model(store: ModelPort, embedder: Embedder) -> None:
    """Vectors of two models live in different spaces: never mix them in one store."""
    others = store.embedding_models() - {embedder.name}
    if others:
        raise StoreError(
            f"stored articles were embedded with {sorted(others)} but this run uses "
            f"{embedder.name!r}; set embed.model back, or run `newspulse reembed`",
            store.url,
        )


def language_batch(store: LanguagePort, batch: Sequence[Article]) -> int:
    """Read the language of one claimed batch (copies too) from its words."""
    store.save_languages(article_languages(batch))
    return len(batch)


def enrich_batch(store: EnrichPort, embedder: Embedder, batch: Sequence[Article]) -> int:
    """Embed and annotate one claimed batch, saved in one transaction."""
    store.save_enrichments(enrich_articles(batch, embedder))
    return len(batch)


def enrich_pending(store: EnrichPort, embedder: Embedder, *, batch_size: int = BATCH_SIZE) -> int:
    """The language pass, then enrichment, each until nothing is left; articles enriched."""
    check_embedding_model(store, embedder)
    drain(store.pending_language, lambda batch: language_batch(store, batch), batch_size)
    return drain(
        store.pending_enrichment, lambda batch: enrich_batch(store, embedder, batch), batch_size
    )


def topic_profiles(
    topics: Sequence[Topic], embedder: Embedder, *, phrases: bool = True, facets: bool = False
) -> list[TopicProfile]:
    """Every topic's phrase vectors from one embedding call."""
    texts = [profile_texts(topic, phrases=phrases, facets=facets) for topic in topics]
    vectors = embedder.embed([text for group in texts for text in group])
    bounds = np.cumsum([0, *(len(group) for group in texts)])
    return [
        build_profile(topic, vectors[start:end])
        for topic, start, end in zip(topics, bounds[:-1], bounds[1:], strict=True)
    ]


def store_profiles(store: RoutePort, embedder: Embedder, settings: Settings) -> list[TopicProfile]:
    """The stored topics' profiles as the route settings ask for them."""
    return topic_profiles(
        store.list_topics(),
        embedder,
        phrases=settings.route.phrase_profiles,
        facets=settings.route.facet_phrases,
    )


def route_batch(
    store: RoutePort,
    batch: Sequence[tuple[Article, Vector]],
    profiles: Sequence[TopicProfile],
    *,
    now: dt.datetime,
    settings: RouteSettings,
) -> int:
    """Match one claimed batch to the topics; replaces their routing (idempotent)."""
    verticals = vertical_profiles(profiles)
    matches = [
        match
        for article, vector in batch
        for match in route_article(article, vector, profiles, settings, verticals)
    ]
    store.save_topic_matches([article.id for article, _ in batch], matches, now)
    return len(batch)


def route_pending(
    store: RoutePort,
    embedder: Embedder,
    *,
    now: dt.datetime,
    settings: Settings,
    batch_size: int = BATCH_SIZE,
) -> int:
    if not store.pending_routing(1):
        return 0  # a quiet poll cycle embeds nothing, not even the topic profiles
    profiles = store_profiles(store, embedder, settings)
    return drain(
        store.pending_routing,
        lambda batch: route_batch(store, batch, profiles, now=now, settings=settings.route),
        batch_size,
    )
