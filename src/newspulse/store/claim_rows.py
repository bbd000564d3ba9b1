"""Claims with leases on pending work, so any number of workers can share a step.

A claim is a row (step, item, worker, lease_until) in ``work_claims``.  ``claim`` takes
up to ``limit`` pending items that no live claim holds; on PostgreSQL the candidates are
read ``FOR UPDATE SKIP LOCKED`` so concurrent claimers pass each other instead of
queueing, and the claim itself is an ``INSERT ... ON CONFLICT DO NOTHING RETURNING`` on
the claims' primary key, so two claimers can never both get an item, whatever their
snapshots saw.  SQLite (one process, laptop mode) takes the same path in one
transaction.  A claim ends when its work is done (``release``) or when its lease lapses
(the worker crashed): the item is then pending and unclaimed again.  Only ``claim_ids``
with ``retake`` lets a worker take back what it holds itself, so a restarted in-process
run is not locked out of its own work until the lease ends; the threads of one worker
process never share an item.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Table, delete, exists, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from newspulse.store import tables as t
from newspulse.store.base import as_utc
from newspulse.store.rows import StoreRows


@dataclass(frozen=True, slots=True)
class PendingWork:
    """Where a step's pending items live and in which order they are handed out."""

    table: Table
    pending: ColumnElement[bool]
    order: tuple[Any, ...]


_articles = t.articles.c
_original = _articles.duplicate_of.is_(None)
PENDING: dict[str, PendingWork] = {
    # Copies too: source lists show their language.
    "language": PendingWork(t.articles, _articles.language.is_(None), (_articles.id,)),
    "enrich": PendingWork(t.articles, _articles.embedding.is_(None) & _original, (_articles.id,)),
    "route": PendingWork(
        t.articles,
        _articles.routed_at.is_(None) & _articles.embedding.is_not(None) & _original,
        (_articles.published_at, _articles.id),
    ),
    "fetch": PendingWork(
        t.pending_fetches,
        t.pending_fetches.c.id.is_not(None),
        (
            t.pending_fetches.c.published_at.desc().nulls_last(),
            t.pending_fetches.c.url,
        ),
    ),
}


class UnknownStepError(ValueError):
    """``claim`` was asked for a step that has no per-item pending work."""


class ClaimRows(StoreRows):
    def claim(
        self,
        step: str,
        *,
        worker: str,
        limit: int,
        lease: dt.timedelta,
        now: dt.datetime,
        source_id: int | None = None,
    ) -> list[int]:
        """Claim up to ``limit`` pending items of ``step`` (ids, in the step's order).

        ``source_id`` narrows a ``fetch`` claim to one source's items.
        """
        work = PENDING.get(step)
        if work is None:
            raise UnknownStepError(f"no pending work is defined for step {step!r}")
        item = work.table.c.id
        held = exists().where(
            t.work_claims.c.step == step,
            t.work_claims.c.item_id == item,
            t.work_claims.c.lease_until > now,
        )
        query = select(item).where(work.pending, ~held).order_by(*work.order).limit(limit)
        if source_id is not None:
            query = query.where(work.table.c.source_id == source_id)
        with self.transaction() as connection:
            if connection.dialect.name == "postgresql":
                query = query.with_for_update(skip_locked=True, of=work.table)
            ids = list(connection.execute(query).scalars())
            return take(connection, step, ids, worker=worker, lease=lease, now=now)

    def claim_ids(
        self,
        step: str,
        ids: Sequence[int],
        *,
        worker: str,
        lease: dt.timedelta,
        now: dt.datetime,
        retake: bool = False,
    ) -> list[int]:
        """Claim the named items of ``step``; returns those that were free (in order).

        ``retake``: claims that ``worker`` itself still holds count as free (a restarted
        in-process run, whose name is stable, takes back its own at once).
        """
        with self.transaction() as connection:
            return take(
                connection, step, list(ids), worker=worker, lease=lease, now=now, retake=retake
            )

    def renew(
        self,
        step: str,
        ids: Sequence[int],
        *,
        worker: str,
        lease: dt.timedelta,
        now: dt.datetime,
    ) -> int:
        """Extend ``worker``'s claims on ``ids``; how many it still held."""
        c = t.work_claims.c
        with self.transaction() as connection:
            result = connection.execute(
                update(t.work_claims)
                .where(c.step == step, c.item_id.in_(list(ids)), c.worker == worker)
                .values(lease_until=now + lease)
            )
        return int(result.rowcount)

    def release(self, step: str, ids: Sequence[int], *, worker: str) -> None:
        """Drop ``worker``'s claims on ``ids`` (their work is done, or given back)."""
        c = t.work_claims.c
        with self.transaction() as connection:
            connection.execute(
                delete(t.work_claims).where(
                    c.step == step, c.item_id.in_(list(ids)), c.worker == worker
                )
            )

    def claimable(self, step: str, now: dt.datetime) -> bool:
        """Whether ``step`` has a pending item that no live claim holds."""
        work = PENDING[step]
        item = work.table.c.id
        held = exists().where(
            t.work_claims.c.step == step,
            t.work_claims.c.item_id == item,
            t.work_claims.c.lease_until > now,
        )
        query = select(item).where(work.pending, ~held).limit(1)
        with self.reading() as connection:
            return connection.execute(query).first() is not None

    def live_claims(self, step: str, now: dt.datetime) -> dict[int, str]:
        """Items of ``step`` under a live claim, and who holds each."""
        c = t.work_claims.c
        query = select(c.item_id, c.worker).where(c.step == step, c.lease_until > now)
        with self.reading() as connection:
            return {item: worker for item, worker in connection.execute(query)}

    def oldest_claim(self, now: dt.datetime) -> dt.timedelta | None:
        """How long the oldest live claim has been held (a stuck worker shows here)."""
        c = t.work_claims.c
        with self.reading() as connection:
            first = connection.execute(
                select(c.claimed_at).where(c.lease_until > now).order_by(c.claimed_at).limit(1)
            ).scalar()
        if first is None:
            return None
        held: dt.timedelta = now - as_utc(first)
        return held


def take(
    connection: Connection,
    step: str,
    ids: list[int],
    *,
    worker: str,
    lease: dt.timedelta,
    now: dt.datetime,
    retake: bool = False,
) -> list[int]:
    """Insert claims on ``ids`` in ``connection``'s transaction; the ids that were free."""
    if not ids:
        return []
    c = t.work_claims.c
    free = or_(c.lease_until <= now, c.worker == worker) if retake else c.lease_until <= now
    connection.execute(delete(t.work_claims).where(c.step == step, c.item_id.in_(ids), free))
    insert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
    statement = (
        insert(t.work_claims)
        .values(
            [
                {
                    "step": step,
                    "item_id": item,
                    "worker": worker,
                    "lease_until": now + lease,
                    "claimed_at": now,
                }
                for item in ids
            ]
        )
        .on_conflict_do_nothing(index_elements=["step", "item_id"])
        .returning(c.item_id)
    )
    got = set(connection.execute(statement).scalars())
    if step == "fetch" and got:
        fetches = t.pending_fetches.c
        connection.execute(
            update(t.pending_fetches)
            .where(fetches.id.in_(sorted(got)))
            .values(attempts=fetches.attempts + 1)
        )
    return [item for item in ids if item in got]
