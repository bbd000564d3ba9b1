"""`newspulse topics …`: the operator's view of routing (list, explain, suggest)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from typing import Annotated

import typer

topics_app = typer.Typer(help="Inspect topics and routing.", no_args_is_help=True)


@topics_app.command("list")
def topics_list(db: Annotated[str | None, typer.Option("--db")] = None) -> None:
    """Topics with their routing threshold and include/exclude terms."""
    from newspulse.cli_context import Context

    context = Context.ready(db, None)
    default = context.settings.route.threshold
    for topic in context.store.list_topics():
        threshold = topic.threshold if topic.threshold is not None else default
        typer.echo(
            f"{topic.vertical}/{topic.slug}: {topic.title} (threshold {threshold}; "
            f"include {list(topic.include)}; exclude {list(topic.exclude)})"
        )


@topics_app.command("explain")
def topics_explain(
    url: Annotated[str, typer.Argument(help="An article's URL or canonical URL.")],
    db: Annotated[str | None, typer.Option("--db")] = None,
) -> None:
    """Why an article is in its topics: similarity, matched terms, score vs threshold."""
    from newspulse.cli_context import Context

    context = Context.ready(db, None)
    found = context.store.article_routing(url)
    if found is None:
        raise typer.BadParameter(f"no stored article with URL {url!r}", param_hint="URL")
    article, matches = found
    typer.echo(f"{article.title} ({article.source}, {article.published_at.date()})")
    if not matches:
        typer.echo("  in no topic: it is kept and offered by `newspulse topics suggest`")
    for match in matches:
        terms = ", ".join(match.matched_terms) or "none"
        typer.echo(
            f"  {match.topic}: score {match.score:.3f} = similarity {match.similarity:.3f} "
            f"+ terms ({terms})"
        )


@topics_app.command("suggest")
def topics_suggest(
    days: Annotated[int, typer.Option("--days", help="Look at events this recent.", min=1)] = 30,
    vertical: Annotated[
        str, typer.Option("--vertical", help="Vertical for the TOML snippets.")
    ] = "news",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead.")] = False,
    now: Annotated[str | None, typer.Option("--now")] = None,
    db: Annotated[str | None, typer.Option("--db")] = None,
) -> None:
    """Candidate topics from stories several outlets covered that no topic claims."""
    from newspulse.cli_context import Context, parse_now
    from newspulse.suggest import suggest_topics

    context = Context.ready(db, None)
    since = parse_now(now) - dt.timedelta(days=days)
    events = context.store.unrouted_events(since)
    articles = context.store.articles_by_ids(a for e in events for a in e.article_ids)
    suggestions = suggest_topics(events, articles)
    if as_json:
        typer.echo(json.dumps([dataclasses.asdict(s) for s in suggestions], indent=2))
        return
    if not suggestions:
        typer.echo("no suggestions: every story covered by two or more outlets has a topic")
    for suggestion in suggestions:
        typer.echo(
            f"# {suggestion.title}: {suggestion.events} events, {suggestion.articles} articles, "
            f"{suggestion.sources} outlets"
        )
        for example in suggestion.examples:
            typer.echo(f"#   e.g. {example}")
        typer.echo(suggestion.to_toml(vertical))
