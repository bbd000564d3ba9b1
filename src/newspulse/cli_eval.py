"""`newspulse eval …`: measure briefing quality (product spec §4) and summary ROUGE.

The measures live in ``newspulse.evaluation.briefing`` and ``.summaries``; this module
only gathers inputs and prints.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from newspulse.evaluation.briefing import BriefingReport
from newspulse.evaluation.readability import read_fact_files

eval_app = typer.Typer(help="Measure briefing quality and summaries.", no_args_is_help=True)

COLUMNS = (
    ("topic", 28),
    ("ver", 4),
    ("date", 10),
    ("stmts", 5),
    ("cited%", 6),
    ("supp%", 6),
    ("redund", 6),
    ("stale", 5),
    ("top20cov%", 12),
    ("headline", 8),
    ("sections", 8),
    ("dangl%", 6),
    ("reltime", 7),
    ("scraps", 6),
    ("frags", 5),
    ("repeats", 7),
    ("copiedHL", 8),
    ("badTitle", 8),
    ("mk/vis", 6),
    ("facts%", 12),
    ("evTitle", 9),
)


@eval_app.command("briefing")
def eval_briefing(
    corpus: Annotated[
        list[Path] | None,
        typer.Option(
            "--corpus",
            help="Corpus JSONL to replay into a throwaway store (repeatable; pair each with "
            "--now). Without it, the latest versions in --db are measured.",
            exists=True,
            dir_okay=False,
        ),
    ] = None,
    now: Annotated[
        list[str] | None,
        typer.Option("--now", help="The instant each --corpus is replayed and written at."),
    ] = None,
    topic: Annotated[
        list[str] | None, typer.Option("--topic", help="Only these topics (repeatable).")
    ] = None,
    keep: Annotated[
        Path | None,
        typer.Option("--keep", help="Keep the throwaway stores in this folder.", file_okay=False),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
    facts: Annotated[
        list[Path] | None,
        typer.Option(
            "--facts",
            help="Key facts (TSV: id, description, pattern): a file named <topic-slug>.tsv, "
            "or a folder of them (repeatable).",
            exists=True,
        ),
    ] = None,
    check: Annotated[
        bool, typer.Option("--check", help="Exit 1 when a topic misses a quality floor.")
    ] = False,
    min_sections: Annotated[
        int, typer.Option("--min-sections", min=0, help="Floor on sections per page (--check).")
    ] = 1,
    db: Annotated[str | None, typer.Option("--db", help="Store to measure.")] = None,
    config: Annotated[Path | None, typer.Option("--config", help="Settings file.")] = None,
) -> None:
    """Per topic: statements, cited %, supported %, redundant pairs, stale time references,
    top-20 event coverage, headline and sections of the latest version, and what a reader
    sees: dangling openers, article-relative time, page scraps, headline fragments, repeated
    facts, a copied headline, bad section titles, citation markers, key facts and the event
    titles its Sources and event pages show (slugs, body sentences, teasers)."""
    from newspulse.cli_context import Context, parse_now
    from newspulse.enrich.embed import create_embedder
    from newspulse.evaluation.briefing_run import CorpusRun, build_and_evaluate, evaluate_store
    from newspulse.evaluation.floors import Floors, missed_floors
    from newspulse.settings import load_settings

    key_facts = read_fact_files(facts or [])
    rows: list[tuple[str, BriefingReport]] = []
    if corpus:
        if len(now or []) != len(corpus):
            raise typer.BadParameter("give one --now per --corpus", param_hint="--now")
        settings = load_settings(config, db=db)
        embed = settings.embed
        embedder = create_embedder(embed.model, batch_size=embed.batch_size, threads=embed.threads)
        with tempfile.TemporaryDirectory(prefix="newspulse-eval-") as scratch:
            directory = keep or Path(scratch)
            directory.mkdir(parents=True, exist_ok=True)
            for path, moment in zip(corpus, now or [], strict=True):
                run = CorpusRun(path, parse_now(moment))
                label = path.parent.name or path.stem
                for report in build_and_evaluate(
                    run, directory, embedder, settings, facts=key_facts
                ):
                    if not topic or report.topic in topic:
                        rows.append((label, report))
    else:
        context = Context.ready(db, config)
        embed = context.settings.embed
        store_embedder = create_embedder(
            embed.model, batch_size=embed.batch_size, threads=embed.threads
        )
        for report in evaluate_store(
            context.store,
            context.settings,
            topics=topic,
            facts=key_facts,
            embed=store_embedder.embed,
        ):
            rows.append(("store", report))
    if not rows:
        raise typer.BadParameter("no topic has a briefing version to measure")
    floors = Floors(min_sections=min_sections)
    missed = [(c, r.topic, line) for c, r in rows for line in missed_floors(r, floors)]
    if as_json:
        typer.echo(json.dumps([{"corpus": c, **r.to_json()} for c, r in rows], indent=2))
    else:
        print_table(rows)
    if check:
        for label, slug, line in missed:
            typer.echo(f"{label}/{slug} misses a floor: {line}", err=True)
        if missed:
            raise typer.Exit(1)


def print_table(rows: list[tuple[str, BriefingReport]]) -> None:
    header = ["corpus".ljust(10)] + [name.rjust(width) for name, width in COLUMNS]
    typer.echo(" ".join(header))
    for label, r in rows:
        values = [
            r.topic[:28].ljust(28),
            str(r.version),
            r.version_date.isoformat(),
            str(r.statements),
            f"{r.cited_pct:.1f}",
            f"{r.supported_pct:.1f}",
            str(len(r.redundant_pairs)),
            str(len(r.stale_references)),
            f"{r.coverage_pct:.0f} ({r.covered_events}/{r.top_events})",
            "yes" if r.headline else "NO",
            str(r.sections),
            *readability_cells(r),
            f"{len(r.bad_event_titles)}/{r.event_titles}",
        ]
        cells = [label[:10].ljust(10)] + [
            v if i == 0 else v.rjust(width)
            for i, (v, (_, width)) in enumerate(zip(values, COLUMNS, strict=True))
        ]
        typer.echo(" ".join(cells))
    for label, r in rows:
        for path, reason in r.unsupported:
            typer.echo(f"{label}/{r.topic} unsupported {path}: {reason}", err=True)
        for a, b in r.redundant_pairs:
            typer.echo(f"{label}/{r.topic} redundant: {a[:80]!r} ~ {b[:80]!r}", err=True)
        for path, phrase in r.stale_references:
            typer.echo(f"{label}/{r.topic} stale {path}: {phrase!r}", err=True)
        for title, reason in r.bad_event_titles:
            typer.echo(f"{label}/{r.topic} bad event title ({reason}): {title[:100]!r}", err=True)
        print_readability(label, r)


def readability_cells(r: BriefingReport) -> list[str]:
    page = r.readability
    if page is None:
        return ["-"] * 9
    dangling = 100.0 * len(page.dangling) / r.statements if r.statements else 0.0
    facts = "-"
    if page.facts_pct is not None:
        facts = f"{page.facts_pct:.0f} ({len(page.facts_covered)}/{page.facts_total})"
    return [
        f"{dangling:.1f}",
        str(len(page.relative_time)),
        str(len(page.scraps)),
        str(len(page.fragments)),
        str(len(page.repeated)),
        "YES" if page.copied_headline else "no",
        str(len(page.bad_titles)),
        f"{page.markers_max}/{page.visible_markers_max}",
        facts,
    ]


def print_readability(label: str, r: BriefingReport) -> None:
    page = r.readability
    if page is None:
        return
    where = f"{label}/{r.topic}"
    found = (
        ("dangling opener", page.dangling),
        ("article-relative time", page.relative_time),
        ("page scrap", page.scraps),
        ("headline fragment", page.fragments),
        ("repeated fact", page.repeated),
        ("section title", page.bad_titles),
    )
    for kind, items in found:
        for first, second in items:
            typer.echo(f"{where} {kind} {first}: {second!r}", err=True)
    if page.copied_headline:
        typer.echo(f"{where} headline copies the title {page.copied_headline!r}", err=True)
    for fact in page.facts_missed:
        typer.echo(f"{where} key fact missed: {fact}", err=True)


@eval_app.command("summaries")
def eval_summaries(
    stories: Annotated[
        Path,
        typer.Argument(
            help="A NeuS/AllSides folder (with derived_probe_clusters.jsonl) or that file.",
            exists=True,
        ),
    ],
    split: Annotated[
        list[str] | None,
        typer.Option("--split", help="Splits to score (repeatable; default train and val)."),
    ] = None,
    limit: Annotated[
        int | None, typer.Option("--limit", min=1, help="Score only the first N stories.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
    config: Annotated[Path | None, typer.Option("--config", help="Settings file.")] = None,
) -> None:
    """ROUGE-1/2/L F1 of the extractive writer's summary of each story's articles against
    the human reference, beside lead-sentence baselines, in one run."""
    from newspulse.enrich.embed import HashingEmbedder
    from newspulse.evaluation.summaries import read_stories, tables_by_split
    from newspulse.settings import load_settings

    path = stories / "derived_probe_clusters.jsonl" if stories.is_dir() else stories
    chosen = read_stories(path, splits=tuple(split or ("train", "val")))[:limit]
    if not chosen:
        raise typer.BadParameter(f"no story of splits {split or ['train', 'val']} in {path}")
    settings = load_settings(config)
    embedder = HashingEmbedder()
    tables = tables_by_split(chosen, embedder, settings)
    if as_json:
        typer.echo(json.dumps({name: table.to_json() for name, table in tables.items()}, indent=2))
        return
    typer.echo(f"{'split':<6} {'system':<11} {'stories':>7} {'empty':>5} "
               f"{'ROUGE-1':>7} {'ROUGE-2':>7} {'ROUGE-L':>7}")  # fmt: skip
    for name, table in tables.items():
        for system, scores in table.f1.items():
            typer.echo(
                f"{name:<6} {system:<11} {table.stories:>7} {table.empty[system]:>5} "
                f"{scores['rouge1']:>7.4f} {scores['rouge2']:>7.4f} {scores['rougeL']:>7.4f}"
            )
