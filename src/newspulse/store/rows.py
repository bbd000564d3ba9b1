"""The base every table-group mixin of the store shares: an engine to talk to, and the
unit of work that lets several store calls commit (or vanish) together."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from contextvars import ContextVar
from typing import TypeVar

from sqlalchemy import Connection, Engine

T = TypeVar("T")
# Values per ``IN (...)`` list of the article reads: well under SQLite's parameter limit.
IN_CHUNK = 500

# The open unit of work of this thread or task: (its engine, its connection).
ACTIVE_UNIT: ContextVar[tuple[Engine, Connection] | None] = ContextVar(
    "newspulse_store_unit_of_work", default=None
)


class StoreRows:
    """Owns the engine; each ``*_rows`` module adds the operations of one table group.

    Operations open connections through :meth:`transaction` and :meth:`reading`, so that
    inside :meth:`unit_of_work` they all share one transaction: a crash between two of
    them leaves neither's writes behind (a clustering batch and its maintenance pass)."""

    engine: Engine

    @contextmanager
    def unit_of_work(self) -> Iterator[None]:
        """Every store call in the block runs in one transaction, committed at its end
        and rolled back if it raises; nested blocks join the outer one."""
        if self.active_connection() is not None:
            yield
            return
        with self.engine.begin() as connection:
            token = ACTIVE_UNIT.set((self.engine, connection))
            try:
                yield
            finally:
                ACTIVE_UNIT.reset(token)

    def active_connection(self) -> Connection | None:
        """The connection of this store's open unit of work, if one is open here."""
        active = ACTIVE_UNIT.get()
        if active is not None and active[0] is self.engine:
            return active[1]
        return None

    def transaction(self) -> AbstractContextManager[Connection]:
        """A connection whose writes commit at the block's end (or with the unit of work)."""
        connection = self.active_connection()
        return nullcontext(connection) if connection is not None else self.engine.begin()

    def reading(self) -> AbstractContextManager[Connection]:
        """A connection for reads; inside a unit of work it sees the unit's own writes."""
        connection = self.active_connection()
        return nullcontext(connection) if connection is not None else self.engine.connect()


def in_chunks(values: Sequence[T], size: int = IN_CHUNK) -> Iterator[Sequence[T]]:
    """``values`` in runs of ``size``: one ``IN (...)`` list each."""
    for start in range(0, len(values), size):
        yield values[start : start + size]
