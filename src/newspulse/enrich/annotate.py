"""Enrichment of a batch of articles: one embedding call, then names and figures per article,
and the key facts clustering compares (extracted here once, stored, reused by cluster)."""

from __future__ import annotations

from collections.abc import Sequence

from newspulse.calibration import embed_chars
from newspulse.cluster.similarity import fact_keys
from newspulse.domain import Article, Enrichment
from newspulse.enrich.embed import Embedder
from newspulse.text.figures import find_figures
from newspulse.text.names import find_names

MAX_NAMES = 40


def embed_text(article: Article, model: str) -> str:
    """Title + as much of the opening text as ``model`` reads (``calibration.embed_chars``).

    600 characters (``Article.lead``) for MiniLM, which truncates beyond; USE averages over
    all it is given and separates events better from 2,000 (docs/encoders.md).
    """
    return f"{article.title}. {article.text[: embed_chars(model)]}"


def enrich_articles(articles: Sequence[Article], embedder: Embedder) -> list[Enrichment]:
    """Embed title + lead (stack.md: whole articles cost 7x more for little gain)."""
    vectors = embedder.embed([embed_text(article, embedder.name) for article in articles])
    return [
        Enrichment(
            article_id=article.id,
            embedding=vector,
            model=embedder.name,
            entities=tuple(find_names(f"{article.title}. {article.text}")[:MAX_NAMES]),
            figures=tuple(find_figures(article.text)),
            fact_keys=fact_keys(article),
        )
        for article, vector in zip(articles, vectors, strict=True)
    ]
