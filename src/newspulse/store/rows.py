"""The base every table-group mixin of the store shares: an engine to talk to."""

from __future__ import annotations

from sqlalchemy import Engine


class StoreRows:
    """Owns the engine; each ``*_rows`` module adds the operations of one table group."""

    engine: Engine
