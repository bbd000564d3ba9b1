"""The timeline: key events with a stated date, oldest first, checked, and rendered."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from newspulse.domain import Article, EventSummary, TimelineEntry
from newspulse.publish.templating import render_template
from newspulse.publish.views import Citation
from newspulse.settings import WriteSettings
from newspulse.write.briefing import write_version
from newspulse.write.timeline import build_timeline
from newspulse.write.verify import verify_briefing
from tests.write.helpers import NOW, STORIES, TOPIC, build_stories


def titled(articles: dict[int, Article], **titles: str) -> dict[int, Article]:
    """Give articles real headlines: ``titled(a, a1="...")`` sets article 1's title."""
    changed = dict(articles)
    for key, title in titles.items():
        article_id = int(key[1:])
        changed[article_id] = dataclasses.replace(articles[article_id], title=title)
    return changed


def dated_case() -> tuple[list[EventSummary], dict[int, Article]]:
    events, articles = build_stories()
    articles = titled(
        articles,
        a1="MatX raises $500 million for its MatX One chip - Example News",
        a11="Western Digital sold out of hard drives for 2026",
        a21="Meta signs nuclear deals with Vistra, Oklo and TerraPower",
        a31="Alphabet plans up to $185 billion in 2026 capital expenditures",
    )
    # Events happen on different days: story n was first reported 30 - 5n days ago.
    for event in events:
        for offset, article_id in enumerate(event.article_ids):
            when = NOW - dt.timedelta(days=30 - 5 * (event.id - 1) - offset)
            articles[article_id] = dataclasses.replace(articles[article_id], published_at=when)
    # Story 3 (Meta) has only estimated dates: it never makes an entry.
    for article_id in events[2].article_ids:
        articles[article_id] = dataclasses.replace(articles[article_id], date_estimated=True)
    return events, articles


def test_entries_are_stated_dates_oldest_first_with_their_headline() -> None:
    events, articles = dated_case()
    timeline = build_timeline(events, articles)
    assert [entry.event_id for entry in timeline] == [1, 2, 4]
    assert [entry.date for entry in timeline] == sorted(entry.date for entry in timeline)
    first = timeline[0]
    assert first.date == (NOW - dt.timedelta(days=30)).date()
    assert first.text == "MatX raises $500 million for its MatX One chip"  # outlet suffix cut
    assert first.citations == ("a001",)
    # The most salient events are chosen before ordering by date.
    assert [e.event_id for e in build_timeline(events, articles, limit=2)] == [1, 2]


def test_a_made_up_title_gives_way_to_the_first_sentence() -> None:
    events, articles = dated_case()
    first = dataclasses.replace(articles[1], title="Matx raises 500m", title_derived=True)
    (entry,) = build_timeline(events[:1], {**articles, 1: first})
    assert entry.text == STORIES[0][0]


def test_a_teaser_headline_gives_way_to_the_first_sentence() -> None:
    events, articles = dated_case()
    teaser = dataclasses.replace(articles[1], title="Snail-speed superbrain, big-time drama")
    (entry,) = build_timeline(events[:1], {**articles, 1: teaser})
    assert entry.text == STORIES[0][0]
    told = dataclasses.replace(articles[1], title="Chip startup raises money for a new chip")
    (entry,) = build_timeline(events[:1], {**articles, 1: told})
    assert entry.text == "Chip startup raises money for a new chip"


def test_version_json_carries_the_verified_timeline() -> None:
    events, articles = dated_case()
    written = write_version(TOPIC, events, articles, now=NOW, settings=WriteSettings())
    timeline = written.briefing.to_json()["timeline"]
    assert [entry["event_id"] for entry in timeline] == [1, 2, 4]
    assert timeline[0] == {
        "date": (NOW - dt.timedelta(days=30)).date().isoformat(),
        "text": "MatX raises $500 million for its MatX One chip",
        "citations": ["a001"],
        "event_id": 1,
    }
    sources = {source["id"] for source in written.briefing.to_json()["sources"]}
    assert all(set(entry["citations"]) <= sources for entry in timeline)


