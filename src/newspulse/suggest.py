"""Topic suggestions from the articles no topic claimed (``newspulse topics suggest``).

Unrouted articles are kept and clustered like all others; their events, grouped
by similarity and named from their own words (the writer's theme naming), are
offered to the operator as candidate topics, with a ready-to-paste
``topics.toml`` entry.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from newspulse.domain import Article, EventSummary
from newspulse.write.plan import article_texts
from newspulse.write.themes import group_events, name_themes

MAX_EXAMPLES = 3
SLUG_JUNK = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True, slots=True)
class TopicSuggestion:
    title: str
    slug: str
    events: int
    articles: int
    sources: int
    examples: tuple[str, ...]
    terms: tuple[str, ...]

    def to_toml(self, vertical: str) -> str:
        """A ``[[topics]]`` entry to paste into topics.toml (JSON strings are TOML strings)."""
        fields = {
            "slug": self.slug,
            "vertical": vertical,
            "title": self.title,
            "tagline": self.title,
            "description": "Stories like: " + "; ".join(self.examples),
        }
        lines = [f"{key} = {json.dumps(value)}" for key, value in fields.items()]
        lines.append(f"include = {json.dumps(list(self.terms))}")
        return "[[topics]]\n" + "\n".join(lines) + "\n"


def suggest_topics(
    events: Sequence[EventSummary],
    articles: Mapping[int, Article],
    *,
    max_suggestions: int = 5,
    min_sources: int = 2,
) -> list[TopicSuggestion]:
    """Group unclaimed events that several outlets covered into named candidate topics."""
    covered = [e for e in events if e.source_count >= min_sources]
    if not covered:
        return []
    groups = group_events(covered, min(max_suggestions, len(covered)))
    texts = [[text for e in group for text in article_texts(e, articles)] for group in groups]
    titles = name_themes(texts)
    suggestions = [
        suggestion(title, group, articles) for title, group in zip(titles, groups, strict=True)
    ]
    return sorted(suggestions, key=lambda s: (-s.sources, -s.articles, s.title))


def suggestion(
    title: str, group: Sequence[EventSummary], articles: Mapping[int, Article]
) -> TopicSuggestion:
    members = [articles[a] for e in group for a in e.article_ids if a in articles]
    headlines = [a.title for a in members if not a.title_derived] or [a.title for a in members]
    return TopicSuggestion(
        title=title,
        slug=SLUG_JUNK.sub("-", title.lower()).strip("-")[:60],
        events=len(group),
        articles=len(members),
        sources=len({a.source for a in members}),
        examples=tuple(dict.fromkeys(headlines))[:MAX_EXAMPLES],
        terms=tuple(part.strip() for part in re.split(r",| and ", title) if part.strip()),
    )
