"""The ``newspulse`` command line: init, replay, update, export, serve.

Command names and flags are an interface other tools script (Foundation issue):
keep them.  The database comes from ``--db URL`` or ``NEWSPULSE_DB``.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from sqlalchemy.exc import SQLAlchemyError

from newspulse.cli_context import (
    ConfigOption,
    Context,
    DbOption,
    NowOption,
    facet_embedder,
    parse_now,
    say,
)
from newspulse.cli_corrections import corrections_app
from newspulse.cli_eval import eval_app
from newspulse.cli_run import doctor, run
from newspulse.cli_sources import sources_app
from newspulse.cli_topics import topics_app
from newspulse.cli_workers import Engine, EngineOption, defer_replay, worker
from newspulse.errors import NewsPulseError
from newspulse.ops.progress import progress_bar
from newspulse.settings import load_settings
from newspulse.sources.catalog import load_catalog
from newspulse.store.sql import SqlStore

if TYPE_CHECKING:
    from newspulse.ops.progress import Bar

app = typer.Typer(
    name="newspulse",
    help="Turn a stream of news into living, cited topic briefings.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


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
    if context.store.engine.dialect.name == "postgresql":
        from newspulse.workers.jobs import install_schema

        if install_schema(context.store):
            say("installed the job queue's schema (procrastinate) for `newspulse worker`")
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
    engine: EngineOption = Engine.INPROCESS,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Push a JSONL corpus through the pipeline as if its articles had just arrived.

    ``--engine procrastinate``: store the articles, then defer the later steps (and the
    briefings) as jobs for `newspulse worker` processes.
    """
    from newspulse.enrich.embed import create_embedder
    from newspulse.pipeline import replay as run_replay

    context = Context.ready(db, config)
    if engine is Engine.PROCRASTINATE:
        defer_replay(context, file, parse_now(now))
        return
    started = time.perf_counter()
    embed = context.settings.embed
    embedder = create_embedder(embed.model, batch_size=embed.batch_size, threads=embed.threads)
    with replay_progress(context.store, file) as bar:
        report = run_replay(
            context.store,
            file,
            embedder,
            now=parse_now(now),
            settings=context.settings,
            progress=bar.say,
        )
    for problem in report.ingest.problems[:20]:
        say(f"skipped line {problem.line}: {problem.reason}")
    ingest = report.ingest
    say(
        f"replayed {file.name}: {ingest.stored} new, {ingest.seen_before} seen before, "
        f"{ingest.copies} copies, {len(ingest.problems)} problems; "
        f"{report.events} events in store ({time.perf_counter() - started:.1f}s)"
    )


@contextmanager
def replay_progress(store: SqlStore, file: Path) -> Iterator[Bar]:
    """A progress bar over ingest, embed, route and cluster, on a terminal only."""
    from newspulse.ops.progress import Bar, interactive
    from newspulse.ops.queue import article_count, pipeline_measure, reader

    if not interactive():
        yield Bar(None)
        return
    with file.open("rb") as handle:
        items = sum(1 for line in handle if line.strip())
    with reader(store.engine) as engine:
        before = article_count(engine)
        measure = pipeline_measure(engine, f"replay {file.name}", items=items, stored_before=before)
        with progress_bar(measure) as bar:
            yield bar


