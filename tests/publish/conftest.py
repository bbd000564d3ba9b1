"""A tiny in-memory ``SiteStore`` with one realistic briefing, hostile sources included."""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Iterable, Sequence
from typing import Any

import pytest

from newspulse.domain import (
    Briefing,
    Bullet,
    EventSummary,
    Section,
    SourceRef,
    Statement,
    Topic,
    Verification,
    Vertical,
)
from newspulse.store.base import (
    ArticleRef,
    Correction,
    EventDetail,
    SearchResults,
    SourceRecord,
    StoredVersion,
    VersionSummary,
)

NOW = dt.datetime(2026, 2, 27, 9, 30, tzinfo=dt.UTC)
HOSTILE_TITLE = "<script>alert(1)</script> Chipmaker shares jump"
HOSTILE_URL = "javascript:alert(1)"

AI = Vertical("ai", "AI", "Artificial intelligence: the companies, chips, models and money.")
CRYPTO = Vertical("crypto", "Crypto", "Digital assets & their <regulators>.")
INFRA = Topic(
    slug="ai-infrastructure-funding",
    vertical="ai",
    title="AI Infrastructure & Funding",
    tagline="Hardware, data centers, supply chains, and investment driving AI scale",
    description="Chips, memory, data centers and the money behind them.",
)
MODELS = Topic(
    slug="ai-models-labs",
    vertical="ai",
    title="AI Models & Labs",
    tagline="Frontier labs, model releases, products and the race between them",
    description="Model releases.",
)
MARKETS = Topic(
    slug="crypto-markets",
    vertical="crypto",
    title="Crypto Markets",
    tagline="Prices, flows and exchanges",
    description="Markets.",
)


def make_briefing() -> Briefing:
    sources = (
        SourceRef(
            id="a101",
            url="https://www.reuters.com/tech/etched-raises-500-million-2026-02-24/",
            title="Etched raises $500 million as AI chip startups draw record funding",
            source="Reuters",
            published_at=dt.datetime(2026, 2, 24, 13, 5, tzinfo=dt.UTC),
            event_id=7,
        ),
        SourceRef(
            id="a102",
            url="https://www.bloomberg.com/news/articles/2026-02-24/etched-funding",
            title="Chip Startup Etched Is Said to Raise Funds at $5 Billion Value",
            source="Bloomberg",
            published_at=dt.datetime(2026, 2, 24, 15, 40, tzinfo=dt.UTC),
            event_id=7,
        ),
        SourceRef(
            id="a103",
            url=HOSTILE_URL,
            title=HOSTILE_TITLE,
            source="Evil <b>Outlet</b>",
            published_at=dt.datetime(2026, 2, 25, 0, 0, tzinfo=dt.UTC),
            event_id=None,
            date_estimated=True,
        ),
        SourceRef(
            id="a104",
            url="https://www.ft.com/content/hbm-shortage",
            title="Memory makers warn HBM shortage will last into 2027",
            source="Financial Times",
            published_at=dt.datetime(2026, 2, 26, 8, 0, tzinfo=dt.UTC),
            event_id=9,
        ),
    )
    sections = (
        Section(
            title="Funding for challengers to the incumbent GPU makers",
            intro=(Statement("Investors kept backing custom AI silicon.", ("a101",)),),
            bullets=(
                Bullet(
                    "Etched raised $500 million at a $5 billion valuation.",
                    ("a101", "a102"),
                    children=(
                        Bullet(
                            "It plans to ship its first chip in 2027.",
                            ("a102",),
                            as_of=dt.date(2026, 2, 24),
                        ),
                    ),
                    event_id=7,
                ),
            ),
            publisher_count=2,
            newest=dt.date(2026, 2, 24),
        ),
        Section(
            title="Memory and storage supply",
            intro=(Statement("HBM stays scarce.", ("a104",)),),
            bullets=(
                Bullet("HBM supply is sold out through 2026.", ("a104",), event_id=9),
                Bullet(HOSTILE_TITLE, ("a103",)),
            ),
            publisher_count=1,
            newest=dt.date(2026, 2, 26),
        ),
    )
    return Briefing(
        topic=INFRA,
        updated_at=dt.datetime(2026, 2, 26, 14, 5, tzinfo=dt.UTC),
        headline="Chip Startups Draw Record Funding as Memory Shortages Bite",
        lead=(
            Statement("Etched raised $500 million.", ("a101", "a102")),
            Statement("Memory makers said HBM stays short into 2027.", ("a104",)),
        ),
        sections=sections,
        notable=(Bullet("Memory makers warned of an HBM shortage into 2027.", ("a104",)),),
        implications=(Bullet("Chip buyers face higher memory prices in 2026.", ("a104",)),),
        summary=(Statement("Money flowed to chip startups while memory stayed tight.", ("a101",)),),
        sources=sources,
        event_ids=(7, 9),
        verification=Verification(statements=9, cited=9, supported=8, withheld=("x",)),
        version=3,
    )


