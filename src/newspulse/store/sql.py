"""The store on SQLAlchemy Core: every operation a stage calls, one transaction per batch.

Stages never see SQL: they get and give the plain records of ``newspulse.domain``
and ``store.base``.  Methods named ``pending_*`` return the work a stage has
not done yet, so each stage is an idempotent unit of work over stored data and
a crashed run is finished by running it again.  Operations live in one mixin
per table group (``catalog_rows``, ``article_rows``, ``event_rows``,
``briefing_rows``, ``source_rows``, ``correction_rows``, ``search_rows``, ``claim_rows``,
``fetch_rows``, ``vertical_rows``, ``pace_rows``); this module opens, migrates and checks
the database.
"""

from __future__ import annotations

from alembic.migration import MigrationContext
from alembic.util import CommandError
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from newspulse.errors import StoreError
from newspulse.store import tables as t
from newspulse.store.article_rows import ArticleRows
from newspulse.store.briefing_rows import BriefingRows
from newspulse.store.catalog_rows import CatalogRows
from newspulse.store.claim_rows import ClaimRows
from newspulse.store.correction_rows import CorrectionRows
from newspulse.store.engine import create_store_engine
from newspulse.store.event_rows import EventRows
from newspulse.store.fetch_rows import FetchRows
from newspulse.store.migrate import head_revision, upgrade_to_head
from newspulse.store.pace_rows import PaceRows
from newspulse.store.search_rows import SearchRows
from newspulse.store.source_rows import SourceRows
from newspulse.store.vertical_rows import VerticalRows


class SqlStore(
    CatalogRows,
    SourceRows,
    ArticleRows,
    EventRows,
    BriefingRows,
    CorrectionRows,
    SearchRows,
    ClaimRows,
    FetchRows,
    VerticalRows,
    PaceRows,
):
    """All persistence of NewsPulse behind plain-data methods."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def open(cls, url: str) -> SqlStore:
        return cls(create_store_engine(url))

    def migrate(self) -> None:
        try:
            upgrade_to_head(self.engine)
        except (SQLAlchemyError, CommandError) as exc:
            raise StoreError("cannot create or upgrade the database", self.url) from exc

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    def check_ready(self) -> None:
        """Fail clearly when the database is unreachable, never initialised or out of date."""
        try:
            with self.engine.connect() as connection:
                current = MigrationContext.configure(connection).get_current_revision()
        except OperationalError as exc:
            raise StoreError("cannot connect to the database", self.url) from exc
        except SQLAlchemyError as exc:
            raise StoreError("cannot read the database", self.url) from exc
        if current is None:
            raise StoreError("database is not initialised; run `newspulse init` first", self.url)
        if current != head_revision(self.engine):
            raise StoreError(
                f"database schema is at revision {current}; run `newspulse init` to upgrade",
                self.url,
            )

    def close(self) -> None:
        self.engine.dispose()

    def content_stamp(self) -> tuple[int | None, ...]:
        """The newest version, correction and article ids and the topic count: what a
        briefing page shows changes only with one of these (``publish.page_cache``)."""
        stamp = select(
            select(func.max(t.briefing_versions.c.id)).scalar_subquery(),
            select(func.max(t.corrections.c.id)).scalar_subquery(),
            select(func.max(t.articles.c.id)).scalar_subquery(),
            select(func.count()).select_from(t.topics).scalar_subquery(),
        )
        with self.reading() as connection:
            return tuple(connection.execute(stamp).one())

    def counts(self) -> dict[str, int]:
        """Row counts per table, for status output and tests."""
        names = ("articles", "events", "article_topics", "briefing_versions", "citations")
        with self.reading() as connection:
            return {
                name: connection.execute(
                    select(func.count()).select_from(t.metadata.tables[name])
                ).scalar_one()
                for name in names
            }
