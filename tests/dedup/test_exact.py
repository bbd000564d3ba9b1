from __future__ import annotations

import datetime as dt

from newspulse.dedup.exact import article_uid, content_hash, dedup_batch
from newspulse.domain import DatedEntry, DateSource, Entry

NOW = dt.datetime(2026, 2, 27, tzinfo=dt.UTC)


def dated(url: str, body: str) -> DatedEntry:
    entry = Entry(url=url, source="s", title="t", text=body, published_at=NOW)
    return DatedEntry(entry, url, NOW, DateSource.FEED, NOW)


def test_hash_ignores_case_punctuation_and_spacing() -> None:
    assert content_hash("MatX raised $500M.\n\nLed by Jane Street") == content_hash(
        "matx raised 500m led  by jane street!"
    )
    assert content_hash("MatX raised $500M") != content_hash("MatX raised $250M")


def test_uid_is_short_and_stable() -> None:
    uid = article_uid("https://example.com/a")
    assert uid == article_uid("https://example.com/a")
    assert len(uid) == 12


def test_dedup_batch_skips_seen_urls_and_links_copies() -> None:
    wire = (
        "Nvidia agreed to buy Groq assets for $20 billion, the companies said on Wednesday, in a "
        "deal that brings the inference chip designer's engineers and licences under Nvidia."
    )
    batch = [
        dated("https://a.example/1", wire),
        dated("https://b.example/syndicated", wire),
        dated("https://a.example/1", "same URL again"),
        dated("https://c.example/old", "already stored"),
        dated("https://d.example/new", "Something else entirely."),
    ]
    result = dedup_batch(
        batch, known_urls={"https://c.example/old"}, known_hashes={content_hash("unrelated")}
    )
    assert [a.dated.canonical_url for a in result.accepted] == [
        "https://a.example/1",
        "https://b.example/syndicated",
        "https://d.example/new",
    ]
    assert [a.duplicate_of_hash is not None for a in result.accepted] == [False, True, False]
    assert (result.seen_before, result.copies) == (2, 1)


def test_short_identical_texts_are_not_copies() -> None:
    result = dedup_batch(
        [dated("https://a.example/1", "Read more"), dated("https://b.example/2", "Read more")],
        known_urls=set(),
        known_hashes=set(),
    )
    assert [a.duplicate_of_hash for a in result.accepted] == [None, None]
    assert result.copies == 0
