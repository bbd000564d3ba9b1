"""The ``newspulse`` command line: init, replay, update, export, serve.

Command names and flags are an interface other tools script (Foundation issue):
keep them.  The database comes from ``--db URL`` or ``NEWSPULSE_DB``.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.exc import SQLAlchemyError

from newspulse.errors import NewsPulseError
from newspulse.settings import Settings, load_settings
from newspulse.sources.catalog import load_catalog
from newspulse.store.sql import SqlStore

app = typer.Typer(
    name="newspulse",
    help="Turn a stream of news into living, cited topic briefings.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

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
        self.store = SqlStore.open(self.settings.db)


def parse_now(value: str | None) -> dt.datetime:
    if value is None:
        return dt.datetime.now(dt.UTC).replace(microsecond=0)
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise typer.BadParameter(f"not an ISO-8601 time: {value!r}", param_hint="--now") from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)


def say(message: str) -> None:
    typer.echo(message, err=True)


@app.command()
def init(
    topics: Annotated[
        Path | None, typer.Option("--topics", help="topics.toml (default: the starter set).")
    ] = None,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Create or upgrade the database and load the verticals and topics."""
    context = Context(db, config)
    catalog = load_catalog(
        topics or (Path(context.settings.topics_file) if context.settings.topics_file else None)
    )
    context.store.migrate()
    context.store.save_catalog(catalog)
    say(
        f"database ready at {context.settings.db}: "
        f"{len(catalog.verticals)} verticals, {len(catalog.topics)} topics"
    )


@app.command()
def replay(
    file: Annotated[
        Path, typer.Argument(help="Corpus in the shared JSONL format.", exists=True, dir_okay=False)
    ],
    now: NowOption = None,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Push a JSONL corpus through the pipeline as if its articles had just arrived."""
    from newspulse.enrich.embed import create_embedder
    from newspulse.pipeline import replay as run_replay

    context = Context(db, config)
    context.store.check_ready()
    started = time.perf_counter()
    embed = context.settings.embed
    embedder = create_embedder(embed.model, batch_size=embed.batch_size, threads=embed.threads)
    report = run_replay(
        context.store, file, embedder, now=parse_now(now), settings=context.settings, progress=say
    )
    for problem in report.ingest.problems[:20]:
        say(f"skipped line {problem.line}: {problem.reason}")
    ingest = report.ingest
    say(
        f"replayed {file.name}: {ingest.stored} new, {ingest.seen_before} seen before, "
        f"{ingest.copies} copies, {len(ingest.problems)} problems; "
        f"{report.events} events in store ({time.perf_counter() - started:.1f}s)"
    )


@app.command()
def update(
    now: NowOption = None,
    vertical: Annotated[str | None, typer.Option("--vertical", help="Only this vertical.")] = None,
    topic: Annotated[str | None, typer.Option("--topic", help="Only this topic.")] = None,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Write a new briefing version for each topic whose events changed."""
    from newspulse.pipeline import update_briefings

    context = Context(db, config)
    context.store.check_ready()
    results = update_briefings(
        context.store,
        now=parse_now(now),
        settings=context.settings,
        vertical=vertical,
        topic=topic,
    )
    if not results:
        raise typer.BadParameter("no topic matches --vertical/--topic")
    for result in results:
        line = f"{result.topic}: {result.status}"
        if result.status == "written":
            added = len(result.changes.get("events_added", []))  # type: ignore[arg-type]
            removed = len(result.changes.get("events_removed", []))  # type: ignore[arg-type]
            line += (
                f" v{result.version} ({result.events} events, {result.sources} sources, "
                f"+{added}/-{removed} events, {result.withheld} statements withheld)"
            )
        typer.echo(line)


@app.command()
def export(
    directory: Annotated[Path, typer.Argument(help="Folder to write the static site into.")],
    now: NowOption = None,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Write the whole site as static files, with the briefing JSON under api/v1/."""
    from newspulse.publish.export import export_site

    context = Context(db, config)
    context.store.check_ready()
    report = export_site(context.store, directory, now=parse_now(now))
    say(f"exported to {directory}: {json.dumps(asdict(report))}")


@app.command()
def serve(
    host: Annotated[str | None, typer.Option("--host", help="Address to bind.")] = None,
    port: Annotated[int | None, typer.Option("--port", help="Port to listen on.")] = None,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Serve the site and the JSON API."""
    import uvicorn

    from newspulse.publish.app import create_app

    context = Context(db, config)
    context.store.check_ready()
    bind_host = host or context.settings.serve.host
    bind_port = port or context.settings.serve.port
    say(f"serving NewsPulse at http://{bind_host}:{bind_port}/")
    uvicorn.run(create_app(context.store), host=bind_host, port=bind_port, log_level="warning")


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        app()
    except NewsPulseError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(1)
    except SQLAlchemyError as exc:
        # Locked SQLite files, lost connections, constraint races: say so, without a traceback.
        typer.echo(
            f"database error: {type(exc).__name__}: {getattr(exc, 'orig', None) or exc}", err=True
        )
        sys.exit(1)
