"""The enrich stage's language pass: each stored article's language, read from its words.

Enrich owns it, not ingest: ingest stays a quick store-what-arrived step (detection
costs about as much as storing an article), the stage that reads text for meaning
reads it for language too, and one query for rows whose language is still NULL covers
new articles, syndicated copies (never embedded, but listed as sources) and rows
stored before languages were (migration 0009) alike.
"""

from __future__ import annotations

from collections.abc import Sequence

from newspulse.domain import Article
from newspulse.text.language import detect_language


def article_languages(articles: Sequence[Article]) -> dict[int, str]:
    """Language code by article id; the feed's declared language only as a hint."""
    return {
        article.id: detect_language(article.title, article.text, article.declared_language)
        for article in articles
    }
