from __future__ import annotations

import datetime as dt

from newspulse.domain import Topic
from newspulse.settings import RankSettings, WriteSettings
from newspulse.write.briefing import events_fingerprint, version_diff, write_version
from tests.write.helpers import NOW, make_article, make_event

STORIES = [
    [
        "Artificial Intelligence chip startup MatX has raised $500 million in a Series B round "
        "led by Jane Street to build its MatX One processor.",
        "MatX raised $500 million in a Series B round led by Jane Street for its MatX One chip.",
    ],
    [
        "Western Digital has sold out of hard drives for 2026 as AI companies buy most of its "
        "storage capacity, chief executive Irving Tan said.",
        "Western Digital chief executive Irving Tan said the company has sold out of hard drives "
        "for 2026.",
    ],
    [
        "Meta signed three nuclear energy agreements with Vistra, Oklo and TerraPower to power "
        "its Prometheus AI data center in New Albany, Ohio.",
        "Vistra, Oklo and TerraPower will supply 6.6 GW of nuclear power to Meta's Prometheus "
        "data center in Ohio.",
    ],
    [
        "Alphabet said it expects 2026 capital expenditures of $175 billion to $185 billion, "
        "more than double its 2025 spending.",
        "Alphabet plans capital expenditures of $175 billion to $185 billion in 2026, analysts "
        "said the spending could pressure margins.",
    ],
]


def build() -> tuple[Topic, list, dict]:
    articles = {}
    events = []
    for number, story in enumerate(STORIES):
        members = []
        for offset, text in enumerate(story):
            article_id = number * 10 + offset + 1
            members.append(make_article(article_id, text, title=f"Story {number}", days_ago=20))
            articles[article_id] = members[-1]
        events.append(make_event(number + 1, members, direction=number, salience=4 - number))
    return Topic("ai-infra", "ai", "AI Infrastructure", "tag", "desc"), events, articles


def test_version_cites_all_supporters_and_counts_sources() -> None:
    topic, events, articles = build()
    written = write_version(topic, events, articles, now=NOW, settings=WriteSettings(min_themes=2))
    document = written.briefing.to_json()
    ids = {source["id"] for source in document["sources"]}
    assert document["source_count"] == len(document["sources"]) == 8
    statements = [*document["lead"], *document["summary"]]
    for section in document["sections"]:
        statements += section["intro"] + section["bullets"]
    assert statements
    assert all(s["citations"] and set(s["citations"]) <= ids for s in statements)
    matx = next(b for s in document["sections"] for b in s["bullets"] if "MatX" in b["text"])
    assert set(matx["citations"]) == {"a001", "a002"}
    assert written.input_article_ids == tuple(sorted(articles))


def test_fingerprint_and_diff() -> None:
    topic, events, articles = build()

    def fingerprint(chosen: list, **changes: object) -> str:
        return events_fingerprint(
            chosen,
            now=changes.pop("now", NOW),  # type: ignore[arg-type]
            settings=WriteSettings(**changes),  # type: ignore[arg-type]
            rank=RankSettings(),
        )

    assert fingerprint(events) == fingerprint(list(reversed(events)))
    assert fingerprint(events) != fingerprint(events[:-1])
    assert fingerprint(events) != fingerprint(events, max_notable=2)
    # 20 days after the articles the events are no longer "recent" at a 30-day limit.
    assert fingerprint(events, recent_days=30) != fingerprint(
        events, recent_days=30, now=NOW + dt.timedelta(days=15)
    )
    first = write_version(topic, events, articles, now=NOW, settings=WriteSettings())
    second = write_version(topic, events[:-1], articles, now=NOW, settings=WriteSettings())
    diff = version_diff(first.briefing.to_json(), second.briefing.to_json())
    assert diff["events_removed"] == [4]
    assert diff["events_added"] == []
    assert version_diff(None, first.briefing.to_json())["first_version"] is True
