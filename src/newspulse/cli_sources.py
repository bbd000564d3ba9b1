"""`newspulse sources …`: register, list, remove, resume, import and export feeds."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from newspulse.cli_context import ConfigOption, Context, DbOption, NowOption, parse_now, say

sources_app = typer.Typer(help="Manage the feeds NewsPulse polls.", no_args_is_help=True)
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