@app.command()
def reembed(now: NowOption = None, db: DbOption = None, config: ConfigOption = None) -> None:
    """Embed every article again with the configured model, then re-route and re-cluster."""
    from newspulse.enrich.embed import create_embedder
    from newspulse.ops.queue import pipeline_measure, reader
    from newspulse.pipeline import understand

    context = Context.ready(db, config)
    embed = context.settings.embed
    embedder = create_embedder(embed.model, batch_size=embed.batch_size, threads=embed.threads)
    moment = parse_now(now)
    reset = context.store.reset_understanding()
    with (
        reader(context.store.engine) as engine,
        progress_bar(pipeline_measure(engine, "reembed", items=reset)),
    ):
        done = understand(context.store, embedder, now=moment, settings=context.settings)
    say(f"re-embedded {done['enrich']} of {reset} articles with {embedder.name}")


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

    context = Context.ready(db, config)
    results = update_briefings(
        context.store,
        now=parse_now(now),
        settings=context.settings,
        vertical=vertical,
        topic=topic,
        embedder=facet_embedder(context),
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
        if result.llm:
            line += f"\n  llm: {result.llm}"
        typer.echo(line)


@app.command()
def export(
    directory: Annotated[Path, typer.Argument(help="Folder to write the static site into.")],
    base_url: Annotated[
        str | None,
        typer.Option(
            "--base-url",
            help="The site's public address, e.g. https://news.example.org/; Atom feeds "
            "link there. Default: the address `newspulse serve` listens on.",
        ),
    ] = None,
    now: NowOption = None,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Write the whole site as static files, with the briefing JSON under api/v1/."""
    from newspulse.ops.queue import files_measure
    from newspulse.pipeline import StepContext, run_steps, steps_between
    from newspulse.publish.export import ExportReport, export_site

    context = Context.ready(db, config)
    serve = context.settings.serve
    address = base_url or f"http://{serve.host}:{serve.port}/"
    moment = parse_now(now)
    reports: list[ExportReport] = []

    def publish() -> int:
        reports.append(
            export_site(
                context.store,
                directory,
                now=moment,
                base_url=address,
                operator_pages=context.settings.admin_token is not None,
            )
        )
        return reports[-1].pages

    steps = StepContext(context.store, context.settings, moment, publisher=publish)
    with progress_bar(files_measure(directory, f"export {directory}")):
        run_steps(steps_between("publish", "publish"), steps)
    say(f"exported to {directory}: {json.dumps(asdict(reports[-1]))}")


@app.command()
def serve(
    host: Annotated[str | None, typer.Option("--host", help="Address to bind.")] = None,
    port: Annotated[int | None, typer.Option("--port", help="Port to listen on.")] = None,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Serve the site and the JSON API."""
    import uvicorn
    from uvicorn.config import LOGGING_CONFIG

    from newspulse.publish.app import create_app

    context = Context.ready(db, config)
    bind_host = host or context.settings.serve.host
    bind_port = port or context.settings.serve.port
    say(f"serving NewsPulse at http://{bind_host}:{bind_port}/")
    shown_host = f"[{bind_host}]" if ":" in bind_host else bind_host  # an IPv6 literal
    public = context.settings.serve.base_url or f"http://{shown_host}:{bind_port}"
    token = context.settings.admin_token
    app = create_app(
        context.store,
        base_url=public,
        admin_token=token.get_secret_value() if token is not None else None,
    )
    # With JSON logs, uvicorn's own records go through the root logger's JSON handler too.
    json_logs = context.settings.log.format == "json"
    uvicorn.run(
        app,
        host=bind_host,
        port=bind_port,
        log_level="warning",
        log_config=None if json_logs else LOGGING_CONFIG,
    )


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


@app.command()
def extract(
    inputs: Annotated[list[str], typer.Argument(help="HTML files (.html or .html.gz) or URLs.")],
    url: Annotated[
        str | None,
        typer.Option("--url", help="The page's address, for resolving links of file inputs."),
    ] = None,
    config: ConfigOption = None,
) -> None:
    """Print one JSON line per input (title, text, author, published, canonical_url, language).

    Uses the pipeline's own extraction code; a bad input gives an ``error`` field on its
    line instead of stopping the run.
    """
    from newspulse.ingest.pages import extract_inputs

    settings = load_settings(config)
    for record in extract_inputs(inputs, url=url, settings=settings):
        typer.echo(json.dumps(record, ensure_ascii=False))


@app.command()
def poll(now: NowOption = None, db: DbOption = None, config: ConfigOption = None) -> None:
    """Poll every due source once, then enrich, route and cluster what arrived."""
    from newspulse.poller import poll_and_process

    context = Context.ready(db, config)
    report = poll_and_process(context.store, settings=context.settings, now=parse_now(now))
    for polled in report.polled:
        line = f"{polled.url}: {polled.status}"
        if polled.new_items:
            line += f", {polled.new_items} new"
        if polled.detail:
            line += f" ({polled.detail})"
        typer.echo(line)
    typer.echo(f"{len(report.polled)} sources polled, {report.new_items} new articles")


app.command()(run)
app.command()(doctor)
app.command()(worker)
app.add_typer(sources_app, name="sources")
app.add_typer(topics_app, name="topics")
app.add_typer(eval_app, name="eval")
app.add_typer(corrections_app, name="corrections")


@app.command()
def cluster(
    file: Annotated[
        Path,
        typer.Argument(
            help='JSONL records {"id", "title", "text", "published"?, "source"?}.',
            exists=True,
            dir_okay=False,
        ),
    ],
    out: Annotated[
        Path, typer.Option("--out", help='Where to write one {"id", "event"} line per record.')
    ],
    config: ConfigOption = None,
) -> None:
    """Cluster records into events with the pipeline's enrich + cluster code (no database)."""
    from newspulse.enrich.embed import create_embedder
    from newspulse.evaluation.records import read_cluster_records
    from newspulse.evaluation.run import cluster_records

    settings = load_settings(config)
    read = read_cluster_records(file)
    for problem in read.problems:
        say(f"{file.name} {problem.describe()}")
    if not read.records:
        say(f"error: no usable record in {file}")
        raise typer.Exit(1)
    started = time.perf_counter()
    embed = settings.embed
    embedder = create_embedder(embed.model, batch_size=embed.batch_size, threads=embed.threads)
    run = cluster_records(read.records, embedder, settings.cluster)
    try:
        with out.open("w", encoding="utf-8") as handle:
            for record in read.records:
                line = {"id": record.id, "event": run.events[record.id]}
                handle.write(json.dumps(line, ensure_ascii=False) + "\n")
    except OSError as exc:
        say(f"error: cannot write {out}: {exc}")
        raise typer.Exit(1) from exc
    say(
        f"clustered {len(read.records)} records into {run.event_count} events "
        f"({run.copies} exact copies, {run.maintenance.merges} merges, "
        f"{run.maintenance.splits} splits; {time.perf_counter() - started:.1f}s) -> {out}"
    )
