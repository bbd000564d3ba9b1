"""What every ``newspulse`` command shares: the common options, the settings-and-store
context, ``--now`` parsing and messages on stderr.  The command modules (``cli``,
``cli_sources``, ``cli_run``, ``cli_topics`` …) import it; it imports none of them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from newspulse.bounds import EARLIEST, LATEST, utc_moment
from newspulse.ops.logs import configure_logging
from newspulse.settings import Settings, load_settings
from newspulse.store.sql import SqlStore

if TYPE_CHECKING:
    from newspulse.enrich.embed import Embedder

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="SQLAlchemy URL of the store (default: NEWSPULSE_DB or sqlite:///newspulse.db).",
    ),
]
ConfigOption = Annotated[
    Path | None, typer.Option("--config", help="Settings file (default: ./newspulse.toml).")
]
NowOption = Annotated[
    str | None,
    typer.Option(
        "--now", help="Pretend the current time is this ISO-8601 instant (reproducible runs)."
    ),
]


class Context:
    """What every command needs: settings and an opened store."""

    def __init__(self, db: str | None, config: Path | None) -> None:
        self.settings: Settings = load_settings(config, db=db)
        configure_logging(self.settings.log)
        self.store = SqlStore.open(self.settings.db)

    @classmethod
    def ready(cls, db: str | None, config: Path | None) -> Context:
        """A context whose database exists and is at the newest schema (else a clear error)."""
        context = cls(db, config)
        context.store.check_ready()
        return context


def parse_now(value: str | None) -> dt.datetime:
    if value is None:
        return dt.datetime.now(dt.UTC).replace(microsecond=0)
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise typer.BadParameter(f"not an ISO-8601 time: {value!r}", param_hint="--now") from exc
    bounded = utc_moment(moment)
    if bounded is None:
        raise typer.BadParameter(
            f"outside {EARLIEST.year}-{LATEST.year - 1}: {value!r}", param_hint="--now"
        )
    return bounded


def say(message: str) -> None:
    typer.echo(message, err=True)


def facet_embedder(context: Context) -> Embedder | None:
    """The embedding model, loaded only when some topic has facets to place events in."""
    if not any(topic.facets for topic in context.store.list_topics()):
        return None
    from newspulse.enrich.embed import create_embedder

    embed = context.settings.embed
    return create_embedder(embed.model, batch_size=embed.batch_size, threads=embed.threads)
