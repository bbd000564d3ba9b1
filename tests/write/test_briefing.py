from __future__ import annotations

import dataclasses
import datetime as dt

from newspulse.domain import Article, EventSummary, Topic
from newspulse.settings import RankSettings, WriteSettings
from newspulse.write.briefing import events_fingerprint, version_diff, write_version
from newspulse.write.details import (
    adds_detail,
    amounts_first,
    child_count,
    resolved_on,
    retells,
)
from newspulse.write.evidence import Candidate
from newspulse.write.extractive import (
    Composer,
    lead_statements,
    section_intro,
    write_extractive,
)
from newspulse.write.plan import BriefingPlan, ThemePlan
from tests.write.helpers import NOW, STORIES, TOPIC, build_stories, make_article, make_event


def build() -> tuple[Topic, list[EventSummary], dict[int, Article]]:
    events, articles = build_stories()
    return TOPIC, events, articles


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
    # The MatX story leads its theme: its fact is told once, in the lead or as a bullet.
    told = [*document["lead"], *(b for s in document["sections"] for b in s["bullets"])]
    matx = next(b for b in told if "MatX" in b["text"])
    assert set(matx["citations"]) == {"a001", "a002"}
    assert written.input_article_ids == tuple(sorted(articles))


def test_fingerprint_and_diff() -> None:
    topic, events, articles = build()

    def fingerprint(chosen: list[EventSummary], **changes: object) -> str:
        return events_fingerprint(
            chosen,
            now=changes.pop("now", NOW),  # type: ignore[arg-type]
            settings=WriteSettings(**changes),
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


def test_relative_time_in_a_quoted_sentence_is_anchored_to_its_article() -> None:
    stories = (
        (
            "Tether announced today that its USAT stablecoin will launch in the United States "
            "with $500 million in reserves.",
            "Tether said today its USAT stablecoin will launch in the United States with $500 "
            "million in reserves.",
        ),
        *STORIES[1:],
    )
    events, articles = build_stories(stories, days_ago=20)
    written = write_version(TOPIC, events, articles, now=NOW, settings=WriteSettings(min_themes=2))
    document = written.briefing.to_json()
    texts = [b["text"] for s in document["sections"] for b in s["bullets"]]
    texts += [s["text"] for s in document["lead"] + document["summary"]]
    said_on = (NOW - dt.timedelta(days=20)).date()
    tether = [t for t in texts if "USAT" in t]
    assert tether
    assert all("today" not in t.lower() for t in tether)
    assert any(f"on {said_on.day} {said_on:%b} {said_on.year}" in t for t in tether)


def test_a_notable_story_keeps_the_details_its_coverage_earns() -> None:
    main = "Bitcoin fell below $90,000 on 18 November 2025, erasing its gains for the year."
    details = (
        "More than $19 billion of leveraged positions were liquidated on 10 October 2025.",
        "Spot bitcoin ETFs lost $866.7 million on 13 November 2025 in a single day.",
        "BlackRock's IBIT fund posted a record outflow of $523 million on 19 November 2025.",
    )
    texts = [f"{main} {detail}" for detail in details] + [main] * 3
    articles = [make_article(i + 1, text, title="Bitcoin slides") for i, text in enumerate(texts)]
    event = make_event(1, articles, 0)
    composer = Composer(articles={a.id: a for a in articles}, settings=WriteSettings())
    bullet = composer.notable_bullet(event)
    assert bullet is not None
    assert bullet.text == main
    assert len(bullet.children) == child_count(event) == 2


def test_the_lead_names_the_story_rather_than_an_aside_with_a_figure() -> None:
    """Without a figure-bearing sentence on the story, the lead takes the story's own
    main fact, not a columnist's aside that happens to hold an amount."""
    aside = (
        "People spend ridiculous money to come to elite sport and scream abuse at the men "
        "they paid $750 to watch."
    )
    story = "Rory McIlroy delivered a strong rebuke to fans at Bethpage Black during the Ryder Cup."
    golf = [
        make_article(1, f"{story} {aside}", title="McIlroy condemns Ryder Cup fan abuse"),
        make_article(2, f"{story} {aside}", title="McIlroy rebukes Ryder Cup crowd"),
    ]
    assert lead_of(golf) == [story]


def lead_of(story: list[Article]) -> list[str]:
    """The lead of a two-event theme: ``story`` (the more salient) and a chip sale."""
    other = [make_article(3, "Nvidia sold $68 billion of chips in its fourth quarter.")]
    events = (make_event(1, story, 0, salience=2.0), make_event(2, other, 1))
    plan = BriefingPlan(
        topic=TOPIC, now=NOW, events=events, themes=(ThemePlan("Theme", events),), notable=()
    )
    composer = Composer(articles={a.id: a for a in [*story, *other]}, settings=WriteSettings())
    return [s.text for s in lead_statements(composer, plan)]


def test_a_sub_bullet_that_retells_a_told_one_with_descriptors_gives_way() -> None:
    told = Candidate(
        text="G42 and Cerebras announced an 8-exaflop AI supercomputer deploying in India for "
        "government bodies and SMEs."
    )
    retold = Candidate(
        text="G42, a cloud computing company based in Abu Dhabi, has formed a strategic "
        "partnership with Cerebras Systems, a U.S.-based chip maker, to build computing "
        "infrastructure in India."
    )
    new_actors = Candidate(
        text="G42 and Cerebras will also work with India's C-DAC and the MBZUAI university "
        "to train models on the system in India."
    )
    new_number = Candidate(
        text="G42 said the Cerebras system in India will draw 300 megawatts and cost $1.2 billion "
        "for government users."
    )
    assert retells(retold, told)
    assert not adds_detail(retold, [told])
    assert not retells(new_actors, told)
    assert adds_detail(new_actors, [told])
    assert retells(new_number, told)
    assert adds_detail(new_number, [told])


def test_a_retelling_leaves_its_place_to_the_next_detail() -> None:
    main = (
        "India's AI Impact Summit 2026 concluded in New Delhi on 20 February 2026 with "
        "pledges from conglomerates and global technology firms."
    )
    told = (
        "G42 and Cerebras announced an 8-exaflop AI supercomputer deploying in India to "
        "support government bodies and SMEs."
    )
    retold = (
        "G42, a cloud computing company based in Abu Dhabi, has formed a strategic "
        "partnership with Cerebras Systems, a U.S.-based chip maker, to build a massive "
        "computing infrastructure in India."
    )
    detail = "Adani Group announced a $100 billion commitment to build AI data centres by 2035."
    texts = [f"{main} {told} {retold}"] * 3 + [f"{main} {detail}", main]
    articles = [make_article(i + 1, t, title="India AI summit") for i, t in enumerate(texts)]
    event = make_event(1, articles, 0)
    composer = Composer(articles={a.id: a for a in articles}, settings=WriteSettings())
    bullet = composer.bullet_for(event, max_children=2)
    assert bullet is not None
    assert bullet.text == main
    assert [c.text for c in bullet.children] == [told, detail]


def test_a_neighbours_story_does_not_frame_the_section() -> None:
    own_text = "Anthropic launched Claude Cowork on 12 January 2026 as a desktop agent for files."
    slice_text = (
        "The Pentagon formally notified Anthropic that its products are treated as a supply "
        "chain risk under a directive from the Defense Secretary."
    )
    own_articles = [make_article(i, own_text, title="Cowork") for i in (1, 2)]
    slice_articles = [make_article(i, slice_text, title="Pentagon") for i in (3, 4, 5)]
    own = make_event(1, own_articles, 0)
    part = dataclasses.replace(make_event(2, slice_articles, 1), topic_share=0.4)
    articles = {a.id: a for a in [*own_articles, *slice_articles]}
    composer = Composer(articles=articles, settings=WriteSettings())
    (intro,) = section_intro(composer, [part, own])
    assert intro.text == own_text
    (intro,) = section_intro(Composer(articles=articles, settings=WriteSettings()), [part])
    assert intro.text == slice_text


def test_an_event_of_two_episodes_is_told_as_two_bullets_of_that_event() -> None:
    """A crash and the slide weeks later, clustered as one running story: each episode
    gets its own bullet (and its own details), both linked to the one stored event."""
    events, articles = build_stories(STORIES[:2])
    first, second = events
    whole = dataclasses.replace(
        first,
        article_ids=first.article_ids + second.article_ids,
        sources=first.sources + second.sources,
        episodes=(second.article_ids, first.article_ids),
    )
    composer = Composer(articles=articles, settings=WriteSettings())
    bullets = composer.bullets_for(whole)
    assert [b.event_id for b in bullets] == [whole.id, whole.id]
    assert "Western Digital" in bullets[0].text
    assert "MatX" in bullets[1].text
    told_once = Composer(articles=articles, settings=WriteSettings())
    assert len(told_once.bullets_for(dataclasses.replace(whole, episodes=()))) == 1


def test_a_one_event_section_opens_on_its_main_fact() -> None:
    """A section of one event has no intro: the side fact an intro would have put before the
    event's bullet is its last detail, after the main fact."""
    main = "Nvidia agreed to buy Groq's chip designs for $20 billion in cash on 24 December 2025."
    side = "Groq was founded in 2016 by former Google engineers Jonathan Ross and Douglas Wightman."
    detail = "GroqCloud stays independent under its new chief executive Simon Edwards in 2026."
    texts = [f"{main} {side}", f"{main} {detail}", main]
    articles = [make_article(i + 1, text, title="Nvidia buys Groq") for i, text in enumerate(texts)]
    event = make_event(1, articles, 0)
    by_id = {a.id: a for a in articles}
    theme = ThemePlan("Chip deals", (event,))
    plan = BriefingPlan(TOPIC, NOW, events=(event,), themes=(theme,), notable=())
    (section,) = write_extractive(plan, by_id, WriteSettings()).sections
    assert section.intro == ()
    (bullet,) = section.bullets
    assert bullet.text == main
    assert [c.text for c in bullet.children][-1] in (side, detail)
    assert {c.text for c in bullet.children} == {side, detail}


def test_the_lead_tells_the_story_rather_than_someones_account_of_it() -> None:
    """ "Future XRP observed that the ETF commenced trading with 10,000 shares" is a
    commentator's view of the story (with a figure); the lead takes the story."""
    view = (
        "Future XRP observed that the Canary XRP ETF commenced trading with 10,000 shares at "
        "$25 each."
    )
    story = "Canary Capital launched the first U.S. spot XRP ETF on Nasdaq under the ticker XRPC."
    launch = [
        make_article(1, f"{view} {story}", title="Canary XRP ETF launches on Nasdaq"),
        make_article(2, f"{story} {view}", title="Canary Capital XRP ETF debuts"),
    ]
    assert lead_of(launch) == [story]


SUMMIT = (
    "Global leaders flocked to New Delhi to attend India's AI Impact Summit 2026, which "
    "concluded on 20 February at the Bharat Mandapam.",
    "The summit, described by minister Ashwini Vaishnaw as a grand success, served as the "
    "stage for $250 billion in AI infrastructure pledges.",
)


def test_a_detail_that_leans_on_what_its_bullet_names_is_told_with_the_name() -> None:
    """ "The summit, ..." stands under a bullet naming the summit, as that name; the same
    sentence under a bullet that names no summit is left out, as is "The company ..."."""
    articles = [
        make_article(1, " ".join(SUMMIT), title="India AI Impact Summit 2026 concludes"),
        make_article(2, " ".join(SUMMIT), title="AI Impact Summit ends in New Delhi"),
    ]
    composer = Composer(articles={a.id: a for a in articles}, settings=WriteSettings())
    bullet = composer.bullet_for(make_event(1, articles, 0))
    assert bullet is not None
    assert bullet.text == SUMMIT[0]
    assert [c.text for c in bullet.children] == [
        "The AI Impact Summit 2026, described by minister Ashwini Vaishnaw as a grand "
        "success, served as the stage for $250 billion in AI infrastructure pledges."
    ]
    leaning = [Candidate(SUMMIT[1], 1, 1), Candidate("The company raised $5 billion in 2026.")]
    assert [c.text for c in resolved_on(leaning, SUMMIT[0])] == [bullet.children[0].text]
    assert resolved_on(leaning, "Modi opened a summit in New Delhi on 16 February 2026.") == []


def test_details_that_add_an_amount_come_before_those_that_add_only_names() -> None:
    main = Candidate("Reliance will invest $110 billion in AI data centres in India by 2033.")
    names = Candidate("Reliance and Jio will work with Google and Meta on the data centres.")
    years = Candidate("Reliance first announced its AI plans for India in 2024 and 2025.")
    amount = Candidate("Adani will invest $100 billion in AI data centres in India by 2035.")
    ranked = [(main, []), (names, []), (years, []), (amount, [])]
    assert [c for c, _ in amounts_first(ranked, main)] == [amount, main, names, years]
