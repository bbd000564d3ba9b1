"""Language detection: the words decide, a declaration only fills in for too little text."""

from __future__ import annotations

import pytest

from newspulse.text.language import (
    LanguageError,
    checked_language,
    detect_language,
    language_name,
    language_tag,
)

ENGLISH = (
    "The central bank raised its benchmark rate by a quarter point on Wednesday, citing "
    "inflation that has stayed above its target for two years."
)
CHINESE = "中央银行周三将基准利率上调二十五个基点，理由是通胀已连续两年高于目标。"  # noqa: RUF001 (Chinese punctuation)
MALAY = (
    "Bank pusat menaikkan kadar faedah sebanyak suku mata peratus pada hari Rabu, kata "
    "jurucakap kerajaan, kerana inflasi kekal tinggi sejak dua tahun lalu."
)
INDONESIAN = (
    "Bank sentral menaikkan suku bunga acuan pada hari Rabu, karena inflasi yang tetap "
    "berada di atas target selama dua tahun, kata pemerintah kepada wartawan."
)


@pytest.mark.parametrize(
    ("title", "text", "expected"),
    [
        ("Central bank raises rates", ENGLISH, "en"),
        ("央行加息", CHINESE, "zh"),
        ("Bank pusat naikkan kadar faedah", MALAY, "ms"),
        ("Bank sentral naikkan suku bunga", INDONESIAN, "id"),
    ],
)
def test_the_words_tell_the_language(title: str, text: str, expected: str) -> None:
    assert detect_language(title, text) == expected


def test_clear_text_evidence_beats_the_declared_language() -> None:
    assert detect_language("央行加息", CHINESE, declared="en-US") == "zh"
    assert detect_language("Rates", ENGLISH, declared="fr") == "en"


def test_too_little_text_is_undetermined_unless_declared() -> None:
    assert detect_language("Goal!", "") == "und"
    assert detect_language("", "") == "und"
    assert detect_language("Goal!", "", declared="pt-BR") == "pt"
    assert detect_language("Goal!", "", declared="not a tag") == "und"


def test_declared_tags_reduce_to_nameable_primary_subtags() -> None:
    assert language_tag("zh_Hans") == "zh"
    assert language_tag(" EN-us ") == "en"
    assert language_tag("und") is None
    assert language_tag("x-klingon") is None
    assert language_tag("qq") is None
    assert language_tag(None) is None


def test_configured_codes_must_be_exact_and_names_are_readable() -> None:
    assert checked_language("zh") == "zh"
    for bad in ("zh-CN", "chinese", "", "zz"):
        with pytest.raises(LanguageError):
            checked_language(bad)
    assert language_name("zh") == "Chinese"
    assert language_name("id") == "Indonesian"
    assert language_name("und") == "Unknown language"
