"""Incremental versions: unchanged sections keep their exact wording; the diff shows real change."""

from __future__ import annotations

import copy
import dataclasses
from typing import Any

from newspulse.domain import Article, EventSummary
from newspulse.settings import LLMSettings, WriteSettings
from newspulse.write.briefing import version_diff, write_version, writer_key
from newspulse.write.incremental import kept_sections
from newspulse.write.llm_client import LLMConfig
from newspulse.write.plan import plan_briefing
from tests.llmserver import facts_of, rewording, running_llm_server
from tests.write.helpers import NOW, STORIES, TOPIC, make_article, make_event

SETTINGS = WriteSettings()
MORE_STORIES = (
    (
        "Nvidia reported quarterly revenue of $68.13 billion, up 73% from a year earlier, "
        "driven by data center sales.",
        "Nvidia's quarterly revenue rose 73% to $68.13 billion on data center demand.",
    ),
    (
        "TSMC expects capital expenditures between $52 billion and $56 billion in 2026, "
        "chief financial officer Wendell Huang said.",
        "TSMC plans to spend $52 billion to $56 billion on capital expenditures in 2026.",
    ),
)
LATE_NEWS = (
    "Alphabet will fund its data center expansion with $25 billion of new bonds, "
    "chief financial officer Anat Ashkenazi said."
)


