"""JSON Feed 1.0/1.1 (https://www.jsonfeed.org/version/1.1/) read with the stdlib."""

from __future__ import annotations

import html as html_entities
import json
from collections.abc import Mapping
from typing import Any

from newspulse.ingest.feed_items import (
    FeedParseError,
    ParsedFeed,
    RawItem,
    finish_feed,
    first_enclosure,
    list_value,
    parse_date,
    text_value,
)


def parse_json_feed(content: bytes, *, url: str) -> ParsedFeed:
    try:
        document = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, RecursionError, json.JSONDecodeError) as exc:
        raise FeedParseError(url, f"invalid JSON: {exc}") from exc
    if not isinstance(document, dict) or not str(document.get("version", "")).startswith(
        "https://jsonfeed.org/version/"
    ):
        raise FeedParseError(url, "JSON document is not a JSON Feed (no jsonfeed.org version)")
    return finish_feed(
        url=url,
        title=text_value(document.get("title")),
        site_link=text_value(document.get("home_page_url")) or None,
        ttl=None,
        language=text_value(document.get("language")) or None,
        raw_items=[
            _raw_from_json(x) for x in list_value(document.get("items")) if isinstance(x, dict)
        ],
        parser="jsonfeed",
    )


def _raw_from_json(item: Mapping[str, Any]) -> RawItem:
    content = text_value(item.get("content_html"))
    if not content and item.get("content_text"):
        paragraphs = text_value(item.get("content_text")).splitlines()
        content = "".join(f"<p>{html_entities.escape(p)}</p>" for p in paragraphs if p.strip())
    authors = list_value(item.get("authors")) or [item.get("author")]  # "author": JSON Feed 1.0
    names = [text_value(a.get("name")) for a in authors if isinstance(a, Mapping)]
    return RawItem(
        title=text_value(item.get("title")),
        link=text_value(item.get("url")) or text_value(item.get("external_url")) or None,
        guid=text_value(item.get("id")) or None,
        published=parse_date(item.get("date_published")),
        updated=parse_date(item.get("date_modified")),
        author=", ".join(name for name in names if name) or None,
        summary_html=html_entities.escape(text_value(item.get("summary"))),
        content_html=content,
        categories=tuple(
            text_value(tag) for tag in list_value(item.get("tags")) if text_value(tag)
        ),
        enclosure=first_enclosure(list_value(item.get("attachments"))),
    )
