"""Who words a version: the ``Writer`` protocol, the extractive and LLM writers, one factory.

Both writers share the plan (``plan``, over the articles in the topic's language; the
events' others are listed as coverage, ``coverage``) and the checks after wording
(stamps, timeline, verification, composed headline); they differ in who words the
sections.  Everything a version records about its writer (the fingerprint's writer part,
the reproducibility record, the notes in the document) comes from the writer object, so
the pipeline never names a writer's internals and a new writer is one more class here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from newspulse.domain import Article, Briefing, EventSummary, Topic, Vector
from newspulse.settings import LLMSettings, RankSettings, WriteSettings
from newspulse.text.repeats import EmbedTexts
from newspulse.write.compose import compose_headline
from newspulse.write.coverage import prose_articles, with_coverage
from newspulse.write.extractive import write_extractive
from newspulse.write.incremental import kept_sections, stamp_sections
from newspulse.write.llm import PROMPT_VERSION, WRITER_LLM, LLMResult, describe, write_llm
from newspulse.write.llm_client import LLMConfig
from newspulse.write.plan import BriefingPlan, plan_briefing
from newspulse.write.timeline import build_timeline
from newspulse.write.verify import CitationRecord, verify_briefing

# Bump when the writer's output changes for the same input, so every topic is rewritten.
WRITER_VERSION = "extractive-9"
EXTRACTIVE = "extractive"


@dataclass(frozen=True, slots=True)
class WrittenVersion:
    briefing: Briefing
    citations: tuple[CitationRecord, ...]
    input_article_ids: tuple[int, ...]
    writer: str = EXTRACTIVE
    model: str | None = None
    prompt_version: str | None = None
    fallback_reason: str | None = None
    llm_rejected: tuple[str, ...] = ()
    # The LLM writer's run: mode, requests, tokens, seconds, each section's writer and why.
    llm_report: dict[str, Any] | None = None
    llm_summary: str | None = None


class Writer(Protocol):
    """Words one topic version from its ranked events; chosen by ``create_writer``."""

    @property
    def name(self) -> str:
        """``extractive`` or ``llm``: the writer asked for (a version may fall back)."""
        ...

    @property
    def version(self) -> str:
        """Who words a section: a section kept from the previous version must carry it."""
        ...

    def fingerprint_parts(self, settings: WriteSettings, rank: RankSettings) -> list[object]:
        """The writer's part of a version's fingerprint: a new version when it changes."""
        ...

    def record(self, written: WrittenVersion) -> dict[str, Any]:
        """The writer's keys of the reproducibility record stored with a version."""
        ...

    def write(
        self,
        topic: Topic,
        ranked_events: Sequence[EventSummary],
        articles: Mapping[int, Article],
        *,
        now: dt.datetime,
        settings: WriteSettings,
        previous: Mapping[str, Any] | None = None,
        facet_vectors: Sequence[Vector] | None = None,
        embed: EmbedTexts | None = None,
    ) -> WrittenVersion: ...


def writer_key(llm: LLMConfig | None) -> str:
    """Who words a section: a kept section must have been worded by the same writer."""
    if llm is None:
        return WRITER_VERSION
    return f"{WRITER_VERSION}/{PROMPT_VERSION}/{llm.model}/{llm.temperature}"


@dataclass(frozen=True, slots=True)
class ExtractiveWriter:
    """Sections worded from the articles' own sentences (``extractive``)."""

    name: str = EXTRACTIVE

    @property
    def version(self) -> str:
        return writer_key(None)

    def fingerprint_parts(self, settings: WriteSettings, rank: RankSettings) -> list[object]:
        return [WRITER_VERSION, settings.model_dump(), rank.model_dump()]

    def record(self, written: WrittenVersion) -> dict[str, Any]:
        return run_record(written, llm=None)

    def write(
        self,
        topic: Topic,
        ranked_events: Sequence[EventSummary],
        articles: Mapping[int, Article],
        *,
        now: dt.datetime,
        settings: WriteSettings,
        previous: Mapping[str, Any] | None = None,
        facet_vectors: Sequence[Vector] | None = None,
        embed: EmbedTexts | None = None,
    ) -> WrittenVersion:
        page = plan_page(
            topic, ranked_events, articles, now=now, settings=settings, facet_vectors=facet_vectors
        )
        page = dataclasses.replace(page, embed=embed)
        kept = kept_sections(page.plan, previous, self.version)
        draft = write_extractive(page.plan, page.prose, settings, kept)
        draft = stamp_sections(draft, page.plan, self.version, kept, {})
        briefing, citations = finish_page(draft, page, ranked_events, settings)
        return WrittenVersion(briefing, tuple(citations), input_ids(page.plan))


