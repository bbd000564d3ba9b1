"""Stage 5, route: which topics an article belongs to, with the reasons kept.

A topic is represented by its phrases, not by one blurred profile: its title, its
tagline and each phrase of its description (split at top-level commas, semicolons and
sentence ends), every one prefixed with the title so a bare "valuations" stays about
this topic; its ``facets`` too when ``route.facet_phrases`` is on (off by default: the
page's themes reach into neighbouring topics, and on the tuning corpora they cost
routing precision, bench/bench_routing.py).  Similarity = the best cosine between the
article and any phrase, so a topic defined by its description alone gathers the
articles of each thing it names (issue 11, item 1).  Score = similarity + a bonus per
matched include term (at most three); an exclude term vetoes the topic; ``include``
and ``exclude`` are operator overrides, not needed for routing.  Topics outside the best
match's vertical must score within a small margin of it.  An article may belong to
several topics; one that clears no threshold stays unrouted and is kept.

Within the best match's vertical an article joins the near-ties of its best topic
(``label_margin``) and also every topic that it is squarely about: whose similarity
exceeds the article's similarity to the vertical's profile (the unit mean of its
topics' centroids) by ``route.vertical_lift``.  The near-tie margin alone starves a topic
whose articles fit a neighbour better: a broad description-only topic beside specific
ones, a specific topic beside a broad one that outscores it (World Series games and the
title-race topic; issues 10 and 11).  What all topics of a vertical share ("AI",
"sport") cancels out of the lift, so it rewards what is specific to the topic; it needs
no stored statistics: the profile comes from the catalog, so routing stays a pure
function of the article and the topics.

``route.phrase_profiles = false`` restores the single-profile routing (one vector of
title + tagline + description + include terms) for comparison.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from newspulse.domain import Article, Topic, TopicMatch, Vector
from newspulse.settings import RouteSettings

MAX_TERM_BONUSES = 3
MIN_PHRASE_CHARS = 3
PHRASE_BREAKS = frozenset(",;:.")
LEADING_CONJUNCTION = re.compile(r"^(?:and|or|as well as)\s+", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class TopicProfile:
    topic: Topic
    vectors: npt.NDArray[np.float32]  # one L2-normalised row per phrase
    include: tuple[tuple[str, re.Pattern[str]], ...]
    exclude: tuple[tuple[str, re.Pattern[str]], ...]

    def similarity(self, vector: Vector) -> float:
        """Cosine to the closest phrase of the topic."""
        return float(np.max(self.vectors @ vector))

    @property
    def centroid(self) -> npt.NDArray[np.float32]:
        """The unit mean of the topic's phrases: its share of its vertical's profile."""
        return unit_vector(self.vectors.mean(axis=0))


def unit_vector(vector: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    norm = float(np.linalg.norm(vector))
    return (vector / norm if norm > 0 else vector).astype(np.float32)


def vertical_profiles(profiles: Sequence[TopicProfile]) -> dict[str, Vector]:
    """Each vertical's profile: the unit mean of its topics' centroids (topics weigh
    equally, however many phrases they have)."""
    centroids: dict[str, list[npt.NDArray[np.float32]]] = {}
    for profile in profiles:
        centroids.setdefault(profile.topic.vertical, []).append(profile.centroid)
    return {
        vertical: unit_vector(np.mean(np.stack(members), axis=0))
        for vertical, members in centroids.items()
    }


def term_pattern(term: str) -> re.Pattern[str]:
    """Whole-word, case-insensitive match; all-caps terms (GPU, ETF) also match plurals."""
    suffix = "s?" if term.isupper() else ""
    return re.compile(rf"(?<!\w){re.escape(term)}{suffix}(?!\w)", re.IGNORECASE)


def split_phrases(text: str) -> list[str]:
    """Top-level phrases of a description: parenthesised lists stay with their phrase."""
    phrases: list[str] = []
    depth = 0
    current: list[str] = []
    for char in text:
        depth += (char == "(") - (char == ")")
        if depth <= 0 and char in PHRASE_BREAKS:
            phrases.append("".join(current))
            current = []
            depth = 0
        else:
            current.append(char)
    phrases.append("".join(current))
    cleaned = (LEADING_CONJUNCTION.sub("", " ".join(p.split())) for p in phrases)
    return [phrase for phrase in cleaned if len(phrase) >= MIN_PHRASE_CHARS]


def topic_facets(topic: Topic) -> tuple[str, ...]:
    """The operator's optional ``facets`` (read defensively: older catalogs lack them)."""
    facets = getattr(topic, "facets", ())
    return tuple(str(facet) for facet in facets if str(facet).strip())


