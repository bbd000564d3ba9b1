"""A topic's prose language: which articles the writer may quote, and the rest as coverage.

A page is written in one language (``Topic.language``).  Its sentences come only from
articles in that language; an event's articles in other languages still count as
coverage of the story, so they are listed under Sources with their language (and
counted there), never quoted.  An article whose language is unknown (not yet read,
or too short to tell: "und") is not excluded, since only the evidence of another
language is a reason to leave a sentence out.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence

from newspulse.domain import Article, Briefing, EventSummary
from newspulse.text.language import UNDETERMINED
from newspulse.write.extractive import source_refs


def in_language(article: Article, language: str) -> bool:
    return article.language in (None, UNDETERMINED, language)


def prose_articles(articles: Mapping[int, Article], language: str) -> dict[int, Article]:
    """The articles the writer may quote for a page in ``language``."""
    return {
        article_id: article
        for article_id, article in articles.items()
        if in_language(article, language)
    }


def with_coverage(
    briefing: Briefing, events: Sequence[EventSummary], articles: Mapping[int, Article]
) -> Briefing:
    """The briefing's Sources rebuilt over every article of its events, any language."""
    by_id = {event.id: event for event in events}
    used = [by_id[event_id] for event_id in briefing.event_ids if event_id in by_id]
    return dataclasses.replace(briefing, sources=source_refs(used, articles))
