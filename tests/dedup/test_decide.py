from __future__ import annotations

import datetime as dt
import json

from newspulse.dedup.decide import dedup_batch
from newspulse.dedup.exact import content_hash
from newspulse.dedup.near import NearDuplicateIndex, text_signature
from newspulse.domain import DatedEntry, DateSource, Entry
from tests.conftest import CORPUS

NOW = dt.datetime(2026, 2, 27, tzinfo=dt.UTC)
WIRE = (
    "Nvidia agreed to buy Groq assets for $20 billion, the companies said on Wednesday, in a "
    "deal that brings the inference chip designer's engineers and licences under Nvidia."
)


def dated(url: str, body: str) -> DatedEntry:
    entry = Entry(url=url, source="s", title="t", text=body, published_at=NOW)
    return DatedEntry(entry, url, NOW, DateSource.FEED, NOW)


def test_skips_seen_urls_and_links_exact_copies() -> None:
    batch = [
        dated("https://a.example/1", WIRE),
        dated("https://b.example/syndicated", WIRE),
        dated("https://a.example/1", "same URL again"),
        dated("https://c.example/old", "already stored"),
        dated("https://d.example/new", "Something else entirely."),
        dated("https://e.example/copy-of-stored", "x " * 30),
    ]
    result = dedup_batch(
        batch,
        known_urls={"https://c.example/old"},
        known_hashes={content_hash("x " * 30): 41},
    )
    links = [(a.dated.canonical_url, a.duplicate_of, a.duplicate_of_uid) for a in result.accepted]
    first_uid = result.accepted[0].uid
    assert links == [
        ("https://a.example/1", None, None),
        ("https://b.example/syndicated", None, first_uid),
        ("https://d.example/new", None, None),
        ("https://e.example/copy-of-stored", 41, None),
    ]
    assert (result.seen_before, result.copies) == (2, 2)


def test_short_identical_texts_are_not_copies() -> None:
    result = dedup_batch(
        [dated("https://a.example/1", "Read more"), dated("https://b.example/2", "Read more")],
        known_urls=set(),
        known_hashes={},
    )
    assert not any(a.is_copy for a in result.accepted)


def test_near_copy_of_a_real_wire_story_links_to_the_stored_original() -> None:
    lines = (CORPUS / "sports/articles.jsonl").read_text("utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    story = next(r["text"] for r in records if len(r["text"].split()) > 200)
    index = NearDuplicateIndex(threshold=0.5)
    signature = text_signature(story)
    assert signature is not None
    index.add_signature(7, signature)
    rewritten = story + "\nThis story was syndicated from the Associated Press. Read more."
    result = dedup_batch(
        [dated("https://x.example/copy", rewritten), dated("https://y.example/other", WIRE)],
        known_urls=set(),
        known_hashes={},
        near=index,
    )
    assert [a.duplicate_of for a in result.accepted] == [7, None]
    assert result.near_copies == 1
    assert result.accepted[1].uid in index  # originals join the index for later batches
