from __future__ import annotations

from newspulse.dedup.exact import article_uid, content_hash, long_enough_to_copy


def test_hash_ignores_case_punctuation_and_spacing() -> None:
    assert content_hash("MatX raised $500M.\n\nLed by Jane Street") == content_hash(
        "matx raised 500m led  by jane street!"
    )
    assert content_hash("MatX raised $500M") != content_hash("MatX raised $250M")


def test_uid_is_short_and_stable() -> None:
    uid = article_uid("https://example.com/a")
    assert uid == article_uid("https://example.com/a")
    assert len(uid) == 12


def test_short_texts_are_not_evidence_of_copying() -> None:
    assert not long_enough_to_copy("Read more")
    assert long_enough_to_copy(" ".join(["word"] * 20))
