"""Stage 5, route: which topics an article belongs to, with the reasons kept.

Score = cosine(article, topic profile) + a bonus per matched include term (at
most three).  An exclude term vetoes the topic.  Topics outside the best
match's vertical must score within a small margin of it.  An article may belong to
several topics; one that clears no threshold stays unrouted and is kept.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from newspulse.domain import Article, Topic, TopicMatch, Vector
from newspulse.settings import RouteSettings

MAX_TERM_BONUSES = 3


@dataclass(frozen=True, slots=True)
class TopicProfile:
    topic: Topic
    vector: Vector
    include: tuple[tuple[str, re.Pattern[str]], ...]
    exclude: tuple[tuple[str, re.Pattern[str]], ...]


def term_pattern(term: str) -> re.Pattern[str]:
    """Whole-word, case-insensitive match; all-caps terms (GPU, ETF) also match plurals."""
    suffix = "s?" if term.isupper() else ""
    return re.compile(rf"(?<!\w){re.escape(term)}{suffix}(?!\w)", re.IGNORECASE)


def build_profile(topic: Topic, vector: Vector) -> TopicProfile:
    return TopicProfile(
        topic=topic,
        vector=vector,
        include=tuple((term, term_pattern(term)) for term in topic.include),
        exclude=tuple((term, term_pattern(term)) for term in topic.exclude),
    )


def route_article(
    article: Article,
    vector: Vector,
    profiles: Sequence[TopicProfile],
    settings: RouteSettings,
) -> list[TopicMatch]:
    text = f"{article.title}\n{article.text}"
    matches: list[tuple[TopicMatch, str]] = []
    for profile in profiles:
        if any(pattern.search(text) for _, pattern in profile.exclude):
            continue
        similarity = float(np.dot(vector, profile.vector))
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
    return keep_close_matches(
        matches, same_vertical=settings.label_margin, other_vertical=settings.cross_vertical_margin
    )


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