@dataclass(frozen=True, slots=True)
class LLMWriter:
    """Sections worded by a model from the extractive plan's facts (``write.llm``)."""

    settings: LLMSettings
    name: str = WRITER_LLM

    @property
    def config(self) -> LLMConfig:
        return LLMConfig(**self.settings.model_dump(exclude={"enabled"}))

    @property
    def version(self) -> str:
        return writer_key(self.config)

    def fingerprint_parts(self, settings: WriteSettings, rank: RankSettings) -> list[object]:
        return [
            *ExtractiveWriter().fingerprint_parts(settings, rank),
            PROMPT_VERSION,
            self.settings.model_dump(exclude={"api_key_env"}),
        ]

    def record(self, written: WrittenVersion) -> dict[str, Any]:
        return run_record(written, llm=self.settings.model_dump())

    def write(
        self,
        topic: Topic,
        ranked_events: Sequence[EventSummary],
        articles: Mapping[int, Article],
        *,
        now: dt.datetime,
        settings: WriteSettings,
        previous: Mapping[str, Any] | None = None,
        facet_vectors: Sequence[Vector] | None = None,
        embed: EmbedTexts | None = None,
    ) -> WrittenVersion:
        page = plan_page(
            topic, ranked_events, articles, now=now, settings=settings, facet_vectors=facet_vectors
        )
        page = dataclasses.replace(page, embed=embed)
        key = self.version
        kept = kept_sections(page.plan, previous, key)
        result = write_llm(page.plan, page.prose, settings, self.config, kept)
        if result.writer != WRITER_LLM:
            key = writer_key(None)
        # Sections left in extractive wording are offered to the model again next time.
        keys = {o.section: writer_key(None) for o in result.sections if o.writer != WRITER_LLM}
        draft = stamp_sections(result.briefing, page.plan, key, kept, keys)
        briefing, citations = finish_page(draft, page, ranked_events, settings)
        return llm_version(result, briefing, citations, input_ids(page.plan))


@dataclass(frozen=True, slots=True)
class PlannedPage:
    """A page planned over the articles in the topic's language (``prose``: what may be
    quoted) and every article behind its events (other languages are listed as coverage)."""

    plan: BriefingPlan
    prose: Mapping[int, Article]
    everything: Mapping[int, Article]
    # The encoder's texts-to-vectors, so the verifier applies the gauge's meaning rule.
    embed: EmbedTexts | None = None


def plan_page(
    topic: Topic,
    ranked_events: Sequence[EventSummary],
    articles: Mapping[int, Article],
    *,
    now: dt.datetime,
    settings: WriteSettings,
    facet_vectors: Sequence[Vector] | None,
) -> PlannedPage:
    """The plan every writer starts from: the same for the extractive and the LLM writer."""
    prose = prose_articles(articles, topic.language)
    plan = plan_briefing(
        topic, ranked_events, prose, now=now, settings=settings, facet_vectors=facet_vectors
    )
    return PlannedPage(plan, prose, articles)


def finish_page(
    draft: Briefing,
    page: PlannedPage,
    ranked_events: Sequence[EventSummary],
    settings: WriteSettings,
) -> tuple[Briefing, list[CitationRecord]]:
    """``finish``, then the other-language articles listed under Sources as coverage."""
    briefing, citations = finish(draft, page.plan, page.prose, settings, embed=page.embed)
    if len(page.prose) < len(page.everything):
        briefing = with_coverage(briefing, ranked_events, page.everything)
    return briefing, citations


def create_writer(llm: LLMSettings | None) -> Writer:
    """The LLM writer when ``llm`` is enabled, else the extractive writer."""
    if llm is not None and llm.enabled:
        return LLMWriter(llm)
    return ExtractiveWriter()


def finish(
    draft: Briefing,
    plan: BriefingPlan,
    articles: Mapping[int, Article],
    settings: WriteSettings,
    *,
    embed: EmbedTexts | None = None,
) -> tuple[Briefing, list[CitationRecord]]:
    """What every writer's draft goes through: timeline, verification, composed headline."""
    draft = dataclasses.replace(draft, timeline=build_timeline(plan.planned_events, articles))
    briefing, citations = verify_briefing(
        draft, articles, redundancy_threshold=settings.redundancy_threshold, embed=embed
    )
    # The plan's events are in salience order (``plan_briefing``).
    headline = compose_headline(briefing, [e.id for e in plan.events])
    briefing = dataclasses.replace(briefing, headline=headline)
    return briefing, citations


def input_ids(plan: BriefingPlan) -> tuple[int, ...]:
    return tuple(sorted({a for e in plan.planned_events for a in e.article_ids}))


def llm_version(
    result: LLMResult,
    briefing: Briefing,
    citations: Sequence[CitationRecord],
    inputs: tuple[int, ...],
) -> WrittenVersion:
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


def run_record(written: WrittenVersion, *, llm: dict[str, Any] | None) -> dict[str, Any]:
    """The reproducibility record's writer keys (issue 5, item 9); their names are stored."""
    return {
        "writer_version": WRITER_VERSION,
        "prompt_version": written.prompt_version,
        "llm": llm,
        "fallback_reason": written.fallback_reason,
        "llm_rejected": list(written.llm_rejected),
        "llm_run": written.llm_report,
    }


def annotate(document: dict[str, Any], written: WrittenVersion) -> None:
    """The document's writer notes: who wrote it and, for the LLM writer, what it did."""
    document["writer"] = written.writer
    if written.llm_report is not None and isinstance(document.get("verification"), dict):
        document["verification"]["llm"] = llm_note(written.llm_report)


def llm_note(report: Mapping[str, Any]) -> dict[str, Any]:
    """The verification note's part about the LLM writer: which sections the model wrote,
    which kept their extractive wording and why, what was withheld and refused."""
    return {
        "writer": report.get("writer"),
        "mode": report.get("mode"),
        "fallback_reason": report.get("fallback_reason"),
        "sections": [
            {"title": s.get("section"), "writer": s.get("writer"), "reason": s.get("reason")}
            for s in report.get("sections", [])
        ],
        "withheld": len(report.get("withheld", [])),
        "refusals": len(report.get("refusals", [])),
    }
