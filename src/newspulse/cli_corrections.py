"""`newspulse corrections …`: operators record corrections to a topic and list them.

A correction is shown on the topic page and in its history; the next ``update`` writes a
new version that carries it and, with ``--article``, no longer cites that article.
"""

from __future__ import annotations

import json
from typing import Annotated

import typer

from newspulse.domain import iso_utc

corrections_app = typer.Typer(help="Record and list corrections to a topic.", no_args_is_help=True)

MAX_TEXT_CHARS = 2000


@corrections_app.command("add")
def corrections_add(
    topic: Annotated[str, typer.Argument(help="The topic's slug.")],
    text: Annotated[str, typer.Argument(help="The correction, as readers will see it.")],
    article: Annotated[
        int | None,
        typer.Option("--article", help="An article id to stop citing in this topic.", min=1),
    ] = None,
    now: Annotated[
        str | None, typer.Option("--now", help="Record it at this ISO-8601 instant.")
    ] = None,
    db: Annotated[str | None, typer.Option("--db")] = None,
) -> None:
    """Record a correction; the next `newspulse update` writes a version that honours it."""
    from newspulse.cli_context import Context, parse_now

    cleaned = " ".join(text.split())
    if not cleaned:
        raise typer.BadParameter("the correction text is empty", param_hint="TEXT")
    if len(cleaned) > MAX_TEXT_CHARS:
        raise typer.BadParameter(
            f"the correction is longer than {MAX_TEXT_CHARS} characters", param_hint="TEXT"
        )
    context = Context.ready(db, None)
    number = context.store.add_correction(
        topic, cleaned, created_at=parse_now(now), article_id=article
    )
    typer.echo(f"correction {number} recorded for {topic}; run `newspulse update` to apply it")


@corrections_app.command("list")
def corrections_list(
    topic: Annotated[str, typer.Argument(help="The topic's slug.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON lines instead.")] = False,
    db: Annotated[str | None, typer.Option("--db")] = None,
) -> None:
    """A topic's corrections, oldest first."""
    from newspulse.cli_context import Context
    from newspulse.errors import StoreError

    context = Context.ready(db, None)
    if topic not in {t.slug for t in context.store.list_topics()}:
        raise StoreError("no such topic", topic)
    for correction in context.store.list_corrections(topic):
        if as_json:
            record = {
                "id": correction.id,
                "topic": correction.topic,
                "text": correction.text,
                "created_at": iso_utc(correction.created_at),
                "article_id": correction.article_id,
            }
            typer.echo(json.dumps(record, ensure_ascii=False))
            continue
        excluded = f" (article {correction.article_id} excluded)" if correction.article_id else ""
        typer.echo(
            f"{correction.id}. {iso_utc(correction.created_at)}: {correction.text}{excluded}"
        )
