"""Writing one topic's version: plan → compose → verify, plus its fingerprint and diff."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from newspulse.domain import Article, Briefing, EventSummary, Topic, Vector
from newspulse.settings import LLMSettings, RankSettings, WriteSettings
from newspulse.write.compose import compose_headline
from newspulse.write.coverage import prose_articles, with_coverage
from newspulse.write.extractive import write_extractive
from newspulse.write.incremental import kept_sections, stamp_sections
from newspulse.write.llm import PROMPT_VERSION, WRITER_LLM, describe, write_llm
from newspulse.write.llm_client import LLMConfig
from newspulse.write.plan import plan_briefing
from newspulse.write.timeline import build_timeline
from newspulse.write.verify import CitationRecord, verify_briefing


@dataclass(frozen=True, slots=True)
class WrittenVersion:
    briefing: Briefing
    citations: tuple[CitationRecord, ...]
    input_article_ids: tuple[int, ...]
    writer: str = "extractive"
    model: str | None = None
    prompt_version: str | None = None
    fallback_reason: str | None = None
    llm_rejected: tuple[str, ...] = ()
    # The LLM writer's run: mode, requests, tokens, seconds, each section's writer and why.
    llm_report: dict[str, Any] | None = None
    llm_summary: str | None = None


# Bump when the writer's output changes for the same input, so every topic is rewritten.
WRITER_VERSION = "extractive-5"


def events_fingerprint(
    events: Sequence[EventSummary],
    *,
    now: dt.datetime,
    settings: WriteSettings,
    rank: RankSettings,
    llm: LLMSettings | None = None,
) -> str:
    """Changes when an event enters, leaves or gains/loses an article, when an event ages
    out of "recent", or when the writer or its settings change: exactly when a new
    version could read differently."""
    recent_cutoff = now - dt.timedelta(days=settings.recent_days)
    parts = sorted(f"{e.id}:{','.join(map(str, sorted(e.article_ids)))}" for e in events)
    recent = sorted(str(e.id) for e in events if e.last_seen >= recent_cutoff)
    writer: list[object] = [WRITER_VERSION, settings.model_dump(), rank.model_dump()]
    if llm is not None and llm.enabled:
        writer += [PROMPT_VERSION, llm.model_dump(exclude={"api_key_env"})]
    configuration = json.dumps(writer, sort_keys=True)
    text = "|".join(parts) + "#" + ",".join(recent) + "#" + configuration
    return hashlib.sha256(text.encode()).hexdigest()


def write_version(
    topic: Topic,
    ranked_events: Sequence[EventSummary],
    articles: Mapping[int, Article],
    *,
    now: dt.datetime,
    settings: WriteSettings,
    llm: LLMSettings | None = None,
    previous: Mapping[str, Any] | None = None,
    facet_vectors: Sequence[Vector] | None = None,
) -> WrittenVersion:
    """Plan, word (LLM when enabled, else extractive) and verify one version.

    ``previous`` is the topic's last published document: sections whose events did not
    change keep its wording (``incremental``).  Only articles in the topic's language are
    quoted; the events' others are listed as coverage (``coverage``).
    """
    everything = articles
    articles = prose_articles(everything, topic.language)
    plan = plan_briefing(
        topic, ranked_events, articles, now=now, settings=settings, facet_vectors=facet_vectors
    )
    result = None
    keys: dict[str, str] = {}
    if llm is not None and llm.enabled:
        config = LLMConfig(**llm.model_dump(exclude={"enabled"}))
        key = writer_key(config)
        kept = kept_sections(plan, previous, key)
        result = write_llm(plan, articles, settings, config, kept)
        draft = result.briefing
        if result.writer != WRITER_LLM:
            key = writer_key(None)
        # Sections left in extractive wording are offered to the model again next time.
        keys = {o.section: writer_key(None) for o in result.sections if o.writer != WRITER_LLM}
    else:
        key = writer_key(None)
        kept = kept_sections(plan, previous, key)
        draft = write_extractive(plan, articles, settings, kept)
    draft = stamp_sections(draft, plan, key, kept, keys)
    draft = dataclasses.replace(draft, timeline=build_timeline(plan.planned_events, articles))
    briefing, citations = verify_briefing(
        draft, articles, redundancy_threshold=settings.redundancy_threshold
    )
    briefing = dataclasses.replace(briefing, headline=compose_headline(briefing, articles))
    if len(articles) < len(everything):
        briefing = with_coverage(briefing, ranked_events, everything)
    inputs = tuple(sorted({a for e in plan.planned_events for a in e.article_ids}))
    if result is None:
        return WrittenVersion(briefing, tuple(citations), inputs)
    return WrittenVersion(
        briefing,
        tuple(citations),
        inputs,
        writer=result.writer,
        model=result.model,
        prompt_version=result.prompt_version,
        fallback_reason=result.fallback_reason,
        llm_rejected=result.rejected,
        llm_report=result.report(),
        llm_summary=describe(result),
    )


def writer_key(llm: LLMConfig | None) -> str:
    """Who words a section: a kept section must have been worded by the same writer."""
    if llm is None:
        return WRITER_VERSION
    return f"{WRITER_VERSION}/{PROMPT_VERSION}/{llm.model}/{llm.temperature}"


def version_diff(previous: dict[str, Any] | None, current: dict[str, Any]) -> dict[str, Any]:
    """What changed since the previous version: events and bullets added or removed."""
    if previous is None:
        return {"first_version": True, "events_added": current.get("event_ids", [])}
    before_events = set(previous.get("event_ids", []))
    after_events = set(current.get("event_ids", []))
    before_bullets = set(bullet_texts(previous))
    after_bullets = set(bullet_texts(current))
    return {
        "first_version": False,
        "previous_version": previous.get("version"),
        "events_added": sorted(after_events - before_events),
        "events_removed": sorted(before_events - after_events),
        "bullets_added": sorted(after_bullets - before_bullets),
        "bullets_removed": sorted(before_bullets - after_bullets),
        "headline_changed": previous.get("headline") != current.get("headline"),
        **section_changes(previous, current),
    }


def section_changes(previous: dict[str, Any], current: dict[str, Any]) -> dict[str, list[str]]:
    """Titles of the sections taken over word for word, and of those written anew."""
    before = {s.get("fingerprint") for s in previous.get("sections", []) if s.get("fingerprint")}
    kept: list[str] = []
    rewritten: list[str] = []
    for section in current.get("sections", []):
        (kept if section.get("fingerprint") in before else rewritten).append(section["title"])
    return {"sections_kept": kept, "sections_rewritten": rewritten}


def bullet_texts(document: dict[str, Any]) -> list[str]:
    texts = []
    groups = [section.get("bullets", []) for section in document.get("sections", [])]
    groups += [document.get("notable", []), document.get("implications", [])]
    for bullets in groups:
        stack = list(bullets)
        while stack:
            bullet = stack.pop()
            texts.append(bullet["text"])
            stack.extend(bullet.get("children", []))
    return texts
