"""What the web process's ``/readyz`` and ``/metrics`` ask of the store."""

from __future__ import annotations

from typing import Protocol

from sqlalchemy import Engine

from newspulse.errors import NewsPulseError
from newspulse.ops.metrics import exposition, store_registry


class ProbedStore(Protocol):
    @property
    def engine(self) -> Engine: ...

    def check_ready(self) -> None: ...


class StoreProbe:
    """Readiness (reachable and migrated) and the store gauges of ``ops.metrics``."""

    def __init__(self, store: ProbedStore) -> None:
        self.store = store
        self.registry = store_registry(store.engine)

    def not_ready(self) -> str | None:
        """None when the store answers at the newest schema, else why not (no URL in it)."""
        try:
            self.store.check_ready()
        except NewsPulseError as exc:
            return exc.message
        return None

    def metrics(self) -> bytes:
        return exposition(self.registry)


def probe_for(store: object) -> StoreProbe | None:
    """A probe for a SQL store; None for stores that cannot say (test doubles)."""
    if isinstance(getattr(store, "engine", None), Engine) and hasattr(store, "check_ready"):
        return StoreProbe(store)  # type: ignore[arg-type]
    return None