def six_events() -> tuple[list[EventSummary], dict[int, Article]]:
    """Three themes of two events each (events 1-2, 3-4 and 5-6 share a direction)."""
    articles: dict[int, Article] = {}
    events = []
    for number, story in enumerate((*STORIES, *MORE_STORIES)):
        members = [
            make_article(number * 10 + n + 1, text, title=f"Story {number}", days_ago=20)
            for n, text in enumerate(story)
        ]
        articles.update((a.id, a) for a in members)
        events.append(make_event(number + 1, members, direction=number // 2, salience=6 - number))
    return events, articles


def with_late_article(
    events: list[EventSummary], articles: dict[int, Article]
) -> tuple[list[EventSummary], dict[int, Article]]:
    """Event 4 (Alphabet, second theme) gains an article."""
    late = make_article(99, LATE_NEWS, title="Story 3", days_ago=19)
    changed = [
        make_event(4, [*(articles[a] for a in e.article_ids), late], direction=1, salience=3)
        if e.id == 4
        else e
        for e in events
    ]
    return changed, {**articles, 99: late}


def sections_by_events(document: dict[str, Any]) -> dict[tuple[int, ...], dict[str, Any]]:
    return {tuple(sorted(s["event_ids"])): s for s in document["sections"]}


def test_unchanged_sections_keep_their_exact_wording() -> None:
    events, articles = six_events()
    first = write_version(TOPIC, events, articles, now=NOW, settings=SETTINGS)
    previous = first.briefing.to_json()
    assert set(sections_by_events(previous)) == {(1, 2), (3, 4), (5, 6)}
    # Reword the section's first bullet with another published sentence: a kept section must
    # come back with this wording, not be recomposed.
    previous = copy.deepcopy(previous)
    first_bullet = sections_by_events(previous)[(1, 2)]["bullets"][0]
    assert first_bullet["event_id"] in (1, 2)
    story = STORIES[first_bullet["event_id"] - 1]
    first_bullet["text"] = next(s for s in story if s != first_bullet["text"])

    changed, more = with_late_article(events, articles)
    second = write_version(TOPIC, changed, more, now=NOW, settings=SETTINGS, previous=previous)
    current = second.briefing.to_json()
    before, after = sections_by_events(previous), sections_by_events(current)
    assert after[(1, 2)] == before[(1, 2)]
    assert after[(5, 6)] == before[(5, 6)]
    assert after[(3, 4)]["fingerprint"] != before[(3, 4)]["fingerprint"]
    assert any(
        "$25 billion" in b["text"] for b in [*after[(3, 4)]["bullets"], *after[(3, 4)]["intro"]]
    ) or any("$25 billion" in c["text"] for b in after[(3, 4)]["bullets"] for c in b["children"])

    diff = version_diff(previous, current)
    assert diff["events_added"] == diff["events_removed"] == []
    assert diff["sections_kept"] == [before[(1, 2)]["title"], before[(5, 6)]["title"]]
    assert diff["sections_rewritten"] == [after[(3, 4)]["title"]]
    kept_texts = {b["text"] for key in [(1, 2), (5, 6)] for b in before[key]["bullets"]}
    assert not kept_texts & set(diff["bullets_added"] + diff["bullets_removed"])
    # Nothing the kept sections say is said again elsewhere.
    assert second.briefing.verification is not None
    assert second.briefing.verification.withheld == ()


def test_nothing_is_kept_for_another_writer_or_without_a_previous_version() -> None:
    events, articles = six_events()
    first = write_version(TOPIC, events, articles, now=NOW, settings=SETTINGS)
    previous = first.briefing.to_json()
    plan = plan_briefing(TOPIC, events, articles, now=NOW, settings=SETTINGS)
    assert len(kept_sections(plan, previous, writer_key(None))) == 3
    llm = LLMConfig(base_url="http://127.0.0.1:9/v1", model="m")
    assert kept_sections(plan, previous, writer_key(llm)) == {}
    assert kept_sections(plan, None, writer_key(None)) == {}
    # A version written before sections carried fingerprints keeps nothing.
    for section in previous["sections"]:
        del section["fingerprint"]
    assert kept_sections(plan, previous, writer_key(None)) == {}


def test_notable_never_repeats_an_event_of_the_sections() -> None:
    """Event 2, recent and second in its theme (event 1 leads it), is told in Notable only."""
    events, articles = six_events()
    recent = {a: dataclasses.replace(articles[a], published_at=NOW) for a in events[1].article_ids}
    articles = {**articles, **recent}
    events[1] = make_event(2, [articles[a] for a in events[1].article_ids], 0, salience=5)
    first = write_version(TOPIC, events, articles, now=NOW, settings=SETTINGS)
    second = write_version(
        TOPIC, events, articles, now=NOW, settings=SETTINGS, previous=first.briefing.to_json()
    )
    for written in (first, second):
        in_sections = {b.event_id for s in written.briefing.sections for b in s.bullets}
        notable = {b.event_id for b in written.briefing.notable}
        assert notable == {2}
        assert not notable & in_sections


def test_llm_writer_keeps_unchanged_sections_and_words_only_the_changed_one() -> None:
    events, articles = six_events()
    changed, more = with_late_article(events, articles)
    matx = STORIES[0][1]

    def word(number: int, text: str) -> str:
        return matx if "MatX" in text else text

    with running_llm_server() as server:
        server.respond_with(rewording(word))
        llm = LLMSettings(
            enabled=True, base_url=server.base_url, model="test-model", timeout=2, max_retries=0
        )
        first = write_version(TOPIC, events, articles, now=NOW, settings=SETTINGS, llm=llm)
        assert first.writer == "llm"
        previous = first.briefing.to_json()
        plan = plan_briefing(TOPIC, changed, more, now=NOW, settings=SETTINGS)
        kept = frozenset(kept_sections(plan, previous, writer_key(config_of(llm))))
        assert len(kept) == 2
        server.reset()
        server.respond_with(rewording(word))
        second = write_version(
            TOPIC, changed, more, now=NOW, settings=SETTINGS, llm=llm, previous=previous
        )
    assert second.writer == "llm"
    # The model was shown only what changed: no fact of a kept section was sent.
    asked = [text for r in server.requests for text in facts_of(r).values()]
    before, after = sections_by_events(previous), sections_by_events(second.briefing.to_json())
    for events_of_kept in ((1, 2), (5, 6)):
        for bullet in before[events_of_kept]["bullets"]:
            assert bullet["text"] not in asked
    assert any("Alphabet" in text for text in asked)
    assert after[(1, 2)] == before[(1, 2)]
    assert after[(5, 6)] == before[(5, 6)]
    assert after[(3, 4)]["fingerprint"] != before[(3, 4)]["fingerprint"]
    assert second.llm_report is not None
    worded = [s["section"] for s in second.llm_report["sections"] if s["writer"] == "llm"]
    assert after[(3, 4)]["title"] in worded
    assert second.llm_rejected == ()


def config_of(llm: LLMSettings) -> LLMConfig:
    return LLMConfig(**llm.model_dump(exclude={"enabled"}))