def test_verifier_drops_entries_that_are_uncited_unsupported_or_stale() -> None:
    events, articles = dated_case()
    written = write_version(TOPIC, events, articles, now=NOW, settings=WriteSettings())
    good = written.briefing.timeline[0]
    day = good.date
    tampered = (
        good,
        TimelineEntry(day, "MatX raises $900 million", ("a001",), 1),  # no such figure
        TimelineEntry(day, "MatX raises $500 million", ("zzz",), 1),  # not a source
        TimelineEntry(day, "As of mid-2024, MatX raises $500 million", ("a001",), 1),
    )
    briefing = dataclasses.replace(written.briefing, timeline=tampered)
    verified, _ = verify_briefing(briefing, articles, redundancy_threshold=0.5)
    assert verified.timeline == (good,)


@dataclass(frozen=True)
class Moment:
    iso: str
    text: str


@dataclass(frozen=True)
class Entry:
    date: Moment
    text: str
    citations: tuple[Citation, ...]
    href: str | None = None


@dataclass(frozen=True)
class View:
    timeline: tuple[Entry, ...]


@dataclass(frozen=True)
class NoTimeline:
    headline: str = "h"


def test_template_renders_an_ordered_list_of_dated_items() -> None:
    entries = (
        Entry(Moment("2026-01-02", "2 Jan 2026"), "First <b>thing</b>", (Citation(1, "#s1", "t"),)),
        Entry(Moment("2026-02-03", "3 Feb 2026"), "Second", (), href="../events/4/"),
    )
    html = render_template("_timeline.html", briefing=View(entries))
    assert '<section class="timeline" aria-labelledby="timeline">' in html
    assert html.index("<ol") < html.index("2 Jan 2026") < html.index("3 Feb 2026")
    assert '<time datetime="2026-01-02">2 Jan 2026</time>' in html
    assert "First &lt;b&gt;thing&lt;/b&gt;" in html  # source text is escaped
    assert '<a href="#s1" title="t">[1]</a>' in html
    assert '<a href="../events/4/">Second</a>' in html
    assert render_template("_timeline.html", briefing=NoTimeline()).strip() == ""


def test_the_first_day_is_told_by_the_headline_its_reports_share() -> None:
    from tests.write.helpers import make_article, make_event

    kerry = (
        "President Trump on Monday slammed former Secretary of State John Kerry for reportedly "
        "working to save the Iran nuclear deal through shadow diplomacy."
    )
    articles = [
        make_article(1, "Liberals tried to criminalize contacts with Russia.", days_ago=2.3,
                     title="Where's the outrage over Kerry's collusion with Iran?"),
        make_article(2, kerry, days_ago=2.2,
                     title="Trump slams John Kerry for shadow diplomacy on Iran deal"),
        make_article(3, kerry, days_ago=2.1, title="Trump castigates Kerry over Iran nuclear deal"),
        make_article(4, kerry, days_ago=0.5, title="Trump slams Kerry again for Iran diplomacy"),
    ]  # fmt: skip
    by_id = {a.id: a for a in articles}
    (entry,) = build_timeline([make_event(1, articles, 0)], by_id)
    assert entry.text == "Trump slams John Kerry for shadow diplomacy on Iran deal"
    assert entry.citations == ("a002",)
    assert entry.date == by_id[1].published_at.date()
    # Only the first day's reports are candidates: a later report never dates the entry.
    (later,) = build_timeline([make_event(1, articles[3:], 0)], by_id)
    assert later.citations == ("a004",)


def test_a_real_headline_is_preferred_to_a_sentence_for_a_made_up_title() -> None:
    from tests.write.helpers import make_article, make_event

    text = (
        "Chinese customs authorities have told firms that Nvidia's H200 AI chips are not "
        "permitted to enter the country, according to sources familiar with the matter."
    )
    derived = dataclasses.replace(
        make_article(1, text, days_ago=2.3), title="China blocks h200", title_derived=True
    )
    real = make_article(2, text, days_ago=2.2, title="China blocks Nvidia's H200 chips at customs")
    (entry,) = build_timeline([make_event(1, [derived, real], 0)], {1: derived, 2: real})
    assert entry.text == "China blocks Nvidia's H200 chips at customs"
