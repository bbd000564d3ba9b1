from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from newspulse.domain import Briefing, Bullet, Section, SourceRef, Statement, Topic
from newspulse.write.verify import verify_briefing
from tests.write.helpers import NOW, make_article

TOPIC = Topic("t", "ai", "T", "tag", "desc")
ARTICLES = {
    1: make_article(
        1, "Nvidia's total quarterly revenue surged 73% year-on-year, rising to $68.13 billion."
    ),
    2: make_article(2, "Meta signed nuclear deals with Vistra, Oklo and TerraPower in January."),
}


def briefing(bullets: list[Bullet], lead: list[Statement] | None = None) -> Briefing:
    sources = tuple(
        SourceRef(a.uid, a.url, a.title, a.source, a.published_at) for a in ARTICLES.values()
    )
    return Briefing(
        topic=TOPIC,
        updated_at=NOW,
        headline="h",
        lead=tuple(lead or ()),
        sections=(Section("S", (), tuple(bullets)),),
        notable=(),
        implications=(),
        summary=(),
        sources=sources,
    )


def test_supported_statements_pass_with_passages() -> None:
    text = "Nvidia's total quarterly revenue surged 73% year-on-year, rising to $68.13 billion."
    verified, records = verify_briefing(
        briefing([Bullet(text, ("a001",))]), ARTICLES, redundancy_threshold=0.5
    )
    assert verified.sections[0].bullets[0].text == text
    assert verified.verification is not None
    assert (verified.verification.statements, verified.verification.supported) == (1, 1)
    assert records[0].article_id == 1
    assert records[0].support_score == 1.0


def test_unsupported_unknown_stale_and_repeated_statements_are_withheld() -> None:
    ok = Bullet("Meta signed nuclear deals with Vistra, Oklo and TerraPower.", ("a002",))
    bullets = [
        ok,
        Bullet("Nvidia's revenue rose to $90 billion.", ("a001",)),  # figure not in source
        Bullet("Meta signed deals with Vistra and Oklo.", ("zzz",)),  # unknown citation
        Bullet("As of mid-2024, Meta signed deals with Vistra and Oklo.", ("a002",)),  # stale
        dataclasses.replace(ok),  # the same bullet twice
    ]
    verified, _ = verify_briefing(briefing(bullets), ARTICLES, redundancy_threshold=0.5)
    assert [b.text for b in verified.sections[0].bullets] == [ok.text]
    assert verified.verification is not None
    reasons = " | ".join(verified.verification.withheld)
    for reason in ("figures not in cited sources", "no citation", "stale", "repeats"):
        assert reason in reasons


def test_section_without_surviving_bullets_is_dropped() -> None:
    bad = Bullet("Nvidia's revenue rose to $90 billion.", ("a001",))
    verified, _ = verify_briefing(briefing([bad]), ARTICLES, redundancy_threshold=0.5)
    assert verified.sections == ()


def test_citation_paths_follow_the_published_document() -> None:
    bad = Bullet("Nvidia's revenue rose to $90 billion.", ("a001",))
    good = Bullet("Meta signed nuclear deals with Vistra, Oklo and TerraPower.", ("a002",))
    _, records = verify_briefing(briefing([bad, good]), ARTICLES, redundancy_threshold=0.5)
    assert [(r.path, r.article_id) for r in records] == [("sections.0.bullets.0", 2)]


def test_lead_restating_a_bullet_is_withheld_not_the_bullet() -> None:
    text = "Meta signed nuclear deals with Vistra, Oklo and TerraPower."
    verified, _ = verify_briefing(
        briefing([Bullet(text, ("a002",))], lead=[Statement(text, ("a002",))]),
        ARTICLES,
        redundancy_threshold=0.5,
    )
    assert verified.lead == ()
    assert [b.text for b in verified.sections[0].bullets] == [text]


def test_today_said_on_an_earlier_day_is_withheld() -> None:
    articles = {
        1: make_article(
            1, "Vistra said today that it signed a nuclear deal with Meta.", days_ago=3
        ),
        2: make_article(2, "Oklo said today that it signed a nuclear deal with Meta.", days_ago=0),
    }
    sources = tuple(
        SourceRef(a.uid, a.url, a.title, a.source, a.published_at) for a in articles.values()
    )
    document = dataclasses.replace(
        briefing(
            [
                Bullet("Vistra said today that it signed a nuclear deal with Meta.", ("a001",)),
                Bullet("Oklo said today that it signed a nuclear deal with Meta.", ("a002",)),
            ]
        ),
        sources=sources,
    )
    verified, _ = verify_briefing(document, articles, redundancy_threshold=0.9)
    assert [b.text for b in verified.sections[0].bullets] == [
        "Oklo said today that it signed a nuclear deal with Meta."
    ]
    assert verified.verification is not None
    assert "relative time" in verified.verification.withheld[0]


def test_a_retelling_in_other_words_is_withheld_with_the_gauges_meaning_rule() -> None:
    first = "Meta signed nuclear deals with Vistra, Oklo and TerraPower."
    retold = "Reactor power for Meta will come from TerraPower and two other suppliers."
    other = "Meta opened a data centre in Ohio in January."
    articles = {
        2: make_article(2, f"{first} {retold} {other}"),
    }
    directions = {first: 0, retold: 0, other: 1}  # retold: same meaning as first

    def embed(texts: Sequence[str]) -> npt.NDArray[np.float32]:
        vectors = np.zeros((len(texts), 4), dtype=np.float32)
        for row, text in enumerate(texts):
            vectors[row, directions[text]] = 1.0
        return vectors

    bullets = [Bullet(text, ("a002",)) for text in (first, retold, other)]
    document = dataclasses.replace(briefing(bullets), sources=briefing([]).sources[1:])
    without, _ = verify_briefing(document, articles, redundancy_threshold=0.9)
    assert len(without.sections[0].bullets) == 3  # the wording rule alone lets it through
    verified, _ = verify_briefing(document, articles, redundancy_threshold=0.9, embed=embed)
    assert [b.text for b in verified.sections[0].bullets] == [first, other]
    assert verified.verification is not None
    assert any("repeats" in reason for reason in verified.verification.withheld)
