"""Near duplicates on real syndicated copies from the bundled corpora, and signature storage."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newspulse.dedup.near import (
    NearDuplicateIndex,
    Signature,
    SignatureError,
    estimated_jaccard,
    text_signature,
)
from newspulse.errors import NewsPulseError

CORPUS = Path(__file__).resolve().parents[2] / "examples" / "corpus"
# sports/articles.jsonl lines (0-based): the same AP story on players.bio and wftv.com (8, 9);
# one Mexico GP report rewritten by another site (77, 78); two different stories of The
# Independent under the same 100-word donation appeal (107, 115).
AP_ORIGINAL, AP_COPY = 8, 9
REWRITE_A, REWRITE_B = 77, 78
BANNER_A, BANNER_B = 107, 115


def corpus_texts(name: str) -> list[str]:
    lines = (CORPUS / name / "articles.jsonl").read_text("utf-8").splitlines()
    return [json.loads(line)["text"] for line in lines if line.strip()]


@pytest.fixture(scope="module")
def sports() -> list[str]:
    return corpus_texts("sports")


def change_trailer(text: str, trailer: str) -> str:
    """The wire story as another outlet runs it: same body, its own closing paragraph."""
    paragraphs = [paragraph for paragraph in text.split("\n") if paragraph.strip()]
    return "\n".join([*paragraphs[:-1], trailer])


def test_wire_copy_on_another_site_is_found(sports: list[str]) -> None:
    index = NearDuplicateIndex()
    index.add("players.bio", sports[AP_ORIGINAL])
    assert index.query(sports[AP_COPY]) == "players.bio"


def test_wire_story_with_a_changed_trailer_is_found(sports: list[str]) -> None:
    index = NearDuplicateIndex()
    index.add("wftv", sports[AP_COPY])
    copy = change_trailer(
        sports[AP_COPY],
        "Copyright 2025 The Associated Press. All rights reserved. This material may not be "
        "published, broadcast, rewritten or redistributed. Follow AP golf coverage online.",
    )
    assert index.query(copy) == "wftv"


def test_rewrites_and_shared_banners_are_not_copies(sports: list[str]) -> None:
    index = NearDuplicateIndex()
    index.add(REWRITE_A, sports[REWRITE_A])
    index.add(BANNER_A, sports[BANNER_A])
    assert index.query(sports[REWRITE_B]) is None
    assert index.query(sports[BANNER_B]) is None


def test_whole_corpus_flags_only_the_known_copy() -> None:
    index = NearDuplicateIndex()
    flagged = []
    for name in ("ai-infra", "crypto", "sports"):
        for number, text in enumerate(corpus_texts(name)):
            original = index.query(text)
            if original is not None:
                flagged.append((original, f"{name}:{number}"))
            index.add(f"{name}:{number}", text)
    assert flagged == [(f"sports:{AP_ORIGINAL}", f"sports:{AP_COPY}")]


def test_copies_link_to_the_first_seen_original(sports: list[str]) -> None:
    index = NearDuplicateIndex()
    index.add(1, sports[AP_ORIGINAL])
    index.add(2, sports[AP_COPY])
    index.add(3, sports[REWRITE_A])
    assert index.query(change_trailer(sports[AP_COPY], "Reporting by staff.")) == 1
    index.remove(1)
    assert index.query(sports[AP_ORIGINAL]) == 2
    assert 1 not in index
    assert len(index) == 2


def test_signatures_persist_and_rebuild_the_index(sports: list[str]) -> None:
    index = NearDuplicateIndex()
    stored = {number: index.add(number, text) for number, text in enumerate(sports[:40])}
    assert all(isinstance(data, bytes) and len(data) == 3 + 4 * 128 for data in stored.values())
    rebuilt = NearDuplicateIndex()
    for number, data in stored.items():
        assert data is not None
        rebuilt.add_signature(number, data)
    assert rebuilt.query(sports[AP_COPY]) == index.query(sports[AP_COPY]) == AP_ORIGINAL
    signature = text_signature(sports[AP_ORIGINAL])
    assert signature is not None
    assert Signature.from_bytes(signature.to_bytes()).values.tolist() == signature.values.tolist()


def test_signature_similarity_estimates_jaccard(sports: list[str]) -> None:
    original, copy, other = (text_signature(sports[i]) for i in (AP_ORIGINAL, AP_COPY, BANNER_B))
    assert original is not None
    assert copy is not None
    assert other is not None
    assert estimated_jaccard(original, copy) > 0.7
    assert estimated_jaccard(original, other) < 0.1


@pytest.mark.parametrize(
    "data",
    [b"", b"\x01\x80", b"\x02\x80\x00" + bytes(512), b"\x01\x40\x00" + bytes(256), b"\x01\x80\x00"],
    ids=["empty", "truncated-header", "other-version", "other-permutations", "no-body"],
)
def test_bad_signature_bytes_raise(data: bytes) -> None:
    with pytest.raises(SignatureError) as caught:
        NearDuplicateIndex().add_signature(7, data)
    assert isinstance(caught.value, NewsPulseError)


def test_short_texts_are_not_indexed() -> None:
    index = NearDuplicateIndex()
    assert index.add(1, "Breaking: markets fall.") is None
    assert index.query("Breaking: markets fall.") is None
    assert len(index) == 0
