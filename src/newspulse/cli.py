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
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from sqlalchemy.exc import SQLAlchemyError

from newspulse.bounds import EARLIEST, LATEST, utc_moment
from newspulse.cli_corrections import corrections_app
from newspulse.cli_eval import eval_app
from newspulse.cli_topics import topics_app
from newspulse.errors import ConfigError, NewsPulseError
from newspulse.ops.logs import configure_logging
from newspulse.ops.progress import progress_bar
from newspulse.settings import Settings, load_settings
from newspulse.sources.catalog import load_catalog
from newspulse.store.sql import SqlStore

if TYPE_CHECKING:
    from newspulse.enrich.embed import Embedder
    from newspulse.ops.daemon import StopSignals
    from newspulse.ops.metrics import RunMetrics
    from newspulse.ops.progress import Bar

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

    context = Context.ready(db, config)
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
    from newspulse.pipeline import cluster_pending, enrich_pending, route_pending

    context = Context.ready(db, config)
    embed = context.settings.embed
    embedder = create_embedder(embed.model, batch_size=embed.batch_size, threads=embed.threads)
    moment = parse_now(now)
    reset = context.store.reset_understanding()
    with (
        reader(context.store.engine) as engine,
        progress_bar(pipeline_measure(engine, "reembed", items=reset)),
    ):
        enriched = enrich_pending(context.store, embedder)
        route_pending(context.store, embedder, now=moment, settings=context.settings)
        cluster_pending(context.store, now=moment, settings=context.settings)
    say(f"re-embedded {enriched} of {reset} articles with {embedder.name}")


def facet_embedder(context: Context) -> Embedder | None:
    """The embedding model, loaded only when some topic has facets to place events in."""
    if not any(topic.facets for topic in context.store.list_topics()):
        return None
    from newspulse.enrich.embed import create_embedder

    embed = context.settings.embed
    return create_embedder(embed.model, batch_size=embed.batch_size, threads=embed.threads)


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
    from newspulse.publish.export import export_site

    context = Context.ready(db, config)
    serve = context.settings.serve
    address = base_url or f"http://{serve.host}:{serve.port}/"
    with progress_bar(files_measure(directory, f"export {directory}")):
        report = export_site(
            context.store,
            directory,
            now=parse_now(now),
            base_url=address,
            operator_pages=context.settings.admin_token is not None,
        )
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


sources_app = typer.Typer(help="Manage the feeds NewsPulse polls.", no_args_is_help=True)
app.add_typer(sources_app, name="sources")
app.add_typer(topics_app, name="topics")
app.add_typer(eval_app, name="eval")
app.add_typer(corrections_app, name="corrections")
HintOption = Annotated[
    list[str] | None,
    typer.Option("--vertical", help="Vertical hint for the source's articles (repeatable)."),
]