class FakeSiteStore:
    """Holds verticals, topics and one briefing document per topic in memory (its only
    version); counts briefing reads.  Everything else of the page seam reads as empty,
    except what a test puts in ``corrections``, ``passages`` and ``copies``."""

    def __init__(
        self,
        verticals: list[Vertical],
        topics: list[Topic],
        briefings: dict[str, dict[str, Any]],
    ) -> None:
        self.verticals = verticals
        self.topics = topics
        self.briefings = briefings
        self.briefing_reads = 0
        self.stamps = 0
        self.corrections: dict[str, list[Correction]] = {}
        self.passages: dict[tuple[str, str], str] = {}
        self.copies: dict[str, list[ArticleRef]] = {}

    def list_verticals(self) -> list[Vertical]:
        return list(self.verticals)

    def list_topics(self) -> list[Topic]:
        return list(self.topics)

    def latest_briefing(self, topic_slug: str) -> dict[str, Any] | None:
        self.briefing_reads += 1
        return self.briefings.get(topic_slug)

    def content_stamp(self) -> Hashable:
        """Never the same twice: tests change the documents in place between requests."""
        self.stamps += 1
        return self.stamps

    def latest_version(self, topic: str) -> StoredVersion | None:
        document = self.latest_briefing(topic)
        if document is None:
            return None
        return StoredVersion(
            id=1,
            topic=topic,
            version=int(document.get("version") or 1),
            created_at=dt.datetime.fromisoformat(document.get("updated_at") or NOW.isoformat()),
            fingerprint="",
            document=document,
        )

    def get_version(self, topic: str, version: int) -> StoredVersion | None:
        found = self.latest_version(topic)
        return found if found is not None and found.version == version else None

    def list_versions(
        self, topic: str, *, limit: int | None = None, offset: int = 0
    ) -> list[VersionSummary]:
        found = self.briefings.get(topic)
        if found is None or offset > 0 or limit == 0:
            return []
        created = dt.datetime.fromisoformat(found.get("updated_at") or NOW.isoformat())
        return [
            VersionSummary(
                topic=topic,
                version=int(found.get("version") or 1),
                created_at=created,
                headline=str(found.get("headline", "")),
                writer=str(found.get("writer", "extractive")),
                diff=dict(found.get("changes") or {}),
            )
        ]

    def count_versions(self, topic: str) -> int:
        return 1 if topic in self.briefings else 0

    def list_corrections(self, topic: str) -> list[Correction]:
        return list(self.corrections.get(topic, []))

    def event_successor(self, event_id: int) -> int | None:
        return None

    def citation_passages(self, version_id: int) -> dict[tuple[str, str], str]:
        return dict(self.passages)

    def article_copies(self, uids: Iterable[str]) -> dict[str, list[ArticleRef]]:
        return {uid: self.copies[uid] for uid in uids if uid in self.copies}

    def get_event(self, event_id: int) -> EventDetail | None:
        return None

    def article_texts(self, ids: Iterable[int]) -> dict[int, str]:
        return {}

    # The record reads below keep none: whatever the filters, they find nothing.
    def list_events(self, **filters: object) -> list[EventSummary]:
        return []

    def count_events(self, **filters: object) -> int:
        return 0

    def get_article(self, article_id: int) -> ArticleRef | None:
        return None

    def list_articles(self, **filters: object) -> list[ArticleRef]:
        return []

    def count_articles(self, **filters: object) -> int:
        return 0

    def list_sources(self, *, kinds: Sequence[str] = ("feed", "site")) -> list[SourceRecord]:
        return []

    def search(self, query: str, **filters: object) -> SearchResults:
        return SearchResults(total=0, hits=())


@pytest.fixture
def document() -> dict[str, Any]:
    return make_briefing().to_json()


@pytest.fixture
def store(document: dict[str, Any]) -> FakeSiteStore:
    return FakeSiteStore([AI, CRYPTO], [INFRA, MODELS, MARKETS], {INFRA.slug: document})