def topic_phrases(topic: Topic, *, facets: bool = False) -> list[str]:
    """The texts embedded to represent a topic, each in the topic's context, deduplicated."""
    parts = [topic.tagline, *split_phrases(topic.description)]
    if facets:
        parts += topic_facets(topic)
    phrases = [topic.title, *(f"{topic.title}: {part}" for part in parts)]
    return list(dict.fromkeys(phrases))


def profile_texts(topic: Topic, *, phrases: bool, facets: bool = False) -> list[str]:
    """What to embed for ``topic``: its phrases, or the single whole-profile text."""
    return topic_phrases(topic, facets=facets) if phrases else [topic.profile_text]


def build_profile(topic: Topic, vectors: npt.NDArray[np.float32]) -> TopicProfile:
    """``vectors``: one per phrase (2-D), or a single profile vector (1-D)."""
    matrix = np.atleast_2d(np.asarray(vectors, dtype=np.float32))
    return TopicProfile(
        topic=topic,
        vectors=matrix,
        include=tuple((term, term_pattern(term)) for term in topic.include),
        exclude=tuple((term, term_pattern(term)) for term in topic.exclude),
    )


def route_article(
    article: Article,
    vector: Vector,
    profiles: Sequence[TopicProfile],
    settings: RouteSettings,
    verticals: Mapping[str, Vector] | None = None,
) -> list[TopicMatch]:
    """``verticals``: ``vertical_profiles(profiles)``, passed in by callers that route
    many articles against the same profiles (computed here when left out)."""
    text = f"{article.title}\n{article.text}"
    matches: list[tuple[TopicMatch, str]] = []
    for profile in profiles:
        if any(pattern.search(text) for _, pattern in profile.exclude):
            continue
        similarity = profile.similarity(vector)
        terms = tuple(term for term, pattern in profile.include if pattern.search(text))
        score = similarity + settings.term_bonus * min(len(terms), MAX_TERM_BONUSES)
        threshold = profile.topic.threshold
        if threshold is None:
            threshold = settings.threshold
        if score >= threshold:
            match = TopicMatch(
                article_id=article.id,
                topic=profile.topic.slug,
                score=round(score, 4),
                similarity=round(similarity, 4),
                matched_terms=terms,
            )
            matches.append((match, profile.topic.vertical))
    close = keep_close_matches(
        matches, same_vertical=settings.label_margin, other_vertical=settings.cross_vertical_margin
    )
    if settings.vertical_lift is None or not matches:
        return close
    if verticals is None:
        verticals = vertical_profiles(profiles)
    lifted = clear_of_vertical(matches, vector, verticals, settings.vertical_lift)
    return [match for match, _ in matches if match in close or match in lifted]


def keep_close_matches(
    matches: Sequence[tuple[TopicMatch, str]], *, same_vertical: float, other_vertical: float
) -> list[TopicMatch]:
    """Topics scoring nearly as well as the best one; a tighter margin across verticals.

    Multi-label, but only among near-ties: an ETF story scores well on a regulation
    topic too, yet belongs to the markets topic.  Generic words ("funding round",
    "valuation") otherwise pull a crypto funding story into an AI topic; a story truly
    about both still lands in both.
    """
    if not matches:
        return []
    best, best_vertical = max(matches, key=lambda pair: pair[0].score)
    return [
        match
        for match, vertical in matches
        if match.score
        >= best.score - (same_vertical if vertical == best_vertical else other_vertical)
    ]


def clear_of_vertical(
    matches: Sequence[tuple[TopicMatch, str]],
    vector: Vector,
    verticals: Mapping[str, Vector],
    min_lift: float,
) -> list[TopicMatch]:
    """Topics of the best match's vertical that score ``min_lift`` above the vertical's
    profile: squarely about the article even where a neighbour scores higher."""
    _, best_vertical = max(matches, key=lambda pair: pair[0].score)
    profile = verticals.get(best_vertical)
    if profile is None:
        return []
    baseline = float(profile @ vector)
    return [
        match
        for match, vertical in matches
        if vertical == best_vertical and match.similarity - baseline >= min_lift
    ]
