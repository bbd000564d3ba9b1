"""View models: citation numbering, source groups, dates and the ``safe_url`` filter."""

from __future__ import annotations

from typing import Any

import pytest

from newspulse.publish.templating import safe_url
from newspulse.publish.views import (
    build_briefing,
    build_citation_index,
    build_source_groups,
    read_date,
    read_timestamp,
)


def test_citations_are_numbered_in_source_order(document: dict[str, Any]) -> None:
    index = build_citation_index(document, sources_href="sources/")
    assert [index[s["id"]].number for s in document["sources"]] == [1, 2, 3, 4]
    assert index["a104"].href == "sources/#s-a104"
    assert index["a101"].title.startswith("Reuters · 24 Feb 2026, 13:05 UTC · Etched raises")


def test_unknown_citation_has_no_number(document: dict[str, Any]) -> None:
    document["lead"][0]["citations"].append("missing")
    briefing = build_briefing(document, sources_href="sources/")
    assert [c.number for c in briefing.lead[0].citations] == [1, 2, None]


def test_briefing_reads_sections_and_nested_bullets(document: dict[str, Any]) -> None:
    briefing = build_briefing(document, sources_href="sources/")
    first = briefing.sections[0]
    assert first.publisher_count == 2
    assert first.newest is not None
    assert first.newest.text == "24 Feb 2026"
    child = first.bullets[0].children[0]
    assert child.text == "It plans to ship its first chip in 2027."
    assert child.as_of is not None
    assert child.as_of.iso == "2026-02-24"
    assert briefing.verification is not None
    assert briefing.verification.withheld == 1
    assert briefing.source_count == 4


def test_sources_group_by_event_with_other_last(document: dict[str, Any]) -> None:
    groups = build_source_groups(document)
    assert [g.heading for g in groups] == [
        document["sources"][0]["title"],
        document["sources"][3]["title"],
        "Other",
    ]
    assert [s.number for s in groups[0].sources] == [1, 2]
    assert [s.anchor for s in groups[2].sources] == ["s-a103"]
    assert groups[2].sources[0].date_estimated


def test_sparse_document_reads_as_empty() -> None:
    briefing = build_briefing({"headline": "Only a headline"}, sources_href="sources/")
    assert briefing.headline == "Only a headline"
    assert briefing.sections == ()
    assert briefing.updated is None
    assert briefing.verification is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-02-26T14:05:00Z", "26 Feb 2026, 14:05 UTC"),
        ("2026-02-26T15:05:00+01:00", "26 Feb 2026, 14:05 UTC"),
        ("2026-02-26T14:05:00", "26 Feb 2026, 14:05 UTC"),
        ("yesterday", None),
        (None, None),
    ],
)
def test_read_timestamp(value: object, expected: str | None) -> None:
    moment = read_timestamp(value)
    assert (moment.text if moment else None) == expected


def test_read_date() -> None:
    moment = read_date("2026-03-01")
    assert moment is not None
    assert (moment.iso, moment.text) == ("2026-03-01", "1 Mar 2026")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.com/a?b=1", "https://example.com/a?b=1"),
        ("  HTTP://example.com/  ", "HTTP://example.com/"),
        ("javascript:alert(1)", ""),
        ("JaVaScRiPt:alert(1)", ""),
        ("java\tscript:alert(1)", ""),
        ("https://exa\nmple.com/", ""),
        ("data:text/html,<script>alert(1)</script>", ""),
        ("//example.com/a", ""),
        ("/relative/path", ""),
        ("http://[::1", ""),
        ("https:///no-host", ""),
        (None, ""),
    ],
)
def test_safe_url(url: object, expected: str) -> None:
    assert safe_url(url) == expected
