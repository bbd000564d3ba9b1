"""View models: citation numbering, source groups, dates and the ``safe_url`` filter."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from newspulse.publish.templating import safe_url
from newspulse.publish.views import (
    build_briefing,
    build_citation_index,
    read_date,
    read_timestamp,
)
from newspulse.publish.views_pages import event_labels
from newspulse.publish.views_sources import build_source_groups


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


def test_an_event_group_is_headed_by_its_stored_event_title(document: dict[str, Any]) -> None:
    first = document["sources"][0]
    document["sources"][0] = {**first, "event_title": "Etched raises $500 million for its chip"}
    groups = build_source_groups(document)
    assert groups[0].heading == "Etched raises $500 million for its chip"
    assert event_labels(document)[first["event_id"]] == groups[0].heading


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


def test_relative_age_reads_naturally() -> None:
    from newspulse.publish.views_pages import relative_age

    now = dt.datetime(2026, 2, 27, 12, 0, tzinfo=dt.UTC)
    assert relative_age(now - dt.timedelta(seconds=30), now) == "just now"
    assert relative_age(now - dt.timedelta(minutes=1), now) == "1 minute ago"
    assert relative_age(now - dt.timedelta(hours=5, minutes=59), now) == "5 hours ago"
    assert relative_age(now - dt.timedelta(days=3), now) == "3 days ago"
    assert relative_age(now + dt.timedelta(hours=1), now) == "in the future"
    assert relative_age(None, now) == ""


def test_segments_cut_text_at_highlight_spans() -> None:
    from newspulse.publish.views_pages import Segment, segments

    assert segments("a <b> chip", [(4, 10)]) == (Segment("a <b", False), Segment("> chip", True))
    # Overlapping and out-of-range spans are clipped, never duplicated.
    assert segments("abc", [(5, 9), (1, 2), (0, 2)]) == (Segment("ab", True), Segment("c", False))
    assert segments("", []) == ()


@pytest.mark.parametrize(
    ("fact", "shown"),
    [
        ("USD:9600000000", "$9.6 billion"),
        ("JPY:1500000000000", "¥1.5 trillion"),
        ("%:14", "14%"),
        ("USD:3.62", "$3.62"),
        ("GW:6", "6 GW"),
        ("micron technology", None),
        ("lip-bu tan", None),
        ("note:this", None),
    ],
)
def test_event_figures_read_as_written(fact: str, shown: str | None) -> None:
    from newspulse.publish.views_pages import format_figure

    assert format_figure(fact) == shown


def test_volume_chart_counts_sources_per_day(document: dict[str, Any]) -> None:
    from newspulse.publish.views_chart import build_volume_chart

    chart = build_volume_chart(document)
    assert chart is not None
    # a103's date is estimated: unknown dates are not drawn as that day's coverage.
    assert [(bar.day, bar.count) for bar in chart.bars] == [
        ("2026-02-24", 2),
        ("2026-02-25", 0),
        ("2026-02-26", 1),
    ]
    tallest = max(chart.bars, key=lambda bar: bar.height)
    assert tallest.y == 0
    assert tallest.height == chart.baseline
    assert chart.description.startswith("3 sources over 3 days")
    assert chart.description.endswith("1 without a known publication date are not counted.")
    assert build_volume_chart({"sources": [{"published_at": None}]}) is None


def test_changes_name_events_and_link_only_known_ones() -> None:
    from newspulse.publish.views_pages import build_changes

    diff = {"first_version": False, "events_added": [7, 8], "bullets_removed": ["Old."]}
    changes = build_changes(
        diff, labels={7: "Etched raises"}, events_href="../../", linkable=frozenset({7})
    )
    assert changes is not None
    assert [(e.label, e.href) for e in changes.events_added] == [
        ("Etched raises", "../../events/7/"),
        ("Event 8", ""),
    ]
    assert changes.bullets_removed == ("Old.",)
    assert not changes.empty
    assert build_changes("not a diff", labels={}, events_href="") is None


def test_search_results_link_and_read_figures() -> None:
    from newspulse.publish.views_pages import Segment, build_result
    from newspulse.store.base import SearchHit

    when = dt.datetime(2026, 2, 24, tzinfo=dt.UTC)
    event = SearchHit("event", 7, "Etched raises", "USD:500000000 · etched", when, None, None, 1.0,
                      ((16, 22),), 7)  # fmt: skip
    item = build_result(event, root="../")
    assert (item.href, item.external, item.event_href) == ("../events/7/", False, "")
    assert item.snippet == (Segment("$500 million · ", False), Segment("etched", True))
    article = SearchHit("article", 3, "T", "x", when, "https://a.example/", "A", 1.0, (), 7)
    item = build_result(article, root="../", event_of={3: 7})
    assert (item.href, item.external, item.event_href) == (
        "https://a.example/",
        True,
        "../events/7/",
    )


def test_timeline_reads_dates_citations_and_event_links(document: dict[str, Any]) -> None:
    document["timeline"] = [
        {
            "date": "2026-02-20",
            "text": "Etched raises $500 million",
            "citations": ["a101"],
            "event_id": 7,
        },
        {"date": "not a date", "text": "Undatable", "citations": ["a102"], "event_id": 8},
        {"date": "2026-02-24", "text": "Memory prices rise", "citations": ["a104", "gone"]},
    ]
    briefing = build_briefing(document, sources_href="sources/", events_href="../../")
    assert [(e.date.text, e.text) for e in briefing.timeline] == [
        ("20 Feb 2026", "Etched raises $500 million"),
        ("24 Feb 2026", "Memory prices rise"),
    ]
    assert briefing.timeline[0].href == "../../events/7/"
    assert briefing.timeline[1].href == ""
    assert [c.number for c in briefing.timeline[1].citations] == [4, None]
    assert build_briefing({"headline": "x"}, sources_href="sources/").timeline == ()


def test_a_section_is_never_newer_than_its_publisher_dated_sources() -> None:
    from newspulse.publish.views import BulletItem, Citation, CitedText, read_date, section_newest

    def cite(day: str, *, dated: bool) -> Citation:
        return Citation(number=1, href="#", title="t", published=read_date(day), dated=dated)

    run_day = read_date("2026-02-27")
    undated = CitedText("Only fetch-time dates.", (cite("2026-02-27", dated=False),))
    assert section_newest(run_day, [undated], []) is None
    child = BulletItem("Child.", (cite("2026-02-20", dated=True),), (), None)
    bullet = BulletItem("Parent.", (cite("2026-02-27", dated=False),), (child,), None)
    newest = section_newest(run_day, [], [bullet])
    assert newest is not None
    assert newest.iso == "2026-02-20"
    stated = read_date("2026-02-19")
    assert section_newest(stated, [], [bullet]) == stated  # the writer's older day stands
    assert section_newest(run_day, [], []) == run_day  # nothing cited: the writer's value


def test_name_chips_are_one_per_name_spelled_as_headlines_spell_them() -> None:
    from newspulse.publish.views_pages import name_chips

    keys = ["ai", "breakdown", "huang", "jensen huang", "jen-sen", "deal.at", "nvidia", "tsmc"]
    titles = ["Nvidia CEO Jensen Huang says the deal is on", "TSMC lifts spending"]
    assert name_chips(keys, titles) == ("Jensen Huang", "Nvidia", "TSMC")
