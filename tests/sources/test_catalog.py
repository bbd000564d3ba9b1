from __future__ import annotations

from pathlib import Path

import pytest

from newspulse.errors import ConfigError
from newspulse.sources.catalog import load_catalog

ISSUE_EXAMPLE = """
[[verticals]]
slug = "ai"
name = "AI"
[[topics]]
slug = "ai-infrastructure-funding"
vertical = "ai"
title = "AI Infrastructure & Funding"
tagline = "Hardware, data centers, supply chains, and investment driving AI scale"
description = "A paragraph saying what belongs in the topic."
include = ["data center", "GPU", "HBM"]   # optional
exclude = []                              # optional
"""


def test_starter_set_has_the_promised_topics() -> None:
    catalog = load_catalog()
    by_vertical: dict[str, list[str]] = {}
    for topic in catalog.topics:
        by_vertical.setdefault(topic.vertical, []).append(topic.slug)
    assert {v.slug for v in catalog.verticals} == {"ai", "crypto", "sports"}
    assert len(by_vertical["ai"]) >= 3
    assert len(by_vertical["crypto"]) >= 2
    assert len(by_vertical["sports"]) >= 2
    infra = next(t for t in catalog.topics if t.slug == "ai-infrastructure-funding")
    assert infra.title == "AI Infrastructure & Funding"
    assert infra.tagline == "Hardware, data centers, supply chains, and investment driving AI scale"


def test_issue_format_parses_exactly(tmp_path: Path) -> None:
    path = tmp_path / "topics.toml"
    path.write_text(ISSUE_EXAMPLE, "utf-8")
    catalog = load_catalog(path)
    (topic,) = catalog.topics
    assert topic.include == ("data center", "GPU", "HBM")
    assert topic.exclude == ()
    assert topic.facets == ()
    assert catalog.verticals[0].name == "AI"


def test_every_starter_topic_has_facets_a_reader_would_write() -> None:
    from newspulse.evaluation.readability import bad_section_title
    from newspulse.write.facets import facet_title

    described = [t for t in load_catalog().topics if t.facets]
    assert {t.slug for t in described} >= {"ai-infrastructure-funding", "crypto-markets"}
    for topic in described:
        assert 3 <= len(topic.facets) <= 7, topic.slug
        assert [bad_section_title(facet_title(f)) for f in topic.facets] == [None] * len(
            topic.facets
        ), topic.slug


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('vertical = "ai"', 'vertical = "nope"'), "unknown vertical"),
        (('slug = "ai-infrastructure-funding"', 'slug = "Bad Slug"'), "invalid slug"),
        (('include = ["data center", "GPU", "HBM"]', "include = 3"), "list of strings"),
        (('title = "AI Infrastructure & Funding"', 'titel = "x"'), "unknown topic keys"),
        (("exclude = []", 'exclude = []\nfacets = "chips"'), "list of strings"),
        (("exclude = []", 'exclude = []\nlanguage = "english"'), "not a language code"),
        (("exclude = []", 'exclude = []\nlanguage = "en-US"'), "not a language code"),
        (("exclude = []", 'exclude = []\nlanguage = "xx"'), "not a language code"),
        (("exclude = []", "exclude = []\nlanguage = 1"), "language code string"),
    ],
)
def test_invalid_topics_are_clear_errors(
    tmp_path: Path, change: tuple[str, str], message: str
) -> None:
    path = tmp_path / "topics.toml"
    path.write_text(ISSUE_EXAMPLE.replace(*change), "utf-8")
    with pytest.raises(ConfigError, match=message):
        load_catalog(path)


def test_missing_file_is_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read topics file"):
        load_catalog(tmp_path / "absent.toml")


def test_non_numeric_threshold_is_config_error(tmp_path: Path) -> None:
    path = tmp_path / "topics.toml"
    path.write_text(ISSUE_EXAMPLE + 'threshold = "high"\n', "utf-8")
    with pytest.raises(ConfigError, match="positive number"):
        load_catalog(path)


def test_a_topic_is_written_in_english_unless_its_language_says_otherwise(
    tmp_path: Path,
) -> None:
    assert {topic.language for topic in load_catalog().topics} == {"en"}
    path = tmp_path / "topics.toml"
    path.write_text(ISSUE_EXAMPLE.replace("exclude = []", 'exclude = []\nlanguage = "zh"'), "utf-8")
    assert [topic.language for topic in load_catalog(path).topics] == ["zh"]