@sources_app.command("add")
def sources_add(
    url: Annotated[str, typer.Argument(help="A feed URL, or a site whose page announces a feed.")],
    vertical: HintOption = None,
    now: NowOption = None,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Register a feed (discovered through <link rel="alternate"> for a site URL)."""
    from newspulse.poller import add_source

    context = Context.ready(db, config)
    record, created = add_source(
        context.store, url, settings=context.settings, now=parse_now(now), hints=vertical or []
    )
    verb = "added" if created else "already registered"
    typer.echo(f"{verb}: {record.url} ({record.name})")


@sources_app.command("list")
def sources_list(
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON array.")] = False,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Sources with their health: last status, last success, errors, next poll, items."""
    from newspulse.poller import source_health

    context = Context.ready(db, config)
    health = [source_health(record) for record in context.store.list_sources()]
    if as_json:
        typer.echo(json.dumps(health, indent=2))
        return
    for row in health:
        state = (row["paused"] and f"PAUSED ({row['paused']})") or f"status {row['status']}"
        typer.echo(
            f"{row['url']}\n  {state}; last success {row['last_success']}; "
            f"errors {row['errors']}; next poll {row['next_poll']}; items {row['items']}"
        )


@sources_app.command("remove")
def sources_remove(
    url: Annotated[str, typer.Argument(help="The source's feed URL.")],
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Stop polling a source; its articles stay."""
    context = Context.ready(db, config)
    if not context.store.remove_source(url):
        raise typer.BadParameter(f"no source with URL {url!r}", param_hint="URL")
    typer.echo(f"removed: {url}")


@sources_app.command("resume")
def sources_resume(
    url: Annotated[str, typer.Argument(help="The paused source's feed URL.")],
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Poll a paused source again at the next run."""
    context = Context.ready(db, config)
    if not context.store.resume_source(url):
        raise typer.BadParameter(f"no source with URL {url!r}", param_hint="URL")
    typer.echo(f"resumed: {url}")


@sources_app.command("import")
def sources_import(
    file: Annotated[Path, typer.Argument(help="An OPML file.", exists=True, dir_okay=False)],
    now: NowOption = None,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Register every feed of an OPML file (leniently; what is skipped is reported)."""
    from newspulse.sources.opml import read_opml

    context = Context.ready(db, config)
    imported = read_opml(file.read_bytes())
    moment = parse_now(now)
    created = 0
    for feed in imported.feeds:
        hints = [feed.category] if feed.category else []
        _, new = context.store.add_source(
            feed.url, name=feed.title or feed.url, now=moment, homepage=feed.html_url,
            vertical_hints=hints,
        )  # fmt: skip
        created += new
    for line in imported.repaired:
        say(f"repaired: {line}")
    for line in imported.skipped:
        say(f"skipped: {line}")
    typer.echo(
        f"imported {len(imported.feeds)} feeds ({created} new), skipped {len(imported.skipped)}"
    )


@sources_app.command("export")
def sources_export(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to a file instead of stdout.")
    ] = None,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Print the registered feeds as OPML (round-trips through `sources import`)."""
    from newspulse.sources.opml import OpmlFeed, write_opml

    context = Context.ready(db, config)
    feeds = [
        OpmlFeed(
            url=s.url,
            title=s.name,
            html_url=s.homepage,
            category="/".join(s.vertical_hints[:1]) or None,
        )
        for s in context.store.list_sources()
    ]
    document = write_opml(feeds, title="NewsPulse sources")
    if output is None:
        sys.stdout.buffer.write(document)
    else:
        output.write_bytes(document)


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


@app.command()
def run(
    interval: Annotated[
        float, typer.Option("--interval", help="Seconds between scheduler ticks.", min=1)
    ] = 60.0,
    ticks: Annotated[
        int | None, typer.Option("--ticks", help="Stop after this many ticks (default: never).")
    ] = None,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Poll due sources, process and update briefings in a loop.

    One ``run`` per store: a second one is refused (``store.run_lock``).  SIGTERM or
    Ctrl-C stops it after the current step, releasing the lock; a busy store is retried
    with a capped exponential backoff (``run.busy_*``); ``run.metrics_port`` serves its
    Prometheus metrics.
    """
    from newspulse.ops.daemon import StopSignals
    from newspulse.store.run_lock import run_lock

    signals = StopSignals()
    with signals.installed(), run_lock(Context.ready(db, config).store):
        run_loop(interval, ticks, db, config, signals)
    if signals.received:
        say(f"stopped on {signals.received}")


def run_loop(
    interval: float,
    ticks: int | None,
    db: str | None,
    config: Path | None,
    signals: StopSignals | None = None,
) -> None:
    """The loop of ``newspulse run``, under the run lock."""
    from newspulse.ops.daemon import StopRequestedError, StopSignals, retry_busy
    from newspulse.ops.metrics import RunMetrics

    stop = signals or StopSignals()
    context = Context.ready(db, config)
    embedder = facet_embedder(context)
    metrics = RunMetrics()
    options = context.settings.run
    if options.metrics_port:
        from prometheus_client import start_http_server

        metrics.add_store(context.store.engine)
        try:
            start_http_server(options.metrics_port, options.metrics_host, registry=metrics.registry)
        except OSError as exc:
            address = f"{options.metrics_host}:{options.metrics_port}"
            raise ConfigError("cannot serve the run metrics (run.metrics_port)", address) from exc
        say(f"run metrics at http://{options.metrics_host}:{options.metrics_port}/metrics")

    def on_busy(attempt: int, delay: float, exc: BaseException) -> None:
        metrics.errors.labels("store_busy").inc()
        say(f"store busy ({type(exc).__name__}); retry {attempt} in {delay:g}s")

    done = 0
    while (ticks is None or done < ticks) and not stop.stopping:
        started = time.perf_counter()
        try:
            retry_busy(
                lambda: run_tick(context, embedder, stop, metrics),
                retries=options.busy_retries,
                first=options.busy_backoff,
                cap=options.busy_max_backoff,
                resource=context.store.url,
                wait=stop.wait,
                on_retry=on_busy,
            )
        except StopRequestedError:
            break
        except Exception:
            metrics.errors.labels("tick").inc()
            raise
        metrics.ticks.inc()
        metrics.tick_seconds.observe(time.perf_counter() - started)
        done += 1
        if (ticks is None or done < ticks) and stop.wait(interval):
            break


def run_tick(
    context: Context, embedder: Embedder | None, stop: StopSignals, metrics: RunMetrics
) -> None:
    """One tick: poll and process, then (unless a stop was asked for) update briefings."""
    from newspulse.ops.metrics import llm_usage
    from newspulse.pipeline import update_topic
    from newspulse.poller import poll_and_process

    moment = parse_now(None)
    report = poll_and_process(context.store, settings=context.settings, now=moment)
    for polled in report.polled:
        metrics.polls.labels(polled.status).inc()
        if polled.error_kind:
            metrics.errors.labels(polled.error_kind).inc()
    for step, count in (
        ("ingest", report.new_items),
        ("enrich", report.enriched),
        ("route", report.routed),
        ("cluster", report.clustered),
    ):
        metrics.articles.labels(step).inc(count)
    written: list[str] = []
    for topic in context.store.list_topics():
        if stop.stopping:  # finish the current step; the next run takes up the rest
            break
        started = time.perf_counter()
        result = update_topic(
            context.store, topic, now=moment, settings=context.settings, embedder=embedder
        )
        metrics.write_seconds.labels(result.status).observe(time.perf_counter() - started)
        if result.status == "written" and result.version is not None:
            written.append(result.topic)
            if context.settings.llm.enabled:
                metrics.count_llm(llm_usage(context.store.engine, result.topic, result.version))
    say(
        f"{moment.isoformat()}: {len(report.polled)} polled, {report.new_items} new, "
        f"briefings written: {', '.join(written) or 'none'}"
    )
    logging.getLogger("newspulse.run").info(
        "tick",
        extra={"polled": len(report.polled), "new": report.new_items, "written": written},
    )


@app.command()
def doctor(
    min_free_gb: Annotated[
        float, typer.Option("--min-free-gb", help="Free disk (GiB) below which disk fails.", min=0)
    ] = 1.0,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Check config, database and migrations, model files, LLM endpoint and disk.

    One line per check (``ok`` or ``FAIL``); exits 1 when any check failed.
    """
    from newspulse.ops.doctor import run_checks

    failed = 0
    for check in run_checks(config, db, min_free_gib=min_free_gb):
        typer.echo(check.line())
        failed += not check.ok
    if failed:
        say(f"{failed} check(s) failed")
        raise typer.Exit(1)


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
