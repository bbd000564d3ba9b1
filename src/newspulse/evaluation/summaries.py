"""ROUGE of the extractive writer's multi-article summary against human references.

For each story of a NeuS/AllSides-style file (``derived_probe_clusters.jsonl``:
``{split, cluster_id, articles: [{title, text}], reference: {title, text}}``):

1. Its articles become one event (distinct outlets, all published at one instant) of
   a throwaway topic, and ``write.briefing.write_version`` — the entry point
   ``pipeline.update_topic`` calls — plans, words and verifies a version, with ``now``
   ``AGE`` after the articles so the event is told in a themed section (intro,
   bullet, sub-bullets) rather than as a one-line "notable" item.
2. The summary is every published statement of that version in page order
   (``evaluation.statements.iter_statements``); the headline is left out because the
   reference is the summary text, not its title, and so is "In summary", which restates
   the page's main facts in short (scoring it would count those words twice).
3. Baselines in the same run: ``lead-1`` (first sentence of the first article in file
   order, which the data set shuffled) and ``lead-3`` (first sentence of each article).
4. ROUGE-1/2/L F1 (``rouge-score``, Porter stemming) against the reference text,
   averaged over stories.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from rouge_score import rouge_scorer  # type: ignore[import-untyped]

from newspulse.domain import Article, EventSummary, Topic
from newspulse.enrich.embed import Embedder
from newspulse.errors import CorpusError
from newspulse.evaluation.statements import iter_statements
from newspulse.rank import rank_events
from newspulse.settings import Settings
from newspulse.text.sentences import split_sentences
from newspulse.write.briefing import write_version

PUBLISHED = dt.datetime(2021, 1, 1, 12, tzinfo=dt.UTC)
AGE = dt.timedelta(days=30)
ROUGE_TYPES = ("rouge1", "rouge2", "rougeL")
SYSTEMS = ("extractive", "lead-1", "lead-3")
STORY_TOPIC = Topic(slug="story", vertical="eval", title="Story", tagline="", description="")


@dataclass(frozen=True, slots=True)
class Story:
    id: str
    split: str
    articles: tuple[tuple[str, str], ...]  # (title, text)
    reference: str


@dataclass(frozen=True, slots=True)
class RougeTable:
    stories: int
    empty: dict[str, int]  # stories for which a system wrote nothing
    f1: dict[str, dict[str, float]]  # system -> rouge type -> mean F1

    def to_json(self) -> dict[str, Any]:
        return {"stories": self.stories, "empty": self.empty, "f1": self.f1}


def read_stories(path: Path, *, splits: Sequence[str] = ("train", "val")) -> list[Story]:
    """Stories of the chosen splits; a malformed line is a ``CorpusError`` naming it."""
    stories = []
    try:
        lines = path.read_text("utf-8").splitlines()
    except OSError as exc:
        raise CorpusError("cannot read the stories file", str(path)) from exc
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            story = Story(
                id=str(record["cluster_id"]),
                split=str(record["split"]),
                articles=tuple((str(a["title"]), str(a["text"])) for a in record["articles"]),
                reference=str(record["reference"]["text"]),
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise CorpusError(f"line {number} is not a story record", str(path)) from exc
        if story.split in splits:
            stories.append(story)
    return stories


def story_articles(story: Story) -> dict[int, Article]:
    return {
        number: Article(
            id=number,
            uid=f"{story.id}-{number}",
            url=f"https://example.invalid/{story.id}/{number}",
            canonical_url=f"https://example.invalid/{story.id}/{number}",
            source=f"outlet-{number}",
            title=title,
            text=text,
            published_at=PUBLISHED + dt.timedelta(minutes=number),
            date_estimated=False,
        )
        for number, (title, text) in enumerate(story.articles, start=1)
    }


def extractive_summary(story: Story, embedder: Embedder, settings: Settings) -> str:
    """Step 1-2 of the module docstring."""
    articles = story_articles(story)
    vectors = embedder.embed([a.lead for a in articles.values()])
    centroid = vectors.mean(axis=0).astype(np.float32)
    times = [a.published_at for a in articles.values()]
    event = EventSummary(
        id=1,
        label=story.articles[0][0],
        first_seen=min(times),
        last_seen=max(times),
        article_ids=tuple(articles),
        sources=tuple(a.source for a in articles.values()),
        centroid=centroid,
    )
    now = max(times) + AGE
    ranked = rank_events([event], now=now, settings=settings.rank)
    written = write_version(STORY_TOPIC, ranked, articles, now=now, settings=settings.write)
    statements = iter_statements(written.briefing.to_json())
    return " ".join(s.text for s in statements if not s.path.startswith("summary."))


def lead_sentences(story: Story, count: int) -> str:
    firsts = [(split_sentences(text) or [text])[0] for _, text in story.articles[:count]]
    return " ".join(first for first in firsts if first)


def summaries(story: Story, embedder: Embedder, settings: Settings) -> dict[str, str]:
    return {
        "extractive": extractive_summary(story, embedder, settings),
        "lead-1": lead_sentences(story, 1),
        "lead-3": lead_sentences(story, 3),
    }


@dataclass(frozen=True, slots=True)
class StoryScores:
    split: str
    f1: dict[str, dict[str, float] | None]  # system -> rouge type -> F1; None: wrote nothing


def story_scores(
    stories: Sequence[Story], embedder: Embedder, settings: Settings
) -> list[StoryScores]:
    """Steps 1-4 of the module docstring for every story, all systems in one pass."""
    scorer = rouge_scorer.RougeScorer(list(ROUGE_TYPES), use_stemmer=True)
    scored = []
    for story in stories:
        f1: dict[str, dict[str, float] | None] = {}
        for system, text in summaries(story, embedder, settings).items():
            if not text.strip():
                f1[system] = None
                continue
            scores = scorer.score(story.reference, text)
            f1[system] = {kind: scores[kind].fmeasure for kind in ROUGE_TYPES}
        scored.append(StoryScores(story.split, f1))
    return scored


def table_of(scored: Sequence[StoryScores]) -> RougeTable:
    """Mean F1 per system over all stories; a story a system wrote nothing for scores 0."""
    count = max(len(scored), 1)
    f1 = {
        system: {
            kind: round(sum((s.f1[system] or {}).get(kind, 0.0) for s in scored) / count, 4)
            for kind in ROUGE_TYPES
        }
        for system in SYSTEMS
    }
    empty = {system: sum(1 for s in scored if s.f1[system] is None) for system in SYSTEMS}
    return RougeTable(len(scored), empty, f1)


def score_stories(stories: Sequence[Story], embedder: Embedder, settings: Settings) -> RougeTable:
    return table_of(story_scores(stories, embedder, settings))


def tables_by_split(
    stories: Sequence[Story], embedder: Embedder, settings: Settings
) -> dict[str, RougeTable]:
    """All stories, then each split on its own (each story written and scored once)."""
    scored = story_scores(stories, embedder, settings)
    tables = {"all": table_of(scored)}
    for split in sorted({s.split for s in scored}):
        tables[split] = table_of([s for s in scored if s.split == split])
    return tables
