"""How far the pipeline's steps are, for progress bars: pending counts from the store."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, func, select
from sqlalchemy.pool import NullPool

from newspulse.ops.metrics import PENDING
from newspulse.ops.progress import Measure, Progress
from newspulse.store import tables as t


@contextmanager
def reader(engine: Engine) -> Iterator[Engine]:
    """A second engine on the same database, for a thread that only reads."""
    other = create_engine(engine.url, poolclass=NullPool)
    try:
        yield other
    finally:
        other.dispose()


def pending_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {
            step: connection.execute(
                select(func.count()).select_from(t.articles).where(condition)
            ).scalar_one()
            for step, condition in PENDING.items()
        }


def article_count(engine: Engine) -> int:
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(t.articles)).scalar_one()


def pipeline_measure(
    engine: Engine, label: str, *, items: int, stored_before: int | None = None
) -> Measure:
    """Embed, route and cluster of ``items`` articles, and their ingest when
    ``stored_before`` (the article count before it) is given.

    Each step counts once per article, so the bar fills across all of them; the label
    shows what still waits for each step.
    """

    def measure() -> Progress:
        pending = pending_counts(engine)
        waiting = ", ".join(f"{step} {count}" for step, count in pending.items())
        if stored_before is None:
            done, total = 3 * items - sum(pending.values()), 3 * items
        else:
            stored = article_count(engine) - stored_before
            done, total = 4 * stored - sum(pending.values()), 4 * items
        return Progress(label, max(done, 0), total, f"waiting: {waiting}")

    return measure


def files_measure(folder: Path, label: str) -> Measure:
    def measure() -> Progress:
        written = sum(1 for path in folder.rglob("*") if path.is_file()) if folder.exists() else 0
        return Progress(f"{label}: files written", written)

    return measure
