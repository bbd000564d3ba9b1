"""Sources and articles: inserting accepted entries and handing each stage its pending work."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Unpack

from sqlalchemy import func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from newspulse.domain import (
    Article,
    Enrichment,
    TopicMatch,
    Vector,
)
from newspulse.errors import StoreError
from newspulse.store import tables as t
from newspulse.store.article_records import (
    article_from_row,
    article_ref_from_row,
    article_ref_select,
    article_select,
)
from newspulse.store.base import ArticleFilters, ArticleRef, NewArticle
from newspulse.store.filters import article_filters
from newspulse.store.rows import StoreRows, in_chunks
from newspulse.store.vectors import blob_to_vector, vector_to_blob
from newspulse.store.vertical_rows import save_cluster_verticals


class ArticleRows(StoreRows):
    # --- sources and articles --------------------------------------------------------------

    def ensure_sources(
        self, names: Iterable[str], *, kind: str, now: dt.datetime
    ) -> dict[str, int]:
        """Source ids by name, creating missing ones (keyed by ``kind:name``, e.g. a corpus
        host name, so they never take over a registered feed of the same name)."""
        wanted = sorted(set(names))
        keys = {f"{kind}:{name}": name for name in wanted}
        with self.transaction() as connection:
            found = {
                keys[row.url]: row.id
                for row in connection.execute(
                    select(t.sources.c.id, t.sources.c.url).where(t.sources.c.url.in_(list(keys)))
                )
            }
            for name in wanted:
                if name not in found:
                    found[name] = connection.execute(
                        insert(t.sources).values(
                            url=f"{kind}:{name}",
                            kind=kind,
                            name=name,
                            vertical_hints=[],
                            consecutive_errors=0,
                            items_seen=0,
                            created_at=now,
                        )
                    ).inserted_primary_key[0]  # type: ignore[index]
        return found

    def stored_urls(self, urls: Sequence[str]) -> set[str]:
        """Those of ``urls`` already stored as an article's URL or canonical URL.

        A poll skips their pages: the item is known whatever canonical its page declared.
        """
        wanted = sorted(set(urls))
        if not wanted:
            return set()
        found: set[str] = set()
        with self.reading() as connection:
            for chunk in in_chunks(wanted):
                for column in (t.articles.c.url, t.articles.c.canonical_url):
                    rows = connection.execute(select(column).where(column.in_(chunk)))
                    found.update(row[0] for row in rows)
        return found & set(wanted)

    def find_exact(
        self, canonical_urls: Sequence[str], content_hashes: Sequence[str]
    ) -> tuple[dict[str, int], dict[str, int]]:
        """Existing article ids by canonical URL and by content hash (originals only)."""
        with self.reading() as connection:
            by_url = {
                row.canonical_url: row.id
                for row in connection.execute(
                    select(t.articles.c.id, t.articles.c.canonical_url).where(
                        t.articles.c.canonical_url.in_(list(canonical_urls))
                    )
                )
            }
            by_hash = {
                row.content_hash: row.id
                for row in connection.execute(
                    select(t.articles.c.id, t.articles.c.content_hash).where(
                        t.articles.c.content_hash.in_(list(content_hashes)),
                        t.articles.c.duplicate_of.is_(None),
                    )
                )
            }
        return by_url, by_hash

    def insert_articles(self, batch: Sequence[NewArticle], source_ids: dict[str, int]) -> list[int]:
        """Insert one batch of accepted articles in one transaction; returns ids in batch order."""
        ids_by_uid: dict[str, int] = {}
        inserted: list[NewArticle] = []
        with self.transaction() as connection:
            # A copy may name by uid an original that an earlier batch of the same ingest
            # call stored (the near-duplicate index keys that call's originals by uid).
            named = {item.duplicate_of_uid for item in batch} - {None} - {i.uid for i in batch}
            if named:
                found = connection.execute(
                    select(t.articles.c.uid, t.articles.c.id).where(t.articles.c.uid.in_(named))
                )
                ids_by_uid.update({uid: article_id for uid, article_id in found})
            # Originals first, so a copy of an article of the same batch can name its id.
            for item in sorted(batch, key=lambda new: new.is_copy):
                entry = item.dated.entry
                duplicate_of = item.duplicate_of
                if item.duplicate_of_uid is not None:
                    duplicate_of = ids_by_uid.get(item.duplicate_of_uid)
                    if duplicate_of is None:
                        raise StoreError(
                            f"copy names an original that is not stored: {item.duplicate_of_uid}",
                            entry.url,
                        )
                # A concurrent ingest (another worker's poll of a feed carrying the same
                # article) may have stored it first: keep that row, never a second one.
                stored = connection.execute(
                    insert_ignoring_conflicts(connection)(t.articles)
                    .values(
                        uid=item.uid,
                        url=entry.url,
                        canonical_url=item.dated.canonical_url,
                        source_id=source_ids.get(entry.source),
                        source_name=entry.source,
                        title=entry.title,
                        title_derived=entry.title_derived,
                        author=entry.author,
                        declared_language=entry.language,
                        summary=entry.summary,
                        text=entry.text,
                        published_at=item.dated.published_at,
                        date_source=item.dated.date_source.value,
                        fetched_at=item.dated.fetched_at,
                        content_hash=item.content_hash,
                        near_signature=item.near_signature,
                        duplicate_of=duplicate_of,
                    )
                    .on_conflict_do_nothing()
                    .returning(t.articles.c.id)
                ).scalar()
                if stored is None:
                    stored = connection.execute(
                        select(t.articles.c.id).where(
                            t.articles.c.canonical_url == item.dated.canonical_url
                        )
                    ).scalar_one()
                else:
                    inserted.append(item)
                ids_by_uid[item.uid] = stored
            counts: dict[int, int] = {}
            for item in inserted:
                source_id = source_ids.get(item.dated.entry.source)
                if source_id is not None:
                    counts[source_id] = counts.get(source_id, 0) + 1
            for source_id, count in counts.items():
                connection.execute(
                    update(t.sources)
                    .where(t.sources.c.id == source_id)
                    .values(items_seen=t.sources.c.items_seen + count)
                )
        return [ids_by_uid[item.uid] for item in batch]

    def recent_signatures(self, since: dt.datetime) -> list[tuple[int, bytes]]:
        """Near-duplicate signatures of originals published since ``since``, oldest first."""
        query = select(t.articles.c.id, t.articles.c.near_signature).where(
            t.articles.c.published_at >= since,
            t.articles.c.near_signature.is_not(None),
            t.articles.c.duplicate_of.is_(None),
        )
        # Sorted here, not by the query: ``ORDER BY id`` lets SQLite walk the whole table in
        # id order instead of reading the recent rows through the published_at index.
        with self.reading() as connection:
            return sorted((row.id, row.near_signature) for row in connection.execute(query))

    def article_routing(self, url: str) -> tuple[Article, list[TopicMatch]] | None:
        """An article (by URL or canonical URL) and why it is in each of its topics."""
        query = article_select().where(
            (t.articles.c.url == url) | (t.articles.c.canonical_url == url)
        )
        with self.reading() as connection:
            row = connection.execute(query).mappings().first()
            if row is None:
                return None
            matches = connection.execute(
                select(t.article_topics)
                .where(t.article_topics.c.article_id == row["id"])
                .order_by(t.article_topics.c.score.desc())
            ).mappings()
            return article_from_row(row), [
                TopicMatch(
                    article_id=m["article_id"],
                    topic=m["topic"],
                    score=m["score"],
                    similarity=m["similarity"],
                    matched_terms=tuple(m["matched_terms"]),
                )
                for m in matches
            ]

    def embedding_models(self) -> set[str]:
        """The models stored vectors came from (one, unless settings changed mid-life).

        Asked before every enrich batch and every briefing, so it must not read every
        article: each model is found by one step down ``ix_articles_embedding_model``
        (the next name after the previous one), a handful of index probes in all."""
        models: set[str] = set()
        column = t.articles.c.embedding_model
        with self.reading() as connection:
            previous: str | None = None
            while True:
                after = column.is_not(None) if previous is None else column > previous
                model = connection.execute(select(func.min(column)).where(after)).scalar()
                if model is None:
                    return models
                models.add(model)
                previous = model

    def pending_enrichment(self, limit: int) -> list[Article]:
        query = (
            article_select()
            .where(t.articles.c.embedding.is_(None), t.articles.c.duplicate_of.is_(None))
            .order_by(t.articles.c.id)
            .limit(limit)
        )
        with self.reading() as connection:
            return [article_from_row(row) for row in connection.execute(query).mappings()]

    def save_enrichments(self, enrichments: Sequence[Enrichment]) -> None:
        with self.transaction() as connection:
            for item in enrichments:
                connection.execute(
                    update(t.articles)
                    .where(t.articles.c.id == item.article_id)
                    .values(
                        embedding=vector_to_blob(item.embedding),
                        embedding_model=item.model,
                        entities=list(item.entities),
                        figures=[
                            {"kind": f.kind, "value": f.value, "unit": f.unit, "text": f.text}
                            for f in item.figures
                        ],
                        fact_keys=sorted(item.fact_keys),
                    )
                )

    def pending_language(self, limit: int) -> list[Article]:
        """Articles (copies too) whose language is still to be read, oldest id first."""
        query = (
            article_select()
            .where(t.articles.c.language.is_(None))
            .order_by(t.articles.c.id)
            .limit(limit)
        )
        with self.reading() as connection:
            return [article_from_row(row) for row in connection.execute(query).mappings()]

    def articles_to_read(self, ids: Sequence[int]) -> list[Article]:
        """The claimed ``ids`` whose language is still to be read, in id order."""
        query = (
            article_select()
            .where(t.articles.c.id.in_(list(ids)), t.articles.c.language.is_(None))
            .order_by(t.articles.c.id)
        )
        with self.reading() as connection:
            return [article_from_row(row) for row in connection.execute(query).mappings()]

    def articles_to_enrich(self, ids: Sequence[int]) -> list[Article]:
        """The claimed ``ids`` that still wait for enrichment, in id order."""
        query = (
            article_select()
            .where(t.articles.c.id.in_(list(ids)), t.articles.c.embedding.is_(None))
            .order_by(t.articles.c.id)
        )
        with self.reading() as connection:
            return [article_from_row(row) for row in connection.execute(query).mappings()]

    def save_languages(self, languages: Mapping[int, str]) -> None:
        with self.transaction() as connection:
            for article_id, language in sorted(languages.items()):
                connection.execute(
                    update(t.articles)
                    .where(t.articles.c.id == article_id)
                    .values(language=language)
                )

    def articles_to_route(self, ids: Sequence[int]) -> list[tuple[Article, Vector]]:
        """The claimed ``ids`` that still wait for routing, with their vectors."""
        condition = t.articles.c.id.in_(list(ids)) & t.articles.c.routed_at.is_(None)
        return self._with_vectors(condition, len(ids))

    def pending_routing(self, limit: int) -> list[tuple[Article, Vector]]:
        return self._with_vectors(t.articles.c.routed_at.is_(None), limit)

    def save_topic_matches(
        self, article_ids: Sequence[int], matches: Sequence[TopicMatch], now: dt.datetime
    ) -> None:
        """Replace the routing of ``article_ids`` (idempotent on rerun), and with it the
        vertical each is clustered in (``store.vertical_rows``)."""
        with self.transaction() as connection:
            connection.execute(
                t.article_topics.delete().where(t.article_topics.c.article_id.in_(article_ids))
            )
            for match in matches:
                connection.execute(
                    insert(t.article_topics).values(
                        article_id=match.article_id,
                        topic=match.topic,
                        score=match.score,
                        similarity=match.similarity,
                        matched_terms=list(match.matched_terms),
                    )
                )
            connection.execute(
                update(t.articles).where(t.articles.c.id.in_(article_ids)).values(routed_at=now)
            )
            save_cluster_verticals(connection, article_ids, matches)

    def pending_clustering(
        self, limit: int, vertical: str | None = None
    ) -> list[tuple[Article, Vector]]:
        """Enriched articles not yet in an event, oldest first (arrival order); only those
        clustered in ``vertical`` when given."""
        pending = t.articles.c.clustered_at.is_(None)
        if vertical is None:
            return self._with_vectors(pending, limit)
        return self._with_vectors(pending & (t.articles.c.cluster_vertical == vertical), limit)

    def _with_vectors(self, condition: Any, limit: int) -> list[tuple[Article, Vector]]:
        query = (
            article_select()
            .add_columns(t.articles.c.embedding)
            .where(
                condition,
                t.articles.c.embedding.is_not(None),
                t.articles.c.duplicate_of.is_(None),
            )
            .order_by(t.articles.c.published_at, t.articles.c.id)
            .limit(limit)
        )
        with self.reading() as connection:
            return [
                (article_from_row(row), blob_to_vector(row["embedding"]))
                for row in connection.execute(query).mappings()
            ]

    def articles_by_ids(self, ids: Iterable[int]) -> dict[int, Article]:
        wanted = sorted(set(ids))
        found: dict[int, Article] = {}
        with self.reading() as connection:
            for chunk in in_chunks(wanted):
                query = article_select().where(t.articles.c.id.in_(chunk))
                for row in connection.execute(query).mappings():
                    found[row["id"]] = article_from_row(row)
        return found

    def article_vectors(self, ids: Iterable[int]) -> dict[int, Vector]:
        """The stored vectors of ``ids`` (articles not yet embedded are left out)."""
        wanted = sorted(set(ids))
        found: dict[int, Vector] = {}
        with self.reading() as connection:
            for chunk in in_chunks(wanted):
                query = select(t.articles.c.id, t.articles.c.embedding).where(
                    t.articles.c.id.in_(chunk),
                    t.articles.c.embedding.is_not(None),
                )
                for row in connection.execute(query).mappings():
                    found[row["id"]] = blob_to_vector(row["embedding"])
        return found

    def article_figures(self, ids: Iterable[int]) -> dict[int, list[dict[str, Any]]]:
        wanted = sorted(set(ids))
        with self.reading() as connection:
            query = select(t.articles.c.id, t.articles.c.figures).where(t.articles.c.id.in_(wanted))
            return {row.id: list(row.figures or []) for row in connection.execute(query)}

    # --- reading (pages, API) ----------------------------------------------------------------

    def article_texts(self, ids: Iterable[int]) -> dict[int, str]:
        """The extracted bodies of ``ids``: what an event page reads its names from."""
        wanted = sorted(set(ids))
        found: dict[int, str] = {}
        with self.reading() as connection:
            for chunk in in_chunks(wanted):
                query = select(t.articles.c.id, t.articles.c.text).where(t.articles.c.id.in_(chunk))
                found.update((row.id, row.text or "") for row in connection.execute(query))
        return found

    def get_article(self, article_id: int) -> ArticleRef | None:
        query = article_ref_select().where(t.articles.c.id == article_id)
        with self.reading() as connection:
            row = connection.execute(query).mappings().first()
        return article_ref_from_row(row) if row is not None else None

    def citation_passages(self, version_id: int) -> dict[tuple[str, str], str]:
        """Supporting passages of one stored version by (statement path, article uid):
        what a citation card on the page quotes."""
        query = (
            select(t.citations.c.statement_path, t.articles.c.uid, t.citations.c.passage)
            .join(t.articles, t.articles.c.id == t.citations.c.article_id)
            .where(t.citations.c.version_id == version_id)
            .order_by(t.citations.c.id)
        )
        with self.reading() as connection:
            found: dict[tuple[str, str], str] = {}
            for path, uid, passage in connection.execute(query):
                found.setdefault((path, uid), passage)
            return found

    def article_copies(self, uids: Iterable[str]) -> dict[str, list[ArticleRef]]:
        """Syndicated copies of the articles named by ``uids``, by the original's uid,
        oldest first: what a source list folds under each original."""
        wanted = sorted(set(uids))
        original = t.articles.alias("original")
        found: dict[str, list[ArticleRef]] = {}
        with self.reading() as connection:
            for chunk in in_chunks(wanted):
                query = (
                    article_ref_select()
                    .add_columns(original.c.uid.label("original_uid"))
                    .join(original, original.c.id == t.articles.c.duplicate_of)
                    .where(original.c.uid.in_(chunk))
                    .order_by(t.articles.c.published_at, t.articles.c.id)
                )
                for row in connection.execute(query).mappings():
                    found.setdefault(row["original_uid"], []).append(article_ref_from_row(row))
        return found

    def list_articles(
        self, *, limit: int = 50, offset: int = 0, **filters: Unpack[ArticleFilters]
    ) -> list[ArticleRef]:
        """Articles, newest first; topic and vertical filters keep those routed there."""
        conditions = article_filters(filters)
        query = (
            article_ref_select()
            .where(*conditions)
            .order_by(t.articles.c.published_at.desc(), t.articles.c.id.desc())
            .limit(limit)
            .offset(offset)
        )
        with self.reading() as connection:
            return [article_ref_from_row(row) for row in connection.execute(query).mappings()]

    def count_articles(self, **filters: Unpack[ArticleFilters]) -> int:
        conditions = article_filters(filters)
        query = select(func.count()).select_from(t.articles).where(*conditions)
        with self.reading() as connection:
            return int(connection.execute(query).scalar_one())


def insert_ignoring_conflicts(connection: Connection) -> Any:
    """The dialect's ``insert`` construct, which has ``on_conflict_do_nothing``."""
    return postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
